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

/**
 * The ids matching a search, as one UNION of index-backed lookups: trigram on the name's
 * search text (name, pinyin, initials), prefix on normalised phones, emails and external ids.
 */
function searchIds(db: CustomersDb, tenantId: string, raw: string, fuzzy: boolean) {
  const q = raw.normalize('NFKC').trim().toLowerCase();
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
    // Fuzzy: a typo still finds the name (word similarity over trigrams).
    // Only for words: an id or a number is meant exactly (M001 is not M002).
    if (fuzzy && compact.length >= 4 && /^\p{L}+$/u.test(compact)) {
      branches.push(nameBranch(sql<SqlBool>`${q} <% search_text`));
    }
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
  return union;
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
  return db
    .selectFrom('customers as c')
    .select('c.id')
    .where('c.tenant_id', '=', tenantId)
    .where('c.merged_into', 'is', null)
    .where('c.erased_at', 'is', null)
    .where('c.id', 'in', db.selectFrom(searchIds(db, tenantId, q, fuzzy).as('s')).select('s.id'));
}

/** One page of live customers (not merged away, not erased), by keyset. */
export function listCustomerRows(
  db: CustomersDb,
  tenantId: string,
  filter: CustomerFilter,
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
  if (filter.q) {
    const ids = searchIds(db, tenantId, filter.q, filter.fuzzy === true);
    query = query.where('c.id', 'in', db.selectFrom(ids.as('s')).select('s.id'));
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
  let query = ofOrganization
    ? membersQuery(db, tenantId).where('m.organization_id', '=', by.organizationId)
    : membersQuery(db, tenantId).where('m.person_id', '=', by.personId);
  if (search) {
    const contains = `%${escapeLike(search.q.normalize('NFKC').toLowerCase())}%`;
    const found = searchedCustomerIdsQuery(db, tenantId, search.q, search.fuzzy);
    query = query.where((eb) =>
      eb.or([
        eb(otherId, 'in', found),
        eb(sql<string>`lower(m.role)`, 'like', contains),
        eb(sql<string>`lower(m.title)`, 'like', contains),
      ]),
    );
  }
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple(sortKey, otherId), '>', eb.tuple(after.key, after.id)),
    );
  }
  return query.orderBy(sortKey).orderBy(otherId).limit(limit).execute();
}
