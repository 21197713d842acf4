/**
 * Buy-till-you-die customer-base models: turn raw purchases into (x, t_x, T) histories, fit
 * BG/NBD, MBG/NBD or Pareto/NBD (purchase counts) and Gamma-Gamma (spend) by maximum
 * likelihood, then score P(alive), expected purchases, expected spend and CLV for a whole
 * customer base. Validated against Fader, Hardie & Lee on the CDNOW data (see the tests).
 *
 * Expected failures are values: `Result<T>` = `{ ok: true, value } | { ok: false, error }` with
 * a typed `AnalyticsError` carrying a stable `code`. Prediction functions on single customers
 * throw `AnalyticsError` (INVALID_PARAMETER, INVALID_ARGUMENT) on impossible arguments.
 * Per-customer outputs are typed arrays in input order (use `Array.from` before JSON).
 *
 * @example
 * const calibrationEnd = unwrapResult(parseDay('1997-09-30'));
 * const summary = unwrapResult(
 *   summarizeTransactions(
 *     { customerId: ['a', 'a', 'a', 'b', 'b', 'c'], day: [9862, 9890, 10000, 9870, 9950, 9900], amount: [10, 12, 8, 5, 7, 9] },
 *     { calibrationEnd, period: 'week' },
 *   ),
 * );
 * const counts = unwrapResult(fitBgNbd(summary));
 * const spend = unwrapResult(fitGammaGamma(summary));
 * const scores = unwrapResult(
 *   scoreCustomers(summary, { countModel: counts, spendModel: spend, horizon: 52, discountRate: 0.002 }),
 * );
 * scores.clv; // Float64Array, one CLV per customer
 */
export { AnalyticsError, unwrap as unwrapResult } from './errors.ts';
export type { AnalyticsErrorCode, Result as ModelResult } from './errors.ts';

export {
  dayFromEpochMilliseconds,
  daysPerPeriod,
  formatDay,
  parseDay,
  purchasesToColumns,
  summarizeTransactions,
} from './transaction-summary.ts';
export type {
  DailyRepeats,
  Purchase,
  PurchaseColumns,
  SummaryOptions,
  SummaryPeriod,
  TransactionSummary,
} from './transaction-summary.ts';

export type { CustomerHistories } from './customer-histories.ts';
export type { FitDiagnostics, FitOptions } from './maximum-likelihood.ts';

export {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  bgNbdProbabilityOfPurchases,
  fitBgNbd,
} from './bg-nbd.ts';
export type { BgNbdFit, BgNbdModel, BgNbdParams } from './bg-nbd.ts';

export {
  fitMbgNbd,
  mbgNbdConditionalExpectedPurchases,
  mbgNbdExpectedPurchases,
  mbgNbdLogLikelihood,
  mbgNbdProbabilityAlive,
  mbgNbdProbabilityOfPurchases,
} from './mbg-nbd.ts';
export type { MbgNbdFit, MbgNbdModel, MbgNbdParams } from './mbg-nbd.ts';

export {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  paretoNbdProbabilityOfPurchases,
} from './pareto-nbd.ts';
export type { ParetoNbdFit, ParetoNbdModel, ParetoNbdParams } from './pareto-nbd.ts';

export {
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
} from './gamma-gamma.ts';
export type {
  GammaGammaFit,
  GammaGammaFitOptions,
  GammaGammaModel,
  GammaGammaParams,
  SpendHistories,
} from './gamma-gamma.ts';

export {
  conditionalExpectedPurchases,
  expectedPurchases,
  probabilityAlive,
  probabilityOfPurchases,
} from './count-model.ts';
export type { CountModel } from './count-model.ts';

export { scoreCustomers } from './clv.ts';
export type { ClvOptions, CustomerScores, Discounting, ScoringInput } from './clv.ts';

export { compareHoldout, trackingCurve } from './model-checks.ts';
export type { HoldoutComparison, HoldoutGroup, TrackingPoint } from './model-checks.ts';

export {
  betaVariate,
  createRandom,
  gammaVariate,
  simulateBgNbdHistories,
  simulateBgNbdPurchases,
  simulateMbgNbdHistories,
  simulateParetoNbdHistories,
} from './simulate.ts';
export type {
  HistorySimulation,
  PurchaseSimulation,
  SimulatedHistories,
  SimulatedPurchases,
  UniformRandom,
} from './simulate.ts';
