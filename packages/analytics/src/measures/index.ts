/**
 * Measures: RFM, cohorts and churn, revenue concentration, satisfaction scores (NPS, CSAT,
 * CES), SERVQUAL, Kano, satisfaction–loyalty quadrants, key-account scoring, cluster-wise
 * regression and program incrementality. Pure functions: no I/O, no clock.
 */
export type { MeasureError, MeasureErrorCode, MeasureResult } from './measure-result.ts';
export type { CivilDate } from './day-number.ts';
export {
  civilFromDay,
  dayFromCivil,
  dayFromIsoDate,
  dayFromMonthIndex,
  isoDateFromDay,
  isoMonthFromIndex,
  monthIndexFromDay,
} from './day-number.ts';
export type { ConfidenceInterval, OlsCoefficient, OlsFit, RandomSource } from './statistics.ts';
export {
  createSeededRandom,
  fisherFCdf,
  fitOrdinaryLeastSquares,
  logGamma,
  mean,
  median,
  midRanks,
  normalCdf,
  normalQuantile,
  quantile,
  regularizedIncompleteBeta,
  sampleVariance,
  standardNormalDraw,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedPValue,
} from './statistics.ts';
export type {
  CustomerPurchaseSummary,
  PurchaseAmount,
  RfmAnalysis,
  RfmCustomerScore,
  RfmGrid,
  RfmGridCell,
  RfmOptions,
  RfmSegmentId,
  RfmSegmentRule,
  RfmSegmentSummary,
} from './rfm.ts';
export {
  DEFAULT_RFM_SEGMENT_RULES,
  RFM_SEGMENT_IDS,
  RFM_SEGMENT_LABELS,
  RFM_UNCLASSIFIED,
  rfmSegmentFor,
  scoreQuantileBins,
  scoreRfm,
  summarisePurchases,
  summariseRfmGrid,
} from './rfm.ts';
export type {
  ChurnAnalysis,
  ChurnOptions,
  ChurnPeriod,
  CohortRetentionMatrix,
  CohortRetentionRow,
  DayPeriod,
  PurchaseEvent,
} from './cohort-retention.ts';
export { buildCohortRetention, computeChurnByPeriod } from './cohort-retention.ts';
export type {
  ConcentrationPoint,
  CustomerRevenue,
  RevenueConcentration,
  RevenueConcentrationOptions,
  TopCustomerShare,
} from './revenue-concentration.ts';
export { measureRevenueConcentration } from './revenue-concentration.ts';
export type { ScoreFrequency } from './score-distribution.ts';
export { tallyScores } from './score-distribution.ts';
export type { NpsOptions, NpsResult } from './nps.ts';
export { measureNps } from './nps.ts';
export type { CesOptions, CesResult, CsatOptions, CsatResult } from './satisfaction-scores.ts';
export { measureCes, measureCsat } from './satisfaction-scores.ts';
export type {
  DimensionScores,
  ServqualAnalysis,
  ServqualDimension,
  ServqualItem,
  ServqualItemSummary,
  ServqualOptions,
  ServqualRespondentScore,
  ServqualResponse,
  ServqualWeights,
} from './servqual.ts';
export {
  analyseServqual,
  SERVQUAL_DIMENSION_LABELS,
  SERVQUAL_DIMENSIONS,
  SERVQUAL_ITEMS,
} from './servqual.ts';
export type {
  KanoAnswer,
  KanoCategory,
  KanoCounts,
  KanoFeatureResult,
  KanoResponse,
} from './kano.ts';
export {
  analyseKano,
  classifyKanoAnswer,
  KANO_ANSWERS,
  KANO_CATEGORIES,
  KANO_CATEGORY_LABELS,
  KANO_EVALUATION_TABLE,
  KANO_TIE_ORDER,
} from './kano.ts';
export type {
  LoyaltyQuadrant,
  QuadrantGroup,
  QuadrantOptions,
  QuadrantThreshold,
  SatisfactionLoyaltyQuadrants,
  SatisfactionLoyaltyScore,
} from './satisfaction-loyalty-quadrants.ts';
export {
  classifySatisfactionLoyalty,
  LOYALTY_QUADRANT_LABELS,
  LOYALTY_QUADRANTS,
} from './satisfaction-loyalty-quadrants.ts';
export type {
  AccountCriteriaValues,
  CriterionContribution,
  CriterionDirection,
  KeyAccountCriterion,
  KeyAccountNormalisation,
  KeyAccountOptions,
  KeyAccountReview,
  KeyAccountScore,
  KeyAccountScoring,
  KeyAccountTier,
} from './key-account-scoring.ts';
export {
  DEFAULT_KEY_ACCOUNT_CRITERIA,
  reviewKeyAccounts,
  scoreKeyAccounts,
} from './key-account-scoring.ts';
export type {
  ClusterwiseMethod,
  ClusterwiseRegressionOptions,
  ClusterwiseRegressionResult,
  RegressionObservation,
  RegressionSegment,
  SegmentCoefficient,
  SegmentCountFit,
} from './clusterwise-regression.ts';
export { fitClusterwiseRegression } from './clusterwise-regression.ts';
export type {
  GroupSummary,
  IncrementalityOptions,
  ProgramIncrementality,
} from './program-incrementality.ts';
export { measureProgramIncrementality } from './program-incrementality.ts';
