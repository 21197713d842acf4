import { describe, expect, it } from 'vitest';
import { cdnowSummary } from '../../bench/cdnow-data.ts';
import { AnalyticsError, unwrap } from './errors.ts';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
} from './gamma-gamma.ts';

// Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value": the 946 repeat buyers of the
// CDNOW sample, mean repeat spend in the 39-week calibration period.
const PUBLISHED = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma on the CDNOW sample (Fader & Hardie 2013)', () => {
  const summary = cdnowSummary('CDNOW_sample.txt');
  const fit = unwrap(fitGammaGamma(summary));

  it.each([
    ['p', fit.params.p, PUBLISHED.p],
    ['q', fit.params.q, PUBLISHED.q],
    ['γ', fit.params.v, PUBLISHED.v],
  ])('%s matches the published value', (_name, fitted, published) => {
    expect(fitted).toBeCloseTo(published, 2);
  });

  it('fits the 946 repeat buyers only, with standard errors', () => {
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    expect(fit.standardErrors).not.toBeNull();
  });

  it('shrinks a customer mean towards the population mean', () => {
    const population = (fit.params.p * fit.params.v) / (fit.params.q - 1);
    expect(gammaGammaConditionalExpectedSpend(fit.params, 0, 0)).toBeCloseTo(population, 10);
    const big = gammaGammaConditionalExpectedSpend(fit.params, 2, 200);
    expect(big).toBeLessThan(200);
    expect(big).toBeGreaterThan(population);
    // More purchases, more weight on the customer's own mean.
    expect(gammaGammaConditionalExpectedSpend(fit.params, 20, 200)).toBeGreaterThan(big);
  });
});

describe('Gamma-Gamma bad input', () => {
  it.each([
    ['no customers', { x: [], monetary: [] }, 'EMPTY_INPUT'],
    ['no repeat buyers', { x: [0, 0], monetary: [0, 0] }, 'NO_REPEAT_BUYERS'],
    ['a zero mean spend', { x: [2, 1], monetary: [0, 5] }, 'NON_POSITIVE_AMOUNT'],
    ['a negative mean spend', { x: [2], monetary: [-5] }, 'NON_POSITIVE_AMOUNT'],
    ['a NaN mean spend', { x: [2], monetary: [NaN] }, 'INVALID_AMOUNT'],
    ['mismatched lengths', { x: [2], monetary: [1, 2] }, 'LENGTH_MISMATCH'],
  ])('fitGammaGamma fails with a typed code for %s', (_name, data, code) => {
    const result = fitGammaGamma(data);
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
  });

  it('leaves out zero spenders on request and counts them', () => {
    const data = { x: [2, 1, 3, 4, 2], monetary: [0, 5, 20, 12, 9] };
    const fit = unwrap(fitGammaGamma(data, { excludeNonPositiveSpend: true }));
    expect(fit.excludedCustomers).toBe(1);
    expect(fit.customers).toBe(4);
  });

  it('ignores non-buyers with a zero mean spend', () => {
    const ll = unwrap(gammaGammaLogLikelihood(PUBLISHED, { x: [0, 3], monetary: [0, 20] }));
    expect(Number.isFinite(ll)).toBe(true);
  });

  it('refuses an expected spend when q ≤ 1 makes the mean infinite', () => {
    expect(() => gammaGammaConditionalExpectedSpend({ p: 2, q: 0.5, v: 3 }, 0, 0)).toThrow(
      AnalyticsError,
    );
  });
});
