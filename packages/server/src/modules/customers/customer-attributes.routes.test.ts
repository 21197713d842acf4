import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

// Changing and deleting custom attribute definitions: PATCH and DELETE
// /v1/customer-attributes/{key}, and the usage count the web UI shows before a delete.
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
type Headers = { authorization: string };
interface Definition {
  key: string;
  labelZh: string;
  labelEn: string;
  type: string;
  options: string[];
}
interface AuditEntry {
  action: string;
  actorType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

const level = {
  key: 'level',
  labelZh: '会员等级',
  labelEn: 'Member level',
  type: 'enum',
  options: ['普通', '银卡', '金卡'],
};

function call(
  headers: Headers,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) {
  return t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

async function define(tenant: Tenant, definition: object): Promise<Definition> {
  const res = await call(tenant.auth, 'POST', '/v1/customer-attributes', definition);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function definitions(tenant: Tenant): Promise<Definition[]> {
  const res = await call(tenant.auth, 'GET', '/v1/customer-attributes');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Definition[] }).items;
}

async function createCustomer(tenant: Tenant, attributes: Record<string, unknown>) {
  const res = await call(tenant.auth, 'POST', '/v1/customers', {
    kind: 'person',
    name: 'A',
    attributes,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; version: number; attributes: Record<string, unknown> };
}

async function customer(tenant: Tenant, id: string) {
  const res = await call(tenant.auth, 'GET', `/v1/customers/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { attributes: Record<string, unknown>; version: number };
}

async function audit(tenant: Tenant, key: string): Promise<AuditEntry[]> {
  const res = await call(
    tenant.auth,
    'GET',
    `/v1/audit-log?entityType=customer_attribute&entityId=${key}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: AuditEntry[] }).items;
}

async function keyWithRole(tenant: Tenant, role: string): Promise<Headers> {
  const res = await call(tenant.auth, 'POST', '/v1/api-keys', { name: role, role });
  expect(res.statusCode, res.body).toBe(201);
  return { authorization: `Bearer ${(res.json() as { key: string }).key}` };
}

const patch = (tenant: Tenant, key: string, payload: object) =>
  call(tenant.auth, 'PATCH', `/v1/customer-attributes/${key}`, payload);
const remove = (tenant: Tenant, key: string, query = '') =>
  call(tenant.auth, 'DELETE', `/v1/customer-attributes/${key}${query}`);
const usage = (tenant: Tenant, key: string) =>
  call(tenant.auth, 'GET', `/v1/customer-attributes/${key}/usage`);

describe('PATCH /v1/customer-attributes/{key}', () => {
  it('changes the labels, audits before and after, and records nothing for no change', async () => {
    const tenant = await newTenant(t);
    await define(tenant, { key: 'note', labelZh: '备注', labelEn: 'Nots', type: 'string' });
    const res = await patch(tenant, 'note', { labelEn: 'Note' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ key: 'note', labelZh: '备注', labelEn: 'Note' });
    const both = await patch(tenant, 'note', { labelZh: '贵宾备注', labelEn: 'VIP note' });
    expect(both.json()).toMatchObject({ labelZh: '贵宾备注', labelEn: 'VIP note', options: [] });
    expect(await definitions(tenant)).toMatchObject([
      { key: 'note', labelZh: '贵宾备注', labelEn: 'VIP note', type: 'string' },
    ]);

    // The same labels again, and the unchangeable fields sent as they are: a change to nothing.
    const same = await patch(tenant, 'note', {
      key: 'note',
      type: 'string',
      labelZh: '贵宾备注',
      options: [],
    });
    expect(same.statusCode, same.body).toBe(200);
    const entries = await audit(tenant, 'note');
    expect(entries.map((entry) => entry.action)).toEqual([
      'customer_attribute.update',
      'customer_attribute.update',
      'customer_attribute.create',
    ]);
    expect(entries[1]).toMatchObject({
      actorType: 'api_key',
      before: { labelZh: '备注', labelEn: 'Nots', options: [] },
      after: { labelZh: '备注', labelEn: 'Note', options: [] },
    });
    expect(entries[0]).toMatchObject({
      before: { labelEn: 'Note' },
      after: { labelZh: '贵宾备注', labelEn: 'VIP note' },
    });
  });

  it('adds options to an enum, which customers can then be given', async () => {
    const tenant = await newTenant(t);
    await define(tenant, level);
    const refused = await call(tenant.auth, 'POST', '/v1/customers', {
      kind: 'person',
      name: 'A',
      attributes: { level: '钻石' },
    });
    expect(refused.statusCode).toBe(422);

    const res = await patch(tenant, 'level', { options: [...level.options, '钻石', '钻石'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ options: ['普通', '银卡', '金卡', '钻石'] });
    const created = await createCustomer(tenant, { level: '钻石' });
    expect(created.attributes).toEqual({ level: '钻石' });
    expect((await audit(tenant, 'level'))[0]).toMatchObject({
      action: 'customer_attribute.update',
      before: { options: level.options },
      after: { options: ['普通', '银卡', '金卡', '钻石'] },
    });
  });

  it('refuses to change the key or the type, naming the field, and changes nothing', async () => {
    const tenant = await newTenant(t);
    await define(tenant, level);
    const type = await patch(tenant, 'level', { type: 'string', labelEn: 'Level' });
    expect(type.statusCode).toBe(400);
    expect(type.headers['content-type']).toContain('application/problem+json');
    expect(type.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [
        { field: 'type', message: expect.stringContaining('cannot change'), reason: 'immutable' },
      ],
    });
    const key = await patch(tenant, 'level', { key: 'tier' });
    expect(key.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [
        { field: 'key', message: expect.stringContaining('cannot change'), reason: 'immutable' },
      ],
    });
    // An enum keeps at least one option; other types have none.
    expect((await patch(tenant, 'level', { options: [] })).json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'options', reason: 'too_small', params: { origin: 'array', minimum: 1 } }],
    });
    await define(tenant, { key: 'since', labelZh: '入会', labelEn: 'Since', type: 'date' });
    expect((await patch(tenant, 'since', { options: ['x'] })).json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [
        {
          field: 'options',
          message: 'only for type enum',
          reason: 'only_for',
          params: { field: 'type', value: 'enum' },
        },
      ],
    });
    // What the schema refuses: unknown fields, empty labels.
    const unknown = await patch(tenant, 'level', { description: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ errors: [{ field: 'description' }] });
    expect((await patch(tenant, 'level', { labelZh: '' })).statusCode).toBe(400);

    expect((await definitions(tenant)).find((d) => d.key === 'level')).toMatchObject(level);
    expect((await audit(tenant, 'level')).map((entry) => entry.action)).toEqual([
      'customer_attribute.create',
    ]);
  });

  it('refuses to remove an option customers hold, naming it and how many hold it', async () => {
    const tenant = await newTenant(t);
    await define(tenant, level);
    await createCustomer(tenant, { level: '金卡' });
    await createCustomer(tenant, { level: '金卡' });
    await createCustomer(tenant, { level: '银卡' });

    const res = await patch(tenant, 'level', { options: ['普通'] });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'CONFLICT',
      detail: expect.stringContaining('银卡, 金卡'),
      errors: [
        {
          field: 'options',
          message: '银卡: 1 customer holds it',
          reason: 'in_use',
          params: { value: '银卡', count: 1 },
        },
        {
          field: 'options',
          message: '金卡: 2 customers hold it',
          reason: 'in_use',
          params: { value: '金卡', count: 2 },
        },
      ],
    });
    expect((await definitions(tenant))[0]!.options).toEqual(level.options);

    // An option nobody holds can go, and the others can be reordered.
    const dropped = await patch(tenant, 'level', { options: ['金卡', '银卡'] });
    expect(dropped.statusCode, dropped.body).toBe(200);
    expect(dropped.json()).toMatchObject({ options: ['金卡', '银卡'] });
    const counted = await usage(tenant, 'level');
    expect(counted.json()).toEqual({
      key: 'level',
      customers: 3,
      options: [
        { option: '金卡', customers: 2 },
        { option: '银卡', customers: 1 },
      ],
    });
  });
});

describe('DELETE /v1/customer-attributes/{key}', () => {
  it('deletes an attribute nobody holds, audits it, and answers 404 after', async () => {
    const tenant = await newTenant(t);
    await define(tenant, level);
    await define(tenant, { key: 'note', labelZh: '备注', labelEn: 'Note', type: 'string' });
    expect((await usage(tenant, 'level')).json()).toMatchObject({ customers: 0 });

    const res = await remove(tenant, 'level');
    expect(res.statusCode, res.body).toBe(204);
    expect((await definitions(tenant)).map((d) => d.key)).toEqual(['note']);
    expect((await audit(tenant, 'level'))[0]).toMatchObject({
      action: 'customer_attribute.delete',
      entityId: 'level',
      before: { key: 'level', type: 'enum', labelZh: '会员等级', options: level.options },
      after: { force: false, valuesRemoved: 0 },
    });
    // A retry of a delete that happened, like any unknown key: 404, and no second audit row.
    for (const again of [await remove(tenant, 'level'), await remove(tenant, 'nothing')]) {
      expect(again.statusCode).toBe(404);
      expect(again.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await patch(tenant, 'level', { labelEn: 'x' })).statusCode).toBe(404);
    expect((await usage(tenant, 'level')).statusCode).toBe(404);
    expect(await audit(tenant, 'level')).toHaveLength(2);
    // Customers can no longer be given it.
    const refused = await call(tenant.auth, 'POST', '/v1/customers', {
      kind: 'person',
      name: 'A',
      attributes: { level: '金卡' },
    });
    expect(refused.json()).toMatchObject({ code: 'ATTRIBUTE_NOT_DEFINED' });
  });

  it('refuses an attribute customers hold with 409, naming how many, and changes nothing', async () => {
    const tenant = await newTenant(t);
    await define(tenant, level);
    const holder = await createCustomer(tenant, { level: '金卡' });
    await createCustomer(tenant, { level: '普通' });
    await createCustomer(tenant, {});

    for (const query of ['', '?force=false']) {
      const res = await remove(tenant, 'level', query);
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        code: 'CONFLICT',
        detail: expect.stringMatching(/^2 customers hold a value of level.*force=true/),
      });
    }
    expect((await remove(tenant, 'level', '?force=yes')).statusCode).toBe(400);
    expect(await definitions(tenant)).toHaveLength(1);
    expect(await customer(tenant, holder.id)).toMatchObject({
      attributes: { level: '金卡' },
      version: 1,
    });
    expect((await audit(tenant, 'level')).map((entry) => entry.action)).toEqual([
      'customer_attribute.create',
    ]);
  });

  it('with force=true removes the values from every customer in the same transaction', async () => {
    const tenant = await newTenant(t);
    await define(tenant, level);
    await define(tenant, { key: 'note', labelZh: '备注', labelEn: 'Note', type: 'string' });
    const both = await createCustomer(tenant, { level: '金卡', note: '老客户' });
    const one = await createCustomer(tenant, { level: '普通' });
    const none = await createCustomer(tenant, { note: '新客户' });
    // A duplicate merged away keeps its own attributes on its tombstone: they go too.
    const duplicate = await createCustomer(tenant, { level: '银卡' });
    const merged = await call(tenant.auth, 'POST', `/v1/customers/${none.id}/merge`, {
      duplicateId: duplicate.id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ attributes: { level: '银卡', note: '新客户' } });
    expect((await usage(tenant, 'level')).json()).toMatchObject({ customers: 3 });

    const res = await remove(tenant, 'level', '?force=true');
    expect(res.statusCode, res.body).toBe(204);
    expect((await definitions(tenant)).map((d) => d.key)).toEqual(['note']);
    // Each customer that lost a value moved on a version; the others did not change.
    expect(await customer(tenant, both.id)).toMatchObject({
      attributes: { note: '老客户' },
      version: 2,
    });
    expect(await customer(tenant, one.id)).toMatchObject({ attributes: {}, version: 2 });
    expect(await customer(tenant, none.id)).toMatchObject({
      attributes: { note: '新客户' },
      version: 3,
    });
    const [entry] = await audit(tenant, 'level');
    expect(entry).toMatchObject({
      action: 'customer_attribute.delete',
      before: { key: 'level', type: 'enum' },
      after: { force: true, valuesRemoved: 3 },
    });
    // The key starts clean when it is defined again, with another type.
    await define(tenant, { key: 'level', labelZh: '等级', labelEn: 'Level', type: 'number' });
    expect((await usage(tenant, 'level')).json()).toEqual({
      key: 'level',
      customers: 0,
      options: [],
    });
    const holders = await sql<{ n: number }>`
      select count(*)::int as n from customers
      where tenant_id = ${tenant.tenantId} and attributes ? 'level'`.execute(t.database.db);
    expect(holders.rows[0]!.n).toBe(0);
    // force on an attribute nobody holds is a plain delete.
    expect((await remove(tenant, 'note', '?force=true')).statusCode).toBe(204);
    expect(await customer(tenant, both.id)).toMatchObject({ attributes: {}, version: 3 });
  });

  it('never leaves a value behind when customers are given it while it is deleted', async () => {
    // A race only on PostgreSQL (the embedded database runs one transaction at a time): without
    // the definition's lock, an edit that checked the value before the delete commits after it.
    const tenant = await newTenant(t);
    await define(tenant, level);
    const customers = await Promise.all(
      Array.from({ length: 8 }, () => createCustomer(tenant, { level: '普通' })),
    );
    const edits = customers.map((c) =>
      call(tenant.auth, 'PATCH', `/v1/customers/${c.id}`, { attributes: { level: '金卡' } }),
    );
    const [deleted, ...edited] = await Promise.all([
      remove(tenant, 'level', '?force=true'),
      ...edits,
    ]);
    expect(deleted.statusCode, deleted.body).toBe(204);
    for (const res of edited) {
      // Before the delete (its value then removed), or after it (the key no longer defined).
      expect([200, 422], res.body).toContain(res.statusCode);
    }
    for (const c of customers) expect((await customer(tenant, c.id)).attributes).toEqual({});
  });
});

describe('merging customers while an attribute is deleted', () => {
  it('never carries a deleted attribute’s value to the survivor', async () => {
    // A race only on PostgreSQL: a merge that read the duplicate's value before the forced
    // delete committed wrote it to a survivor the delete had not seen holding it.
    const tenant = await newTenant(t);
    await define(tenant, level);
    const pairs = await Promise.all(
      Array.from({ length: 6 }, async () => ({
        survivor: await createCustomer(tenant, {}),
        duplicate: await createCustomer(tenant, { level: '金卡' }),
      })),
    );
    const [deleted, ...merged] = await Promise.all([
      remove(tenant, 'level', '?force=true'),
      ...pairs.map(({ survivor, duplicate }) =>
        call(tenant.auth, 'POST', `/v1/customers/${survivor.id}/merge`, {
          duplicateId: duplicate.id,
        }),
      ),
    ]);
    expect(deleted.statusCode, deleted.body).toBe(204);
    for (const res of merged) expect(res.statusCode, res.body).toBe(200);
    const holders = await sql<{ n: number }>`
      select count(*)::int as n from customers
      where tenant_id = ${tenant.tenantId} and attributes ? 'level'`.execute(t.database.db);
    expect(holders.rows[0]!.n).toBe(0);
    for (const { survivor } of pairs)
      expect((await customer(tenant, survivor.id)).attributes).toEqual({});
  });
});

describe('who may change attribute definitions', () => {
  it('answers another tenant’s key with 404 and changes nothing', async () => {
    const theirs = await newTenant(t);
    const mine = await newTenant(t);
    await define(theirs, level);
    const holder = await createCustomer(theirs, { level: '金卡' });
    for (const res of [
      await patch(mine, 'level', { labelZh: '改' }),
      await remove(mine, 'level'),
      await remove(mine, 'level', '?force=true'),
      await usage(mine, 'level'),
    ]) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await definitions(theirs)).toMatchObject([level]);
    expect(await customer(theirs, holder.id)).toMatchObject({ attributes: { level: '金卡' } });

    // The same key in both tenants: each changes its own.
    await define(mine, level);
    expect((await remove(mine, 'level')).statusCode).toBe(204);
    expect(await definitions(theirs)).toMatchObject([level]);
    expect(await audit(theirs, 'level')).toHaveLength(1);
  });

  it('needs platform:admin (owners) to change or delete; readers may count usage', async () => {
    const tenant = await newTenant(t);
    await define(tenant, level);
    for (const role of ['viewer', 'manager']) {
      const headers = await keyWithRole(tenant, role);
      const refused = [
        await call(headers, 'PATCH', '/v1/customer-attributes/level', { labelZh: '改' }),
        await call(headers, 'DELETE', '/v1/customer-attributes/level?force=true'),
      ];
      for (const res of refused) {
        expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
        expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
      }
      const counted = await call(headers, 'GET', '/v1/customer-attributes/level/usage');
      expect(counted.statusCode, counted.body).toBe(200);
    }
    expect(await definitions(tenant)).toMatchObject([level]);
    expect(await audit(tenant, 'level')).toHaveLength(1);
  });
});
