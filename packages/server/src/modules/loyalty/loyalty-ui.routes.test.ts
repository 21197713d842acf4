// What the web UI needs beyond the core loyalty API: the coupon pool list of the designer and
// the fields the public member page shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { callJson, programWithMember, programWithReward } from '../../../test/loyalty-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;

const call = <T>(tenant: Tenant | null, method: 'GET' | 'POST', url: string, payload?: object) =>
  callJson<T>(t, tenant?.auth ?? null, method, url, payload);

describe('coupon pool list', () => {
  it('lists a reward’s codes by status and prefix, a page at a time, with counts', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, rewardId } = await programWithReward(t, tenant);
    const base = `/v1/loyalty/programs/${programId}/rewards/${rewardId}/coupons`;
    const codes = ['CAFE-0001', 'CAFE-0002', 'CAFE-0003', 'TEA_0001', 'TEAX0002'];
    expect((await call(tenant, 'POST', base, { codes })).status).toBe(201);
    const redeemed = await call<{ coupon: { code: string } }>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/redemptions`,
      { customerId, rewardId, idempotencyKey: 'ui-coupon-1' },
    );
    expect(redeemed.status, redeemed.text).toBe(201);
    expect(redeemed.body.coupon.code).toBe('CAFE-0001');

    type List = {
      items: { code: string; status: string; customerId: string | null }[];
      nextCursor: string | null;
      counts: Record<string, number>;
    };
    const first = await call<List>(tenant, 'GET', `${base}?limit=2`);
    expect(first.status, first.text).toBe(200);
    expect(first.body.items.map((c) => c.code)).toEqual(['CAFE-0001', 'CAFE-0002']);
    expect(first.body.items[0]).toMatchObject({ status: 'issued', customerId });
    expect(first.body.counts).toEqual({ available: 4, issued: 1, used: 0, expired: 0 });
    const rest = await call<List>(
      tenant,
      'GET',
      `${base}?limit=10&cursor=${first.body.nextCursor}`,
    );
    // Code order is the database's collation: compare the rest as a set.
    expect(rest.body.items.map((c) => c.code).sort()).toEqual([
      'CAFE-0003',
      'TEAX0002',
      'TEA_0001',
    ]);
    expect(rest.body.nextCursor).toBeNull();

    const issued = await call<List>(tenant, 'GET', `${base}?status=issued`);
    expect(issued.body.items.map((c) => c.code)).toEqual(['CAFE-0001']);
    // `_` is a literal in the prefix, not a LIKE wildcard.
    const prefixed = await call<List>(tenant, 'GET', `${base}?q=TEA_`);
    expect(prefixed.body.items.map((c) => c.code)).toEqual(['TEA_0001']);

    const otherTenant = await newTenant(t);
    expect((await call(otherTenant, 'GET', base)).status).toBe(404);
  });
});

describe('public member page', () => {
  it('gives the currency, time zone, debt, lifetime points and the link’s expiry', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId } = await programWithMember(t, tenant);
    const link = await call<{ token: string; url: string; path: string; expiresAt: string }>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/members/${customerId}/link`,
      { days: 7 },
    );
    expect(link.status, link.text).toBe(201);
    expect(link.body.path).toBe(`/member?token=${link.body.token}`);
    // Without PUBLIC_URL the address is the one the request came to (inject's is localhost:80).
    expect(link.body.url).toBe(`http://localhost:80/member?token=${link.body.token}`);
    const page = await call<Record<string, unknown>>(
      null,
      'GET',
      `/v1/public/loyalty/member?token=${link.body.token}`,
    );
    expect(page.status, page.text).toBe(200);
    expect(page.body).toMatchObject({
      programName: 'Points',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      available: 200,
      debt: 0,
      lifetimeEarned: 200,
      linkExpiresAt: link.body.expiresAt,
      tier: { code: 'member' },
      progress: { metric: 'spend', value: 20_000, remaining: 80_000 },
    });
  });
});

describe('member link address', () => {
  async function linkOf(app: TestApp, headers: Record<string, string> = {}) {
    const tenant = await newTenant(app);
    const { programId, customerId } = await programWithMember(app, tenant);
    const res = await app.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${programId}/members/${customerId}/link`,
      headers: { ...tenant.auth, ...headers },
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { token: string; url: string; path: string };
  }

  it('without PUBLIC_URL is built from the request’s host', async () => {
    const link = await linkOf(t, { host: 'shop.example.cn:8443' });
    expect(link.url).toBe(`http://shop.example.cn:8443/member?token=${link.token}`);
    expect(link.path).toBe(`/member?token=${link.token}`);
  });

  it('with PUBLIC_URL is PUBLIC_URL + the path, whatever the request’s host', async () => {
    const configured = await openTestApp({ publicUrl: 'https://loyalty.example.cn/fidelis/' });
    try {
      const link = await linkOf(configured, { host: 'internal:3000' });
      expect(link.url).toBe(`https://loyalty.example.cn/fidelis/member?token=${link.token}`);
      expect(link.path).toBe(`/member?token=${link.token}`);
    } finally {
      await configured.close();
    }
  });
});
