/**
 * Scores: RFM, P(alive), expected purchases, CLV, value at risk and churn risk per customer,
 * computed by the background job `scores.compute` (BG/NBD + Gamma-Gamma from
 * `@fidelis/analytics`, fitted in a worker thread) and the dashboards' aggregates (RFM grid,
 * CLV histogram, cohorts, 80/20 curve, model tracking).
 *
 * The module does not read purchases itself: the `score-customers` flow reads them from
 * activity and passes them to `computeAndStoreScores`.
 *
 * @example
 * const jobId = await enqueueScoreRun(db, tenantId); // the job worker runs the flow
 * // later: GET /v1/analytics/scores?sort=clv
 */
export type { ScoresTables } from './scores.table.ts';
export { scoresMigrations } from './scores.migrations.ts';
export {
  SCORE_JOB_KIND,
  enqueueScoreRun,
  requestScoreRun,
  computeAndStoreScores,
  scheduleNightlyScoreRuns,
  scheduleNextNightlyRun,
  zonedInstant,
  defaultAsOf,
  localDateTime,
  type ComputeScoresArgs,
  type CustomerCard,
  type CustomerCards,
  type ScoreRunOptions,
} from './scores.service.ts';
export {
  scorePopulation,
  churnRiskOf,
  ScoringInputError,
  type PurchaseColumnsInput,
  type PopulationResult,
  type ScoringOptions,
} from './score-population.ts';
export { scorePopulationInWorker } from './score-runner.ts';
export { registerScoresRoutes, type ScoresRouteDeps } from './scores.routes.ts';
