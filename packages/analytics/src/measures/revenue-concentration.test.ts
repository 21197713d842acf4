import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureRevenueConcentration } from './revenue-concentration.ts';

const of = (revenues: readonly number[]) =>
  revenues.map((revenue, i) => ({ customerId: `c${i}`, revenue }));

describe('measureRevenueConcentration', () => {
  // Gini references: the values 1..n have G = (n − 1)/(3n) (sum Σ(2i − n − 1)·i in closed
  // form), 4/15 for n = 5; one of four holding everything has the maximum (n − 1)/n = 0.75;
  // equal revenues give 0.
  it.each([
    [[1, 2, 3, 4, 5], 4 / 15],
    [[0, 0, 0, 1], 0.75],
    [[7, 7, 7], 0],
    [[42], 0],
  ])('Gini of %j is %d', (revenues, gini) => {
    const c = measureRevenueConcentration(of(revenues));
    expect(c.ok && c.value.gini).toBeCloseTo(gini, 12);
  });

  it('reads the 80/20 figures off a textbook Pareto base', () => {
    // 10 customers: 2 bring 80 of 100.
    const c = measureRevenueConcentration(of([40, 40, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5]));
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.top20RevenueShare).toBeCloseTo(0.8, 12);
    expect(c.value.customerShareFor80PercentRevenue).toBeCloseTo(0.2, 12);
    expect(c.value.topShares.find((t) => t.customerShare === 0.1)?.revenueShare).toBeCloseTo(
      0.4,
      12,
    );
    // top 5% is half of the best customer
    expect(c.value.topShares.find((t) => t.customerShare === 0.05)?.revenueShare).toBeCloseTo(
      0.2,
      12,
    );
    expect(c.value.lorenz).toHaveLength(101);
    expect(c.value.lorenz[0]).toEqual({ customerShare: 0, revenueShare: 0 });
    expect(c.value.lorenz[100]).toEqual({ customerShare: 1, revenueShare: 1 });
    expect(c.value.lorenz[80]?.revenueShare).toBeCloseTo(0.2, 12);
    expect(c.value.pareto[20]?.revenueShare).toBeCloseTo(0.8, 12);
  });

  it('interpolates the 80% point inside a customer', () => {
    // top customer 60%, next 30%: 80% is reached 2/3 through the second of four customers.
    const c = measureRevenueConcentration(of([60, 30, 5, 5]), {
      curvePoints: 4,
      topShares: [0.25],
    });
    expect(c.ok && c.value.customerShareFor80PercentRevenue).toBeCloseTo((1 + 2 / 3) / 4, 12);
    expect(c.ok && c.value.topShares).toEqual([{ customerShare: 0.25, revenueShare: 0.6 }]);
    expect(c.ok && c.value.lorenz.map((p) => p.revenueShare)).toEqual([0, 0.05, 0.1, 0.4, 1]);
  });

  it('returns nulls for no customers or no revenue', () => {
    for (const input of [[], of([0, 0])]) {
      const c = measureRevenueConcentration(input);
      expect(c.ok && [c.value.gini, c.value.top20RevenueShare, c.value.lorenz]).toEqual([
        null,
        null,
        [],
      ]);
    }
  });

  it.each([
    [of([1, -1]), {}, 'customers[1].revenue'],
    [of([1]), { curvePoints: 0 }, 'options.curvePoints'],
    [of([1]), { topShares: [1.5] }, 'options.topShares[0]'],
    [[...of([1, 2]), { customerId: 'c0', revenue: 3 }], {}, 'customers[2].customerId'],
  ])('rejects bad input %#', (input, options, field) => {
    const c = measureRevenueConcentration(input, options);
    expect(c.ok ? null : c.error.field).toBe(field);
  });

  it('keeps Gini in [0, (n−1)/n] and the Lorenz curve below the diagonal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 50 }),
        (xs) => {
          const c = measureRevenueConcentration(of(xs), { curvePoints: 20 });
          if (!c.ok || c.value.gini === null) return;
          expect(c.value.gini).toBeGreaterThanOrEqual(-1e-12);
          expect(c.value.gini).toBeLessThanOrEqual((xs.length - 1) / xs.length + 1e-12);
          for (const p of c.value.lorenz)
            expect(p.revenueShare).toBeLessThanOrEqual(p.customerShare + 1e-12);
          expect(c.value.top20RevenueShare).toBeGreaterThanOrEqual(0.2 - 1e-12);
        },
      ),
    );
  });
});
