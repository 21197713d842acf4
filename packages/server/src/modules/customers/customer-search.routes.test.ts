import type { KyselyPlugin, QueryId } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerListQuery, memberListQuery } from '@fidelis/contracts';
import type { RequestContext } from '../../http/request-context.ts';
import { listCustomers, listMembers } from './customers.service.ts';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
type Page<Item> = { items: Item[]; nextCursor: string | null };
type Customer = { id: string; name: string };

async function get<Item>(tenant: Tenant, url: string): Promise<Page<Item>> {
  const res = await t.app.inject({ method: 'GET', url, headers: tenant.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page<Item>;
}

/** Creates something (a customer, a membership); its id. */
async function post(tenant: Tenant, url: string, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url, headers: tenant.auth, payload });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Every page of a list, followed by its cursor: the items in the order served. */
async function allPages<Item = Customer>(tenant: Tenant, url: string): Promise<Item[]> {
  const items: Item[] = [];
  let page = await get<Item>(tenant, url);
  items.push(...page.items);
  while (page.nextCursor) {
    page = await get<Item>(tenant, `${url}&cursor=${encodeURIComponent(page.nextCursor)}`);
    items.push(...page.items);
  }
  return items;
}

describe('customer search: exact matches before similar names', () => {
  // Names the demo tenant listed ahead of the exact match: similar by trigrams (shaoyan and
  // shaochaoyu ~ shaoyu, gaoxiuyang ~ liuyang) and earlier in pinyin order.
  const similar = ['邵燕', '邵超雨', '邵涛远', '邵艳', '邵彦', '叶艳', '高秀阳', '刘燕'];
  const exact = ['邵玉', '邵玉', '邵玉兰', '叶玉', '叶雨婷', '刘洋', '刘洋洋'];
  // Every exact match (name, pinyin, initials…) in pinyin order, then the similar names; and
  // page sizes the exact matches leave short (so similar names are searched too), with page
  // breaks inside either tier and between them.
  const expected = {
    shaoyu: {
      names: ['邵玉', '邵玉', '邵玉兰', '邵超雨', '邵涛远', '邵彦', '邵燕', '邵艳'],
      limits: [4, 5, 25],
    },
    yeyu: { names: ['叶玉', '叶雨婷', '叶艳'], limits: [3, 25] },
    liuyang: { names: ['刘洋', '刘洋洋', '高秀阳', '刘燕'], limits: [3, 25] },
  };

  async function createPeople(tenant: Tenant): Promise<string[]> {
    const ids: string[] = [];
    for (const name of [...similar, ...exact])
      ids.push(await post(tenant, '/v1/customers', { kind: 'person', name }));
    return ids;
  }

  it('lists the customers whose name, pinyin or initials match first, then similar names, each once across pages', async () => {
    const tenant = await newTenant(t);
    await createPeople(tenant);
    for (const [text, { names, limits }] of Object.entries(expected)) {
      for (const limit of limits) {
        const url = `/v1/customers?q=${text}&limit=${limit}`;
        const found = await allPages(tenant, url);
        expect(
          found.map((c) => c.name),
          `${text}, ${limit} a page`,
        ).toEqual(names);
        expect(new Set(found.map((c) => c.id)).size, 'each customer once').toBe(found.length);
      }
    }
    // Descending: still the exact matches first.
    const descending = await allPages(tenant, '/v1/customers?q=shaoyu&sort=-name&limit=4');
    expect(descending.map((c) => c.name)).toEqual([
      '邵玉兰',
      '邵玉',
      '邵玉',
      '邵艳',
      '邵燕',
      '邵彦',
      '邵涛远',
      '邵超雨',
    ]);
    // Exact matches that fill the page: no similar names.
    expect((await allPages(tenant, '/v1/customers?q=shaoyu&limit=2')).map((c) => c.name)).toEqual([
      '邵玉',
      '邵玉',
      '邵玉兰',
    ]);
  });

  it('lists an organisation’s people the same way', async () => {
    const tenant = await newTenant(t);
    const ids = await createPeople(tenant);
    const orgId = await post(tenant, '/v1/customers', { kind: 'organization', name: '星辰科技' });
    for (const personId of ids) await post(tenant, `/v1/customers/${orgId}/members`, { personId });
    for (const [text, { names, limits }] of Object.entries(expected)) {
      for (const limit of limits) {
        const url = `/v1/customers/${orgId}/members?q=${text}&limit=${limit}`;
        const found = await allPages<{ personName: string }>(tenant, url);
        expect(
          found.map((member) => member.personName),
          `${text}, ${limit} a page`,
        ).toEqual(names);
      }
    }
  });
});

describe('an organisation’s people searched as the customer search finds them', () => {
  it('finds by name, phone, email and external id (a merged-away duplicate’s too), never an erased person', async () => {
    const tenant = await newTenant(t);
    const orgId = await post(tenant, '/v1/customers', { kind: 'organization', name: '星辰科技' });
    const person = (name: string, more: Record<string, unknown> = {}) =>
      post(tenant, '/v1/customers', { kind: 'person', name, ...more });
    const zhang = await person('张伟', {
      externalId: 'CRM-001',
      phones: [{ value: '13800138000' }],
      emails: [{ value: 'zhang.wei@example.com' }],
    });
    const smith = await person('Anna Smith', { externalId: 'CRM-002' });
    const erased = await person('Anna Smithson', { emails: [{ value: 'anna@example.com' }] });
    // Outside the organisation: found by the customer search, never among its people.
    await person('Anna Smithers', { emails: [{ value: 'anna.s@example.com' }] });
    for (const personId of [zhang, smith, erased])
      await post(tenant, `/v1/customers/${orgId}/members`, { personId });
    // A duplicate merged into Anna Smith: its external id finds her.
    const duplicate = await person('A. Smith', { externalId: 'OLD-7' });
    const merged = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${smith}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: duplicate },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/v1/customers/${erased}`,
      headers: tenant.auth,
    });
    expect(gone.statusCode, gone.body).toBeLessThan(300);

    const expected: Record<string, string[]> = {
      zhang: ['张伟'],
      zw: ['张伟'],
      '138 0013': ['张伟'],
      'zhang.wei@': ['张伟'],
      'CRM-00': ['Anna Smith', '张伟'],
      'OLD-7': ['Anna Smith'],
      anna: ['Anna Smith'],
      smith: ['Anna Smith'],
      nobody: [],
    };
    const members = new Set([zhang, smith, erased]);
    for (const [text, names] of Object.entries(expected)) {
      const q = encodeURIComponent(text);
      const found = await allPages<{ personId: string; personName: string }>(
        tenant,
        `/v1/customers/${orgId}/members?q=${q}&limit=1`,
      );
      expect(
        found.map((member) => member.personName),
        text,
      ).toEqual(names);
      // The same people as the customer search, less those outside the organisation.
      const customers = await allPages(tenant, `/v1/customers?q=${q}&limit=50`);
      expect(
        found.map((member) => member.personId),
        text,
      ).toEqual(customers.filter((c) => members.has(c.id)).map((c) => c.id));
    }
  });
});

describe('the first page of a search with similar names', () => {
  it('reads the exact matches once: one statement for them, one for the similar names', async () => {
    const tenant = await newTenant(t);
    for (const name of ['邵玉', '邵玉兰', '邵超雨', '邵燕'])
      await post(tenant, '/v1/customers', { kind: 'person', name });
    const orgId = await post(tenant, '/v1/customers', { kind: 'organization', name: '星辰科技' });
    const people = await allPages(tenant, '/v1/customers?kind=person&limit=50');
    for (const { id } of people)
      await post(tenant, `/v1/customers/${orgId}/members`, { personId: id });
    // The search statements run: those matching names (`like`); the page's contacts, tags… are
    // not. (A query's text is known when it is built, subqueries too; a result, once it ran.)
    const searches: string[] = [];
    const built = new Map<QueryId, string>();
    const database = t.database.db;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        built.set(args.queryId, database.getExecutor().compileQuery(args.node, args.queryId).sql);
        return args.node;
      },
      transformResult: async (args) => {
        const sql = built.get(args.queryId) ?? '';
        if (/ like /i.test(sql)) searches.push(sql);
        return args.result;
      },
    };
    const counted = database.withPlugin(counter);
    const context: RequestContext = {
      tenantId: tenant.tenantId,
      actor: { type: 'system', id: null, role: 'owner', partnerId: null },
      requestId: null,
    };

    const customers = await listCustomers(
      counted,
      context,
      customerListQuery.parse({ q: 'shaoyu', limit: '20' }),
    );
    expect(customers.items.map((c) => c.name)).toEqual(['邵玉', '邵玉兰', '邵超雨', '邵燕']);
    expect(searches).toHaveLength(2);

    searches.length = 0;
    const members = await listMembers(
      counted,
      context,
      orgId,
      memberListQuery.parse({ q: 'shaoyu', limit: '20' }),
    );
    expect(members.items.map((m) => m.personName)).toEqual(['邵玉', '邵玉兰', '邵超雨', '邵燕']);
    expect(searches).toHaveLength(2);
  });
});
