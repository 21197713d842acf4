import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface AuditEntry {
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

async function auditOf(tenant: Tenant, id: string): Promise<AuditEntry[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/audit-log?entityType=customer&entityId=${id}`,
    headers: tenant.auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: AuditEntry[] }).items;
}

describe('the audit log of customers', () => {
  it('keeps the values before and after each change, and nothing for an empty one', async () => {
    const tenant = await newTenant(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'person', name: '陈静', email: 'chen@example.com', occupation: '教师' },
    });
    const { id, version } = created.json() as { id: string; version: number };
    const patch = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/customers/${id}`,
        headers: tenant.auth,
        payload,
      });
    expect((await patch({ occupation: '校长', email: 'jing@example.com' })).statusCode).toBe(200);
    const empty = await patch({});
    expect(empty.statusCode).toBe(200);
    expect((empty.json() as { version: number }).version).toBe(version + 1);
    const [update, create] = await auditOf(tenant, id);
    expect(create).toMatchObject({
      action: 'customer.create',
      after: { name: '陈静', email: 'chen@example.com', occupation: '教师' },
    });
    expect(update).toMatchObject({
      action: 'customer.update',
      before: { occupation: '教师', email: 'chen@example.com' },
      after: { occupation: '校长', email: 'jing@example.com' },
    });
    expect(Object.keys(update!.after!).sort()).toEqual(['email', 'emails', 'occupation']);
    expect(await auditOf(tenant, id)).toHaveLength(2);
  });

  it('records the customers events create, and erasure takes the values out', async () => {
    const tenant = await newTenant(t);
    const sent = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: tenant.auth,
      payload: {
        id: 'first-order',
        type: 'purchase',
        customerExternalId: 'card-88',
        occurredAt: '2026-11-02T03:00:00Z',
        currency: 'CNY',
        amount: 100,
      },
    });
    const { customerId } = sent.json() as { customerId: string };
    expect(await auditOf(tenant, customerId)).toMatchObject([
      { action: 'customer.create', after: { externalId: 'card-88', source: 'event' } },
    ]);
    // And those a transaction import creates.
    const imported = await t.app.inject({
      method: 'POST',
      url: '/v1/events/imports',
      headers: { ...tenant.auth, 'content-type': 'text/csv' },
      payload:
        'event_id,customer_external_id,occurred_at,amount,currency\nimp-1,card-99,20261101,1.00,CNY\n',
    });
    expect(imported.json()).toMatchObject({ customersCreated: 1 });
    const found = await t.app.inject({
      method: 'GET',
      url: '/v1/customers?q=card-99',
      headers: tenant.auth,
    });
    const importedId = (found.json() as { items: { id: string }[] }).items[0]!.id;
    expect(await auditOf(tenant, importedId)).toMatchObject([
      { action: 'customer.create', after: { externalId: 'card-99', source: 'event' } },
    ]);
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${customerId}`,
      headers: tenant.auth,
      payload: { name: '赵敏', phone: '13700137000' },
    });
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/v1/customers/${customerId}`,
          headers: tenant.auth,
        })
      ).statusCode,
    ).toBe(204);
    const entries = await auditOf(tenant, customerId);
    expect(entries.map((entry) => entry.action)).toEqual([
      'customer.erase',
      'customer.update',
      'customer.create',
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/赵敏|13700137000|card-88/);
    expect(entries[1]).toMatchObject({
      before: { erased: true, fields: expect.arrayContaining(['name', 'phone']) },
      after: { erased: true, fields: expect.arrayContaining(['name', 'phone']) },
    });
    expect(entries[0]).toMatchObject({ after: { erasedIds: [customerId] } });
  });
});
