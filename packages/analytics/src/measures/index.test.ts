// The public surface: every doc-comment example, run through the index, gives what its
// comment says, and every result survives a JSON round trip unchanged (no NaN, Infinity,
// undefined or class instances), as the server stores them and the UI charts them.
import { describe, expect, it } from 'vitest';
import {
  analyseKano,
  analyseServqual,
  buildCohortRetention,
  classifySatisfactionLoyalty,
  computeChurnByPeriod,
  fitClusterwiseRegression,
  measureCes,
  measureCsat,
  measureNps,
  measureProgramIncrementality,
  measureRevenueConcentration,
  reviewKeyAccounts,
  scoreKeyAccounts,
  scoreRfm,
  summariseRfmGrid,
  type MeasureResult,
} from './index.ts';

function value<T>(result: MeasureResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  expect(JSON.parse(JSON.stringify(result.value))).toEqual(result.value);
  return result.value;
}

describe('doc-comment examples', () => {
  it('scoreRfm and summariseRfmGrid', () => {
    expect(
      value(
        scoreRfm(
          [{ customerId: 'c1', lastPurchase: 19_700, purchaseCount: 12, totalSpend: 250_00 }],
          {
            asOf: 19_723,
          },
        ),
      ).customers[0]?.recencyDays,
    ).toBe(23);
    const scored = value(
      scoreRfm(
        [
          { customerId: 'a', lastPurchase: 19_720, purchaseCount: 9, totalSpend: 900_00 },
          { customerId: 'b', lastPurchase: 19_500, purchaseCount: 1, totalSpend: 20_00 },
        ],
        { asOf: 19_723 },
      ),
    );
    expect(scored.customers.map((c) => [c.rfmCode, c.segment])).toEqual([
      ['555', 'champions'],
      ['111', 'lost'],
    ]);
    const grid = summariseRfmGrid(scored);
    expect(JSON.parse(JSON.stringify(grid))).toEqual(grid);
    const champions = grid.segments.find((s) => s.segment === 'champions');
    expect([champions?.customers, champions?.revenueShare]).toEqual([1, expect.closeTo(0.978, 3)]);
  });

  it('buildCohortRetention and computeChurnByPeriod', () => {
    const m = value(
      buildCohortRetention(
        [
          { customerId: 'a', day: 19_723 },
          { customerId: 'a', day: 19_760 },
        ],
        { asOf: 19_800 },
      ),
    );
    expect(m.cohorts[0]).toEqual({
      cohort: '2024-01',
      size: 1,
      active: [1, 1, 0],
      rates: [1, 1, 0],
    });
    const churn = value(
      computeChurnByPeriod(
        [
          { customerId: 'a', day: 19_723 },
          { customerId: 'b', day: 19_725 },
          { customerId: 'b', day: 19_790 },
        ],
        { asOf: 19_850, inactivityDays: 60 },
      ),
    );
    expect(churn.periods[2]).toMatchObject({
      startDate: '2024-03-01',
      activeAtStart: 2,
      lost: 2,
      reactivated: 1,
      churnRate: 1,
      activeAtEnd: 1,
    });
  });

  it('measureRevenueConcentration', () => {
    const c = value(
      measureRevenueConcentration([
        { customerId: 'a', revenue: 800 },
        ...Array.from({ length: 4 }, (_, i) => ({ customerId: `b${i}`, revenue: 50 })),
      ]),
    );
    expect(c.top20RevenueShare).toBeCloseTo(0.8, 12);
  });

  it('measureNps, measureCsat, measureCes', () => {
    expect(value(measureNps([10, 9, 8, 7, 3])).nps).toBeCloseTo(20, 12);
    expect(value(measureCsat([5, 4, 3, 2, 5])).csat).toBe(60);
    const ces = value(measureCes([7, 6, 5, 2]));
    expect([ces.mean, ces.easyShare]).toEqual([5, 0.75]);
  });

  it('analyseServqual', () => {
    const answers = Array<number>(22).fill(6);
    const r = value(
      analyseServqual([
        { respondentId: 'r1', expectations: answers, perceptions: answers.map((a) => a - 1) },
      ]),
    );
    expect(r.unweightedGap).toBe(-1);
    expect(r.weightedGap).toBe(-1);
  });

  it('analyseKano', () => {
    const r = value(
      analyseKano([
        { featureId: 'birthday-gift', functional: 'like', dysfunctional: 'neutral' },
        { featureId: 'birthday-gift', functional: 'like', dysfunctional: 'dislike' },
      ]),
    );
    expect(r[0]).toMatchObject({ category: 'O', better: 1, worse: -0.5 });
  });

  it('classifySatisfactionLoyalty', () => {
    const q = value(
      classifySatisfactionLoyalty(
        [
          { customerId: 'a', satisfaction: 5, loyalty: 9 },
          { customerId: 'b', satisfaction: 5, loyalty: 1 },
        ],
        { satisfactionThreshold: 4, loyaltyThreshold: 3 },
      ),
    );
    expect([q.quadrants.apostles.customerIds, q.quadrants.mercenaries.customerIds]).toEqual([
      ['a'],
      ['b'],
    ]);
  });

  it('scoreKeyAccounts and reviewKeyAccounts', () => {
    const r = value(
      scoreKeyAccounts(
        [
          { accountId: 'acme', values: { sales: 900_000_00, arrears: 0 } },
          { accountId: 'globex', values: { sales: 300_000_00, arrears: 50_000_00 } },
        ],
        {
          criteria: [
            { id: 'sales', weight: 70, direction: 'higher-is-better' },
            { id: 'arrears', weight: 30, direction: 'lower-is-better' },
          ],
        },
      ),
    );
    expect(r.accounts[0]).toMatchObject({ accountId: 'acme', score: 100, rank: 1, tier: 'key' });
    const criteria = [{ id: 'sales', weight: 1, direction: 'higher-is-better' as const }];
    const options = { criteria, keyAccountShare: 0.5 };
    const lastYear = value(
      scoreKeyAccounts(
        [
          { accountId: 'a', values: { sales: 9 } },
          { accountId: 'b', values: { sales: 1 } },
        ],
        options,
      ),
    );
    const thisYear = value(
      scoreKeyAccounts(
        [
          { accountId: 'a', values: { sales: 2 } },
          { accountId: 'b', values: { sales: 8 } },
        ],
        options,
      ),
    );
    const review = reviewKeyAccounts(lastYear, thisYear);
    expect([
      review.entered.map((a) => a.accountId),
      review.left.map((a) => a.accountId),
      review.stayed,
    ]).toEqual([['b'], ['a'], []]);
  });

  it('fitClusterwiseRegression', () => {
    const observations = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((s) => [
      { id: `r${s}`, y: 1 + s + (s % 2 === 0 ? 0.1 : -0.1), x: [s] },
      { id: `f${s}`, y: 5 + (s % 2 === 0 ? -0.1 : 0.1), x: [s] },
    ]);
    const r = value(
      fitClusterwiseRegression(observations, {
        segments: 2,
        covariateNames: ['satisfaction'],
        seed: 42,
      }),
    );
    expect(
      r.segments.map((s) => [s.size, s.slopes[0]?.estimate, s.focusEffectSignificant]),
    ).toEqual([
      [10, expect.closeTo(0.995, 3), true],
      [10, expect.closeTo(0.005, 3), false],
    ]);
    expect(r.segments[1]?.slopes[0]?.pValue).toBeCloseTo(0.67, 2);
  });

  it('measureProgramIncrementality', () => {
    const r = value(
      measureProgramIncrementality([120, 135, 150, 110], [100, 118, 95, 107], { programCost: 40 }),
    );
    expect(r.lift).toBe(23.75);
    expect(r.relativeLift).toBeCloseTo(0.226, 3);
    expect(r.tStatistic).toBeCloseTo(2.36, 2);
    expect(r.degreesOfFreedom).toBeCloseTo(4.76, 2);
    expect(r.pValue).toBeCloseTo(0.067, 3);
    expect(r.significant).toBe(false);
    expect(r.confidenceInterval.lower).toBeCloseTo(-2.53, 2);
    expect(r.confidenceInterval.upper).toBeCloseTo(50.03, 2);
    expect([r.incrementalRevenue, r.netIncrementalRevenue]).toEqual([95, 55]);
  });
});
