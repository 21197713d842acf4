import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cdnowSummary } from '../../bench/cdnow-data.ts';
import { AnalyticsError, unwrap } from './errors.ts';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  bgNbdProbabilityOfPurchases,
  fitBgNbd,
} from './bg-nbd.ts';

// Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the
// Pareto/NBD Model", Marketing Science 24(2): CDNOW sample, 39-week calibration, weeks.
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, logLikelihood: -9582.4 };

describe('BG/NBD on the CDNOW sample (Fader, Hardie & Lee 2005)', () => {
  const summary = cdnowSummary('CDNOW_sample.txt');
  const fit = unwrap(fitBgNbd(summary));

  it.each([
    ['r', fit.params.r, PUBLISHED.r, 3],
    ['α', fit.params.alpha, PUBLISHED.alpha, 3],
    ['a', fit.params.a, PUBLISHED.a, 3],
    ['b', fit.params.b, PUBLISHED.b, 3],
    ['log-likelihood', fit.logLikelihood, PUBLISHED.logLikelihood, 1],
  ])('%s matches the published value', (_name, fitted, published, digits) => {
    expect(fitted).toBeCloseTo(published, digits);
  });

  it('reports a converged fit with standard errors', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    const se = fit.standardErrors;
    expect(se).not.toBeNull();
    // Same order as the parameters: r is tight, b loose (Hessian at the optimum).
    expect(se?.r).toBeGreaterThan(0.005);
    expect(se?.r).toBeLessThan(0.03);
    expect(se?.b).toBeGreaterThan(se?.a ?? Infinity);
  });

  it('expects 1.226 purchases in 39 weeks for x = 2, t_x = 30.43, T = 38.86 (paper, p. 280)', () => {
    expect(bgNbdConditionalExpectedPurchases(fit.params, 39, 2, 30.43, 38.86)).toBeCloseTo(
      1.226,
      3,
    );
  });

  it('evaluates the log-likelihood at the published parameters', () => {
    const ll = unwrap(bgNbdLogLikelihood(PUBLISHED, summary));
    expect(ll).toBeCloseTo(PUBLISHED.logLikelihood, 0);
    expect(ll).toBeLessThanOrEqual(fit.logLikelihood);
  });
});

const PARAMS = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD predictions', () => {
  it('P(X(t) = n) sums to one and has mean E[X(t)]', () => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const p = bgNbdProbabilityOfPurchases(PARAMS, n, 39);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 8);
    expect(mean).toBeCloseTo(bgNbdExpectedPurchases(PARAMS, 39), 6);
  });

  it.each([
    ['a + b < 1', { r: 0.5, alpha: 3, a: 0.3, b: 0.5 }],
    ['a + b = 1 (pole of 2F1 at c = 0)', { r: 0.5, alpha: 3, a: 0.5, b: 0.5 }],
    ['b < 1 < a', { r: 2, alpha: 0.5, a: 5, b: 0.2 }],
  ])('P(X(t) = n) has mean E[X(t)] when %s', (_name, params) => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 20_000; n++) {
      const p = bgNbdProbabilityOfPurchases(params, n, 20);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 9);
    expect(mean / bgNbdExpectedPurchases(params, 20)).toBeCloseTo(1, 6);
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
        (r, alpha, a, b, x, share, T) => {
          const tx = x === 0 ? 0 : share * T;
          const params = { r, alpha, a, b };
          const alive = bgNbdProbabilityAlive(params, x, tx, T);
          const expected = bgNbdConditionalExpectedPurchases(params, 52, x, tx, T);
          expect(alive).toBeGreaterThanOrEqual(0);
          expect(alive).toBeLessThanOrEqual(1);
          expect(Number.isFinite(expected) && expected >= 0).toBe(true);
          expect(
            Number.isFinite(unwrap(bgNbdLogLikelihood(params, { x: [x], tx: [tx], T: [T] }))),
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('treats a new customer (x = 0, T = 0) like E[X(t)]', () => {
    expect(bgNbdConditionalExpectedPurchases(PARAMS, 52, 0, 0, 0)).toBeCloseTo(
      bgNbdExpectedPurchases(PARAMS, 52),
      10,
    );
  });

  it.each([
    ['no repeat purchase is always alive', 0, 0, 30, 1],
    ['a recent frequent buyer is very likely alive', 20, 29.9, 30, 0.95],
    ['a frequent buyer who stopped long ago is likely gone', 20, 5, 60, 0],
  ])('P(alive): %s', (_name, x, tx, T, atLeast) => {
    const alive = bgNbdProbabilityAlive(PARAMS, x, tx, T);
    if (atLeast === 0) expect(alive).toBeLessThan(0.01);
    else expect(alive).toBeGreaterThanOrEqual(atLeast);
  });

  it.each([
    ['huge x and T', 5000, 999, 1000, { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }],
    ['tiny parameters', 3, 10, 20, { r: 1e-6, alpha: 1e-6, a: 1e-6, b: 1e-6 }],
    ['huge parameters', 3, 10, 20, { r: 1e6, alpha: 1e6, a: 1e6, b: 1e6 }],
    ['a close to 1', 3, 10, 20, { r: 0.5, alpha: 5, a: 1 + 1e-9, b: 3 }],
  ])('stays finite for %s', (_name, x, tx, T, params) => {
    const expected = bgNbdConditionalExpectedPurchases(params, 52, x, tx, T);
    const alive = bgNbdProbabilityAlive(params, x, tx, T);
    expect(Number.isFinite(expected)).toBe(true);
    expect(expected).toBeGreaterThanOrEqual(0);
    expect(alive).toBeGreaterThanOrEqual(0);
    expect(alive).toBeLessThanOrEqual(1);
  });

  it('expects more from a long, active history as x grows (monotone in x)', () => {
    const values = [0, 1, 5, 20, 100].map((x) =>
      bgNbdConditionalExpectedPurchases(PARAMS, 39, x, x === 0 ? 0 : 38, 39),
    );
    for (let i = 1; i < values.length; i++) {
      expect(values[i]).toBeGreaterThan(values[i - 1] ?? Infinity);
    }
  });

  it.each([
    ['negative r', () => bgNbdExpectedPurchases({ ...PARAMS, r: -1 }, 1), 'INVALID_PARAMETER'],
    ['NaN α', () => bgNbdExpectedPurchases({ ...PARAMS, alpha: NaN }, 1), 'INVALID_PARAMETER'],
    ['negative t', () => bgNbdExpectedPurchases(PARAMS, -1), 'INVALID_ARGUMENT'],
    ['t_x > T', () => bgNbdProbabilityAlive(PARAMS, 1, 5, 4), 'INVALID_ARGUMENT'],
    ['fractional n', () => bgNbdProbabilityOfPurchases(PARAMS, 1.5, 4), 'INVALID_ARGUMENT'],
  ])('throws a typed error for %s', (_name, call, code) => {
    expect(call).toThrow(AnalyticsError);
    try {
      call();
    } catch (error) {
      expect(error instanceof AnalyticsError && error.code).toBe(code);
    }
  });
});

describe('fitBgNbd on bad input', () => {
  it.each([
    ['no customers', { x: [], tx: [], T: [] }, 'EMPTY_INPUT'],
    ['no repeat buyers', { x: [0, 0], tx: [0, 0], T: [5, 9] }, 'NO_REPEAT_BUYERS'],
    ['t_x > T', { x: [1], tx: [6], T: [5] }, 'INVALID_HISTORY'],
    ['fractional x', { x: [1.5], tx: [1], T: [5] }, 'INVALID_HISTORY'],
    ['x = 0 with t_x > 0', { x: [0], tx: [1], T: [5] }, 'INVALID_HISTORY'],
    ['NaN T', { x: [1], tx: [1], T: [NaN] }, 'INVALID_HISTORY'],
    ['mismatched lengths', { x: [1, 2], tx: [1], T: [5] }, 'LENGTH_MISMATCH'],
  ])('fails with a typed code for %s', (_name, data, code) => {
    const result = fitBgNbd(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('returns finite parameters, never NaN, for a single customer', () => {
    const fit = unwrap(fitBgNbd({ x: [3], tx: [20], T: [30] }, { maxEvaluations: 1500 }));
    for (const value of Object.values(fit.params)) expect(Number.isFinite(value)).toBe(true);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  });

  it('counts a weight as that many identical customers', () => {
    const weighted = unwrap(
      bgNbdLogLikelihood(PARAMS, { x: [2, 0], tx: [10, 0], T: [20, 20], weight: [3, 2] }),
    );
    const repeated = unwrap(
      bgNbdLogLikelihood(PARAMS, {
        x: [2, 2, 2, 0, 0],
        tx: [10, 10, 10, 0, 0],
        T: [20, 20, 20, 20, 20],
      }),
    );
    expect(weighted).toBeCloseTo(repeated, 10);
  });
});
