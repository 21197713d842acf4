import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { systemContext } from '../platform/index.ts';
import { countCustomers, customerIdsOf, resolveCustomerRefs } from './customer-refs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface CustomerBody {
  id: string;
  name: string;
  kind: string;
  email: string | null;
  phone: string | null;
  emails: { value: string; primary: boolean }[];
  phones: { value: string; primary: boolean }[];
  tags: string[];
  attributes: Record<string, unknown>;
  consent: { channel: string; status: string; at: string; source: string }[];
  mergedIds: string[];
  externalId: string | null;
  birthday: string | null;
  version: number;
}

async function create(tenant: Tenant, body: Record<string, unknown>): Promise<CustomerBody> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/customers',
    headers: tenant.auth,
    payload: { kind: 'person', ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function list(tenant: Tenant, query: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/customers?${query}`,
    headers: tenant.auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: CustomerBody[]; nextCursor: string | null };
}

const q = (text: string) => `q=${encodeURIComponent(text)}`;

describe('POST /v1/customers', () => {
  it('creates a person with contacts, tags and consent, and reads it back', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, {
      name: '张三',
      externalId: 'crm-1',
      email: 'Zhang.San@Example.com',
      phone: '138 0013-8000',
      emails: [{ value: 'zs@work.cn', label: 'work' }],
      birthday: '1990-01-05',
      gender: 'male',
      tags: ['vip', 'vip', '北京'],
      consent: { email: { status: 'granted', source: 'web-form' } },
    });
    expect(created).toMatchObject({
      kind: 'person',
      name: '张三',
      externalId: 'crm-1',
      email: 'zhang.san@example.com',
      phone: '13800138000',
      birthday: '1990-01-05',
      tags: ['vip', '北京'].sort(),
    });
    expect(created.emails).toEqual([
      { value: 'zhang.san@example.com', label: null, primary: true },
      { value: 'zs@work.cn', label: 'work', primary: false },
    ]);
    expect(created.consent).toMatchObject([
      { channel: 'email', status: 'granted', source: 'web-form' },
    ]);
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
  });

  it('answers a retry with the same Idempotency-Key with the first customer', async () => {
    const tenant = await newTenant(t);
    const send = (name: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { ...tenant.auth, 'idempotency-key': 'k-1' },
        payload: { kind: 'person', name },
      });
    const first = await send('Alice');
    const again = await send('Alice');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const other = await send('Bob');
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(1);
  });

  it('refuses a duplicate external id with 409 EXTERNAL_ID_TAKEN', async () => {
    const tenant = await newTenant(t);
    await create(tenant, { name: 'A', externalId: 'x-1' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'organization', name: 'B', externalId: 'x-1' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'EXTERNAL_ID_TAKEN',
      errors: [{ field: 'externalId', reason: 'already_used' }],
    });
  });

  it('rejects bad input with problem+json naming the field', async () => {
    const tenant = await newTenant(t);
    const post = (payload: string, contentType = 'application/json') =>
      t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { ...tenant.auth, 'content-type': contentType },
        payload,
      });
    const malformed = await post('{"kind": "person", "name": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'MALFORMED_JSON' });

    const wrongType = await post(JSON.stringify({ kind: 'person', name: 42 }));
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'name' }],
    });

    const wrongKind = await post(JSON.stringify({ kind: 'robot', name: 'R2' }));
    expect(wrongKind.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'kind' }],
    });

    const unknown = await post(JSON.stringify({ kind: 'person', name: 'A', nickname: 'a' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      errors: [{ field: 'nickname', message: 'unknown field' }],
    });

    const badEmail = await post(JSON.stringify({ kind: 'person', name: 'A', email: 'nope' }));
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json()).toMatchObject({
      errors: [
        {
          field: 'email',
          message: 'not an email address',
          reason: 'invalid_format',
          params: { format: 'email' },
        },
      ],
    });
    const badPhone = await post(
      JSON.stringify({ kind: 'person', name: 'A', phones: [{ value: '12-34' }, { value: 'x' }] }),
    );
    expect(badPhone.json()).toMatchObject({
      errors: [
        { field: 'phones[0].value', reason: 'invalid_format', params: { format: 'phone' } },
        { field: 'phones[1].value', reason: 'invalid_format', params: { format: 'phone' } },
      ],
    });

    const badDate = await post(
      JSON.stringify({ kind: 'person', name: 'A', birthday: '1990-02-30' }),
    );
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json()).toMatchObject({ errors: [{ field: 'birthday' }] });

    const huge = await post(
      JSON.stringify({ kind: 'person', name: 'A', notes: 'x'.repeat(1_100_000) }),
    );
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    const xml = await post('<customer/>', 'application/xml');
    expect(xml.statusCode).toBe(415);

    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(0);
  });

  it('needs the customers:write permission', async () => {
    const tenant = await newTenant(t);
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'ro', role: 'viewer' },
    });
    const viewer = { authorization: `Bearer ${(key.json() as { key: string }).key}` };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: viewer,
      payload: { kind: 'person', name: 'A' },
    });
    expect(res.statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/customers', headers: viewer })).statusCode,
    ).toBe(200);
  });
});

describe('GET /v1/customers', () => {
  it('searches Chinese names by characters, pinyin and initials, and sorts them in pinyin order', async () => {
    const tenant = await newTenant(t);
    const names = ['张三', '李四', '王五', '赵六', '章三', 'Alice Smith', '曾小明', '阿明'];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await create(tenant, { name })).id);

    const byName = await list(tenant, 'sort=name');
    expect(byName.items.map((c) => c.name)).toEqual([
      '阿明', // a ming
      'Alice Smith', // alice
      '李四', // li si
      '王五', // wang wu
      '曾小明', // zeng xiao ming (曾 as a surname)
      '张三', // zhang san
      '章三', // zhang san (homophone, by character after)
      '赵六', // zhao liu
    ]);
    const reversed = await list(tenant, 'sort=-name');
    expect(reversed.items.map((c) => c.name)).toEqual(byName.items.map((c) => c.name).reverse());

    const names_ = async (text: string) =>
      (await list(tenant, q(text))).items.map((c) => c.name).sort();
    expect(await names_('张三')).toEqual(['张三']);
    expect(await names_('张')).toEqual(['张三']);
    expect(await names_('zhangsan')).toEqual(['张三', '章三'].sort());
    expect(await names_('zhang san')).toEqual(['张三', '章三'].sort());
    expect(await names_('zs')).toEqual(['张三', '章三'].sort());
    expect(await names_('zengxiaoming')).toEqual(['曾小明']);
    expect(await names_('alice')).toEqual(['Alice Smith']);
    expect(await names_('SMITH')).toEqual(['Alice Smith']);
    expect(await names_('zhangsna')).toEqual(['张三', '章三'].sort()); // a typo
    expect(await names_('nobody-here')).toEqual([]);
  });

  it('finds a name by its own characters whatever their reading: surnames, words, spaces', async () => {
    const tenant = await newTenant(t);
    const people = ['曾志伟', '单田芳', '解缙', '仇英', '区志华', '查良镛', '朴树', '叶玉', '王曾'];
    for (const name of people) await create(tenant, { name });
    await create(tenant, { kind: 'organization', name: '中国工商银行' });
    const names = async (text: string) =>
      (await list(tenant, q(text))).items.map((c) => c.name).sort();
    for (const name of people.slice(0, 7)) {
      expect(await names(name), name).toEqual([name]);
      expect(await names(name.slice(0, 2)), name).toEqual([name]);
    }
    expect(await names('曾')).toEqual(['曾志伟', '王曾'].sort()); // zeng as a surname, ceng after
    expect(await names('zengzhiwei')).toEqual(['曾志伟']);
    expect(await names('zzw')).toEqual(['曾志伟']);
    expect(await names('ouzhihua')).toEqual(['区志华']);
    expect(await names('行')).toEqual(['中国工商银行']); // hang in 银行, xing alone
    expect(await names('工商银')).toEqual(['中国工商银行']);
    expect(await names('叶 玉')).toEqual(['叶玉']);
  });

  it('searches phones, emails and external ids', async () => {
    const tenant = await newTenant(t);
    await create(tenant, { name: 'P', phone: '+86 138 0013 8000', externalId: 'SHOP-0042' });
    await create(tenant, { name: 'E', email: 'someone@example.com' });
    await create(tenant, { name: 'Other', phone: '021-5555-1234' });
    const names = async (text: string) => (await list(tenant, q(text))).items.map((c) => c.name);
    expect(await names('13800138000')).toEqual(['P']);
    expect(await names('138 0013')).toEqual(['P']);
    expect(await names('someone@')).toEqual(['E']);
    expect(await names('SOMEONE@EXAMPLE.COM')).toEqual(['E']);
    expect(await names('SHOP-0042')).toEqual(['P']);
    expect(await names('021')).toEqual(['Other']);
  });

  it('finds a mainland phone with or without +86 or 0086, however it was stored', async () => {
    const tenant = await newTenant(t);
    await create(tenant, { name: 'Home', phone: '16195756062' });
    await create(tenant, { name: 'Abroad', phone: '+86 161 9575 6063' });
    await create(tenant, { name: 'Dialled', phone: '0086 161 9575 6064' });
    await create(tenant, { name: 'Shanghai', phone: '021 5555 1234' });
    await create(tenant, { name: 'Elsewhere', phone: '+1 415 555 0100' });
    const names = async (text: string) =>
      (await list(tenant, q(text))).items.map((c) => c.name).sort();
    for (const typed of ['16195756062', '+86 161 9575 6062', '+8616195756062', '0086 16195756062'])
      expect(await names(typed), typed).toEqual(['Home']);
    for (const typed of ['16195756063', '0086 161 9575 6063'])
      expect(await names(typed)).toEqual(['Abroad']);
    expect(await names('1619575606')).toEqual(['Abroad', 'Dialled', 'Home']);
    expect(await names('+86 1619')).toEqual(['Abroad', 'Dialled', 'Home']);
    expect(await names('+86 21 5555')).toEqual(['Shanghai']);
    expect(await names('0014155550100')).toEqual(['Elsewhere']);
  });

  it('pages with a cursor and filters by kind, tag, attribute and creation time', async () => {
    const tenant = await newTenant(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/customer-attributes',
      headers: tenant.auth,
      payload: { key: 'level', labelZh: '等级', labelEn: 'Level', type: 'number' },
    });
    const made: CustomerBody[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await create(tenant, {
          kind: i % 2 === 0 ? 'person' : 'organization',
          name: `C${i}`,
          tags: i < 3 ? ['gold'] : [],
          attributes: { level: i },
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const pageResult: { items: CustomerBody[]; nextCursor: string | null } = await list(
        tenant,
        `limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(pageResult.items.length).toBeLessThanOrEqual(3);
      seen.push(...pageResult.items.map((c) => c.name));
      cursor = pageResult.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((c) => c.name).reverse());

    expect((await list(tenant, 'kind=organization')).items.map((c) => c.name).sort()).toEqual([
      'C1',
      'C3',
      'C5',
    ]);
    expect((await list(tenant, 'tag=gold')).items.map((c) => c.name).sort()).toEqual([
      'C0',
      'C1',
      'C2',
    ]);
    expect((await list(tenant, 'attribute=level%3D4')).items.map((c) => c.name)).toEqual(['C4']);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/customers?attribute=level%3Dhigh',
      headers: tenant.auth,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      errors: [
        {
          field: 'query.attribute',
          message: 'level: expected a number',
          reason: 'invalid_type',
          params: { expected: 'number' },
        },
      ],
    });
    const notAPair = await t.app.inject({
      method: 'GET',
      url: '/v1/customers?attribute=level',
      headers: tenant.auth,
    });
    expect(notAPair.json()).toMatchObject({
      errors: [{ reason: 'invalid_format', params: { format: 'key_value' } }],
    });
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list(tenant, `createdFrom=${encodeURIComponent(future)}`)).items).toEqual([]);
    expect((await list(tenant, `createdTo=${encodeURIComponent(future)}`)).items).toHaveLength(7);

    const badCursor = await t.app.inject({
      method: 'GET',
      url: '/v1/customers?cursor=garbage',
      headers: tenant.auth,
    });
    expect(badCursor.statusCode).toBe(400);
    const unknownParam = await t.app.inject({
      method: 'GET',
      url: '/v1/customers?colour=red',
      headers: tenant.auth,
    });
    expect(unknownParam.statusCode).toBe(400);
    const tooMany = await t.app.inject({
      method: 'GET',
      url: '/v1/customers?limit=5000',
      headers: tenant.auth,
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('never shows one tenant’s customers to another (property)', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            name: fc.oneof(
              fc.constantFrom('张三', '李四', 'Wang Wu', 'Müller', '赵'),
              fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0),
            ),
            phone: fc.stringMatching(/^1[3-9]\d{9}$/),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        async (customers) => {
          for (const customer of customers) await create(a, customer);
          const inB = await list(b, 'limit=200');
          expect(inB.items).toEqual([]);
          for (const customer of customers) {
            expect((await list(b, q(customer.name))).items).toEqual([]);
            expect((await list(b, q(customer.phone))).items).toEqual([]);
            expect((await list(a, q(customer.phone))).items.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('another tenant’s ids', () => {
  it('answer 404 on every route and change nothing', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const theirs = await create(a, { name: 'Theirs', tags: ['x'] });
    const org = await create(a, { kind: 'organization', name: 'Org' });
    const mine = await create(b, { kind: 'organization', name: 'Mine' });
    const calls: {
      method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
      url: string;
      payload?: object;
    }[] = [
      { method: 'GET', url: `/v1/customers/${theirs.id}` },
      { method: 'PATCH', url: `/v1/customers/${theirs.id}`, payload: { name: 'Hacked' } },
      { method: 'DELETE', url: `/v1/customers/${theirs.id}` },
      { method: 'POST', url: `/v1/customers/${theirs.id}/tags`, payload: { tags: ['y'] } },
      { method: 'DELETE', url: `/v1/customers/${theirs.id}/tags`, payload: { tags: ['x'] } },
      {
        method: 'PUT',
        url: `/v1/customers/${theirs.id}/consent/sms`,
        payload: { status: 'granted' },
      },
      { method: 'GET', url: `/v1/customers/${theirs.id}/members` },
      { method: 'GET', url: `/v1/customers/${theirs.id}/consent` },
      { method: 'POST', url: `/v1/customers/${org.id}/members`, payload: { personId: theirs.id } },
      { method: 'POST', url: `/v1/customers/${mine.id}/members`, payload: { personId: theirs.id } },
      {
        method: 'POST',
        url: `/v1/customers/${theirs.id}/merge`,
        payload: { duplicateId: mine.id },
      },
      { method: 'POST', url: `/v1/customers/${mine.id}/merge`, payload: { duplicateId: org.id } },
    ];
    for (const call of calls) {
      const res = await t.app.inject({ ...call, headers: b.auth });
      expect(res.statusCode, `${call.method} ${call.url}`).toBe(404);
      expect(res.json()).toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
    }
    const after = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${theirs.id}`,
      headers: a.auth,
    });
    expect(after.json()).toMatchObject({ name: 'Theirs', tags: ['x'], consent: [], version: 1 });
    const notUuid = await t.app.inject({ method: 'GET', url: '/v1/customers/42', headers: a.auth });
    expect(notUuid.statusCode).toBe(400);
  });
});

describe('PATCH /v1/customers/{id}', () => {
  it('changes fields, clears with null, replaces lists and merges attributes', async () => {
    const tenant = await newTenant(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/customer-attributes',
      headers: tenant.auth,
      payload: {
        key: 'segment',
        labelZh: '细分',
        labelEn: 'Segment',
        type: 'enum',
        options: ['a', 'b'],
      },
    });
    await t.app.inject({
      method: 'POST',
      url: '/v1/customer-attributes',
      headers: tenant.auth,
      payload: { key: 'vip', labelZh: '贵宾', labelEn: 'VIP', type: 'boolean' },
    });
    const created = await create(tenant, {
      name: '张三',
      email: 'a@x.cn',
      occupation: 'teacher',
      attributes: { segment: 'a', vip: true },
    });
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
      payload: {
        name: '李四',
        occupation: null,
        email: 'b@x.cn',
        attributes: { vip: null, segment: 'b' },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: '李四',
      occupation: null,
      email: 'b@x.cn',
      attributes: { segment: 'b' },
      version: 2,
    });
    expect((res.json() as CustomerBody).emails.map((e) => e.value)).toEqual(['b@x.cn', 'a@x.cn']);
    expect((await list(tenant, q('lisi'))).items.map((c) => c.id)).toEqual([created.id]);
    expect((await list(tenant, q('zhangsan'))).items).toEqual([]);

    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
      payload: { attributes: { segment: 'c' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      code: 'ATTRIBUTE_INVALID',
      errors: [
        { field: 'attributes.segment', reason: 'invalid_value', params: { options: 'a, b' } },
      ],
    });
    const undefinedAttribute = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
      payload: { attributes: { shoeSize: 42 } },
    });
    expect(undefinedAttribute.statusCode).toBe(422);
    expect(undefinedAttribute.json()).toMatchObject({
      code: 'ATTRIBUTE_NOT_DEFINED',
      errors: [{ field: 'attributes.shoeSize', reason: 'not_found' }],
    });
    const unknownField = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
      payload: { kind: 'organization' },
    });
    expect(unknownField.statusCode).toBe(400);
    const after = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
    });
    expect(after.json()).toMatchObject({ version: 2, kind: 'person' });
  });
});

describe('concurrent edits: ETag and If-Match', () => {
  const get = (tenant: Tenant, id: string) =>
    t.app.inject({ method: 'GET', url: `/v1/customers/${id}`, headers: tenant.auth });
  const patch = (tenant: Tenant, id: string, payload: object, ifMatch?: string) =>
    t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${id}`,
      headers: { ...tenant.auth, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
      payload,
    });

  it('tags every reply that is one customer with its version', async () => {
    const tenant = await newTenant(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: { ...tenant.auth, 'idempotency-key': 'etag-1' },
      payload: { kind: 'person', name: 'A' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const { id } = created.json() as CustomerBody;
    expect((await get(tenant, id)).headers.etag).toBe('"1"');
    const changed = await patch(tenant, id, { name: 'B' });
    expect(changed.headers.etag).toBe('"2"');
    expect((await get(tenant, id)).headers.etag).toBe('"2"');

    const duplicate = await create(tenant, { name: 'B (dup)' });
    const merged = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${id}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: duplicate.id },
    });
    expect(merged.headers.etag).toBe('"3"');
    // A merged id answers with the survivor, and so with the survivor's tag.
    expect((await get(tenant, duplicate.id)).headers.etag).toBe('"3"');
  });

  it('changes a customer still at the version sent, and moves the version on', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A', occupation: 'teacher' });
    expect(created.version).toBe(1);
    // Each form a client may send: the tag, a weakened tag, the bare version, a list, `*`.
    const forms = ['"1"', 'W/"2"', '3', '"1", "4"', '*'];
    for (const [index, ifMatch] of forms.entries()) {
      const res = await patch(tenant, created.id, { name: `A${index}` }, ifMatch);
      expect(res.statusCode, `${ifMatch}: ${res.body}`).toBe(200);
      expect(res.json()).toMatchObject({ name: `A${index}`, version: index + 2 });
      expect(res.headers.etag).toBe(`"${index + 2}"`);
    }
    expect((await get(tenant, created.id)).json()).toMatchObject({
      name: 'A4',
      occupation: 'teacher',
      version: 6,
    });
  });

  it('refuses a stale version with 412 CUSTOMER_VERSION_MISMATCH and changes nothing', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A', tags: ['x'] });
    // Someone else saves first.
    expect((await patch(tenant, created.id, { notes: 'theirs' }, '"1"')).statusCode).toBe(200);

    for (const ifMatch of ['"1"', 'W/"1"', '"1", "3"', '"abc"']) {
      const stale = await patch(tenant, created.id, { name: 'Mine', tags: [] }, ifMatch);
      expect(stale.statusCode, ifMatch).toBe(412);
      expect(stale.headers['content-type']).toContain('application/problem+json');
      expect(stale.json()).toMatchObject({ status: 412, code: 'CUSTOMER_VERSION_MISMATCH' });
      // The version it is at now, so a client need not read the customer to know it.
      expect(stale.headers.etag, ifMatch).toBe('"2"');
    }
    // The version is checked first: a stale edit is refused as stale even when it is also invalid.
    expect(
      (await patch(tenant, created.id, { attributes: { undefinedKey: 1 } }, '"1"')).json(),
    ).toMatchObject({ code: 'CUSTOMER_VERSION_MISMATCH' });
    const malformed = await patch(tenant, created.id, { name: 'Mine' }, 'version one');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'headers.if-match', reason: 'invalid_format' }],
    });
    expect((await get(tenant, created.id)).json()).toMatchObject({
      name: 'A',
      notes: 'theirs',
      tags: ['x'],
      version: 2,
    });
    // An unknown customer stays 404, whatever If-Match says.
    expect((await patch(tenant, uuidv7(), { name: 'X' }, '"1"')).statusCode).toBe(404);
  });

  it('without If-Match changes the customer whatever its version, as before', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A' });
    expect((await patch(tenant, created.id, { name: 'B' })).json()).toMatchObject({ version: 2 });
    const last = await patch(tenant, created.id, { name: 'C' });
    expect(last.statusCode).toBe(200);
    expect(last.json()).toMatchObject({ name: 'C', version: 3 });
  });

  it('lets exactly one of several concurrent edits of the same version through', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A' });
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) => patch(tenant, created.id, { name: `Edit ${i}` }, '"1"')),
    );
    const codes = replies.map((reply) => reply.statusCode);
    expect(codes.filter((code) => code === 200)).toHaveLength(1);
    expect(codes.filter((code) => code === 412)).toHaveLength(5);
    for (const reply of replies.filter((r) => r.statusCode === 412))
      expect(reply.headers.etag).toBe('"2"');
    const winner = replies.find((reply) => reply.statusCode === 200)!.json() as CustomerBody;
    expect((await get(tenant, created.id)).json()).toMatchObject({
      name: winner.name,
      version: 2,
    });
  });

  it('moves the version on every change to the customer: tags, consent, merge', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A' });
    const version = async () => ((await get(tenant, created.id)).json() as CustomerBody).version;
    const call = (method: 'POST' | 'DELETE' | 'PUT', url: string, payload: object) =>
      t.app.inject({
        method,
        url: `/v1/customers/${created.id}${url}`,
        headers: tenant.auth,
        payload,
      });
    await call('POST', '/tags', { tags: ['vip'] });
    expect(await version()).toBe(2);
    await call('DELETE', '/tags', { tags: ['vip'] });
    expect(await version()).toBe(3);
    await call('PUT', '/consent/sms', { status: 'granted' });
    expect(await version()).toBe(4);
    const duplicate = await create(tenant, { name: 'A (dup)' });
    await call('POST', '/merge', { duplicateId: duplicate.id });
    expect(await version()).toBe(5);
    // So an edit begun before any of these is refused.
    expect((await patch(tenant, created.id, { name: 'B' }, '"1"')).statusCode).toBe(412);
    expect((await patch(tenant, created.id, { name: 'B' }, '"5"')).statusCode).toBe(200);
  });
});

describe('attribute definitions', () => {
  it('lists what was defined and refuses a second definition of a key', async () => {
    const tenant = await newTenant(t);
    const post = (payload: object) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/customer-attributes',
        headers: tenant.auth,
        payload,
      });
    expect(
      (await post({ key: 'since', labelZh: '入会日期', labelEn: 'Member since', type: 'date' }))
        .statusCode,
    ).toBe(201);
    const again = await post({ key: 'since', labelZh: 'x', labelEn: 'x', type: 'string' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ errors: [{ field: 'key', reason: 'already_used' }] });
    const noOptions = await post({ key: 'tier', labelZh: 'x', labelEn: 'x', type: 'enum' });
    expect(noOptions.statusCode).toBe(400);
    expect(noOptions.json()).toMatchObject({ errors: [{ field: 'options', reason: 'required' }] });
    expect(
      (await post({ key: 'Bad Key', labelZh: 'x', labelEn: 'x', type: 'string' })).statusCode,
    ).toBe(400);
    const listed = await t.app.inject({
      method: 'GET',
      url: '/v1/customer-attributes',
      headers: tenant.auth,
    });
    expect(listed.json()).toMatchObject({
      items: [{ key: 'since', type: 'date', labelZh: '入会日期' }],
    });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'person', name: 'A', attributes: { since: 'yesterday' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      errors: [{ field: 'attributes.since', reason: 'invalid_format', params: { format: 'date' } }],
    });
  });
});

describe('tags and consent', () => {
  it('adds and removes tags', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A', tags: ['a'] });
    const add = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${created.id}/tags`,
      headers: tenant.auth,
      payload: { tags: ['b', 'c', 'a'] },
    });
    expect(add.json()).toEqual({ tags: ['a', 'b', 'c'] });
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${created.id}/tags`,
      headers: tenant.auth,
      payload: { tags: ['a', 'zzz'] },
    });
    expect(remove.json()).toEqual({ tags: ['b', 'c'] });
    const empty = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${created.id}/tags`,
      headers: tenant.auth,
      payload: { tags: [] },
    });
    expect(empty.statusCode).toBe(400);
  });

  it('records consent per channel; an older decision does not override a newer one', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A' });
    const put = (channel: string, payload: object) =>
      t.app.inject({
        method: 'PUT',
        url: `/v1/customers/${created.id}/consent/${channel}`,
        headers: tenant.auth,
        payload,
      });
    const granted = await put('sms', {
      status: 'granted',
      source: 'store',
      at: '2026-01-02T00:00:00Z',
    });
    expect(granted.json()).toEqual({
      channel: 'sms',
      status: 'granted',
      source: 'store',
      at: '2026-01-02T00:00:00.000Z',
    });
    const older = await put('sms', { status: 'withdrawn', at: '2025-01-01T00:00:00Z' });
    expect(older.json()).toMatchObject({ status: 'granted' });
    const newer = await put('sms', { status: 'withdrawn', source: 'unsubscribe-link' });
    expect(newer.json()).toMatchObject({ status: 'withdrawn', source: 'unsubscribe-link' });
    const history = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${created.id}/consent`,
      headers: tenant.auth,
    });
    expect(history.statusCode).toBe(200);
    const body = history.json() as {
      current: unknown[];
      history: { status: string; at: string }[];
    };
    expect(body.current).toMatchObject([{ channel: 'sms', status: 'withdrawn' }]);
    expect(body.history.map((event) => event.status)).toEqual([
      'withdrawn',
      'withdrawn',
      'granted',
    ]);
    expect((await put('fax', { status: 'granted' })).statusCode).toBe(400);
    expect((await put('email', { status: 'maybe' })).statusCode).toBe(400);
  });

  it('refuses a consent time or a birthday in the future, so no decision outlives later ones', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A' });
    const send = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object) =>
      t.app.inject({ method, url, headers: tenant.auth, payload });
    const put = (payload: object) =>
      send('PUT', `/v1/customers/${created.id}/consent/sms`, payload);
    const inFuture = { reason: 'in_future', params: { toleranceMinutes: 15 } };

    const future = await put({ status: 'granted', at: '2099-01-01T00:00:00Z' });
    expect(future.statusCode, future.body).toBe(400);
    expect(future.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'at', ...inFuture }],
    });
    // Within the clock's tolerance it counts; after it, a withdrawal still takes effect.
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    expect((await put({ status: 'granted', at: soon })).json()).toMatchObject({
      status: 'granted',
    });
    expect((await put({ status: 'withdrawn' })).json()).toMatchObject({ status: 'granted' });
    const later = new Date(Date.now() + 11 * 60_000).toISOString();
    expect((await put({ status: 'withdrawn', at: later })).json()).toMatchObject({
      status: 'withdrawn',
    });

    const onCreate = await send('POST', '/v1/customers', {
      kind: 'person',
      name: 'B',
      birthday: '2098-05-01',
      consent: { email: { status: 'granted', at: '2099-01-01T00:00:00Z' } },
    });
    expect(onCreate.statusCode).toBe(400);
    const tomorrowSomewhere = new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
    expect(onCreate.json().errors).toEqual([
      expect.objectContaining({
        field: 'birthday',
        reason: 'too_big',
        params: { origin: 'date', maximum: tomorrowSomewhere },
      }),
      expect.objectContaining({ field: 'consent.email.at', ...inFuture }),
    ]);
    const patched = await send('PATCH', `/v1/customers/${created.id}`, { birthday: '2098-05-01' });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors).toMatchObject([{ field: 'birthday', reason: 'too_big' }]);
    const today = new Date().toISOString().slice(0, 10);
    const born = await send('PATCH', `/v1/customers/${created.id}`, { birthday: today });
    expect(born.json()).toMatchObject({ birthday: today });
  });
});

describe('organisation members', () => {
  it('links people to an organisation with a role, seen from both sides', async () => {
    const tenant = await newTenant(t);
    const org = await create(tenant, { kind: 'organization', name: '阿里巴巴' });
    const person = await create(tenant, { name: '马云' });
    const linked = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${org.id}/members`,
      headers: tenant.auth,
      payload: { personId: person.id, role: 'decision maker', title: 'Founder' },
    });
    expect(linked.statusCode, linked.body).toBe(201);
    expect(linked.json()).toMatchObject({
      organizationId: org.id,
      organizationName: '阿里巴巴',
      personId: person.id,
      personName: '马云',
      role: 'decision maker',
    });
    const ofOrg = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${org.id}/members`,
      headers: tenant.auth,
    });
    const ofPerson = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${person.id}/members`,
      headers: tenant.auth,
    });
    expect(ofOrg.json()).toEqual(ofPerson.json());
    const wrongWay = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${person.id}/members`,
      headers: tenant.auth,
      payload: { personId: org.id },
    });
    expect(wrongWay.statusCode).toBe(400);
    expect(wrongWay.json()).toMatchObject({ errors: [{ field: 'id', reason: 'invalid_value' }] });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${org.id}/members/${person.id}`,
      headers: tenant.auth,
    });
    expect(removed.statusCode).toBe(204);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/customers/${org.id}/members`,
          headers: tenant.auth,
        })
      ).json(),
    ).toEqual({ items: [], nextCursor: null });
    // The organisation's history says who joined with which role and title, and who left.
    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/audit-log?entityType=customer&entityId=${org.id}`,
      headers: tenant.auth,
    });
    expect(
      (audit.json() as { items: { action: string; after: unknown }[] }).items
        .filter((entry) => entry.action.startsWith('customer.member.'))
        .map(({ action, after }) => ({ action, after })),
    ).toEqual([
      { action: 'customer.member.remove', after: { personId: person.id } },
      {
        action: 'customer.member.add',
        after: { personId: person.id, role: 'decision maker', title: 'Founder' },
      },
    ]);
  });

  it('pages a key account’s people in name order and finds them by name, pinyin, phone or role', async () => {
    const tenant = await newTenant(t);
    const org = await create(tenant, { kind: 'organization', name: '星辰科技' });
    const other = await create(tenant, { kind: 'organization', name: '月光贸易' });
    // Seven people, created out of pinyin order: chen, li, liu, wang, zhang, zhao, zhou.
    const people = [
      { name: '张伟', role: '采购决策人', phone: '13800138000' },
      { name: '李娜', role: 'buyer' },
      { name: '王芳', title: '财务总监' },
      { name: '陈静' },
      { name: '赵敏', role: 'Decision maker' },
      { name: '刘洋', title: 'CTO' },
      { name: '周杰' },
    ];
    const ids = new Map<string, string>();
    for (const { role, title, ...profile } of people) {
      const person = await create(tenant, profile);
      ids.set(profile.name, person.id);
      const linked = await t.app.inject({
        method: 'POST',
        url: `/v1/customers/${org.id}/members`,
        headers: tenant.auth,
        payload: { personId: person.id, ...(role ? { role } : {}), ...(title ? { title } : {}) },
      });
      expect(linked.statusCode, linked.body).toBe(201);
    }
    // Someone of another organisation is never listed here, whatever the search.
    const outsider = await create(tenant, { name: '张敏' });
    await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${other.id}/members`,
      headers: tenant.auth,
      payload: { personId: outsider.id, role: 'buyer' },
    });

    type Members = {
      items: { personId: string; personName: string; organizationName: string }[];
      nextCursor: string | null;
    };
    const members = async (id: string, query: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/customers/${id}/members?${query}`,
        headers: tenant.auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Members;
    };
    const names = (page: Members) => page.items.map((member) => member.personName);
    const everyPage = async (id: string, query: string, limit = 3) => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const params = [query, `limit=${limit}`, cursor ? `cursor=${cursor}` : ''];
        const page: Members = await members(id, params.filter(Boolean).join('&'));
        pages.push(names(page));
        cursor = page.nextCursor;
      } while (cursor);
      return pages;
    };

    expect(await everyPage(org.id, '')).toEqual([
      ['陈静', '李娜', '刘洋'],
      ['王芳', '张伟', '赵敏'],
      ['周杰'],
    ]);
    // Without a limit, one page of up to 50, as every list.
    expect(names(await members(org.id, ''))).toHaveLength(7);
    expect((await members(org.id, '')).nextCursor).toBeNull();

    expect(names(await members(org.id, q('张伟')))).toEqual(['张伟']);
    expect(names(await members(org.id, q('zhang')))).toEqual(['张伟']);
    expect(names(await members(org.id, q('138 0013')))).toEqual(['张伟']);
    // By role or title, whatever the case: the decision makers, in name order.
    expect(names(await members(org.id, q('decision')))).toEqual(['赵敏']);
    expect(names(await members(org.id, q('决策')))).toEqual(['张伟']);
    expect(names(await members(org.id, q('cto')))).toEqual(['刘洋']);
    expect(names(await members(org.id, q('BUYER')))).toEqual(['李娜']);
    // A search pages too: the people whose pinyin starts zh, then the rest.
    expect(await everyPage(org.id, q('zh'))).toEqual([['张伟', '赵敏', '周杰']]);
    expect(await everyPage(org.id, q('zh'), 2)).toEqual([['张伟', '赵敏'], ['周杰']]);
    expect(await members(org.id, q('nobody here'))).toEqual({ items: [], nextCursor: null });
    // A LIKE wildcard is text, not "anything".
    expect(names(await members(org.id, q('%')))).toEqual([]);

    // From the person's side: their organisations, paged the same way.
    const zhang = ids.get('张伟')!;
    await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${other.id}/members`,
      headers: tenant.auth,
      payload: { personId: zhang },
    });
    const first = await members(zhang, 'limit=1');
    expect(first.items.map((member) => member.organizationName)).toEqual(['星辰科技']);
    const second = await members(zhang, `limit=1&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ items: [{ organizationName: '月光贸易' }], nextCursor: null });
    expect(
      (await members(zhang, q('yueguang'))).items.map((member) => member.organizationName),
    ).toEqual(['月光贸易']);

    for (const bad of ['cursor=garbage', 'limit=0', 'limit=201', 'sort=name']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/customers/${org.id}/members?${bad}`,
        headers: tenant.auth,
      });
      expect(res.statusCode, bad).toBe(400);
    }
  });
});

describe('merge', () => {
  it('keeps both sets of data on the survivor and answers the duplicate’s id with it', async () => {
    const tenant = await newTenant(t);
    const survivor = await create(tenant, {
      name: '张三',
      externalId: 'shop-1',
      email: 'a@x.cn',
      tags: ['vip'],
      consent: { sms: { status: 'granted', at: '2025-01-01T00:00:00Z' } },
    });
    const duplicate = await create(tenant, {
      name: '张三 (dup)',
      externalId: 'crm-9',
      email: 'b@x.cn',
      phone: '13900000000',
      birthday: '1990-01-05',
      tags: ['北京'],
      consent: { sms: { status: 'withdrawn', at: '2026-01-01T00:00:00Z' } },
    });
    const merged = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${survivor.id}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: duplicate.id },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const body = merged.json() as CustomerBody;
    expect(body).toMatchObject({
      id: survivor.id,
      name: '张三',
      email: 'a@x.cn',
      phone: '13900000000',
      birthday: '1990-01-05',
      tags: ['vip', '北京'].sort(),
      mergedIds: [duplicate.id],
      consent: [{ channel: 'sms', status: 'withdrawn' }],
    });
    expect(body.emails.map((e) => e.value).sort()).toEqual(['a@x.cn', 'b@x.cn']);

    const viaDuplicate = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${duplicate.id}`,
      headers: tenant.auth,
    });
    expect(viaDuplicate.statusCode).toBe(200);
    expect(viaDuplicate.headers['content-location']).toBe(`/v1/customers/${survivor.id}`);
    expect((viaDuplicate.json() as CustomerBody).id).toBe(survivor.id);
    expect((await list(tenant, '')).items.map((c) => c.id)).toEqual([survivor.id]);
    expect((await list(tenant, q('13900000000'))).items.map((c) => c.id)).toEqual([survivor.id]);
    // The duplicate's external id finds the survivor, as events sent with it land there.
    expect((await list(tenant, q('crm-9'))).items.map((c) => c.id)).toEqual([survivor.id]);

    const context = systemContext(tenant.tenantId);
    expect(await customerIdsOf(t.database.db, tenant.tenantId, survivor.id)).toEqual([
      survivor.id,
      duplicate.id,
    ]);
    expect(
      await resolveCustomerRefs(
        t.database.db,
        context,
        [{ customerExternalId: 'crm-9' }, { customerId: duplicate.id }],
        { createMissing: true },
      ),
    ).toEqual([survivor.id, survivor.id]);

    // A chain: merging the survivor into a third customer carries the first duplicate along.
    const third = await create(tenant, { name: 'Third' });
    await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${third.id}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: survivor.id },
    });
    expect((await customerIdsOf(t.database.db, tenant.tenantId, third.id)).sort()).toEqual(
      [third.id, survivor.id, duplicate.id].sort(),
    );
  });

  it('keeps the role a duplicate held in an organisation the survivor also belongs to', async () => {
    const tenant = await newTenant(t);
    const org = await create(tenant, { kind: 'organization', name: '华为' });
    const survivor = await create(tenant, { name: '李四' });
    const duplicate = await create(tenant, { name: '李四（名片）' });
    const link = (personId: string, extra: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/customers/${org.id}/members`,
        headers: tenant.auth,
        payload: { personId, ...extra },
      });
    expect((await link(survivor.id, { title: '采购经理' })).statusCode).toBe(201);
    expect((await link(duplicate.id, { role: 'decision maker', title: 'CEO' })).statusCode).toBe(
      201,
    );
    const merged = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${survivor.id}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: duplicate.id },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const members = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${org.id}/members`,
      headers: tenant.auth,
    });
    // The survivor's own title wins; the role it lacked comes from the duplicate.
    expect((members.json() as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        personId: survivor.id,
        role: 'decision maker',
        title: '采购经理',
      }),
    ]);
  });

  it('refuses impossible merges with 422 MERGE_INVALID', async () => {
    const tenant = await newTenant(t);
    const person = await create(tenant, { name: 'P' });
    const org = await create(tenant, { kind: 'organization', name: 'O' });
    const merge = (id: string, duplicateId: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/customers/${id}/merge`,
        headers: tenant.auth,
        payload: { duplicateId },
      });
    expect((await merge(person.id, person.id)).json()).toMatchObject({
      code: 'MERGE_INVALID',
      errors: [{ field: 'duplicateId', reason: 'self_not_allowed' }],
    });
    expect((await merge(person.id, org.id)).statusCode).toBe(422);
    const unknown = await merge(person.id, uuidv7());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      errors: [{ field: 'duplicateId', reason: 'not_found' }],
    });
  });
});

describe('DELETE /v1/customers/{id} (erasure)', () => {
  it('wipes personal data, keeps an anonymous tombstone and answers 410 after', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, {
      name: '王秘密',
      externalId: 'secret-1',
      email: 'secret@x.cn',
      phone: '13700000000',
      birthday: '1980-02-02',
      familyNotes: 'two kids',
      tags: ['vip'],
      consent: { email: { status: 'granted' } },
    });
    const erased = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
    });
    expect(erased.statusCode).toBe(204);
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
    });
    expect(read.statusCode).toBe(410);
    expect(read.json()).toMatchObject({ code: 'CUSTOMER_ERASED' });
    expect((await list(tenant, q('13700000000'))).items).toEqual([]);
    expect((await list(tenant, q('wang'))).items).toEqual([]);
    expect(await countCustomers(t.database.db, tenant.tenantId)).toBe(0);

    const row = await t.database.db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: '',
      search_text: '',
      external_id: null,
      birthday: null,
      family_notes: null,
      attributes: {},
    });
    expect(row.erased_at).not.toBeNull();
    const leftovers = await t.database.db
      .selectFrom('customer_contacts')
      .select('value')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(leftovers).toEqual([]);

    // Events for the erased external id do not bring the person back.
    expect(
      await resolveCustomerRefs(
        t.database.db,
        systemContext(tenant.tenantId),
        [{ customerExternalId: 'secret-1' }, { customerId: created.id }],
        { createMissing: true },
      ),
    ).toEqual([null, null]);

    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/audit-log?entityType=customer&entityId=${created.id}`,
      headers: tenant.auth,
    });
    expect(audit.body).toContain('customer.erase');
    for (const secret of ['王秘密', 'secret@x.cn', '13700000000', 'two kids', 'secret-1']) {
      expect(audit.body).not.toContain(secret);
    }
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
    });
    expect(again.statusCode).toBe(204);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${created.id}`,
      headers: tenant.auth,
      payload: { name: 'back' },
    });
    expect(patch.statusCode).toBe(410);
  });

  it('needs the customers:erase permission', async () => {
    const tenant = await newTenant(t);
    const created = await create(tenant, { name: 'A' });
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'agent', role: 'viewer' },
    });
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${created.id}`,
      headers: { authorization: `Bearer ${(key.json() as { key: string }).key}` },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('bad input on every write endpoint', () => {
  it('answers malformed JSON, unknown fields and wrong types with 400 problem+json and changes nothing', async () => {
    const tenant = await newTenant(t);
    const org = await create(tenant, { kind: 'organization', name: 'Org', tags: ['keep'] });
    const person = await create(tenant, { name: 'P' });
    const endpoints: { method: 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; good: object }[] =
      [
        { method: 'PATCH', url: `/v1/customers/${org.id}`, good: { name: 'x' } },
        { method: 'POST', url: `/v1/customers/${org.id}/tags`, good: { tags: ['x'] } },
        { method: 'DELETE', url: `/v1/customers/${org.id}/tags`, good: { tags: ['keep'] } },
        {
          method: 'PUT',
          url: `/v1/customers/${org.id}/consent/email`,
          good: { status: 'granted' },
        },
        { method: 'POST', url: `/v1/customers/${org.id}/members`, good: { personId: person.id } },
        { method: 'POST', url: `/v1/customers/${org.id}/merge`, good: { duplicateId: person.id } },
        {
          method: 'POST',
          url: '/v1/customer-attributes',
          good: { key: 'k', labelZh: 'k', labelEn: 'k', type: 'string' },
        },
      ];
    for (const endpoint of endpoints) {
      const send = (payload: string) =>
        t.app.inject({
          method: endpoint.method,
          url: endpoint.url,
          headers: { ...tenant.auth, 'content-type': 'application/json' },
          payload,
        });
      const label = `${endpoint.method} ${endpoint.url}`;
      const malformed = await send('{"oops": ');
      expect(malformed.statusCode, label).toBe(400);
      expect(malformed.json(), label).toMatchObject({ code: 'MALFORMED_JSON' });
      const unknown = await send(JSON.stringify({ ...endpoint.good, surprise: 1 }));
      expect(unknown.statusCode, label).toBe(400);
      expect(unknown.json(), label).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'surprise', message: 'unknown field' }],
      });
      const wrongTypes = await send(
        JSON.stringify(Object.fromEntries(Object.keys(endpoint.good).map((key) => [key, 12]))),
      );
      expect(wrongTypes.statusCode, label).toBe(400);
      expect(wrongTypes.headers['content-type'], label).toContain('application/problem+json');
      const huge = await send(JSON.stringify({ ...endpoint.good, pad: 'x'.repeat(1_100_000) }));
      expect(huge.statusCode, label).toBe(413);
    }
    const after = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${org.id}`,
      headers: tenant.auth,
    });
    expect(after.json()).toMatchObject({
      name: 'Org',
      tags: ['keep'],
      consent: [],
      mergedIds: [],
      version: 1,
    });
    const attributes = await t.app.inject({
      method: 'GET',
      url: '/v1/customer-attributes',
      headers: tenant.auth,
    });
    expect(attributes.json()).toEqual({ items: [] });
  });
});

describe('external ids and export filters', () => {
  it('refuses to move an external id onto a second customer, and checks export filters first', async () => {
    const tenant = await newTenant(t);
    await create(tenant, { name: 'A', externalId: 'a-1' });
    const b = await create(tenant, { name: 'B', externalId: 'b-1' });
    const taken = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${b.id}`,
      headers: tenant.auth,
      payload: { externalId: 'a-1' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'EXTERNAL_ID_TAKEN' });
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${b.id}`,
      headers: tenant.auth,
      payload: { externalId: null },
    });
    expect(cleared.json()).toMatchObject({ externalId: null });
    const badExport = await t.app.inject({
      method: 'GET',
      url: '/v1/customers/export.csv?attribute=nope%3D1',
      headers: tenant.auth,
    });
    expect(badExport.statusCode).toBe(400);
    expect(badExport.headers['content-type']).toContain('application/problem+json');
  });
});

describe('where a customer came from (source)', () => {
  it('is staff for one made in the web UI by a signed-in person, api for one made with a key', async () => {
    const tenant = await newTenant(t);
    const user = { email: `desk-${Math.random()}@example.com`, password: 'a long password' };
    await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: tenant.auth,
      payload: { ...user, name: '前台', role: 'agent' },
    });
    const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: user });
    const browser = {
      cookie: String(login.headers['set-cookie']).split(';')[0] ?? '',
      'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken,
    };
    const create = (headers: Record<string, string>, name: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers,
        payload: { kind: 'person', name },
      });
    const byStaff = await create(browser, '柜台登记');
    expect(byStaff.statusCode, byStaff.body).toBe(201);
    expect(byStaff.json()).toMatchObject({ source: 'staff' });
    expect((await create(tenant.auth, 'From the shop')).json()).toMatchObject({ source: 'api' });
  });
});
