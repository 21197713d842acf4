import { describe, expect, it } from 'vitest';
import {
  conditionalExpectedPurchases,
  expectedPurchases,
  probabilityAlive,
  probabilityOfPurchases,
  rowKernels,
  type CountModel,
} from './count-model.ts';

const MODELS: CountModel[] = [
  { model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } },
  { model: 'mbg-nbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } },
  { model: 'pareto-nbd', params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } },
];

describe.each(MODELS)('$model', (model) => {
  it('row kernels agree with the checked public functions', () => {
    const kernels = rowKernels(model);
    for (const [x, tx, T] of [
      [0, 0, 30],
      [2, 30.43, 38.86],
      [26, 30.86, 31],
    ] as const) {
      expect(kernels.alive(x, tx, T)).toBeCloseTo(probabilityAlive(model, x, tx, T), 12);
      expect(kernels.alive(x, tx, T) * kernels.whileAlive(39, x, T)).toBeCloseTo(
        conditionalExpectedPurchases(model, 39, x, tx, T),
        12,
      );
    }
    expect(kernels.expectedNew(39)).toBeCloseTo(expectedPurchases(model, 39), 12);
  });

  it('E[X(t)] grows with t and starts at 0', () => {
    expect(expectedPurchases(model, 0)).toBe(0);
    const values = [1, 10, 52, 520].map((t) => expectedPurchases(model, t));
    for (let i = 1; i < values.length; i++) {
      expect(values[i]).toBeGreaterThan(values[i - 1] ?? Infinity);
    }
  });

  it('P(X(t) = 0) is 1 at t = 0', () => {
    expect(probabilityOfPurchases(model, 0, 0)).toBeCloseTo(1, 12);
    expect(probabilityOfPurchases(model, 3, 0)).toBeCloseTo(0, 12);
  });
});
