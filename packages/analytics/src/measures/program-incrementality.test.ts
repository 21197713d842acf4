import { describe, expect, it } from 'vitest';
import { measureProgramIncrementality } from './program-incrementality.ts';

// Wikipedia, "Welch's t-test", Example 1: t = −2.46, ν ≈ 25.0, p = 0.021. More digits and the
// interval from scipy.stats.ttest_ind(a1, a2, equal_var=False) (SciPy 1.17).
const a1 = [
  27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4,
];
const a2 = [
  27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4,
];

describe('measureProgramIncrementality', () => {
  it("matches the published Welch's t-test example", () => {
    const r = measureProgramIncrementality(a1, a2);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.tStatistic).toBeCloseTo(-2.455356398286006, 10);
    expect(r.value.degreesOfFreedom).toBeCloseTo(24.988529290231416, 9);
    expect(r.value.pValue).toBeCloseTo(0.021378001462866992, 9);
    expect(r.value.confidenceInterval.lower).toBeCloseTo(-3.984096267140929, 8);
    expect(r.value.confidenceInterval.upper).toBeCloseTo(-0.3492370661924069, 8);
    expect(r.value.significant).toBe(true);
    expect(r.value.lift).toBeCloseTo(20.82 - 22.9866667, 5);
    expect(r.value.incrementalRevenue).toBeCloseTo(15 * r.value.lift, 10);
    expect(r.value.incrementalRevenueInterval.lower).toBeCloseTo(15 * -3.984096267140929, 6);
  });

  it('computes relative lift, net revenue and return on cost', () => {
    // members 110, 130 (mean 120), holdout 90, 110 (mean 100): lift 20 (+20%), SE = √(200/2 + 200/2)
    // = √200, ν = 2, t = √2, p = 0.2929 (scipy agrees).
    const r = measureProgramIncrementality([110, 130], [90, 110], { programCost: 30 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.relativeLift).toBeCloseTo(0.2, 12);
    expect(r.value.degreesOfFreedom).toBeCloseTo(2, 12);
    // with 2 df the two-sided p is 1 − t/√(2 + t²) = 1 − 1/√2
    expect(r.value.pValue).toBeCloseTo(1 - 1 / Math.sqrt(2), 12);
    expect(r.value.significant).toBe(false);
    expect(r.value.incrementalRevenue).toBe(40);
    expect(r.value.netIncrementalRevenue).toBe(10);
    expect(r.value.returnOnProgramCost).toBeCloseTo(1 / 3, 12);
  });

  it('returns null test statistics when both groups are constant', () => {
    const r = measureProgramIncrementality([5, 5, 5], [3, 3]);
    expect(r.ok && r.value).toMatchObject({
      lift: 2,
      standardError: 0,
      tStatistic: null,
      pValue: null,
      degreesOfFreedom: null,
      significant: false,
      confidenceInterval: { level: 0.95, lower: 2, upper: 2 },
      relativeLift: 2 / 3,
      programCost: null,
      returnOnProgramCost: null,
    });
  });

  it('has no relative lift over a zero holdout mean', () => {
    const r = measureProgramIncrementality([1, 2], [0, 0]);
    expect(r.ok && r.value.relativeLift).toBeNull();
  });

  it.each([
    [[1], [1, 2], {}, 'members'],
    [[1, 2], [], {}, 'holdout'],
    [[1, Number.NaN], [1, 2], {}, 'members[1]'],
    [[1, 2], [1, 2], { confidenceLevel: 0 }, 'options.confidenceLevel'],
  ])('rejects %j vs %j', (m, h, options, field) => {
    const r = measureProgramIncrementality(m, h, options);
    expect(r.ok ? null : r.error.field).toBe(field);
  });
});
