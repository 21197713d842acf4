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

type NameColumn = 'search_text' | 'initials' | 'sort_key';

/**
 * The conditions on a customer's name a search meets exactly, any one of them: trigram on the
 * name's search text (name, pinyin, initials), or for one or two letters a btree prefix.
 */
function nameConditions(q: string, column: (name: NameColumn) => Expression<string>) {
  const like = (name: NameColumn, pattern: string) => sql<SqlBool>`${column(name)} like ${pattern}`;
  const contains = (text: string) => like('search_text', `%${escapeLike(text)}%`);
  if (containsHan(q)) {
    // Trigrams of Han characters are not indexable without ICU: find by the pinyin (any
    // reading of each character, as the stored one is read in context), then keep the names
    // that contain the characters typed (each word of the query).
    const pinyin = queryPinyinGroups(q).map(
      (spellings) => sql<SqlBool>`(${sql.join(spellings.map(contains), sql` or `)})`,
    );
    const characters = q.split(/\s+/).map(contains);
    return [sql<SqlBool>`${sql.join([...pinyin, ...characters], sql` and `)}`];
  }
  if (q.replace(/\s+/g, '').length <= 2) {
    // Too short for trigrams: initials (`zs`) or the start of the name, by btree.
    const prefix = `${escapeLike(q)}%`;
    return [like('initials', prefix), like('sort_key', prefix)];
  }
  const compact = q.replace(/\s+/g, '');
  return compact === q ? [contains(q)] : [contains(q), contains(compact)];
}

/** The contact values a search meets by prefix: an email (or its start), a phone's digits. */
function contactPrefixes(q: string) {
  const prefixes: { kind: 'email' | 'phone'; pattern: string }[] = [];
  if (q.includes('@') || /^[a-z0-9._%+-]{3,}$/.test(q))
    prefixes.push({ kind: 'email', pattern: `${escapeLike(q)}%` });
  const digits = q.replace(/[\s\-().]/g, '');
  if (/^\+?\d{3,}$/.test(digits)) {
    for (const prefix of phoneSearchPrefixes(digits))
      prefixes.push({ kind: 'phone', pattern: `${escapeLike(prefix)}%` });
  }
  return prefixes;
}

function externalIdPattern(raw: string): string {
  return `${escapeLike(raw.trim())}%`;
}

/**
 * The ids matching a search exactly, as one UNION of index-backed lookups over the tenant: the
 * name conditions, prefix on normalised phones, emails and external ids.
 */
function exactIds(db: CustomersDb, tenantId: string, raw: string) {
  const q = normalizedQuery(raw);
  const ofTenant = () => db.selectFrom('customers').where('tenant_id', '=', tenantId);
  const contacts = (kind: 'email' | 'phone', pattern: string) =>
    db
      .selectFrom('customer_contacts')
      .select('customer_id as id')
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where(sql<SqlBool>`value like ${pattern}`);
  let union = nameConditions(q, (name) => sql.ref(name))
    .map((condition) => ofTenant().select('id').where(condition))
    .reduce((all, branch) => all.unionAll(branch));
  for (const { kind, pattern } of contactPrefixes(q))
    union = union.unionAll(contacts(kind, pattern));
  // A merged-away customer's external id finds the survivor: events sent with it still land
  // there, so staff looking it up should too.
  union = union.unionAll(
    ofTenant()
      .select(sql<string>`coalesce(merged_into, id)`.as('id'))
      .where(sql<SqlBool>`external_id like ${externalIdPattern(raw)}`),
  );
  return db.selectFrom(union.as('s')).select('s.id');
}

/**
 * Whether the customer `id` is live and matches a search exactly — what `liveIds(exactIds(…))`
 * holds, tested on that one customer, read by its primary key (never null). For the few
 * customers a query already has in hand, an organisation's people, instead of looking the
 * whole tenant up. A scalar subquery, not `exists`: the planner would hash an `exists` (every
 * customer of the tenant the search meets) rather than run it for the rows in hand.
 */
function matchesExactly(
  db: CustomersDb,
  tenantId: string,
  id: Expression<string>,
  raw: string,
): Expression<SqlBool> {
  const q = normalizedQuery(raw);
  const column = (name: string) => sql.ref<string>(`searched.${name}`);
  const external = externalIdPattern(raw);
  const contacts = contactPrefixes(q).map(
    ({ kind, pattern }) => sql<SqlBool>`(k.kind = ${kind} and k.value like ${pattern})`,
  );
  const any = [
    ...nameConditions(q, column),
    sql<SqlBool>`coalesce(searched.external_id like ${external}, false)`,
    // A merged-away customer's external id finds the survivor, as in exactIds.
    sql<SqlBool>`exists (${db
      .selectFrom('customers as merged')
      .select(sql`1`.as('one'))
      .where('merged.tenant_id', '=', tenantId)
      .where(sql<SqlBool>`merged.merged_into = searched.id`)
      .where(sql<SqlBool>`merged.external_id like ${external}`)})`,
  ];
  if (contacts.length > 0) {
    any.push(
      sql<SqlBool>`exists (${db
        .selectFrom('customer_contacts as k')
        .select(sql`1`.as('one'))
        .where('k.tenant_id', '=', tenantId)
        .where(sql<SqlBool>`k.customer_id = searched.id`)
        .where(sql<SqlBool>`(${sql.join(contacts, sql` or `)})`)})`,
    );
  }
  const matches = db
    .selectFrom('customers as searched')
    .select(
      sql<SqlBool>`searched.merged_into is null and searched.erased_at is null
        and (${sql.join(any, sql` or `)})`.as('matches'),
    )
    .where('searched.tenant_id', '=', tenantId)
    .where(sql<SqlBool>`searched.id = ${id}`);
  return sql<SqlBool>`coalesce((${matches}), false)`;
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
 * `exactRows`: the exact tier's page for the same keyset and limit when the caller read it
 * already (a first page without similar names that came out short), not read again.
 */
async function exactMatchesFirst<Row>(
  after: Keyset | undefined,
  limit: number,
  isExact: (id: string) => Promise<boolean>,
  page: (tier: 'exact' | 'similar', after: Keyset | undefined, limit: number) => Promise<Row[]>,
  exactRows: Row[] | undefined,
): Promise<Row[]> {
  const amongSimilar = after !== undefined && !(await isExact(after.id));
  const exact = amongSimilar ? [] : (exactRows ?? (await page('exact', after, limit)));
  if (exact.length >= limit) return exact;
  const similar = await page('similar', amongSimilar ? after : undefined, limit - exact.length);
  return [...exact, ...similar];
}

/** Which customers a page lists: those among `ids` or meeting `where`, none among `except`. */
type Matching = ({ ids: Ids } | { where: Expression<SqlBool> }) & { except?: Ids | undefined };

/**
 * One page of live customers (not merged away, not erased), by keyset. A search with `fuzzy`
 * lists the exact matches first, then the similar names; `exactRows`, this page read without
 * `fuzzy` already, saves reading the exact matches again.
 */
export function listCustomerRows(
  db: CustomersDb,
  tenantId: string,
  filter: CustomerFilter,
  sort: CustomerSort,
  after: Keyset | undefined,
  limit: number,
  exactRows?: CustomerRow[],
): Promise<CustomerRow[]> {
  if (!filter.q) return customerPage(db, tenantId, filter, undefined, sort, after, limit);
  const q = filter.q;
  const exact = () => exactIds(db, tenantId, q);
  // Similar names straight on the listed rows: the trigram index finds them, no join.
  const similar = filter.fuzzy ? similarName(q, 'c.search_text') : undefined;
  if (!similar) {
    return exactRows
      ? Promise.resolve(exactRows)
      : customerPage(db, tenantId, filter, { ids: exact() }, sort, after, limit);
  }
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
    exactRows,
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
 * search does, or the link by a role or job title containing the text; `exactRows` as for
 * listCustomerRows.
 */
export function listMemberRows(
  db: CustomersDb,
  tenantId: string,
  by: { organizationId: string } | { personId: string },
  search: { q: string; fuzzy: boolean } | undefined,
  after: Keyset | undefined,
  limit: number,
  exactRows?: MemberRow[],
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
  // Tested on each of this organisation's people (or this person's organisations): a search
  // costs what the organisation's size does, not the tenant's.
  const exact = sql<SqlBool>`(${matchesExactly(db, tenantId, sql.ref(otherId), search.q)}
    or coalesce(lower(m.role), '') like ${contains}
    or coalesce(lower(m.title), '') like ${contains})`;
  const other = ofOrganization ? 'p' : 'o';
  const similar = search.fuzzy ? similarName(search.q, `${other}.search_text`) : undefined;
  if (!similar) return exactRows ? Promise.resolve(exactRows) : page(exact, after, limit);
  const similarOnly = sql<SqlBool>`${similar} and ${sql.ref(`${other}.merged_into`)} is null
    and ${sql.ref(`${other}.erased_at`)} is null and not ${exact}`;
  return exactMatchesFirst(
    after,
    limit,
    async (id) =>
      (await members().where(otherId, '=', id).where(exact).executeTakeFirst()) !== undefined,
    (tier, from, size) => page(tier === 'exact' ? exact : similarOnly, from, size),
    exactRows,
  );
}
