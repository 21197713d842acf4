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

describe('public member page history', () => {
  it('gives the newest entries asked for and pages on to the oldest by cursor', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId } = await programWithMember(t, tenant);
    const events = Array.from({ length: 59 }, (_, index) => ({
      id: `more-${index}`,
      type: 'purchase',
      customerExternalId: `member-${programId}`,
      occurredAt: new Date(Date.now() - (index + 1) * 60_000).toISOString(),
      currency: 'CNY',
      amount: 100 * (index + 1),
    }));
    const sent = await call(tenant, 'POST', '/v1/events:batch', { events });
    expect(sent.status, sent.text).toBe(200);
    const link = await call<{ token: string }>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/members/${customerId}/link`,
      {},
    );
    type Entry = { id: string; points: number };
    type Page = { history: Entry[]; historyNextCursor: string | null };
    type History = { items: Entry[]; nextCursor: string | null };
    const token = link.body.token;

    // Unasked, the page keeps its 50 newest, now saying there are older ones.
    const whole = await call<Page>(null, 'GET', `/v1/public/loyalty/member?token=${token}`);
    expect(whole.status, whole.text).toBe(200);
    expect(whole.body.history).toHaveLength(50);
    expect(whole.body.historyNextCursor).toEqual(expect.any(String));

    const first = await call<Page>(
      null,
      'GET',
      `/v1/public/loyalty/member?token=${token}&historyLimit=20`,
    );
    expect(first.body.history).toHaveLength(20);
    const seen = first.body.history.map((entry) => entry.id);
    let cursor = first.body.historyNextCursor;
    while (cursor) {
      const next = await call<History>(
        null,
        'GET',
        `/v1/public/loyalty/member/history?token=${token}&limit=20&cursor=${cursor}`,
      );
      expect(next.status, next.text).toBe(200);
      seen.push(...next.body.items.map((entry) => entry.id));
      cursor = next.body.nextCursor;
    }
    // 60 purchases: every entry once, newest first (ids are time-ordered within a batch).
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(seen.slice(0, 50)).toEqual(whole.body.history.map((entry) => entry.id));

    // The history is the link's member's alone: a changed token is refused as the page is.
    const forged = await call(
      null,
      'GET',
      `/v1/public/loyalty/member/history?token=${token.slice(0, -2)}xx`,
    );
    expect(forged.status).toBe(401);
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
