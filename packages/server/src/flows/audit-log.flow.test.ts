import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { newId } from '../db/ids.ts';
import { recordAudits, systemContext } from '../modules/platform/index.ts';

type Tenant = Awaited<ReturnType<typeof newTenant>>;

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

async function call<T>(
  tenant: Tenant,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: object,
) {
  const res = await t.app.inject({
    method,
    url,
    headers: tenant.auth,
    ...(body ? { payload: body } : {}),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.statusCode === 204 ? null : res.json()) as T;
}

const auditLog = async (tenant: Tenant, query = '') =>
  (await call<{ items: AuditEntry[] }>(tenant, 'GET', `/v1/audit-log?limit=200${query}`)).items;

/** Each entry as type, id and name, for the entries of one id. */
const namesOf = (items: readonly AuditEntry[], entityId: string) => [
  ...new Set(items.filter((e) => e.entityId === entityId).map((e) => e.targetName)),
];

/**
 * A tenant with a customer, a program with that customer as a member, a reward, a partner, a
 * user and an API key: every kind of thing with a name, each changed once at least.
 */
async function tenantWithNamedThings(label: string) {
  const tenant = await newTenant(t, `${label} 商店`);
  const customer = await call<{ id: string }>(tenant, 'POST', '/v1/customers', {
    kind: 'person',
    name: `${label}陈静`,
  });
  const program = await call<{ id: string }>(tenant, 'POST', '/v1/loyalty/programs', {
    name: `${label}会员俱乐部`,
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    earnRules: [{ kind: 'spend', points: 1, per: 100 }],
  });
  await call(tenant, 'POST', `/v1/loyalty/programs/${program.id}/members`, {
    customerId: customer.id,
  });
  const reward = await call<{ id: string }>(
    tenant,
    'POST',
    `/v1/loyalty/programs/${program.id}/rewards`,
    { name: `${label}咖啡`, pointsCost: 10 },
  );
  const partner = await call<{ id: string }>(
    tenant,
    'POST',
    `/v1/loyalty/programs/${program.id}/partners`,
    { name: `${label}航空` },
  );
  const user = await call<{ id: string }>(tenant, 'POST', '/v1/users', {
    email: `${label.toLowerCase()}@example.com`,
    name: `${label}王经理`,
    role: 'manager',
    password: 'a long password 1',
  });
  const key = await call<{ id: string }>(tenant, 'POST', '/v1/api-keys', {
    name: `${label} till`,
    role: 'agent',
  });
  return { tenant, customer, program, reward, partner, user, key };
}

describe('the audit log names what changed', () => {
  it('names each kind of thing on a page, as it is now, and nothing of another tenant', async () => {
    const a = await tenantWithNamedThings('A');
    const b = await tenantWithNamedThings('B');
    // A rename shows in the entries written before it.
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${a.customer.id}`,
      headers: a.tenant.auth,
      payload: { name: 'A陈静静' },
    });
    const items = await auditLog(a.tenant);
    expect(namesOf(items, a.customer.id)).toEqual(['A陈静静']);
    expect(namesOf(items, `${a.program.id}:${a.customer.id}`)).toEqual(['A陈静静']);
    expect(namesOf(items, a.program.id)).toEqual(['A会员俱乐部']);
    expect(namesOf(items, a.reward.id)).toEqual(['A咖啡']);
    expect(namesOf(items, a.partner.id)).toEqual(['A航空']);
    expect(namesOf(items, a.user.id)).toEqual(['A王经理']);
    expect(namesOf(items, a.key.id)).toEqual(['A till']);
    expect(namesOf(items, a.tenant.tenantId)).toEqual(['A 商店']);
    // Another tenant's names never appear: not even for an entry of this tenant that holds the
    // other tenant's ids (the names are looked up within the tenant).
    const others = [b.customer, b.program, b.reward, b.partner, b.user, b.key];
    const types = ['customer', 'loyalty_program', 'loyalty_reward', 'loyalty_partner', 'user'];
    await recordAudits(
      t.database.db,
      [...types, 'api_key'].map((entityType, i) => ({
        context: systemContext(a.tenant.tenantId),
        change: { action: 'test.foreign', entityType, entityId: others[i]!.id },
      })),
    );
    const foreign = await auditLog(a.tenant, '&action=test.foreign');
    expect(foreign).toHaveLength(6);
    expect(foreign.map((e) => e.targetName)).toEqual(foreign.map(() => null));
    const shown = JSON.stringify((await auditLog(a.tenant)).map((e) => e.targetName));
    expect(shown).not.toContain('B');
  });

  it('names an erased customer no more, nor their loyalty membership', async () => {
    const { tenant, customer, program } = await tenantWithNamedThings('E');
    await call(tenant, 'DELETE', `/v1/customers/${customer.id}`);
    const items = await auditLog(tenant);
    const theirs = items.filter((e) => e.entityId?.endsWith(customer.id));
    expect(theirs.map((e) => e.action)).toEqual(
      expect.arrayContaining(['customer.erase', 'customer.create', 'loyalty.member.enrolled']),
    );
    expect(theirs.map((e) => e.targetName)).toEqual(theirs.map(() => null));
    expect(JSON.stringify(items)).not.toContain('E陈静');
    // The others stay named.
    expect(namesOf(items, program.id)).toEqual(['E会员俱乐部']);
  });

  it('leaves unnamed what has no name or is gone; a revoked key keeps its name', async () => {
    const { tenant, key, program } = await tenantWithNamedThings('G');
    await call(tenant, 'POST', '/v1/analytics/score-runs', {});
    await call(tenant, 'POST', '/v1/customer-attributes', {
      key: 'shoe_size',
      labelZh: '鞋码',
      labelEn: 'Shoe size',
      type: 'number',
    });
    // An entry about a program that is no more (none is deleted through the API).
    await recordAudits(t.database.db, [
      {
        context: systemContext(tenant.tenantId),
        change: { action: 'test.gone', entityType: 'loyalty_program', entityId: newId() },
      },
      {
        context: systemContext(tenant.tenantId),
        change: { action: 'test.gone', entityType: 'loyalty_member', entityId: `${program.id}:x` },
      },
    ]);
    const revoked = await call<{ id: string }>(tenant, 'POST', '/v1/api-keys', {
      name: 'G temp',
      role: 'viewer',
    });
    await call(tenant, 'DELETE', `/v1/api-keys/${revoked.id}`);
    const items = await auditLog(tenant);
    // A revoked key keeps its name (it is not deleted: the log still says who it was).
    expect(namesOf(items, key.id)).toEqual(['G till']);
    expect(namesOf(items, revoked.id)).toEqual(['G temp']);
    for (const action of ['scores.run_requested', 'customer_attribute.create', 'test.gone']) {
      const entries = items.filter((e) => e.action === action);
      expect(entries.length, action).toBeGreaterThan(0);
      expect(entries.map((e) => e.targetName)).toEqual(entries.map(() => null));
    }
  });
});
