/**
 * Scoring benchmark (`npm run bench:scoring`), against PostgreSQL (DATABASE_URL, else the local
 * server), in a fresh schema dropped at the end:
 *   1. the demo data (CDNOW master: 23,570 customers, 69,659 purchases) scored by the
 *      `scores.compute` job, with the event-loop delay of the calling thread measured while it
 *      runs — fits in a worker thread, then the same run inline for comparison;
 *   2. a synthetic tenant of BENCH_CUSTOMERS customers (default 1,000,000) and about
 *      BENCH_TRANSACTIONS purchases (default 10,000,000), loaded with COPY, scored end to end:
 *      read, fit + score, write, per phase.
 * Prints the figures and writes them under "Scoring" in docs/performance.md (BENCH_WRITE_DOC=0
 * to skip).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { simulateBgNbdPurchases } from '@fidelis/analytics';
import { openDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import type { Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createTenant, findJob } from '../src/modules/platform/index.ts';
import { enqueueScoreRun } from '../src/modules/scores/index.ts';
import { scoreCustomersFlow } from '../src/flows/score-customers.flow.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const transactions = Number(process.env.BENCH_TRANSACTIONS ?? 10_000_000);
const schema = `bench_scoring_${Date.now()}`;
const AS_OF = '2026-06-30';
const AS_OF_DAY = Math.round(Date.parse(`${AS_OF}T00:00:00Z`) / 86_400_000);

const seconds = (ms: number) => Math.round(ms / 100) / 10;

function cdnowPath(): string {
  const local = path.join(repoRoot, 'packages/analytics/fixtures/CDNOW_master.txt');
  return existsSync(local)
    ? local
    : path.resolve(repoRoot, '../shared/data/cdnow/CDNOW_master.txt');
}

function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** Loads purchases as `events` rows with COPY, in chunks of 200,000 rows, in one transaction. */
async function copyPurchases(
  database: DatabaseHandle,
  tenantId: string,
  rows: Iterable<{ customer: number; day: number; amount: number }>,
): Promise<number> {
  const columns = [
    'tenant_id',
    'id',
    'type',
    'customer_id',
    'occurred_at',
    'currency',
    'amount',
    'request_hash',
  ];
  return database.bulkTransaction(async (_trx, copyCsv) => {
    let chunk: string[] = [];
    let total = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      total += await copyCsv('events', columns, `${chunk.join('\n')}\n`);
      chunk = [];
      if (total % 1_000_000 < 200_000)
        process.stdout.write(`  loaded ${total.toLocaleString('en')} purchases\n`);
    };
    let n = 0;
    for (const row of rows) {
      const date = new Date(row.day * 86_400_000 + 43_200_000).toISOString();
      chunk.push(
        `${tenantId},p${n++},purchase,${uuidOf(row.customer)},${date},CNY,${row.amount},bench`,
      );
      if (chunk.length === 200_000) await flush();
    }
    await flush();
    return total;
  });
}

function* cdnowPurchases(): Generator<{ customer: number; day: number; amount: number }> {
  // Shifted so the last purchase (1998-06-30) falls on AS_OF.
  const shift = AS_OF_DAY - Math.round(Date.parse('1998-06-30T00:00:00Z') / 86_400_000);
  for (const line of readFileSync(cdnowPath(), 'utf8').split(/\r?\n/)) {
    const [customer, date, , dollars] = line.trim().split(/\s+/);
    if (!customer || !/^\d{8}$/.test(date ?? '')) continue;
    const day =
      Math.round(
        Date.parse(`${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)}T00:00:00Z`) /
          86_400_000,
      ) + shift;
    const amount = Math.round(Number(dollars) * 100);
    if (amount > 0) yield { customer: Number(customer), day, amount };
  }
}

/**
 * A seeded BG/NBD population with Gamma-Gamma spend (`simulateBgNbdPurchases`): customers
 * acquired over two years, about ten purchases each on average (λ ~ Gamma(1, 3) a week,
 * dropout p ~ Beta(1, 9) after each purchase), scaled to BENCH_TRANSACTIONS.
 */
function* syntheticPurchases(): Generator<{ customer: number; day: number; amount: number }> {
  const simulated = simulateBgNbdPurchases({
    params: { r: 1, alpha: 3, a: 1, b: 9 * Math.max(0.1, transactions / customers / 10) },
    spend: { p: 6, q: 4, v: 15 },
    customers,
    firstDay: AS_OF_DAY - 730,
    acquisitionDays: 730,
    lastDay: AS_OF_DAY,
    daysPerUnit: 7,
    seed: 2026,
  });
  for (let i = 0; i < simulated.day.length; i++) {
    yield {
      customer: simulated.customerId[i] ?? 0,
      day: simulated.day[i] ?? 0,
      amount: Math.round((simulated.amount[i] ?? 0) * 100),
    };
  }
}

interface RunFigures {
  customers: number;
  purchases: number;
  totalMs: number;
  readMs: number;
  computeMs: number;
  writeMs: number;
  fitMs: Record<string, number>;
  loopMaxMs: number;
  loopP99Ms: number;
  /** Longest garbage-collection pause of the calling thread during the run. */
  gcMaxMs: number;
}

async function scoreTenant(
  db: Kysely<Database>,
  tenantId: string,
  inline: boolean,
): Promise<RunFigures> {
  const jobId = await enqueueScoreRun(db, tenantId, { asOf: AS_OF });
  const job = await findJob(db, tenantId, jobId);
  if (!job) throw new Error('job not found');
  const marks: number[] = [];
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  const result = (await scoreCustomersFlow(
    db,
    job,
    async (done) => {
      marks[done] ??= performance.now();
    },
    { inline },
  )) as { runId: string; customers: number; purchases: number };
  const totalMs = performance.now() - started;
  histogram.disable();
  gc.disconnect();
  const run = await db
    .selectFrom('score_runs')
    .select('durations_ms')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', result.runId)
    .executeTakeFirstOrThrow();
  const durations = run.durations_ms;
  const read = (marks[1] ?? started) - started;
  return {
    customers: result.customers,
    purchases: result.purchases,
    totalMs,
    readMs: read,
    computeMs: durations.compute ?? 0,
    writeMs: durations.write ?? 0,
    fitMs: durations,
    loopMaxMs: histogram.max / 1e6,
    loopP99Ms: histogram.percentile(99) / 1e6,
    gcMaxMs,
  };
}

function describeRun(label: string, f: RunFigures): string {
  return [
    `| ${label} | ${f.customers.toLocaleString('en')} | ${f.purchases.toLocaleString('en')} | ${seconds(f.totalMs)} s | ${seconds(f.readMs)} s | ${seconds(f.computeMs)} s | ${seconds(f.writeMs)} s | ${f.loopP99Ms.toFixed(0)} / ${f.loopMaxMs.toFixed(0)} ms |`,
  ].join('\n');
}

async function main() {
  const admin = await openDatabase({ databaseUrl: url, poolSize: 2 });
  await sql`create extension if not exists pg_trgm with schema public`.execute(admin.db);
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const database = await openDatabase({
    databaseUrl: url,
    searchPath: `${schema},public`,
    poolSize: 4,
  });
  try {
    await migrateToLatest(database.db, { schema });
    const db = database.db;

    process.stdout.write('Demo data (CDNOW master)…\n');
    const demo = await createTenant(db, { name: 'CDNOW', currency: 'CNY', timeZone: 'UTC' });
    await copyPurchases(database, demo.tenantId, cdnowPurchases());
    const demoWorker = await scoreTenant(db, demo.tenantId, false);
    const demoInline = await scoreTenant(db, demo.tenantId, true);
    process.stdout.write(`${JSON.stringify({ demoWorker, demoInline }, null, 2)}\n`);

    process.stdout.write(`Synthetic tenant: ${customers.toLocaleString('en')} customers…\n`);
    const big = await createTenant(db, { name: 'Synthetic', currency: 'CNY', timeZone: 'UTC' });
    const loadStarted = performance.now();
    const loaded = await copyPurchases(database, big.tenantId, syntheticPurchases());
    const loadMs = performance.now() - loadStarted;
    await sql`analyze events`.execute(db);
    process.stdout.write(
      `  COPY of ${loaded.toLocaleString('en')} purchases: ${seconds(loadMs)} s\n`,
    );
    const bigRun = await scoreTenant(db, big.tenantId, false);
    process.stdout.write(`${JSON.stringify({ bigRun }, null, 2)}\n`);

    const table = [
      '| tenant | customers | purchases | job total | read purchases | fit + score (worker) | write scores | event-loop delay p99 / max |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      describeRun('CDNOW demo, fits in a worker thread', demoWorker),
      describeRun('CDNOW demo, fits inline (for comparison)', demoInline),
      describeRun('synthetic', bigRun),
    ].join('\n');
    const fit = bigRun.fitMs;
    const section = [
      '## Scoring',
      '',
      '`npm run bench:scoring` (`BENCH_CUSTOMERS`, `BENCH_TRANSACTIONS` set the synthetic size):',
      'the `scores.compute` job end to end on PostgreSQL — read the purchases (net of refunds),',
      'fit BG/NBD + Gamma-Gamma and score every customer in a worker thread, write',
      '`customer_scores` in one transaction. The event-loop delay is that of the thread that runs',
      'the job (the HTTP thread in `fidelis serve`), sampled every 10 ms while the job runs.',
      '',
      table,
      '',
      `Synthetic data loaded with COPY: ${loaded.toLocaleString('en')} purchases in ${seconds(loadMs)} s.`,
      `Inside the worker on the synthetic tenant (ms): ${Object.entries(fit)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')}.`,
      '',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    if (process.env.BENCH_WRITE_DOC !== '0') writeSection(section);
  } finally {
    await database.close();
    const cleanup = await openDatabase({ databaseUrl: url, poolSize: 2 });
    await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
    await cleanup.close();
  }
}

function writeSection(section: string): void {
  const file = path.join(repoRoot, 'docs/performance.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const start = current.indexOf('## Scoring');
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const after = current.indexOf('\n## ', start + 1);
    next = current.slice(0, start) + section + (after < 0 ? '' : current.slice(after + 1));
  }
  writeFileSync(file, next);
}

await main();
