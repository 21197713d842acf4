import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { loyaltyApi } from '../../test/loyalty-api.ts';
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
