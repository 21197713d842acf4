import { rowKernels, type CountModel } from './count-model.ts';
import { uniqueHistories } from './customer-histories.ts';
import { AnalyticsError, fail, ok, type Result } from './errors.ts';
import { daysPerPeriod, type TransactionSummary } from './transaction-summary.ts';

/** One group of the holdout comparison: customers with the same calibration frequency. */
export interface HoldoutGroup {
  /** Calibration repeat purchases x; the last group holds x ≥ this value. */
  readonly frequency: number;
  /** '0', '1', …, '7+'. */
  readonly label: string;
  readonly customers: number;
  readonly actualMean: number;
  readonly predictedMean: number;
}

export interface HoldoutComparison {
  readonly groups: readonly HoldoutGroup[];
  readonly totalActual: number;
  readonly totalPredicted: number;
  readonly customers: number;
  /** Per customer, in summary order. */
  readonly predicted: Float64Array;
}

/**
 * Actual vs predicted repeat purchases in the holdout period, per customer, grouped by
 * calibration frequency (0, 1, …, `maxFrequency`+) as in Fader, Hardie & Lee (2005, fig. 4),
 * and in total. Fails with NO_HOLDOUT when the summary has no holdout period.
 *
 * @example
 * const summary = summarizeTransactions(
 *   { customerId: ['a', 'a', 'b'], day: [0, 20, 3], amount: [1, 1, 1] },
 *   { calibrationEnd: 27, observationEnd: 55, period: 'week' },
 * );
 * const bg = { model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } } as const;
 * if (summary.ok) compareHoldout(summary.value, bg); // groups '0' … '7+' with actual and predicted means
 */
export function compareHoldout(
  summary: TransactionSummary,
  model: CountModel,
  options: { readonly maxFrequency?: number } = {},
): Result<HoldoutComparison> {
  const maxFrequency = options.maxFrequency ?? 7;
  if (!(Number.isInteger(maxFrequency) && maxFrequency >= 0)) {
    return fail('INVALID_ARGUMENT', `maxFrequency ${maxFrequency} must be an integer ≥ 0`);
  }
  if (!(summary.holdoutDuration > 0)) {
    return fail(
      'NO_HOLDOUT',
      'The summary has no holdout period (observationEnd = calibrationEnd)',
    );
  }
  const unique = uniqueHistories(summary);
  if (!unique.ok) return unique;
  const rows = unique.value;
  let kernels;
  try {
    kernels = rowKernels(model);
  } catch (error) {
    if (error instanceof AnalyticsError) return { ok: false, error };
    throw error;
  }
  const rowPrediction = new Float64Array(rows.size);
  for (let i = 0; i < rows.size; i++) {
    const x = rows.x[i] ?? 0;
    const T = rows.T[i] ?? 0;
    rowPrediction[i] =
      kernels.alive(x, rows.tx[i] ?? 0, T) * kernels.whileAlive(summary.holdoutDuration, x, T);
  }
  const groups = maxFrequency + 1;
  const count = new Float64Array(groups);
  const actual = new Float64Array(groups);
  const predictedSum = new Float64Array(groups);
  const n = summary.x.length;
  const predicted = new Float64Array(n);
  let totalActual = 0;
  let totalPredicted = 0;
  for (let i = 0; i < n; i++) {
    const g = Math.min(maxFrequency, summary.x[i] ?? 0);
    const value = rowPrediction[rows.customerRow[i] ?? 0] ?? 0;
    const observed = summary.holdoutX[i] ?? 0;
    predicted[i] = value;
    count[g] = (count[g] ?? 0) + 1;
    actual[g] = (actual[g] ?? 0) + observed;
    predictedSum[g] = (predictedSum[g] ?? 0) + value;
    totalActual += observed;
    totalPredicted += value;
  }
  return ok({
    groups: Array.from({ length: groups }, (_, g) => {
      const customers = count[g] ?? 0;
      return {
        frequency: g,
        label: g === maxFrequency ? `${g}+` : String(g),
        customers,
        actualMean: customers > 0 ? (actual[g] ?? 0) / customers : 0,
        predictedMean: customers > 0 ? (predictedSum[g] ?? 0) / customers : 0,
      };
    }),
    totalActual,
    totalPredicted,
    customers: n,
    predicted,
  });
}

/** One point of the tracking curve, at the end of a period (a week for a weekly summary). */
export interface TrackingPoint {
  /** 1-based period number since the first purchase in the data. */
  readonly period: number;
  /** Last day (UTC day number) of the period, inclusive. */
  readonly endDay: number;
  readonly inCalibration: boolean;
  readonly actualCumulative: number;
  readonly expectedCumulative: number;
  readonly actualIncremental: number;
  readonly expectedIncremental: number;
}

/**
 * Cumulative repeat transactions of the whole cohort, actual vs model, per period from the first
 * purchase to the observation end (Fader, Hardie & Lee 2005, fig. 3): a data series a chart can
 * draw. The expectation sums E[X(t)] over customers grouped by their first purchase day.
 *
 * @example
 * // With `summary` and `bg` as in the compareHoldout example: one point per week.
 * if (summary.ok) trackingCurve(summary.value, bg); // [{ period: 1, actualCumulative, expectedCumulative, … }, …]
 */
export function trackingCurve(
  summary: TransactionSummary,
  model: CountModel,
): Result<readonly TrackingPoint[]> {
  let kernels;
  try {
    kernels = rowKernels(model);
  } catch (error) {
    if (error instanceof AnalyticsError) return { ok: false, error };
    throw error;
  }
  const unit = daysPerPeriod(summary.period);
  const { originDay, counts } = summary.dailyRepeats;
  // Customers per first purchase day.
  const cohorts = new Map<number, number>();
  for (const first of summary.firstDay) cohorts.set(first, (cohorts.get(first) ?? 0) + 1);
  const cohortDays = Float64Array.from(cohorts.keys());
  const cohortSizes = Float64Array.from(cohorts.values());
  const points: TrackingPoint[] = [];
  let actualCumulative = 0;
  let previousExpected = 0;
  let previousActual = 0;
  let day = originDay;
  const lastDay = summary.observationEnd;
  for (let period = 1; day <= lastDay; period++) {
    const endDay = Math.min(lastDay, originDay + period * unit - 1);
    for (; day <= endDay; day++) actualCumulative += counts[day - originDay] ?? 0;
    let expectedCumulative = 0;
    for (let c = 0; c < cohortDays.length; c++) {
      const age = (endDay - (cohortDays[c] ?? 0)) / unit;
      if (age > 0) expectedCumulative += (cohortSizes[c] ?? 0) * kernels.expectedNew(age);
    }
    points.push({
      period,
      endDay,
      inCalibration: endDay <= summary.calibrationEnd,
      actualCumulative,
      expectedCumulative,
      actualIncremental: actualCumulative - previousActual,
      expectedIncremental: expectedCumulative - previousExpected,
    });
    previousActual = actualCumulative;
    previousExpected = expectedCumulative;
  }
  return ok(points);
}
