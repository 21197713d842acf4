import { sql, type Expression, type SqlBool } from 'kysely';
import {
  membersQuery,
  type CustomerRow,
  type CustomersDb,
  type MemberRow,
} from './customers.repository.ts';
import { phoneSearchPrefixes } from './customer-fields.ts';
import { containsHan, queryPinyinGroups } from '../../text/name-keys.ts';

export interface CustomerFilter {
  q?: string | undefined;
  kind?: 'person' | 'organization' | undefined;
  tag?: string | undefined;
  /** Attribute values the customer must have (jsonb containment). */
  attributes?: Record<string, string | number | boolean> | undefined;
  createdFrom?: Date | undefined;
  createdTo?: Date | undefined;
  /** Also match names by trigram similarity (typos); slower, so only when asked. */
  fuzzy?: boolean | undefined;
}

export type CustomerSort = 'name' | '-name' | 'created' | '-created';

export interface Keyset {
  /** sort_key for name sorts, ISO instant for created sorts. */
  key: string;
  id: string;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The ids of some customers, as a subquery another query filters by (`id in (…)`). */
type Ids = ReturnType<typeof exactIds>;

function normalizedQuery(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/**
 * The ids matching a search exactly, as one UNION of index-backed lookups: trigram on the name's
 * search text (name, pinyin, initials), prefix on normalised phones, emails and external ids.
 */
function exactIds(db: CustomersDb, tenantId: string, raw: string) {
  const q = normalizedQuery(raw);
  const branches: ReturnType<typeof nameBranch>[] = [];
  function nameBranch(condition: Expression<SqlBool>) {
    return db
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where(condition);
  }
  if (containsHan(q)) {
    // Trigrams of Han characters are not indexable without ICU: find by the pinyin (any
    // reading of each character, as the stored one is read in context), then keep the names
    // that contain the characters typed (each word of the query).
    const contains = (text: string) => sql<SqlBool>`search_text like ${`%${escapeLike(text)}%`}`;
    const pinyin = queryPinyinGroups(q).map(
      (spellings) => sql<SqlBool>`(${sql.join(spellings.map(contains), sql` or `)})`,
    );
    const characters = q.split(/\s+/).map(contains);
    branches.push(nameBranch(sql<SqlBool>`${sql.join([...pinyin, ...characters], sql` and `)}`));
  } else if (q.replace(/\s+/g, '').length <= 2) {
    // Too short for trigrams: initials (`zs`) or the start of the name, by btree.
    const prefix = `${escapeLike(q)}%`;
    branches.push(nameBranch(sql<SqlBool>`initials like ${prefix}`));
    branches.push(nameBranch(sql<SqlBool>`sort_key like ${prefix}`));
  } else {
    const compact = q.replace(/\s+/g, '');
    branches.push(nameBranch(sql<SqlBool>`search_text like ${`%${escapeLike(q)}%`}`));
    if (compact !== q)
      branches.push(nameBranch(sql<SqlBool>`search_text like ${`%${escapeLike(compact)}%`}`));
  }
  const contacts = (kind: 'email' | 'phone', prefix: string) =>
    db
      .selectFrom('customer_contacts')
      .select('customer_id as id')
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where(sql<SqlBool>`value like ${`${escapeLike(prefix)}%`}`);
  let union = branches.reduce((all, branch) => all.unionAll(branch));
  if (q.includes('@') || /^[a-z0-9._%+-]{3,}$/.test(q))
    union = union.unionAll(contacts('email', q));
  const digits = q.replace(/[\s\-().]/g, '');
  if (/^\+?\d{3,}$/.test(digits)) {
    for (const prefix of phoneSearchPrefixes(digits))
      union = union.unionAll(contacts('phone', prefix));
  }
  // A merged-away customer's external id finds the survivor: events sent with it still land
  // there, so staff looking it up should too.
  union = union.unionAll(
    db
      .selectFrom('customers')
      .select(sql<string>`coalesce(merged_into, id)`.as('id'))
      .where('tenant_id', '=', tenantId)
      .where(sql<SqlBool>`external_id like ${`${escapeLike(raw.trim())}%`}`),
  );
  return db.selectFrom(union.as('s')).select('s.id');
}

/**
 * What a name similar to a search meets (word similarity over the trigrams of its search text:
 * a typo still finds the name), most exact matches too, served by the trigram index; nothing
 * for a query that is not a word of four letters or more — an id or a number is meant exactly
 * (M001 is not M002).
 */
function similarName(raw: string, searchText: string): Expression<SqlBool> | undefined {
  const q = normalizedQuery(raw);
  if (containsHan(q) || !/^\p{L}{4,}$/u.test(q.replace(/\s+/g, ''))) return undefined;
  return sql<SqlBool>`${q} <% ${sql.ref(searchText)}`;
}

/** The ids matching a search: exactly, and with `fuzzy` also similar names. */
function searchIds(db: CustomersDb, tenantId: string, q: string, fuzzy: boolean) {
  const exact = exactIds(db, tenantId, q);
  const similar = fuzzy ? similarName(q, 'search_text') : undefined;
  if (!similar) return exact;
  const similarIds = db
    .selectFrom('customers')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(similar);
  return exact.unionAll(db.selectFrom(similarIds.as('s')).select('s.id'));
}

/** The live customers (not merged away, not erased) among some ids, as a subquery. */
function liveIds(db: CustomersDb, tenantId: string, ids: Ids) {
  return db
    .selectFrom('customers as c')
    .select('c.id')
    .where('c.tenant_id', '=', tenantId)
    .where('c.merged_into', 'is', null)
    .where('c.erased_at', 'is', null)
    .where('c.id', 'in', ids);
}

/**
 * The ids of the live customers (not merged away, not erased) a search matches, as a subquery
 * another query filters by (`customer_id in (…)`): however many match, the database joins them.
 */
export function searchedCustomerIdsQuery(
  db: CustomersDb,
  tenantId: string,
  q: string,
  fuzzy: boolean,
) {
  return liveIds(db, tenantId, searchIds(db, tenantId, q, fuzzy));
}

/**
 * One page of a search that takes similar names too: every exact match before the first
 * similar one, each tier in the list's own order: `shaoyu` lists 邵玉 before 邵超雨, a name
 * the typo tolerance finds that comes earlier in pinyin order. A keyset goes on in the tier of
 * the row it follows (is that row an exact match?), so paging returns each row once.
 */
async function exactMatchesFirst<Row>(
  after: Keyset | undefined,
  limit: number,
  isExact: (id: string) => Promise<boolean>,
  page: (tier: 'exact' | 'similar', after: Keyset | undefined, limit: number) => Promise<Row[]>,
): Promise<Row[]> {
  const amongSimilar = after !== undefined && !(await isExact(after.id));
  const exact = amongSimilar ? [] : await page('exact', after, limit);
  if (exact.length >= limit) return exact;
  const similar = await page('similar', amongSimilar ? after : undefined, limit - exact.length);
  return [...exact, ...similar];
}

/** Which customers a page lists: those among `ids` or meeting `where`, none among `except`. */
type Matching = ({ ids: Ids } | { where: Expression<SqlBool> }) & { except?: Ids | undefined };

/**
 * One page of live customers (not merged away, not erased), by keyset. A search with `fuzzy`
 * lists the exact matches first, then the similar names.
 */
export function listCustomerRows(
  db: CustomersDb,
  tenantId: string,
  filter: CustomerFilter,
  sort: CustomerSort,
  after: Keyset | undefined,
  limit: number,
): Promise<CustomerRow[]> {
  if (!filter.q) return customerPage(db, tenantId, filter, undefined, sort, after, limit);
  const q = filter.q;
  const exact = () => exactIds(db, tenantId, q);
  // Similar names straight on the listed rows: the trigram index finds them, no join.
  const similar = filter.fuzzy ? similarName(q, 'c.search_text') : undefined;
  if (!similar) return customerPage(db, tenantId, filter, { ids: exact() }, sort, after, limit);
  return exactMatchesFirst(
    after,
    limit,
    async (id) =>
      (await db
        .selectFrom('customers')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('id', 'in', exact())
        .executeTakeFirst()) !== undefined,
    (tier, from, size) =>
      customerPage(
        db,
        tenantId,
        filter,
        tier === 'exact' ? { ids: exact() } : { where: similar, except: exact() },
        sort,
        from,
        size,
      ),
  );
}

function customerPage(
  db: CustomersDb,
  tenantId: string,
  filter: CustomerFilter,
  matching: Matching | undefined,
  sort: CustomerSort,
  after: Keyset | undefined,
  limit: number,
): Promise<CustomerRow[]> {
  let query = db
    .selectFrom('customers as c')
    .selectAll('c')
    .where('c.tenant_id', '=', tenantId)
    .where('c.merged_into', 'is', null)
    .where('c.erased_at', 'is', null);
  if (filter.kind) query = query.where('c.kind', '=', filter.kind);
  if (filter.tag) {
    const tag = filter.tag;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('customer_tags as t')
          .select(sql`1`.as('one'))
          .whereRef('t.tenant_id', '=', 'c.tenant_id')
          .whereRef('t.customer_id', '=', 'c.id')
          .where('t.tag', '=', tag),
      ),
    );
  }
  if (filter.attributes && Object.keys(filter.attributes).length > 0) {
    query = query.where(sql<SqlBool>`c.attributes @> ${JSON.stringify(filter.attributes)}::jsonb`);
  }
  if (filter.createdFrom) query = query.where('c.created_at', '>=', filter.createdFrom);
  if (filter.createdTo) query = query.where('c.created_at', '<', filter.createdTo);
  if (matching) {
    query =
      'ids' in matching ? query.where('c.id', 'in', matching.ids) : query.where(matching.where);
    if (matching.except) query = query.where('c.id', 'not in', matching.except);
  }
  const descending = sort.startsWith('-');
  const column = sort.endsWith('name') ? 'c.sort_key' : 'c.created_at';
  if (after) {
    const key = column === 'c.sort_key' ? after.key : new Date(after.key);
    query = query.where((eb) =>
      eb(eb.refTuple(column, 'c.id'), descending ? '<' : '>', eb.tuple(key, after.id)),
    );
  }
  return query
    .orderBy(column, descending ? 'desc' : 'asc')
    .orderBy('c.id', descending ? 'desc' : 'asc')
    .limit(limit)
    .execute();
}

/**
 * One page of an organisation's people (or a person's organisations), in the other side's name
 * order, by keyset on (its sort key, its id). A search finds the other side as the customer
 * search does, or the link by a role or job title containing the text.
 */
export function listMemberRows(
  db: CustomersDb,
  tenantId: string,
  by: { organizationId: string } | { personId: string },
  search: { q: string; fuzzy: boolean } | undefined,
  after: Keyset | undefined,
  limit: number,
): Promise<MemberRow[]> {
  const ofOrganization = 'organizationId' in by;
  const [sortKey, otherId] = ofOrganization
    ? (['p.sort_key', 'm.person_id'] as const)
    : (['o.sort_key', 'm.organization_id'] as const);
  const members = () =>
    ofOrganization
      ? membersQuery(db, tenantId).where('m.organization_id', '=', by.organizationId)
      : membersQuery(db, tenantId).where('m.person_id', '=', by.personId);
  const page = (
    condition: Expression<SqlBool> | undefined,
    from: Keyset | undefined,
    size: number,
  ) => {
    let query = members();
    if (condition) query = query.where(condition);
    if (from) {
      query = query.where((eb) =>
        eb(eb.refTuple(sortKey, otherId), '>', eb.tuple(from.key, from.id)),
      );
    }
    return query.orderBy(sortKey).orderBy(otherId).limit(size).execute();
  };
  if (!search) return page(undefined, after, limit);
  const contains = `%${escapeLike(normalizedQuery(search.q))}%`;
  // Without a role or title a link is not found by them (coalesce: `not` of it stays false).
  const exact = sql<SqlBool>`(${sql.ref(otherId)} in (${liveIds(db, tenantId, exactIds(db, tenantId, search.q))})
    or coalesce(lower(m.role), '') like ${contains}
    or coalesce(lower(m.title), '') like ${contains})`;
  const other = ofOrganization ? 'p' : 'o';
  const similar = search.fuzzy ? similarName(search.q, `${other}.search_text`) : undefined;
  if (!similar) return page(exact, after, limit);
  const similarOnly = sql<SqlBool>`${similar} and ${sql.ref(`${other}.merged_into`)} is null
    and ${sql.ref(`${other}.erased_at`)} is null and not ${exact}`;
  return exactMatchesFirst(
    after,
    limit,
    async (id) =>
      (await members().where(otherId, '=', id).where(exact).executeTakeFirst()) !== undefined,
    (tier, from, size) => page(tier === 'exact' ? exact : similarOnly, from, size),
  );
}
