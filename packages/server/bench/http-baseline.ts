// Shared by the ingest and loyalty benchmarks: the load generator, and the bare endpoint both
// compare against (Fastify + one pg insert), so "against the foundation's bare insert" is
// literally the same code in both.
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import pg from 'pg';

export interface CannonResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** What the load generator posts: purchases cycling over customers, or redemptions over members. */
export type BodySpec =
  | { kind: 'purchase'; prefix: string; customers: number; customerPrefix: string; amount: number }
  | { kind: 'redemption'; prefix: string; members: readonly string[] };

/** 50 connections POSTing a fresh JSON body per request for `seconds`, from a worker thread. */
export async function cannon(
  target: string,
  headers: Record<string, string>,
  body: BodySpec,
  seconds: number,
): Promise<CannonResult> {
  const worker = new Worker(new URL('./cannon-worker.mjs', import.meta.url), {
    workerData: { target, headers, seconds, body },
  });
  return new Promise<CannonResult>((resolve, reject) => {
    worker.once('message', (result: CannonResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
  });
}

/** A bare Fastify endpoint inserting each posted purchase as one row with `pg`. */
export async function startBareInsertEndpoint(
  url: string,
  schema: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: 20, options: `-c search_path=${schema}` });
  await pool.query(
    'create table bare_events (id text primary key, customer text, amount bigint, occurred_at timestamptz, payload jsonb)',
  );
  const bare = Fastify({ logger: false });
  bare.post('/bare', async (request, reply) => {
    const body = request.body as {
      id: string;
      customerExternalId: string;
      amount: number;
      occurredAt: string;
    };
    await pool.query(
      'insert into bare_events (id, customer, amount, occurred_at, payload) values ($1, $2, $3, $4, $5)',
      [body.id, body.customerExternalId, body.amount, body.occurredAt, JSON.stringify(body)],
    );
    return reply.status(201).send({ id: body.id });
  });
  const address = await bare.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${address}/bare`,
    async close() {
      await bare.close();
      await pool.end();
    },
  };
}
