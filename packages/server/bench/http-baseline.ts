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
  fidelis: CannonResult;
  bare: CannonResult;
  ratio: number;
}

/**
 * Single purchases through Fidelis' `POST /v1/events` (the caller's `customerPrefix` customers),
 * then the same load on the bare insert endpoint, one after the other on the same machine.
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
  const fidelis = await cannon(
    `${options.appUrl}/v1/events`,
    options.headers,
    { ...body, prefix: 'single', customerPrefix: options.customerPrefix },
    seconds,
  );
  console.log('single POST /v1/events', fidelis);
  const endpoint = await startBareInsertEndpoint(options.databaseUrl, options.schema);
  const bare = await cannon(
    endpoint.url,
    {},
    { ...body, prefix: 'bare', customerPrefix: 'bench-bare' },
    seconds,
  );
  await endpoint.close();
  console.log('bare Fastify + pg insert', bare);
  const ratio = fidelis.requestsPerSecond / bare.requestsPerSecond;
  console.log('ratio', ratio.toFixed(2));
  return { fidelis, bare, ratio };
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
