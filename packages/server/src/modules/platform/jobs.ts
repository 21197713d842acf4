import { sql, type Kysely } from 'kysely';
import { newId } from '../../db/ids.ts';
import { instantOfMicros, microsOf } from '../../db/sql-micros.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { PlatformTables } from './platform.table.ts';

type JobsDb = Kysely<PlatformTables>;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  id: string;
  tenantId: string;
  kind: string;
  status: JobStatus;
  payload: Record<string, unknown>;
  progress: number;
  progressTotal: number | null;
  message: string | null;
  result: unknown;
  error: string | null;
  /** A failed job's stable code when its failure is an expected one (see JobFailure). */
  errorCode: string | null;
  /** The facts of that failure, e.g. { asOf }. */
  errorParams: Record<string, string> | null;
  attempts: number;
  createdAt: string;
  finishedAt: string | null;
}

function toJob(row: Awaited<ReturnType<typeof selectJob>>): Job | null {
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    status: row.status as Job['status'],
    payload: row.payload,
    progress: row.progress,
    progressTotal: row.progress_total,
    message: row.message,
    result: row.result ?? null,
    error: row.error,
    errorCode: row.error_code,
    errorParams: row.error_params,
    attempts: row.attempts,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

function selectJob(db: JobsDb, tenantId: string, id: string) {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * An expected failure of a job (nothing to do yet, say): stored with a stable code and its facts
 * for clients to word, and logged as a warning rather than an error.
 *
 * @example
 * throw new JobFailure('nothing_to_score', 'Nothing to score: …', { asOf: '2026-12-07' });
 */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly params: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

export async function enqueueJob(
  db: JobsDb,
  job: { tenantId: string; kind: string; payload?: Record<string, unknown>; runAt?: Date },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('jobs')
    .values({
      tenant_id: job.tenantId,
      id,
      kind: job.kind,
      status: 'queued',
      payload: JSON.stringify(job.payload ?? {}),
      ...(job.runAt ? { run_at: job.runAt } : {}),
    })
    .execute();
  return id;
}

/**
 * Queues a periodic job once per `dedupeKey` and tenant (its period), and not while a job of
 * the same kind is still queued or running for the tenant (a run that overruns its period
 * skips the next). Any number of processes may ask at once: the unique key lets one insert
 * through. The job's id, or null when nothing was queued.
 */
export async function enqueueJobOnce(
  db: JobsDb,
  job: { tenantId: string; kind: string; dedupeKey: string; payload?: Record<string, unknown> },
): Promise<string | null> {
  const result = await sql<{ id: string }>`
    insert into jobs (tenant_id, id, kind, status, payload, dedupe_key)
    select ${job.tenantId}::uuid, ${newId()}::uuid, ${job.kind}, 'queued',
      ${JSON.stringify(job.payload ?? {})}::jsonb, ${job.dedupeKey}
    where not exists (
      select 1 from jobs
      where tenant_id = ${job.tenantId} and kind = ${job.kind} and status in ('queued', 'running')
    )
    on conflict (tenant_id, dedupe_key) do nothing
    returning id
  `.execute(db);
  return result.rows[0]?.id ?? null;
}

/** Deletes succeeded jobs of these kinds that finished before `before`; returns how many. */
export async function pruneSucceededJobs(
  db: JobsDb,
  kinds: readonly string[],
  before: Date,
): Promise<number> {
  if (kinds.length === 0) return 0;
  const result = await db
    .deleteFrom('jobs')
    .where('kind', 'in', [...kinds])
    .where('status', '=', 'succeeded')
    .where('finished_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findJob(db: JobsDb, tenantId: string, id: string): Promise<Job | null> {
  return toJob(await selectJob(db, tenantId, id));
}

/**
 * A tenant's jobs newest first, a page at a time (keyset on created_at and id), of one kind or
 * status if asked.
 */
export async function listJobs(
  db: JobsDb,
  tenantId: string,
  query: {
    kind?: string | undefined;
    status?: JobStatus | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: Job[]; nextCursor: string | null }> {
  let select = db
    .selectFrom('jobs')
    .selectAll()
    .select(microsOf('created_at').as('created_micros'))
    .where('tenant_id', '=', tenantId);
  if (query.kind) select = select.where('kind', '=', query.kind);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.cursor) {
    const after = decodeCursor(query.cursor, { t: 'micros', i: 'uuid' });
    select = select.where(
      (eb) => eb.refTuple('created_at', 'id'),
      '<',
      (eb) => eb.tuple(instantOfMicros(after.t), after.i),
    );
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = rows.length > query.limit ? page.at(-1) : undefined;
  return {
    items: page.map((row) => toJob(row)).filter((job): job is Job => job !== null),
    nextCursor: last ? encodeCursor({ t: last.created_micros, i: last.id }) : null,
  };
}

/**
 * Takes the next runnable job for this worker. `FOR UPDATE SKIP LOCKED` lets any number of
 * worker processes pull from the same table; a lease (locked_until) returns a job whose
 * worker died to the queue.
 */
export async function claimNextJob(
  db: JobsDb,
  workerId: string,
  kinds: readonly string[],
  leaseMs = 60_000,
): Promise<Job | null> {
  if (kinds.length === 0) return null;
  return db.transaction().execute(async (trx) => {
    const next = await trx
      .selectFrom('jobs')
      .select(['tenant_id', 'id'])
      .where('kind', 'in', kinds)
      .where('run_at', '<=', sql<Date>`now()`)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'queued'),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', sql<Date>`now()`)]),
        ]),
      )
      .orderBy('run_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!next) return null;
    await trx
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: workerId,
        locked_until: new Date(Date.now() + leaseMs),
        attempts: sql`attempts + 1`,
      })
      .where('tenant_id', '=', next.tenant_id)
      .where('id', '=', next.id)
      .execute();
    return toJob(await selectJob(trx, next.tenant_id, next.id));
  });
}

export async function reportJobProgress(
  db: JobsDb,
  job: { tenantId: string; id: string },
  progress: { done: number; total?: number | null; message?: string | null },
  leaseMs = 60_000,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      progress: progress.done,
      ...(progress.total !== undefined ? { progress_total: progress.total } : {}),
      ...(progress.message !== undefined ? { message: progress.message } : {}),
      locked_until: new Date(Date.now() + leaseMs),
    })
    .where('tenant_id', '=', job.tenantId)
    .where('id', '=', job.id)
    .execute();
}

export async function finishJob(
  db: JobsDb,
  job: { tenantId: string; id: string },
  outcome:
    | { ok: true; result: unknown }
    | { ok: false; error: string; code?: string; params?: Record<string, string> },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: outcome.ok ? 'succeeded' : 'failed',
      result: outcome.ok ? JSON.stringify(outcome.result ?? null) : null,
      error: outcome.ok ? null : outcome.error,
      error_code: outcome.ok ? null : (outcome.code ?? null),
      error_params: outcome.ok || !outcome.params ? null : JSON.stringify(outcome.params),
      finished_at: new Date(),
      locked_by: null,
      locked_until: null,
    })
    .where('tenant_id', '=', job.tenantId)
    .where('id', '=', job.id)
    .execute();
}
