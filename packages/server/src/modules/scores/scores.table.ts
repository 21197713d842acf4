import type { ColumnType, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A calendar date, read back as `YYYY-MM-DD`. */
type CalendarDate = ColumnType<string, string, string>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;
/** A run warning as stored: the API's ScoreRunWarning (the code may be `unrecognised`). */
export interface StoredRunWarning {
  code: string;
  message: string;
  detail?: string;
}

/** One scoring run of a tenant: what was fitted and the aggregates the dashboards draw. */
export interface ScoreRunsTable {
  tenant_id: string;
  id: string;
  job_id: string | null;
  computed_at: CreatedAt;
  as_of: CalendarDate;
  currency: string;
  horizon_weeks: number;
  annual_discount_rate: number;
  margin: number;
  customers: number;
  purchases: number;
  /** { bgnbd: FittedModel | null, gammagamma: FittedModel | null } */
  models: Json<Record<string, unknown>>;
  durations_ms: Json<Record<string, number>>;
  /** ScoreRunWarning[] ({ code, message, detail? }); plain sentences before migration 0401. */
  warnings: Json<StoredRunWarning[]>;
  rfm_grid: Json<Record<string, unknown>>;
  cohorts: Json<Record<string, unknown>>;
  concentration: Json<Record<string, unknown>>;
  tracking: Json<unknown[]>;
}

/** The latest scores of each customer: derived state, replaced whole by every run. */
export interface CustomerScoresTable {
  tenant_id: string;
  customer_id: string;
  run_id: string;
  computed_at: Date;
  recency_score: number;
  frequency_score: number;
  monetary_score: number;
  fm_score: number;
  segment: string;
  frequency: number;
  recency_weeks: number;
  age_weeks: number;
  purchases: number;
  total_spend: number;
  monetary: number;
  last_purchase_on: CalendarDate;
  p_alive: number | null;
  expected_purchases: number | null;
  expected_spend: number | null;
  clv: number | null;
  value_at_risk: number | null;
  churn_risk: 'low' | 'medium' | 'high' | null;
}

/** One row per tenant, kind and local night: the nightly scheduler's de-duplication key. */
export interface ScoreSchedulesTable {
  tenant_id: string;
  kind: string;
  scheduled_for: CalendarDate;
  created_at: CreatedAt;
}

export interface ScoresTables {
  score_runs: ScoreRunsTable;
  customer_scores: CustomerScoresTable;
  score_schedules: ScoreSchedulesTable;
}
