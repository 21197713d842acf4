import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { loyaltyApi, runJobNow } from '../../test/loyalty-api.ts';
import { systemContext } from '../modules/platform/index.ts';
import { backfillLoyaltyFromEvents, createDemoProgram, createDemoRewards } from './loyalty.flow.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

async function sendBatch(tenant: { auth: Record<string, string> }, events: unknown[]) {
  const sent = await t.app.inject({
    method: 'POST',
    url: '/v1/events:batch',
    headers: tenant.auth,
    payload: { events },
  });
  expect(sent.statusCode, sent.body).toBe(200);
}

describe('demo program and backfill', () => {
  it('earns for every historical purchase and refund, once, and gives tiers', async () => {
    const tenant = await newTenant(t);
    const events = [
      {
        id: 'h1',
        type: 'purchase',
        customerExternalId: 'h-a',
        occurredAt: '2026-03-02T10:00:00Z',
        currency: 'USD',
        amount: 60_000,
      },
      {
        id: 'h2',
        type: 'purchase',
        customerExternalId: 'h-b',
        occurredAt: '2026-03-03T10:00:00Z',
        currency: 'USD',
        amount: 2_550,
      },
      {
        id: 'h3',
        type: 'refund',
        refundOf: 'h2',
        occurredAt: '2026-03-04T10:00:00Z',
        amount: 2_550,
      },
      {
        id: 'h4',
        type: 'purchase',
        customerExternalId: 'h-b',
        occurredAt: '2026-03-07T10:00:00Z',
        currency: 'USD',
        amount: 1_000,
      },
    ];
    await sendBatch(tenant, events);
    const db = t.database.db;
    const programId = await createDemoProgram(db, systemContext(tenant.tenantId));
    const run = () =>
      db.transaction().execute((trx) => backfillLoyaltyFromEvents(trx, tenant.tenantId, programId));
    expect(await run()).toEqual({ events: 4 });
    expect(await run()).toEqual({ events: 4 }); // read again, earned nothing twice
    const liability = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${programId}/liability`,
      headers: tenant.auth,
    });
    // 600 for h-a (a Monday); h2 earned 25 then was refunded; h4 on a Saturday earns 10 × 2.
    expect(liability.json()).toMatchObject({ issuedPoints: 620, members: 2 });
    const stats = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${programId}/stats`,
      headers: tenant.auth,
    });
    const tiers = (stats.json() as { tiers: { code: string | null; members: number }[] }).tiers;
    expect(tiers).toEqual(
      expect.arrayContaining([
        { code: 'gold', members: 1 },
        { code: 'member', members: 1 },
      ]),
    );
  });
});

describe('backfill tier reviews', () => {
  it('holds each review at its window’s end over that window, not at the load', async () => {
    const tenant = await newTenant(t);
    // Gold ($500 a year) reached in 2024 and earned again in 2025; less spent in 2026.
    await sendBatch(
      tenant,
      [
        ['r1', '2024-06-03T10:00:00Z', 60_000],
        ['r2', '2025-03-03T10:00:00Z', 70_000],
        ['r3', '2026-03-02T10:00:00Z', 10_000],
      ].map(([id, occurredAt, amount]) => ({
        id,
        type: 'purchase',
        customerExternalId: 'reviewed',
        occurredAt,
        currency: 'USD',
        amount,
      })),
    );
    const db = t.database.db;
    const programId = await createDemoProgram(db, systemContext(tenant.tenantId));
    await db
      .transaction()
      .execute((trx) => backfillLoyaltyFromEvents(trx, tenant.tenantId, programId));
    const get = async <T>(url: string) => {
      const res = await t.app.inject({ method: 'GET', url, headers: tenant.auth });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as T;
    };
    const base = `/v1/loyalty/programs/${programId}`;
    const { items } = await get<{ items: { customerId: string }[] }>(`${base}/members`);
    const customerId = items[0]!.customerId;
    const member = await get<{ enrolledAt: string; tier: { reviewAt: string } }>(
      `${base}/members/${customerId}`,
    );
    type Change = { at: string; kind: string; why: { why: string; value?: number } };
    const changesOf = async () =>
      (await get<{ tierChanges: Change[] }>(`${base}/members/${customerId}/lots`)).tierChanges;
    const reviews = (await changesOf()).filter((change) => change.kind === 'retain').reverse();
    const program = await get<{ timeZone: string }>(base);
    const newYear = (year: number) =>
      new Date(
        Date.parse(`${year}-01-01T00:00:00Z`) - offsetMs(program.timeZone, `${year}-01-01`),
      ).toISOString();
    // 1 January 2025 over 2024 ($600), 1 January 2026 over 2025 ($700): each after enrolment.
    expect(reviews.slice(0, 2)).toMatchObject([
      {
        at: newYear(2025),
        why: { why: 'kept', value: 60_000, window: { start: newYear(2024), end: newYear(2025) } },
      },
      {
        at: newYear(2026),
        why: { why: 'kept', value: 70_000, window: { start: newYear(2025), end: newYear(2026) } },
      },
    ]);
    for (const review of reviews) expect(review.at >= member.enrolledAt).toBe(true);
    expect(Date.parse(member.tier.reviewAt)).toBeGreaterThan(Date.now());
    // Nothing is left for the first sweep after the load to review.
    const before = await changesOf();
    await runJobNow(t, tenant.tenantId, 'loyalty.tier-review');
    expect(await changesOf()).toEqual(before);
  });
});

/** How far ahead of UTC `timeZone` is at midnight UTC of `day` (Asia/Shanghai: 8 hours). */
function offsetMs(timeZone: string, day: string): number {
  const at = new Date(`${day}T00:00:00Z`);
  const local = new Date(at.toLocaleString('en-US', { timeZone }) + ' UTC');
  return local.getTime() - at.getTime();
}

describe('backfill pages', () => {
  it('reads purchases of one millisecond once each, page after page', async () => {
    const tenant = await newTenant(t);
    // PostgreSQL keeps the microseconds a client sends; a cursor of a JS Date (milliseconds)
    // fell before the page's last row and read it again, for ever with pages this small.
    await sendBatch(
      tenant,
      ['123100', '123200', '123300', '123400', '123500'].map((micros, i) => ({
        id: `us-${i}`,
        type: 'purchase',
        customerExternalId: `us-${i % 2}`,
        occurredAt: `2026-03-02T10:00:00.${micros}Z`,
        currency: 'USD',
        amount: 1_000,
      })),
    );
    const programId = await createDemoProgram(t.database.db, systemContext(tenant.tenantId));
    const pages: number[] = [];
    const run = await t.database.db.transaction().execute((trx) =>
      backfillLoyaltyFromEvents(trx, tenant.tenantId, programId, {
        pageSize: 2,
        onPage: (events) => {
          pages.push(events);
          if (pages.length > 5) throw new Error(`read again: ${pages.join(', ')}`);
        },
      }),
    );
    expect(run).toEqual({ events: 5 });
    expect(pages).toEqual([2, 4, 5]);
  });
});

describe('demo rewards', () => {
  it('redeem after the points were available, so the balance never reads below zero', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    const day = 86_400_000;
    const now = new Date();
    // Ten customers, each with one purchase of $30–$300 on a Wednesday about 90 days ago (no
    // weekend double points), the last also with a recent one.
    const ago = new Date(now.getTime() - 90 * day);
    const wednesday = new Date(
      Date.UTC(
        ago.getUTCFullYear(),
        ago.getUTCMonth(),
        ago.getUTCDate() - ((ago.getUTCDay() + 4) % 7),
        4,
      ),
    );
    const events = Array.from({ length: 10 }, (_, i) => ({
      id: `dr-${i}`,
      type: 'purchase',
      customerExternalId: `dr-${i}`,
      occurredAt: wednesday.toISOString(),
      currency: 'USD',
      amount: 3_000 * (i + 1),
    }));
    events.push({
      ...events[9]!,
      id: 'dr-recent',
      occurredAt: new Date(now.getTime() - 5 * day).toISOString(),
    });
    await sendBatch(tenant, events);
    const db = t.database.db;
    const context = systemContext(tenant.tenantId);
    const programId = await createDemoProgram(db, context);
    await db
      .transaction()
      .execute((trx) => backfillLoyaltyFromEvents(trx, tenant.tenantId, programId));
    const seeded = await createDemoRewards(db, context, programId, { now, share: 1 });
    expect(seeded.rewards).toBe(4);
    // $100 or more buys at least the voucher: customers 3–9 (dr-2 has 90 points, dr-9 bought lately).
    expect(seeded.redemptions).toBe(6);
    const liability = await api.call<{ redeemedPoints: number }>(
      'GET',
      `/v1/loyalty/programs/${programId}/liability`,
    );
    expect(liability.redeemedPoints).toBeGreaterThanOrEqual(6 * 100);
    expect(await api.ledgerCheck(programId)).toMatchObject({ mismatches: [], accountsSum: 0 });
    // At every redemption's instant, and the day before, the member's balance was not negative.
    const redeemed = await sql<{ customer_id: string; at: Date }>`
      select customer_id, at from loyalty_entries
       where tenant_id = ${tenant.tenantId} and program_id = ${programId} and kind = 'redeem'`.execute(
      db,
    );
    expect(redeemed.rows).toHaveLength(6);
    for (const row of redeemed.rows) {
      for (const at of [row.at, new Date(row.at.getTime() - day)]) {
        const balance = await api.call<{ available: number; pending: number }>(
          'GET',
          `/v1/loyalty/programs/${programId}/members/${row.customer_id}/balance?at=${encodeURIComponent(at.toISOString())}`,
        );
        expect(balance.available).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe('segment multipliers on real events', () => {
  it('earn from POST /v1/events exactly as the dry run with the customer’s tags', async () => {
    const api = loyaltyApi(t, await newTenant(t));
    const programId = await api.createProgram({
      earnRules: [
        { kind: 'spend', id: 'base', points: 1, per: 100 },
        { kind: 'multiplier', id: 'vip', factor: 3, segments: ['vip', 'staff'] },
      ],
    });
    await api.createCustomer({ name: 'V', externalId: 'seg-vip', tags: ['vip'] });
    await api.createCustomer({ name: 'P', externalId: 'seg-plain', tags: ['newsletter'] });
    const occurredAt = '2026-05-05T10:00:00Z';
    const buy = (id: string, customerExternalId: string) =>
      api.event({
        id,
        type: 'purchase',
        customerExternalId,
        occurredAt,
        currency: 'CNY',
        amount: 12_345,
      });
    const vip = await buy('seg-1', 'seg-vip');
    const plain = await buy('seg-2', 'seg-plain');
    const dryRun = (segments: string[]) =>
      api.call<{ points: number; steps: unknown }>(
        'POST',
        `/v1/loyalty/programs/${programId}/dry-run`,
        { event: { type: 'purchase', occurredAt, amount: 12_345 }, segments },
      );
    const vipPreview = await dryRun(['vip']);
    expect(vipPreview.points).toBe(369);
    expect((await api.entries(programId, vip))[0]).toMatchObject({
      points: 369,
      explanation: { steps: vipPreview.steps },
    });
    expect((await api.entries(programId, plain))[0]).toMatchObject({
      points: 123,
      explanation: { steps: (await dryRun(['newsletter'])).steps },
    });
  });
});
