import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate, periodStart, zonedMidnight } from './time-zone.ts';

const zones = [
  'UTC',
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe', // half-hour daylight saving
  'Asia/Kathmandu', // +05:45
  'America/St_Johns', // -03:30 with daylight saving
  'Pacific/Apia', // skipped a whole day in 2011
];

/** What Intl says, without the offset cache. */
function intlDate(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
}

describe('time zones', () => {
  it('gives the calendar date Intl gives, at any instant, also around transitions', () => {
    const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) });
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (ms, zone) => {
        expect(localDate(new Date(ms), zone)).toEqual(intlDate(new Date(ms), zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('is exact minute by minute through daylight-saving changes', () => {
    const cases: [string, number][] = [
      ['America/New_York', Date.UTC(2026, 2, 8, 6)], // spring forward at 02:00 local
      ['America/New_York', Date.UTC(2026, 10, 1, 5)], // fall back at 02:00 local
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14)], // 02:00 → 01:30
      ['America/St_Johns', Date.UTC(2026, 2, 8, 4)],
    ];
    for (const [zone, around] of cases)
      for (let ms = around - 3 * 3_600_000; ms <= around + 3 * 3_600_000; ms += 60_000)
        expect(localDate(new Date(ms), zone)).toEqual(intlDate(new Date(ms), zone));
  });

  it('finds local midnight, also on a day that starts at 01:00', () => {
    // Santiago springs forward at midnight: 2026-09-06 starts at 01:00 local.
    const midnight = zonedMidnight(2026, 9, 6, 'America/Santiago');
    expect(intlDate(midnight, 'America/Santiago').day).toBe(6);
    expect(intlDate(new Date(midnight.getTime() - 1), 'America/Santiago').day).toBe(5);
    const shanghai = zonedMidnight(2026, 1, 1, 'Asia/Shanghai');
    expect(shanghai.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(
      periodStart(new Date('2026-05-17T03:00:00Z'), 'quarter', 'Asia/Shanghai').toISOString(),
    ).toBe('2026-03-31T16:00:00.000Z');
  });
});
