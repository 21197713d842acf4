import {
  fitBgNbd,
  isoMonthFromIndex,
  monthIndexFromDay,
  fitGammaGamma,
  measureRevenueConcentration,
  scoreCustomers,
  scoreRfm,
  summariseRfmGrid,
  summarizeTransactions,
  trackingCurve,
  type CustomerPurchaseSummary,
} from '@fidelis/analytics';
import type { ScoreRunWarning, ScoreRunWarningCode } from '@fidelis/contracts';

/** Purchases as columns: row i is customer `customers[customerIndex[i]]` on `day[i]`. */
export interface PurchaseColumnsInput {
  readonly customers: readonly string[];
  readonly customerIndex: Int32Array;
  /** UTC day numbers (days since 1970-01-01). */
  readonly day: Int32Array;
  /** Net amount in minor units, > 0. */
  readonly amount: Float64Array;
}

export interface ScoringOptions {
  /** Last day of history used, inclusive (day number). */
  readonly asOf: number;
  readonly horizonWeeks: number;
  readonly annualDiscountRate: number;
  readonly margin: number;
}

export interface FittedModel {
  readonly params: Record<string, number>;
  readonly logLikelihood: number;
  readonly standardErrors: Record<string, number> | null;
  readonly customers: number;
  readonly converged: boolean;
}

/** Per-customer columns, in the order of `customerIds`. Model columns are NaN without a model. */
export interface PopulationScores {
  readonly customerIds: string[];
  /** Index of each scored customer in the input's `customers`. */
  readonly customerCode: Int32Array;
  /** `segment` as indexes into `segmentNames` (cheap to pass between threads). */
  readonly segmentCode: Uint8Array;
  readonly segmentNames: string[];
  readonly recencyScore: Uint8Array;
  readonly frequencyScore: Uint8Array;
  readonly monetaryScore: Uint8Array;
  readonly segment: string[];
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly purchases: Int32Array;
  readonly totalSpend: Float64Array;
  readonly monetary: Float64Array;
  readonly lastDay: Int32Array;
  readonly pAlive: Float64Array;
  readonly expectedPurchases: Float64Array;
  readonly expectedSpend: Float64Array;
  readonly clv: Float64Array;
  readonly valueAtRisk: Float64Array;
}

export interface TrackingWeek {
  readonly week: number;
  readonly endDay: number;
  readonly actual: number;
  readonly predicted: number;
}

export interface RfmGridSummary {
  readonly cells: {
    recencyScore: number;
    frequencyMonetaryScore: number;
    segment: string;
    customers: number;
    revenue: number;
  }[];
  readonly segments: {
    segment: string;
    customers: number;
    revenue: number;
    averageClv: number | null;
  }[];
}

export interface PopulationSummary {
  readonly customers: number;
  readonly rfmGrid: RfmGridSummary;
  readonly purchases: number;
  readonly bgnbd: FittedModel | null;
  readonly gammagamma: FittedModel | null;
  readonly cohorts: {
    readonly cohorts: { cohort: string; size: number; rates: (number | null)[] }[];
    readonly averageRates: (number | null)[];
  };
  readonly concentration: {
    readonly gini: number | null;
    readonly top20RevenueShare: number | null;
    readonly customerShareFor80PercentRevenue: number | null;
    readonly curve: { customerShare: number; revenueShare: number }[];
  };
  readonly tracking: TrackingWeek[];
  readonly warnings: RunWarning[];
  readonly durationsMs: Record<string, number>;
}

export interface PopulationResult {
  readonly scores: PopulationScores;
  readonly summary: PopulationSummary;
}

/** A warning this code writes: always one of the known codes. */
export type RunWarning = ScoreRunWarning & { readonly code: ScoreRunWarningCode };

// Each code's English sentence, the text of the API's `warnings` (integrators may match these
// words: keep them). Migration 0401 maps stored sentences back to codes by these beginnings.
const warningSentences: Record<ScoreRunWarningCode, string> = {
  bgnbd_not_fitted: 'BG/NBD not fitted',
  bgnbd_not_converged: 'BG/NBD fit did not converge',
  gamma_gamma_not_fitted: 'Gamma-Gamma not fitted',
  customers_not_scored: 'Customers not scored',
  no_tracking_curve: 'No tracking curve',
  no_concentration: 'No concentration',
};

/** A run warning with its English sentence; `detail` is the model's own reason. */
function runWarning(code: ScoreRunWarningCode, detail?: string): RunWarning {
  const sentence = warningSentences[code];
  return detail === undefined
    ? { code, message: sentence }
    : { code, message: `${sentence}: ${detail}`, detail };
}

/** Why a population cannot be scored at all (no purchases up to asOf). */
export class ScoringInputError extends Error {
  constructor(
    readonly code: 'EMPTY_INPUT' | 'INVALID_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'ScoringInputError';
  }
}

/** Churn risk band of a P(alive). */
export function churnRiskOf(pAlive: number): 'low' | 'medium' | 'high' | null {
  if (!Number.isFinite(pAlive)) return null;
  const risk = 1 - pAlive;
  return risk < 0.3 ? 'low' : risk < 0.7 ? 'medium' : 'high';
}

/** Weekly discount rate equivalent to a yearly one (52 weeks a year). */
export function weeklyRate(annual: number): number {
  return Math.pow(1 + annual, 1 / 52) - 1;
}

function fitted(fit: {
  params: object;
  logLikelihood: number;
  standardErrors: object | null;
  customers: number;
  converged: boolean;
}): FittedModel {
  return {
    params: { ...(fit.params as Record<string, number>) },
    logLikelihood: fit.logLikelihood,
    standardErrors: fit.standardErrors
      ? { ...(fit.standardErrors as Record<string, number>) }
      : null,
    customers: fit.customers,
    converged: fit.converged,
  };
}

/**
 * Scores every customer with a purchase up to `asOf`: RFM (5 bins, named segments), BG/NBD
 * P(alive) and expected purchases over the horizon, Gamma-Gamma expected spend, discounted CLV,
 * value at risk; plus monthly cohort retention, revenue concentration and the weekly tracking
 * curve of the BG/NBD fit. Pure: no I/O. When nobody has bought twice the models cannot be
 * fitted: RFM is still computed, model columns are NaN and `warnings` says why.
 */
export function scorePopulation(
  input: PurchaseColumnsInput,
  options: ScoringOptions,
): PopulationResult {
  const durationsMs: Record<string, number> = {};
  const warnings: RunWarning[] = [];
  let clock = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    durationsMs[name] = Math.round(now - clock);
    clock = now;
  };
  const { asOf } = options;
  const rows = input.day.length;
  const customerCount = input.customers.length;

  // Per-customer aggregates up to asOf: purchases, spend, first and last day.
  const purchases = new Int32Array(customerCount);
  const spend = new Float64Array(customerCount);
  const first = new Int32Array(customerCount).fill(2 ** 31 - 1);
  const last = new Int32Array(customerCount).fill(-(2 ** 31));
  let used = 0;
  for (let i = 0; i < rows; i++) {
    const d = input.day[i] ?? 0;
    if (d > asOf) continue;
    const c = input.customerIndex[i] ?? 0;
    purchases[c] = (purchases[c] ?? 0) + 1;
    spend[c] = (spend[c] ?? 0) + (input.amount[i] ?? 0);
    if (d < (first[c] ?? 0)) first[c] = d;
    if (d > (last[c] ?? 0)) last[c] = d;
    used++;
  }
  if (used === 0) throw new ScoringInputError('EMPTY_INPUT', 'No purchases up to the as-of day.');
  lap('aggregate');

  // Model inputs: integer customer codes keep the summary on its fast path.
  const codes = new Int32Array(used);
  const days = new Int32Array(used);
  const amounts = new Float64Array(used);
  for (let i = 0, k = 0; i < rows; i++) {
    const d = input.day[i] ?? 0;
    if (d > asOf) continue;
    codes[k] = input.customerIndex[i] ?? 0;
    days[k] = d;
    amounts[k] = input.amount[i] ?? 0;
    k++;
  }
  const summaryResult = summarizeTransactions(
    { customerId: codes, day: days, amount: amounts },
    { calibrationEnd: asOf, period: 'week' },
  );
  if (!summaryResult.ok) throw new ScoringInputError('INVALID_INPUT', summaryResult.error.message);
  const summary = summaryResult.value;
  const n = summary.customerIds.length;
  lap('summary');

  const code = Int32Array.from(summary.customerIds as ArrayLike<number>);
  const customerIds = Array.from(code, (c) => input.customers[c] ?? '');

  // RFM.
  const rfmInput: CustomerPurchaseSummary[] = new Array<CustomerPurchaseSummary>(n);
  for (let i = 0; i < n; i++) {
    const c = code[i] ?? 0;
    rfmInput[i] = {
      // Codes, not ids: unique, and the worker thread does not receive the ids.
      customerId: String(c),
      lastPurchase: last[c] ?? asOf,
      purchaseCount: purchases[c] ?? 1,
      totalSpend: spend[c] ?? 0,
    };
  }
  const rfm = scoreRfm(rfmInput, { asOf });
  if (!rfm.ok) throw new ScoringInputError('INVALID_INPUT', rfm.error.message);
  const grid = summariseRfmGrid(rfm.value);
  const segmentNames: string[] = [];
  const segmentIndex = new Map<string, number>();
  const segmentCode = new Uint8Array(n);
  const recencyScore = new Uint8Array(n);
  const frequencyScore = new Uint8Array(n);
  const monetaryScore = new Uint8Array(n);
  const segment = new Array<string>(n);
  rfm.value.customers.forEach((score, i) => {
    recencyScore[i] = score.recencyScore;
    frequencyScore[i] = score.frequencyScore;
    monetaryScore[i] = score.monetaryScore;
    segment[i] = score.segment;
    let k = segmentIndex.get(score.segment);
    if (k === undefined) {
      k = segmentNames.length;
      segmentIndex.set(score.segment, k);
      segmentNames.push(score.segment);
    }
    segmentCode[i] = k;
  });
  lap('rfm');

  // Models.
  const pAlive = new Float64Array(n).fill(NaN);
  const expectedPurchases = new Float64Array(n).fill(NaN);
  const expectedSpend = new Float64Array(n).fill(NaN);
  const clv = new Float64Array(n).fill(NaN);
  const valueAtRisk = new Float64Array(n).fill(NaN);
  let bgnbd: FittedModel | null = null;
  let gammagamma: FittedModel | null = null;
  let tracking: TrackingWeek[] = [];
  const bgFit = fitBgNbd(summary);
  lap('fitBgNbd');
  if (!bgFit.ok) {
    warnings.push(runWarning('bgnbd_not_fitted', bgFit.error.message));
  } else {
    bgnbd = fitted(bgFit.value);
    if (!bgFit.value.converged) warnings.push(runWarning('bgnbd_not_converged'));
    // Repeat buyers whose repeat purchases were all free have no spend to fit; their expected
    // spend is the population's (Gamma-Gamma with x repeat purchases of mean 0).
    const ggFit = fitGammaGamma(summary, { excludeNonPositiveSpend: true });
    lap('fitGammaGamma');
    if (!ggFit.ok) {
      warnings.push(runWarning('gamma_gamma_not_fitted', ggFit.error.message));
    } else {
      gammagamma = fitted(ggFit.value);
      const scored = scoreCustomers(summary, {
        countModel: bgFit.value,
        spendModel: ggFit.value,
        horizon: options.horizonWeeks,
        margin: options.margin,
        discountRate: weeklyRate(options.annualDiscountRate),
        steps: Math.min(52, Math.max(1, Math.ceil(options.horizonWeeks / 4))),
      });
      if (!scored.ok) {
        warnings.push(runWarning('customers_not_scored', scored.error.message));
      } else {
        const s = scored.value;
        for (let i = 0; i < n; i++) {
          const p = s.probabilityAlive[i] ?? NaN;
          const value = s.clv[i] ?? NaN;
          pAlive[i] = p;
          expectedPurchases[i] = s.expectedPurchases[i] ?? NaN;
          expectedSpend[i] = s.expectedSpend[i] ?? NaN;
          clv[i] = value;
          valueAtRisk[i] = p > 1e-12 ? ((1 - p) * value) / p : 0;
        }
      }
      lap('scoreCustomers');
    }
    const curve = trackingCurve(summary, bgFit.value);
    if (curve.ok) {
      tracking = curve.value.map((point) => ({
        week: point.period,
        endDay: point.endDay,
        actual: point.actualCumulative,
        predicted: point.expectedCumulative,
      }));
    } else warnings.push(runWarning('no_tracking_curve', curve.error.message));
    lap('tracking');
  }

  const clvBySegment = new Map<string, { sum: number; count: number }>();
  for (let i = 0; i < n; i++) {
    const value = clv[i] ?? NaN;
    if (!Number.isFinite(value)) continue;
    const key = segment[i] ?? '';
    const entry = clvBySegment.get(key) ?? { sum: 0, count: 0 };
    entry.sum += value;
    entry.count++;
    clvBySegment.set(key, entry);
  }
  const rfmGrid: RfmGridSummary = {
    cells: grid.cells.map((cell) => ({ ...cell, revenue: Math.round(cell.revenue) })),
    segments: grid.segments.map((s) => {
      const clvs = clvBySegment.get(s.segment);
      return {
        segment: s.segment,
        customers: s.customers,
        revenue: Math.round(s.revenue),
        averageClv: clvs && clvs.count > 0 ? clvs.sum / clvs.count : null,
      };
    }),
  };

  const cohorts = monthlyCohorts(input, asOf, first);
  lap('cohorts');

  const concentrationResult = measureRevenueConcentration(
    Array.from(code, (c) => ({ customerId: String(c), revenue: spend[c] ?? 0 })),
    { curvePoints: 100 },
  );
  const concentration = concentrationResult.ok
    ? {
        gini: concentrationResult.value.gini,
        top20RevenueShare: concentrationResult.value.top20RevenueShare,
        customerShareFor80PercentRevenue:
          concentrationResult.value.customerShareFor80PercentRevenue,
        curve: concentrationResult.value.pareto.map((point) => ({
          customerShare: point.customerShare,
          revenueShare: point.revenueShare,
        })),
      }
    : { gini: null, top20RevenueShare: null, customerShareFor80PercentRevenue: null, curve: [] };
  if (!concentrationResult.ok)
    warnings.push(runWarning('no_concentration', concentrationResult.error.message));
  lap('concentration');

  const lastDay = new Int32Array(n);
  const totalSpend = new Float64Array(n);
  const purchaseCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = code[i] ?? 0;
    lastDay[i] = last[c] ?? asOf;
    totalSpend[i] = spend[c] ?? 0;
    purchaseCount[i] = purchases[c] ?? 0;
  }

  return {
    scores: {
      customerIds,
      customerCode: code,
      segmentCode,
      segmentNames,
      recencyScore,
      frequencyScore,
      monetaryScore,
      segment,
      x: Float64Array.from(summary.x),
      tx: Float64Array.from(summary.tx),
      T: Float64Array.from(summary.T),
      purchases: purchaseCount,
      totalSpend,
      monetary: Float64Array.from(summary.monetary),
      lastDay,
      pAlive,
      expectedPurchases,
      expectedSpend,
      clv,
      valueAtRisk,
    },
    summary: {
      customers: n,
      rfmGrid,
      purchases: used,
      bgnbd,
      gammagamma,
      cohorts,
      concentration,
      tracking,
      warnings,
      durationsMs,
    },
  };
}

/**
 * Monthly cohort retention with the semantics of `buildCohortRetention` (@fidelis/analytics):
 * cohort = month of the first purchase, cell k = members with a purchase in month cohort + k,
 * null where k is after the month of asOf; average rates weighted by cohort size. Typed arrays
 * instead of one object per purchase, so ten million purchases fit in memory.
 */
export function monthlyCohorts(
  input: PurchaseColumnsInput,
  asOf: number,
  firstDay: Int32Array,
): PopulationSummary['cohorts'] {
  const customerCount = input.customers.length;
  const asOfMonth = monthIndexFromDay(asOf);
  const cohortOf = new Int32Array(customerCount).fill(-1);
  let minMonth = asOfMonth;
  for (let c = 0; c < customerCount; c++) {
    const first = firstDay[c] ?? 0;
    if (first > asOf) continue;
    const month = monthIndexFromDay(first);
    cohortOf[c] = month;
    if (month < minMonth) minMonth = month;
  }
  const width = asOfMonth - minMonth + 1;
  const size = new Float64Array(width);
  for (let c = 0; c < customerCount; c++) {
    const month = cohortOf[c] ?? -1;
    if (month >= 0) size[month - minMonth] = (size[month - minMonth] ?? 0) + 1;
  }
  // Distinct (customer, month offset) pairs: a bit per pair, per customer a row of `width` bits.
  const words = Math.ceil(width / 32);
  const seen = new Uint32Array(customerCount * words);
  const active = new Float64Array(width * width);
  // Month index of each day, cached per distinct day.
  const monthCache = new Map<number, number>();
  const rows = input.day.length;
  for (let i = 0; i < rows; i++) {
    const d = input.day[i] ?? 0;
    if (d > asOf) continue;
    const c = input.customerIndex[i] ?? 0;
    const cohort = cohortOf[c] ?? -1;
    if (cohort < 0) continue;
    let month = monthCache.get(d);
    if (month === undefined) {
      month = monthIndexFromDay(d);
      monthCache.set(d, month);
    }
    const k = month - cohort;
    const word = c * words + (k >>> 5);
    const bit = 1 << (k & 31);
    if (((seen[word] ?? 0) & bit) !== 0) continue;
    seen[word] = (seen[word] ?? 0) | bit;
    const row = cohort - minMonth;
    active[row * width + k] = (active[row * width + k] ?? 0) + 1;
  }
  const cohorts: { cohort: string; size: number; rates: (number | null)[] }[] = [];
  const sumActive = new Float64Array(width);
  const sumSize = new Float64Array(width);
  for (let row = 0; row < width; row++) {
    const n = size[row] ?? 0;
    if (n === 0) continue;
    const observable = width - 1 - row;
    const rates: (number | null)[] = [];
    for (let k = 0; k < width; k++) {
      if (k > observable) {
        rates.push(null);
        continue;
      }
      const a = active[row * width + k] ?? 0;
      rates.push(a / n);
      sumActive[k] = (sumActive[k] ?? 0) + a;
      sumSize[k] = (sumSize[k] ?? 0) + n;
    }
    cohorts.push({ cohort: isoMonthFromIndex(minMonth + row), size: n, rates });
  }
  const maxOffset = cohorts.length > 0 ? width : 0;
  const averageRates: (number | null)[] = [];
  for (let k = 0; k < maxOffset; k++) {
    const n = sumSize[k] ?? 0;
    averageRates.push(n > 0 ? (sumActive[k] ?? 0) / n : null);
  }
  return { cohorts, averageRates };
}
