/**
 * Dates in the measures are **day numbers**: whole days since 1970-01-01 (UTC), so day 0 is
 * 1970-01-01 and day 19723 is 2024-01-01. Callers convert instants to days in the tenant's
 * time zone at the edge; here arithmetic is plain integers and no clock is read. Outputs that
 * a UI shows also carry ISO `YYYY-MM-DD` strings. Calendar conversion uses Howard Hinnant's
 * `days_from_civil` / `civil_from_days` (proleptic Gregorian), exact for any integer day.
 */

export interface CivilDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

/**
 * Day number of a calendar date.
 *
 * @example
 * dayFromCivil({ year: 2024, month: 1, day: 1 }); // 19723
 */
export function dayFromCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Calendar date of a day number.
 *
 * @example
 * civilFromDay(19723); // { year: 2024, month: 1, day: 1 }
 */
export function civilFromDay(dayNumber: number): CivilDate {
  const z = Math.floor(dayNumber) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * ISO `YYYY-MM-DD` of a day number.
 *
 * @example
 * isoDateFromDay(19723); // '2024-01-01'
 */
export function isoDateFromDay(dayNumber: number): string {
  const { year, month, day } = civilFromDay(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Day number of an ISO `YYYY-MM-DD` date, or null when the text is not a valid date.
 *
 * @example
 * dayFromIsoDate('2024-02-29'); // 19782
 * dayFromIsoDate('2023-02-29'); // null
 */
export function dayFromIsoDate(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  const [, y, m, d] = match;
  const civil = { year: Number(y), month: Number(m), day: Number(d) };
  const dayNumber = dayFromCivil(civil);
  const back = civilFromDay(dayNumber);
  return back.month === civil.month && back.day === civil.day ? dayNumber : null;
}

/**
 * Months since January 1970 (0 = 1970-01) of a day number: a month index for cohorts.
 *
 * @example
 * monthIndexFromDay(19723); // 648 (2024-01)
 */
export function monthIndexFromDay(dayNumber: number): number {
  const { year, month } = civilFromDay(dayNumber);
  return (year - 1970) * 12 + (month - 1);
}

/**
 * First day number of a month index.
 *
 * @example
 * dayFromMonthIndex(648); // 19723 (2024-01-01)
 */
export function dayFromMonthIndex(monthIndex: number): number {
  const year = 1970 + Math.floor(monthIndex / 12);
  const month = monthIndex - (year - 1970) * 12 + 1;
  return dayFromCivil({ year, month, day: 1 });
}

/**
 * `YYYY-MM` label of a month index.
 *
 * @example
 * isoMonthFromIndex(648); // '2024-01'
 */
export function isoMonthFromIndex(monthIndex: number): string {
  return isoDateFromDay(dayFromMonthIndex(monthIndex)).slice(0, 7);
}
