import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { platformMigrations } from './platform.migrations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
type Page = { items: { id: string; name: string }[]; nextCursor: string | null };

async function get(tenant: Tenant, url: string): Promise<Page> {
  const res = await t.app.inject({ method: 'GET', url, headers: tenant.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

/** Every user the list pages through, `limit` a page, in order. */
async function walkUsers(tenant: Tenant, query = '', limit = 2) {
  const users: Page['items'] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await get(
      tenant,
      `/v1/users?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    users.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return users;
}

async function addUser(tenant: Tenant, name: string, index: number): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: tenant.auth,
    payload: {
      name,
      email: `u${index}@pinyin.example`,
      role: 'agent',
      password: 'a long password',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

async function rename(tenant: Tenant, id: string, name: string) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/v1/users/${id}`,
    headers: tenant.auth,
    payload: { name },
  });
  expect(res.statusCode, res.body).toBe(200);
}

// 李娜 twice: the same sort key, so the id decides (ids grow with time).
const NAMES = ['张伟', '王芳', '李娜', 'Alice', 'bob', 'Zoe', '李娜'];
// The tenant's owner is named Owner.
const PINYIN_ORDER = ['Alice', 'bob', '李娜', '李娜', 'Owner', '王芳', '张伟', 'Zoe'];

async function tenantWithUsers() {
  const tenant = await newTenant(t);
  const ids: string[] = [];
  for (const [index, name] of NAMES.entries()) ids.push(await addUser(tenant, name, index));
  return { tenant, ids };
}

describe('GET /v1/users by pinyin', () => {
  it('orders Chinese names by their pinyin among Latin ones, as the customers list does', async () => {
    const { tenant, ids } = await tenantWithUsers();
    const all = await get(tenant, '/v1/users');
    expect(all.items.map((user) => user.name)).toEqual(PINYIN_ORDER);
    const [liNa, secondLiNa] = [ids[2], ids[6]];
    expect(all.items.filter((user) => user.name === '李娜').map((user) => user.id)).toEqual([
      liNa,
      secondLiNa,
    ]);

    for (const [index, name] of PINYIN_ORDER.entries()) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: tenant.auth,
        payload: { kind: 'person', name, externalId: `pinyin-${index}` },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const customers = await get(tenant, '/v1/customers?sort=name&limit=50');
    expect(customers.items.map((customer) => customer.name)).toEqual(PINYIN_ORDER);
  });

  it('pages through every user exactly once in that order, and a rename moves the user', async () => {
    const { tenant, ids } = await tenantWithUsers();
    for (const limit of [1, 2, 3]) {
      const walked = await walkUsers(tenant, '', limit);
      expect(walked.map((user) => user.name)).toEqual(PINYIN_ORDER);
      expect(new Set(walked.map((user) => user.id)).size).toBe(PINYIN_ORDER.length);
    }

    // Alice becomes 阿丽 (a li, before alice), bob 陈静 (chen jing), 张伟 Wendy.
    await rename(tenant, ids[3]!, '阿丽');
    await rename(tenant, ids[4]!, '陈静');
    await rename(tenant, ids[0]!, 'Wendy');
    expect((await walkUsers(tenant)).map((user) => user.name)).toEqual([
      '阿丽',
      '陈静',
      '李娜',
      '李娜',
      'Owner',
      '王芳',
      'Wendy',
      'Zoe',
    ]);
  });

  it('finds Chinese names by their pinyin and initials, with or without spaces', async () => {
    const { tenant } = await tenantWithUsers();
    const found = async (q: string) =>
      (await walkUsers(tenant, `&q=${encodeURIComponent(q)}`)).map((user) => user.name);
    expect(await found('zhangwei')).toEqual(['张伟']);
    expect(await found('Zhang Wei')).toEqual(['张伟']);
    expect(await found('ZW')).toEqual(['张伟']);
    expect(await found('wangf')).toEqual(['王芳']);
    expect(await found('ln')).toEqual(['李娜', '李娜']);
    expect(await found('李')).toEqual(['李娜', '李娜']);
    // Latin names and emails as before.
    expect(await found('ZOE')).toEqual(['Zoe']);
    expect(await found('u1@pinyin')).toEqual(['王芳']);
    expect(await found('liu')).toEqual([]);
  });
});

describe('migration 0007: users by pinyin', () => {
  it('gives the users already there their pinyin keys', async () => {
    const { tenant } = await tenantWithUsers();
    const db = t.database.db as Kysely<unknown>;
    // As before the migration: no pinyin, the list in code-point order.
    await sql`update users set name_sort_key = lower(name), name_search_text = lower(name)
      where tenant_id = ${tenant.tenantId}`.execute(db);
    expect((await walkUsers(tenant)).map((user) => user.name)).not.toEqual(PINYIN_ORDER);

    await platformMigrations['0007_users_by_pinyin']!.up(db);

    expect((await walkUsers(tenant)).map((user) => user.name)).toEqual(PINYIN_ORDER);
    expect((await walkUsers(tenant, '&q=zw')).map((user) => user.name)).toEqual(['张伟']);
  });
});
