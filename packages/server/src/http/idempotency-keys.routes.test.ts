import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';

/**
 * A program or a reward created twice because a retry followed a lost answer would be a second
 * program earning points on every purchase, or a reward listed twice to members; a job requested
 * twice, every customer scored twice. With an `Idempotency-Key` header, a retry answers the first
 * result. (POST /v1/customers has its own test in the customers module.)
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const programBody = {
  name: 'Points',
  currency: 'CNY',
  earnRules: [{ kind: 'spend', points: 1, per: 100 }],
};
const rewardBody = { name: '免费咖啡', pointsCost: 100 };

describe('creating programs and rewards with an Idempotency-Key', () => {
  it('creates one program for concurrent and later retries, and refuses the key with another body', async () => {
    const tenant = await newTenant(t);
    const send = (key: string, payload: object) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/loyalty/programs',
        headers: { ...tenant.auth, 'idempotency-key': key },
        payload,
      });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send('setup-1', programBody)),
    );
    expect(answers.map((res) => res.statusCode)).toEqual(Array(8).fill(201));
    const ids = new Set(answers.map((res) => (res.json() as { id: string }).id));
    expect(ids.size).toBe(1);

    const later = await send('setup-1', programBody);
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.json()).toEqual(answers[0]!.json());

    const other = await send('setup-1', { ...programBody, name: 'Other points' });
    expect(other.statusCode).toBe(409);
    expect((other.json() as Problem).code).toBe('IDEMPOTENCY_CONFLICT');

    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/loyalty/programs',
      headers: tenant.auth,
    });
    expect((list.json() as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([...ids]);

    // Without a key, each request is a program of its own.
    const plain = await Promise.all([
      t.app.inject({
        method: 'POST',
        url: '/v1/loyalty/programs',
        headers: tenant.auth,
        payload: { ...programBody, name: 'Second' },
      }),
      t.app.inject({
        method: 'POST',
        url: '/v1/loyalty/programs',
        headers: tenant.auth,
        payload: { ...programBody, name: 'Second' },
      }),
    ]);
    expect(plain.map((res) => res.statusCode)).toEqual([201, 201]);
    expect(plain[0]!.json()).not.toEqual(plain[1]!.json());
  });

  it('keeps a reward key to its program, and a failed create stores nothing under the key', async () => {
    const tenant = await newTenant(t);
    const createProgram = async (name: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/loyalty/programs',
        headers: tenant.auth,
        payload: { ...programBody, name },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const first = await createProgram('First');
    const second = await createProgram('Second');
    const addReward = (programId: string, key: string, payload: object) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/loyalty/programs/${programId}/rewards`,
        headers: { ...tenant.auth, 'idempotency-key': key },
        payload,
      });
    const rewards = async (programId: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/loyalty/programs/${programId}/rewards`,
        headers: tenant.auth,
      });
      return (res.json() as { items: { id: string }[] }).items;
    };

    const created = await addReward(first, 'coffee', rewardBody);
    expect(created.statusCode, created.body).toBe(201);
    const again = await addReward(first, 'coffee', rewardBody);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(created.json());
    expect(await rewards(first)).toHaveLength(1);

    // The same key on the other program is another request: its own reward there.
    const elsewhere = await addReward(second, 'coffee', rewardBody);
    expect(elsewhere.statusCode).toBe(201);
    expect(elsewhere.headers['idempotent-replayed']).toBeUndefined();
    expect(await rewards(second)).toHaveLength(1);

    // A refused create keeps nothing under its key: corrected, the retry creates the reward.
    const refused = await addReward(first, 'tea', { ...rewardBody, tiers: ['no-such-tier'] });
    expect(refused.statusCode).toBe(400);
    const fixed = await addReward(first, 'tea', { ...rewardBody, name: '茶' });
    expect(fixed.statusCode, fixed.body).toBe(201);
    expect(await rewards(first)).toHaveLength(2);
  });

  it('queues a job once per key: loyalty jobs and score runs', async () => {
    const tenant = await newTenant(t);
    const request = (url: string, key: string | undefined, payload: object) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { ...tenant.auth, ...(key ? { 'idempotency-key': key } : {}) },
        payload,
      });
    for (const [url, payload, otherPayload] of [
      ['/v1/loyalty/jobs', { kind: 'loyalty.expire-points' }, { kind: 'loyalty.tier-review' }],
      ['/v1/analytics/score-runs', { horizonWeeks: 26 }, { horizonWeeks: 52 }],
    ] as const) {
      const first = await request(url, 'nightly-retry', payload);
      expect(first.statusCode, first.body).toBe(202);
      const again = await request(url, 'nightly-retry', payload);
      expect(again.statusCode).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      const other = await request(url, 'nightly-retry', otherPayload);
      expect(other.statusCode).toBe(409);
      expect((other.json() as Problem).code).toBe('IDEMPOTENCY_CONFLICT');
      // Without a key, each request queues a job of its own.
      const plain = await request(url, undefined, payload);
      expect(plain.statusCode).toBe(202);
      expect(plain.json()).not.toEqual(first.json());
    }
    const jobs = await t.app.inject({ method: 'GET', url: '/v1/jobs', headers: tenant.auth });
    expect((jobs.json() as { items: unknown[] }).items).toHaveLength(4);
  });
});
