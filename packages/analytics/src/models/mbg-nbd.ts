import { uniqueHistories, type CustomerHistories } from './customer-histories.ts';
import { fail, ok, type Result } from './errors.ts';
import { maximizeOnLogScale, type FitDiagnostics, type FitOptions } from './maximum-likelihood.ts';
import {
  assertCount,
  assertHistory,
  assertHorizon,
  assertPositiveParams,
  startingRate,
} from './model-params.ts';
import {
  betaGeometricConditionalExpected,
  betaGeometricExpectedNew,
  betaGeometricLogLikelihood,
  betaGeometricProbabilityAlive,
  betaGeometricProbabilityOfCount,
  createScratch,
  type BetaGeometricParams,
} from './beta-geometric.ts';

/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may also drop out right
 * after the first purchase, so P(alive) < 1 even with no repeat purchase.
 */
export type MbgNbdParams = BetaGeometricParams;

export interface MbgNbdModel {
  readonly model: 'mbg-nbd';
  readonly params: MbgNbdParams;
}

export type MbgNbdFit = MbgNbdModel & FitDiagnostics<MbgNbdParams>;

const NAME = 'MBG/NBD';

/** Full log-likelihood of the histories under MBG/NBD (sum over customers, unscaled). */
export function mbgNbdLogLikelihood(params: MbgNbdParams, data: CustomerHistories): Result<number> {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  const unique = uniqueHistories(data);
  if (!unique.ok) return unique;
  return ok(betaGeometricLogLikelihood(params, unique.value, 1));
}

/**
 * Fits MBG/NBD by maximum likelihood. Fails with NO_REPEAT_BUYERS when nobody purchased twice.
 *
 * @example
 * const fit = fitMbgNbd({ x: [2, 1, 0, 0], tx: [30.43, 1.71, 0, 0], T: [38.86, 38.86, 38.86, 20] });
 * if (fit.ok) mbgNbdProbabilityAlive(fit.value.params, 0, 0, 38.86);
 */
export function fitMbgNbd(data: CustomerHistories, options: FitOptions = {}): Result<MbgNbdFit> {
  const unique = uniqueHistories(data);
  if (!unique.ok) return unique;
  const rows = unique.value;
  if (rows.repeatWeight === 0) {
    return fail('NO_REPEAT_BUYERS', 'MBG/NBD needs at least one customer with a repeat purchase');
  }
  const rate = startingRate(rows.x, rows.T, rows.weight);
  const scratch = createScratch(rows);
  const params = (theta: Float64Array): MbgNbdParams => ({
    r: theta[0] ?? 1,
    alpha: theta[1] ?? 1,
    a: theta[2] ?? 1,
    b: theta[3] ?? 1,
  });
  const fit = maximizeOnLogScale(
    (theta) => betaGeometricLogLikelihood(params(theta), rows, 1, scratch),
    [0.5, 0.5 / rate, 0.8, 2.5],
    options,
    (theta, gradient) => betaGeometricLogLikelihood(params(theta), rows, 1, scratch, gradient),
  );
  const [r = 1, alpha = 1, a = 1, b = 1] = fit.values;
  const se = fit.standardErrors;
  return ok({
    model: 'mbg-nbd',
    params: { r, alpha, a, b },
    logLikelihood: fit.logLikelihood,
    standardErrors: se ? { r: se[0] ?? 0, alpha: se[1] ?? 0, a: se[2] ?? 0, b: se[3] ?? 0 } : null,
    converged: fit.converged,
    evaluations: fit.evaluations,
    customers: rows.totalWeight,
  });
}

/** E[X(t)]: expected repeat purchases of a newly acquired customer in (0, t]. */
export function mbgNbdExpectedPurchases(params: MbgNbdParams, t: number): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertHorizon(t);
  return betaGeometricExpectedNew(params, 1, t);
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history. */
export function mbgNbdConditionalExpectedPurchases(
  params: MbgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertHorizon(t);
  assertHistory(x, tx, T);
  return betaGeometricConditionalExpected(params, 1, t, x, tx, T);
}

/** P(alive at T | x, t_x, T). */
export function mbgNbdProbabilityAlive(
  params: MbgNbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertHistory(x, tx, T);
  return betaGeometricProbabilityAlive(params, 1, x, tx, T);
}

/** P(X(t) = n) for a newly acquired customer. */
export function mbgNbdProbabilityOfPurchases(params: MbgNbdParams, n: number, t: number): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertCount(n);
  assertHorizon(t);
  return betaGeometricProbabilityOfCount(params, 1, n, t);
}
