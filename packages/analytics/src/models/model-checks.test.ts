import { describe, expect, it } from 'vitest';
import { cdnowSummary } from '../../bench/cdnow-data.ts';
import { expectedPurchases, type CountModel } from './count-model.ts';
import { unwrap } from './errors.ts';
import { compareHoldout, trackingCurve } from './model-checks.ts';
import { summarizeTransactions } from './transaction-summary.ts';

const BG: CountModel = { model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } };

describe('model checks on the CDNOW sample', () => {
  const summary = cdnowSummary('CDNOW_sample.txt');
  const sumX = summary.x.reduce((s, v) => s + v, 0);
  const sumHoldout = summary.holdoutX.reduce((s, v) => s + v, 0);

  it('compares holdout purchases by calibration frequency (0 … 7+)', () => {
    const comparison = unwrap(compareHoldout(summary, BG));
    expect(comparison.groups.map((g) => g.label)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7+',
    ]);
    expect(comparison.groups.reduce((s, g) => s + g.customers, 0)).toBe(2357);
    expect(comparison.groups[0]?.customers).toBe(1411);
    expect(comparison.totalActual).toBe(sumHoldout);
    // Fader, Hardie & Lee (2005, fig. 4): BG/NBD tracks the conditional expectations closely;
    // here within 30% per group and rising with frequency.
    for (const group of comparison.groups) {
      expect(Math.abs(group.predictedMean - group.actualMean)).toBeLessThan(
        0.3 * group.actualMean + 0.05,
      );
    }
    const predicted = comparison.groups.map((g) => g.predictedMean);
    for (let i = 1; i < predicted.length; i++) {
      expect(predicted[i]).toBeGreaterThan(predicted[i - 1] ?? Infinity);
    }
  });

  it('tracks weekly cumulative repeat transactions, actual vs model', () => {
    const curve = unwrap(trackingCurve(summary, BG));
    expect(curve.length).toBe(78);
    const calibrationEnd = curve.filter((p) => p.inCalibration).at(-1);
    expect(calibrationEnd?.period).toBe(39);
    expect(calibrationEnd?.actualCumulative).toBe(sumX);
    expect(curve.at(-1)?.actualCumulative).toBe(sumX + sumHoldout);
    // The model's cumulative curve is within 5% of the actual at both ends (FHL 2005, fig. 3).
    for (const point of [calibrationEnd, curve.at(-1)]) {
      const { actualCumulative = 0, expectedCumulative = 0 } = point ?? {};
      expect(Math.abs(expectedCumulative - actualCumulative) / actualCumulative).toBeLessThan(0.05);
    }
    expect(curve.reduce((s, p) => s + p.expectedIncremental, 0)).toBeCloseTo(
      curve.at(-1)?.expectedCumulative ?? 0,
      6,
    );
  });

  it('sums E[X(t)] over the cohort by first purchase day', () => {
    const small = unwrap(
      summarizeTransactions(
        { customerId: ['a', 'b', 'b'], day: [0, 7, 10], amount: [1, 1, 1] },
        { calibrationEnd: 13, period: 'week' },
      ),
    );
    const curve = unwrap(trackingCurve(small, BG));
    expect(curve.length).toBe(2);
    expect(curve[1]?.expectedCumulative).toBeCloseTo(
      expectedPurchases(BG, 13 / 7) + expectedPurchases(BG, 6 / 7),
      12,
    );
    expect(curve[1]?.actualCumulative).toBe(1);
  });

  it('fails with NO_HOLDOUT without a holdout period', () => {
    const noHoldout = unwrap(
      summarizeTransactions({ customerId: ['a'], day: [0], amount: [1] }, { calibrationEnd: 10 }),
    );
    const result = compareHoldout(noHoldout, BG);
    expect(result.ok ? 'ok' : result.error.code).toBe('NO_HOLDOUT');
  });
});
