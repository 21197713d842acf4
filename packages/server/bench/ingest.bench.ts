/**
 * Ingest benchmark (`npm run bench:ingest`), against PostgreSQL (DATABASE_URL, else the local
 * server), in a fresh schema dropped at the end:
 *   1. single `POST /v1/events` purchases (autocannon, 50 connections) on the real app, against a
 *      bare Fastify endpoint that inserts one row with `pg`: req/s, ratio, p50/p99 latency;
 *   2. batched events/s through `POST /v1/events:batch` (1000 per call);
 *   3. the CSV import (`fidelis import transactions`) against a raw COPY of the same file
 *      (generated from the CDNOW master data).
 * Prints the figures and writes them under "Ingest" in docs/performance.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createTenant, systemContext } from '../src/modules/platform/index.ts';
import { importTransactionsFlow, recordEventsFlow } from '../src/flows/record-events.flow.ts';
import { sql } from 'kysely';
import { writeReportSection } from './report.ts';
import { buildBenchApp } from './bench-app.ts';
import { bodyAt } from './bodies.ts';
import {
  cpuMeter,
  describeCpu,
  describeRun,
  LOAD_GENERATOR,
  singleEventsAgainstBare,
  describeRounds,
  startProfile,
  type AgainstBare,
  type CpuSplit,
} from './http-baseline.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const duration = Number(process.env.BENCH_SECONDS ?? 15);
const schema = `bench_ingest_${Date.now()}`;
/**
 * `BENCH_ONLY=single`, `batch` or `import` measures only that (and does not write the report);
 * with `BENCH_PROFILE=dir` a CPU profile of each measured part.
 */
const only = process.env.BENCH_ONLY;

function cdnowPath(): string {
  const local = path.join(repoRoot, 'packages/server/demo-data/CDNOW_master.txt');
  return existsSync(local)
    ? local
    : path.resolve(repoRoot, '../shared/data/cdnow/CDNOW_master.txt');
}

/** The CDNOW master file as an import CSV: one purchase per row, amounts in dollars. */
function cdnowCsv(): string {
  const out = ['customer_external_id,occurred_at,quantity,amount,currency,sku'];
  for (const line of readFileSync(cdnowPath(), 'utf8').split(/\r?\n/)) {
    const [customer, date, quantity, amount] = line.trim().split(/\s+/);
    if (!customer || !/^\d{8}$/.test(date ?? '')) continue;
    out.push(`cdnow-${customer},${date},${quantity},${amount},USD,CD`);
  }
  return `${out.join('\n')}\n`;
}

let sequence = 0;
function purchaseBody(prefix: string): string {
  return bodyAt(
    { kind: 'purchase', prefix, customers: 10_000, customerPrefix: 'bench', amount: 1999 },
    ++sequence,
  );
}

/** Records 20,000 purchases of the 10,000 bench customers, then ANALYZE, as a live system has. */
async function warmUp(database: Awaited<ReturnType<typeof openDatabase>>, tenantId: string) {
  for (let i = 0; i < 20; i++) {
    await recordEventsFlow(
      database.db,
      systemContext(tenantId),
      Array.from({ length: 1000 }, () => JSON.parse(purchaseBody('warm')) as unknown),
    );
  }
  await sql`analyze`.execute(database.db);
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // The trigram extension lives in public for every schema (a schema's own copy would go with it).
  await admin.query('create extension if not exists pg_trgm with schema public');
  await admin.query(`create schema ${schema}`);
  const database = await openDatabase({
    databaseUrl: url,
    searchPath: `${schema},public`,
    // As the server does (DATABASE_PREPARED_STATEMENTS=false measures without).
    preparedStatements: loadConfig().preparedStatements,
  });
  const figures: Record<string, unknown> = {};
  try {
    await migrateToLatest(database.db, { schema });
    const tenant = await createTenant(database.db, { name: 'Bench' });
    const auth = { authorization: `Bearer ${tenant.apiKey}` };

    // 1. Single events through the whole app, against a bare insert.
    const app = await buildBenchApp(database);
    const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    // Production is a running system: its 10,000 customers known and the planner's statistics
    // current (autovacuum's job). A fresh schema has neither; foreign-key checks planned on
    // empty tables scan them and stay cached per connection (8 ms for 10 lines instead of 0.05).
    await warmUp(database, tenant.tenantId);
    if (only !== 'batch' && only !== 'import') {
      figures.single = await singleEventsAgainstBare({
        appUrl,
        headers: auth,
        customers: 10_000,
        customerPrefix: 'bench',
        databaseUrl: url,
        schema,
        seconds: duration,
      });
    }
    if (only === 'single') {
      await app.close();
      return;
    }

    // 2. Batches of 1000, four clients at a time.
    if (only !== 'import') {
      const batches = Number(process.env.BENCH_BATCHES ?? 120);
      const bodies = Array.from({ length: batches }, (_, b) =>
        JSON.stringify({
          events: Array.from(
            { length: 1000 },
            () => JSON.parse(purchaseBody(`batch${b}`)) as unknown,
          ),
        }),
      );
      let next = 0;
      let failed = 0;
      const profile = await startProfile();
      const cpu = cpuMeter();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < bodies.length) {
            const body = bodies[next++]!;
            const res = await fetch(`${appUrl}/v1/events:batch`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...auth },
              body,
            });
            const json = (await res.json()) as { results?: { status: string }[] };
            failed += (json.results ?? []).filter((r) => r.status !== 'created').length;
            if (!res.ok) failed += 1000;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      await profile?.('batch');
      figures.batch = {
        events: batches * 1000,
        seconds: Number(seconds.toFixed(2)),
        eventsPerSecond: Math.round((batches * 1000) / seconds),
        notCreated: failed,
        cpu: cpu(),
      };
      console.log('batched /v1/events:batch', figures.batch);
    }
    if (only === 'batch') {
      await app.close();
      return;
    }

    // 3. CSV import against a raw COPY of the same file.
    const csv = cdnowCsv();
    const bytes = Buffer.from(csv);
    const rows = csv.split('\n').length - 2;
    const raw = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await raw.connect();
    await raw.query(
      'create table raw_copy (customer_external_id text, occurred_at text, quantity text, amount text, currency text, sku text)',
    );
    const copyStart = performance.now();
    await pipeline(
      Readable.from([bytes]),
      raw.query(copyFrom('COPY raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    const copySeconds = (performance.now() - copyStart) / 1000;
    await raw.end();
    const importTenant = await createTenant(database.db, { name: 'Import bench' });
    const importProfile = await startProfile();
    const importCpu = cpuMeter();
    const importStart = performance.now();
    const imported = await importTransactionsFlow(
      database,
      systemContext(importTenant.tenantId),
      new Uint8Array(bytes),
      { amountUnit: 'major', skipInvalid: false },
    );
    const importSeconds = (performance.now() - importStart) / 1000;
    const importCpuSplit = importCpu();
    await importProfile?.('import');
    const reimportStart = performance.now();
    const reimported = await importTransactionsFlow(
      database,
      systemContext(importTenant.tenantId),
      new Uint8Array(bytes),
      { amountUnit: 'major', skipInvalid: false },
    );
    const reimportSeconds = (performance.now() - reimportStart) / 1000;
    figures.import = {
      rows,
      rawCopyRowsPerSecond: Math.round(rows / copySeconds),
      importRowsPerSecond: Math.round(rows / importSeconds),
      ratio: copySeconds / importSeconds,
      importSeconds: Number(importSeconds.toFixed(2)),
      created: imported.created,
      customersCreated: imported.customersCreated,
      reimportSeconds: Number(reimportSeconds.toFixed(2)),
      reimportDuplicates: reimported.duplicates,
      cpu: importCpuSplit,
    };
    console.log('CSV import', figures.import);
    if (only === 'import') {
      await app.close();
      return;
    }

    // The home overview on the imported tenant (CDNOW: 69,659 purchases, 23,570 customers).
    const overviewMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await fetch(`${appUrl}/v1/overview?asOf=1998-07-01T00:00:00Z`, {
        headers: { authorization: `Bearer ${importTenant.apiKey}` },
      });
      await res.json();
      if (!res.ok) throw new Error(`overview answered ${res.status}`);
      overviewMs.push(performance.now() - start);
    }
    overviewMs.sort((a, b) => a - b);
    figures.overview = { medianMs: Math.round(overviewMs[2]!) };
    console.log('GET /v1/overview', figures.overview);
    await app.close();
    writeReport(figures);
  } finally {
    await database.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

const ANALYSIS_MARKER = '<!-- ingest analysis';

function writeReport(figures: Record<string, unknown>): void {
  const single = figures.single as AgainstBare;
  const batch = figures.batch as {
    events: number;
    eventsPerSecond: number;
    notCreated: number;
    cpu: CpuSplit;
  };
  const imp = figures.import as {
    rows: number;
    rawCopyRowsPerSecond: number;
    importRowsPerSecond: number;
    ratio: number;
    importSeconds: number;
    customersCreated: number;
    reimportSeconds: number;
  };
  const overview = figures.overview as { medianMs: number };
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  const section = `## Ingest

Measured by \`npm run bench:ingest\` (packages/server/bench/ingest.bench.ts) on ${new Date().toISOString().slice(0, 10)},
${os.cpus().length} cores (shared with other work while it ran), Node ${process.version}, PostgreSQL
(${url.replace(/\/\/[^@]*@/, '//')}), a fresh schema warmed up with 20,000 purchases of the 10,000 bench customers and analyzed (as a
live database is); ${LOAD_GENERATOR}.

| measure | figure | target |
| --- | --- | --- |
| single \`POST /v1/events\` (50 connections, ${duration} s; the median round) | ${describeRun(single.fidelis)} | p99 < 50 ms: ${mark(single.fidelis.p99 < 50)} |
| bare Fastify + one \`pg\` insert, same load, right after it | ${describeRun(single.bare)} | |
| ratio Fidelis / bare, median of ${single.rounds.length} alternating rounds | ${single.ratio.toFixed(2)} (rounds: ${describeRounds(single.rounds, ' req/s')}) | ≥ 0.5: ${mark(single.ratio >= 0.5)} |
| batched \`POST /v1/events:batch\` (1000 per call, 4 clients, ${batch.events} events) | ${batch.eventsPerSecond} events/s (${describeCpu(batch.cpu)}) | ≥ 30,000/s: ${mark(batch.eventsPerSecond >= 30_000)} |
| raw \`COPY\` of the CDNOW CSV (${imp.rows} rows) | ${imp.rawCopyRowsPerSecond} rows/s | |
| CSV import of the same file (creates ${imp.customersCreated} customers) | ${imp.importRowsPerSecond} rows/s (${imp.importSeconds} s) | ≥ 0.7 of COPY: ${mark(imp.ratio >= 0.7)} (${imp.ratio.toFixed(2)}) |
| re-import of the same file (all duplicates) | ${imp.reimportSeconds} s | |
| \`GET /v1/overview\` on the imported CDNOW tenant (median of 5) | ${overview.medianMs} ms | |

Load average when the run ended: ${os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(', ')} (1/5/15 min).

`;
  const file = path.join(repoRoot, 'docs/performance.md');
  writeReportSection(file, '## Ingest', section, ANALYSIS_MARKER);
  console.log(`wrote ${path.relative(repoRoot, file)}`);
}

await main();
