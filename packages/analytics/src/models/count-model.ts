import {
  betaGeometricExpectedNew,
  betaGeometricProbabilityAlive,
  expectedWhileAlive,
  type Shift,
} from './beta-geometric.ts';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
  bgNbdProbabilityOfPurchases,
  type BgNbdModel,
} from './bg-nbd.ts';
import {
  mbgNbdConditionalExpectedPurchases,
  mbgNbdExpectedPurchases,
  mbgNbdProbabilityAlive,
  mbgNbdProbabilityOfPurchases,
  type MbgNbdModel,
} from './mbg-nbd.ts';
import { assertPositiveParams } from './model-params.ts';
import {
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdInternals,
  paretoNbdProbabilityAlive,
  paretoNbdProbabilityOfPurchases,
  type ParetoNbdModel,
} from './pareto-nbd.ts';
import { oneMinusExpOver } from './special-functions.ts';

/** Any fitted purchase-count model (a fit result is one). */
export type CountModel = BgNbdModel | MbgNbdModel | ParetoNbdModel;

/** E[X(t)] of a newly acquired customer under any count model. */
export function expectedPurchases(model: CountModel, t: number): number {
  switch (model.model) {
    case 'bg-nbd':
      return bgNbdExpectedPurchases(model.params, t);
    case 'mbg-nbd':
      return mbgNbdExpectedPurchases(model.params, t);
    case 'pareto-nbd':
      return paretoNbdExpectedPurchases(model.params, t);
  }
}

/** E[Y(t) | x, t_x, T] under any count model. */
export function conditionalExpectedPurchases(
  model: CountModel,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  switch (model.model) {
    case 'bg-nbd':
      return bgNbdConditionalExpectedPurchases(model.params, t, x, tx, T);
    case 'mbg-nbd':
      return mbgNbdConditionalExpectedPurchases(model.params, t, x, tx, T);
    case 'pareto-nbd':
      return paretoNbdConditionalExpectedPurchases(model.params, t, x, tx, T);
  }
}

/** P(alive | x, t_x, T) under any count model. */
export function probabilityAlive(model: CountModel, x: number, tx: number, T: number): number {
  switch (model.model) {
    case 'bg-nbd':
      return bgNbdProbabilityAlive(model.params, x, tx, T);
    case 'mbg-nbd':
      return mbgNbdProbabilityAlive(model.params, x, tx, T);
    case 'pareto-nbd':
      return paretoNbdProbabilityAlive(model.params, x, tx, T);
  }
}

/** P(X(t) = n) for a newly acquired customer under any count model. */
export function probabilityOfPurchases(model: CountModel, n: number, t: number): number {
  switch (model.model) {
    case 'bg-nbd':
      return bgNbdProbabilityOfPurchases(model.params, n, t);
    case 'mbg-nbd':
      return mbgNbdProbabilityOfPurchases(model.params, n, t);
    case 'pareto-nbd':
      return paretoNbdProbabilityOfPurchases(model.params, n, t);
  }
}

/**
 * Unchecked per-row kernels for vectorised scoring: P(alive) once per history, then the
 * expectation of an alive customer for several horizons. Parameters are checked once here.
 */
export interface RowKernels {
  readonly alive: (x: number, tx: number, T: number) => number;
  readonly whileAlive: (t: number, x: number, T: number) => number;
  readonly expectedNew: (t: number) => number;
}

export function rowKernels(model: CountModel): RowKernels {
  if (model.model === 'pareto-nbd') {
    const p = model.params;
    assertPositiveParams('Pareto/NBD', { r: p.r, alpha: p.alpha, s: p.s, beta: p.beta });
    return {
      alive: (x, tx, T) => paretoNbdInternals.probabilityAlive(p, x, tx, T),
      whileAlive: (t, x, T) =>
        (((p.r + x) * (p.beta + T)) / (p.alpha + T)) *
        oneMinusExpOver(p.s - 1, -Math.log1p(t / (p.beta + T))),
      expectedNew: (t) =>
        ((p.r * p.beta) / p.alpha) * oneMinusExpOver(p.s - 1, -Math.log1p(t / p.beta)),
    };
  }
  const p = model.params;
  assertPositiveParams(model.model, { r: p.r, alpha: p.alpha, a: p.a, b: p.b });
  const shift: Shift = model.model === 'mbg-nbd' ? 1 : 0;
  return {
    alive: (x, tx, T) => betaGeometricProbabilityAlive(p, shift, x, tx, T),
    whileAlive: (t, x, T) => expectedWhileAlive(p.r + x, p.alpha + T, p.a, p.b + x + shift, t),
    expectedNew: (t) => betaGeometricExpectedNew(p, shift, t),
  };
}
