/**
 * Loyalty benchmark (`npm run bench:loyalty`), against PostgreSQL (DATABASE_URL, else the local
 * server), in a fresh schema dropped at the end:
 *   1. single `POST /v1/events` purchases that earn points (an active program), against the
 *      foundation's bare Fastify + one `pg` insert endpoint: req/s, ratio, p50/p99;
 *   2. redemptions/s with 50 connections on distinct members, against pgbench's simple-update
 *      TPS (`pgbench -N`, 50 clients) on the same server;
 *   3. batched earning through `POST /v1/events:batch` (1000 per call, 4 clients);
 *   4. rebuilding the cached balances of 1M members from the ledger;
 *   5. expiring 1M lots in one job.
 * Prints the figures and writes them under "Loyalty" in docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createTenant, systemContext } from '../src/modules/platform/index.ts';
import { createProgram, runLoyaltyJob } from '../src/modules/loyalty/index.ts';
import { writeReportSection } from './report.ts';
import { buildBenchApp } from './bench-app.ts';
import {
  cannon,
  cpuMeter,
  describeCpu,
  describeRun,
  LOAD_GENERATOR,
  singleEventsAgainstBare,
  describeRounds,
  medianBy,
  ROUNDS,
  startProfile,
  waitForAutovacuum,
  type AgainstBare,
  type CannonResult,
  type CpuSplit,
} from './http-baseline.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const bulkMembers = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const schema = `bench_loyalty_${Date.now()}`;
// BENCH_ONLY=bulk runs only the 1M rebuild and expiry and prints them (docs untouched).
const bulkOnly = process.env.BENCH_ONLY === 'bulk';
// BENCH_ONLY=http runs only the HTTP measures (earning, redemptions, batches) and prints them.
const httpOnly = process.env.BENCH_ONLY === 'http';
// BENCH_ONLY=batch runs only batched earning and prints it (BENCH_PROFILE profiles it).
const batchOnly = process.env.BENCH_ONLY === 'batch';

async function pgbenchTps(): Promise<number> {
  const database = `bench_pgbench_${Date.now()}`;
  const base = new URL(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  execFileSync('psql', [admin.toString(), '-qc', `create database ${database}`]);
  const target = new URL(base.toString());
  target.pathname = `/${database}`;
  try {
    execFileSync('pgbench', ['-i', '-s', '10', '-q', target.toString()], { stdio: 'ignore' });
    await waitForAutovacuum(url);
    const out = execFileSync(
      'pgbench',
      ['-N', '-c', '50', '-j', '2', '-T', String(duration), target.toString()],
      { encoding: 'utf8' },
    );
    const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    return match ? Math.round(Number(match[1])) : 0;
  } finally {
    execFileSync('psql', [admin.toString(), '-qc', `drop database ${database}`]);
  }
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
    poolSize: 20,
    // As the server does (DATABASE_PREPARED_STATEMENTS=false measures without).
    preparedStatements: loadConfig().preparedStatements,
  });
  const figures: Record<string, unknown> = {};
  try {
    await migrateToLatest(database.db, { schema });
    const tenant = await createTenant(database.db, { name: 'Bench' });
    const auth = { authorization: `Bearer ${tenant.apiKey}` };
    const context = systemContext(tenant.tenantId);
    const program = await createProgram(database.db, context, {
      name: 'Bench points',
      currency: 'CNY',
      earnRules: [
        { kind: 'spend', id: 'base', points: 1, per: 100 },
        { kind: 'multiplier', id: 'weekend', factor: 2, weekdays: [0, 6] },
      ],
      pendingDays: 0,
      expiry: { kind: 'rolling', months: 24 },
      expiryWarningDays: 30,
      refundPolicy: 'clawback',
      tiers: null,
      referral: null,
      cashback: null,
      pointValueMinor: 1,
      status: 'active',
    });
    const app = await buildBenchApp(database);
    const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });

    if (!bulkOnly) {
      // Warm-up: a fresh schema's empty tables give cached foreign-key plans that scan; a
      // running system has statistics. Load 20,000 members, then ANALYZE.
      for (let b = 0; b < 20; b++) {
        await fetch(`${appUrl}/v1/events:batch`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            events: Array.from({ length: 1000 }, (_, i) => ({
              id: `warm-${b}-${i}`,
              type: 'purchase',
              customerExternalId: `batch-${b * 1000 + i}`,
              occurredAt: '2026-10-03T10:00:00Z',
              currency: 'CNY',
              amount: 500,
            })),
          }),
        });
      }
      await sql`analyze`.execute(database.db);

      // Batched earning.
      const batches = Array.from({ length: 80 }, (_, b) =>
        JSON.stringify({
          events: Array.from({ length: 1000 }, (_, i) => ({
            id: `batch-${b}-${i}`,
            type: 'purchase',
            customerExternalId: `batch-${(b * 1000 + i) % 20_000}`,
            occurredAt: '2026-11-03T10:00:00Z',
            currency: 'CNY',
            amount: 1000 + i,
          })),
        }),
      );
      const profile = await startProfile();
      const cpu = cpuMeter();
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < batches.length) {
            const body = batches[next++] ?? '';
            await fetch(`${appUrl}/v1/events:batch`, {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body,
            });
          }
        }),
      );
      const batchSeconds = (performance.now() - started) / 1000;
      const earned = await sql<{ n: number }>`
        select count(*)::bigint as n from loyalty_lots
        where tenant_id = ${tenant.tenantId} and program_id = ${program.id} and event_id like 'batch-%'`.execute(
        database.db,
      );
      figures.batch = {
        events: batches.length * 1000,
        earned: Number(earned.rows[0]?.n ?? 0),
        eventsPerSecond: Math.round((batches.length * 1000) / batchSeconds),
        cpu: cpu(),
      };
      await profile?.('batched-earning');
      console.log('batched earning', figures.batch);
      if (batchOnly) {
        await app.close();
        return;
      }
      // 1. Purchases that earn, against the bare insert: bought by the 20,000 members of the
      // warm-up, as a live program's purchases mostly are (first purchases enrol, see docs).
      figures.single = await singleEventsAgainstBare({
        appUrl,
        headers: auth,
        customers: 20_000,
        customerPrefix: 'batch',
        databaseUrl: url,
        schema,
        seconds: duration,
      });

      // 2. Redemptions on distinct members against pgbench simple-update.
      const members = 5_000;
      for (let batch = 0; batch < members / 1000; batch++) {
        const events = Array.from({ length: 1000 }, (_, i) => ({
          id: `fund-${batch * 1000 + i}`,
          type: 'purchase',
          customerExternalId: `fund-${batch * 1000 + i}`,
          occurredAt: '2026-11-02T10:00:00Z',
          currency: 'CNY',
          amount: 10_000_000,
        }));
        await fetch(`${appUrl}/v1/events:batch`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        });
      }
      await sql`analyze`.execute(database.db);
      const funded = (
        await sql<{ customer_id: string }>`
          select customer_id from loyalty_members
          where tenant_id = ${tenant.tenantId} and program_id = ${program.id} and available >= 100000
          order by customer_id`.execute(database.db)
      ).rows.map((row) => row.customer_id);
      // Alternating rounds, as for earning (see singleEventsAgainstBare): the median ratio.
      const rounds: { fidelis: CannonResult; pgbench: number; ratio: number }[] = [];
      await cannon(
        `${appUrl}/v1/loyalty/programs/${program.id}/redemptions`,
        auth,
        { kind: 'redemption', prefix: 'bench-warm', members: funded },
        Math.min(3, duration),
      );
      for (let round = 1; round <= ROUNDS; round++) {
        await waitForAutovacuum(url);
        const redeem = await cannon(
          `${appUrl}/v1/loyalty/programs/${program.id}/redemptions`,
          auth,
          { kind: 'redemption', prefix: `bench-r${round}`, members: funded },
          duration,
        );
        const pgbench = await pgbenchTps();
        const ratio = redeem.requestsPerSecond / pgbench;
        console.log(`round ${round}: redemptions`, redeem, 'members', funded.length);
        console.log(`round ${round}: pgbench -N tps`, pgbench, 'ratio', ratio.toFixed(2));
        rounds.push({ fidelis: redeem, pgbench, ratio });
      }
      const median = medianBy(rounds, (round) => round.ratio);
      console.log('median ratio', median.ratio.toFixed(2));
      figures.redeem = {
        ...median,
        members: funded.length,
        rounds: rounds.map((round) => ({
          fidelis: round.fidelis.requestsPerSecond,
          bare: round.pgbench,
          ratio: Number(round.ratio.toFixed(2)),
        })),
      };
    }
    await app.close();
    if (httpOnly) return;

    // 4 and 5. A program of 1M members, one lot each, past its expiry date.
    const bulk = await createProgram(database.db, context, {
      name: 'Bulk',
      currency: 'CNY',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
      pendingDays: 0,
      expiry: { kind: 'rolling', months: 12 },
      expiryWarningDays: 0,
      refundPolicy: 'clawback',
      tiers: null,
      referral: null,
      cashback: null,
      pointValueMinor: 1,
      status: 'paused',
    });
    const load = performance.now();
    const t = tenant.tenantId;
    const p = bulk.id;
    await sql`
      insert into loyalty_members (tenant_id, program_id, customer_id, enrolled_at)
      select ${t}::uuid, ${p}::uuid, md5('m' || i)::uuid, now() - interval '2 years'
      from generate_series(1, ${bulkMembers}) i`.execute(database.db);
    await sql`
      insert into loyalty_lots (tenant_id, program_id, id, customer_id, event_id, source, points,
        remaining, status, earned_at, available_at, expires_at, spend)
      select ${t}::uuid, ${p}::uuid, md5('l' || i)::uuid, md5('m' || i)::uuid, 'bulk-' || i, 'purchase',
        100, 100, 'available', now() - interval '13 months', now() - interval '13 months',
        now() - interval '1 month', 10000
      from generate_series(1, ${bulkMembers}) i`.execute(database.db);
    await sql`
      insert into loyalty_entries (tenant_id, program_id, id, customer_id, at, kind, debit_account,
        credit_account, points, lot_id, event_id, explanation)
      select ${t}::uuid, ${p}::uuid, md5('e' || i)::uuid, md5('m' || i)::uuid, now() - interval '13 months',
        'earn', 'program_issued', 'member_available', 100, md5('l' || i)::uuid, 'bulk-' || i, '{}'
      from generate_series(1, ${bulkMembers}) i`.execute(database.db);
    await sql`analyze`.execute(database.db);
    const loadSeconds = (performance.now() - load) / 1000;
    console.log(
      `generated ${bulkMembers} members, lots and entries in ${loadSeconds.toFixed(1)} s`,
    );

    // The cached balances start at 0: the rebuild must find and fix every one.
    const rebuildStart = performance.now();
    const rebuilt = await runLoyaltyJob(database.db, t, 'loyalty.rebuild-balances', {
      programId: p,
    });
    const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
    const afterRebuild = await sql<{ total: number }>`
      select sum(available)::bigint as total from loyalty_members where tenant_id = ${t} and program_id = ${p}`.execute(
      database.db,
    );
    figures.rebuild = {
      members: bulkMembers,
      seconds: rebuildSeconds,
      listedMismatches: rebuilt[p],
      totalAfter: Number(afterRebuild.rows[0]?.total ?? 0),
    };
    console.log('rebuild', figures.rebuild);

    const expireStart = performance.now();
    let last = performance.now();
    const expired = await runLoyaltyJob(database.db, t, 'loyalty.expire-points', {
      programId: p,
      progress: async (done) => {
        if (performance.now() - last > 10_000) {
          last = performance.now();
          console.log(`  expired ${done}`);
        }
      },
    });
    const expireSeconds = (performance.now() - expireStart) / 1000;
    const afterExpiry = await sql<{ total: number; expired: number }>`
      select sum(available)::bigint as total, sum(lifetime_expired)::bigint as expired
      from loyalty_members where tenant_id = ${t} and program_id = ${p}`.execute(database.db);
    figures.expire = {
      lots: expired[p],
      seconds: expireSeconds,
      lotsPerSecond: Math.round((expired[p] ?? 0) / expireSeconds),
      availableAfter: Number(afterExpiry.rows[0]?.total ?? -1),
      expiredPoints: Number(afterExpiry.rows[0]?.expired ?? 0),
    };
    console.log('expire', figures.expire);
    if (bulkOnly) console.log(JSON.stringify(figures));
    else writeReport(figures);
  } finally {
    await database.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

const ANALYSIS_MARKER = '<!-- loyalty analysis';

function writeReport(figures: Record<string, unknown>): void {
  const single = figures.single as AgainstBare;
  const redeem = figures.redeem as {
    fidelis: CannonResult;
    pgbench: number;
    ratio: number;
    members: number;
    rounds: AgainstBare['rounds'];
  };
  const batch = figures.batch as {
    events: number;
    earned: number;
    eventsPerSecond: number;
    cpu: CpuSplit;
  };
  const rebuild = figures.rebuild as { members: number; seconds: number; totalAfter: number };
  const expire = figures.expire as {
    lots: number;
    seconds: number;
    lotsPerSecond: number;
    availableAfter: number;
  };
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  const section = `## Loyalty

Measured by \`npm run bench:loyalty\` (packages/server/bench/loyalty.bench.ts) on ${new Date().toISOString().slice(0, 10)},
${os.cpus().length} cores (shared with other work while it ran), Node ${process.version}, PostgreSQL
(${url.replace(/\/\/[^@]*@/, '//')}), a fresh schema warmed up with 20,000 earning purchases (20,000 members) and
analyzed; the single purchases are bought by those members; ${LOAD_GENERATOR}.

| measure | figure | target |
| --- | --- | --- |
| single \`POST /v1/events\` purchase earning points (50 connections, ${duration} s; the median round) | ${describeRun(single.fidelis)} | |
| bare Fastify + one \`pg\` insert, same load, right after it | ${describeRun(single.bare)} | |
| ratio earning / bare, median of ${single.rounds.length} alternating rounds | ${single.ratio.toFixed(2)} (rounds: ${describeRounds(single.rounds, ' req/s')}) | ≥ 0.5: ${mark(single.ratio >= 0.5)} |
| redemptions, 50 connections over ${redeem.members} members (the median round) | ${describeRun(redeem.fidelis)}, non-2xx ${redeem.fidelis.non2xx} | |
| \`pgbench -N\` (simple update), 50 clients, same server, right after it | ${redeem.pgbench} TPS | |
| ratio redemptions / pgbench, median of ${redeem.rounds.length} alternating rounds | ${redeem.ratio.toFixed(2)} (rounds: ${describeRounds(redeem.rounds)}) | ≥ 0.5: ${mark(redeem.ratio >= 0.5)} |
| batched earning, \`POST /v1/events:batch\` (1000 per call, 4 clients, ${batch.events} events, ${batch.earned} lots) | ${batch.eventsPerSecond} events/s (${describeCpu(batch.cpu)}) | ≥ 30,000/s: ${mark(batch.eventsPerSecond >= 30_000)} |
| rebuild cached balances of ${rebuild.members} members from the ledger (one statement) | ${rebuild.seconds.toFixed(1)} s (Σ available after: ${rebuild.totalAfter}) | |
| expire ${expire.lots} lots in one job (chunks of 20,000, one transaction each) | ${expire.seconds.toFixed(1)} s, ${expire.lotsPerSecond} lots/s (Σ available after: ${expire.availableAfter}) | |

`;
  const file = path.join(repoRoot, 'docs/performance.md');
  writeReportSection(file, '## Loyalty', section, ANALYSIS_MARKER);
  console.log(`wrote ${path.relative(repoRoot, file)}`);
}

await main();
