import { expect } from 'vitest';
import type { newTenant, TestApp } from './test-app.ts';

type Tenant = Awaited<ReturnType<typeof newTenant>>;

/**
 * A program in CNY (1 point per ¥1; tiers member and gold at ¥1,000 spent in the calendar
 * year) and a member who spent ¥200: 200 points available, tier member.
 */
export async function programWithMember(
  testApp: TestApp,
  tenant: Tenant,
): Promise<{ programId: string; customerId: string }> {
  const post = async (url: string, payload: object) => {
    const res = await testApp.app.inject({ method: 'POST', url, headers: tenant.auth, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as { id: string; customerId: string };
  };
  const program = await post('/v1/loyalty/programs', {
    name: 'Points',
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    earnRules: [{ kind: 'spend', points: 1, per: 100 }],
    tiers: {
      metric: 'spend',
      window: { kind: 'calendar', period: 'year' },
      levels: [
        { code: 'member', name: 'Member', threshold: 0 },
        { code: 'gold', name: 'Gold', threshold: 100_000 },
      ],
    },
  });
  const order = await post('/v1/events', {
    id: `order-${program.id}`,
    type: 'purchase',
    customerExternalId: `member-${program.id}`,
    occurredAt: new Date().toISOString(),
    currency: 'CNY',
    amount: 20_000,
  });
  return { programId: program.id, customerId: order.customerId };
}

/** One request through the app, with the status, the parsed body and the raw text. */
export async function callJson<T>(
  testApp: TestApp,
  auth: { authorization: string } | null,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
) {
  const res = await testApp.app.inject({
    method,
    url,
    ...(auth ? { headers: auth } : {}),
    ...(payload ? { payload } : {}),
  });
  return {
    status: res.statusCode,
    body: res.json() as T,
    text: res.body,
    headers: res.headers,
  };
}

/** programWithMember's program and member (200 points) and a reward (Coffee, 10 points). */
export async function programWithReward(
  testApp: TestApp,
  tenant: Tenant,
  reward: object = {},
): Promise<{ programId: string; customerId: string; rewardId: string }> {
  const { programId, customerId } = await programWithMember(testApp, tenant);
  const created = await callJson<{ id: string }>(
    testApp,
    tenant.auth,
    'POST',
    `/v1/loyalty/programs/${programId}/rewards`,
    { name: 'Coffee', pointsCost: 10, ...reward },
  );
  expect(created.status, created.text).toBe(201);
  return { programId, customerId, rewardId: created.body.id };
}
