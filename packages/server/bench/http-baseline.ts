// Shared by the ingest and loyalty benchmarks: the load generator, and the bare endpoint both
// compare against (Fastify + one pg insert), so "against the foundation's bare insert" is
// literally the same code in both.
import { mkdirSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import pg from 'pg';
import type { BodySpec } from './bodies.ts';

export interface CannonResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Share of the run the server's thread was busy (event-loop utilization, 0–1). */
  serverThreadBusy: number;
  /** The same for the load generator's thread. */
  loadGeneratorBusy: number;
  /** CPU the whole machine used, in cores (of `os.cpus().length`): Node, PostgreSQL, the rest. */
  machineCores: number;
}

/** 50 connections POSTing a fresh JSON body per request for `seconds`, from a worker thread. */
export async function cannon(
  target: string,
  headers: Record<string, string>,
  body: BodySpec,
  seconds: number,
): Promise<CannonResult> {
  const profile = await startProfile();
  const serverStart = performance.eventLoopUtilization();
  const cpu = cpuMeter();
  const started = performance.now();
  const worker = new Worker(new URL('./cannon-worker.mjs', import.meta.url), {
    workerData: { target, headers, seconds, body },
  });
  const result = await new Promise<Omit<CannonResult, 'serverThreadBusy' | 'machineCores'>>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    },
  );
  const wall = (performance.now() - started) / 1000;
  await profile?.(`${body.kind}-${body.prefix}`);
  const round = (value: number) => Number(value.toFixed(2));
  return {
    ...result,
    serverThreadBusy: round(performance.eventLoopUtilization(serverStart).utilization),
    machineCores: round(cpu().machineSeconds / wall),
  };
}

/**
 * With `BENCH_PROFILE=<dir>`, a CPU profile of the server's thread for each measured run, written
 * as `<dir>/<what>-<time>.cpuprofile` (open it in Chrome DevTools or speedscope).
 */
export async function startProfile(): Promise<((name: string) => Promise<void>) | null> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return null;
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
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

/** Where a measured stretch spent its CPU: this Node process (all threads) and the whole machine. */
export interface CpuSplit {
  nodeSeconds: number;
  machineSeconds: number;
}

/** Starts a CPU count; call the answer to read it. The machine minus Node is mostly PostgreSQL. */
export function cpuMeter(): () => CpuSplit {
  const machine = () =>
    os
      .cpus()
      .reduce(
        (sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq,
        0,
      );
  const nodeStart = process.cpuUsage();
  const machineStart = machine();
  return () => {
    const node = process.cpuUsage(nodeStart);
    return {
      nodeSeconds: Number(((node.user + node.system) / 1e6).toFixed(2)),
      machineSeconds: Number(((machine() - machineStart) / 1000).toFixed(2)),
    };
  };
}

export interface AgainstBare {
  /** The round whose ratio is the median: the figures the report shows. */
  fidelis: CannonResult;
  bare: CannonResult;
  /** The median of the rounds' ratios. */
  ratio: number;
  /** Every round, in the order run. */
  rounds: { fidelis: number; bare: number; ratio: number }[];
}

/** The middle element of an odd-length list sorted by `key` (the lower middle when even). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Waits (up to a minute) until no autovacuum worker runs on the server: a vacuum of the tables
 * the previous run filled would otherwise take CPU from the next run, whichever it is.
 */
export async function waitForAutovacuum(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let waited = 0; waited < 60_000; waited += 250) {
      const { rows } = await client.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where backend_type = 'autovacuum worker'",
      );
      if (Number(rows[0]?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.end();
  }
}

/** How many alternating rounds a comparison runs (`BENCH_ROUNDS`, default 3). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * Single purchases through Fidelis' `POST /v1/events` (the caller's `customerPrefix` customers)
 * against the same load on the bare insert endpoint, in `ROUNDS` alternating rounds of
 * `seconds` each: this machine's speed drifts by a third within minutes, so each ratio compares
 * two runs a few seconds apart, and the median ratio is the figure.
 */
export async function singleEventsAgainstBare(options: {
  appUrl: string;
  headers: Record<string, string>;
  customers: number;
  customerPrefix: string;
  databaseUrl: string;
  schema: string;
  seconds: number;
}): Promise<AgainstBare> {
  const { customers, seconds } = options;
  const body = { kind: 'purchase', customers, amount: 1999 } as const;
  const endpoint = await startBareInsertEndpoint(options.databaseUrl, options.schema);
  const runs: { fidelis: CannonResult; bare: CannonResult; ratio: number }[] = [];
  try {
    // Unmeasured warm-up of both (compiled code, connections, prepared statements).
    const warm = Math.min(3, seconds);
    await cannon(
      `${options.appUrl}/v1/events`,
      options.headers,
      { ...body, prefix: 'single-warm', customerPrefix: options.customerPrefix },
      warm,
    );
    await cannon(
      endpoint.url,
      {},
      { ...body, prefix: 'bare-warm', customerPrefix: 'bench-bare' },
      warm,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      await waitForAutovacuum(options.databaseUrl);
      const fidelis = await cannon(
        `${options.appUrl}/v1/events`,
        options.headers,
        { ...body, prefix: `single-r${round}`, customerPrefix: options.customerPrefix },
        seconds,
      );
      await waitForAutovacuum(options.databaseUrl);
      const bare = await cannon(
        endpoint.url,
        {},
        { ...body, prefix: `bare-r${round}`, customerPrefix: 'bench-bare' },
        seconds,
      );
      const ratio = fidelis.requestsPerSecond / bare.requestsPerSecond;
      console.log(`round ${round}: single POST /v1/events`, fidelis);
      console.log(`round ${round}: bare Fastify + pg insert`, bare);
      console.log(`round ${round}: ratio`, ratio.toFixed(2));
      runs.push({ fidelis, bare, ratio });
    }
  } finally {
    await endpoint.close();
  }
  const median = medianBy(runs, (run) => run.ratio);
  console.log('median ratio', median.ratio.toFixed(2));
  return {
    ...median,
    rounds: runs.map((run) => ({
      fidelis: run.fidelis.requestsPerSecond,
      bare: run.bare.requestsPerSecond,
      ratio: Number(run.ratio.toFixed(2)),
    })),
  };
}

/** A comparison's rounds as a report fragment: "0.48 (1712 / 3580), 0.52 (…), …". */
export function describeRounds(rounds: AgainstBare['rounds'], unit = ''): string {
  return rounds
    .map((round) => `${round.ratio.toFixed(2)} (${round.fidelis} / ${round.bare}${unit})`)
    .join(', ');
}

/** How the reports say where a load came from. */
export const LOAD_GENERATOR =
  'load generator (autocannon, 50 connections) in a worker thread of the server’s process';

/** A load run as a report cell: throughput, latency, and where the CPU went. */
export function describeRun(run: CannonResult): string {
  return (
    `${run.requestsPerSecond} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms ` +
    `(server thread ${Math.round(run.serverThreadBusy * 100)} % busy, machine ${run.machineCores} cores)`
  );
}

/** A batched run's CPU as a report cell fragment. */
export function describeCpu(cpu: CpuSplit): string {
  return `Node ${cpu.nodeSeconds} s CPU, whole machine ${cpu.machineSeconds} s`;
}
