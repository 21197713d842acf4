// POST /v1/public/loyalty/member/redemptions: the member behind a signed link redeems a
// reward through the staff API's redemption (stock, limits, tiers, coupons, idempotency), in
// their own name in the audit log; the link decides who redeems, never the body.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { callJson, programWithReward } from '../../../test/loyalty-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface Redeemed {
  id: string;
  rewardId: string;
  points: number;
  createdAt: string;
  balance: { available: number; pending: number };
  coupon: { code: string; expiresAt: string | null } | null;
}
interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}
interface Coupon {
  code: string;
  rewardName: string;
  status: 'usable' | 'used' | 'expired';
  issuedAt: string;
  usedAt: string | null;
  expiresAt: string | null;
}
interface Page {
  available: number;
  rewards: { id: string; leftForMember: number | null; stock: number | null }[];
  coupons: Coupon[];
  moreCoupons: boolean;
  wallet: number | null;
}

const url = '/v1/public/loyalty/member/redemptions';
const staff = <T>(
  tenant: Tenant,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  payload?: object,
) => callJson<T>(t, tenant.auth, method, path, payload);
const member = <T>(payload: object) => callJson<T>(t, null, 'POST', url, payload);
const pageOf = async (token: string) => {
  const page = await callJson<Page>(t, null, 'GET', `/v1/public/loyalty/member?token=${token}`);
  expect(page.status, page.text).toBe(200);
  return page.body;
};

/** programWithReward's member (200 points) and their signed link's token. */
async function memberWithLink(tenant: Tenant, reward: object = {}) {
  const ids = await programWithReward(t, tenant, reward);
  const link = await staff<{ token: string }>(
    tenant,
    'POST',
    `/v1/loyalty/programs/${ids.programId}/members/${ids.customerId}/link`,
    { days: 7 },
  );
  expect(link.status, link.text).toBe(201);
  return { ...ids, token: link.body.token };
}

async function addReward(tenant: Tenant, programId: string, reward: object): Promise<string> {
  const created = await staff<{ id: string }>(
    tenant,
    'POST',
    `/v1/loyalty/programs/${programId}/rewards`,
    { name: 'Reward', pointsCost: 10, ...reward },
  );
  expect(created.status, created.text).toBe(201);
  return created.body.id;
}

describe('redeeming from the public member page', () => {
  it('redeems the reward for the link’s member: points, stock, coupon, audit in their name', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, rewardId, token } = await memberWithLink(tenant, {
      stock: 5,
      perMemberLimit: 2,
    });
    const pool = `/v1/loyalty/programs/${programId}/rewards/${rewardId}/coupons`;
    expect((await staff(tenant, 'POST', pool, { codes: ['CAFE-0001'] })).status).toBe(201);
    const before = await pageOf(token);
    expect(before.rewards).toEqual([
      expect.objectContaining({ id: rewardId, leftForMember: 2, stock: 5 }),
    ]);
    expect(before).toMatchObject({ coupons: [], moreCoupons: false });

    const res = await member<Redeemed>({ token, rewardId, idempotencyKey: 'tap-1' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      rewardId,
      points: 10,
      balance: { available: 190, pending: 0 },
      coupon: { code: 'CAFE-0001', expiresAt: null },
    });
    expect(Object.keys(res.body).sort()).toEqual(
      ['balance', 'coupon', 'createdAt', 'id', 'points', 'rewardId'].sort(),
    );
    const page = await pageOf(token);
    expect(page.available).toBe(190);
    expect(page.rewards).toEqual([
      expect.objectContaining({ id: rewardId, leftForMember: 1, stock: 4 }),
    ]);
    // The code stays on the page after the redemption's answer.
    expect(page.coupons).toEqual([
      {
        code: 'CAFE-0001',
        rewardName: 'Coffee',
        status: 'usable',
        issuedAt: expect.any(String),
        usedAt: null,
        expiresAt: null,
      },
    ]);
    expect(page.moreCoupons).toBe(false);
    // Staff see the same redemption on the member.
    const seen = await staff<{ available: number; lifetimeRedeemed: number }>(
      tenant,
      'GET',
      `/v1/loyalty/programs/${programId}/members/${customerId}`,
    );
    expect(seen.body).toMatchObject({ available: 190, lifetimeRedeemed: 10 });

    const audit = await staff<{
      items: { action: string; actorType: string; actorId: string; after: unknown }[];
    }>(tenant, 'GET', `/v1/audit-log?entityType=loyalty_redemption&entityId=${res.body.id}`);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'loyalty.points.redeemed',
        actorType: 'customer',
        actorId: customerId,
        after: { customerId, points: 10, rewardId },
      }),
    ]);
  });

  it('a retry with the same key answers the first redemption; another reward with it is a 409', async () => {
    const tenant = await newTenant(t);
    const { programId, rewardId, token } = await memberWithLink(tenant);
    const body = { token, rewardId, idempotencyKey: 'double-tap' };
    const first = await member<Redeemed>(body);
    expect(first.status, first.text).toBe(201);
    const again = await member<Redeemed>(body);
    expect(again.status, again.text).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await pageOf(token)).available).toBe(190);

    const tea = await addReward(tenant, programId, { name: 'Tea' });
    const other = await member<Problem>({ ...body, rewardId: tea });
    expect(other.status, other.text).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await pageOf(token)).available).toBe(190);
  });

  it('refuses what the staff API refuses: too few points, the limit, a tier, no stock', async () => {
    const tenant = await newTenant(t);
    const { programId, rewardId, token } = await memberWithLink(tenant, { perMemberLimit: 1 });
    const expensive = await addReward(tenant, programId, { pointsCost: 500 });
    const gold = await addReward(tenant, programId, { tiers: ['gold'] });
    const gone = await addReward(tenant, programId, { stock: 0 });
    const refused = async (reward: string, key: string, code: string) => {
      const res = await member<Problem>({ token, rewardId: reward, idempotencyKey: key });
      expect(res.status, res.text).toBe(409);
      expect(res.body.code).toBe(code);
      expect(res.headers['content-type']).toContain('application/problem+json');
    };
    await refused(expensive, 'k-expensive', 'INSUFFICIENT_POINTS');
    await refused(gold, 'k-gold', 'REWARD_UNAVAILABLE');
    await refused(gone, 'k-gone', 'REWARD_UNAVAILABLE');
    expect((await member({ token, rewardId, idempotencyKey: 'k-1' })).status).toBe(201);
    await refused(rewardId, 'k-2', 'REWARD_UNAVAILABLE');
    const page = await pageOf(token);
    expect(page.available).toBe(190);
    expect(page.rewards.find((reward) => reward.id === rewardId)?.leftForMember).toBe(0);
  });

  it('a changed, expired or missing token is refused as on the page (401), nothing spent', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, rewardId, token } = await memberWithLink(tenant);
    const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    const res = await member<Problem>({ token: forged, rewardId, idempotencyKey: 'forged' });
    expect(res.status, res.text).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(res.headers['content-type']).toContain('application/problem+json');

    // Signed with the program's own secret, but expired a minute ago.
    const program = await t.database.db
      .selectFrom('loyalty_programs')
      .select('member_page_secret')
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', programId)
      .executeTakeFirstOrThrow();
    const payload = Buffer.from(
      JSON.stringify({ t: tenant.tenantId, p: programId, c: customerId, e: Date.now() - 60_000 }),
    ).toString('base64url');
    const signature = createHmac('sha256', program.member_page_secret)
      .update(payload)
      .digest('base64url');
    const expired = `${payload}.${signature}`;
    expect((await member({ token: expired, rewardId, idempotencyKey: 'expired' })).status).toBe(
      401,
    );
    expect((await member({ token: 'x'.repeat(40), rewardId, idempotencyKey: 'junk' })).status).toBe(
      401,
    );
    const missing = await member<Problem>({ rewardId, idempotencyKey: 'missing' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0]?.field).toBe('token');
    expect((await pageOf(token)).available).toBe(200);
  });

  it('the link decides who redeems: no customerId in the body, no other tenant’s reward', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const mine = await memberWithLink(tenant, { stock: 3 });
    const theirs = await memberWithLink(other, { stock: 3 });

    // Naming another customer is not a field of this request.
    const named = await member<Problem>({
      token: mine.token,
      rewardId: mine.rewardId,
      idempotencyKey: 'named',
      customerId: theirs.customerId,
    });
    expect(named.status, named.text).toBe(400);
    expect(named.body.errors?.map((error) => error.field)).toEqual(['customerId']);

    // My link with their reward: not a reward of my program.
    const crossed = await member<Problem>({
      token: mine.token,
      rewardId: theirs.rewardId,
      idempotencyKey: 'crossed',
    });
    expect(crossed.status, crossed.text).toBe(409);
    expect(crossed.body.code).toBe('REWARD_UNAVAILABLE');

    // The same key in two tenants is two redemptions, each of its own member.
    for (const who of [mine, theirs]) {
      const res = await member<Redeemed>({
        token: who.token,
        rewardId: who.rewardId,
        idempotencyKey: 'same-key',
      });
      expect(res.status, res.text).toBe(201);
    }
    for (const who of [mine, theirs]) {
      const page = await pageOf(who.token);
      expect(page.available).toBe(190);
      expect(page.rewards[0]?.stock).toBe(2);
    }
  });

  it('lists the member’s own coupons, newest first: usable, used, expired; never another’s', async () => {
    const tenant = await newTenant(t);
    const { programId, rewardId, token } = await memberWithLink(tenant);
    const pool = `/v1/loyalty/programs/${programId}/rewards/${rewardId}/coupons`;
    const codes = ['CAFE-0001', 'CAFE-0002', 'CAFE-0003', 'CAFE-0004'];
    expect((await staff(tenant, 'POST', pool, { codes })).status).toBe(201);
    // Another member of the same program, with a link of their own.
    const order = await staff<{ customerId: string }>(tenant, 'POST', '/v1/events', {
      id: `order-other-${programId}`,
      type: 'purchase',
      customerExternalId: `other-${programId}`,
      occurredAt: new Date().toISOString(),
      currency: 'CNY',
      amount: 5_000,
    });
    expect(order.status, order.text).toBeLessThan(300);
    const otherLink = await staff<{ token: string }>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/members/${order.body.customerId}/link`,
      { days: 7 },
    );
    expect(otherLink.status, otherLink.text).toBe(201);

    for (const key of ['k-1', 'k-2']) {
      const res = await member<Redeemed>({ token, rewardId, idempotencyKey: key });
      expect(res.status, res.text).toBe(201);
    }
    const theirs = await member<Redeemed>({
      token: otherLink.body.token,
      rewardId,
      idempotencyKey: 'their-1',
    });
    expect(theirs.status, theirs.text).toBe(201);
    const last = await member<Redeemed>({ token, rewardId, idempotencyKey: 'k-3' });
    expect(last.status, last.text).toBe(201);
    expect(last.body.coupon?.code).toBe('CAFE-0004');

    const used = await staff(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/coupons/CAFE-0001/use`,
    );
    expect(used.status, used.text).toBe(200);
    await t.database.db
      .updateTable('loyalty_coupons')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('tenant_id', '=', tenant.tenantId)
      .where('program_id', '=', programId)
      .where('code', '=', 'CAFE-0002')
      .execute();

    const page = await pageOf(token);
    expect(page.coupons.map((coupon) => [coupon.code, coupon.status])).toEqual([
      ['CAFE-0004', 'usable'],
      ['CAFE-0002', 'expired'],
      ['CAFE-0001', 'used'],
    ]);
    expect(page.coupons[2]?.usedAt).toEqual(expect.any(String));
    expect(page.coupons[1]?.expiresAt).toEqual(expect.any(String));
    // No reward, redemption or customer ids: what the member needs to use the code.
    expect(Object.keys(page.coupons[0] ?? {}).sort()).toEqual(
      ['code', 'expiresAt', 'issuedAt', 'rewardName', 'status', 'usedAt'].sort(),
    );
    const other = await pageOf(otherLink.body.token);
    expect(other.coupons.map((coupon) => coupon.code)).toEqual(['CAFE-0003']);
  });

  it('lists the latest 50 coupons and says when there are more', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, rewardId, token } = await memberWithLink(tenant);
    const start = Date.parse('2025-01-01T00:00:00Z');
    await t.database.db
      .insertInto('loyalty_coupons')
      .values(
        Array.from({ length: 51 }, (_, index) => ({
          tenant_id: tenant.tenantId,
          program_id: programId,
          code: `OLD-${String(index).padStart(3, '0')}`,
          reward_id: rewardId,
          status: 'issued',
          customer_id: customerId,
          redemption_id: null,
          issued_at: new Date(start + index * 60_000),
          used_at: null,
          expires_at: null,
        })),
      )
      .execute();
    const page = await pageOf(token);
    expect(page.coupons).toHaveLength(50);
    expect(page.moreCoupons).toBe(true);
    expect(page.coupons[0]?.code).toBe('OLD-050');
    expect(page.coupons[49]?.code).toBe('OLD-001');
  });

  it('shows the cashback wallet once the program gives cashback, and only then', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, token } = await memberWithLink(tenant);
    expect((await pageOf(token)).wallet).toBeNull();
    const changed = await staff(tenant, 'PATCH', `/v1/loyalty/programs/${programId}`, {
      cashback: { rateBasisPoints: 250 },
    });
    expect(changed.status, changed.text).toBe(200);
    expect((await pageOf(token)).wallet).toBe(0);
    const order = await staff<{ customerId: string }>(tenant, 'POST', '/v1/events', {
      id: `cashback-${programId}`,
      type: 'purchase',
      customerExternalId: `member-${programId}`,
      occurredAt: new Date().toISOString(),
      currency: 'CNY',
      amount: 10_000,
    });
    expect(order.status, order.text).toBe(201);
    expect(order.body.customerId).toBe(customerId);
    // 2.5 % of ¥100.00: ¥2.50, in fen.
    expect((await pageOf(token)).wallet).toBe(250);
  });
});
