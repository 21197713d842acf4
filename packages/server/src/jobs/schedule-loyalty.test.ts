import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { loyaltyApi } from '../../test/loyalty-api.ts';
import { finishJob } from '../modules/platform/index.ts';
import { jobHandlers } from './job-handlers.ts';
import { startJobWorker } from './run-jobs.ts';
import { schedulePeriodicJobs, startLoyaltySchedule } from './schedule-loyalty.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const quiet = { info() {}, error() {} };
const DAY = 86_400_000;
const MINUTE = 60_000;

async function sweepsOf(tenantId: string) {
  return t.database.db
    .selectFrom('jobs')
    .select(['id', 'status', 'dedupe_key', 'payload'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'loyalty.sweep')
    .orderBy('id')
    .execute();
}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('periodic loyalty jobs', () => {
  it('release due pending points and expire due points with no call to the API', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    const programId = await api.createProgram({
      pendingDays: 30,
      expiry: { kind: 'rolling', months: 12 },
    });
    const now = Date.now();
    const purchase = (customerExternalId: string, occurredAt: number, amount: number) =>
      api.event({
        id: `${customerExternalId}-order`,
        type: 'purchase',
        customerExternalId,
        occurredAt: new Date(occurredAt).toISOString(),
        currency: 'CNY',
        amount,
      });
    const fresh = await purchase('fresh', now - DAY, 10_000);
    const old = await purchase('old', now - 400 * DAY, 5_000);
    expect(await api.member(programId, fresh)).toMatchObject({ pending: 100, available: 0 });
    expect(await api.member(programId, old)).toMatchObject({ pending: 0, available: 50 });

    // A month later, by the schedule's clock: both lots are due.
    const later = new Date(now + 31 * DAY);
    const worker = startJobWorker(
      t.database.db,
      { 'loyalty.sweep': jobHandlers['loyalty.sweep']! },
      quiet,
      { idleMs: 20 },
    );
    const schedule = startLoyaltySchedule(t.database.db, quiet, {
      everyMs: 10 * MINUTE,
      tickMs: 20,
      now: () => later,
      tenants: async () => [tenant.tenantId],
    });
    try {
      await until(async () => (await sweepsOf(tenant.tenantId))[0]?.status === 'succeeded');
    } finally {
      await schedule.stop();
      await worker.stop();
    }
    expect(await api.member(programId, fresh)).toMatchObject({ pending: 0, available: 100 });
    expect(await api.member(programId, old)).toMatchObject({ available: 0, lifetimeEarned: 50 });
    expect((await api.entries(programId, fresh)).map((entry) => entry.kind)).toEqual([
      'release',
      'earn',
    ]);
    expect((await api.entries(programId, old))[0]).toMatchObject({ kind: 'expire', points: 50 });
    // Many ticks of one period, one sweep, run as of the period's start.
    const period = new Date(Math.floor(later.getTime() / (10 * MINUTE)) * 10 * MINUTE);
    expect(await sweepsOf(tenant.tenantId)).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        dedupe_key: `loyalty.sweep@${period.toISOString()}`,
        payload: { asOf: period.toISOString() },
      }),
    ]);
    expect(await api.ledgerCheck(programId)).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });
  });

  it('queue one sweep per tenant and period however many processes ask', async () => {
    const tenant = await newTenant(t);
    const db = t.database.db;
    const sweep = [{ kind: 'loyalty.sweep', everyMs: 5 * MINUTE }];
    const at = new Date('2031-01-01T10:02:00Z');
    const queued = await Promise.all(
      Array.from({ length: 5 }, () => schedulePeriodicJobs(db, [tenant.tenantId], sweep, at)),
    );
    expect(queued.flat()).toHaveLength(1);
    // The next period while that sweep is unfinished: skipped, so sweeps never overlap.
    const next = new Date('2031-01-01T10:07:00Z');
    expect(await schedulePeriodicJobs(db, [tenant.tenantId], sweep, next)).toEqual([]);
    await finishJob(
      db,
      { tenantId: tenant.tenantId, id: queued.flat()[0]! },
      {
        ok: true,
        result: null,
      },
    );
    expect(await schedulePeriodicJobs(db, [tenant.tenantId], sweep, next)).toHaveLength(1);
    expect((await sweepsOf(tenant.tenantId)).map((job) => job.dedupe_key)).toEqual([
      'loyalty.sweep@2031-01-01T10:00:00.000Z',
      'loyalty.sweep@2031-01-01T10:05:00.000Z',
    ]);
  });
});
