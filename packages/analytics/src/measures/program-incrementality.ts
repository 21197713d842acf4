/**
 * Program incrementality: does the loyalty program change behaviour, or does it pay customers
 * for what they would have done anyway ("bribery is not loyalty", 顾客贿赂)? Compare an outcome
 * per customer (revenue in minor units, visits, …) over the same period between program
 * members and a randomly held-out control group.
 *
 * - lift = mean(members) − mean(holdout); relative lift = lift / mean(holdout).
 * - Welch's unequal-variance t test (Welch 1947): SE = √(s²_m/n_m + s²_h/n_h), degrees of
 *   freedom by Welch–Satterthwaite, two-sided p-value and a t-based confidence interval.
 * - incremental revenue = lift × number of members (and its interval), net of the program cost
 *   when given, and the return on that cost.
 *
 * The test is only as good as the holdout: it must be assigned at random before the period
 * (self-selected non-members are not a control group). When both groups have zero variance
 * the standard error is 0: t, p and degrees of freedom are null and the interval is [lift,
 * lift].
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import {
  mean,
  sampleVariance,
  studentTQuantile,
  studentTTwoSidedPValue,
  type ConfidenceInterval,
} from './statistics.ts';

export interface IncrementalityOptions {
  /** Default 0.95. */
  readonly confidenceLevel?: number;
  /** Total program cost over the period, same unit as the outcomes (minor units). */
  readonly programCost?: number;
}

export interface GroupSummary {
  readonly n: number;
  readonly mean: number;
  readonly standardDeviation: number;
}

export interface ProgramIncrementality {
  readonly members: GroupSummary;
  readonly holdout: GroupSummary;
  /** Mean difference per customer, members − holdout. */
  readonly lift: number;
  /** lift / holdout mean; null when the holdout mean is 0. */
  readonly relativeLift: number | null;
  readonly standardError: number;
  /** Welch–Satterthwaite; null when the standard error is 0. */
  readonly degreesOfFreedom: number | null;
  readonly tStatistic: number | null;
  /** Two-sided. */
  readonly pValue: number | null;
  /** p < 1 − confidenceLevel. */
  readonly significant: boolean;
  readonly confidenceInterval: ConfidenceInterval;
  /** lift × members.n */
  readonly incrementalRevenue: number;
  readonly incrementalRevenueInterval: ConfidenceInterval;
  /** Present when programCost was given. */
  readonly programCost: number | null;
  readonly netIncrementalRevenue: number | null;
  /** netIncrementalRevenue / programCost; null without a positive cost. */
  readonly returnOnProgramCost: number | null;
}

function summarise(values: readonly number[]): GroupSummary {
  return {
    n: values.length,
    mean: mean(values) ?? 0,
    standardDeviation: Math.sqrt(sampleVariance(values) ?? 0),
  };
}

/**
 * Lift of members over a holdout group with Welch's t test and incremental revenue.
 *
 * @example
 * const r = measureProgramIncrementality([120, 135, 150, 110], [100, 118, 95, 107], {
 *   programCost: 40,
 * });
 * // r.ok: lift 23.75 per member (+22.6%), Welch t = 2.36 on 4.76 df, p = 0.067 (not
 * // significant), 95% CI [−2.53, 50.03]; incremental revenue 95, net of cost 55
 */
export function measureProgramIncrementality(
  members: readonly number[],
  holdout: readonly number[],
  options: IncrementalityOptions = {},
): MeasureResult<ProgramIncrementality> {
  const level = options.confidenceLevel ?? 0.95;
  if (!(level > 0 && level < 1))
    return fail(
      'invalid-option',
      'confidenceLevel must be between 0 and 1',
      'options.confidenceLevel',
    );
  if (options.programCost !== undefined && !Number.isFinite(options.programCost))
    return fail('invalid-option', 'programCost must be finite', 'options.programCost');
  for (const [name, values] of [
    ['members', members],
    ['holdout', holdout],
  ] as const) {
    if (values.length < 2)
      return fail('insufficient-data', `${name} needs at least 2 customers`, name);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      return fail('invalid-input', 'outcomes must be finite numbers', `${name}[${bad}]`);
  }
  const m = summarise(members);
  const h = summarise(holdout);
  const vm = m.standardDeviation ** 2 / m.n;
  const vh = h.standardDeviation ** 2 / h.n;
  const standardError = Math.sqrt(vm + vh);
  const lift = m.mean - h.mean;
  let degreesOfFreedom: number | null = null;
  let tStatistic: number | null = null;
  let pValue: number | null = null;
  let halfWidth = 0;
  if (standardError > 0) {
    degreesOfFreedom = (vm + vh) ** 2 / (vm ** 2 / (m.n - 1) + vh ** 2 / (h.n - 1));
    tStatistic = lift / standardError;
    pValue = studentTTwoSidedPValue(tStatistic, degreesOfFreedom);
    halfWidth = studentTQuantile(1 - (1 - level) / 2, degreesOfFreedom) * standardError;
  }
  const confidenceInterval = { level, lower: lift - halfWidth, upper: lift + halfWidth };
  const incrementalRevenue = lift * m.n;
  const cost = options.programCost ?? null;
  const net = cost === null ? null : incrementalRevenue - cost;
  return ok({
    members: m,
    holdout: h,
    lift,
    relativeLift: h.mean !== 0 ? lift / h.mean : null,
    standardError,
    degreesOfFreedom,
    tStatistic,
    pValue,
    significant: pValue !== null && pValue < 1 - level,
    confidenceInterval,
    incrementalRevenue,
    incrementalRevenueInterval: {
      level,
      lower: confidenceInterval.lower * m.n,
      upper: confidenceInterval.upper * m.n,
    },
    programCost: cost,
    netIncrementalRevenue: net,
    returnOnProgramCost: cost !== null && cost > 0 && net !== null ? net / cost : null,
  });
}
