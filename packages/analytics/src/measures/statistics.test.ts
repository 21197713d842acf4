import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSeededRandom,
  fisherFCdf,
  fitOrdinaryLeastSquares,
  logGamma,
  mean,
  median,
  midRanks,
  normalCdf,
  normalQuantile,
  quantile,
  regularizedIncompleteBeta,
  sampleVariance,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedPValue,
} from './statistics.ts';

// Reference values: Abramowitz & Stegun (1964) tables 26.1 (normal), 26.10 (t) and 26.9 (F),
// to the digits printed there; the extra digits were cross-checked with SciPy 1.17
// (scipy.stats.norm / t / f / beta).
describe('normalCdf', () => {
  it.each([
    [1.96, 0.9750021048517795],
    [-1, 0.15865525393145707],
    [0, 0.5],
    [3, 0.9986501019683699],
    [-6, 9.865876450376946e-10],
    [8.5, 1],
    [-40, 0],
  ])('Φ(%d) = %d', (z, expected) => {
    expect(normalCdf(z)).toBeCloseTo(expected, 14);
  });
  it('keeps relative precision deep in the lower tail', () => {
    expect(normalCdf(-6) / 9.865876450376946e-10).toBeCloseTo(1, 8);
  });
});

describe('normalQuantile', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.99, 2.3263478740408408],
    [1e-10, -6.361340902404056],
  ])('Φ⁻¹(%d) = %d', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 9);
  });
  it('returns infinities at the ends and NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
  it('inverts normalCdf', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
      }),
    );
  });
});

describe('gamma and beta', () => {
  it.each([
    [5, Math.log(24)],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [10.5, 13.940625219403763],
  ])('logGamma(%d)', (x, expected) => {
    expect(logGamma(x)).toBeCloseTo(expected, 12);
  });
  it.each([
    [0.5, 2, 2, 0.5],
    [0.3, 2.5, 4, 0.3521975859067672],
    [0, 1, 1, 0],
    [1, 1, 1, 1],
  ])('I_%d(%d, %d) = %d', (x, a, b, expected) => {
    expect(regularizedIncompleteBeta(x, a, b)).toBeCloseTo(expected, 12);
  });
});

describe('Student t and F', () => {
  it.each([
    [0.975, 10, 2.228138851986274],
    [0.975, 1, 12.706204736174694],
    [0.995, 2.5, 7.163728138948783],
    [0.025, 10, -2.228138851986274],
  ])('t quantile p = %d, df = %d', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 9);
  });
  it('t CDF and two-sided p-value', () => {
    expect(studentTCdf(-1.5, 3.3)).toBeCloseTo(0.11125159835964593, 12);
    expect(studentTCdf(2.228138851986274, 10)).toBeCloseTo(0.975, 12);
    expect(studentTTwoSidedPValue(2.228138851986274, 10)).toBeCloseTo(0.05, 12);
    expect(studentTTwoSidedPValue(0, 10)).toBe(1);
  });
  it('F CDF', () => {
    expect(fisherFCdf(3.7082648190468435, 3, 10)).toBeCloseTo(0.95, 12);
    expect(fisherFCdf(2, 4, 7)).toBeCloseTo(0.8009780716416287, 12);
    expect(fisherFCdf(0, 4, 7)).toBe(0);
  });
  it('t CDF is monotone and symmetric', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        (t, df) => {
          expect(studentTCdf(t, df) + studentTCdf(-t, df)).toBeCloseTo(1, 12);
          expect(studentTCdf(t + 0.1, df)).toBeGreaterThanOrEqual(studentTCdf(t, df));
        },
      ),
    );
  });
});

describe('descriptive statistics', () => {
  it.each([
    ['mean', mean([1, 2, 3]), 2],
    ['mean of nothing', mean([]), null],
    ['sample variance', sampleVariance([2, 4, 4, 4, 5, 5, 7, 9]), 32 / 7],
    ['variance of one value', sampleVariance([3]), null],
    ['median odd', median([3, 1, 2]), 2],
    ['median even', median([4, 1, 3, 2]), 2.5],
    ['median of nothing', median([]), null],
    // R: quantile(c(1, 3, 7, 15), 0.9) = 12.6 (type 7)
    ['type-7 quantile', quantile([1, 3, 7, 15], 0.9), 12.6],
  ])('%s', (_name, actual, expected) => {
    if (expected === null) expect(actual).toBeNull();
    else expect(actual).toBeCloseTo(expected, 12);
  });
  it('mid-ranks average ties and ignore input order', () => {
    expect(midRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(midRanks([30, 20, 10, 20])).toEqual([4, 2.5, 1, 2.5]);
    expect(midRanks([])).toEqual([]);
  });
});

describe('createSeededRandom', () => {
  it('is reproducible and uniform-looking', () => {
    const a = createSeededRandom(7);
    const b = createSeededRandom(7);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mean(xs)).toBeCloseTo(0.5, 1);
    expect(createSeededRandom(8)()).not.toBe(xs[0]);
  });
});

describe('fitOrdinaryLeastSquares', () => {
  it('matches a hand-worked simple regression', () => {
    // x = 1..5, y = 2 4 5 4 5: b1 = 6/10, b0 = 4 − 0.6·3 = 2.2, SSR = 2.4, s² = 0.8,
    // SE(b1) = √(0.8/10), SE(b0) = √(0.8·(1/5 + 9/10)), R² = 1 − 2.4/6 = 0.6.
    const fit = fitOrdinaryLeastSquares(
      [1, 2, 3, 4, 5].map((x) => [1, x]),
      [2, 4, 5, 4, 5],
    );
    expect(fit.ok).toBe(true);
    if (!fit.ok) return;
    const [b0, b1] = fit.value.coefficients;
    expect(b0?.estimate).toBeCloseTo(2.2, 12);
    expect(b1?.estimate).toBeCloseTo(0.6, 12);
    expect(b1?.standardError).toBeCloseTo(Math.sqrt(0.08), 12);
    expect(b0?.standardError).toBeCloseTo(Math.sqrt(0.88), 12);
    expect(b1?.tStatistic).toBeCloseTo(0.6 / Math.sqrt(0.08), 10);
    // scipy.stats.linregress gives p = 0.1240 for the slope
    expect(b1?.pValue).toBeCloseTo(0.12402706, 6);
    expect(fit.value.rSquared).toBeCloseTo(0.6, 12);
    expect(fit.value.sumOfSquaredResiduals).toBeCloseTo(2.4, 12);
    expect(fit.value.residualDegreesOfFreedom).toBe(3);
  });

  it('recovers exact coefficients of a noiseless multiple regression', () => {
    const rows = [
      [1, 0, 1],
      [1, 1, 0],
      [1, 2, 5],
      [1, 3, 2],
      [1, 4, 4],
      [1, 7, 1],
    ];
    const y = rows.map(([, a = 0, b = 0]) => 3 - 2 * a + 0.5 * b);
    const fit = fitOrdinaryLeastSquares(rows, y);
    expect(fit.ok && fit.value.coefficients.map((c) => c.estimate)).toEqual([
      expect.closeTo(3, 10),
      expect.closeTo(-2, 10),
      expect.closeTo(0.5, 10),
    ]);
  });

  it.each([
    [
      'collinear columns',
      [
        [1, 2],
        [1, 2],
        [1, 2],
      ],
      [1, 2, 3],
      'singular-matrix',
    ],
    ['too few rows', [[1, 2, 3]], [1], 'insufficient-data'],
    ['length mismatch', [[1], [1]], [1], 'invalid-input'],
  ])('fails on %s', (_name, design, y, code) => {
    const fit = fitOrdinaryLeastSquares(design, y);
    expect(fit.ok ? null : fit.error.code).toBe(code);
  });

  it('has no standard errors with zero residual degrees of freedom', () => {
    const fit = fitOrdinaryLeastSquares(
      [
        [1, 0],
        [1, 1],
      ],
      [1, 3],
    );
    expect(fit.ok && fit.value.coefficients[1]).toEqual({
      estimate: expect.closeTo(2, 12),
      standardError: null,
      tStatistic: null,
      pValue: null,
    });
  });
});
