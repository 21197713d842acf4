import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCohortRetention,
  computeChurnByPeriod,
  type PurchaseEvent,
} from './cohort-retention.ts';
import { dayFromIsoDate } from './day-number.ts';

function day(iso: string): number {
  const d = dayFromIsoDate(iso);
  if (d === null) throw new Error(`bad date ${iso}`);
  return d;
}

// Hand-worked log (2024 is a leap year): a buys in Jan and Feb (and in April, after asOf),
// b once in Jan, c in Feb and Mar, d twice in Feb.
const purchases: PurchaseEvent[] = [
  { customerId: 'a', day: day('2024-01-05') },
  { customerId: 'a', day: day('2024-02-10') },
  { customerId: 'a', day: day('2024-04-02') },
  { customerId: 'b', day: day('2024-01-20') },
  { customerId: 'c', day: day('2024-02-01') },
  { customerId: 'c', day: day('2024-03-03') },
  { customerId: 'd', day: day('2024-02-15') },
  { customerId: 'd', day: day('2024-02-20') },
];
const asOf = day('2024-03-31');

describe('buildCohortRetention', () => {
  it('builds the monthly matrix', () => {
    const m = buildCohortRetention(purchases, { asOf });
    expect(m.ok && m.value).toEqual({
      asOf,
      asOfDate: '2024-03-31',
      maxOffset: 2,
      cohorts: [
        { cohort: '2024-01', size: 2, active: [2, 1, 0], rates: [1, 0.5, 0] },
        { cohort: '2024-02', size: 2, active: [2, 1, null], rates: [1, 0.5, null] },
      ],
      averageRates: [1, 0.5, 0],
    });
  });

  it('is empty without purchases and rejects fractional days', () => {
    const empty = buildCohortRetention([], { asOf });
    expect(empty.ok && empty.value.cohorts).toEqual([]);
    expect(empty.ok && empty.value.averageRates).toEqual([]);
    const bad = buildCohortRetention([{ customerId: 'x', day: 1.5 }], { asOf });
    expect(bad.ok ? null : bad.error.field).toBe('purchases[0].day');
  });
});

describe('computeChurnByPeriod', () => {
  it('counts monthly churn with 30 inactive days', () => {
    const churn = computeChurnByPeriod(purchases, { asOf, inactivityDays: 30 });
    if (!churn.ok) throw new Error(churn.error.message);
    const rows = churn.value.periods.map((p) => [
      p.startDate,
      p.lastDate,
      p.activeAtStart,
      p.newCustomers,
      p.reactivated,
      p.lost,
      p.lostFromStart,
      p.churnRate,
      p.activeAtEnd,
      p.lostCustomerIds,
    ]);
    // a: lost 02-04 (36-day gap), won back 02-10, lost again 03-11; b lost 02-19;
    // c lost 03-02 and won back 03-03; d lost 03-21.
    expect(rows).toEqual([
      ['2024-01-01', '2024-01-31', 0, 2, 0, 0, 0, null, 2, []],
      ['2024-02-01', '2024-02-29', 2, 2, 1, 2, 2, 1, 3, ['a', 'b']],
      ['2024-03-01', '2024-03-31', 3, 0, 1, 3, 3, 1, 1, ['a', 'c', 'd']],
    ]);
    expect(churn.value.periods.every((p) => p.complete)).toBe(true);
  });

  it('uses the configured inactivity and custom periods', () => {
    const march = { start: day('2024-03-01'), end: day('2024-04-01') };
    const churn = computeChurnByPeriod(purchases, { asOf, inactivityDays: 45, periods: [march] });
    // With 45 days nobody lapses before March; b is lost 03-05, a 03-26.
    expect(churn.ok && churn.value.periods[0]).toMatchObject({
      activeAtStart: 4,
      lost: 2,
      lostFromStart: 2,
      churnRate: 0.5,
      activeAtEnd: 2,
      lostCustomerIds: ['a', 'b'],
    });
  });

  it('flags a period cut at asOf as incomplete', () => {
    const churn = computeChurnByPeriod(purchases, {
      asOf: day('2024-03-15'),
      periods: [{ start: day('2024-03-01'), end: day('2024-04-01') }],
    });
    expect(churn.ok && churn.value.periods[0]).toMatchObject({
      complete: false,
      lastDate: '2024-03-15',
    });
  });

  it.each([
    [{ asOf, inactivityDays: 0 }, 'options.inactivityDays'],
    [{ asOf, periods: [{ start: 10, end: 10 }] }, 'options.periods[0]'],
    [{ asOf: 1.5 }, 'options.asOf'],
  ])('rejects bad options %j', (options, field) => {
    const r = computeChurnByPeriod(purchases, options);
    expect(r.ok ? null : r.error.field).toBe(field);
  });

  it('balances: active at end = active at start + new + reactivated − lost, period to period', () => {
    const event = fc.record({
      customerId: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      day: fc.integer({ min: 19_700, max: 19_900 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 60 }),
        fc.integer({ min: 1, max: 120 }),
        (events, n) => {
          const churn = computeChurnByPeriod(events, { asOf: 19_880, inactivityDays: n });
          if (!churn.ok) throw new Error(churn.error.message);
          const ps = churn.value.periods;
          ps.forEach((p, i) => {
            expect(p.activeAtEnd).toBe(p.activeAtStart + p.newCustomers + p.reactivated - p.lost);
            expect(p.lostFromStart).toBeLessThanOrEqual(p.activeAtStart);
            const next = ps[i + 1];
            if (next) expect(next.activeAtStart).toBe(p.activeAtEnd);
          });
        },
      ),
    );
  });
});
