import { describe, expect, it } from 'vitest';
import { fitBgNbd } from './bg-nbd.ts';
import { fitMbgNbd } from './mbg-nbd.ts';
import { unwrap } from './errors.ts';
import { fitParetoNbd } from './pareto-nbd.ts';
import { summarizeTransactions } from './transaction-summary.ts';
import {
  betaVariate,
  createRandom,
  gammaVariate,
  simulateBgNbdHistories,
  simulateBgNbdPurchases,
  simulateMbgNbdHistories,
  simulateParetoNbdHistories,
} from './simulate.ts';

describe('random variates', () => {
  it('repeats a sequence for a seed and differs across seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(c()).not.toBe(first[0]);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it.each([
    ['Gamma(0.3, 2)', (r: () => number) => gammaVariate(r, 0.3, 2), 0.15, 0.075],
    ['Gamma(5, 0.5)', (r: () => number) => gammaVariate(r, 5, 0.5), 10, 20],
    [
      'Beta(0.8, 2.5)',
      (r: () => number) => betaVariate(r, 0.8, 2.5),
      0.8 / 3.3,
      (0.8 * 2.5) / (3.3 ** 2 * 4.3),
    ],
  ])('%s has the right mean and variance', (_name, draw, mean, variance) => {
    const random = createRandom(7);
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const value = draw(random);
      sum += value;
      squares += value * value;
    }
    const m = sum / n;
    expect(m).toBeCloseTo(mean, 1);
    expect(Math.abs(m - mean) / mean).toBeLessThan(0.02);
    expect(Math.abs(squares / n - m * m - variance) / variance).toBeLessThan(0.05);
  });
});

// Parameter recovery: fit on data simulated from known parameters; every estimate must lie
// within 3.5 standard errors of the truth (the SEs come from the fit's own Hessian).
describe('parameter recovery', () => {
  it('recovers BG/NBD parameters', () => {
    const truth = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
    const data = simulateBgNbdHistories({ params: truth, customers: 6000, T: 52, seed: 11 });
    const fit = unwrap(fitBgNbd(data));
    const se = fit.standardErrors;
    expect(se).not.toBeNull();
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(3.5 * (se?.[key] ?? 0));
    }
  });

  it('recovers MBG/NBD parameters', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
    const data = simulateMbgNbdHistories({ params: truth, customers: 6000, T: 52, seed: 17 });
    const fit = unwrap(fitMbgNbd(data));
    const se = fit.standardErrors;
    expect(se).not.toBeNull();
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(3.5 * (se?.[key] ?? 0));
    }
  });

  it('recovers Pareto/NBD parameters with customers of different ages', () => {
    const truth = { r: 0.55, alpha: 10, s: 0.6, beta: 12 };
    const ages = Float64Array.from({ length: 6000 }, (_, i) => 26 + (i % 27));
    const data = simulateParetoNbdHistories({ params: truth, customers: 6000, T: ages, seed: 5 });
    const fit = unwrap(fitParetoNbd(data));
    const se = fit.standardErrors;
    expect(se).not.toBeNull();
    for (const key of ['r', 'alpha', 's', 'beta'] as const) {
      expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(3.5 * (se?.[key] ?? 0));
    }
  });

  it('simulates raw purchases that summarise and fit back near the truth', () => {
    const truth = { r: 1, alpha: 4, a: 2, b: 12 };
    const purchases = simulateBgNbdPurchases({
      params: truth,
      spend: { p: 6, q: 4, v: 15 },
      customers: 4000,
      firstDay: 10_000,
      acquisitionDays: 84,
      lastDay: 10_000 + 52 * 7 - 1,
      daysPerUnit: 7,
      seed: 3,
    });
    const summary = unwrap(
      summarizeTransactions(purchases, { calibrationEnd: 10_000 + 52 * 7 - 1, period: 'week' }),
    );
    expect(summary.x.length).toBe(4000);
    const fit = unwrap(fitBgNbd(summary));
    // Same-day merging and whole days blur the process slightly: a loose check.
    expect(fit.params.r / fit.params.alpha).toBeCloseTo(truth.r / truth.alpha, 1);
  });
});
