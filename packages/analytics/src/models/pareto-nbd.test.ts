import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cdnowSummary } from '../../bench/cdnow-data.ts';
import { unwrap } from './errors.ts';
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  paretoNbdProbabilityOfPurchases,
} from './pareto-nbd.ts';

// Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis",
// JMR 42(4), and the companion note "A Note on Deriving the Pareto/NBD Model and Related
// Expressions": CDNOW sample, 39-week calibration, weeks.
const PUBLISHED = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669, logLikelihood: -9595.0 };
// Customer with x = 26, t_x = 30.86, T = 31: 25.46 purchases expected in 52 weeks, P(alive) 0.9979.
const EXAMPLE = { x: 26, tx: 30.86, T: 31, t: 52, expected: 25.46, alive: 0.9979 };

describe('Pareto/NBD on the CDNOW sample (Fader, Hardie & Lee 2005)', () => {
  const summary = cdnowSummary('CDNOW_sample.txt');
  const fit = unwrap(fitParetoNbd(summary));

  it.each([
    ['r', fit.params.r, PUBLISHED.r, 3],
    ['α', fit.params.alpha, PUBLISHED.alpha, 3],
    ['s', fit.params.s, PUBLISHED.s, 3],
    ['β', fit.params.beta, PUBLISHED.beta, 3],
    ['log-likelihood', fit.logLikelihood, PUBLISHED.logLikelihood, 1],
  ])('%s matches the published value', (_name, fitted, published, digits) => {
    expect(fitted).toBeCloseTo(published, digits);
  });

  it('converges with standard errors', () => {
    expect(fit.converged).toBe(true);
    expect(fit.standardErrors?.beta).toBeGreaterThan(fit.standardErrors?.alpha ?? Infinity);
  });

  it('reproduces the x = 26 example', () => {
    const { x, tx, T, t } = EXAMPLE;
    expect(paretoNbdConditionalExpectedPurchases(fit.params, t, x, tx, T)).toBeCloseTo(
      EXAMPLE.expected,
      2,
    );
    expect(paretoNbdProbabilityAlive(fit.params, x, tx, T)).toBeCloseTo(EXAMPLE.alive, 4);
  });

  it('gives the same log-likelihood in both hypergeometric branches (α ≥ β and α < β)', () => {
    const data = { x: [0, 2, 7], tx: [0, 10, 30], T: [39, 39, 35] };
    const nearBelow = unwrap(paretoNbdLogLikelihood({ ...PUBLISHED, beta: 10.578 - 1e-9 }, data));
    const nearAbove = unwrap(paretoNbdLogLikelihood({ ...PUBLISHED, beta: 10.578 + 1e-9 }, data));
    expect(nearBelow).toBeCloseTo(nearAbove, 6);
  });
});

const PARAMS = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

describe('Pareto/NBD predictions', () => {
  it('P(X(t) = n) sums to one and has mean E[X(t)]', () => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 300; n++) {
      const p = paretoNbdProbabilityOfPurchases(PARAMS, n, 39);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 6);
    expect(mean).toBeCloseTo(paretoNbdExpectedPurchases(PARAMS, 39), 5);
  });

  it.each([
    ['short lives (s = 3, β = 1)', { r: 0.5, alpha: 10, s: 3, beta: 1 }],
    ['heavy tail (s = 0.1, β = 0.01)', { r: 0.5, alpha: 1, s: 0.1, beta: 0.01 }],
    ['heavy buyers (r = 5, α = 0.5)', { r: 5, alpha: 0.5, s: 5, beta: 100 }],
  ])('P(X(t) = n) is a distribution with mean E[X(t)] for %s', (_name, params) => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 3000; n++) {
      const p = paretoNbdProbabilityOfPurchases(params, n, 52);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 7);
    expect(mean / paretoNbdExpectedPurchases(params, 52)).toBeCloseTo(1, 7);
  });

  it('never returns NaN: P(alive) in [0, 1], expectations finite and ≥ 0', () => {
    const positive = fc.double({ min: 1e-4, max: 1e4, noNaN: true });
    fc.assert(
      fc.property(
        positive,
        positive,
        positive,
        positive,
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (r, alpha, s, beta, x, share, T) => {
          const tx = x === 0 ? 0 : share * T;
          const params = { r, alpha, s, beta };
          const alive = paretoNbdProbabilityAlive(params, x, tx, T);
          const expected = paretoNbdConditionalExpectedPurchases(params, 52, x, tx, T);
          expect(alive).toBeGreaterThanOrEqual(0);
          expect(alive).toBeLessThanOrEqual(1);
          expect(Number.isFinite(expected) && expected >= 0).toBe(true);
          expect(
            Number.isFinite(unwrap(paretoNbdLogLikelihood(params, { x: [x], tx: [tx], T: [T] }))),
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('treats a new customer (x = 0, T = 0) like E[X(t)]', () => {
    expect(paretoNbdConditionalExpectedPurchases(PARAMS, 52, 0, 0, 0)).toBeCloseTo(
      paretoNbdExpectedPurchases(PARAMS, 52),
      10,
    );
  });

  it('is continuous through s = 1', () => {
    const below = paretoNbdExpectedPurchases({ ...PARAMS, s: 1 - 1e-10 }, 52);
    const at = paretoNbdExpectedPurchases({ ...PARAMS, s: 1 }, 52);
    expect(at).toBeCloseTo(below, 8);
    expect(at).toBeCloseTo(
      ((PARAMS.r * PARAMS.beta) / PARAMS.alpha) * Math.log1p(52 / PARAMS.beta),
      12,
    );
  });

  it.each([
    ['huge x and T', 5000, 990, 1000, PARAMS],
    ['α ≫ β, z close to 1', 3, 0, 50, { r: 0.5, alpha: 1e4, s: 0.5, beta: 1 }],
    ['β ≫ α', 3, 1, 50, { r: 0.5, alpha: 0.01, s: 2, beta: 1e5 }],
    ['tiny parameters', 2, 5, 10, { r: 1e-6, alpha: 1e-6, s: 1e-6, beta: 1e-6 }],
  ])('stays finite for %s', (_name, x, tx, T, params) => {
    const expected = paretoNbdConditionalExpectedPurchases(params, 52, x, tx, T);
    const alive = paretoNbdProbabilityAlive(params, x, tx, T);
    const ll = unwrap(paretoNbdLogLikelihood(params, { x: [x], tx: [tx], T: [T] }));
    expect(Number.isFinite(expected)).toBe(true);
    expect(alive).toBeGreaterThanOrEqual(0);
    expect(alive).toBeLessThanOrEqual(1);
    expect(Number.isFinite(ll)).toBe(true);
  });

  it.each([
    ['no customers', { x: [], tx: [], T: [] }, 'EMPTY_INPUT'],
    ['no repeat buyers', { x: [0], tx: [0], T: [5] }, 'NO_REPEAT_BUYERS'],
    ['t_x > T', { x: [1], tx: [6], T: [5] }, 'INVALID_HISTORY'],
  ])('fitParetoNbd fails with a typed code for %s', (_name, data, code) => {
    const result = fitParetoNbd(data);
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
  });
});
