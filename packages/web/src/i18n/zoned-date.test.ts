import { describe, expect, it } from 'vitest';
import { dateIn, instantIn, startOfDayIn } from './zoned-date.ts';

describe('calendar days in a time zone', () => {
  it.each([
    ['2026-05-01', 'Asia/Shanghai', 0, '2026-04-30T16:00:00.000Z'],
    ['2026-05-01', 'Asia/Shanghai', 1, '2026-05-01T16:00:00.000Z'],
    ['2026-05-01', 'UTC', 0, '2026-05-01T00:00:00.000Z'],
    ['2026-12-31', 'Asia/Shanghai', 1, '2026-12-31T16:00:00.000Z'],
    // Daylight saving: New York is UTC−5 in winter, UTC−4 in summer.
    ['2026-01-15', 'America/New_York', 0, '2026-01-15T05:00:00.000Z'],
    ['2026-07-15', 'America/New_York', 0, '2026-07-15T04:00:00.000Z'],
    // The day the clocks go forward (8 March 2026) still starts at local midnight.
    ['2026-03-08', 'America/New_York', 0, '2026-03-08T05:00:00.000Z'],
    ['2026-03-08', 'America/New_York', 1, '2026-03-09T04:00:00.000Z'],
  ])('%s in %s (+%i days) starts at %s', (date, zone, add, expected) => {
    expect(startOfDayIn(date, zone, add)).toBe(expected);
    expect(dateIn(expected, zone)).toBe(add ? dateIn(startOfDayIn(date, zone, add), zone) : date);
  });

  it('a wall-clock time in the zone, whatever zone the browser is in', () => {
    expect(instantIn('2026-05-01', '09:30', 'Asia/Shanghai')).toBe('2026-05-01T01:30:00.000Z');
    expect(instantIn('2026-07-04', '23:59', 'America/New_York')).toBe('2026-07-05T03:59:00.000Z');
  });

  it('the last day of a range is the day before its exclusive end', () => {
    const end = startOfDayIn('2026-05-07', 'Asia/Shanghai', 1);
    expect(dateIn(end, 'Asia/Shanghai', -1)).toBe('2026-05-07');
  });

  it('refuses what is not a date', () => {
    expect(() => startOfDayIn('1 May', 'UTC')).toThrow();
  });
});
