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

function exactParts(at: number, timeZone: string) {
  const parts = formatterOf(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
  };
}

/** The zone's UTC offset at an instant, from Intl (slow: about 10 µs a call). */
function exactOffset(at: number, timeZone: string): number {
  const p = exactParts(at, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (at - (at % 1000));
}

// Earning evaluates dates for every event of a batch; Intl's formatToParts would be a fifth of
// its CPU. Offsets change at most once an hour (no zone has had two transitions within one),
// so an hour whose first and last millisecond share an offset has that offset throughout; the
// rare hour holding a transition is computed exactly each time.
const hourMs = 3_600_000;
const offsetsByHour = new Map<string, number | null>();
function offsetAt(at: number, timeZone: string): number {
  const hour = Math.floor(at / hourMs);
  const key = `${timeZone}|${hour}`;
  let offset = offsetsByHour.get(key);
  if (offset === undefined) {
    const first = exactOffset(hour * hourMs, timeZone);
    offset = first === exactOffset(hour * hourMs + hourMs - 1, timeZone) ? first : null;
    if (offsetsByHour.size >= 50_000) offsetsByHour.clear();
    offsetsByHour.set(key, offset);
  }
  return offset ?? exactOffset(at, timeZone);
}

function localParts(at: Date, timeZone: string) {
  const wall = new Date(at.getTime() + offsetAt(at.getTime(), timeZone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    weekday: wall.getUTCDay(),
  };
}

/** The calendar date of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): LocalDate {
  return localParts(at, timeZone);
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

/**
 * The instant a calendar date starts in a time zone: local midnight, or the end of the gap on a
 * day whose clocks spring forward at midnight (America/Santiago). Month and day may overflow,
 * as with Date.UTC: month 13 is January next year.
 */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  const target = new Date(wall);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  const onTarget = [first, second].filter((candidate) => {
    const local = localParts(new Date(candidate), timeZone);
    return (
      local.year === target.getUTCFullYear() &&
      local.month === target.getUTCMonth() + 1 &&
      local.day === target.getUTCDate()
    );
  });
  return new Date(onTarget.length > 0 ? Math.min(...onTarget) : second);
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
