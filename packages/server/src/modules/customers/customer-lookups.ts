// What other modules read about many customers at once (set-based, chunked): tags for
// segment rules, reachable channels for notifications, birthdays for gifts, the ids a search
// finds and the names of a page of customers for lists kept elsewhere (loyalty members).
import { sql, type Expression, type Kysely } from 'kysely';
import type { CustomersTables } from './customers.table.ts';
import { findContacts, findCustomerNames } from './customers.repository.ts';
import { searchedCustomerIdsQuery } from './customer-search.repository.ts';

type CustomersDb = Kysely<CustomersTables>;

const CHUNK = 1000;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < rows.length; index += CHUNK)
    out.push(rows.slice(index, index + CHUNK));
  return out;
}

/** Each customer's tags (customers without tags are absent), in a query per 1,000 ids. */
export async function findTagsOf(
  db: CustomersDb,
  tenantId: string,
  customerIds: readonly string[],
): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  for (const part of chunks([...new Set(customerIds)])) {
    const rows = await db
      .selectFrom('customer_tags')
      .select(['customer_id', 'tag'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', 'in', part)
      .orderBy('customer_id')
      .orderBy('tag')
      .execute();
    for (const row of rows) {
      const list = tags.get(row.customer_id);
      if (list) list.push(row.tag);
      else tags.set(row.customer_id, [row.tag]);
    }
  }
  return tags;
}

/** Contacts a channel needs before a message can go out on it (none: the consent is enough). */
const contactFor: Record<string, 'email' | 'phone' | undefined> = {
  email: 'email',
  sms: 'phone',
  phone: 'phone',
};

/**
 * The channel to message each customer on: their preferred channel when they consented to it
 * and can be reached there (an email address for email, a phone number for sms and phone),
 * otherwise the first of `allowed` that satisfies both; null when none does (no consent, an
 * erased or merged-away customer). Only `allowed` channels are ever chosen.
 *
 * @example
 * const channels = await channelsToReach(db, tenantId, [id], ['email', 'sms', 'wechat']);
 * channels.get(id); // 'sms' for a customer who prefers sms, consented and has a phone
 */
export async function channelsToReach(
  db: CustomersDb,
  tenantId: string,
  customerIds: readonly string[],
  allowed: readonly string[],
): Promise<Map<string, string | null>> {
  const chosen = new Map<string, string | null>();
  for (const part of chunks([...new Set(customerIds)])) {
    const customers = await db
      .selectFrom('customers')
      .select(['id', 'preferred_channel'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', part)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .execute();
    const grantedRows = await db
      .selectFrom('customer_consents')
      .select(['customer_id', 'channel'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', 'in', part)
      .where('status', '=', 'granted')
      .execute();
    const contactRows = await db
      .selectFrom('customer_contacts')
      .select(['customer_id', 'kind'])
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', 'in', part)
      .execute();
    const granted = new Set(grantedRows.map((row) => `${row.customer_id}|${row.channel}`));
    const reachedBy = new Set(contactRows.map((row) => `${row.customer_id}|${row.kind}`));
    for (const id of part) chosen.set(id, null);
    for (const customer of customers) {
      const reachable = (channel: string) => {
        const contact = contactFor[channel];
        return (
          allowed.includes(channel) &&
          granted.has(`${customer.id}|${channel}`) &&
          (contact === undefined || reachedBy.has(`${customer.id}|${contact}`))
        );
      };
      const preferred = customer.preferred_channel;
      chosen.set(
        customer.id,
        preferred && reachable(preferred) ? preferred : (allowed.find(reachable) ?? null),
      );
    }
  }
  return chosen;
}

/**
 * Live customers (not merged away, not erased) born on any of these days (`MM-DD`), in id
 * order: one pass over the tenant's customers.
 */
export async function findCustomersBornOn(
  db: CustomersDb,
  tenantId: string,
  monthDays: readonly string[],
): Promise<string[]> {
  if (monthDays.length === 0) return [];
  const rows = await db
    .selectFrom('customers')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('birthday', 'is not', null)
    .where(sql<string>`to_char(birthday::date, 'MM-DD')`, 'in', [...monthDays])
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * The live customers (not merged away, not erased) a search finds, as the customer list
 * searches (name, pinyin, initials, phone, email, external id): a subquery of their ids for
 * another module's query to filter by, or null when it finds none. Similar names (typos) are
 * tried only when nothing matches exactly. However many match, none is left out: the database
 * joins them, no list of ids crosses the module boundary.
 *
 * @example
 * const ids = await customerSearch(db, tenantId, 'zhang'); // select id … (张伟, 张敏 …)
 * if (ids) query = query.where('customer_id', 'in', ids);
 */
export async function customerSearch(
  db: CustomersDb,
  tenantId: string,
  q: string,
): Promise<Expression<{ id: string }> | null> {
  for (const fuzzy of [false, true]) {
    const ids = searchedCustomerIdsQuery(db, tenantId, q, fuzzy);
    const any = await ids.limit(1).executeTakeFirst();
    if (any) return ids;
  }
  return null;
}

/**
 * Each customer's name and external id, in one query; erased customers keep their anonymised
 * name (empty) and have no external id. Ids of no customer of the tenant are absent.
 */
export async function describeCustomers(
  db: CustomersDb,
  tenantId: string,
  customerIds: readonly string[],
): Promise<Map<string, { name: string; externalId: string | null }>> {
  const rows = await findCustomerNames(db, tenantId, customerIds);
  return new Map(rows.map((row) => [row.id, { name: row.name, externalId: row.external_id }]));
}

/** How to reach a customer: their name, primary phone and email, and the channel they prefer. */
export interface CustomerReach {
  /** Empty once erased (an erased customer has no contacts left either). */
  readonly name: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly preferredChannel: string | null;
}

/**
 * Each customer's name, primary phone and email (the first one when none is marked primary) and
 * preferred channel, in two queries. Ids of no customer of the tenant are absent.
 */
export async function describeCustomerReach(
  db: CustomersDb,
  tenantId: string,
  customerIds: readonly string[],
): Promise<Map<string, CustomerReach>> {
  const rows = await findCustomerNames(db, tenantId, customerIds);
  const contacts = await findContacts(db, tenantId, customerIds);
  const first = new Map<string, string>();
  // Sorted primary first, then oldest: the first of each kind is the one to use.
  for (const c of contacts) {
    const key = `${c.customer_id}:${c.kind}`;
    if (!first.has(key)) first.set(key, c.value);
  }
  return new Map(
    rows.map((row) => [
      row.id,
      {
        name: row.name,
        phone: first.get(`${row.id}:phone`) ?? null,
        email: first.get(`${row.id}:email`) ?? null,
        preferredChannel: row.preferred_channel,
      },
    ]),
  );
}

/**
 * Whether two customers share an email or a mobile phone (a phone compared without its +86 or
 * 0086): the same person under two records, for loyalty's refusal of self-referral.
 */
export async function customersShareContact(
  db: CustomersDb,
  tenantId: string,
  a: string,
  b: string,
): Promise<boolean> {
  const key = (alias: string) =>
    sql.raw(
      `case when ${alias}.kind = 'phone' then regexp_replace(${alias}.value, '^(\\+86|0086)', '') else ${alias}.value end`,
    );
  const found = await sql<{ one: number }>`
    select 1 as one
    from customer_contacts x join customer_contacts y
      on y.tenant_id = x.tenant_id and y.kind = x.kind and ${key('y')} = ${key('x')}
    where x.tenant_id = ${tenantId} and x.customer_id = ${a} and y.customer_id = ${b}
    limit 1
  `.execute(db);
  return found.rows.length > 0;
}
