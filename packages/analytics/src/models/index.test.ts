// The public surface: each doc-comment example, run through the index, gives what its comment
// says; results hold no NaN.
import { describe, expect, it } from 'vitest';
import {
  bgNbdConditionalExpectedPurchases,
  compareHoldout,
  fitBgNbd,
  fitGammaGamma,
  fitMbgNbd,
  fitParetoNbd,
  gammaGammaConditionalExpectedSpend,
  mbgNbdProbabilityAlive,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdProbabilityAlive,
  parseDay,
  scoreCustomers,
  simulateBgNbdHistories,
  summarizeTransactions,
  trackingCurve,
  unwrapResult,
  type CountModel,
} from './index.ts';

const noNaN = (values: ArrayLike<number>): boolean => Array.from(values).every(Number.isFinite);

describe('doc-comment examples', () => {
  it('module example: summary → BG/NBD + Gamma-Gamma → CLV', () => {
    const calibrationEnd = unwrapResult(parseDay('1997-09-30'));
    const summary = unwrapResult(
      summarizeTransactions(
        {
          customerId: ['a', 'a', 'a', 'b', 'b', 'c'],
          day: [9862, 9890, 10000, 9870, 9950, 9900],
          amount: [10, 12, 8, 5, 7, 9],
        },
        { calibrationEnd, period: 'week' },
      ),
    );
    const counts = unwrapResult(fitBgNbd(summary));
    const spend = unwrapResult(fitGammaGamma(summary));
    const scores = unwrapResult(
      scoreCustomers(summary, {
        countModel: counts,
        spendModel: spend,
        horizon: 52,
        discountRate: 0.002,
      }),
    );
    expect(scores.clv.length).toBe(3);
    expect(noNaN(scores.clv)).toBe(true);
  });

  it('parseDay and summarizeTransactions', () => {
    expect(parseDay('1997-09-30')).toEqual({ ok: true, value: 10134 });
    expect(parseDay('19970930')).toEqual({ ok: true, value: 10134 });
    const summary = unwrapResult(
      summarizeTransactions(
        { customerId: ['a', 'a', 'b'], day: [9862, 9890, 9870], amount: [10, 12, 5] },
        { calibrationEnd: 10134, period: 'week' },
      ),
    );
    expect(Array.from(summary.x)).toEqual([1, 0]);
    expect(summary.T[0]).toBeCloseTo(38.86, 2);
    expect(summary.T[1]).toBeCloseTo(37.71, 2);
  });

  it('fits on tiny data sets without NaN', () => {
    const T = 38.86;
    const bg = unwrapResult(
      fitBgNbd({ x: [2, 1, 0, 0, 7], tx: [30.43, 1.71, 0, 0, 29.43], T: [T, T, T, T, T] }),
    );
    const pareto = unwrapResult(
      fitParetoNbd({ x: [2, 1, 0, 26], tx: [30.43, 1.71, 0, 30.86], T: [T, T, T, 31] }),
    );
    const mbg = unwrapResult(
      fitMbgNbd({ x: [2, 1, 0, 0], tx: [30.43, 1.71, 0, 0], T: [T, T, T, 20] }),
    );
    const gg = unwrapResult(fitGammaGamma({ x: [2, 1, 0, 5], monetary: [22.35, 11.77, 0, 29.44] }));
    for (const params of [bg.params, pareto.params, mbg.params, gg.params]) {
      expect(noNaN(Object.values(params))).toBe(true);
    }
    expect(mbgNbdProbabilityAlive(mbg.params, 0, 0, T)).toBeGreaterThan(0);
    expect(gammaGammaConditionalExpectedSpend(gg.params, 2, 22.35)).toBeGreaterThan(0);
  });

  it('published predictions', () => {
    const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const pareto = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    expect(bgNbdConditionalExpectedPurchases(bg, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    expect(paretoNbdConditionalExpectedPurchases(pareto, 52, 26, 30.86, 31)).toBeCloseTo(25.46, 2);
    expect(paretoNbdProbabilityAlive(pareto, 26, 30.86, 31)).toBeCloseTo(0.9979, 4);
    expect(
      gammaGammaConditionalExpectedSpend({ p: 6.25, q: 3.74, v: 15.44 }, 2, 22.35),
    ).toBeCloseTo(24.66, 2);
  });

  it('scoreCustomers example', () => {
    const scores = unwrapResult(
      scoreCustomers(
        { x: [2, 0], tx: [30.43, 0], T: [38.86, 38.86], monetary: [22.35, 0] },
        {
          countModel: { model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } },
          spendModel: { model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 } },
          horizon: 52,
          margin: 0.3,
          discountRate: 0.002,
        },
      ),
    );
    expect(scores.clv[0]).toBeCloseTo(10.98, 2);
    expect(scores.clv[1]).toBeCloseTo(2.53, 2);
  });

  it('compareHoldout and trackingCurve examples', () => {
    const summary = unwrapResult(
      summarizeTransactions(
        { customerId: ['a', 'a', 'b'], day: [0, 20, 3], amount: [1, 1, 1] },
        { calibrationEnd: 27, observationEnd: 55, period: 'week' },
      ),
    );
    const bg: CountModel = {
      model: 'bg-nbd',
      params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    };
    const comparison = unwrapResult(compareHoldout(summary, bg));
    expect(comparison.groups.map((g) => g.label).at(-1)).toBe('7+');
    const curve = unwrapResult(trackingCurve(summary, bg));
    expect(curve.length).toBe(8);
    expect(curve[0]?.period).toBe(1);
  });

  it('simulateBgNbdHistories example', () => {
    const data = simulateBgNbdHistories({
      params: { r: 0.5, alpha: 5, a: 0.8, b: 2.5 },
      customers: 1000,
      T: 52,
      seed: 1,
    });
    expect(fitBgNbd(data).ok).toBe(true);
  });
});
