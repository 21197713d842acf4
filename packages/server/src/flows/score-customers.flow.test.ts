import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelTracking } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { startJobWorker } from '../jobs/run-jobs.ts';
import { jobHandlers } from '../jobs/job-handlers.ts';
import { findTenant } from '../modules/platform/index.ts';
import {
  defaultAsOf,
  scheduleNextNightlyRun,
  scheduleNightlyScoreRuns,
  zonedInstant,
} from '../modules/scores/index.ts';

type Tenant = Awaited<ReturnType<typeof newTenant>>;

let t: TestApp;
let worker: { stop(): Promise<void> };
// What the worker logged above info: an expected failure is a warning, not an error.
const logged: { level: 'warn' | 'error'; entry: unknown }[] = [];
const silent = {
  info() {},
  warn(entry: unknown) {
    logged.push({ level: 'warn', entry });
  },
  error(entry: unknown) {
    logged.push({ level: 'error', entry });
  },
};

beforeAll(async () => {
  t = await openTestApp();
  worker = startJobWorker(t.database.db, jobHandlers, silent, { idleMs: 50 });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

// A small deterministic customer base: 40 customers, 1–9 purchases each over 2025.
function seededEvents(prefix: string): Record<string, unknown>[] {
  let state = 42;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const events: Record<string, unknown>[] = [];
  for (let c = 0; c < 40; c++) {
    const purchases = 1 + Math.floor(random() * random() * 9);
    let day = Math.floor(random() * 200);
    for (let k = 0; k < purchases && day < 360; k++) {
      const date = new Date(Date.UTC(2025, 0, 1 + day, 10));
      events.push({
        id: `${prefix}-${c}-${k}`,
        type: 'purchase',
        customerExternalId: `${prefix}-customer-${c}`,
        occurredAt: date.toISOString(),
        currency: 'CNY',
        amount: 1000 + Math.floor(random() * 20_000),
      });
      day += 5 + Math.floor(random() * 60);
    }
  }
  return events;
}

async function seed(tenant: Tenant, prefix: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events:batch',
    headers: tenant.auth,
    payload: { events: seededEvents(prefix) },
  });
  expect(res.statusCode).toBe(200);
  const results = (res.json() as { results: { status: string }[] }).results;
  expect(results.every((r) => r.status === 'created')).toBe(true);
}

async function waitForJob(tenant: Tenant, jobId: string) {
  for (let i = 0; i < 600; i++) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/jobs/${jobId}`,
      headers: tenant.auth,
    });
    const job = res.json() as {
      status: string;
      progress: number;
      result: unknown;
      error: string;
      errorCode: string | null;
      errorParams: Record<string, string> | null;
    };
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('job did not finish');
}

async function runScores(tenant: Tenant, body: Record<string, unknown> = { asOf: '2025-12-31' }) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/analytics/score-runs',
    headers: tenant.auth,
    payload: body,
  });
  expect(res.statusCode).toBe(202);
  const { jobId } = res.json() as { jobId: string };
  return waitForJob(tenant, jobId);
}

const get = (tenant: Tenant, url: string) =>
  t.app.inject({ method: 'GET', url, headers: tenant.auth });

interface ScoreItem {
  customerId: string;
  clv: number | null;
  pAlive: number | null;
  segment: string;
  churnRisk: string | null;
  purchases: number;
}

describe('scores', () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await newTenant(t, 'Scores');
    await seed(tenant, 'a');
  });

  it('answers 404 SCORES_NOT_COMPUTED before the first run', async () => {
    const res = await get(tenant, '/v1/analytics/rfm-grid');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'SCORES_NOT_COMPUTED' });
  });

  it('fails a run with only a purchase of today by a code, the as-of day and a warning', async () => {
    const fresh = await newTenant(t, 'Bought today');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events:batch',
      headers: fresh.auth,
      payload: {
        events: [
          {
            id: 'today-1',
            type: 'purchase',
            customerExternalId: 'today-customer',
            occurredAt: new Date().toISOString(),
            currency: 'CNY',
            amount: 5000,
          },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const before = logged.length;
    const job = await runScores(fresh, {});
    const found = await findTenant(t.database.db, fresh.tenantId);
    const asOf = defaultAsOf(new Date(), found!.timeZone);
    expect(job).toMatchObject({
      status: 'failed',
      errorCode: 'nothing_to_score',
      errorParams: { asOf },
    });
    expect(job.error).toContain(asOf);
    expect(logged.slice(before).map((l) => l.level)).toEqual(['warn']);
  });

  it('runs the scoring job in the background and reports its result', async () => {
    const job = await runScores(tenant);
    expect(job.error ?? null).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ customers: 40 });
  });

  it('pages through every customer by CLV, highest first, without repeats', async () => {
    const seen: ScoreItem[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(
        tenant,
        `/v1/analytics/scores?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: ScoreItem[]; nextCursor: string | null };
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(40);
    expect(new Set(seen.map((s) => s.customerId)).size).toBe(40);
    const clvs = seen.map((s) => s.clv ?? -1);
    expect(clvs).toEqual([...clvs].sort((a, b) => b - a));
    for (const s of seen) {
      expect(s.pAlive).toBeGreaterThanOrEqual(0);
      expect(s.pAlive).toBeLessThanOrEqual(1);
      expect(Number.isFinite(s.clv)).toBe(true);
    }
  });

  it('filters by segment and churn risk, sorts by P(alive)', async () => {
    const all = (await get(tenant, '/v1/analytics/scores?limit=200&sort=p_alive')).json() as {
      items: ScoreItem[];
    };
    const p = all.items.map((s) => s.pAlive ?? -1);
    expect(p).toEqual([...p].sort((a, b) => b - a));
    const segment = all.items[0]!.segment;
    const bySegment = (
      await get(tenant, `/v1/analytics/scores?segment=${segment}&limit=200`)
    ).json() as {
      items: ScoreItem[];
    };
    expect(bySegment.items.length).toBe(all.items.filter((s) => s.segment === segment).length);
    expect(bySegment.items.every((s) => s.segment === segment)).toBe(true);
    const high = (await get(tenant, '/v1/analytics/scores?churnRisk=high&limit=200')).json() as {
      items: ScoreItem[];
    };
    expect(high.items.every((s) => s.churnRisk === 'high' && (s.pAlive ?? 1) < 0.3 + 1e-9)).toBe(
      true,
    );
  });

  it("returns one customer's scores", async () => {
    const first = (
      (await get(tenant, '/v1/analytics/scores?limit=1')).json() as { items: ScoreItem[] }
    ).items[0]!;
    const res = await get(tenant, `/v1/customers/${first.customerId}/scores`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ customerId: first.customerId, clv: first.clv });
  });

  it('aggregates: RFM grid, CLV histogram, value at risk, cohorts, 80/20 curve, tracking', async () => {
    const grid = (await get(tenant, '/v1/analytics/rfm-grid')).json() as {
      cells: { customers: number }[];
      segments: { customers: number }[];
    };
    expect(grid.cells).toHaveLength(25);
    expect(grid.cells.reduce((sum, c) => sum + c.customers, 0)).toBe(40);
    expect(grid.segments.reduce((sum, s) => sum + s.customers, 0)).toBe(40);

    const histogram = (await get(tenant, '/v1/analytics/clv-distribution?buckets=10')).json() as {
      customers: number;
      buckets: { from: number; to: number; customers: number }[];
    };
    expect(histogram.buckets.length).toBeLessThanOrEqual(10);
    expect(histogram.buckets.reduce((sum, b) => sum + b.customers, 0)).toBe(40);
    expect(histogram.customers).toBe(40);
    // Round edges: every bucket but the tail is as wide as the first, 1, 2, 2.5 or 5 × 10ⁿ.
    const width = histogram.buckets[0]!.to;
    expect([1, 2, 2.5, 5]).toContain(width / 10 ** Math.floor(Math.log10(width)));
    histogram.buckets.forEach((b, i) => expect(b.from).toBe(i * width));
    const tail = histogram.buckets.at(-1)!;
    expect(tail.to).toBeGreaterThanOrEqual(tail.from);

    const risk = (await get(tenant, '/v1/analytics/value-at-risk?limit=5')).json() as {
      items: { valueAtRisk: number; pAlive: number; name: string | null }[];
    };
    expect(risk.items.length).toBeGreaterThan(0);
    // Customers created by an event are named by their external id.
    expect(risk.items[0]!.name).toMatch(/^a-customer-\d+$/);
    const values = risk.items.map((i) => i.valueAtRisk);
    expect(values).toEqual([...values].sort((a, b) => b - a));

    const cohorts = (await get(tenant, '/v1/analytics/cohorts')).json() as {
      cohorts: { size: number; rates: (number | null)[] }[];
    };
    expect(cohorts.cohorts.reduce((sum, c) => sum + c.size, 0)).toBe(40);
    for (const c of cohorts.cohorts) expect(c.rates[0]).toBe(1);

    const concentration = (await get(tenant, '/v1/analytics/concentration')).json() as {
      curve: { customerShare: number; revenueShare: number }[];
      top20RevenueShare: number;
    };
    const shares = concentration.curve.map((p) => p.revenueShare);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect(concentration.top20RevenueShare).toBeGreaterThan(0.2);

    const tracking = (await get(tenant, '/v1/analytics/model-tracking')).json() as {
      run: { bgnbd: { params: Record<string, number> } | null; customers: number };
      weeks: { actual: number; predicted: number }[];
    };
    expect(tracking.run.customers).toBe(40);
    expect(Object.keys(tracking.run.bgnbd!.params).sort()).toEqual(['a', 'alpha', 'b', 'r']);
    expect(tracking.weeks.length).toBeGreaterThan(40);
    const actual = tracking.weeks.map((w) => w.actual);
    expect(actual).toEqual([...actual].sort((a, b) => a - b));
  });

  it('rejects bad input', async () => {
    const post = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/analytics/score-runs',
        headers: tenant.auth,
        payload,
      });
    expect((await post({ horizonWeeks: 0 })).statusCode).toBe(400);
    expect((await post({ asOf: '2025-13-01' })).statusCode).toBe(400);
    const unknown = await post({ nonsense: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await get(tenant, '/v1/analytics/scores?sort=name')).statusCode).toBe(400);
    expect((await get(tenant, '/v1/analytics/scores?cursor=garbage')).statusCode).toBe(400);
    expect((await get(tenant, '/v1/analytics/clv-distribution?buckets=1')).statusCode).toBe(400);
    expect((await get(tenant, '/v1/analytics/rfm-grid?x=1')).statusCode).toBe(400);
    expect((await get(tenant, '/v1/customers/not-a-uuid/scores')).statusCode).toBe(400);
  });

  it('lets a viewer read but not run', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'viewer', role: 'viewer' },
    });
    const viewer = { authorization: `Bearer ${(created.json() as { key: string }).key}` };
    const run = await t.app.inject({
      method: 'POST',
      url: '/v1/analytics/score-runs',
      headers: viewer,
      payload: {},
    });
    expect(run.statusCode).toBe(403);
    const read = await t.app.inject({
      method: 'GET',
      url: '/v1/analytics/rfm-grid',
      headers: viewer,
    });
    expect(read.statusCode).toBe(200);
  });

  it('keeps tenants apart', async () => {
    const other = await newTenant(t, 'Other');
    const mine = (
      (await get(tenant, '/v1/analytics/scores?limit=1')).json() as { items: ScoreItem[] }
    ).items[0]!;
    expect((await get(other, `/v1/customers/${mine.customerId}/scores`)).statusCode).toBe(404);
    expect((await get(other, '/v1/analytics/scores')).json()).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await get(other, '/v1/analytics/cohorts')).statusCode).toBe(404);
  });

  it('replaces the previous scores atomically on a new run and nets refunds', async () => {
    const before = (
      (await get(tenant, '/v1/analytics/scores?limit=200')).json() as {
        items: (ScoreItem & { totalSpend: number; runId: string })[];
      }
    ).items;
    const refund = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: tenant.auth,
      payload: {
        id: 'refund-a-0-0',
        type: 'refund',
        refundOf: 'a-0-0',
        occurredAt: '2025-12-01T10:00:00Z',
        amount: 500,
      },
    });
    expect(refund.statusCode).toBe(201);
    const job = await runScores(tenant);
    expect(job.status).toBe('succeeded');
    const after = (
      (await get(tenant, '/v1/analytics/scores?limit=200')).json() as {
        items: (ScoreItem & { totalSpend: number; runId: string })[];
      }
    ).items;
    expect(after).toHaveLength(40);
    expect(new Set(after.map((s) => s.runId)).size).toBe(1);
    expect(after[0]!.runId).not.toBe(before[0]!.runId);
    const spendBefore = before.reduce((sum, s) => sum + s.totalSpend, 0);
    const spendAfter = after.reduce((sum, s) => sum + s.totalSpend, 0);
    expect(spendBefore - spendAfter).toBe(500);
  });

  it("gives the value-at-risk list each customer's phone, email and preferred channel", async () => {
    type Risk = {
      items: {
        customerId: string;
        phone: string | null;
        email: string | null;
        preferredChannel: string | null;
      }[];
    };
    const before = (await get(tenant, '/v1/analytics/value-at-risk?limit=2')).json() as Risk;
    const [first, second] = before.items;
    expect(second).toMatchObject({ phone: null, email: null, preferredChannel: null });
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${first!.customerId}`,
      headers: tenant.auth,
      payload: {
        phone: '+8613800138000',
        email: 'risk@example.com',
        preferredChannel: 'phone',
      },
    });
    expect(res.statusCode).toBe(200);
    const after = (await get(tenant, '/v1/analytics/value-at-risk?limit=2')).json() as Risk;
    expect(after.items[0]).toMatchObject({
      customerId: first!.customerId,
      phone: '+8613800138000',
      email: 'risk@example.com',
      preferredChannel: 'phone',
    });
  });

  it('leaves an erased customer nameless in the value-at-risk list', async () => {
    type Risk = { items: { customerId: string; name: string | null }[] };
    const before = (await get(tenant, '/v1/analytics/value-at-risk?limit=3')).json() as Risk;
    const erased = before.items[0]!;
    expect(erased.name).not.toBeNull();
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${erased.customerId}`,
      headers: tenant.auth,
    });
    expect(res.statusCode).toBe(204);
    const after = (await get(tenant, '/v1/analytics/value-at-risk?limit=3')).json() as Risk;
    expect(after.items.find((i) => i.customerId === erased.customerId)?.name).toBeNull();
    expect(after.items.filter((i) => i.customerId !== erased.customerId)).toEqual(
      before.items.filter((i) => i.customerId !== erased.customerId),
    );
  });
});

describe('free purchases', () => {
  it("count like paid ones: every buyer is scored, in the cohort of the dashboard's first purchase", async () => {
    const tenant = await newTenant(t, 'Free purchases');
    await seed(tenant, 'f');
    const purchase = (id: string, customer: string, occurredAt: string, amount: number) => ({
      id,
      type: 'purchase',
      customerExternalId: customer,
      occurredAt,
      currency: 'CNY',
      amount,
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events:batch',
      headers: tenant.auth,
      payload: {
        events: [
          // a free first purchase (a gift, a promotion), paid ones months later
          purchase('free-1', 'gift-then-paid', '2025-02-10T10:00:00Z', 0),
          purchase('paid-1', 'gift-then-paid', '2025-10-10T10:00:00Z', 3_000),
          purchase('paid-2', 'gift-then-paid', '2025-11-10T10:00:00Z', 2_000),
          // only free purchases, one of them a repeat: no mean spend for Gamma-Gamma
          purchase('free-2', 'only-free', '2025-03-10T10:00:00Z', 0),
          purchase('free-3', 'only-free', '2025-04-10T10:00:00Z', 0),
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const job = await runScores(tenant);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ customers: 42, skippedPurchases: 0, warnings: [] });
    const cohorts = (await get(tenant, '/v1/analytics/cohorts')).json() as {
      cohorts: { cohort: string; size: number }[];
    };
    const overview = (
      await get(tenant, '/v1/overview?asOf=2025-12-31T15:59:59Z&currency=CNY')
    ).json() as { totalCustomers: number; months: { month: string; newCustomers: number }[] };
    expect(overview.totalCustomers).toBe(42);
    const newByMonth = overview.months
      .filter((m) => m.newCustomers > 0)
      .map((m) => ({ cohort: m.month, size: m.newCustomers }));
    expect(cohorts.cohorts.map(({ cohort, size }) => ({ cohort, size }))).toEqual(newByMonth);
  });
});

describe('a run whose models cannot be fitted', () => {
  it('stores and returns the warning as a code, with its English sentence', async () => {
    const tenant = await newTenant(t, 'One-off buyers');
    // Nobody buys twice: BG/NBD cannot be fitted.
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events:batch',
      headers: tenant.auth,
      payload: {
        events: [0, 1, 2].map((c) => ({
          id: `once-${c}`,
          type: 'purchase',
          customerExternalId: `once-customer-${c}`,
          occurredAt: `2025-0${c + 3}-10T10:00:00Z`,
          currency: 'CNY',
          amount: 1000 * (c + 1),
        })),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const job = await runScores(tenant);
    expect(job.status).toBe('succeeded');

    const tracking = await get(tenant, '/v1/analytics/model-tracking');
    expect(tracking.statusCode, tracking.body).toBe(200);
    const { run } = tracking.json() as ModelTracking;
    expect(run.bgnbd).toBeNull();
    const [warning, ...others] = run.structuredWarnings;
    expect(others).toEqual([]);
    expect(warning).toMatchObject({ code: 'bgnbd_not_fitted', detail: expect.any(String) });
    expect(warning!.message).toBe(`BG/NBD not fitted: ${warning!.detail}`);
    expect(run.warnings).toEqual([warning!.message]);
  });
});

describe('nightly schedule', () => {
  it('enqueues one run per tenant and local night, however many processes ask', async () => {
    const tenant = await newTenant(t, 'Nightly');
    const tenants = [{ id: tenant.tenantId, timeZone: 'Asia/Shanghai' }];
    // 20:00 UTC is 04:00 next day in Shanghai: past the 02:00 start.
    const night = new Date('2026-03-01T20:00:00Z');
    const results = await Promise.all([
      scheduleNightlyScoreRuns(t.database.db, tenants, night),
      scheduleNightlyScoreRuns(t.database.db, tenants, night),
      scheduleNightlyScoreRuns(t.database.db, tenants, new Date('2026-03-01T21:00:00Z')),
    ]);
    expect(results.flat()).toHaveLength(1);
    // 17:00 UTC is 01:00 in Shanghai: too early for the next night.
    expect(
      await scheduleNightlyScoreRuns(t.database.db, tenants, new Date('2026-03-02T17:00:00Z')),
    ).toHaveLength(0);
    expect(
      await scheduleNightlyScoreRuns(t.database.db, tenants, new Date('2026-03-02T19:00:00Z')),
    ).toHaveLength(1);
  });

  it('chains the next night: every run queues one run at the coming 02:00 local time', async () => {
    const tenant = await newTenant(t, 'Chain');
    const who = { id: tenant.tenantId, timeZone: 'Asia/Shanghai' };
    // 2026-05-10 15:00 in Shanghai: the next 02:00 is 2026-05-11, i.e. 2026-05-10T18:00Z.
    const now = new Date('2026-05-10T07:00:00Z');
    const ids = await Promise.all([
      scheduleNextNightlyRun(t.database.db, who, now),
      scheduleNextNightlyRun(t.database.db, who, now),
    ]);
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
    const jobId = ids.find((id) => id !== null)!;
    const job = await t.database.db
      .selectFrom('jobs')
      .select(['run_at', 'kind', 'status'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: 'scores.compute', status: 'queued' });
    expect(job.run_at.toISOString()).toBe('2026-05-10T18:00:00.000Z');
  });
});

describe('zonedInstant', () => {
  it.each([
    ['2026-03-02', 'Asia/Shanghai', '2026-03-01T18:00:00.000Z'],
    ['2026-11-24', 'America/New_York', '2026-11-24T07:00:00.000Z'],
    ['2026-07-01', 'America/New_York', '2026-07-01T06:00:00.000Z'],
    // 02:00 does not exist on the spring-forward night: the run moves to 03:00 EDT.
    ['2026-03-08', 'America/New_York', '2026-03-08T07:00:00.000Z'],
    ['2026-01-01', 'UTC', '2026-01-01T02:00:00.000Z'],
  ])('02:00 on %s in %s is %s', (date, zone, instant) => {
    expect(zonedInstant(date, 2, zone).toISOString()).toBe(instant);
  });
});
