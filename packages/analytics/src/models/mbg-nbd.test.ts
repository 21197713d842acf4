import { describe, expect, it } from 'vitest';
import { cdnowSummary } from '../../bench/cdnow-data.ts';
import { unwrap } from './errors.ts';
import {
  fitMbgNbd,
  mbgNbdConditionalExpectedPurchases,
  mbgNbdExpectedPurchases,
  mbgNbdProbabilityAlive,
  mbgNbdProbabilityOfPurchases,
} from './mbg-nbd.ts';

// Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models for
// customer base analysis", IJRM 24(3); values as estimated by BTYDplus (Platzer) on the CDNOW
// sample, 39-week calibration, weeks.
const PUBLISHED = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

describe('MBG/NBD on the CDNOW sample', () => {
  const fit = unwrap(fitMbgNbd(cdnowSummary('CDNOW_sample.txt')));

  it.each([
    ['r', fit.params.r, PUBLISHED.r],
    ['α', fit.params.alpha, PUBLISHED.alpha],
    ['a', fit.params.a, PUBLISHED.a],
    ['b', fit.params.b, PUBLISHED.b],
  ])('%s matches the published value', (_name, fitted, published) => {
    expect(fitted).toBeCloseTo(published, 3);
  });

  it('converges with standard errors', () => {
    expect(fit.converged).toBe(true);
    expect(fit.standardErrors).not.toBeNull();
  });
});

const PARAMS = { ...PUBLISHED };

describe('MBG/NBD predictions', () => {
  it('P(X(t) = n) sums to one and has mean E[X(t)]', () => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const p = mbgNbdProbabilityOfPurchases(PARAMS, n, 39);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 8);
    expect(mean).toBeCloseTo(mbgNbdExpectedPurchases(PARAMS, 39), 6);
  });

  it('a customer with no repeat purchase may be gone (unlike BG/NBD)', () => {
    expect(mbgNbdProbabilityAlive(PARAMS, 0, 0, 30)).toBeLessThan(1);
    expect(mbgNbdProbabilityAlive(PARAMS, 0, 0, 0)).toBeCloseTo(
      PARAMS.b / (PARAMS.a + PARAMS.b),
      12,
    );
  });

  it('treats a new customer (x = 0, T = 0) like E[X(t)]', () => {
    expect(mbgNbdConditionalExpectedPurchases(PARAMS, 52, 0, 0, 0)).toBeCloseTo(
      mbgNbdExpectedPurchases(PARAMS, 52),
      10,
    );
  });

  it('stays finite for huge histories', () => {
    const value = mbgNbdConditionalExpectedPurchases(PARAMS, 52, 10_000, 999, 1000);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThan(100);
  });

  it('fails with NO_REPEAT_BUYERS when nobody bought twice', () => {
    const result = fitMbgNbd({ x: [0], tx: [0], T: [3] });
    expect(result.ok ? 'ok' : result.error.code).toBe('NO_REPEAT_BUYERS');
  });
});
