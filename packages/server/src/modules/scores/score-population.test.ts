import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCohortRetention } from '@fidelis/analytics';
import { churnRiskOf, scorePopulation, ScoringInputError, weeklyRate } from './score-population.ts';
import { scorePopulationInWorker } from './score-runner.ts';

const options = { asOf: 20_000, horizonWeeks: 52, annualDiscountRate: 0.1, margin: 0.5 };

const purchases = fc.array(
  fc.record({
    customer: fc.integer({ min: 0, max: 30 }),
    day: fc.integer({ min: 19_500, max: 20_050 }),
    amount: fc.integer({ min: 1, max: 100_000 }),
  }),
  { minLength: 1, maxLength: 300 },
);

function columns(rows: { customer: number; day: number; amount: number }[]) {
  return {
    customers: Array.from({ length: 31 }, (_, i) => `c${i}`),
    customerIndex: Int32Array.from(rows.map((r) => r.customer)),
    day: Int32Array.from(rows.map((r) => r.day)),
    amount: Float64Array.from(rows.map((r) => r.amount)),
  };
}

describe('scorePopulation', () => {
  it('scores exactly the customers who bought by asOf, with sane values and totals', () => {
    fc.assert(
      fc.property(purchases, (rows) => {
        const upToAsOf = rows.filter((r) => r.day <= options.asOf);
        if (upToAsOf.length === 0) {
          expect(() => scorePopulation(columns(rows), options)).toThrow(ScoringInputError);
          return;
        }
        const { scores, summary } = scorePopulation(columns(rows), options);
        const expected = new Set(upToAsOf.map((r) => `c${r.customer}`));
        expect(new Set(scores.customerIds)).toEqual(expected);
        expect(summary.purchases).toBe(upToAsOf.length);
        const spend = scores.totalSpend.reduce((sum, v) => sum + v, 0);
        expect(spend).toBe(upToAsOf.reduce((sum, r) => sum + r.amount, 0));
        expect(summary.rfmGrid.cells.reduce((sum, c) => sum + c.customers, 0)).toBe(expected.size);
        // The typed-array cohort matrix equals the library's object-based one.
        const reference = buildCohortRetention(
          rows.map((r) => ({ customerId: `c${r.customer}`, day: r.day })),
          { asOf: options.asOf },
        );
        if (!reference.ok) throw new Error(reference.error.message);
        expect(summary.cohorts).toEqual({
          cohorts: reference.value.cohorts.map((c) => ({
            cohort: c.cohort,
            size: c.size,
            rates: [...c.rates],
          })),
          averageRates: [...reference.value.averageRates],
        });
        for (let i = 0; i < scores.customerIds.length; i++) {
          const p = scores.pAlive[i] ?? NaN;
          if (summary.bgnbd === null || summary.gammagamma === null) {
            expect(Number.isNaN(p)).toBe(true);
            continue;
          }
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(scores.clv[i]).toBeGreaterThanOrEqual(0);
          expect(scores.valueAtRisk[i]).toBeGreaterThanOrEqual(0);
          expect(scores.expectedPurchases[i]).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('leaves model columns empty with a warning when nobody bought twice', () => {
    const result = scorePopulation(
      columns([
        { customer: 0, day: 19_900, amount: 100 },
        { customer: 1, day: 19_950, amount: 200 },
      ]),
      options,
    );
    expect(result.summary.bgnbd).toBeNull();
    expect(result.summary.warnings).toEqual([
      {
        code: 'bgnbd_not_fitted',
        message: `BG/NBD not fitted: ${result.summary.warnings[0]?.detail}`,
        detail: expect.stringMatching(/\S/),
      },
    ]);
    expect(Number.isNaN(result.scores.clv[0])).toBe(true);
    expect(result.scores.segment).toHaveLength(2);
  });

  it('gives the same result in a worker thread as inline', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      customer: i % 31,
      day: 19_600 + ((i * 37) % 400),
      amount: 100 + ((i * 7919) % 5000),
    }));
    const inline = scorePopulation(columns(rows), options);
    const threaded = await scorePopulationInWorker(columns(rows), options);
    expect(threaded.scores.customerIds).toEqual(inline.scores.customerIds);
    expect(Array.from(threaded.scores.clv)).toEqual(Array.from(inline.scores.clv));
    expect(threaded.summary.bgnbd).toEqual(inline.summary.bgnbd);
  });
});

describe('churnRiskOf and weeklyRate', () => {
  it.each([
    [1, 'low'],
    [0.71, 'low'],
    [0.7, 'medium'],
    [0.31, 'medium'],
    [0.3, 'high'],
    [0, 'high'],
    [NaN, null],
  ] as const)('P(alive) %f is %s risk', (p, risk) => {
    expect(churnRiskOf(p)).toBe(risk);
  });

  it('compounds to the yearly rate over 52 weeks', () => {
    expect(Math.pow(1 + weeklyRate(0.1), 52)).toBeCloseTo(1.1, 12);
  });
});
