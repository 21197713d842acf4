import { describe, expect, it } from 'vitest';
import { fitClusterwiseRegression, type RegressionObservation } from './clusterwise-regression.ts';
import { createSeededRandom, fitOrdinaryLeastSquares, standardNormalDraw } from './statistics.ts';

/**
 * Planted segments on a 1–7 satisfaction scale: 60% "responsive" customers with
 * repurchase = 1 + 0.9·satisfaction + noise, 40% "indifferent" ones with repurchase = 4.5 +
 * noise (slope 0), noise σ = 0.4. The lines cross at satisfaction ≈ 3.9, so observations near
 * the crossing cannot be told apart: perfect recovery is impossible, ~90% is the ceiling.
 */
function plantedSurvey(seed: number, n = 300, extraCovariate = false): RegressionObservation[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const responsive = i % 5 < 3;
    const satisfaction = 1 + 6 * random();
    const noise = 0.4 * standardNormalDraw(random);
    const y = responsive ? 1 + 0.9 * satisfaction + noise : 4.5 + noise;
    const x = extraCovariate ? [satisfaction, 10 * random()] : [satisfaction];
    return { id: `${responsive ? 'responsive' : 'indifferent'}-${i}`, y, x };
  });
}

function purity(assignments: readonly { id: string; segment: number }[]): number {
  return (
    assignments.filter((a) => (a.id.startsWith('responsive') ? 0 : 1) === a.segment).length /
    assignments.length
  );
}

describe('fitClusterwiseRegression', () => {
  const data = plantedSurvey(200);

  it('recovers two planted segments and chooses K = 2 by BIC', () => {
    const r = fitClusterwiseRegression(data, { covariateNames: ['satisfaction'], seed: 2 });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value;
    expect(v.segments).toHaveLength(2);
    const bics = v.candidates.map((c) => c.bic ?? Number.POSITIVE_INFINITY);
    expect(Math.min(...bics)).toBe(bics[1]);
    const [responsive, indifferent] = v.segments;
    expect(responsive?.slopes[0]?.name).toBe('satisfaction');
    expect(responsive?.slopes[0]?.estimate).toBeCloseTo(0.9, 1);
    expect(responsive?.intercept.estimate).toBeCloseTo(1, 0);
    expect(responsive?.focusEffectSignificant).toBe(true);
    expect(responsive?.slopes[0]?.pValue).toBeLessThan(1e-10);
    expect(responsive?.rSquared).toBeGreaterThan(0.8);
    expect(Math.abs(indifferent?.slopes[0]?.estimate ?? 1)).toBeLessThan(0.1);
    expect(indifferent?.intercept.estimate).toBeCloseTo(4.5, 0);
    expect(indifferent?.focusEffectSignificant).toBe(false);
    expect(responsive?.size).toBeGreaterThan(150);
    expect(indifferent?.size).toBeGreaterThan(100);
    expect((responsive?.size ?? 0) + (indifferent?.size ?? 0)).toBe(300);
    expect(purity(v.assignments)).toBeGreaterThan(0.85);
    expect(v.converged).toBe(true);
    expect(v.method).toBe('mixture');
    // mixing proportions near the planted 60/40
    expect((responsive?.expectedSize ?? 0) / 300).toBeCloseTo(0.6, 1);
    for (const a of v.assignments) expect(a.probability).toBeGreaterThanOrEqual(0.5);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'recovers the planted slopes on simulated survey %d (both methods)',
    (seed) => {
      const survey = plantedSurvey(seed * 100);
      for (const method of ['mixture', 'k-regressions'] as const) {
        const r = fitClusterwiseRegression(survey, {
          seed,
          method,
          covariateNames: ['satisfaction'],
        });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.value.segments).toHaveLength(2);
        const [responsive, indifferent] = r.value.segments;
        expect(Math.abs((responsive?.slopes[0]?.estimate ?? 0) - 0.9)).toBeLessThan(0.06);
        expect(Math.abs(indifferent?.slopes[0]?.estimate ?? 1)).toBeLessThan(0.06);
        expect(responsive?.focusEffectSignificant).toBe(true);
        expect(purity(r.value.assignments)).toBeGreaterThan(0.85);
      }
    },
  );

  it('reproduces its result from the same seed', () => {
    const a = fitClusterwiseRegression(data, { segments: 2, seed: 9 });
    const b = fitClusterwiseRegression(data, { segments: 2, seed: 9 });
    expect(a).toEqual(b);
  });

  it('works with several covariates and flags only the focus covariate', () => {
    const r = fitClusterwiseRegression(plantedSurvey(300, 300, true), {
      segments: 2,
      covariateNames: ['satisfaction', 'distance'],
      seed: 3,
    });
    if (!r.ok) throw new Error(r.error.message);
    const [responsive, indifferent] = r.value.segments;
    expect(r.value.focusCovariate).toBe('satisfaction');
    expect(responsive?.slopes.map((s) => s.name)).toEqual(['satisfaction', 'distance']);
    expect(responsive?.slopes[0]?.estimate).toBeCloseTo(0.9, 1);
    expect(Math.abs(responsive?.slopes[1]?.estimate ?? 1)).toBeLessThan(0.05);
    expect(Math.abs(indifferent?.slopes[0]?.estimate ?? 1)).toBeLessThan(0.1);
    expect(responsive?.focusEffectSignificant).toBe(true);
    expect(purity(r.value.assignments)).toBeGreaterThan(0.85);
  });

  it('does not depend on the units of the covariates', () => {
    // satisfaction in thousandths, shifted: same segments, slopes / 1000 (minor-unit revenue
    // covariates are large numbers; the iterations standardise them)
    const rescaled = data.map((o) => ({ ...o, x: [5_000 + 1_000 * (o.x[0] ?? 0)] }));
    const a = fitClusterwiseRegression(data, { segments: 2, seed: 4 });
    const b = fitClusterwiseRegression(rescaled, { segments: 2, seed: 4 });
    if (!a.ok || !b.ok) throw new Error('fit failed');
    expect(b.value.assignments.map((x) => x.segment)).toEqual(
      a.value.assignments.map((x) => x.segment),
    );
    expect(b.value.segments[0]?.slopes[0]?.estimate).toBeCloseTo(
      (a.value.segments[0]?.slopes[0]?.estimate ?? 0) / 1_000,
      9,
    );
    expect(b.value.segments[0]?.slopes[0]?.pValue).toBeCloseTo(
      a.value.segments[0]?.slopes[0]?.pValue ?? 1,
      9,
    );
    expect(b.value.logLikelihood).toBeCloseTo(a.value.logLikelihood, 6);
  });

  it('with one segment equals ordinary least squares', () => {
    const r = fitClusterwiseRegression(data, { segments: 1 });
    const ols = fitOrdinaryLeastSquares(
      data.map((o) => [1, ...o.x]),
      data.map((o) => o.y),
    );
    if (!r.ok || !ols.ok) throw new Error('fit failed');
    expect(r.value.segments[0]?.slopes[0]?.estimate).toBeCloseTo(
      ols.value.coefficients[1]?.estimate ?? 0,
      10,
    );
    expect(r.value.segments[0]?.slopes[0]?.standardError).toBeCloseTo(
      ols.value.coefficients[1]?.standardError ?? 0,
      10,
    );
    expect(r.value.segments[0]?.residualStandardError).toBeCloseTo(
      ols.value.residualStandardError ?? 0,
      10,
    );
    expect(r.value.segments[0]?.rSquared).toBeCloseTo(ols.value.rSquared ?? 0, 10);
  });

  it('finds exact lines without noise', () => {
    const exact = Array.from({ length: 40 }, (_, i) => {
      const x = i % 20;
      return { id: `p${i}`, y: i < 20 ? 2 * x + 1 : -x + 30, x: [x] };
    });
    const r = fitClusterwiseRegression(exact, { segments: 2, seed: 5 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.segments.map((s) => [s.intercept.estimate, s.slopes[0]?.estimate])).toEqual([
      [expect.closeTo(1, 8), expect.closeTo(2, 8)],
      [expect.closeTo(30, 8), expect.closeTo(-1, 8)],
    ]);
  });

  it.each([
    [[], {}, 'insufficient-data', undefined],
    [data.slice(0, 8), { segments: 2 }, 'insufficient-data', undefined],
    [[{ id: 'a', y: 1, x: [] }], {}, 'invalid-input', 'observations'],
    [
      [...data.slice(0, 10), { id: 'z', y: Number.NaN, x: [1] }],
      {},
      'invalid-input',
      'observations[10].y',
    ],
    [data, { segments: 0 }, 'invalid-option', 'options.segments'],
    [data, { method: 'em' as 'mixture' }, 'invalid-option', 'options.method'],
    [data.map((o) => ({ ...o, x: [3] })), {}, 'singular-matrix', undefined],
    [data, { focusCovariate: 1 }, 'invalid-option', 'options.focusCovariate'],
    [data, { covariateNames: ['a', 'b'] }, 'invalid-option', 'options.covariateNames'],
  ])('rejects bad input %#', (observations, options, code, field) => {
    const r = fitClusterwiseRegression(observations, options);
    expect(r.ok ? null : [r.error.code, r.error.field]).toEqual([code, field]);
  });
});
