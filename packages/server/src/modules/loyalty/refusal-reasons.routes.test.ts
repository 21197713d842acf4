// Loyalty refusals that say why with a field error's reason and params, for the web and the CLI
// to word in the user's language: a suppressed notification, a program without a referral
// scheme, a coupon pool whose code length has too few new codes left.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { callJson, programWithMember, programWithReward } from '../../../test/loyalty-fixtures.ts';
import { loyaltyApi, runJobNow } from '../../../test/loyalty-api.ts';
import type * as couponCodes from './coupon-codes.ts';
import { newCouponCodes } from './coupon-codes.ts';

// Every code drawn is one the program already has: how a pool is made to run out of new codes
// (referral codes are drawn elsewhere).
vi.mock('./coupon-codes.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof couponCodes>()),
  newCouponCodes: vi.fn(() => ['TAKEN2']),
}));

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

const DAY = 86_400_000;

async function refused(tenant: Tenant, url: string, payload: object = {}) {
  const res = await callJson<Problem>(t, tenant.auth, 'POST', url, payload);
  expect(res.status, res.text).toBe(409);
  expect(res.headers['content-type']).toContain('application/problem+json');
  return res.body;
}

describe('a loyalty refusal says why', () => {
  it('a suppressed notification: reason suppressed on id', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    await api.createProgram({ expiry: { kind: 'rolling', months: 12 }, expiryWarningDays: 30 });
    // No consent to any channel; points earned 350 days ago expire within the warning period.
    await api.createCustomer({ name: 'Quiet', externalId: 'quiet', email: 'q@x.cn' });
    await api.event({
      id: 'quiet-1',
      type: 'purchase',
      customerExternalId: 'quiet',
      occurredAt: new Date(Date.now() - 350 * DAY).toISOString(),
      currency: 'CNY',
      amount: 3_000,
    });
    await runJobNow(t, tenant.tenantId, 'loyalty.sweep');
    const { items } = await api.call<{ items: { id: string }[] }>(
      'GET',
      '/v1/loyalty/notifications?status=suppressed',
    );
    expect(items).toHaveLength(1);

    const problem = await refused(tenant, `/v1/loyalty/notifications/${items[0]!.id}/delivered`);
    expect(problem).toMatchObject({
      code: 'CONFLICT',
      detail: 'The customer consented to no channel for this message.',
      errors: [{ field: 'id', message: 'suppressed: nothing may be sent', reason: 'suppressed' }],
    });
    expect(problem.errors[0]?.params).toBeUndefined();
  });

  it('a referral in a program without a referral scheme: reason not_configured on referral', async () => {
    const tenant = await newTenant(t);
    const { programId, customerId } = await programWithMember(t, tenant);
    const expected = {
      code: 'CONFLICT',
      detail: 'The program has no referral scheme.',
      errors: [
        {
          field: 'referral',
          message: 'set the program’s referral scheme first',
          reason: 'not_configured',
        },
      ],
    };
    const code = await refused(
      tenant,
      `/v1/loyalty/programs/${programId}/members/${customerId}/referral-code`,
    );
    expect(code).toMatchObject(expected);
    expect(code.errors[0]?.params).toBeUndefined();
    const referral = await refused(tenant, `/v1/loyalty/programs/${programId}/referrals`, {
      code: 'ABCD2345',
      customerId,
    });
    expect(referral).toMatchObject(expected);
  });

  it('codes that cannot be drawn new: reason exhausted on generate.length with the length', async () => {
    const tenant = await newTenant(t);
    const { programId, rewardId } = await programWithReward(t, tenant);
    const pool = `/v1/loyalty/programs/${programId}/rewards/${rewardId}/coupons`;
    const taken = await callJson(t, tenant.auth, 'POST', pool, { codes: ['TAKEN2'] });
    expect(taken.status, taken.text).toBe(201);
    const problem = await refused(tenant, pool, { generate: { count: 1, length: 6 } });
    expect(newCouponCodes).toHaveBeenCalledTimes(10);
    expect(problem).toMatchObject({
      code: 'CONFLICT',
      detail: 'Could not draw enough new codes: use more characters.',
      errors: [
        {
          field: 'generate.length',
          message: 'too few new codes of 6 characters are left',
          reason: 'exhausted',
          params: { length: 6 },
        },
      ],
    });
  });
});
