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

/** BG/NBD (Fader, Hardie & Lee 2005): purchase rate λ ~ Gamma(r, α), dropout p ~ Beta(a, b). */
export type BgNbdParams = BetaGeometricParams;

export interface BgNbdModel {
  readonly model: 'bg-nbd';
  readonly params: BgNbdParams;
}

export type BgNbdFit = BgNbdModel & FitDiagnostics<BgNbdParams>;

const NAME = 'BG/NBD';

/** Full log-likelihood of the histories under BG/NBD (sum over customers, unscaled). */
export function bgNbdLogLikelihood(params: BgNbdParams, data: CustomerHistories): Result<number> {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  const unique = uniqueHistories(data);
  if (!unique.ok) return unique;
  return ok(betaGeometricLogLikelihood(params, unique.value, 0));
}

/** Fits BG/NBD by maximum likelihood. Fails with NO_REPEAT_BUYERS when nobody purchased twice. *
 * @example
 * const fit = fitBgNbd({ x: [2, 1, 0, 0, 7], tx: [30.43, 1.71, 0, 0, 29.43], T: [38.86, 38.86, 38.86, 38.86, 38.86] });
 * if (fit.ok) fit.value.params; // { r, alpha, a, b }
 */
export function fitBgNbd(data: CustomerHistories, options: FitOptions = {}): Result<BgNbdFit> {
  const unique = uniqueHistories(data);
  if (!unique.ok) return unique;
  const rows = unique.value;
  if (rows.repeatWeight === 0) {
    return fail('NO_REPEAT_BUYERS', 'BG/NBD needs at least one customer with a repeat purchase');
  }
  const rate = startingRate(rows.x, rows.T, rows.weight);
  const scratch = createScratch(rows);
  const params = (theta: Float64Array): BgNbdParams => ({
    r: theta[0] ?? 1,
    alpha: theta[1] ?? 1,
    a: theta[2] ?? 1,
    b: theta[3] ?? 1,
  });
  const fit = maximizeOnLogScale(
    (theta) => betaGeometricLogLikelihood(params(theta), rows, 0, scratch),
    [0.5, 0.5 / rate, 0.8, 2.5],
    options,
    (theta, gradient) => betaGeometricLogLikelihood(params(theta), rows, 0, scratch, gradient),
  );
  const [r = 1, alpha = 1, a = 1, b = 1] = fit.values;
  const se = fit.standardErrors;
  return ok({
    model: 'bg-nbd',
    params: { r, alpha, a, b },
    logLikelihood: fit.logLikelihood,
    standardErrors: se ? { r: se[0] ?? 0, alpha: se[1] ?? 0, a: se[2] ?? 0, b: se[3] ?? 0 } : null,
    converged: fit.converged,
    evaluations: fit.evaluations,
    customers: rows.totalWeight,
  });
}

/** E[X(t)]: expected repeat purchases of a newly acquired customer in (0, t]. */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertHorizon(t);
  return betaGeometricExpectedNew(params, 0, t);
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history.
 *
 * @example
 * // Fader, Hardie & Lee (2005): 1.226 purchases in the next 39 weeks.
 * bgNbdConditionalExpectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 2, 30.43, 38.86);
 */
export function bgNbdConditionalExpectedPurchases(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertHorizon(t);
  assertHistory(x, tx, T);
  return betaGeometricConditionalExpected(params, 0, t, x, tx, T);
}

/** P(alive at T | x, t_x, T). Always 1 for x = 0 under BG/NBD. */
export function bgNbdProbabilityAlive(
  params: BgNbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertHistory(x, tx, T);
  return betaGeometricProbabilityAlive(params, 0, x, tx, T);
}

/** P(X(t) = n) for a newly acquired customer. */
export function bgNbdProbabilityOfPurchases(params: BgNbdParams, n: number, t: number): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  assertCount(n);
  assertHorizon(t);
  return betaGeometricProbabilityOfCount(params, 0, n, t);
}
