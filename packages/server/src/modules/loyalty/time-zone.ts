// Calendar arithmetic in a program's time zone (days, weeks, months, periods), on the
// platform's Intl data: instants stay UTC everywhere else.

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateFormatters.set(timeZone, formatter);
  }
  return formatter;
}

const weekdayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0 = Sunday */
  weekday: number;
}

function localParts(at: Date, timeZone: string) {
  const parts = formatterOf(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: weekdayNames.indexOf(get('weekday')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
  };
}

/** The calendar date of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): LocalDate {
  const { year, month, day, weekday } = localParts(at, timeZone);
  return { year, month, day, weekday };
}

export function weekdayName(weekday: number): string {
  return weekdayNames[weekday] ?? '?';
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

function offsetMs(at: number, timeZone: string): number {
  const p = localParts(new Date(at), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (at - (at % 1000));
}

/**
 * The instant local midnight starts on a calendar date (month and day may overflow, as with
 * Date.UTC: month 13 is January next year).
 */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return new Date(guess);
}

/** Adds calendar months to an instant, clamping the day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(at: Date, months: number): Date {
  const result = new Date(at.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const last = new Date(
    Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0),
  ).getUTCDate();
  result.setUTCDate(Math.min(day, last));
  return result;
}

export type Period = 'month' | 'quarter' | 'year';

/** Start of the local period containing `at`, shifted by `offset` periods. */
export function periodStart(at: Date, period: Period, timeZone: string, offset = 0): Date {
  const { year, month } = localDate(at, timeZone);
  const size = period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
  const first = period === 'year' ? 1 : Math.floor((month - 1) / size) * size + 1;
  return zonedMidnight(year, first + offset * size, 1, timeZone);
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}
