import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

describe('POST /v1/customers with an Idempotency-Key', () => {
  it('answers concurrent retries of one request with its one result', async () => {
    const tenant = await newTenant(t);
    for (let round = 0; round < 3; round += 1) {
      const send = () =>
        t.app.inject({
          method: 'POST',
          url: '/v1/customers',
          headers: { ...tenant.auth, 'idempotency-key': `signup-${round}` },
          payload: { kind: 'person', name: '李雷', externalId: `card-${round}` },
        });
      const answers = await Promise.all(Array.from({ length: 10 }, send));
      // Never EXTERNAL_ID_TAKEN: a retry that lost the race to its own first attempt is owed
      // that attempt's result.
      expect(answers.map((res) => res.statusCode)).toEqual(Array(10).fill(201));
      expect(new Set(answers.map((res) => (res.json() as { id: string }).id)).size).toBe(1);
    }
  });
});
