// POST …/rewards/{rewardId}/coupons with `generate`: the server makes the codes (its alphabet,
// new to the program, a code drawn twice replaced), a retried key adds no second set, bad
// bodies name their field, and one tenant never reaches another's pool.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { callJson, programWithReward } from '../../../test/loyalty-fixtures.ts';
import type * as couponCodes from './coupon-codes.ts';

// The draws the next generations get instead of random ones: how a collision is forced.
const forced = vi.hoisted(() => ({ draws: [] as string[][] }));
vi.mock('./coupon-codes.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof couponCodes>();
  return {
    ...actual,
    newCouponCodes: (...args: Parameters<typeof actual.newCouponCodes>) =>
      forced.draws.shift() ?? actual.newCouponCodes(...args),
  };
});

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface Added {
  added: number;
  duplicates: number;
  available: number;
  codes?: string[];
}
interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}
interface CouponList {
  items: { code: string }[];
  counts: { available: number };
}

const call = <T>(tenant: Tenant, method: 'GET' | 'POST', url: string, payload?: object) =>
  callJson<T>(t, tenant.auth, method, url, payload);

async function rewardPool(tenant: Tenant) {
  const ids = await programWithReward(t, tenant);
  return { ...ids, pool: `/v1/loyalty/programs/${ids.programId}/rewards/${ids.rewardId}/coupons` };
}

async function codesOf(tenant: Tenant, pool: string): Promise<string[]> {
  const list = await call<CouponList>(tenant, 'GET', `${pool}?limit=200`);
  expect(list.status, list.text).toBe(200);
  return list.body.items.map((item) => item.code);
}

describe('generated coupon codes', () => {
  it('makes count different codes of the server’s alphabet, PREFIX- and length characters', async () => {
    const tenant = await newTenant(t);
    const { pool } = await rewardPool(tenant);
    const made = await call<Added>(tenant, 'POST', pool, {
      generate: { count: 150, prefix: 'vip', length: 12 },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ added: 150, duplicates: 0, available: 150 });
    const codes = made.body.codes ?? [];
    expect(codes).toHaveLength(150);
    expect(new Set(codes).size).toBe(150);
    for (const code of codes) expect(code).toMatch(/^VIP-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{12}$/);
    expect((await codesOf(tenant, pool)).sort()).toEqual([...codes].sort());

    // No prefix: no dash; the length defaults to 8.
    const plain = await call<Added>(tenant, 'POST', pool, { generate: { count: 3 } });
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body.available).toBe(153);
    for (const code of plain.body.codes ?? []) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
  });

  it('hands the generated codes out on redemption', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, rewardId, pool } = await rewardPool(tenant);
    const made = await call<Added>(tenant, 'POST', pool, { generate: { count: 2 } });
    const redeemed = await call<{ coupon: { code: string } }>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/redemptions`,
      { customerId, rewardId, idempotencyKey: 'generated-1' },
    );
    expect(redeemed.status, redeemed.text).toBe(201);
    expect(made.body.codes).toContain(redeemed.body.coupon.code);
  });

  it('draws again for a code the program already has, and answers only the new ones', async () => {
    const tenant = await newTenant(t);
    const { pool } = await rewardPool(tenant);
    expect((await call(tenant, 'POST', pool, { codes: ['VIP-TAKEN234'] })).status).toBe(201);
    forced.draws.push(['VIP-TAKEN234', 'VIP-FRESH234']);
    const made = await call<Added>(tenant, 'POST', pool, {
      generate: { count: 2, prefix: 'VIP' },
    });
    expect(made.status, made.text).toBe(201);
    expect(forced.draws).toEqual([]);
    expect(made.body).toMatchObject({ added: 2, duplicates: 0, available: 3 });
    expect(made.body.codes).toHaveLength(2);
    expect(made.body.codes).toContain('VIP-FRESH234');
    expect(made.body.codes).not.toContain('VIP-TAKEN234');
    expect(await codesOf(tenant, pool)).toHaveLength(3);
  });

  it('a retried key answers the first codes and adds no second set; another body is a 409', async () => {
    const tenant = await newTenant(t);
    const { programId, pool } = await rewardPool(tenant);
    const body = { generate: { count: 20, prefix: 'R' }, idempotencyKey: 'gen-1' };
    const first = await call<Added>(tenant, 'POST', pool, body);
    expect(first.status, first.text).toBe(201);
    const again = await call<Added>(tenant, 'POST', pool, body);
    expect(again.status, again.text).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await codesOf(tenant, pool)).toHaveLength(20);

    const changed = await call<Problem>(tenant, 'POST', pool, { ...body, generate: { count: 21 } });
    expect(changed.status, changed.text).toBe(409);
    expect(changed.body.code).toBe('IDEMPOTENCY_CONFLICT');
    // The same key on another reward's pool is another request, not a replay.
    const other = await call<{ id: string }>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/rewards`,
      { name: 'Tea', pointsCost: 10 },
    );
    const elsewhere = await call<Problem>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/rewards/${other.body.id}/coupons`,
      body,
    );
    expect(elsewhere.status, elsewhere.text).toBe(409);
    expect(await codesOf(tenant, pool)).toHaveLength(20);

    const audit = await call<{ items: { action: string; after: unknown }[] }>(
      tenant,
      'GET',
      `/v1/audit-log?entityType=loyalty_reward&entityId=${pool.split('/')[6]}`,
    );
    expect(audit.body.items.filter((item) => item.action === 'loyalty.coupons.added')).toEqual([
      expect.objectContaining({ after: { added: 20, generated: true } }),
    ]);
  });

  it('given codes keep their behaviour: duplicates counted, no codes echoed', async () => {
    const tenant = await newTenant(t);
    const { pool } = await rewardPool(tenant);
    const given = await call<Added>(tenant, 'POST', pool, {
      codes: ['SAVE-0001', 'SAVE-0002', 'SAVE-0001'],
    });
    expect(given.status, given.text).toBe(201);
    expect(given.body).toEqual({ added: 2, duplicates: 1, available: 2 });
  });

  it.each([
    {
      name: 'both codes and generate',
      body: { codes: ['SAVE-0001'], generate: { count: 1 } },
      field: 'generate',
    },
    { name: 'neither', body: { expiresAt: '2030-01-01T00:00:00Z' }, field: 'codes' },
    { name: 'count 0', body: { generate: { count: 0 } }, field: 'generate.count' },
    { name: 'count 10,001', body: { generate: { count: 10_001 } }, field: 'generate.count' },
    { name: 'length 5', body: { generate: { count: 1, length: 5 } }, field: 'generate.length' },
    { name: 'length 17', body: { generate: { count: 1, length: 17 } }, field: 'generate.length' },
    {
      name: 'a prefix with a dash',
      body: { generate: { count: 1, prefix: 'A-B' } },
      field: 'generate.prefix',
    },
    {
      name: 'an unknown field',
      body: { generate: { count: 1, alphabet: 'AB' } },
      field: 'generate.alphabet',
    },
  ])('refuses $name (400 VALIDATION_FAILED naming $field)', async ({ body, field }) => {
    const tenant = await newTenant(t);
    const { pool } = await rewardPool(tenant);
    const res = await call<Problem>(tenant, 'POST', pool, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors?.map((error) => error.field)).toEqual([field]);
    expect(await codesOf(tenant, pool)).toEqual([]);
  });

  it('keeps tenants apart', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const { pool } = await rewardPool(tenant);
    const theirs = await rewardPool(other);
    const res = await call<Problem>(other, 'POST', pool, { generate: { count: 5 } });
    expect(res.status, res.text).toBe(404);
    expect(await codesOf(tenant, pool)).toEqual([]);
    const made = await call<Added>(other, 'POST', theirs.pool, { generate: { count: 5 } });
    expect(made.status, made.text).toBe(201);
    expect(await codesOf(tenant, pool)).toEqual([]);
    expect((await call(other, 'GET', pool)).status).toBe(404);
  });
});
