import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
