// Why a reward is refused (REWARD_UNAVAILABLE: a reason and its params, for the web and CLI to
// word in the user's language), and coupon codes found whatever their case.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { callJson, programWithReward } from '../../../test/loyalty-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface Problem {
  code: string;
  detail: string;
  errors: { field: string; message: string; reason?: string; params?: object }[];
}

const staff = <T>(tenant: Tenant, method: 'GET' | 'POST', path: string, payload?: object) =>
  callJson<T>(t, tenant.auth, method, path, payload);

describe('a refused reward says why', () => {
  it('each refusal has a reason and params; tiers are named by their names', async () => {
    const tenant = await newTenant(t);
    // A member (200 points) of the tier Member; the program also has Gold.
    const { programId, customerId, rewardId } = await programWithReward(t, tenant, {
      perMemberLimit: 1,
    });
    const add = async (reward: object) => {
      const created = await staff<{ id: string }>(
        tenant,
        'POST',
        `/v1/loyalty/programs/${programId}/rewards`,
        { name: 'Reward', pointsCost: 10, ...reward },
      );
      expect(created.status, created.text).toBe(201);
      return created.body.id;
    };
    let key = 0;
    const refusal = async (reward: string) => {
      const res = await staff<Problem>(
        tenant,
        'POST',
        `/v1/loyalty/programs/${programId}/redemptions`,
        {
          customerId,
          rewardId: reward,
          idempotencyKey: `refused-${key++}`,
        },
      );
      expect(res.status, res.text).toBe(409);
      expect(res.body.code).toBe('REWARD_UNAVAILABLE');
      expect(res.body.errors).toHaveLength(1);
      const [error] = res.body.errors;
      return { detail: res.body.detail, ...error };
    };
    const first = await staff(tenant, 'POST', `/v1/loyalty/programs/${programId}/redemptions`, {
      customerId,
      rewardId,
      idempotencyKey: 'first',
    });
    expect(first.status, first.text).toBe(201);

    expect(await refusal(rewardId)).toEqual({
      detail: 'At most 1 per member.',
      field: 'rewardId',
      message: 'At most 1 per member.',
      reason: 'per_member_limit',
      params: { limit: 1, redeemed: 1 },
    });
    expect(await refusal(await add({ tiers: ['gold'] }))).toMatchObject({
      message: 'The reward is for tiers Gold only.',
      reason: 'tier_required',
      params: { tiers: 'Gold' },
    });
    const off = await add({ tiers: ['member', 'gold'] });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/loyalty/programs/${programId}/rewards/${off}`,
      headers: tenant.auth,
      payload: { active: false },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await refusal(off)).toMatchObject({ reason: 'inactive' });
    const from = new Date(Date.now() + 86_400_000).toISOString();
    expect(await refusal(await add({ validFrom: from }))).toMatchObject({
      reason: 'not_started',
      params: { at: from },
    });
    const ended = await add({});
    const to = new Date(Date.now() - 1000).toISOString();
    await sql`update loyalty_rewards set valid_to = ${to} where id = ${ended}`.execute(
      t.database.db,
    );
    expect(await refusal(ended)).toMatchObject({ reason: 'ended', params: { at: to } });
    expect(await refusal(await add({ stock: 0 }))).toMatchObject({ reason: 'out_of_stock' });
    // A reward that hands out codes and has none left is out of stock too.
    const coded = await add({});
    const pool = `/v1/loyalty/programs/${programId}/rewards/${coded}/coupons`;
    expect((await staff(tenant, 'POST', pool, { codes: ['ONLY-0001'] })).status).toBe(201);
    await sql`update loyalty_coupons set status = 'used' where reward_id = ${coded}`.execute(
      t.database.db,
    );
    expect(await refusal(coded)).toMatchObject({
      message: 'No coupon codes are left for this reward.',
      reason: 'out_of_stock',
    });
    const unknown = await staff<Problem>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${programId}/redemptions`,
      { customerId, rewardId: crypto.randomUUID(), idempotencyKey: 'unknown' },
    );
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ field: 'rewardId', reason: 'not_found' }),
    ]);
    // Nothing but the first redemption was spent.
    const member = await staff<{ available: number }>(
      tenant,
      'GET',
      `/v1/loyalty/programs/${programId}/members/${customerId}`,
    );
    expect(member.body.available).toBe(190);
  });
});

describe('the catalog for a member', () => {
  it('says how many more times the member may redeem each limited reward', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, rewardId } = await programWithReward(t, tenant, {
      perMemberLimit: 1,
    });
    const rewards = `/v1/loyalty/programs/${programId}/rewards`;
    const free = await staff<{ id: string }>(tenant, 'POST', rewards, {
      name: 'Tea',
      pointsCost: 10,
    });
    const listed = async (query: string) =>
      (
        await staff<{ items: { id: string; leftForMember?: number | null }[] }>(
          tenant,
          'GET',
          `${rewards}${query}`,
        )
      ).body.items;
    expect((await listed(`?customerId=${customerId}`)).map((item) => item.leftForMember)).toEqual([
      1,
      null,
    ]);
    const redeemed = await staff(tenant, 'POST', `/v1/loyalty/programs/${programId}/redemptions`, {
      customerId,
      rewardId,
      idempotencyKey: 'once',
    });
    expect(redeemed.status, redeemed.text).toBe(201);
    expect(await listed(`?customerId=${customerId}`)).toEqual([
      expect.objectContaining({ id: rewardId, leftForMember: 0 }),
      expect.objectContaining({ id: free.body.id, leftForMember: null }),
    ]);
    // Without a member, the catalog as before.
    expect((await listed('')).every((item) => !('leftForMember' in item))).toBe(true);
  });
});

describe('coupon codes', () => {
  async function issuedCoupon(tenant: Tenant, codes: string[]) {
    const ids = await programWithReward(t, tenant);
    const pool = `/v1/loyalty/programs/${ids.programId}/rewards/${ids.rewardId}/coupons`;
    const added = await staff<{ added: number; duplicates: number }>(tenant, 'POST', pool, {
      codes,
    });
    expect(added.status, added.text).toBe(201);
    const redeemed = await staff<{ coupon: { code: string } }>(
      tenant,
      'POST',
      `/v1/loyalty/programs/${ids.programId}/redemptions`,
      { customerId: ids.customerId, rewardId: ids.rewardId, idempotencyKey: 'take' },
    );
    expect(redeemed.status, redeemed.text).toBe(201);
    return { ...ids, pool, added: added.body, code: redeemed.body.coupon.code };
  }
  const use = (tenant: Tenant, programId: string, code: string, key?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${programId}/coupons/${encodeURIComponent(code)}/use`,
      headers: { ...tenant.auth, ...(key ? { 'idempotency-key': key } : {}) },
    });

  it('are used whatever their case and surrounding spaces', async () => {
    const tenant = await newTenant(t);
    const { programId, code } = await issuedCoupon(tenant, ['QA01410-HMH5KKTN']);
    const lower = await use(tenant, programId, ' qa01410-hmh5kktn ', 'till-1');
    expect(lower.statusCode, lower.body).toBe(200);
    expect(lower.json()).toMatchObject({ code, status: 'used' });
    // The till's retry, typed in another case, is the same use.
    const retried = await use(tenant, programId, 'QA01410-HMH5KKTN', 'till-1');
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    const again = await use(tenant, programId, 'Qa01410-Hmh5kktn');
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ errors: [{ reason: 'already_used' }] });
  });

  it('given in any case are stored upper-case; one differing only by case is a duplicate', async () => {
    const tenant = await newTenant(t);
    const { pool, added, code } = await issuedCoupon(tenant, [
      ' cafe-0001',
      'CAFE-0001',
      'cafe-0002',
    ]);
    expect(added).toMatchObject({ added: 2, duplicates: 1 });
    expect(code).toBe('CAFE-0001');
    const more = await staff<{ added: number; duplicates: number }>(tenant, 'POST', pool, {
      codes: ['Cafe-0002', 'cafe-0003'],
    });
    expect(more.body).toMatchObject({ added: 1, duplicates: 1 });
    const listed = await staff<{ items: { code: string }[] }>(tenant, 'GET', `${pool}?q=cafe`);
    expect(listed.body.items.map((item) => item.code)).toEqual([
      'CAFE-0001',
      'CAFE-0002',
      'CAFE-0003',
    ]);
  });

  it('stored before in lower case (0314 keeps them) are found and collide by case', async () => {
    const tenant = await newTenant(t);
    const { programId, rewardId, customerId, pool } = await issuedCoupon(tenant, ['NEW-0001']);
    await sql`
      insert into loyalty_coupons (tenant_id, program_id, code, reward_id, status, customer_id,
        issued_at)
      values (${tenant.tenantId}, ${programId}, 'old-0001', ${rewardId}, 'issued', ${customerId},
        now())`.execute(t.database.db);
    const upload = await staff<{ added: number; duplicates: number }>(tenant, 'POST', pool, {
      codes: ['OLD-0001'],
    });
    expect(upload.body).toMatchObject({ added: 0, duplicates: 1 });
    const used = await use(tenant, programId, 'OLD-0001');
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json()).toMatchObject({ code: 'old-0001', status: 'used' });
  });
});
