import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilFromDay,
  dayFromCivil,
  dayFromIsoDate,
  dayFromMonthIndex,
  isoDateFromDay,
  isoMonthFromIndex,
  monthIndexFromDay,
} from './day-number.ts';

describe('day numbers', () => {
  // Reference: JavaScript's own Date.UTC(y, m - 1, d) / 86 400 000 for the same dates.
  it.each([
    ['1970-01-01', 0],
    ['2000-02-29', 11016],
    ['2024-01-01', 19723],
    ['2024-02-29', 19782],
    ['1969-12-31', -1],
    ['2100-03-01', 47541],
  ])('%s is day %d', (iso, day) => {
    expect(dayFromIsoDate(iso)).toBe(day);
    expect(isoDateFromDay(day)).toBe(iso);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-1-01', 'yesterday'])('rejects %s', (iso) => {
    expect(dayFromIsoDate(iso)).toBeNull();
  });

  it('agrees with Date.UTC and round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (day) => {
        const civil = civilFromDay(day);
        expect(dayFromCivil(civil)).toBe(day);
        expect(Date.UTC(civil.year, civil.month - 1, civil.day) / 86_400_000).toBe(day);
      }),
    );
  });

  it('maps days to month indexes and back', () => {
    expect(monthIndexFromDay(19723)).toBe(648);
    expect(monthIndexFromDay(19723 + 30)).toBe(648);
    expect(monthIndexFromDay(19723 + 31)).toBe(649);
    expect(dayFromMonthIndex(649)).toBe(19723 + 31);
    expect(isoMonthFromIndex(648)).toBe('2024-01');
    expect(isoMonthFromIndex(-1)).toBe('1969-12');
  });
});
