// Shared by the ingest and loyalty benchmarks: the load generator, and the bare endpoint both
// compare against (Fastify + one pg insert), so "against the foundation's bare insert" is
// literally the same code in both.
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';

export interface CannonResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** 50 connections POSTing a fresh JSON body per request for `seconds`. */
export async function cannon(
  target: string,
  headers: Record<string, string>,
  body: () => string,
  seconds: number,
): Promise<CannonResult> {
  const result = await autocannon({
    url: target,
    connections: 50,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (request: object) => ({ ...request, body: body() }) }],
  });
  return {
    requestsPerSecond: Math.round(result['2xx'] / seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
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
