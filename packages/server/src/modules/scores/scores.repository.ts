import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CustomerScoresTable, ScoreRunsTable, ScoresTables } from './scores.table.ts';

export type ScoresDb = Kysely<ScoresTables>;
export type ScoreRunRow = Selectable<ScoreRunsTable>;
export type CustomerScoreRow = Selectable<CustomerScoresTable>;

export type NewScoreRun = Insertable<ScoreRunsTable> & {
  id: string;
  tenant_id: string;
  computed_at: Date;
};

// Rows per INSERT … SELECT FROM unnest(…).
const BATCH = 10_000;

/** One customer's scores as written (the columns of `customer_scores` a run sets). */
export interface ScoreRow {
  customer_id: string;
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
  last_purchase_on: string;
  p_alive: number | null;
  expected_purchases: number | null;
  expected_spend: number | null;
  clv: number | null;
  value_at_risk: number | null;
  churn_risk: string | null;
}

const COLUMN_TYPES: Record<keyof ScoreRow, string> = {
  customer_id: 'uuid',
  recency_score: 'int2',
  frequency_score: 'int2',
  monetary_score: 'int2',
  fm_score: 'int2',
  segment: 'text',
  frequency: 'int4',
  recency_weeks: 'float8',
  age_weeks: 'float8',
  purchases: 'int4',
  total_spend: 'int8',
  monetary: 'int8',
  last_purchase_on: 'date',
  p_alive: 'float8',
  expected_purchases: 'float8',
  expected_spend: 'int8',
  clv: 'int8',
  value_at_risk: 'int8',
  churn_risk: 'text',
};

/**
 * Replaces a tenant's customer scores with a run's, atomically: the run row, a delete and
 * batched inserts in the caller's transaction. Rows are built a batch at a time from
 * `rowAt(0 … total − 1)`, with a yield to the event loop between batches, so a million scores
 * never block the thread for long. `onBatch` reports rows written.
 */
export async function replaceScores(
  trx: Transaction<ScoresTables>,
  run: NewScoreRun,
  total: number,
  rowAt: (index: number) => ScoreRow,
  onBatch?: (written: number) => Promise<void>,
): Promise<void> {
  await trx.insertInto('score_runs').values(run).execute();
  await trx.deleteFrom('customer_scores').where('tenant_id', '=', run.tenant_id).execute();
  const names = Object.keys(COLUMN_TYPES) as (keyof ScoreRow)[];
  for (let from = 0; from < total; from += BATCH) {
    const to = Math.min(total, from + BATCH);
    await new Promise((resolve) => setImmediate(resolve));
    const columns = new Map<keyof ScoreRow, (string | number | null)[]>(names.map((n) => [n, []]));
    for (let i = from; i < to; i++) {
      const row = rowAt(i);
      for (const name of names) columns.get(name)?.push(row[name]);
    }
    // One array literal per column, expanded by unnest: works the same on PGlite and pg, has
    // no parameter-count limit, and parses about twice as fast as jsonb_to_recordset (into a
    // bare table; into customer_scores its four indexes dominate).
    const arrays = names.map(
      (name) => sql`${arrayLiteral(columns.get(name) ?? [])}::${sql.raw(COLUMN_TYPES[name])}[]`,
    );
    await sql`
      insert into customer_scores (tenant_id, run_id, computed_at, ${sql.join(names.map((name) => sql.ref(name)))})
      select ${run.tenant_id}::uuid, ${run.id}::uuid, ${run.computed_at}::timestamptz, x.*
      from unnest(${sql.join(arrays)}) as x
    `.execute(trx);
    await onBatch?.(to);
  }
}

/** A PostgreSQL array literal (`{1,NULL,"text"}`) of numbers, strings and nulls. */
export function arrayLiteral(values: readonly (string | number | null)[]): string {
  const items = values.map((value) => {
    if (value === null) return 'NULL';
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
      return String(value);
    }
    return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  });
  return `{${items.join(',')}}`;
}

export function latestRun(db: ScoresDb, tenantId: string) {
  return db
    .selectFrom('score_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('computed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function findRun(db: ScoresDb, tenantId: string, runId: string) {
  return db
    .selectFrom('score_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', runId)
    .executeTakeFirst();
}

export function findCustomerScore(db: ScoresDb, tenantId: string, customerId: string) {
  return db
    .selectFrom('customer_scores')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
}

export interface ScoreListFilter {
  segment?: string | undefined;
  churnRisk?: string | undefined;
  sort: 'clv' | 'p_alive';
  after?: { value: number; customerId: string } | undefined;
  limit: number;
}

export function listScoreRows(db: ScoresDb, tenantId: string, filter: ScoreListFilter) {
  const key =
    filter.sort === 'clv' ? sql<number>`coalesce(clv, -1)` : sql<number>`coalesce(p_alive, -1)`;
  let query = db
    .selectFrom('customer_scores')
    .selectAll()
    .select(key.as('sort_value'))
    .where('tenant_id', '=', tenantId);
  if (filter.segment) query = query.where('segment', '=', filter.segment);
  if (filter.churnRisk)
    query = query.where('churn_risk', '=', filter.churnRisk as 'low' | 'medium' | 'high');
  if (filter.after) {
    const { value, customerId } = filter.after;
    query = query.where(sql<boolean>`(${key}, customer_id) < (${value}, ${customerId}::uuid)`);
  }
  return query.orderBy(key, 'desc').orderBy('customer_id', 'desc').limit(filter.limit).execute();
}

export async function clvRange(db: ScoresDb, tenantId: string) {
  const row = await sql<{
    customers: number;
    total: number | null;
    high: number | null;
    max: number | null;
  }>`
    select count(*)::int as customers, sum(clv)::float8 as total,
      percentile_cont(0.99) within group (order by clv) as high, max(clv)::float8 as max
    from customer_scores where tenant_id = ${tenantId} and clv is not null
  `.execute(db);
  return row.rows[0] ?? { customers: 0, total: null, high: null, max: null };
}

/** Customers per bucket: 1…buckets of equal width up to `upper`, buckets + 1 above it. */
export async function clvHistogram(db: ScoresDb, tenantId: string, upper: number, buckets: number) {
  const result = await sql<{ bucket: number; customers: number }>`
    select width_bucket(clv::float8, 0, ${upper}::float8, ${buckets}::int) as bucket,
      count(*)::int as customers
    from customer_scores where tenant_id = ${tenantId} and clv is not null
    group by 1 order by 1
  `.execute(db);
  return result.rows.map((row) => ({
    bucket: Number(row.bucket),
    customers: Number(row.customers),
  }));
}

export function valueAtRiskRows(db: ScoresDb, tenantId: string, limit: number) {
  return db
    .selectFrom('customer_scores')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('value_at_risk', 'is not', null)
    .where('value_at_risk', '>', 0)
    .orderBy('value_at_risk', 'desc')
    .orderBy('customer_id')
    .limit(limit)
    .execute();
}

/** Claims a tenant's nightly slot; true when this process inserted it (so it enqueues). */
export async function claimSchedule(
  trx: Transaction<ScoresTables>,
  slot: { tenantId: string; kind: string; scheduledFor: string },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('score_schedules')
    .values({
      tenant_id: slot.tenantId,
      kind: slot.kind,
      scheduled_for: slot.scheduledFor,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'scheduled_for']).doNothing())
    .returning('scheduled_for')
    .executeTakeFirst();
  return inserted !== undefined;
}
