import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { loyaltyApi } from '../../../test/loyalty-api.ts';
import { customerPrivileges } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const privileges = (flags: Record<string, boolean | number> = {}) => ({
  earnMultiplier: 1,
  exclusiveRewards: false,
  priorityService: false,
  birthdayGiftPoints: 0,
  earlyAccess: false,
  ...flags,
});

describe('tier privileges', () => {
  it('GET /v1/customers/{id}/loyalty and customerPrivileges give what the tiers grant', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    await api.createProgram({
      tiers: {
        metric: 'spend',
        window: { kind: 'calendar', period: 'year' },
        graceDays: 0,
        downgrade: 'oneLevel',
        levels: [
          { code: 'member', name: 'Member', threshold: 0, privileges: privileges() },
          {
            code: 'gold',
            name: 'Gold',
            threshold: 50_000,
            privileges: privileges({ priorityService: true, earlyAccess: true }),
          },
        ],
      },
    });
    const buy = (id: string, customerExternalId: string, amount: number) =>
      api.event({
        id,
        type: 'purchase',
        customerExternalId,
        occurredAt: new Date().toISOString(),
        currency: 'CNY',
        amount,
      });
    const gold = await buy('p-1', 'gold', 60_000);
    const plain = await buy('p-2', 'plain', 1_000);
    const view = async (customerId: string) =>
      api.call<{ programs: { tier: { code: string } }[]; privileges: unknown }>(
        'GET',
        `/v1/customers/${customerId}/loyalty`,
      );
    const goldView = await view(gold);
    expect(goldView.programs[0]?.tier.code).toBe('gold');
    const granted = { priorityService: true, earlyAccess: true, exclusiveRewards: false };
    expect(goldView.privileges).toEqual(granted);
    expect(await customerPrivileges(t.database.db, tenant.tenantId, gold)).toEqual(granted);
    const none = { priorityService: false, earlyAccess: false, exclusiveRewards: false };
    expect((await view(plain)).privileges).toEqual(none);
    expect(await customerPrivileges(t.database.db, tenant.tenantId, plain)).toEqual(none);
  });
});
