import { rowKernels, type CountModel } from './count-model.ts';
import { uniqueHistories } from './customer-histories.ts';
import { AnalyticsError, fail, ok, type Result } from './errors.ts';
import type { GammaGammaModel } from './gamma-gamma.ts';

/** Histories to score: counts (x, t_x, T) and mean repeat spend; a `TransactionSummary` is one. */
export interface ScoringInput {
  readonly x: ArrayLike<number>;
  readonly tx: ArrayLike<number>;
  readonly T: ArrayLike<number>;
  readonly monetary: ArrayLike<number>;
}

/**
 * - 'discrete': the expected purchases of step k (of `steps` equal steps over the horizon) are
 *   discounted by (1 + discountRate)^−(end of step k), rate per time unit (lifetimes convention).
 * - 'continuous': by e^−(discountRate · midpoint of step k), a midpoint rule for
 *   ∫ e^−δt dE[Y(t)] that approaches the exact integral as `steps` grows.
 */
export type Discounting = 'discrete' | 'continuous';

export interface ClvOptions {
  readonly countModel: CountModel;
  readonly spendModel: GammaGammaModel;
  /** Horizon in the time unit of the histories (weeks for a weekly summary). */
  readonly horizon: number;
  /** Share of spend kept as margin; default 1 (CLV in revenue). */
  readonly margin?: number;
  /** Discount rate per time unit; default 0. */
  readonly discountRate?: number;
  /** Default 'discrete'. */
  readonly discounting?: Discounting;
  /** Discounting steps over the horizon; default ⌈horizon⌉ capped at 120 (1 when rate is 0). */
  readonly steps?: number;
}

/** Per-customer scores, in input order. */
export interface CustomerScores {
  readonly probabilityAlive: Float64Array;
  /** Expected purchases in (T, T + horizon]. */
  readonly expectedPurchases: Float64Array;
  /** Expected spend per future purchase (Gamma-Gamma conditional mean). */
  readonly expectedSpend: Float64Array;
  /** Discounted expected margin over the horizon. */
  readonly clv: Float64Array;
  /** Distinct (x, t_x, T) histories actually evaluated. */
  readonly uniqueHistories: number;
}

/**
 * Scores a whole customer base: P(alive), expected purchases over the horizon, expected spend
 * per purchase and CLV = margin · E[spend] · Σ_k ΔE[Y]_k · discount_k. Identical histories are
 * evaluated once. Fails with INVALID_ARGUMENT on a bad horizon, rate or margin, and with
 * INVALID_PARAMETER when q ≤ 1 makes the spend of customers without repeat purchases infinite.
 *
 * @example
 * const scores = scoreCustomers(
 *   { x: [2, 0], tx: [30.43, 0], T: [38.86, 38.86], monetary: [22.35, 0] },
 *   {
 *     countModel: { model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } },
 *     spendModel: { model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 } },
 *     horizon: 52,
 *     margin: 0.3,
 *     discountRate: 0.002,
 *   },
 * );
 * if (scores.ok) scores.value.clv; // Float64Array [≈ 10.98, ≈ 2.53]
 */
export function scoreCustomers(input: ScoringInput, options: ClvOptions): Result<CustomerScores> {
  const { horizon } = options;
  const margin = options.margin ?? 1;
  const rate = options.discountRate ?? 0;
  const discounting = options.discounting ?? 'discrete';
  if (!(Number.isFinite(horizon) && horizon >= 0)) {
    return fail('INVALID_ARGUMENT', `horizon ${horizon} must be finite and ≥ 0`);
  }
  if (!(Number.isFinite(margin) && margin >= 0)) {
    return fail('INVALID_ARGUMENT', `margin ${margin} must be finite and ≥ 0`);
  }
  if (!(Number.isFinite(rate) && rate > -1)) {
    return fail('INVALID_ARGUMENT', `discountRate ${rate} must be finite and > −1`);
  }
  const steps = options.steps ?? (rate === 0 ? 1 : Math.min(120, Math.max(1, Math.ceil(horizon))));
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= 100_000)) {
    return fail('INVALID_ARGUMENT', `steps ${steps} must be an integer in [1, 100000]`);
  }
  if (input.monetary.length !== input.x.length) {
    return fail('LENGTH_MISMATCH', 'monetary must have one entry per customer');
  }
  const unique = uniqueHistories(input);
  if (!unique.ok) return unique;
  const rows = unique.value;

  let kernels;
  try {
    kernels = rowKernels(options.countModel);
  } catch (error) {
    if (error instanceof AnalyticsError) return { ok: false, error };
    throw error;
  }
  const { p, q, v } = options.spendModel.params;
  if (!(p > 0 && q > 0 && v > 0 && Number.isFinite(p + q + v))) {
    return fail('INVALID_PARAMETER', 'Gamma-Gamma parameters must be finite and > 0');
  }

  // Discount weight of each step.
  const stepLength = horizon / steps;
  const discount = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    discount[k] =
      discounting === 'continuous'
        ? Math.exp(-rate * (k + 0.5) * stepLength)
        : Math.pow(1 + rate, -(k + 1) * stepLength);
  }

  const rowAlive = new Float64Array(rows.size);
  const rowExpected = new Float64Array(rows.size);
  const rowDiscounted = new Float64Array(rows.size);
  for (let i = 0; i < rows.size; i++) {
    const x = rows.x[i] ?? 0;
    const T = rows.T[i] ?? 0;
    const alive = kernels.alive(x, rows.tx[i] ?? 0, T);
    let previous = 0;
    let discounted = 0;
    for (let k = 0; k < steps; k++) {
      const cumulative = kernels.whileAlive((k + 1) * stepLength, x, T);
      discounted += (cumulative - previous) * (discount[k] ?? 0);
      previous = cumulative;
    }
    rowAlive[i] = alive;
    rowExpected[i] = alive * previous;
    rowDiscounted[i] = alive * discounted;
  }

  const n = input.x.length;
  const probabilityAlive = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  const expectedSpend = new Float64Array(n);
  const clv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows.customerRow[i] ?? 0;
    const x = input.x[i] ?? 0;
    const mean = input.monetary[i] ?? 0;
    if (x > 0 && !(Number.isFinite(mean) && mean >= 0)) {
      return fail('INVALID_AMOUNT', `Customer ${i}: mean repeat spend ${mean}`);
    }
    const denominator = p * x + q - 1;
    if (!(denominator > 0)) {
      return fail('INVALID_PARAMETER', `Gamma-Gamma q = ${q} ≤ 1 gives an infinite mean spend`);
    }
    const spend = (p * (v + (x > 0 ? x * mean : 0))) / denominator;
    probabilityAlive[i] = rowAlive[row] ?? 0;
    expectedPurchases[i] = rowExpected[row] ?? 0;
    expectedSpend[i] = spend;
    clv[i] = margin * spend * (rowDiscounted[row] ?? 0);
  }
  return ok({
    probabilityAlive,
    expectedPurchases,
    expectedSpend,
    clv,
    uniqueHistories: rows.size,
  });
}
