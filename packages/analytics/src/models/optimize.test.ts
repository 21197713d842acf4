import { describe, expect, it } from 'vitest';
import {
  invertSymmetricPositiveDefinite,
  minimizeNelderMead,
  numericalHessian,
  standardErrorsFromLogHessian,
} from './optimize.ts';

const rosenbrock = (x: Float64Array): number =>
  100 * ((x[1] ?? 0) - (x[0] ?? 0) ** 2) ** 2 + (1 - (x[0] ?? 0)) ** 2;

describe('minimizeNelderMead', () => {
  it.each([
    ['Rosenbrock', rosenbrock, [-1.2, 1], [1, 1]],
    [
      'shifted quadratic in 4 dimensions',
      (x: Float64Array) => x.reduce((s, v, i) => s + (i + 1) * (v - i) ** 2, 0),
      [5, 5, 5, 5],
      [0, 1, 2, 3],
    ],
  ] as const)('finds the minimum of %s', (_name, f, start, expected) => {
    const result = minimizeNelderMead(f, start, { maxEvaluations: 10_000, xTolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expected.forEach((value, i) => expect(result.x[i]).toBeCloseTo(value, 5));
  });

  it('treats NaN as +∞ and respects the evaluation cap', () => {
    const result = minimizeNelderMead((x) => ((x[0] ?? 0) < 0 ? NaN : -(x[0] ?? 0)), [1], {
      maxEvaluations: 50,
    });
    expect(result.evaluations).toBeLessThanOrEqual(51);
    expect(result.converged).toBe(false);
    expect(Number.isFinite(result.value)).toBe(true);
  });
});

describe('numericalHessian and inversion', () => {
  it('recovers a quadratic form and its inverse', () => {
    const f = (x: Float64Array): number =>
      2 * (x[0] ?? 0) ** 2 + (x[0] ?? 0) * (x[1] ?? 0) + 3 * (x[1] ?? 0) ** 2;
    const h = numericalHessian(f, [0.3, -0.2]);
    expect(h[0]?.[0]).toBeCloseTo(4, 6);
    expect(h[0]?.[1]).toBeCloseTo(1, 6);
    expect(h[1]?.[1]).toBeCloseTo(6, 6);
    const inverse = invertSymmetricPositiveDefinite(h);
    expect(inverse?.[0]?.[0]).toBeCloseTo(6 / 23, 6);
    expect(inverse?.[0]?.[1]).toBeCloseTo(-1 / 23, 6);
  });

  it('returns null for a matrix that is not positive definite', () => {
    expect(
      invertSymmetricPositiveDefinite([Float64Array.of(1, 2), Float64Array.of(2, 1)]),
    ).toBeNull();
  });

  it('gives the delta-method standard error of an exponential rate', () => {
    // n exponential waits with total S: MLE λ = n/S, SE = λ/√n.
    const [n, total] = [400, 200];
    const negative = (u: Float64Array): number => {
      const lambda = Math.exp(u[0] ?? 0);
      return -(n * Math.log(lambda) - lambda * total);
    };
    const se = standardErrorsFromLogHessian(negative, Float64Array.of(Math.log(n / total)));
    expect(se?.[0]).toBeCloseTo(2 / Math.sqrt(n), 5);
  });
});
