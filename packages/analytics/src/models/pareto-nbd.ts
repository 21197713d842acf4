import {
  uniqueHistories,
  type CustomerHistories,
  type UniqueHistories,
} from './customer-histories.ts';
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
  integrate,
  lgamma,
  log1mExp,
  logHyp2f1,
  logNbdPmf,
  logSumExp,
  oneMinusExpOver,
} from './special-functions.ts';

/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchase rate λ ~ Gamma(r, α), dropout
 * rate μ ~ Gamma(s, β), lifetimes exponential.
 */
export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

export interface ParetoNbdModel {
  readonly model: 'pareto-nbd';
  readonly params: ParetoNbdParams;
}

export type ParetoNbdFit = ParetoNbdModel & FitDiagnostics<ParetoNbdParams>;

const NAME = 'Pareto/NBD';
// Enough for |α−β|/(max(α,β)+t) up to ~0.998; past it the geometric tail estimate takes over.
const HYP2F1_TERMS = 20_000;

/**
 * ln F(t) with F(t) = 2F1(r+s+x, s+1; r+s+x+1; (α−β)/(α+t)) / (α+t)^{r+s+x} when α ≥ β, or
 * the β-form 2F1(r+s+x, r+x; r+s+x+1; (β−α)/(β+t)) / (β+t)^{r+s+x} otherwise (Fader & Hardie,
 * "A Note on Deriving the Pareto/NBD Model", 2005), so the argument lies in [0, 1). Each is then
 * Euler-transformed to 2F1(1, ·; r+s+x+1; z), a positive series with ratio < z that stays
 * between 1 and 1/(1−z): no overflow for large x, no cancellation.
 */
function logF(p: ParetoNbdParams, x: number, t: number): number {
  const { r, alpha, s, beta } = p;
  const c = r + s + x + 1;
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + t);
    const g = logHyp2f1(1, r + x, c, z, HYP2F1_TERMS).log;
    return -s * Math.log(beta + t) - (r + x) * Math.log(alpha + t) + g;
  }
  const z = (beta - alpha) / (beta + t);
  const g = logHyp2f1(1, s + 1, c, z, HYP2F1_TERMS).log;
  return (1 - r - x) * Math.log(alpha + t) - (1 + s) * Math.log(beta + t) + g;
}

interface Scratch {
  readonly common: Float64Array;
  readonly logShare: Float64Array;
  readonly ageRatio: Float64Array;
  readonly aliveTerm: Float64Array;
  readonly ageF: Float64Array;
  readonly recencyF: Float64Array;
}

function paretoLogLikelihood(p: ParetoNbdParams, data: UniqueHistories, scratch: Scratch): number {
  const { r, alpha, s, beta } = p;
  const base = -lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const { common, logShare, ageRatio, aliveTerm, ageF, recencyF } = scratch;
  for (let i = 0; i < data.xValues.length; i++) {
    const x = data.xValues[i] ?? 0;
    common[i] = lgamma(r + x) + base;
  }
  for (let k = 0; k < data.ageT.length; k++) {
    const x = data.xValues[data.ageX[k] ?? 0] ?? 0;
    const T = data.ageT[k] ?? 0;
    aliveTerm[k] = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    ageF[k] = logF(p, x, T);
  }
  for (let k = 0; k < data.recencyT.length; k++) {
    recencyF[k] = logF(p, data.xValues[data.recencyX[k] ?? 0] ?? 0, data.recencyT[k] ?? 0);
  }
  for (let i = 0; i < data.xValues.length; i++) {
    logShare[i] = Math.log(s / (r + s + (data.xValues[i] ?? 0)));
  }
  for (let k = 0; k < data.ageT.length; k++) {
    // Bounded: ln F(T) − alive term is ln 2F1(…) (+ ln((α+T)/(β+T)) in the β-form).
    ageRatio[k] = Math.exp((ageF[k] ?? 0) - (aliveTerm[k] ?? 0));
  }
  let total = 0;
  for (let i = 0; i < data.size; i++) {
    const xi = data.rowX[i] ?? 0;
    const age = data.rowAge[i] ?? 0;
    const alive = aliveTerm[age] ?? 0;
    const fRecency = recencyF[data.rowRecency[i] ?? 0] ?? 0;
    const gap = fRecency - alive;
    let ll: number;
    if (gap < 700) {
      // ln L − common = alive + ln(1 + s/(r+s+x)·(e^{F(t_x)} − e^{F(T)})/e^{alive}): one exp.
      const share = Math.exp(logShare[xi] ?? 0);
      ll = alive + Math.log1p(share * Math.max(0, Math.exp(gap) - (ageRatio[age] ?? 0)));
    } else {
      const logA0 = fRecency + log1mExp((ageF[age] ?? 0) - fRecency);
      ll = logSumExp(alive, (logShare[xi] ?? 0) + logA0);
    }
    total += (data.weight[i] ?? 0) * ((common[xi] ?? 0) + ll);
  }
  return total;
}

function createScratch(data: UniqueHistories): Scratch {
  return {
    common: new Float64Array(data.xValues.length),
    logShare: new Float64Array(data.xValues.length),
    ageRatio: new Float64Array(data.ageT.length),
    aliveTerm: new Float64Array(data.ageT.length),
    ageF: new Float64Array(data.ageT.length),
    recencyF: new Float64Array(data.recencyT.length),
  };
}

/** Full log-likelihood of the histories under Pareto/NBD (sum over customers, unscaled). */
export function paretoNbdLogLikelihood(
  params: ParetoNbdParams,
  data: CustomerHistories,
): Result<number> {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, s: params.s, beta: params.beta });
  const unique = uniqueHistories(data);
  if (!unique.ok) return unique;
  return ok(paretoLogLikelihood(params, unique.value, createScratch(unique.value)));
}

/**
 * Fits Pareto/NBD by maximum likelihood. Fails with NO_REPEAT_BUYERS when nobody purchased twice.
 *
 * @example
 * const fit = fitParetoNbd({ x: [2, 1, 0, 26], tx: [30.43, 1.71, 0, 30.86], T: [38.86, 38.86, 38.86, 31] });
 * if (fit.ok) fit.value.params; // { r, alpha, s, beta }
 */
export function fitParetoNbd(
  data: CustomerHistories,
  options: FitOptions = {},
): Result<ParetoNbdFit> {
  const unique = uniqueHistories(data);
  if (!unique.ok) return unique;
  const rows = unique.value;
  if (rows.repeatWeight === 0) {
    return fail(
      'NO_REPEAT_BUYERS',
      'Pareto/NBD needs at least one customer with a repeat purchase',
    );
  }
  const rate = startingRate(rows.x, rows.T, rows.weight);
  const scratch = createScratch(rows);
  const fit = maximizeOnLogScale(
    (theta) =>
      paretoLogLikelihood(
        { r: theta[0] ?? 1, alpha: theta[1] ?? 1, s: theta[2] ?? 1, beta: theta[3] ?? 1 },
        rows,
        scratch,
      ),
    [0.5, 0.5 / rate, 0.5, 0.5 / rate],
    options,
  );
  const [r = 1, alpha = 1, s = 1, beta = 1] = fit.values;
  const se = fit.standardErrors;
  return ok({
    model: 'pareto-nbd',
    params: { r, alpha, s, beta },
    logLikelihood: fit.logLikelihood,
    standardErrors: se
      ? { r: se[0] ?? 0, alpha: se[1] ?? 0, s: se[2] ?? 0, beta: se[3] ?? 0 }
      : null,
    converged: fit.converged,
    evaluations: fit.evaluations,
    customers: rows.totalWeight,
  });
}

/**
 * P(alive at T | x, t_x, T).
 *
 * @example
 * paretoNbdProbabilityAlive({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 26, 30.86, 31); // ≈ 0.9979
 */
export function paretoNbdProbabilityAlive(
  params: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, s: params.s, beta: params.beta });
  assertHistory(x, tx, T);
  return probabilityAlive(params, x, tx, T);
}

function probabilityAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const fRecency = logF(p, x, tx);
  const logA0 = fRecency + log1mExp(logF(p, x, T) - fRecency);
  const logRatio =
    Math.log(s / (r + s + x)) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + logA0;
  if (logRatio === -Infinity) return 1;
  return logRatio > 0
    ? Math.exp(-logRatio) / (1 + Math.exp(-logRatio))
    : 1 / (1 + Math.exp(logRatio));
}

/** E[X(t)]: expected repeat purchases of a newly acquired customer in (0, t]. */
export function paretoNbdExpectedPurchases(params: ParetoNbdParams, t: number): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, s: params.s, beta: params.beta });
  assertHorizon(t);
  const { r, alpha, s, beta } = params;
  // rβ/(α(s−1))·[1 − (β/(β+t))^{s−1}], continuous through s = 1.
  return ((r * beta) / alpha) * oneMinusExpOver(s - 1, -Math.log1p(t / beta));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history.
 *
 * @example
 * // Fader, Hardie & Lee (2005): 25.46 purchases in the next 52 weeks.
 * paretoNbdConditionalExpectedPurchases({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 52, 26, 30.86, 31);
 */
export function paretoNbdConditionalExpectedPurchases(
  params: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, s: params.s, beta: params.beta });
  assertHorizon(t);
  assertHistory(x, tx, T);
  return conditionalExpected(params, t, x, tx, T);
}

function conditionalExpected(
  p: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, s, beta } = p;
  const whileAlive =
    (((r + x) * (beta + T)) / (alpha + T)) * oneMinusExpOver(s - 1, -Math.log1p(t / (beta + T)));
  return whileAlive * probabilityAlive(p, x, tx, T);
}

/**
 * P(X(t) = n) for a newly acquired customer, as S(t)·NB(n; t) + ∫₀ᵗ f(τ)·NB(n; τ) dτ over the
 * Pareto (Lomax) lifetime τ: after the substitution w = ln(1 + τ/β) the integrand
 * s·e^{−sw}·NB(n; β(e^w − 1)) is smooth, integrated by composite Gauss–Legendre. This avoids the cancellation in
 * the closed form's difference of 2F1 sums (Fader, Hardie & Lee 2006 note).
 */
export function paretoNbdProbabilityOfPurchases(
  params: ParetoNbdParams,
  n: number,
  t: number,
): number {
  assertPositiveParams(NAME, { r: params.r, alpha: params.alpha, s: params.s, beta: params.beta });
  assertCount(n);
  assertHorizon(t);
  const { r, alpha, s, beta } = params;
  const logHorizon = Math.log1p(t / beta);
  const survival = Math.exp(-s * logHorizon);
  // w = ln(1 + τ/β): the Lomax density becomes s·e^{−sw} and NB(n; τ) varies smoothly in w.
  const dead = integrate(
    (w) => s * Math.exp(-s * w + logNbdPmf(n, r, alpha, beta * Math.expm1(w))),
    0,
    logHorizon,
    64,
  );
  return Math.min(1, Math.max(0, survival * Math.exp(logNbdPmf(n, r, alpha, t)) + dead));
}

/** Internal, unchecked versions for the vectorised scorer. */
export const paretoNbdInternals = { probabilityAlive, conditionalExpected };
