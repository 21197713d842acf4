import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cdnowSummary,
  readCdnowPublishedSummary,
  readCdnowPurchases,
  CDNOW_CALIBRATION_END,
} from '../../bench/cdnow-data.ts';
import { unwrap } from './errors.ts';
import {
  dayFromEpochMilliseconds,
  formatDay,
  parseDay,
  purchasesToColumns,
  summarizeTransactions,
  type PurchaseColumns,
} from './transaction-summary.ts';

// The published summary prints 2 decimals rounding halves up (22.345 → 22.35).
const printed = (value: number): string => (Math.round(value * 100 + 1e-6) / 100).toFixed(2);

describe('parseDay', () => {
  it.each([
    ['1970-01-01', 0],
    ['19700102', 1],
    ['1997-09-30', 10134],
    ['2000-02-29', 11016],
    [' 1997-01-01 ', 9862],
  ])('parses %s', (text, day) => {
    expect(unwrap(parseDay(text))).toBe(day);
    expect(formatDay(day)).toBe(
      text.trim().length === 8
        ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`
        : text.trim(),
    );
  });

  it.each([
    '1997-13-01',
    '1997-02-30',
    '2001-02-29',
    '97-01-01',
    '1997/01/01',
    '1997-0101',
    '',
    'x',
  ])('rejects %j with INVALID_DATE', (text) => {
    const result = parseDay(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_DATE');
  });
});

describe('dayFromEpochMilliseconds', () => {
  it.each([
    [Date.UTC(1997, 8, 30, 18), 10134],
    [Date.UTC(1970, 0, 1), 0],
    [Date.UTC(1969, 11, 31, 23, 59), -1],
  ])('maps %d to day %d', (ms, day) => {
    expect(dayFromEpochMilliseconds(ms)).toEqual({ ok: true, value: day });
  });

  it('rejects NaN', () => {
    const result = dayFromEpochMilliseconds(NaN);
    expect(result.ok ? 'ok' : result.error.code).toBe('INVALID_DATE');
  });
});

describe('summarizeTransactions on CDNOW', () => {
  it('reproduces cdnow_customers_summary_with_transactions.csv exactly', () => {
    const summary = cdnowSummary('CDNOW_sample.txt');
    const published = readCdnowPublishedSummary();
    expect(summary.x.length).toBe(2357);
    const mismatches: string[] = [];
    published.forEach((row, i) => {
      const got = [
        summary.customerIds[i],
        summary.x[i],
        printed(summary.tx[i] ?? NaN),
        printed(summary.T[i] ?? NaN),
        printed(summary.monetary[i] ?? NaN),
      ].join(',');
      const want = [row.id, row.x, row.tx, row.T, row.zbar].join(',');
      if (got !== want) mismatches.push(`${got} ≠ ${want}`);
    });
    expect(mismatches).toEqual([]);
    expect(summary.x.filter((x) => x > 0).length).toBe(946);
    expect(summary.holdoutDuration).toBe(39);
  });

  it('counts the master file customers', () => {
    const summary = cdnowSummary('CDNOW_master.txt');
    expect(summary.x.length).toBe(23_570);
    expect(summary.excludedCustomers).toBe(0);
  });
});

const columns = (rows: [string, number, number][]): PurchaseColumns =>
  purchasesToColumns(rows.map(([customerId, day, amount]) => ({ customerId, day, amount })));

describe('summarizeTransactions rules', () => {
  it('merges same-day purchases, excludes the first purchase from spend, counts the holdout', () => {
    const summary = unwrap(
      summarizeTransactions(
        columns([
          ['a', 0, 10],
          ['a', 0, 5],
          ['a', 7, 20],
          ['a', 7, 4],
          ['a', 14, 30],
          ['a', 21, 1],
          ['a', 22, 2],
          ['a', 22, 3],
          ['a', 30, 9],
          ['b', 3, 8],
        ]),
        { calibrationEnd: 14, observationEnd: 28, period: 'week' },
      ),
    );
    expect(Array.from(summary.x)).toEqual([2, 0]);
    expect(Array.from(summary.tx)).toEqual([2, 0]);
    expect(Array.from(summary.T)).toEqual([2, 11 / 7]);
    expect(Array.from(summary.monetary)).toEqual([27, 0]);
    expect(Array.from(summary.holdoutX)).toEqual([2, 0]);
    expect(Array.from(summary.holdoutSpend)).toEqual([6, 0]);
    expect(summary.holdoutDuration).toBe(2);
    // Repeat purchase days per day from day 0 through day 28.
    expect(summary.dailyRepeats.originDay).toBe(0);
    expect(summary.dailyRepeats.counts.reduce((s, c) => s + c, 0)).toBe(4);
    expect(summary.dailyRepeats.counts[7]).toBe(1);
  });

  it('uses days as the unit with period "day" and keeps integer ids', () => {
    const summary = unwrap(
      summarizeTransactions(
        { customerId: [42, 42, 7], day: [100, 110, 105], amount: [1, 2, 3] },
        { calibrationEnd: 120, period: 'day' },
      ),
    );
    expect(summary.customerIds).toEqual([42, 7]);
    expect(Array.from(summary.tx)).toEqual([10, 0]);
    expect(Array.from(summary.T)).toEqual([20, 15]);
    expect(summary.holdoutDuration).toBe(0);
  });

  it('summarises a single customer with a single purchase, and allows zero amounts', () => {
    const summary = unwrap(summarizeTransactions(columns([['only', 5, 0]]), { calibrationEnd: 5 }));
    expect(Array.from(summary.x)).toEqual([0]);
    expect(Array.from(summary.T)).toEqual([0]);
    expect(Array.from(summary.monetary)).toEqual([0]);
  });

  it('leaves out customers who first buy after the calibration end', () => {
    const summary = unwrap(
      summarizeTransactions(
        columns([
          ['early', 1, 1],
          ['late', 50, 1],
        ]),
        { calibrationEnd: 10, observationEnd: 60 },
      ),
    );
    expect(summary.customerIds).toEqual(['early']);
    expect(summary.excludedCustomers).toBe(1);
  });

  it('does not depend on the order of the rows', () => {
    const purchases = readCdnowPurchases('CDNOW_sample.txt');
    const n = purchases.day.length;
    const reference = unwrap(
      summarizeTransactions(purchases, { calibrationEnd: CDNOW_CALIBRATION_END }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const order = Array.from({ length: n }, (_, i) => i);
        let state = seed;
        for (let i = n - 1; i > 0; i--) {
          state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
          const j = state % (i + 1);
          [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
        }
        const shuffled = {
          customerId: order.map((i) => purchases.customerId[i] as number),
          day: order.map((i) => purchases.day[i] ?? 0),
          amount: order.map((i) => purchases.amount[i] ?? 0),
        };
        const summary = unwrap(
          summarizeTransactions(shuffled, { calibrationEnd: CDNOW_CALIBRATION_END }),
        );
        const byId = new Map(summary.customerIds.map((id, i) => [id, i]));
        reference.customerIds.forEach((id, i) => {
          const k = byId.get(id) ?? -1;
          expect(summary.x[k]).toBe(reference.x[i]);
          expect(summary.tx[k]).toBe(reference.tx[i]);
          expect(summary.T[k]).toBe(reference.T[i]);
          expect(summary.monetary[k]).toBeCloseTo(reference.monetary[i] ?? NaN, 9);
        });
      }),
      { numRuns: 5 },
    );
  });

  it.each([
    ['empty input', columns([]), { calibrationEnd: 10 }, 'EMPTY_INPUT'],
    [
      'columns of different lengths',
      { customerId: ['a'], day: [1, 2], amount: [1] },
      { calibrationEnd: 10 },
      'LENGTH_MISMATCH',
    ],
    ['a NaN day', columns([['a', NaN, 1]]), { calibrationEnd: 10 }, 'INVALID_DATE'],
    ['a fractional day', columns([['a', 1.5, 1]]), { calibrationEnd: 10 }, 'INVALID_DATE'],
    [
      'epoch milliseconds as a day',
      columns([['a', 875_000_000_000, 1]]),
      { calibrationEnd: 10 },
      'INVALID_DATE',
    ],
    ['a negative amount', columns([['a', 1, -3]]), { calibrationEnd: 10 }, 'NEGATIVE_AMOUNT'],
    ['an infinite amount', columns([['a', 1, Infinity]]), { calibrationEnd: 10 }, 'INVALID_AMOUNT'],
    [
      'a calibration end before the first purchase',
      columns([['a', 20, 1]]),
      { calibrationEnd: 10 },
      'CALIBRATION_BEFORE_FIRST_PURCHASE',
    ],
    [
      'an observation end before the calibration end',
      columns([['a', 1, 1]]),
      { calibrationEnd: 10, observationEnd: 5 },
      'OBSERVATION_BEFORE_CALIBRATION',
    ],
    [
      'a fractional calibration end',
      columns([['a', 1, 1]]),
      { calibrationEnd: 1.5 },
      'INVALID_DATE',
    ],
    [
      'an object as customer id',
      { customerId: [{}] as unknown as string[], day: [1], amount: [1] },
      { calibrationEnd: 10 },
      'INVALID_CUSTOMER_ID',
    ],
  ] as const)('rejects %s', (_name, purchases, options, code) => {
    const result = summarizeTransactions(purchases, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });
});
