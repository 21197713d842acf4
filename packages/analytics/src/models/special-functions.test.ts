import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  hyp2f1,
  integrate,
  lbeta,
  lgamma,
  log1mExp,
  logHyp2f1,
  logNbdPmf,
  logSumExp,
  nbdUpperTail,
  oneMinusExpOver,
} from './special-functions.ts';

describe('lgamma', () => {
  // Reference values: ln Γ from exact factorials and Γ(1/2) = √π.
  it.each([
    [0.5, 0.5723649429247001],
    [1, 0],
    [2, 0],
    [3, Math.log(2)],
    [10, 12.801827480081469],
    [16, 27.89927138384089],
    [100, 359.1342053695754],
    [1e-5, 11.512919692895828],
    [1e6, 12815504.569147611],
  ])('ln Γ(%d) = %d', (x, expected) => {
    expect(lgamma(x)).toBeCloseTo(expected, 10);
  });

  it('is continuous where Lanczos hands over to Stirling', () => {
    expect(lgamma(15 + 1e-12) - lgamma(15 - 1e-12)).toBeLessThan(1e-9);
    expect(lgamma(15.5) - lgamma(14.5)).toBeCloseTo(Math.log(14.5), 12);
  });

  it('satisfies Γ(x+1) = xΓ(x)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (x) => {
        expect(lgamma(x + 1) - lgamma(x)).toBeCloseTo(Math.log(x), 8);
      }),
    );
  });

  it('lbeta(a, b) is symmetric and B(1, b) = 1/b', () => {
    expect(lbeta(2.5, 0.7)).toBeCloseTo(lbeta(0.7, 2.5), 14);
    expect(lbeta(1, 4)).toBeCloseTo(-Math.log(4), 14);
  });
});

describe('log-space helpers', () => {
  it.each([
    [1000, 1000, 1000 + Math.LN2],
    [-Infinity, 3, 3],
    [0, -800, 0],
    [-745, -745, -745 + Math.LN2],
  ])('logSumExp(%d, %d)', (a, b, expected) => {
    expect(logSumExp(a, b)).toBeCloseTo(expected, 12);
  });

  it.each([
    [-1e-20, Math.log(1e-20)],
    [-1, Math.log(1 - Math.exp(-1))],
    [-50, -Math.exp(-50)],
    [0, -Infinity],
  ])('log1mExp(%d)', (a, expected) => {
    expect(log1mExp(a)).toBeCloseTo(expected, 12);
  });

  it('oneMinusExpOver is continuous at 0', () => {
    expect(oneMinusExpOver(0, 2)).toBe(-2);
    expect(oneMinusExpOver(1e-9, 2)).toBeCloseTo(-2, 8);
    expect(oneMinusExpOver(-0.5, 2)).toBeCloseTo((1 - Math.exp(-1)) / -0.5, 14);
  });
});

describe('hyp2f1', () => {
  it.each([
    ['2F1(1,1;2;z) = −ln(1−z)/z', 1, 1, 2, 0.5, -Math.log(0.5) / 0.5],
    ['2F1(a,b;b;z) = (1−z)^−a', 2.5, 3, 3, 0.3, Math.pow(0.7, -2.5)],
    ['2F1(½,½;3/2;z²) = asin z / z', 0.5, 0.5, 1.5, 0.81, Math.asin(0.9) / 0.9],
    ['z = 0', 3, 4, 5, 0, 1],
    ['terminating: 2F1(−2,3;4;z) = 1 − 3z/2 + 3z²/5', -2, 3, 4, 0.5, 1 - 0.75 + 0.15],
  ])('%s', (_name, a, b, c, z, expected) => {
    expect(hyp2f1(a, b, c, z)).toBeCloseTo(expected, 12);
  });

  it('stays finite in log space when the value overflows a double', () => {
    // 2F1(500, 3; 3; 0.9) = 0.1^−500 = 10^500.
    expect(logHyp2f1(500, 3, 3, 0.9).log).toBeCloseTo(500 * Math.log(10), 6);
  });

  it('converges close to z = 1 without hanging', () => {
    expect(hyp2f1(1, 1, 2, 0.999)).toBeCloseTo(-Math.log(0.001) / 0.999, 8);
  });

  it('satisfies the Euler transformation', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.5, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (a, b, c, z) => {
          const direct = logHyp2f1(a, b, c, z);
          const euler = logHyp2f1(c - a, c - b, c, z);
          expect(direct.sign).toBe(1);
          expect(direct.log).toBeCloseTo((c - a - b) * Math.log1p(-z) + euler.log, 7);
        },
      ),
    );
  });
});

describe('negative binomial helpers', () => {
  it('pmf sums to one and the upper tail matches the pmf sum', () => {
    const [r, alpha, t] = [0.8, 3, 20];
    let total = 0;
    for (let n = 0; n < 2000; n++) total += Math.exp(logNbdPmf(n, r, alpha, t));
    expect(total).toBeCloseTo(1, 10);
    let tail = 0;
    for (let n = 5; n < 2000; n++) tail += Math.exp(logNbdPmf(n, r, alpha, t));
    expect(nbdUpperTail(5, r, alpha, t)).toBeCloseTo(tail, 12);
    expect(nbdUpperTail(0, r, alpha, t)).toBe(1);
  });

  it('answers quickly for an enormous n', () => {
    expect(nbdUpperTail(1e9, 0.5, 10, 52)).toBe(0);
  });

  it('keeps relative accuracy of tiny tails', () => {
    const tail = nbdUpperTail(60, 1, 10, 1);
    expect(tail).toBeGreaterThan(0);
    expect(tail).toBeLessThan(1e-50);
  });
});

describe('integrate', () => {
  it.each([
    ['sin on [0, π]', Math.sin, 0, Math.PI, 2],
    ['x² on [0, 3]', (u: number) => u * u, 0, 3, 9],
    ['empty interval', Math.exp, 1, 1, 0],
  ])('%s', (_name, f, lo, hi, expected) => {
    expect(integrate(f, lo, hi)).toBeCloseTo(expected, 12);
  });
});
