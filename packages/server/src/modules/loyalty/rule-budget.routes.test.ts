import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

describe('a rule budget', () => {
  // Concurrent transactions need a second connection: the PostgreSQL server only.
  it.runIf(process.env.DATABASE_URL)(
    'is spent once by concurrent batches of different members, from its first award on',
    async () => {
      const tenant = await newTenant(t);
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/loyalty/programs',
        headers: tenant.auth,
        payload: {
          name: 'Launch bonus',
          currency: 'CNY',
          earnRules: [{ kind: 'spend', id: 'launch', points: 100, per: 100, cap: { budget: 150 } }],
          pendingDays: 0,
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const programId = (created.json() as { id: string }).id;
      const batch = (name: string) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/events:batch',
          headers: tenant.auth,
          payload: {
            events: Array.from({ length: 5 }, (_, i) => ({
              id: `${name}-${i}`,
              type: 'purchase',
              customerExternalId: `${name}-member-${i}`,
              occurredAt: '2026-11-02T03:00:00Z',
              currency: 'CNY',
              amount: 100,
            })),
          },
        });
      const answers = await Promise.all(['a', 'b', 'c', 'd'].map(batch));
      for (const res of answers) expect(res.statusCode, res.body).toBeLessThan(300);
      const liability = await t.app.inject({
        method: 'GET',
        url: `/v1/loyalty/programs/${programId}/liability`,
        headers: tenant.auth,
      });
      expect(liability.json()).toMatchObject({ issuedPoints: 150 });
    },
  );
});
