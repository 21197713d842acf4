/**
 * Calendar dates in a given IANA time zone, as the API's instants: a program's "1 May" starts at
 * midnight in the program's zone, wherever the browser is.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(instant: number, timeZone: string) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const values: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant)))
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  return values as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - instant;
}

function parseDate(date: string): [number, number, number] | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/** A wall-clock time in a zone as an instant: ("2026-05-01", "09:30", Asia/Shanghai) → 01:30Z. */
export function instantIn(date: string, time: string, timeZone: string, addDays = 0): string {
  const parsed = parseDate(date);
  const clock = /^(\d{2}):(\d{2})$/.exec(time);
  if (!parsed || !clock) throw new Error(`not a date and time: ${date} ${time}`);
  const wall = Date.UTC(
    parsed[0],
    parsed[1] - 1,
    parsed[2] + addDays,
    Number(clock[1]),
    Number(clock[2]),
  );
  let instant = wall - offsetAt(wall, timeZone);
  // Across a daylight-saving change the offset at the guess differs from the one at the answer.
  const corrected = wall - offsetAt(instant, timeZone);
  if (corrected !== instant) instant = corrected;
  return new Date(instant).toISOString();
}

/** "2026-05-01" in Asia/Shanghai → "2026-04-30T16:00:00.000Z" (that day's first instant). */
export function startOfDayIn(date: string, timeZone: string, addDays = 0): string {
  return instantIn(date, '00:00', timeZone, addDays);
}

/** The calendar date of an instant in a zone: "2026-04-30T16:00:00Z" in Asia/Shanghai → "2026-05-01". */
export function dateIn(iso: string, timeZone: string, offsetMs = 0): string {
  const p = partsIn(Date.parse(iso) + offsetMs, timeZone);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}
