import { AnalyticsError, fail, ok, type Result } from './errors.ts';
import { maximizeOnLogScale, type FitDiagnostics, type FitOptions } from './maximum-likelihood.ts';
import { assertPositiveParams } from './model-params.ts';
import { digamma, lgamma } from './special-functions.ts';

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013 note): each transaction
 * value ~ Gamma(p, ν), ν ~ Gamma(q, γ) across customers; independent of the purchase process.
 * `v` is γ.
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

export interface GammaGammaModel {
  readonly model: 'gamma-gamma';
  readonly params: GammaGammaParams;
}

export type GammaGammaFit = GammaGammaModel &
  FitDiagnostics<GammaGammaParams> & {
    /** Repeat buyers left out because their mean spend is ≤ 0 (with `excludeNonPositiveSpend`). */
    readonly excludedCustomers: number;
  };

export interface GammaGammaFitOptions extends FitOptions {
  /**
   * Leave out repeat buyers whose mean repeat spend is ≤ 0 (free goods, full refunds) instead of
   * failing with NON_POSITIVE_AMOUNT. Default false: the caller decides.
   */
  readonly excludeNonPositiveSpend?: boolean;
}

/** Repeat purchases x and mean repeat spend per customer (a `TransactionSummary` is one). */
export interface SpendHistories {
  readonly x: ArrayLike<number>;
  readonly monetary: ArrayLike<number>;
  readonly weight?: ArrayLike<number>;
}

const NAME = 'Gamma-Gamma';

interface SpendRows {
  readonly x: Float64Array;
  readonly mean: Float64Array;
  readonly logMean: Float64Array;
  readonly xValues: Float64Array;
  readonly rowX: Int32Array;
  readonly weight: Float64Array;
  readonly total: number;
  readonly excluded: number;
}

// Keeps repeat buyers only (x > 0) and merges identical (x, mean spend) pairs.
function spendRows(data: SpendHistories, excludeNonPositive = false): Result<SpendRows> {
  const n = data.x.length;
  if (data.monetary.length !== n || (data.weight && data.weight.length !== n)) {
    return fail('LENGTH_MISMATCH', 'x, monetary (and weight) must have the same length');
  }
  if (n === 0) return fail('EMPTY_INPUT', 'No customers');
  const index = new Map<number, Map<number, number>>();
  const xs: number[] = [];
  const means: number[] = [];
  const weights: number[] = [];
  let total = 0;
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    const x = data.x[i] ?? NaN;
    const m = data.monetary[i] ?? NaN;
    const w = data.weight ? (data.weight[i] ?? NaN) : 1;
    if (!Number.isInteger(x) || x < 0) {
      return fail('INVALID_HISTORY', `Customer ${i}: x = ${x} must be an integer ≥ 0`);
    }
    if (!Number.isFinite(w) || w < 0) {
      return fail('INVALID_HISTORY', `Customer ${i}: weight ${w} must be finite and ≥ 0`);
    }
    if (x === 0 || w === 0) continue;
    if (!Number.isFinite(m)) return fail('INVALID_AMOUNT', `Customer ${i}: mean spend ${m}`);
    if (m <= 0 && excludeNonPositive) {
      excluded += w;
      continue;
    }
    if (m <= 0) {
      return fail(
        'NON_POSITIVE_AMOUNT',
        `Customer ${i}: mean repeat spend ${m} must be > 0 for the Gamma-Gamma model`,
      );
    }
    let byMean = index.get(x);
    if (byMean === undefined) {
      byMean = new Map();
      index.set(x, byMean);
    }
    let row = byMean.get(m);
    if (row === undefined) {
      row = xs.length;
      byMean.set(m, row);
      xs.push(x);
      means.push(m);
      weights.push(0);
    }
    weights[row] = (weights[row] ?? 0) + w;
    total += w;
  }
  if (total === 0) {
    return fail(
      'NO_REPEAT_BUYERS',
      'Gamma-Gamma needs customers with at least one repeat purchase',
    );
  }
  const xIndex = new Map<number, number>();
  const rowX = new Int32Array(xs.length);
  xs.forEach((x, i) => {
    let k = xIndex.get(x);
    if (k === undefined) {
      k = xIndex.size;
      xIndex.set(x, k);
    }
    rowX[i] = k;
  });
  return ok({
    x: Float64Array.from(xs),
    mean: Float64Array.from(means),
    logMean: Float64Array.from(means, (m) => Math.log(m)),
    xValues: Float64Array.from(xIndex.keys()),
    rowX,
    weight: Float64Array.from(weights),
    total,
    excluded,
  });
}

// ln Γ(px+q) − ln Γ(px) and ln x depend on x only: computed once per distinct x.
function logLikelihood(params: GammaGammaParams, rows: SpendRows, gradient?: Float64Array): number {
  const { p, q, v } = params;
  const base = q * Math.log(v) - lgamma(q);
  const { xValues, rowX, logMean } = rows;
  const perX = new Float64Array(xValues.length);
  const dPerXp = new Float64Array(xValues.length);
  const dPerXq = new Float64Array(xValues.length);
  const withGradient = gradient !== undefined;
  for (let k = 0; k < xValues.length; k++) {
    const x = xValues[k] ?? 1;
    const px = p * x;
    perX[k] = lgamma(px + q) - lgamma(px) + px * Math.log(x);
    if (withGradient) {
      const psiTotal = digamma(px + q);
      dPerXp[k] = x * (psiTotal - digamma(px) + Math.log(x));
      dPerXq[k] = psiTotal;
    }
  }
  const logV = Math.log(v);
  const psiQ = withGradient ? digamma(q) : 0;
  let total = 0;
  let gP = 0;
  let gQ = 0;
  let gV = 0;
  for (let i = 0; i < rows.x.length; i++) {
    const k = rowX[i] ?? 0;
    const x = rows.x[i] ?? 0;
    const lm = logMean[i] ?? 0;
    const w = rows.weight[i] ?? 0;
    const px = p * x;
    const denominator = v + x * (rows.mean[i] ?? 0);
    const logDenominator = Math.log(denominator);
    total += w * ((perX[k] ?? 0) + base + (px - 1) * lm - (px + q) * logDenominator);
    if (withGradient) {
      gP += w * ((dPerXp[k] ?? 0) + x * (lm - logDenominator));
      gQ += w * ((dPerXq[k] ?? 0) - psiQ + logV - logDenominator);
      gV += w * (q / v - (px + q) / denominator);
    }
  }
  if (gradient !== undefined) {
    gradient[0] = gP;
    gradient[1] = gQ;
    gradient[2] = gV;
  }
  return total;
}

/** Full log-likelihood of the mean repeat spends of the repeat buyers (density of z̄). */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  data: SpendHistories,
): Result<number> {
  assertPositiveParams(NAME, { p: params.p, q: params.q, v: params.v });
  const rows = spendRows(data);
  if (!rows.ok) return rows;
  return ok(logLikelihood(params, rows.value));
}

/**
 * Fits Gamma-Gamma on the repeat buyers (x > 0). Fails with NO_REPEAT_BUYERS when there are none
 * and NON_POSITIVE_AMOUNT when a repeat buyer's mean spend is ≤ 0 (unless
 * `excludeNonPositiveSpend`).
 *
 * @example
 * const fit = fitGammaGamma({ x: [2, 1, 0, 5], monetary: [22.35, 11.77, 0, 29.44] });
 * if (fit.ok) gammaGammaConditionalExpectedSpend(fit.value.params, 2, 22.35);
 */
export function fitGammaGamma(
  data: SpendHistories,
  options: GammaGammaFitOptions = {},
): Result<GammaGammaFit> {
  const rows = spendRows(data, options.excludeNonPositiveSpend ?? false);
  if (!rows.ok) return rows;
  let sum = 0;
  for (let i = 0; i < rows.value.x.length; i++) {
    sum += (rows.value.weight[i] ?? 0) * (rows.value.mean[i] ?? 0);
  }
  const meanSpend = sum / rows.value.total;
  // Start at p = 1, q = 2: the population mean pγ/(q−1) then equals the observed mean.
  const params = (theta: Float64Array): GammaGammaParams => ({
    p: theta[0] ?? 1,
    q: theta[1] ?? 1,
    v: theta[2] ?? 1,
  });
  const fit = maximizeOnLogScale(
    (theta) => logLikelihood(params(theta), rows.value),
    [1, 2, meanSpend],
    options,
    (theta, gradient) => logLikelihood(params(theta), rows.value, gradient),
  );
  const [p = 1, q = 1, v = 1] = fit.values;
  const se = fit.standardErrors;
  return ok({
    model: 'gamma-gamma',
    params: { p, q, v },
    logLikelihood: fit.logLikelihood,
    standardErrors: se ? { p: se[0] ?? 0, q: se[1] ?? 0, v: se[2] ?? 0 } : null,
    converged: fit.converged,
    evaluations: fit.evaluations,
    customers: rows.value.total,
    excludedCustomers: rows.value.excluded,
  });
}

/**
 * E[M | x, z̄] = p(γ + x z̄)/(px + q − 1): a weighted mean of the population mean pγ/(q−1) and the
 * customer's own mean. For x = 0 it is the population mean, which needs q > 1
 * (INVALID_PARAMETER otherwise, because the mean spend is then infinite).
 *
 * @example
 * gammaGammaConditionalExpectedSpend({ p: 6.25, q: 3.74, v: 15.44 }, 2, 22.35); // ≈ 24.66
 */
export function gammaGammaConditionalExpectedSpend(
  params: GammaGammaParams,
  x: number,
  meanSpend: number,
): number {
  assertPositiveParams(NAME, { p: params.p, q: params.q, v: params.v });
  if (!(Number.isInteger(x) && x >= 0) || !(Number.isFinite(meanSpend) && meanSpend >= 0)) {
    throw new AnalyticsError('INVALID_ARGUMENT', `Need integer x ≥ 0 and mean spend ≥ 0`);
  }
  const { p, q, v } = params;
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) {
    throw new AnalyticsError(
      'INVALID_PARAMETER',
      `${NAME}: q = ${q} ≤ 1 gives an infinite mean spend`,
    );
  }
  return (p * (v + (x > 0 ? x * meanSpend : 0))) / denominator;
}
