import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { runLoyaltyJob } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;

let sequence = 0;
const uniq = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${sequence++}`;

async function createProgram(tenant: Tenant, body: Record<string, unknown> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/loyalty/programs',
    headers: tenant.auth,
    payload: {
      name: 'Points',
      currency: 'CNY',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
      pendingDays: 0,
      ...body,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; earnRules: { id: string }[]; rulesVersion: number };
}

async function purchase(
  tenant: Tenant,
  input: {
    id?: string;
    customer: string;
    amount: number;
    lines?: { sku: string; category?: string; quantity: number; amount: number }[];
    occurredAt?: string;
  },
) {
  const id = input.id ?? uniq('order');
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: tenant.auth,
    payload: {
      id,
      type: 'purchase',
      customerExternalId: input.customer,
      occurredAt: input.occurredAt ?? '2026-11-02T03:00:00Z',
      currency: 'CNY',
      amount: input.amount,
      ...(input.lines ? { lines: input.lines } : {}),
    },
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return { id, customerId: (res.json() as { customerId: string }).customerId };
}

async function refund(
  tenant: Tenant,
  input: {
    refundOf: string;
    amount: number;
    lines?: { lineNo: number; amount: number; quantity?: number }[];
    occurredAt?: string;
  },
) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: tenant.auth,
    payload: {
      id: uniq('refund'),
      type: 'refund',
      refundOf: input.refundOf,
      occurredAt: input.occurredAt ?? '2026-11-03T03:00:00Z',
      amount: input.amount,
      ...(input.lines ? { lines: input.lines } : {}),
    },
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

interface MemberView {
  programId: string;
  available: number;
  pending: number;
  debt: number;
  lifetimeEarned: number;
  tier: { code: string } | null;
  progress: { value: number; remaining: number; nextTier: { code: string } | null } | null;
}

async function loyaltyOf(tenant: Tenant, customerId: string): Promise<MemberView[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/customers/${customerId}/loyalty`,
    headers: tenant.auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { programs: MemberView[] }).programs;
}

async function memberOf(tenant: Tenant, programId: string, customerId: string) {
  const found = (await loyaltyOf(tenant, customerId)).find((p) => p.programId === programId);
  if (!found) throw new Error('not a member');
  return found;
}

function redeem(
  tenant: Tenant,
  programId: string,
  body: { customerId: string; points?: number; idempotencyKey: string; rewardId?: string },
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/loyalty/programs/${programId}/redemptions`,
    headers: tenant.auth,
    payload: body,
  });
}

async function ledgerCheck(tenant: Tenant, programId: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/loyalty/programs/${programId}/ledger-check`,
    headers: tenant.auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    mismatches: unknown[];
    accountsSum: number;
    members: number;
    orphans: { lots: number; entries: number; redemptions: number };
  };
}

async function entriesOf(tenant: Tenant, programId: string, customerId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/loyalty/programs/${programId}/members/${customerId}/entries?limit=200`,
    headers: tenant.auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json() as {
      items: {
        kind: string;
        points: number;
        debit: string;
        credit: string;
        eventId: string | null;
        explanation: Record<string, unknown>;
      }[];
    }
  ).items;
}

describe('programs', () => {
  it('creates a program with the partner contract shape and lists it', async () => {
    const tenant = await newTenant(t);
    const created = await createProgram(tenant);
    expect(created).toMatchObject({
      id: expect.any(String),
      rulesVersion: 1,
      earnRules: [{ kind: 'spend', points: 1, per: 100, id: 'r1' }],
    });
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/loyalty/programs',
      headers: tenant.auth,
    });
    expect((list.json() as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([
      created.id,
    ]);
  });

  it.each([
    [{ name: 'x', currency: 'cny', earnRules: [] }, 'currency'],
    [
      { name: 'x', currency: 'CNY', earnRules: [{ kind: 'spend', points: 0, per: 100 }] },
      'earnRules[0].points',
    ],
    [{ name: 'x', currency: 'CNY', earnRules: [], bogus: 1 }, 'bogus'],
    [{ name: 'x', currency: 'CNY', earnRules: [{ kind: 'nope' }] }, 'earnRules[0].kind'],
  ])('rejects bad input %j with the field, creating nothing', async (payload, field) => {
    const tenant = await newTenant(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/loyalty/programs',
      headers: tenant.auth,
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json() as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.field).join(' ')).toContain(field);
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/loyalty/programs',
      headers: tenant.auth,
    });
    expect((list.json() as { items: unknown[] }).items).toEqual([]);
  });

  it('rejects rules that reference unknown rules or tiers (422 RULE_INVALID with field)', async () => {
    const tenant = await newTenant(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/loyalty/programs',
      headers: tenant.auth,
      payload: {
        name: 'x',
        currency: 'CNY',
        earnRules: [{ kind: 'multiplier', factor: 2, appliesTo: ['ghost'] }],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'RULE_INVALID',
      errors: [{ field: 'earnRules[0].appliesTo[0]' }],
    });
  });

  it('versions rules; the dry run explains without writing', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/v1/loyalty/programs/${program.id}/rules`,
      headers: tenant.auth,
      payload: {
        earnRules: [
          { kind: 'spend', id: 'base', points: 1, per: 100 },
          { kind: 'spend', id: 'books', points: 2, per: 100, categories: ['books'] },
          { kind: 'multiplier', id: 'monday', factor: 2, weekdays: [1], appliesTo: ['base'] },
        ],
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ rulesVersion: 2 });
    const dry = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/dry-run`,
      headers: tenant.auth,
      payload: {
        event: {
          type: 'purchase',
          occurredAt: '2026-11-23T04:00:00Z', // a Monday in Shanghai
          amount: 10_000,
          lines: [
            { sku: 'b1', category: 'books', quantity: 1, amount: 3_000 },
            { sku: 'm1', category: 'music', quantity: 1, amount: 7_000 },
          ],
        },
      },
    });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({
      points: 260,
      rulesVersion: 2,
      steps: [
        {
          ruleId: 'base',
          basePoints: 100,
          multipliers: [{ ruleId: 'monday', factor: 2 }],
          points: 200,
        },
        { ruleId: 'books', basePoints: 60, multipliers: [], points: 60 },
      ],
    });
    const versions = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/rules/versions`,
      headers: tenant.auth,
    });
    expect(
      (versions.json() as { items: { version: number }[] }).items.map((v) => v.version),
    ).toEqual([2, 1]);
  });

  it('keeps tenants apart', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const program = await createProgram(a);
    const { customerId } = await purchase(a, { customer: 'iso-1', amount: 5_000 });
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}`,
      headers: b.auth,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'PROGRAM_NOT_FOUND' });
    const loyalty = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${customerId}/loyalty`,
      headers: b.auth,
    });
    expect(loyalty.statusCode).toBe(404);
    const steal = await redeem(b, program.id, { customerId, points: 1, idempotencyKey: 'k' });
    expect(steal.statusCode).toBe(404);
    expect((await memberOf(a, program.id, customerId)).available).toBe(50);
  });
});

describe('earning from events', () => {
  it('earns in every active program, exactly once per event, and explains why', async () => {
    const tenant = await newTenant(t);
    const p1 = await createProgram(tenant);
    const p2 = await createProgram(tenant, {
      name: 'Double',
      earnRules: [
        { kind: 'spend', id: 'base', points: 2, per: 100 },
        {
          kind: 'multiplier',
          id: 'promo',
          factor: 1.5,
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
        },
      ],
    });
    const order = await purchase(tenant, { customer: 'earn-1', amount: 12_345 });
    // The same event again: a duplicate, no second earning.
    await purchase(tenant, { id: order.id, customer: 'earn-1', amount: 12_345 });
    const programs = await loyaltyOf(tenant, order.customerId);
    expect(programs.find((p) => p.programId === p1.id)).toMatchObject({
      available: 123,
      pending: 0,
      lifetimeEarned: 123,
    });
    expect(programs.find((p) => p.programId === p2.id)).toMatchObject({ available: 369 });
    const entries = await entriesOf(tenant, p2.id, order.customerId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'earn',
      points: 369,
      debit: 'program_issued',
      credit: 'member_available',
      eventId: order.id,
      explanation: {
        eventId: order.id,
        rulesVersion: 1,
        steps: [
          {
            ruleId: 'base',
            basis: { kind: 'spend', points: 2, per: 100, amount: 12_345, matchingLines: false },
            basePoints: 246,
            multipliers: [{ ruleId: 'promo', factor: 1.5 }],
            points: 369,
          },
        ],
      },
    });
  });

  it('refunds reverse exactly the refunded lines’ points, cumulatively', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      earnRules: [
        { kind: 'spend', id: 'base', points: 1, per: 100 },
        { kind: 'spend', id: 'books', points: 4, per: 100, categories: ['books'] },
      ],
    });
    const order = await purchase(tenant, {
      customer: 'refund-1',
      amount: 10_000,
      lines: [
        { sku: 'b', category: 'books', quantity: 1, amount: 4_000 },
        { sku: 'm', category: 'music', quantity: 1, amount: 6_000 },
      ],
    });
    // base 100 (40 + 60 by line), books 160 → book line 200, music line 60.
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(260);
    await refund(tenant, {
      refundOf: order.id,
      amount: 2_000,
      lines: [{ lineNo: 1, amount: 2_000 }],
    });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(160);
    await refund(tenant, {
      refundOf: order.id,
      amount: 2_000,
      lines: [{ lineNo: 1, amount: 2_000 }],
    });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(60);
    await refund(tenant, {
      refundOf: order.id,
      amount: 6_000,
      lines: [{ lineNo: 2, amount: 6_000 }],
    });
    const member = await memberOf(tenant, program.id, order.customerId);
    expect(member).toMatchObject({ available: 0, lifetimeEarned: 0 });
    const reversals = (await entriesOf(tenant, program.id, order.customerId)).filter(
      (e) => e.kind === 'reverse',
    );
    expect(reversals.map((e) => e.points).sort((a, b) => a - b)).toEqual([60, 100, 100]);
    expect(reversals[0]?.explanation).toMatchObject({
      why: 'refund',
      refundOf: order.id,
      policy: 'clawback',
    });
  });

  it('points per item come back with the items, also free ones', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      earnRules: [
        { kind: 'spend', id: 'base', points: 1, per: 100 },
        { kind: 'item', id: 'gift', points: 100, skus: ['GIFT'] },
      ],
    });
    const order = await purchase(tenant, {
      customer: 'free-items',
      amount: 1_000,
      lines: [
        { sku: 'X', quantity: 2, amount: 1_000 },
        { sku: 'GIFT', quantity: 5, amount: 0 },
      ],
    });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(510);
    // Half of the paid item's money and two of the five free ones: 5 + 200 points back.
    await refund(tenant, {
      refundOf: order.id,
      amount: 500,
      lines: [
        { lineNo: 1, amount: 500, quantity: 1 },
        { lineNo: 2, amount: 0, quantity: 2 },
      ],
    });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(305);
    await refund(tenant, {
      refundOf: order.id,
      amount: 500,
      lines: [
        { lineNo: 1, amount: 500, quantity: 1 },
        { lineNo: 2, amount: 0, quantity: 3 },
      ],
    });
    expect(await memberOf(tenant, program.id, order.customerId)).toMatchObject({
      available: 0,
      lifetimeEarned: 0,
    });
    expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
  });

  it('small refunds give a capped rule back only its share, never more than it used', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      earnRules: [
        { kind: 'spend', id: 'base', points: 1, per: 10 },
        { kind: 'spend', id: 'bonus', points: 1, per: 10, cap: { perDay: 50 } },
      ],
    });
    const bonus: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const order = await purchase(tenant, {
        customer: 'capped',
        amount: 10_000,
        occurredAt: `2026-11-02T0${i}:00:00Z`,
      });
      await refund(tenant, {
        refundOf: order.id,
        amount: 100,
        occurredAt: `2026-11-02T0${i}:30:00Z`,
      });
      const earning = (await entriesOf(tenant, program.id, order.customerId)).find(
        (e) => e.kind === 'earn' && e.eventId === order.id,
      );
      const steps = (earning?.explanation as { steps: { ruleId: string; points: number }[] }).steps;
      bonus.push(steps.find((step) => step.ruleId === 'bonus')?.points ?? 0);
    }
    // The 1 % refund reverses 11 of the first purchase's 1,050 points; the bonus's share of
    // them is half a point, rounded down to nothing: the day's bonus stays used up (it was
    // given back 11 points each time, and paid 83 in a day against a cap of 50).
    expect(bonus).toEqual([50, 0, 0, 0]);
    expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
  });

  it('refund of spent points: clawback takes other lots, negative books a debt, never silently', async () => {
    for (const policy of ['clawback', 'negative'] as const) {
      const tenant = await newTenant(t);
      const program = await createProgram(tenant, { refundPolicy: policy });
      const first = await purchase(tenant, { customer: `spent-${policy}`, amount: 10_000 });
      await purchase(tenant, { customer: `spent-${policy}`, amount: 3_000 });
      const spent = await redeem(tenant, program.id, {
        customerId: first.customerId,
        points: 120,
        idempotencyKey: 'spend-all-but-10',
      });
      expect(spent.statusCode, spent.body).toBe(201);
      await refund(tenant, { refundOf: first.id, amount: 10_000 });
      const member = await memberOf(tenant, program.id, first.customerId);
      // 10 points were left (on the second purchase's lot): the balance shows the shortfall.
      expect(member.available).toBe(-90);
      expect(member.debt).toBe(policy === 'clawback' ? 90 : 100);
      const reversal = (await entriesOf(tenant, program.id, first.customerId)).filter(
        (e) => e.kind === 'reverse',
      );
      const explained = reversal[0]?.explanation as {
        negative: number;
        policy: string;
        note: string;
        clawedBack: { points: number }[];
      };
      expect(explained.policy).toBe(policy);
      expect(explained.negative).toBe(policy === 'clawback' ? 90 : 100);
      expect(explained.clawedBack.map((c) => c.points)).toEqual(policy === 'clawback' ? [10] : []);
      expect(explained.note).toContain('negative balance');
      expect(reversal.reduce((a, e) => a + e.points, 0)).toBe(100);
      // The next purchase pays the debt back first.
      await purchase(tenant, { customer: `spent-${policy}`, amount: 20_000 });
      expect(await memberOf(tenant, program.id, first.customerId)).toMatchObject({
        available: 110,
        debt: 0,
      });
      expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
    }
  });
});

describe('redemptions', () => {
  it('201 once; same key + body replays the first result; different body 409; insufficient 409', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, { expiry: { kind: 'rolling', months: 12 } });
    const old = await purchase(tenant, {
      customer: 'r-1',
      amount: 5_000,
      occurredAt: '2026-01-05T00:00:00Z',
    });
    await purchase(tenant, { customer: 'r-1', amount: 5_000, occurredAt: '2026-06-05T00:00:00Z' });
    const body = { customerId: old.customerId, points: 70, idempotencyKey: 'order-77' };
    const first = await redeem(tenant, program.id, body);
    expect(first.statusCode, first.body).toBe(201);
    const result = first.json() as {
      lots: { lotId: string; points: number }[];
      balance: { available: number };
    };
    // Soonest-expiring (the January lot) first.
    expect(result.lots.map((l) => l.points)).toEqual([50, 20]);
    expect(result.balance.available).toBe(30);
    // The history shows the redemption once, with both lots' entries inside.
    const spends = (await entriesOf(tenant, program.id, old.customerId)).filter(
      (e) => e.kind === 'redeem',
    );
    expect(spends).toEqual([
      expect.objectContaining({
        points: 70,
        explanation: expect.objectContaining({ why: 'redemption', idempotencyKey: 'order-77' }),
        lots: result.lots.map(({ lotId, points }) => expect.objectContaining({ lotId, points })),
      }),
    ]);
    const again = await redeem(tenant, program.id, body);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const conflict = await redeem(tenant, program.id, { ...body, points: 71 });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    const tooMuch = await redeem(tenant, program.id, {
      ...body,
      points: 31,
      idempotencyKey: 'order-78',
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    expect((await memberOf(tenant, program.id, old.customerId)).available).toBe(30);
  });

  it('a retry the balance could still pay answers the first result and spends nothing more', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'retry-1', amount: 10_000 }); // 100 points
    const body = { customerId: order.customerId, points: 10, idempotencyKey: 'retry-order' };
    const first = await redeem(tenant, program.id, body);
    expect(first.statusCode, first.body).toBe(201);
    // Alone, and in a burst with new keys: each time the first answer, never a second spend.
    const again = await redeem(tenant, program.id, body);
    expect(again.json()).toEqual(first.json());
    const burst = await Promise.all([
      redeem(tenant, program.id, body),
      redeem(tenant, program.id, { ...body, idempotencyKey: 'retry-new-1' }),
      redeem(tenant, program.id, { ...body, idempotencyKey: 'retry-new-2' }),
    ]);
    expect(burst.map((reply) => reply.statusCode)).toEqual([201, 201, 201]);
    expect(burst[0]!.json()).toEqual(first.json());
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(70);
    expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
  });

  it('50 parallel redemptions against one member never overdraw', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'race-1', amount: 2_000 }); // 20 points
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        redeem(tenant, program.id, {
          customerId: order.customerId,
          points: 1,
          idempotencyKey: `race-${i}`,
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(20);
    expect(codes.filter((c) => c === 409)).toHaveLength(30);
    expect(
      results
        .filter((r) => r.statusCode === 409)
        .every((r) => (r.json() as { code: string }).code === 'INSUFFICIENT_POINTS'),
    ).toBe(true);
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(0);
    expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
  });

  it('concurrent redemptions of many members share transactions, each answered on its own', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const buyers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        purchase(tenant, { customer: `group-${i}`, amount: 1_000 }),
      ),
    ); // 10 points each
    const earlier = await redeem(tenant, program.id, {
      customerId: buyers[0]!.customerId,
      points: 2,
      idempotencyKey: 'group-earlier',
    });
    expect(earlier.statusCode).toBe(201);
    const bodies = [
      ...buyers.flatMap((buyer, i) =>
        [0, 1, 2].map((n) => ({
          customerId: buyer.customerId,
          points: 3,
          idempotencyKey: `group-${i}-${n}`,
        })),
      ),
      { customerId: buyers[1]!.customerId, points: 3, idempotencyKey: 'group-1-0' }, // retry
      { customerId: buyers[2]!.customerId, points: 4, idempotencyKey: 'group-2-0' }, // other body
      { customerId: buyers[0]!.customerId, points: 2, idempotencyKey: 'group-earlier' }, // replay
      { customerId: buyers[3]!.customerId, points: 50, idempotencyKey: 'group-too-much' },
    ];
    const replies = await Promise.all(bodies.map((body) => redeem(tenant, program.id, body)));
    const codes = replies.map((reply) => reply.statusCode);
    // Buyer 0 had 8 points left: two of its three redemptions of 3 pass; the others all three.
    expect(codes.slice(0, 3).filter((code) => code === 201)).toHaveLength(2);
    expect(codes.slice(3, 18).every((code) => code === 201)).toBe(true);
    const refused = replies.slice(0, 3).find((reply) => reply.statusCode !== 201);
    expect(refused?.json()).toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    expect(codes[18]).toBe(201);
    expect(replies[18]!.json()).toEqual(replies[3]!.json());
    expect(codes[19]).toBe(409);
    expect(replies[19]!.json()).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(replies[20]!.json()).toEqual(earlier.json());
    expect(codes[21]).toBe(409);
    expect(replies[21]!.json()).toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    expect((await memberOf(tenant, program.id, buyers[0]!.customerId)).available).toBe(2);
    for (const buyer of buyers.slice(1))
      expect((await memberOf(tenant, program.id, buyer.customerId)).available).toBe(1);
    expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
    const audited = await sql<{ n: number }>`
      select count(*)::int as n from audit_log
       where tenant_id = ${tenant.tenantId} and action = 'loyalty.points.redeemed'`.execute(
      t.database.db,
    );
    expect(audited.rows[0]!.n).toBe(1 + 17);
  });

  it('the ledger check counts lots, entries and redemptions whose member does not exist', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    await purchase(tenant, { customer: 'orphan-check', amount: 1_000 });
    expect((await ledgerCheck(tenant, program.id)).orphans).toEqual({
      lots: 0,
      entries: 0,
      redemptions: 0,
    });
    // No foreign key stops these (migration 0309): only the ledger writes such rows, under the
    // member's lock. Written by hand here, the check must see them.
    const stranger = crypto.randomUUID();
    const ids = { tenant: tenant.tenantId, program: program.id };
    await sql`
      insert into loyalty_lots (tenant_id, program_id, id, customer_id, source, points, remaining,
        status, earned_at, available_at)
      values (${ids.tenant}, ${ids.program}, ${crypto.randomUUID()}, ${stranger}, 'purchase', 5, 5,
        'available', now(), now())`.execute(t.database.db);
    await sql`
      insert into loyalty_entries (tenant_id, program_id, id, customer_id, at, kind,
        debit_account, credit_account, points)
      values (${ids.tenant}, ${ids.program}, ${crypto.randomUUID()}, ${stranger}, now(), 'earn',
        'program_issued', 'member_available', 5)`.execute(t.database.db);
    await sql`
      insert into loyalty_redemptions (tenant_id, program_id, id, customer_id, idempotency_key,
        request_hash, points, created_at)
      values (${ids.tenant}, ${ids.program}, ${crypto.randomUUID()}, ${stranger}, 'orphan', 'x', 5,
        now())`.execute(t.database.db);
    expect((await ledgerCheck(tenant, program.id)).orphans).toEqual({
      lots: 1,
      entries: 1,
      redemptions: 1,
    });
  });

  it('rewards: cost, stock, per-member limit and tier restrictions', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'rw-1', amount: 100_000 });
    const created = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/rewards`,
      headers: tenant.auth,
      payload: { name: 'Mug', pointsCost: 100, stock: 2, perMemberLimit: 1 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const rewardId = (created.json() as { id: string }).id;
    const ok = await redeem(tenant, program.id, {
      customerId: order.customerId,
      rewardId,
      idempotencyKey: 'mug-1',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ points: 100, rewardId });
    const limit = await redeem(tenant, program.id, {
      customerId: order.customerId,
      rewardId,
      idempotencyKey: 'mug-2',
    });
    expect(limit.statusCode).toBe(409);
    expect(limit.json()).toMatchObject({ code: 'REWARD_UNAVAILABLE' });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(900);
    // The price changes; a retry of the first redemption, as sent, still gets its answer.
    const repriced = await t.app.inject({
      method: 'PATCH',
      url: `/v1/loyalty/programs/${program.id}/rewards/${rewardId}`,
      headers: tenant.auth,
      payload: { pointsCost: 150 },
    });
    expect(repriced.statusCode, repriced.body).toBe(200);
    const retry = await redeem(tenant, program.id, {
      customerId: order.customerId,
      rewardId,
      idempotencyKey: 'mug-1',
    });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json()).toMatchObject({ id: ok.json().id, points: 100 });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(900);
  });

  it('an action award once per key; the same key with another action is a conflict', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      earnRules: [
        { kind: 'action', id: 'review', action: 'review', points: 20 },
        { kind: 'action', id: 'survey', action: 'survey_answered', points: 50 },
      ],
    });
    const order = await purchase(tenant, { customer: 'act-1', amount: 100 });
    const award = (action: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${program.id}/actions`,
        headers: tenant.auth,
        payload: { customerId: order.customerId, action, idempotencyKey: 'act-key-1' },
      });
    const first = await award('review');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ points: 20, replayed: false });
    expect((await award('review')).json()).toMatchObject({ points: 20, replayed: true });
    const other = await award('survey_answered');
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      errors: [{ field: 'idempotencyKey', reason: 'reused' }],
    });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(20);
  });
});

describe('coupons', () => {
  it('a reward hands out single-use codes from its pool; a code is used once', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'cp-1', amount: 100_000 });
    const reward = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/rewards`,
      headers: tenant.auth,
      payload: { name: '10% off', pointsCost: 50 },
    });
    const rewardId = (reward.json() as { id: string }).id;
    const pool = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/rewards/${rewardId}/coupons`,
      headers: tenant.auth,
      payload: { codes: ['SAVE-0001', 'SAVE-0002', 'SAVE-0001'] },
    });
    expect(pool.statusCode, pool.body).toBe(201);
    expect(pool.json()).toEqual({ added: 2, duplicates: 1, available: 2 });
    const codes: string[] = [];
    for (const key of ['c1', 'c2']) {
      const res = await redeem(tenant, program.id, {
        customerId: order.customerId,
        rewardId,
        idempotencyKey: key,
      });
      expect(res.statusCode, res.body).toBe(201);
      codes.push((res.json() as { coupon: { code: string } }).coupon.code);
    }
    expect(codes.sort()).toEqual(['SAVE-0001', 'SAVE-0002']);
    const empty = await redeem(tenant, program.id, {
      customerId: order.customerId,
      rewardId,
      idempotencyKey: 'c3',
    });
    expect(empty.statusCode).toBe(409);
    expect(empty.json()).toMatchObject({ code: 'REWARD_UNAVAILABLE' });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(900);
    const use = () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${program.id}/coupons/SAVE-0001/use`,
        headers: tenant.auth,
      });
    const first = await use();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'used', customerId: order.customerId });
    const second = await use();
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      code: 'CONFLICT',
      errors: [{ field: 'code', message: 'already used', reason: 'already_used' }],
    });

    // The till's retry after a lost answer, with an Idempotency-Key: the first 200 again.
    const useWithKey = (code: string, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${program.id}/coupons/${code}/use`,
        headers: { ...tenant.auth, 'idempotency-key': key },
      });
    const keyed = await useWithKey('SAVE-0002', 'till-7-sale-88');
    expect(keyed.statusCode, keyed.body).toBe(200);
    const retried = await useWithKey('SAVE-0002', 'till-7-sale-88');
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.json()).toEqual(keyed.json());
    // Another till's key is another use: refused, the code being used.
    expect((await useWithKey('SAVE-0002', 'till-8-sale-3')).statusCode).toBe(409);
    // A key is the code's: the same key on a used code is that code's own (refused) use.
    expect((await useWithKey('SAVE-0001', 'till-7-sale-88')).statusCode).toBe(409);
  });

  it('a code of the pool that nobody was given is refused with a reason, and stays available', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const reward = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/rewards`,
      headers: tenant.auth,
      payload: { name: '5% off', pointsCost: 10 },
    });
    const rewardId = (reward.json() as { id: string }).id;
    const pool = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/rewards/${rewardId}/coupons`,
      headers: tenant.auth,
      payload: { codes: ['IDLE-0001'] },
    });
    expect(pool.statusCode, pool.body).toBe(201);
    const use = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/coupons/IDLE-0001/use`,
      headers: tenant.auth,
    });
    expect(use.statusCode).toBe(409);
    expect(use.json()).toMatchObject({
      code: 'CONFLICT',
      errors: [{ field: 'code', message: 'not issued to anyone', reason: 'not_issued' }],
    });
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/rewards/${rewardId}/coupons`,
      headers: tenant.auth,
    });
    expect(listed.json()).toMatchObject({ items: [{ code: 'IDLE-0001', status: 'available' }] });
  });
});

describe('partners', () => {
  it('a partner earns and burns with its own key, once per reference; settlement per partner', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'pt-1', amount: 10_000 });
    const created = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/partners`,
      headers: tenant.auth,
      payload: { name: 'Airline' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id: partnerId, apiKey } = created.json() as { id: string; apiKey: string };
    const partnerAuth = { authorization: `Bearer ${apiKey}` };
    const send = (payload: Record<string, unknown>, headers = partnerAuth) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${program.id}/partner-transactions`,
        headers,
        payload: { customerId: order.customerId, ...payload },
      });
    expect((await send({ type: 'earn', points: 500, reference: 'flight-1' })).statusCode).toBe(201);
    const replay = await send({ type: 'earn', points: 500, reference: 'flight-1' });
    expect(replay.json()).toMatchObject({ replayed: true });
    expect((await send({ type: 'burn', points: 300, reference: 'seat-1' })).statusCode).toBe(201);
    const over = await send({ type: 'burn', points: 10_000, reference: 'seat-2' });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    // The tenant's own key is not a partner.
    expect((await send({ type: 'earn', points: 1, reference: 'x' }, tenant.auth)).statusCode).toBe(
      403,
    );
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(100 + 500 - 300);
    const settlement = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/partners/${partnerId}/settlement`,
      headers: tenant.auth,
    });
    expect(settlement.json()).toMatchObject({
      earnedPoints: 500,
      burnedPoints: 300,
      netPoints: -200,
      netMinor: -200,
      currency: 'CNY',
    });
    expect(await ledgerCheck(tenant, program.id)).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });
  });

  it('refuses client keys and event ids in the partners’ namespace: a partner’s reference stays its own', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'pk-1', amount: 100_000 });
    const created = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/partners`,
      headers: tenant.auth,
      payload: { name: 'Airline' },
    });
    const { id: partnerId, apiKey } = created.json() as { id: string; apiKey: string };
    const taken = `partner:${partnerId}:seat-9`;
    const refused = (field: string, prefix: string) => ({
      code: 'VALIDATION_FAILED',
      errors: expect.arrayContaining([
        expect.objectContaining({
          field,
          reason: 'invalid_format',
          params: { format: 'client_key', prefix },
        }),
      ]),
    });
    // Every loyalty write a client keys: the key is refused before anything else is looked at.
    const base = `/v1/loyalty/programs/${program.id}`;
    const member = `${base}/members/${order.customerId}`;
    for (const [url, payload] of [
      [`${base}/redemptions`, { customerId: order.customerId, points: 100 }],
      [`${member}/adjustments`, { points: 100, reason: 'goodwill' }],
      [`${base}/actions`, { customerId: order.customerId, action: 'review' }],
      [`${member}/wallet/spend`, { amount: 100 }],
      [`${base}/rewards/${order.customerId}/coupons`, { codes: ['ABCD-1234'] }],
      ['/v1/public/loyalty/member/redemptions', { token: 'x'.repeat(20), rewardId: partnerId }],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: tenant.auth,
        payload: { ...payload, idempotencyKey: taken },
      });
      expect(res.statusCode, `${url} ${res.body}`).toBe(400);
      expect(res.json(), url).toMatchObject(refused('idempotencyKey', 'partner:'));
    }
    // A purchase's points are kept under its event id, beside the ledger's own ids.
    for (const [eventId, prefix] of [
      [`partner:${partnerId}:flight-9`, 'partner:'],
      ['adjust:complaint-7', 'adjust:'],
      [`birthday:${order.customerId}:2026`, 'birthday:'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: tenant.auth,
        payload: {
          id: eventId,
          type: 'purchase',
          customerId: order.customerId,
          occurredAt: '2026-11-02T03:00:00Z',
          currency: 'CNY',
          amount: 5_000,
        },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject(refused('id', prefix!));
    }
    // The partner's own references work as if no one had tried them.
    const send = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `${base}/partner-transactions`,
        headers: { authorization: `Bearer ${apiKey}` },
        payload: { customerId: order.customerId, ...payload },
      });
    const burn = await send({ type: 'burn', points: 300, reference: 'seat-9' });
    expect(burn.statusCode, burn.body).toBe(201);
    expect(burn.json()).toMatchObject({ points: 300, replayed: false });
    const earn = await send({ type: 'earn', points: 500, reference: 'flight-9' });
    expect(earn.statusCode, earn.body).toBe(201);
    expect(earn.json()).toMatchObject({ points: 500, replayed: false });
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(
      1_000 - 300 + 500,
    );
  });

  it('a partner key may record its transactions and read its settlement, nothing else', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const other = await createProgram(tenant, { name: 'Other program' });
    const order = await purchase(tenant, { customer: 'ps-1', amount: 10_000 });
    const addPartner = async (programId: string, name: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${programId}/partners`,
        headers: tenant.auth,
        payload: { name },
      });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json() as { id: string; apiKey: string };
      return { id: body.id, auth: { authorization: `Bearer ${body.apiKey}` } };
    };
    const airline = await addPartner(program.id, 'Airline');
    const hotel = await addPartner(program.id, 'Hotel');
    await addPartner(other.id, 'Bank');
    const call = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: airline.auth, ...(payload ? { payload } : {}) });
    const base = `/v1/loyalty/programs/${program.id}`;
    const refused = [
      await call('GET', '/v1/customers'),
      await call('GET', `/v1/customers/${order.customerId}/loyalty`),
      await call('GET', `${base}/members`),
      await call('GET', `${base}/members/export.csv`),
      await call('GET', `${base}/liability`),
      await call('POST', '/v1/events', {
        id: 'partner-purchase',
        type: 'purchase',
        customerId: order.customerId,
        occurredAt: '2026-01-01T00:00:00Z',
        currency: 'CNY',
        amount: 100_000,
      }),
      await call('POST', `${base}/redemptions`, {
        customerId: order.customerId,
        points: 10,
        idempotencyKey: 'p-r',
      }),
      await call('POST', `/v1/loyalty/programs/${other.id}/partner-transactions`, {
        type: 'earn',
        customerId: order.customerId,
        points: 10,
        reference: 'elsewhere',
      }),
    ];
    for (const res of refused) expect(res.statusCode, res.body).toBe(403);
    // Its own settlement, not another partner's.
    expect((await call('GET', `${base}/partners/${airline.id}/settlement`)).statusCode).toBe(200);
    expect((await call('GET', `${base}/partners/${hotel.id}/settlement`)).statusCode).toBe(404);

    // Points move when recorded: a backdated earning counts in today's settlement, and a
    // transaction dated ahead of the clock is refused.
    const backdated = await call('POST', `${base}/partner-transactions`, {
      type: 'earn',
      customerId: order.customerId,
      points: 1_000,
      reference: 'old-flight',
      occurredAt: '2001-01-01T00:00:00Z',
    });
    expect(backdated.statusCode, backdated.body).toBe(201);
    const from = new Date(Date.now() - 60_000).toISOString();
    const settlement = await call('GET', `${base}/partners/${airline.id}/settlement?from=${from}`);
    expect(settlement.json()).toMatchObject({ earnedPoints: 1_000 });
    const ahead = await call('POST', `${base}/partner-transactions`, {
      type: 'earn',
      customerId: order.customerId,
      points: 1_000,
      reference: 'future-flight',
      occurredAt: new Date(Date.now() + 60 * 60_000).toISOString(),
    });
    expect(ahead.statusCode).toBe(400);
    expect(ahead.json()).toMatchObject({
      errors: [{ field: 'occurredAt', reason: 'in_future', params: { toleranceMinutes: 15 } }],
    });
    const now = await t.app.inject({
      method: 'GET',
      url: `${base}/members/${order.customerId}/balance?at=${new Date().toISOString()}`,
      headers: tenant.auth,
    });
    expect(now.json()).toMatchObject({ available: 100 + 1_000 });
  });
});

describe('cashback wallet', () => {
  it('credits cashback per purchase, reverses it on refund, spends once per key, never below zero', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, { cashback: { rateBasisPoints: 250 } });
    const order = await purchase(tenant, { customer: 'cb-1', amount: 10_000 });
    await purchase(tenant, { customer: 'cb-1', amount: 4_000 });
    expect(await memberOf(tenant, program.id, order.customerId)).toMatchObject({ wallet: 350 });
    await refund(tenant, { refundOf: order.id, amount: 5_000 });
    expect(await memberOf(tenant, program.id, order.customerId)).toMatchObject({ wallet: 225 });
    const spend = (amount: number, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/wallet/spend`,
        headers: tenant.auth,
        payload: { amount, idempotencyKey: key },
      });
    expect((await spend(200, 'w1')).json()).toMatchObject({
      amount: 200,
      balance: 25,
      replayed: false,
    });
    expect((await spend(200, 'w1')).json()).toMatchObject({ replayed: true });
    expect((await spend(201, 'w1')).json()).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    const over = await spend(26, 'w2');
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ errors: [{ field: 'amount' }] });
    const wallet = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/wallet`,
      headers: tenant.auth,
    });
    expect(wallet.json()).toMatchObject({ balance: 25, ledgerBalance: 25, currency: 'CNY' });
    expect(
      (wallet.json() as { items: { kind: string }[] }).items.map((i) => i.kind).sort(),
    ).toEqual(['cashback', 'cashback', 'reverse', 'spend']);
    // Paged, newest first: pages of two cover the four entries once, in order.
    const pageOf = async (cursor?: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/wallet`,
          query: { limit: '2', ...(cursor ? { cursor } : {}) },
          headers: tenant.auth,
        })
      ).json() as { items: { id: string; at: string }[]; nextCursor: string | null };
    const first = await pageOf();
    expect(first.items).toHaveLength(2);
    const second = await pageOf(first.nextCursor ?? undefined);
    expect(second).toMatchObject({ nextCursor: null });
    const all = (wallet.json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(all);
  });
});

describe('ledger over time', () => {
  it('pending points release after the return window; lots expire; balances at past instants', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      pendingDays: 30,
      expiry: { kind: 'rolling', months: 6 },
      expiryWarningDays: 30,
    });
    const now = Date.now();
    const recent = new Date(now - 5 * 86_400_000).toISOString();
    const order = await purchase(tenant, { customer: 'time-1', amount: 8_000, occurredAt: recent });
    expect(await memberOf(tenant, program.id, order.customerId)).toMatchObject({
      available: 0,
      pending: 80,
    });
    const early = await redeem(tenant, program.id, {
      customerId: order.customerId,
      points: 1,
      idempotencyKey: 'too-early',
    });
    expect(early.json()).toMatchObject({ code: 'INSUFFICIENT_POINTS' });

    const db = t.database.db;
    const released = await runLoyaltyJob(db, tenant.tenantId, 'loyalty.release-pending', {
      asOf: new Date(now + 26 * 86_400_000),
    });
    expect(released[program.id]).toBe(1);
    expect(await memberOf(tenant, program.id, order.customerId)).toMatchObject({
      available: 80,
      pending: 0,
    });
    const warned = await runLoyaltyJob(db, tenant.tenantId, 'loyalty.expiry-warnings', {
      asOf: new Date(now + 160 * 86_400_000),
    });
    expect(warned[program.id]).toBe(1);
    const expired = await runLoyaltyJob(db, tenant.tenantId, 'loyalty.expire-points', {
      asOf: new Date(now + 200 * 86_400_000),
    });
    expect(expired[program.id]).toBe(1);
    const member = await memberOf(tenant, program.id, order.customerId);
    expect(member.available).toBe(0);
    // Each entry says why in numbers a client can word in its own language.
    const why = Object.fromEntries(
      (await entriesOf(tenant, program.id, order.customerId)).map((e) => [e.kind, e.explanation]),
    );
    expect(why['release']).toMatchObject({ why: 'pending_ended', pendingDays: 30 });
    expect(why['expire']).toMatchObject({ why: 'expiry_date', expiresAt: expect.any(String) });
    const at = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/balance?at=${encodeURIComponent(new Date(now + 100 * 86_400_000).toISOString())}`,
      headers: tenant.auth,
    });
    expect(at.json()).toMatchObject({ available: 80, pending: 0 });
    const liability = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/liability`,
      headers: tenant.auth,
    });
    expect(liability.json()).toMatchObject({
      outstandingPoints: 0,
      expiredPoints: 80,
      breakageRate: 1,
    });
    expect(await ledgerCheck(tenant, program.id)).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });
  });

  it('liability: the points expiring within 30, 60 and 90 days, and their members', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, { expiry: { kind: 'rolling', months: 12 } });
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    // A year's expiry: bought 350 days ago expires in about 15 days, 320 → 45, 290 → 75.
    const a = await purchase(tenant, { customer: 'soon-a', amount: 5_000, occurredAt: ago(350) });
    await purchase(tenant, { customer: 'soon-a', amount: 3_000, occurredAt: ago(290) });
    await purchase(tenant, { customer: 'soon-b', amount: 4_000, occurredAt: ago(320) });
    await purchase(tenant, { customer: 'soon-b', amount: 10_000, occurredAt: ago(100) });
    // 20 of a's 80 are spent, from the soonest-expiring lot: 30 of its 50 are left.
    const spent = await redeem(tenant, program.id, {
      customerId: a.customerId,
      points: 20,
      idempotencyKey: uniq('soon'),
    });
    expect(spent.statusCode, spent.body).toBe(201);
    const liability = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/liability`,
      headers: tenant.auth,
    });
    expect(liability.statusCode, liability.body).toBe(200);
    expect(liability.json()).toMatchObject({
      outstandingPoints: 200,
      expiringSoon: [
        { withinDays: 30, points: 30, members: 1 },
        { withinDays: 60, points: 70, members: 2 },
        { withinDays: 90, points: 100, members: 2 },
      ],
    });
    // Who they are: the members list (and its export) filtered the same way.
    const holders = async (days: number) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/loyalty/programs/${program.id}/members?expiringWithin=${days}&sort=-lifetimeEarned`,
        headers: tenant.auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { items: { externalId: string | null }[] }).items.map(
        (item) => item.externalId,
      );
    };
    expect(await holders(30)).toEqual(['soon-a']);
    expect(await holders(60)).toEqual(['soon-b', 'soon-a']);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/members/export.csv?expiringWithin=30&bom=false`,
      headers: tenant.auth,
    });
    expect(csv.body.trim().split('\n').slice(1)).toEqual([expect.stringContaining('soon-a')]);
  });

  it('expiry: set-based for members without debt, debt paid before points expire', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      expiry: { kind: 'rolling', months: 6 },
      refundPolicy: 'negative',
    });
    const day = 86_400_000;
    const ago = (days: number) => new Date(Date.now() - days * day).toISOString();
    const a = await purchase(tenant, { customer: 'exp-a', amount: 5_000, occurredAt: ago(300) });
    const p1 = await purchase(tenant, { customer: 'exp-b', amount: 3_000, occurredAt: ago(300) });
    await purchase(tenant, { customer: 'exp-b', amount: 1_000, occurredAt: ago(290) });
    await purchase(tenant, { customer: 'exp-b', amount: 2_000, occurredAt: ago(10) });
    const spent = await redeem(tenant, program.id, {
      customerId: p1.customerId,
      points: 30,
      idempotencyKey: 'exp-b-30',
    });
    expect(spent.statusCode, spent.body).toBe(201);
    await refund(tenant, { refundOf: p1.id, amount: 3_000, occurredAt: ago(5) });
    expect(await memberOf(tenant, program.id, p1.customerId)).toMatchObject({
      available: 0,
      debt: 30,
    });
    const done = await runLoyaltyJob(t.database.db, tenant.tenantId, 'loyalty.expire-points', {
      programId: program.id,
    });
    expect(done[program.id]).toBe(2);
    expect(await memberOf(tenant, program.id, a.customerId)).toMatchObject({ available: 0 });
    // B's due lot (10 points) paid 10 of the debt instead of expiring.
    expect(await memberOf(tenant, program.id, p1.customerId)).toMatchObject({
      available: 0,
      debt: 20,
    });
    expect(await ledgerCheck(tenant, program.id)).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });
  });

  // Concurrency needs a second connection: the PostgreSQL server only (PGlite has one).
  it.runIf(process.env.DATABASE_URL)(
    'expiry expires what a lot holds once its member is free, not what it held before',
    async () => {
      const tenant = await newTenant(t);
      const program = await createProgram(tenant, { expiry: { kind: 'rolling', months: 6 } });
      const occurredAt = new Date(Date.now() - 300 * 86_400_000).toISOString();
      const order = await purchase(tenant, { customer: 'exp-race', amount: 10_000, occurredAt });
      const ids = { tenant: tenant.tenantId, program: program.id, customer: order.customerId };
      // A writer (a redemption, say) holds the member while the job starts, then spends 30 of
      // the lot's 100 points and commits: the job must expire 70, not the 100 it first saw.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const writer = t.database.db.transaction().execute(async (trx) => {
        await sql`
          select 1 from loyalty_members
           where tenant_id = ${ids.tenant} and program_id = ${ids.program}
             and customer_id = ${ids.customer}
           for no key update`.execute(trx);
        holding();
        await released;
        const lot = await sql<{ id: string }>`
          update loyalty_lots set remaining = remaining - 30
           where tenant_id = ${ids.tenant} and program_id = ${ids.program} and event_id = ${order.id}
          returning id`.execute(trx);
        await sql`
          update loyalty_members
             set available = available - 30, lifetime_redeemed = lifetime_redeemed + 30
           where tenant_id = ${ids.tenant} and program_id = ${ids.program}
             and customer_id = ${ids.customer}`.execute(trx);
        await sql`
          insert into loyalty_entries (tenant_id, program_id, id, customer_id, at, kind,
            debit_account, credit_account, points, lot_id)
          values (${ids.tenant}, ${ids.program}, ${crypto.randomUUID()}, ${ids.customer}, now(),
            'redeem', 'member_available', 'program_redeemed', 30, ${lot.rows[0]!.id})`.execute(trx);
      });
      await held;
      const job = runLoyaltyJob(t.database.db, tenant.tenantId, 'loyalty.expire-points', {
        programId: program.id,
      });
      // Until the job waits for the member's lock.
      for (;;) {
        const waiting = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query like '%loyalty_members%'
             and query like '%expires_at%'`.execute(t.database.db);
        if (waiting.rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      release();
      await writer;
      expect((await job)[program.id]).toBe(1);
      expect(await memberOf(tenant, program.id, order.customerId)).toMatchObject({
        available: 0,
        lifetimeEarned: 100,
      });
      const expired = await sql<{ points: number }>`
        select points::int from loyalty_entries
         where tenant_id = ${ids.tenant} and program_id = ${ids.program} and kind = 'expire'`.execute(
        t.database.db,
      );
      expect(expired.rows).toEqual([{ points: 70 }]);
      expect(await ledgerCheck(tenant, program.id)).toMatchObject({ mismatches: [] });
    },
  );

  it('the ledger is append-only in the database', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    await purchase(tenant, { customer: 'ao-1', amount: 1_000 });
    await expect(
      sql`update loyalty_entries set points = 1000 where tenant_id = ${tenant.tenantId} and program_id = ${program.id}`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/append-only/);
  });

  it('tiers: immediate upgrade, a refund undoes it, progress to the next tier', async () => {
    const tenant = await newTenant(t);
    const privileges = { earnMultiplier: 1 };
    const program = await createProgram(tenant, {
      tiers: {
        metric: 'spend',
        window: { kind: 'calendar', period: 'year' },
        levels: [
          { code: 'member', name: 'Member', threshold: 0, privileges },
          { code: 'silver', name: 'Silver', threshold: 10_000, privileges: { earnMultiplier: 2 } },
          { code: 'gold', name: 'Gold', threshold: 50_000, privileges },
        ],
      },
    });
    const now = new Date().toISOString();
    const small = await purchase(tenant, { customer: 'tier-1', amount: 4_000, occurredAt: now });
    let member = await memberOf(tenant, program.id, small.customerId);
    expect(member.tier?.code).toBe('member');
    expect(member.progress).toMatchObject({
      value: 4_000,
      remaining: 6_000,
      nextTier: { code: 'silver' },
    });
    const big = await purchase(tenant, { customer: 'tier-1', amount: 8_000, occurredAt: now });
    member = await memberOf(tenant, program.id, small.customerId);
    expect(member.tier?.code).toBe('silver');
    // Silver earns double from the next purchase on.
    await purchase(tenant, { customer: 'tier-1', amount: 1_000, occurredAt: now });
    expect((await memberOf(tenant, program.id, small.customerId)).available).toBe(40 + 80 + 20);
    await refund(tenant, { refundOf: big.id, amount: 8_000, occurredAt: now });
    member = await memberOf(tenant, program.id, small.customerId);
    expect(member.tier?.code).toBe('member');
    expect(member.available).toBe(60);
    // The tier history, newest first, with why as numbers beside the English reason.
    const history = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${program.id}/members/${small.customerId}/lots`,
      headers: tenant.auth,
    });
    expect(history.statusCode).toBe(200);
    expect((history.json() as { tierChanges: unknown[] }).tierChanges).toMatchObject([
      {
        kind: 'downgrade',
        from: 'silver',
        to: 'member',
        why: { why: 'refund', metric: 'spend', value: 5_000 },
        eventId: expect.any(String),
      },
      {
        kind: 'upgrade',
        from: 'member',
        to: 'silver',
        why: { why: 'reached', metric: 'spend', value: 12_000, threshold: 10_000 },
        eventId: big.id,
      },
      {
        kind: 'upgrade',
        from: null,
        to: 'member',
        why: { why: 'reached', metric: 'spend', value: 4_000, threshold: 0 },
        eventId: small.id,
      },
    ]);
  });

  it('a signed member link opens the public page; a tampered one does not', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'link-1', amount: 3_000 });
    const link = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/link`,
      headers: tenant.auth,
      payload: {},
    });
    expect(link.statusCode, link.body).toBe(201);
    const { token } = link.json() as { token: string };
    const page = await t.app.inject({
      method: 'GET',
      url: `/v1/public/loyalty/member?token=${token}`,
    });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ available: 30, history: [{ kind: 'earn', points: 30 }] });
    const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    const bad = await t.app.inject({
      method: 'GET',
      url: `/v1/public/loyalty/member?token=${forged}`,
    });
    expect(bad.statusCode).toBe(401);
  });
});

describe('referrals', () => {
  async function referralCodeOf(tenant: Tenant, programId: string, customerId: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${programId}/members/${customerId}/referral-code`,
      headers: tenant.auth,
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { code: string }).code;
  }

  function referral(tenant: Tenant, programId: string, code: string, customerId: string) {
    return t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${programId}/referrals`,
      headers: tenant.auth,
      payload: { code, customerId },
    });
  }

  it('rewards both sides after the first qualifying purchase, blocks self-referral, undoes on refund', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      referral: { referrerPoints: 200, refereePoints: 100, minSpend: 5_000 },
    });
    const referrer = await purchase(tenant, { customer: 'ref-a', amount: 1_000 });
    const codeRes = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/members/${referrer.customerId}/referral-code`,
      headers: tenant.auth,
    });
    expect(codeRes.statusCode, codeRes.body).toBe(201);
    const { code } = codeRes.json() as { code: string };
    const self = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/referrals`,
      headers: tenant.auth,
      payload: { code, customerId: referrer.customerId },
    });
    expect(self.statusCode).toBe(400);
    expect(self.json()).toMatchObject({ errors: [{ field: 'customerId' }] });
    // The referee exists as a customer (created by an interaction-free path: an explicit customer).
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: { ...tenant.auth, 'idempotency-key': uniq('cust') },
      payload: { kind: 'person', name: 'New friend' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const refereeId = (created.json() as { id: string }).id;
    const referred = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/referrals`,
      headers: tenant.auth,
      payload: { code, customerId: refereeId },
    });
    expect(referred.statusCode, referred.body).toBe(201);
    expect(referred.json()).toMatchObject({ referrerId: referrer.customerId, status: 'pending' });
    const sendAs = async (amount: number) => {
      const id = uniq('ref-order');
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: tenant.auth,
        payload: {
          id,
          type: 'purchase',
          customerId: refereeId,
          occurredAt: '2026-11-02T03:00:00Z',
          currency: 'CNY',
          amount,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return id;
    };
    await sendAs(1_000); // below the minimum spend: no bonus yet
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(10);
    const qualifying = await sendAs(6_000);
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(210);
    expect((await memberOf(tenant, program.id, refereeId)).available).toBe(10 + 60 + 100);
    await sendAs(7_000); // only once
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(210);
    await refund(tenant, { refundOf: qualifying, amount: 6_000 });
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(10);
    expect((await memberOf(tenant, program.id, refereeId)).available).toBe(10 + 70);
    const referrerWhy = (await entriesOf(tenant, program.id, referrer.customerId)).map(
      (e) => e.explanation,
    );
    expect(referrerWhy).toContainEqual(
      expect.objectContaining({ why: 'referral', side: 'referrer', code: expect.any(String) }),
    );
    expect(referrerWhy).toContainEqual(
      expect.objectContaining({ why: 'referral_refunded', side: 'referrer', refundOf: qualifying }),
    );
    expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
  });

  it('refuses a referee who shares an email or phone with the referrer: one person twice', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      referral: { referrerPoints: 200, refereePoints: 100, minSpend: 0 },
    });
    const person = async (body: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: tenant.auth,
        payload: { kind: 'person', ...body },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const referrer = await person({ name: 'A', email: 'a@example.com', phone: '13800138000' });
    const code = await referralCodeOf(tenant, program.id, referrer);
    const refer = (customerId: string) => referral(tenant, program.id, code, customerId);
    for (const twin of [
      await person({ name: 'A again', email: 'A@Example.com' }),
      await person({ name: 'A by phone', phone: '+86 138 0013 8000' }),
    ]) {
      const res = await refer(twin);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({
        errors: [{ field: 'customerId', reason: 'self_not_allowed' }],
      });
    }
    const friend = await person({ name: 'B', email: 'b@example.com', phone: '13900139000' });
    expect((await refer(friend)).statusCode).toBe(201);
  });

  it('a merge of the referrer and the referee takes both bonuses back: one person', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      referral: { referrerPoints: 200, refereePoints: 100, minSpend: 0 },
    });
    const referrer = await purchase(tenant, { customer: 'self-a', amount: 1_000 });
    const code = await referralCodeOf(tenant, program.id, referrer.customerId);
    const twin = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'person', name: 'A (second card)', externalId: 'self-b' },
    });
    const twinId = (twin.json() as { id: string }).id;
    const referred = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/referrals`,
      headers: tenant.auth,
      payload: { code, customerId: twinId },
    });
    expect(referred.statusCode, referred.body).toBe(201);
    await purchase(tenant, { customer: 'self-b', amount: 2_000 });
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(10 + 200);
    // Spend the referee's bonus first: it must still come back (clawed back from other lots).
    const spent = await redeem(tenant, program.id, {
      customerId: twinId,
      points: 110,
      idempotencyKey: 'spend-twin',
    });
    expect(spent.statusCode, spent.body).toBe(201);
    const merged = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${referrer.customerId}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: twinId },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const member = await memberOf(tenant, program.id, referrer.customerId);
    // 10 + 20 earned, 110 spent, both bonuses (300) taken back: what was spent of them is owed.
    expect(member).toMatchObject({ available: 10 + 20 - 110, debt: 80, lifetimeEarned: 30 });
    const takenBack = (await entriesOf(tenant, program.id, referrer.customerId)).filter(
      (e) => e.explanation.why === 'referral_self',
    );
    expect(takenBack.reduce((sum, e) => sum + e.points, 0)).toBe(300);
    expect(await ledgerCheck(tenant, program.id)).toMatchObject({ mismatches: [], accountsSum: 0 });
  });

  it('a refund that takes the qualifying purchase below the minimum spend takes the bonus back', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      referral: { referrerPoints: 200, refereePoints: 100, minSpend: 5_000 },
    });
    const referrer = await purchase(tenant, { customer: 'min-a', amount: 1_000 });
    const code = await referralCodeOf(tenant, program.id, referrer.customerId);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'person', name: 'Friend', externalId: 'min-b' },
    });
    const refereeId = (created.json() as { id: string }).id;
    const referred = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/referrals`,
      headers: tenant.auth,
      payload: { code, customerId: refereeId },
    });
    expect(referred.statusCode, referred.body).toBe(201);
    const qualifying = await purchase(tenant, { customer: 'min-b', amount: 5_000 });
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(210);
    await refund(tenant, { refundOf: qualifying.id, amount: 1 });
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(10);
    expect((await memberOf(tenant, program.id, refereeId)).available).toBe(50 - 1);
    // The referral waits for the next qualifying purchase.
    await purchase(tenant, { customer: 'min-b', amount: 6_000 });
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(210);
    expect((await ledgerCheck(tenant, program.id)).mismatches).toEqual([]);
  });

  it('refuses a customer who bought before the program existed, or whose merged duplicate did', async () => {
    const tenant = await newTenant(t);
    // Bought before there was a program: recorded on the timeline, no lots anywhere.
    const earlier = await purchase(tenant, { customer: 'old-buyer', amount: 3_000 });
    const duplicateBuyer = await purchase(tenant, { customer: 'old-card', amount: 1_000 });
    const program = await createProgram(tenant, {
      referral: { referrerPoints: 200, refereePoints: 100, minSpend: 0 },
    });
    const referrer = await purchase(tenant, { customer: 'old-ref', amount: 1_000 });
    const code = await referralCodeOf(tenant, program.id, referrer.customerId);
    const refer = (customerId: string) => referral(tenant, program.id, code, customerId);
    const old = await refer(earlier.customerId);
    expect(old.statusCode, old.body).toBe(400);
    expect(old.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'customerId' }],
    });
    // A new record of a person whose other record bought: after the merge, the same person.
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'person', name: 'Second card' },
    });
    const freshId = (fresh.json() as { id: string }).id;
    const merged = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${freshId}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: duplicateBuyer.customerId },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const survivor = await refer(freshId);
    expect(survivor.statusCode, survivor.body).toBe(400);
    expect(survivor.json()).toMatchObject({ errors: [{ field: 'customerId' }] });
    // Nobody was referred, so no bonus waits for their next purchase.
    await purchase(tenant, { customer: 'old-buyer', amount: 1_000 });
    expect((await memberOf(tenant, program.id, referrer.customerId)).available).toBe(10);
  });
});

describe('members list', () => {
  interface ListedMember {
    customerId: string;
    name: string;
    externalId: string | null;
    tier: { code: string; name: string } | null;
    available: number;
    pending: number;
    lifetimeEarned: number;
    enrolledAt: string;
    lastActivityAt: string | null;
  }
  interface MemberPage {
    items: ListedMember[];
    nextCursor: string | null;
  }

  const DAY = 86_400_000;
  let tenant: Tenant;
  let program: { id: string };
  /** Customer ids by letter: a gold, b and c silver (same balance), e and g without a tier. */
  const ids: Record<'a' | 'b' | 'c' | 'e' | 'f' | 'g' | 'h', string> = {
    a: '',
    b: '',
    c: '',
    e: '',
    f: '',
    g: '',
    h: '',
  };

  function list(query: string, auth = tenant.auth, programId = program.id) {
    return t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${programId}/members${query ? `?${query}` : ''}`,
      headers: auth,
    });
  }

  async function listed(query = ''): Promise<MemberPage> {
    const res = await list(query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as MemberPage;
  }

  /** Every page of a sort, `limit` rows at a time, checking each page's size. */
  async function allPages(sort: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const page: MemberPage = await listed(
        `sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((item) => item.customerId));
      cursor = page.nextCursor;
      if (!cursor) return seen;
      expect(page.items).toHaveLength(limit);
    }
    throw new Error('the pages never end');
  }

  const letters = (items: { customerId: string }[]) =>
    items.map((item) => Object.entries(ids).find(([, id]) => id === item.customerId)?.[0]);

  beforeAll(async () => {
    tenant = await newTenant(t);
    const created = await createProgram(tenant, {
      tiers: {
        metric: 'spend',
        window: { kind: 'rolling', months: 12 },
        levels: [
          { code: 'silver', name: 'Silver', threshold: 10_000 },
          { code: 'gold', name: 'Gold', threshold: 50_000 },
        ],
      },
    });
    program = created;
    const customer = async (letter: keyof typeof ids, name: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: tenant.auth,
        payload: { kind: 'person', name, externalId: `ml-${letter}` },
      });
      expect(res.statusCode, res.body).toBe(201);
      ids[letter] = (res.json() as { id: string }).id;
    };
    // Created in this order: ids grow with time (UUID v7), so b < c.
    await customer('a', 'Alice Wang');
    await customer('b', 'Bob Li');
    await customer('c', 'Carol Zhang');
    await customer('e', 'Eve Zhao');
    await customer('f', 'Fay Sun');
    await customer('g', 'Gary Liu');
    await customer('h', 'Harry Liu');
    const now = Date.now();
    const buy = (letter: keyof typeof ids, amount: number, daysAgo: number) =>
      purchase(tenant, {
        customer: `ml-${letter}`,
        amount,
        occurredAt: new Date(now - daysAgo * DAY).toISOString(),
      });
    await buy('a', 60_000, 10); // 600 points, gold
    await buy('b', 20_000, 8); // 200, silver
    await buy('c', 20_000, 6); // 200, silver
    await buy('g', 3_000, 4); // 30
    await buy('h', 4_000, 9); // 40, merged into g below
    await buy('e', 5_000, 2); // 50, no tier
    const merge = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${ids.g}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: ids.h },
    });
    expect(merge.statusCode, merge.body).toBe(200);
    // a spends 500 of 600: the most lifetime points, not the most available.
    const spent = await redeem(tenant, program.id, {
      customerId: ids.a,
      points: 500,
      idempotencyKey: uniq('ml-redeem'),
    });
    expect(spent.statusCode, spent.body).toBe(201);
    const enrol = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/members`,
      headers: tenant.auth,
      payload: { customerId: ids.f },
    });
    expect(enrol.statusCode, enrol.body).toBe(201);
  });

  it('exports no cell a spreadsheet would run as a formula', async () => {
    const own = await newTenant(t);
    const ownProgram = await createProgram(own);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: own.auth,
      payload: { kind: 'person', name: '=HYPERLINK("http://x.example")', externalId: 'fx-1' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await purchase(own, { customer: 'fx-1', amount: 1_000 });
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/loyalty/programs/${ownProgram.id}/members/export.csv?bom=false`,
      headers: own.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain(`"'=HYPERLINK(""http://x.example"")"`);
  });

  it('exports the list as CSV: the same filters and order, all pages, a BOM for Excel', async () => {
    const exported = (query: string) =>
      t.app.inject({
        method: 'GET',
        url: `/v1/loyalty/programs/${program.id}/members/export.csv?${query}`,
        headers: tenant.auth,
      });
    const all = await exported('');
    expect(all.statusCode, all.body).toBe(200);
    expect(all.headers['content-type']).toContain('text/csv');
    expect(all.headers['content-disposition']).toContain('members.csv');
    expect(all.body.startsWith('\uFEFF')).toBe(true);
    const rows = all.body.slice(1).trim().split('\n');
    expect(rows[0]).toBe(
      'customerId,externalId,name,tier,tierName,available,pending,lifetimeEarned,lastActivityAt,enrolledAt',
    );
    expect(rows.slice(1).map((row) => letters([{ customerId: row.split(',')[0]! }])[0])).toEqual([
      'c',
      'b',
      'a',
      'g',
      'e',
      'f',
    ]);
    expect(rows[3]).toMatch(new RegExp(`^${ids.a},ml-a,Alice Wang,gold,Gold,100,0,600,`));
    const silver = await exported('tier=silver&sort=-lifetimeEarned&bom=false');
    expect(silver.body.startsWith('customerId,')).toBe(true);
    expect(silver.body.trim().split('\n')).toHaveLength(3);
    // A bad filter is a clean 400 before any CSV.
    const bad = await exported('tier=platinum');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errors: [{ field: 'tier' }] });
  });

  it('lists by available points, most first, ties by customer id; merged-away members left out', async () => {
    const page = await listed();
    expect(letters(page.items)).toEqual(['c', 'b', 'a', 'g', 'e', 'f']);
    expect(page.nextCursor).toBeNull();
    const [, b, a, g, , f] = page.items;
    expect(a).toEqual({
      customerId: ids.a,
      name: 'Alice Wang',
      externalId: 'ml-a',
      tier: { code: 'gold', name: 'Gold' },
      available: 100,
      pending: 0,
      lifetimeEarned: 600,
      enrolledAt: expect.any(String),
      lastActivityAt: expect.any(String),
    });
    expect(b).toMatchObject({ name: 'Bob Li', tier: { code: 'silver', name: 'Silver' } });
    // g holds h's points since the merge; h's emptied membership is not listed.
    expect(g).toMatchObject({ name: 'Gary Liu', available: 70, lifetimeEarned: 70, tier: null });
    expect(f).toMatchObject({ available: 0, lastActivityAt: null, tier: null });
  });

  it('pages through every sort with a cursor: no duplicates, no gaps, in order', async () => {
    const expected: Record<string, string[]> = {
      '-available': ['c', 'b', 'a', 'g', 'e', 'f'],
      available: ['f', 'e', 'g', 'a', 'b', 'c'],
      '-lifetimeEarned': ['a', 'c', 'b', 'g', 'e', 'f'],
      // a last redeemed (now), f enrolled after it and never bought: enrolment counts.
      '-lastActivityAt': ['f', 'a', 'e', 'g', 'c', 'b'],
      lastActivityAt: ['b', 'c', 'g', 'e', 'a', 'f'],
      // g's membership dates from h's earlier enrolment (9 days ago) since the merge.
      '-enrolledAt': ['f', 'e', 'c', 'b', 'g', 'a'],
      enrolledAt: ['a', 'g', 'b', 'c', 'e', 'f'],
    };
    for (const [sort, order] of Object.entries(expected)) {
      const whole = await listed(`sort=${sort}`);
      expect(letters(whole.items), sort).toEqual(order);
      for (const limit of [1, 2, 4]) {
        const paged = await allPages(sort, limit);
        expect(paged, `${sort} by ${limit}`).toEqual(whole.items.map((item) => item.customerId));
      }
    }
  });

  it('filters by tier, `none` for members without one; a tier the program lacks is a 400', async () => {
    expect(letters((await listed('tier=gold')).items)).toEqual(['a']);
    expect(letters((await listed('tier=silver')).items)).toEqual(['c', 'b']);
    expect(letters((await listed('tier=none&sort=enrolledAt')).items)).toEqual(['g', 'e', 'f']);
    const paged = await listed('tier=silver&limit=1');
    expect(letters(paged.items)).toEqual(['c']);
    expect(letters((await listed(`tier=silver&limit=1&cursor=${paged.nextCursor}`)).items)).toEqual(
      ['b'],
    );
    const unknown = await list('tier=platinum');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'tier', reason: 'not_found' }],
    });
    // A program without tiers: any code finds nobody, `none` everybody.
    const plain = await createProgram(tenant);
    await purchase(tenant, { customer: 'ml-e', amount: 1_000 });
    const res = await list('tier=gold', tenant.auth, plain.id);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as MemberPage).items).toEqual([]);
    const none = (await list('tier=none', tenant.auth, plain.id)).json() as MemberPage;
    expect(letters(none.items)).toEqual(['e']);
  });

  it('searches like the customer list: by name, by external id; a merged-away id finds its survivor', async () => {
    expect(letters((await listed('q=zhang')).items)).toEqual(['c']);
    expect(letters((await listed('q=liu')).items)).toEqual(['g']);
    expect(letters((await listed('q=ml-e')).items)).toEqual(['e']);
    // h was merged into g: its external id finds g, never h itself.
    expect(letters((await listed('q=ml-h')).items)).toEqual(['g']);
    expect(letters((await listed('q=nobody-at-all')).items)).toEqual([]);
    // Search, tier and sort together.
    expect(letters((await listed('q=ml-&tier=silver&sort=lastActivityAt')).items)).toEqual([
      'b',
      'c',
    ]);
  });

  it('a search that finds thousands of customers still finds every member among them', async () => {
    const own = await newTenant(t);
    const ownProgram = await createProgram(own);
    const csv = ['name,external_id'];
    for (let i = 1; i <= 1_200; i += 1) csv.push(`Lin ${i},lin-${i}`);
    const imported = await t.app.inject({
      method: 'POST',
      url: '/v1/customers/imports',
      headers: { ...own.auth, 'content-type': 'text/csv' },
      payload: csv.join('\n'),
    });
    expect(imported.statusCode, imported.body).toBe(200);
    // Created after the 1,200: the largest customer id (UUID v7) of all the search finds.
    const last = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: own.auth,
      payload: { kind: 'person', name: 'Lin Last', externalId: 'lin-last' },
    });
    expect(last.statusCode, last.body).toBe(201);
    await purchase(own, { customer: 'lin-last', amount: 2_000 });
    await purchase(own, { customer: 'lin-7', amount: 1_000 });
    const res = await list('q=lin&sort=-available', own.auth, ownProgram.id);
    expect(res.statusCode, res.body).toBe(200);
    const found = (res.json() as MemberPage).items.map((item) => item.externalId);
    expect(found).toEqual(['lin-last', 'lin-7']);
  });

  it('refuses a cursor of another sort or one it did not give out (400), and bad sorts', async () => {
    const page = await listed('sort=-available&limit=2');
    expect(page.nextCursor).not.toBeNull();
    const other = await list(`sort=enrolledAt&limit=2&cursor=${page.nextCursor}`);
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'The cursor belongs to another sort order.',
      errors: [{ field: 'cursor', reason: 'invalid_value' }],
    });
    // The default sort is -available: the same cursor reads on without naming it.
    expect(letters((await listed(`limit=2&cursor=${page.nextCursor}`)).items)).toEqual(['a', 'g']);
    const forged = Buffer.from(
      JSON.stringify({ sort: '-available', key: 'lots', id: ids.a }),
    ).toString('base64url');
    const bad = await list(`cursor=${forged}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errors: [{ field: 'cursor', reason: 'invalid_value' }] });
    expect((await list('sort=name')).statusCode).toBe(400);
    expect((await list('limit=0')).statusCode).toBe(400);
  });

  it('an erased customer stays listed under the anonymised name, and no search finds it', async () => {
    const erased = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${ids.f}`,
      headers: tenant.auth,
    });
    expect(erased.statusCode, erased.body).toBe(204);
    const page = await listed('sort=-enrolledAt&limit=1');
    expect(page.items).toMatchObject([
      { customerId: ids.f, name: '', externalId: null, available: 0, tier: null },
    ]);
    expect(letters((await listed('q=ml-f')).items)).toEqual([]);
    expect(letters((await listed('q=fay')).items)).toEqual([]);
  });

  it('another tenant’s program is 404; a viewer may read', async () => {
    const other = await newTenant(t);
    const res = await list('', other.auth);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'PROGRAM_NOT_FOUND' });
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'ro', role: 'viewer' },
    });
    expect(key.statusCode, key.body).toBe(201);
    const viewer = { authorization: `Bearer ${(key.json() as { key: string }).key}` };
    const read = await list('tier=gold', viewer);
    expect(read.statusCode, read.body).toBe(200);
    expect(letters((read.json() as MemberPage).items)).toEqual(['a']);
  });
});

describe('ledger invariants (property, through the API)', () => {
  it('any sequence of purchases, refunds, redemptions and credits by hand keeps cache == ledger and no overdraft', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      earnRules: [{ kind: 'spend', points: 1, per: 100, cap: { perDay: 300 } }],
    });
    const opArb = fc.oneof(
      fc.record({
        kind: fc.constant('buy' as const),
        who: fc.nat(2),
        amount: fc.integer({ min: 0, max: 50_000 }),
      }),
      fc.record({
        kind: fc.constant('refund' as const),
        pick: fc.nat(),
        share: fc.integer({ min: 1, max: 100 }),
      }),
      fc.record({
        kind: fc.constant('redeem' as const),
        who: fc.nat(2),
        points: fc.integer({ min: 1, max: 400 }),
        key: fc.nat(5),
      }),
      fc.record({
        kind: fc.constant('adjust' as const),
        who: fc.nat(2),
        points: fc.integer({ min: 1, max: 200 }),
        key: fc.nat(3),
      }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        run += 1;
        const orders: { id: string; amount: number; refunded: number; customerId: string }[] = [];
        const customers = new Map<number, string>();
        for (const op of ops) {
          if (op.kind === 'buy') {
            const order = await purchase(tenant, {
              customer: `prop-${run}-${op.who}`,
              amount: op.amount,
            });
            customers.set(op.who, order.customerId);
            orders.push({ ...order, amount: op.amount, refunded: 0 });
          } else if (op.kind === 'refund') {
            const order = orders[op.pick % Math.max(1, orders.length)];
            if (!order) continue;
            const amount = Math.min(
              order.amount - order.refunded,
              Math.ceil((order.amount * op.share) / 100),
            );
            if (amount <= 0) continue;
            order.refunded += amount;
            await refund(tenant, { refundOf: order.id, amount });
          } else if (op.kind === 'adjust') {
            const customerId = customers.get(op.who);
            if (!customerId) continue;
            const res = await t.app.inject({
              method: 'POST',
              url: `/v1/loyalty/programs/${program.id}/members/${customerId}/adjustments`,
              headers: tenant.auth,
              payload: {
                points: op.points,
                reason: 'goodwill',
                idempotencyKey: `prop-${run}-${op.who}-adjust-${op.key}`,
              },
            });
            // A key reused with other points is refused; anything else is credited (or replayed).
            if (res.statusCode === 409)
              expect((res.json() as { code: string }).code).toBe('IDEMPOTENCY_CONFLICT');
            else expect(res.statusCode, res.body).toBe(201);
          } else {
            const customerId = customers.get(op.who);
            if (!customerId) continue;
            const before = await memberOf(tenant, program.id, customerId);
            const res = await redeem(tenant, program.id, {
              customerId,
              points: op.points,
              idempotencyKey: `prop-${run}-${op.who}-${op.key}-${op.points}`,
            });
            if (res.statusCode === 409)
              expect(['INSUFFICIENT_POINTS', 'IDEMPOTENCY_CONFLICT']).toContain(
                (res.json() as { code: string }).code,
              );
            else expect(before.available).toBeGreaterThanOrEqual(op.points);
          }
        }
        const check = await ledgerCheck(tenant, program.id);
        expect(check.mismatches).toEqual([]);
        expect(check.accountsSum).toBe(0);
        for (const customerId of customers.values()) {
          const member = await memberOf(tenant, program.id, customerId);
          const entries = await entriesOf(tenant, program.id, customerId);
          const sum = entries.reduce(
            (acc, e) =>
              acc +
              (e.credit === 'member_available' ? e.points : 0) -
              (e.debit === 'member_available' ? e.points : 0),
            0,
          );
          expect(member.available).toBe(sum);
          expect(member.available + member.debt).toBeGreaterThanOrEqual(0);
        }
        // Fully refunded orders leave no points behind.
        for (const order of orders.filter((o) => o.refunded === o.amount && o.amount > 0)) {
          const entries = await entriesOf(tenant, program.id, order.customerId);
          const earned = entries
            .filter((e) => e.kind === 'earn' && e.eventId === order.id)
            .reduce((a, e) => a + e.points, 0);
          const lots = await t.app.inject({
            method: 'GET',
            url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/lots`,
            headers: tenant.auth,
          });
          expect(lots.statusCode).toBe(200);
          expect(earned).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('points adjustments', () => {
  it('credit by hand once per key, explained and audited; a different body is a conflict', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant, {
      pendingDays: 30,
      expiry: { kind: 'rolling', months: 12 },
    });
    const order = await purchase(tenant, {
      customer: 'adjust-1',
      amount: 5_000,
      occurredAt: new Date().toISOString(),
    });
    const adjust = (body: Record<string, unknown>, headers = tenant.auth) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/adjustments`,
        headers,
        payload: body,
      });
    const body = {
      points: 300,
      reason: 'service_recovery',
      note: '配送延误三天',
      idempotencyKey: 'complaint-42',
    };
    const first = await adjust(body);
    expect(first.statusCode, first.body).toBe(201);
    // Available at once, beside the purchase's pending points.
    expect(first.json()).toMatchObject({
      points: 300,
      replayed: false,
      balance: { available: 300, pending: 50 },
    });
    const again = await adjust(body);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toMatchObject({ replayed: true, lotId: first.json().lotId });
    const other = await adjust({ ...body, points: 500 });
    expect(other.statusCode).toBe(409);
    expect((await adjust({ ...body, reason: 'goodwill' })).statusCode).toBe(409);
    expect(other.json()).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      errors: [{ field: 'idempotencyKey', reason: 'reused' }],
    });

    const member = await memberOf(tenant, program.id, order.customerId);
    expect(member).toMatchObject({ available: 300, pending: 50, lifetimeEarned: 350 });
    const [entry] = (await entriesOf(tenant, program.id, order.customerId)).filter(
      (e) => e.kind === 'adjust',
    );
    expect(entry).toMatchObject({
      points: 300,
      debit: 'program_issued',
      credit: 'member_available',
      eventId: 'adjust:complaint-42',
      explanation: { why: 'adjustment', adjustment: 'service_recovery', note: '配送延误三天' },
    });
    expect(await ledgerCheck(tenant, program.id)).toMatchObject({ mismatches: [], accountsSum: 0 });
    // The member's own page says why, but not the staff's note or who credited the points.
    const link = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/link`,
      headers: tenant.auth,
      payload: {},
    });
    const page = await t.app.inject({
      method: 'GET',
      url: `/v1/public/loyalty/member?token=${(link.json() as { token: string }).token}`,
    });
    const credited = (
      page.json() as { history: { kind: string; explanation: Record<string, unknown> }[] }
    ).history.find((e) => e.kind === 'adjust');
    expect(credited?.explanation).toMatchObject({
      why: 'adjustment',
      adjustment: 'service_recovery',
    });
    expect(credited?.explanation).not.toHaveProperty('note');
    expect(credited?.explanation).not.toHaveProperty('by');
    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/audit-log?entityType=loyalty_member&entityId=${program.id}:${order.customerId}`,
      headers: tenant.auth,
    });
    expect(audit.statusCode, audit.body).toBe(200);
    // Once, though the request came twice.
    expect((audit.json() as { items: unknown[] }).items).toMatchObject([
      {
        action: 'loyalty.points.adjusted',
        after: { points: 300, reason: 'service_recovery', note: '配送延误三天' },
      },
    ]);
  });

  it('counts as issued and as earned, but qualifies for no tier', async () => {
    const tenant = await newTenant(t);
    const privileges = { earnMultiplier: 1 };
    const program = await createProgram(tenant, {
      tiers: {
        metric: 'points',
        window: { kind: 'calendar', period: 'year' },
        levels: [{ code: 'gold', name: 'Gold', threshold: 1_000, privileges }],
      },
    });
    const now = new Date().toISOString();
    const order = await purchase(tenant, { customer: 'adj-tier', amount: 10_000, occurredAt: now });
    const credit = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/members/${order.customerId}/adjustments`,
      headers: tenant.auth,
      payload: { points: 1_000, reason: 'goodwill', idempotencyKey: 'adj-tier-1' },
    });
    expect(credit.statusCode, credit.body).toBe(201);
    await purchase(tenant, { customer: 'adj-tier', amount: 100, occurredAt: now });
    const member = await memberOf(tenant, program.id, order.customerId);
    expect(member).toMatchObject({ available: 1_101, lifetimeEarned: 1_101, tier: null });
    const get = (url: string) =>
      t.app.inject({
        method: 'GET',
        url: `/v1/loyalty/programs/${program.id}${url}`,
        headers: tenant.auth,
      });
    expect((await get('/liability')).json()).toMatchObject({
      issuedPoints: 1_101,
      outstandingPoints: 1_101,
    });
    const at = await get(`/members/${order.customerId}/balance?at=${new Date().toISOString()}`);
    expect(at.json()).toMatchObject({ available: 1_101, lifetimeEarned: 1_101 });
  });

  it('is for owners and managers: an agent may not; bad input names its field', async () => {
    const tenant = await newTenant(t);
    const program = await createProgram(tenant);
    const order = await purchase(tenant, { customer: 'adjust-2', amount: 1_000 });
    const url = `/v1/loyalty/programs/${program.id}/members/${order.customerId}/adjustments`;
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'desk', role: 'agent' },
    });
    expect(key.statusCode, key.body).toBe(201);
    const agent = { authorization: `Bearer ${(key.json() as { key: string }).key}` };
    const body = { points: 10, reason: 'goodwill', idempotencyKey: 'g-1' };
    const refused = await t.app.inject({ method: 'POST', url, headers: agent, payload: body });
    expect(refused.statusCode).toBe(403);
    for (const [payload, field] of [
      [{ ...body, points: 0 }, 'points'],
      [{ ...body, reason: 'because' }, 'reason'],
      [{ ...body, note: '' }, 'note'],
    ] as const) {
      const bad = await t.app.inject({ method: 'POST', url, headers: tenant.auth, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json()).toMatchObject({ errors: [{ field }] });
    }
    expect((await memberOf(tenant, program.id, order.customerId)).available).toBe(10);
    const unknown = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${program.id}/members/00000000-0000-7000-8000-000000000000/adjustments`,
      headers: tenant.auth,
      payload: body,
    });
    expect(unknown.statusCode).toBe(404);
  });
});
