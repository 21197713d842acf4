import type { Kysely } from 'kysely';
import { newId } from '../../db/ids.ts';
import { inTransaction } from '../../db/transaction.ts';
import { formatDay, parseDay } from '@fidelis/analytics';
import {
  rfmSegments,
  scoreRunCreate,
  type ClvDistribution,
  type CohortRetention,
  type ConsentChannel,
  type CustomerScore,
  type ModelTracking,
  type RevenueConcentrationResponse,
  type RfmGridResponse,
  type RfmSegment,
  type ScoreRun,
  type ScoreRunCreate,
  type ScoreRunFailureCode,
  type ScoresQuery,
  type ValueAtRisk,
} from '@fidelis/contracts';
import { AppError } from '../../http/app-error.ts';
import { clvBuckets } from './clv-buckets.ts';
import type { RequestContext } from '../../http/request-context.ts';
import {
  decodeCursor,
  encodeCursor,
  enqueueJob,
  JobFailure,
  recordAudit,
  type PlatformTables,
} from '../platform/index.ts';
import {
  churnRiskOf,
  ScoringInputError,
  type FittedModel,
  type PopulationSummary,
  type PurchaseColumnsInput,
  type RfmGridSummary,
  type TrackingWeek,
} from './score-population.ts';
import { scorePopulationInWorker } from './score-runner.ts';
import * as repo from './scores.repository.ts';
import type { ScoresTables } from './scores.table.ts';

type Db = Kysely<ScoresTables & PlatformTables>;

/** The background job kind that scores a tenant. */
export const SCORE_JOB_KIND = 'scores.compute';

/** Job payload: the run options with defaults applied (`asOf` absent = yesterday, local). */
export type ScoreRunOptions = ScoreRunCreate;

/**
 * Queues a scoring run of a tenant (the demo loader and the nightly scheduler call this).
 *
 * @example
 * const jobId = await enqueueScoreRun(db, tenantId); // GET /v1/jobs/{jobId} shows progress
 */
export async function enqueueScoreRun(
  db: Kysely<PlatformTables>,
  tenantId: string,
  options: Partial<ScoreRunCreate> = {},
  runAt?: Date,
): Promise<string> {
  const payload = scoreRunCreate.parse(options);
  return enqueueJob(db, {
    tenantId,
    kind: SCORE_JOB_KIND,
    payload: { ...payload },
    ...(runAt ? { runAt } : {}),
  });
}

/** POST /v1/analytics/score-runs: queue a run, audited. */
export async function requestScoreRun(
  db: Kysely<PlatformTables>,
  context: RequestContext,
  body: ScoreRunCreate,
): Promise<{ jobId: string }> {
  return inTransaction(db, async (trx) => {
    const jobId = await enqueueScoreRun(trx, context.tenantId, body);
    await recordAudit(trx, context, {
      action: 'scores.run_requested',
      entityType: 'job',
      entityId: jobId,
      after: body,
    });
    return { jobId };
  });
}

/** The local calendar date and hour of an instant in a time zone. */
export function localDateTime(instant: Date, timeZone: string): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')) };
}

/** Yesterday in the tenant's time zone: the default last day of history of a run. */
export function defaultAsOf(now: Date, timeZone: string): string {
  const today = parseDay(localDateTime(now, timeZone).date);
  return formatDay((today.ok ? today.value : Math.floor(now.getTime() / 86_400_000)) - 1);
}

/**
 * Enqueues tonight's run for every tenant whose local time is past `hour` (default 02:00),
 * at most once per tenant and local date across any number of processes: the slot
 * (tenant, kind, date) is a primary key, and only the process that inserts it enqueues.
 * Returns the job ids enqueued.
 */
export async function scheduleNightlyScoreRuns(
  db: Kysely<ScoresTables & PlatformTables>,
  tenants: readonly { id: string; timeZone: string }[],
  now: Date,
  hour = 2,
): Promise<string[]> {
  const enqueued: string[] = [];
  for (const tenant of tenants) {
    const local = localDateTime(now, tenant.timeZone);
    if (local.hour < hour) continue;
    const jobId = await db.transaction().execute(async (trx) => {
      const claimed = await repo.claimSchedule(trx, {
        tenantId: tenant.id,
        kind: SCORE_JOB_KIND,
        scheduledFor: local.date,
      });
      if (!claimed) return null;
      // Kysely types a Transaction of the wider schema as not assignable to Kysely<Platform>
      // (invariance through withTables); it is the same connection, so the cast is safe.
      return enqueueScoreRun(trx as unknown as Kysely<PlatformTables>, tenant.id, {});
    });
    if (jobId) enqueued.push(jobId);
  }
  return enqueued;
}

/** The UTC instant of a local wall-clock time (`date` YYYY-MM-DD, `hour`) in a time zone. */
export function zonedInstant(date: string, hour: number, timeZone: string): Date {
  const target = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  let guess = target;
  // Two corrections settle any offset, DST transitions included (a skipped hour moves on).
  for (let i = 0; i < 2; i++) {
    const local = localDateTime(new Date(guess), timeZone);
    const seen = Date.parse(`${local.date}T${String(local.hour).padStart(2, '0')}:00:00Z`);
    const minutes = new Date(guess).getUTCMinutes();
    guess += target - seen - minutes * 60_000;
  }
  // On a spring-forward night the wall-clock hour does not exist: take the first instant after.
  for (let i = 0; i < 3; i++) {
    const local = localDateTime(new Date(guess), timeZone);
    if (local.date > date || (local.date === date && local.hour >= hour)) break;
    guess += 3_600_000;
  }
  return new Date(guess);
}

/**
 * Queues the tenant's next nightly run at the coming 02:00 in its time zone, once: the slot
 * (tenant, kind, local date) is a primary key, so any number of processes or runs asking for
 * the same night enqueue one job. Every run calls this, so a tenant scored once is scored
 * every night from then on. Returns the job id, or null when the night was already queued.
 */
export async function scheduleNextNightlyRun(
  db: Kysely<ScoresTables & PlatformTables>,
  tenant: { id: string; timeZone: string },
  now: Date,
  hour = 2,
): Promise<string | null> {
  const local = localDateTime(now, tenant.timeZone);
  const today = parseDay(local.date);
  const day =
    (today.ok ? today.value : Math.floor(now.getTime() / 86_400_000)) + (local.hour < hour ? 0 : 1);
  const date = formatDay(day);
  return db.transaction().execute(async (trx) => {
    const claimed = await repo.claimSchedule(trx, {
      tenantId: tenant.id,
      kind: SCORE_JOB_KIND,
      scheduledFor: date,
    });
    if (!claimed) return null;
    // Same cast as in scheduleNightlyScoreRuns.
    return enqueueScoreRun(
      trx as unknown as Kysely<PlatformTables>,
      tenant.id,
      {},
      zonedInstant(date, hour, tenant.timeZone),
    );
  });
}

export interface ComputeScoresArgs {
  tenantId: string;
  jobId: string | null;
  currency: string;
  options: ScoreRunOptions & { asOf: string };
  history: PurchaseColumnsInput;
  progress: (done: number, total: number, message: string) => Promise<void>;
  /** Run the numerics on this thread (tests of tiny tenants); default: a worker thread. */
  inline?: boolean;
}

/**
 * Scores a tenant's customers from its purchase history and replaces its scores atomically.
 * Returns the stored run. A tenant without purchases up to asOf gets no run (AppError).
 */
export async function computeAndStoreScores(db: Db, args: ComputeScoresArgs): Promise<ScoreRun> {
  const asOf = parseDay(args.options.asOf);
  if (!asOf.ok) {
    throw new AppError('VALIDATION_FAILED', `asOf ${args.options.asOf} is not a date`, [
      {
        field: 'asOf',
        message: 'expected YYYY-MM-DD',
        reason: 'invalid_format',
        params: { format: 'date' },
      },
    ]);
  }
  await args.progress(1, 4, 'fitting models');
  const started = performance.now();
  let population;
  try {
    population = await scorePopulationInWorker(
      args.history,
      {
        asOf: asOf.value,
        horizonWeeks: args.options.horizonWeeks,
        annualDiscountRate: args.options.annualDiscountRate,
        margin: args.options.margin,
      },
      { inline: args.inline ?? false },
    );
  } catch (error) {
    if (error instanceof ScoringInputError && error.code === 'EMPTY_INPUT') {
      // Expected on a new tenant, or one whose first purchase is today: a run scores up to
      // asOf, yesterday by default. Its code lets the web word it.
      const code: ScoreRunFailureCode = 'nothing_to_score';
      throw new JobFailure(
        code,
        `Nothing to score: no purchases up to ${args.options.asOf}, the as-of day ` +
          "(by default yesterday in the tenant's time zone).",
        { asOf: args.options.asOf },
      );
    }
    if (error instanceof ScoringInputError) {
      throw new AppError('SCORES_NOT_COMPUTED', `Nothing to score: ${error.message}`);
    }
    throw error;
  }
  const computeMs = Math.round(performance.now() - started);
  await args.progress(2, 4, `writing ${population.summary.customers} customer scores`);
  const { scores, summary } = population;
  const n = scores.customerIds.length;
  const rowAt = (i: number): repo.ScoreRow => {
    const f = scores.frequencyScore[i] ?? 0;
    const m = scores.monetaryScore[i] ?? 0;
    const pAlive = scores.pAlive[i] ?? NaN;
    const expected = scores.expectedPurchases[i] ?? NaN;
    return {
      customer_id: scores.customerIds[i] ?? '',
      recency_score: scores.recencyScore[i] ?? 0,
      frequency_score: f,
      monetary_score: m,
      fm_score: Math.floor((f + m) / 2 + 0.5),
      segment: scores.segment[i] ?? '',
      frequency: scores.x[i] ?? 0,
      recency_weeks: round(scores.tx[i] ?? 0, 4),
      age_weeks: round(scores.T[i] ?? 0, 4),
      purchases: scores.purchases[i] ?? 0,
      total_spend: Math.round(scores.totalSpend[i] ?? 0),
      monetary: Math.round(scores.monetary[i] ?? 0),
      last_purchase_on: formatDay(scores.lastDay[i] ?? 0),
      p_alive: Number.isFinite(pAlive) ? round(pAlive, 6) : null,
      expected_purchases: Number.isFinite(expected) ? round(expected, 4) : null,
      expected_spend: finiteRound(scores.expectedSpend[i] ?? NaN),
      clv: finiteRound(scores.clv[i] ?? NaN),
      value_at_risk: finiteRound(scores.valueAtRisk[i] ?? NaN),
      churn_risk: churnRiskOf(pAlive),
    };
  };
  const runId = newId();
  const computedAt = new Date();
  const writeStarted = performance.now();
  const run: repo.NewScoreRun = {
    tenant_id: args.tenantId,
    id: runId,
    job_id: args.jobId,
    computed_at: computedAt,
    as_of: args.options.asOf,
    currency: args.currency,
    horizon_weeks: args.options.horizonWeeks,
    annual_discount_rate: args.options.annualDiscountRate,
    margin: args.options.margin,
    customers: n,
    purchases: summary.purchases,
    models: JSON.stringify({ bgnbd: summary.bgnbd, gammagamma: summary.gammagamma }),
    durations_ms: JSON.stringify({ ...summary.durationsMs, compute: computeMs }),
    warnings: JSON.stringify(summary.warnings),
    rfm_grid: JSON.stringify(summary.rfmGrid),
    cohorts: JSON.stringify(summary.cohorts),
    concentration: JSON.stringify(summary.concentration),
    tracking: JSON.stringify(summary.tracking),
  };
  // Progress during the write also renews the job's lease. Not awaited: on the embedded
  // database (one connection) the report queues until the transaction ends; awaiting it inside
  // the transaction would deadlock. On PostgreSQL it lands at once.
  await db.transaction().execute((trx) =>
    repo.replaceScores(trx, run, n, rowAt, async (written) => {
      void args.progress(3, 4, `wrote ${written} of ${n} scores`).catch(() => {});
    }),
  );
  const writeMs = Math.round(performance.now() - writeStarted);
  await db
    .updateTable('score_runs')
    .set({
      durations_ms: JSON.stringify({ ...summary.durationsMs, compute: computeMs, write: writeMs }),
    })
    .where('tenant_id', '=', args.tenantId)
    .where('id', '=', runId)
    .execute();
  await args.progress(4, 4, `scored ${n} customers`);
  const stored = await repo.findRun(db, args.tenantId, runId);
  if (!stored) throw new Error('score run vanished');
  return toScoreRun(stored);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function finiteRound(value: number): number | null {
  return Number.isFinite(value) ? Math.round(value) : null;
}

function asSegment(value: string): RfmSegment {
  return (rfmSegments as readonly string[]).includes(value) ? (value as RfmSegment) : 'lost';
}

function fittedOrNull(value: unknown): ScoreRun['bgnbd'] {
  if (!value || typeof value !== 'object') return null;
  const fit = value as FittedModel;
  return {
    params: fit.params,
    logLikelihood: fit.logLikelihood,
    standardErrors: fit.standardErrors,
    customers: fit.customers,
    converged: fit.converged,
  };
}

function toScoreRun(row: repo.ScoreRunRow): ScoreRun {
  const models = row.models as { bgnbd?: unknown; gammagamma?: unknown };
  return {
    id: row.id,
    computedAt: row.computed_at.toISOString(),
    asOf: row.as_of,
    currency: row.currency,
    horizonWeeks: row.horizon_weeks,
    annualDiscountRate: row.annual_discount_rate,
    margin: row.margin,
    customers: row.customers,
    purchases: Number(row.purchases),
    bgnbd: fittedOrNull(models.bgnbd),
    gammagamma: fittedOrNull(models.gammagamma),
    durationsMs: row.durations_ms,
    warnings: row.warnings.map((warning) => warning.message),
    structuredWarnings: row.warnings,
  };
}

function toCustomerScore(row: repo.CustomerScoreRow): CustomerScore {
  return {
    customerId: row.customer_id,
    runId: row.run_id,
    computedAt: row.computed_at.toISOString(),
    recencyScore: row.recency_score,
    frequencyScore: row.frequency_score,
    monetaryScore: row.monetary_score,
    segment: asSegment(row.segment),
    frequency: row.frequency,
    recencyWeeks: row.recency_weeks,
    ageWeeks: row.age_weeks,
    purchases: row.purchases,
    totalSpend: Number(row.total_spend),
    monetary: Number(row.monetary),
    lastPurchaseOn: row.last_purchase_on,
    pAlive: row.p_alive,
    expectedPurchases: row.expected_purchases,
    expectedSpend: row.expected_spend === null ? null : Number(row.expected_spend),
    clv: row.clv === null ? null : Number(row.clv),
    valueAtRisk: row.value_at_risk === null ? null : Number(row.value_at_risk),
    churnRisk: row.churn_risk,
  };
}

async function requireRun(db: Db, tenantId: string): Promise<repo.ScoreRunRow> {
  const run = await repo.latestRun(db, tenantId);
  if (!run) {
    throw new AppError(
      'SCORES_NOT_COMPUTED',
      'No scores yet: start a run with POST /v1/analytics/score-runs.',
    );
  }
  return run;
}

/** GET /v1/analytics/scores: keyset pages, highest CLV (or P(alive)) first. */
export async function listScores(
  db: Db,
  context: RequestContext,
  query: ScoresQuery,
): Promise<{ items: CustomerScore[]; nextCursor: string | null }> {
  let after: { value: number; customerId: string } | undefined;
  if (query.cursor) {
    const position = decodeCursor(query.cursor, { v: 'number', id: 'uuid' });
    after = { value: position.v, customerId: position.id };
  }
  const rows = await repo.listScoreRows(db, context.tenantId, {
    segment: query.segment,
    churnRisk: query.churnRisk,
    sort: query.sort,
    after,
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toCustomerScore),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ v: Number(last.sort_value), id: last.customer_id })
        : null,
  };
}

/** GET /v1/customers/{id}/scores. */
export async function getCustomerScores(
  db: Db,
  context: RequestContext,
  customerId: string,
): Promise<CustomerScore> {
  const row = await repo.findCustomerScore(db, context.tenantId, customerId);
  if (!row) {
    throw new AppError(
      'SCORES_NOT_COMPUTED',
      `No scores for customer ${customerId}: no purchase before the last run, or no run yet.`,
    );
  }
  return toCustomerScore(row);
}

export async function getRfmGrid(db: Db, context: RequestContext): Promise<RfmGridResponse> {
  const run = await requireRun(db, context.tenantId);
  const grid = run.rfm_grid as unknown as RfmGridSummary;
  return {
    runId: run.id,
    asOf: run.as_of,
    currency: run.currency,
    cells: grid.cells.map((cell) => ({ ...cell, segment: asSegment(cell.segment) })),
    segments: grid.segments.map((s) => ({
      ...s,
      segment: asSegment(s.segment),
      averageClv: s.averageClv === null ? null : Math.round(s.averageClv),
    })),
  };
}

/**
 * Histogram of CLV: equal-width buckets from 0 to the 99th percentile; the last bucket also
 * holds the long tail above it (its `to` is the maximum).
 */
export async function getClvDistribution(
  db: Db,
  context: RequestContext,
  buckets: number,
): Promise<ClvDistribution> {
  const run = await requireRun(db, context.tenantId);
  const range = await repo.clvRange(db, context.tenantId);
  const max = Math.round(Number(range.max ?? 0));
  const { width, regular } = clvBuckets(Math.ceil(Number(range.high ?? 0)), buckets);
  const upper = regular * width;
  const counts =
    range.customers > 0 ? await repo.clvHistogram(db, context.tenantId, upper, regular) : [];
  const byBucket = new Map(counts.map((c) => [c.bucket, c.customers]));
  // width_bucket puts values below 0 in bucket 0 (none: CLV ≥ 0), 1-based buckets up to
  // `upper`, and what is above in bucket regular + 1: the tail, shown when someone is in it.
  const tail = byBucket.get(regular + 1) ?? 0;
  return {
    runId: run.id,
    currency: run.currency,
    customers: range.customers,
    total: Math.round(Number(range.total ?? 0)),
    buckets: [
      ...Array.from({ length: regular }, (_, i) => ({
        from: i * width,
        to: (i + 1) * width,
        customers: (byBucket.get(i + 1) ?? 0) + (i === 0 ? (byBucket.get(0) ?? 0) : 0),
      })),
      ...(tail > 0 ? [{ from: upper, to: Math.max(upper, max), customers: tail }] : []),
    ],
  };
}

/** How to reach a customer on the value-at-risk list; a null name for an erased one. */
export interface CustomerCard {
  readonly name: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly preferredChannel: ConsentChannel | null;
}

/** Looks up names and contacts of customers (the customers module provides it). */
export type CustomerCards = (
  tenantId: string,
  customerIds: readonly string[],
) => Promise<Map<string, CustomerCard>>;

/** The customers a manager should call first: most value at risk of being lost. */
export async function getValueAtRisk(
  db: Db,
  context: RequestContext,
  limit: number,
  customerCards?: CustomerCards,
): Promise<ValueAtRisk> {
  const run = await requireRun(db, context.tenantId);
  const rows = await repo.valueAtRiskRows(db, context.tenantId, limit);
  const cards = customerCards
    ? await customerCards(
        context.tenantId,
        rows.map((row) => row.customer_id),
      )
    : new Map<string, CustomerCard>();
  return {
    runId: run.id,
    currency: run.currency,
    items: rows.map((row) => {
      const card = cards.get(row.customer_id);
      return {
        customerId: row.customer_id,
        name: card?.name ?? null,
        phone: card?.phone ?? null,
        email: card?.email ?? null,
        preferredChannel: card?.preferredChannel ?? null,
        segment: asSegment(row.segment),
        pAlive: row.p_alive ?? 0,
        clv: Number(row.clv ?? 0),
        valueAtRisk: Number(row.value_at_risk ?? 0),
        totalSpend: Number(row.total_spend),
        lastPurchaseOn: row.last_purchase_on,
      };
    }),
  };
}

export async function getCohorts(db: Db, context: RequestContext): Promise<CohortRetention> {
  const run = await requireRun(db, context.tenantId);
  const cohorts = run.cohorts as unknown as PopulationSummary['cohorts'];
  return {
    runId: run.id,
    asOf: run.as_of,
    cohorts: cohorts.cohorts,
    averageRates: cohorts.averageRates,
  };
}

export async function getConcentration(
  db: Db,
  context: RequestContext,
): Promise<RevenueConcentrationResponse> {
  const run = await requireRun(db, context.tenantId);
  const concentration = run.concentration as unknown as PopulationSummary['concentration'];
  return { runId: run.id, customers: run.customers, ...concentration };
}

export async function getModelTracking(db: Db, context: RequestContext): Promise<ModelTracking> {
  const run = await requireRun(db, context.tenantId);
  const tracking = run.tracking as unknown as TrackingWeek[];
  return {
    run: toScoreRun(run),
    weeks: tracking.map((week) => ({
      week: week.week,
      endsOn: formatDay(week.endDay),
      actual: week.actual,
      predicted: round(week.predicted, 3),
    })),
  };
}
