import { describe, expect, it } from 'vitest';
import { calendarDate, instant, storedDate, storedInstant } from './common.ts';

/** The first issue's reason and params, as the server's validation-issues reads them. */
function refusal(result: { success: boolean; error?: { issues: readonly unknown[] } }) {
  const issue = result.error?.issues[0] as { params?: Record<string, unknown> } | undefined;
  return issue?.params;
}

describe('instant', () => {
  it.each([
    '1900-01-01T00:00:00Z',
    '2026-11-23T08:00:00Z',
    '2026-11-01T10:00:00.123456+08:00',
    '2026-11-01T10:00:00+14:00',
    '2026-11-01T10:00:00-14:00',
    '2999-12-31T23:59:59.999Z',
    '3000-01-01T01:00:00+02:00',
  ])('takes %s', (value) => {
    expect(instant.safeParse(value).success).toBe(true);
  });

  it.each([
    [
      '0000-01-01T00:00:00Z',
      { reason: 'too_small', origin: 'date', minimum: '1900-01-01T00:00:00.000Z' },
    ],
    [
      '0099-03-04T00:00:00Z',
      { reason: 'too_small', origin: 'date', minimum: '1900-01-01T00:00:00.000Z' },
    ],
    [
      '1900-01-01T00:30:00+01:00',
      { reason: 'too_small', origin: 'date', minimum: '1900-01-01T00:00:00.000Z' },
    ],
    [
      '9999-12-31T23:59:59-12:00',
      { reason: 'too_big', origin: 'date', maximum: '2999-12-31T23:59:59.999Z' },
    ],
    [
      '3000-01-01T00:00:00Z',
      { reason: 'too_big', origin: 'date', maximum: '2999-12-31T23:59:59.999Z' },
    ],
    ['2026-11-01T10:00:00+23:59', { reason: 'invalid_format', format: 'datetime' }],
    ['2026-11-01T10:00:00-14:01', { reason: 'invalid_format', format: 'datetime' }],
  ])('refuses %s', (value, params) => {
    const result = instant.safeParse(value);
    expect(result.success).toBe(false);
    expect(refusal(result)).toEqual(params);
  });
});

describe('calendarDate', () => {
  it('takes 1900-01-01 to 2999-12-31 and refuses what lies outside', () => {
    expect(calendarDate.safeParse('1900-01-01').success).toBe(true);
    expect(calendarDate.safeParse('2999-12-31').success).toBe(true);
    expect(refusal(calendarDate.safeParse('0000-01-01'))).toEqual({
      reason: 'too_small',
      origin: 'date',
      minimum: '1900-01-01',
    });
    expect(refusal(calendarDate.safeParse('1899-12-31'))).toMatchObject({ reason: 'too_small' });
    expect(refusal(calendarDate.safeParse('3000-01-01'))).toEqual({
      reason: 'too_big',
      origin: 'date',
      maximum: '2999-12-31',
    });
  });
});

describe('storedInstant and storedDate', () => {
  it('take what older versions stored outside the years instant and calendarDate take', () => {
    for (const value of [
      '1850-01-01T00:00:00.000Z',
      '0850-06-01T12:00:00Z',
      '3001-01-01T00:00:00Z',
    ])
      expect(storedInstant.safeParse(value).success, value).toBe(true);
    expect(storedInstant.safeParse('yesterday').success).toBe(false);
    expect(storedDate.safeParse('1899-12-31').success).toBe(true);
    expect(storedDate.safeParse('1899-13-01').success).toBe(false);
  });
});
