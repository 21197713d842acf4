import { describe, expect, it } from 'vitest';
import { cdnowSummary } from '../../bench/cdnow-data.ts';
import { bgNbdConditionalExpectedPurchases } from './bg-nbd.ts';
import { scoreCustomers } from './clv.ts';
import { conditionalExpectedPurchases, probabilityAlive, type CountModel } from './count-model.ts';
import { unwrap } from './errors.ts';
import { gammaGammaConditionalExpectedSpend, type GammaGammaModel } from './gamma-gamma.ts';

const BG: CountModel = { model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } };
const PARETO: CountModel = {
  model: 'pareto-nbd',
  params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
};
const SPEND: GammaGammaModel = { model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 } };

describe('scoreCustomers', () => {
  const summary = cdnowSummary('CDNOW_sample.txt');

  it.each([BG, PARETO])(
    '$model: scores every customer, evaluating unique histories once',
    (model) => {
      const scores = unwrap(
        scoreCustomers(summary, { countModel: model, spendModel: SPEND, horizon: 39 }),
      );
      expect(scores.clv.length).toBe(2357);
      expect(scores.uniqueHistories).toBeLessThan(1100);
      for (const i of [0, 5, 100, 2356]) {
        const [x, tx, T] = [summary.x[i] ?? 0, summary.tx[i] ?? 0, summary.T[i] ?? 0];
        const purchases = conditionalExpectedPurchases(model, 39, x, tx, T);
        const spend = gammaGammaConditionalExpectedSpend(SPEND.params, x, summary.monetary[i] ?? 0);
        expect(scores.probabilityAlive[i]).toBeCloseTo(probabilityAlive(model, x, tx, T), 12);
        expect(scores.expectedPurchases[i]).toBeCloseTo(purchases, 12);
        expect(scores.expectedSpend[i]).toBeCloseTo(spend, 12);
        // Undiscounted CLV with margin 1 is expected purchases × expected spend.
        expect(scores.clv[i]).toBeCloseTo(purchases * spend, 9);
      }
      expect(scores.clv.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    },
  );

  it('discounts: discrete below undiscounted, continuous close to discrete at the same rate', () => {
    const base = { countModel: BG, spendModel: SPEND, horizon: 52, margin: 0.3 } as const;
    const plain = unwrap(scoreCustomers(summary, base));
    const discrete = unwrap(scoreCustomers(summary, { ...base, discountRate: 0.002 }));
    const continuous = unwrap(
      scoreCustomers(summary, {
        ...base,
        discountRate: Math.log(1.002),
        discounting: 'continuous',
        steps: 520,
      }),
    );
    const i = 0;
    expect(discrete.clv[i]).toBeLessThan(plain.clv[i] ?? 0);
    expect(continuous.clv[i]).toBeCloseTo(discrete.clv[i] ?? 0, 1);
    // Hand computation for the discrete case, 52 weekly steps.
    const [x, tx, T] = [summary.x[i] ?? 0, summary.tx[i] ?? 0, summary.T[i] ?? 0];
    let manual = 0;
    let previous = 0;
    for (let k = 1; k <= 52; k++) {
      const cumulative = bgNbdConditionalExpectedPurchases(BG.params, k, x, tx, T);
      manual += (cumulative - previous) / 1.002 ** k;
      previous = cumulative;
    }
    expect(discrete.clv[i]).toBeCloseTo(0.3 * (discrete.expectedSpend[i] ?? 0) * manual, 9);
  });

  it.each([
    ['a negative horizon', { horizon: -1 }, 'INVALID_ARGUMENT'],
    ['a NaN margin', { margin: NaN }, 'INVALID_ARGUMENT'],
    ['a discount rate of −1', { discountRate: -1 }, 'INVALID_ARGUMENT'],
    ['zero steps', { steps: 0 }, 'INVALID_ARGUMENT'],
    [
      'q ≤ 1',
      { spendModel: { model: 'gamma-gamma', params: { p: 1, q: 0.5, v: 1 } } },
      'INVALID_PARAMETER',
    ],
    [
      'a negative count parameter',
      { countModel: { ...BG, params: { ...BG.params, r: -1 } } },
      'INVALID_PARAMETER',
    ],
  ] as const)('fails with a typed code for %s', (_name, override, code) => {
    const result = scoreCustomers(
      { x: [1, 0], tx: [3, 0], T: [5, 5], monetary: [10, 0] },
      { countModel: BG, spendModel: SPEND, horizon: 10, ...override },
    );
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
  });

  it('fails on empty input', () => {
    const result = scoreCustomers(
      { x: [], tx: [], T: [], monetary: [] },
      { countModel: BG, spendModel: SPEND, horizon: 10 },
    );
    expect(result.ok ? 'ok' : result.error.code).toBe('EMPTY_INPUT');
  });
});
