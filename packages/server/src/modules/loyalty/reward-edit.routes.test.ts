// PATCH …/rewards/{rewardId}: editing a reward, restocking it and switching it off, with the
// audit trail, the bad inputs, the permission and tenant isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { callJson, programWithMember } from '../../../test/loyalty-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface Reward {
  id: string;
  name: string;
  description: string | null;
  pointsCost: number;
  stock: number | null;
  perMemberLimit: number | null;
  tiers: string[] | null;
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
}
interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

const call = <T>(
  auth: { authorization: string },
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
) => callJson<T>(t, auth, method, url, payload);

/** The fixture's program and member (200 points), and a reward of 50 points. */
async function programWithReward(tenant: Tenant, reward: object = { stock: 5 }) {
  const { programId, customerId } = await programWithMember(t, tenant);
  const created = await call<Reward>(
    tenant.auth,
    'POST',
    `/v1/loyalty/programs/${programId}/rewards`,
    { name: 'Coffee', pointsCost: 50, ...reward },
  );
  expect(created.status, created.text).toBe(201);
  return { programId, customerId, reward: created.body };
}

const rewardUrl = (programId: string, rewardId: string) =>
  `/v1/loyalty/programs/${programId}/rewards/${rewardId}`;

describe('PATCH a reward', () => {
  it('changes the fields given, restocks, and audits before and after', async () => {
    const tenant = await newTenant(t);
    const { programId, reward } = await programWithReward(tenant);
    const changed = await call<Reward>(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), {
      name: 'Large coffee',
      description: 'Any size',
      pointsCost: 80,
      addStock: 3,
      perMemberLimit: 2,
      tiers: ['gold'],
      validFrom: '2030-01-01T00:00:00.000Z',
      validTo: '2030-02-01T00:00:00.000Z',
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({
      id: reward.id,
      name: 'Large coffee',
      description: 'Any size',
      pointsCost: 80,
      stock: 8,
      perMemberLimit: 2,
      tiers: ['gold'],
      validFrom: '2030-01-01T00:00:00.000Z',
      validTo: '2030-02-01T00:00:00.000Z',
      active: true,
    });

    // null clears a limit, the tiers, a date and the description; stock replaces the count.
    const cleared = await call<Reward>(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), {
      description: null,
      stock: null,
      perMemberLimit: null,
      tiers: null,
      validFrom: null,
    });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body).toMatchObject({
      name: 'Large coffee',
      description: null,
      stock: null,
      perMemberLimit: null,
      tiers: null,
      validFrom: null,
      validTo: '2030-02-01T00:00:00.000Z',
    });
    const listed = await call<{ items: Reward[] }>(
      tenant.auth,
      'GET',
      `/v1/loyalty/programs/${programId}/rewards`,
    );
    expect(listed.body.items).toEqual([cleared.body]);

    const audit = await call<{
      items: { action: string; before: Reward | null; after: Reward | null }[];
    }>(tenant.auth, 'GET', `/v1/audit-log?entityType=loyalty_reward&entityId=${reward.id}`);
    expect(audit.status, audit.text).toBe(200);
    const updates = audit.body.items.filter((item) => item.action === 'loyalty.reward.updated');
    expect(updates).toHaveLength(2);
    const first = updates.find(
      (item) => item.after?.name === 'Large coffee' && item.after.stock === 8,
    );
    expect(first?.before).toMatchObject({ name: 'Coffee', pointsCost: 50, stock: 5 });
  });

  it('switched off, a reward cannot be redeemed and leaves the member page; back on, it can', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, reward } = await programWithReward(tenant);
    const off = await call<Reward>(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), {
      active: false,
    });
    expect(off.status, off.text).toBe(200);
    expect(off.body.active).toBe(false);

    const redeem = (key: string) =>
      call<Problem & { points?: number }>(
        tenant.auth,
        'POST',
        `/v1/loyalty/programs/${programId}/redemptions`,
        { customerId, rewardId: reward.id, idempotencyKey: key },
      );
    const refused = await redeem('off-1');
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.code).toBe('REWARD_UNAVAILABLE');
    expect(refused.body.errors?.[0]?.field).toBe('rewardId');

    const link = await call<{ token: string }>(
      tenant.auth,
      'POST',
      `/v1/loyalty/programs/${programId}/members/${customerId}/link`,
      {},
    );
    const page = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/public/loyalty/member?token=${link.body.token}`,
        })
      ).json() as { available: number; rewards: Reward[] };
    expect((await page()).rewards).toEqual([]);
    expect((await page()).available).toBe(200);

    const on = await call<Reward>(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), {
      active: true,
    });
    expect(on.body.active).toBe(true);
    expect((await page()).rewards.map((item) => item.id)).toEqual([reward.id]);
    const redeemed = await redeem('on-1');
    expect(redeemed.status, redeemed.text).toBe(201);
    expect(redeemed.body.points).toBe(50);
  });

  it('a redemption pays the cost of the moment and respects the new stock', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId, reward } = await programWithReward(tenant, { stock: 1 });
    await call(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), { pointsCost: 60, stock: 0 });
    const soldOut = await call<Problem>(
      tenant.auth,
      'POST',
      `/v1/loyalty/programs/${programId}/redemptions`,
      { customerId, rewardId: reward.id, idempotencyKey: 'k1' },
    );
    expect(soldOut.status, soldOut.text).toBe(409);
    await call(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), { addStock: 1 });
    const bought = await call<{ points: number }>(
      tenant.auth,
      'POST',
      `/v1/loyalty/programs/${programId}/redemptions`,
      { customerId, rewardId: reward.id, idempotencyKey: 'k2' },
    );
    expect(bought.status, bought.text).toBe(201);
    expect(bought.body.points).toBe(60);
  });

  it.each([
    [{ stock: 1, addStock: 1 }, 'addStock'],
    [{ pointsCost: 0 }, 'pointsCost'],
    [{ stock: -1 }, 'stock'],
    [{ addStock: 0 }, 'addStock'],
    [{ perMemberLimit: 0 }, 'perMemberLimit'],
    [{ tiers: ['platinum'] }, 'tiers[0]'],
    [{ tiers: ['bad code!'] }, 'tiers.0'],
    [{ name: '' }, 'name'],
    [{ validFrom: 'tomorrow' }, 'validFrom'],
    [{ validFrom: '2031-01-01T00:00:00.000Z' }, 'validTo'],
    [{ active: 'no' }, 'active'],
  ])('refuses %j with a problem on field %s', async (payload, field) => {
    const tenant = await newTenant(t);
    const { programId, reward } = await programWithReward(tenant, {
      stock: 5,
      validTo: '2030-01-01T00:00:00.000Z',
    });
    const res = await call<Problem>(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), payload);
    expect(res.status, res.text).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors?.map((error) => error.field.replace(/\[(\d+)\]/g, '.$1'))).toContain(
      field.replace(/\[(\d+)\]/g, '.$1'),
    );
    const unchanged = await call<{ items: Reward[] }>(
      tenant.auth,
      'GET',
      `/v1/loyalty/programs/${programId}/rewards`,
    );
    expect(unchanged.body.items).toEqual([reward]);
  });

  it('refuses unknown fields and addStock on an unlimited reward', async () => {
    const tenant = await newTenant(t);
    const { programId, reward } = await programWithReward(tenant, {});
    const unknown = await call<Problem>(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), {
      colour: 'red',
    });
    expect(unknown.status, unknown.text).toBe(400);
    const unlimited = await call<Problem>(tenant.auth, 'PATCH', rewardUrl(programId, reward.id), {
      addStock: 5,
    });
    expect(unlimited.status, unlimited.text).toBe(400);
    expect(unlimited.body.errors?.[0]?.field).toBe('addStock');
  });

  it('is for designers only, and another tenant’s ids are not found', async () => {
    const tenant = await newTenant(t);
    const { programId, reward } = await programWithReward(tenant);
    const viewerKey = await call<{ key: string }>(tenant.auth, 'POST', '/v1/api-keys', {
      name: 'viewer',
      role: 'viewer',
    });
    expect(viewerKey.status, viewerKey.text).toBe(201);
    const asViewer = await call<Problem>(
      { authorization: `Bearer ${viewerKey.body.key}` },
      'PATCH',
      rewardUrl(programId, reward.id),
      { active: false },
    );
    expect(asViewer.status, asViewer.text).toBe(403);

    const other = await newTenant(t, 'Other tenant');
    const { programId: otherProgram, reward: otherReward } = await programWithReward(other);
    for (const url of [
      rewardUrl(programId, reward.id),
      rewardUrl(otherProgram, reward.id),
      rewardUrl(programId, otherReward.id),
    ]) {
      const res = await call<Problem>(other.auth, 'PATCH', url, { active: false });
      expect(res.status, `${url}: ${res.text}`).toBe(404);
    }
    const mine = await call<{ items: Reward[] }>(
      tenant.auth,
      'GET',
      `/v1/loyalty/programs/${programId}/rewards`,
    );
    expect(mine.body.items[0]?.active).toBe(true);
  });
});
