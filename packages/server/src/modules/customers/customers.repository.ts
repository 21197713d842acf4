import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { anyOf } from '../../db/sql-lists.ts';
import type {
  CustomerAttributeDefinitionsTable,
  CustomerContactsTable,
  CustomersTable,
  CustomersTables,
} from './customers.table.ts';

export type CustomersDb = Kysely<CustomersTables>;
export type CustomerRow = Selectable<CustomersTable>;
export type ContactRow = Selectable<CustomerContactsTable>;
export type AttributeDefinitionRow = Selectable<CustomerAttributeDefinitionsTable>;

export function findCustomerRow(
  db: CustomersDb,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<CustomerRow | undefined> {
  let query = db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function findCustomerRows(
  db: CustomersDb,
  tenantId: string,
  ids: readonly string[],
): Promise<CustomerRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
}

/** Name and external id of each customer, in one statement whatever the number of ids. */
export function findCustomerNames(
  db: CustomersDb,
  tenantId: string,
  ids: readonly string[],
): Promise<Pick<CustomerRow, 'id' | 'name' | 'external_id' | 'preferred_channel'>[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('customers')
    .select(['id', 'name', 'external_id', 'preferred_channel'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', anyOf([...new Set(ids)], 'uuid'))
    .execute();
}

export function findByExternalId(db: CustomersDb, tenantId: string, externalId: string) {
  return db
    .selectFrom('customers')
    .select(['id', 'merged_into'])
    .where('tenant_id', '=', tenantId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function insertCustomer(
  db: CustomersDb,
  row: Insertable<CustomersTable>,
): Promise<boolean> {
  const result = await db
    .insertInto('customers')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'external_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function updateCustomer(
  db: CustomersDb,
  tenantId: string,
  id: string,
  changes: Omit<Updateable<CustomersTable>, 'tenant_id' | 'id' | 'version' | 'updated_at'>,
): Promise<void> {
  await db
    .updateTable('customers')
    .set({ ...changes, updated_at: new Date(), version: sql<number>`version + 1` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

export function findContacts(db: CustomersDb, tenantId: string, customerIds: readonly string[]) {
  if (customerIds.length === 0) return Promise.resolve([] as ContactRow[]);
  return db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', 'in', [...customerIds])
    .orderBy('customer_id')
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .orderBy('value')
    .execute();
}

export async function replaceContacts(
  db: CustomersDb,
  tenantId: string,
  customerId: string,
  kind: 'email' | 'phone',
  contacts: readonly { value: string; label: string | null; primary: boolean }[],
): Promise<void> {
  await db
    .deleteFrom('customer_contacts')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('kind', '=', kind)
    .execute();
  if (contacts.length === 0) return;
  const now = Date.now();
  await db
    .insertInto('customer_contacts')
    .values(
      contacts.map((contact, index) => ({
        tenant_id: tenantId,
        customer_id: customerId,
        kind,
        value: contact.value,
        label: contact.label,
        is_primary: contact.primary,
        // Keeps the given order when read back.
        created_at: new Date(now + index),
      })),
    )
    .execute();
}

export function findTags(db: CustomersDb, tenantId: string, customerIds: readonly string[]) {
  if (customerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('customer_tags')
    .select(['customer_id', 'tag'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', 'in', [...customerIds])
    .orderBy('tag')
    .execute();
}

export async function addTags(
  db: CustomersDb,
  tenantId: string,
  customerId: string,
  tags: readonly string[],
): Promise<void> {
  if (tags.length === 0) return;
  await db
    .insertInto('customer_tags')
    .values(tags.map((tag) => ({ tenant_id: tenantId, customer_id: customerId, tag })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeTags(
  db: CustomersDb,
  tenantId: string,
  customerId: string,
  tags: readonly string[] | 'all',
): Promise<void> {
  let query = db
    .deleteFrom('customer_tags')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId);
  if (tags !== 'all') {
    if (tags.length === 0) return;
    query = query.where('tag', 'in', [...tags]);
  }
  await query.execute();
}

export function findConsents(db: CustomersDb, tenantId: string, customerIds: readonly string[]) {
  if (customerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('customer_consents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', 'in', [...customerIds])
    .orderBy('channel')
    .execute();
}

export async function upsertConsent(
  db: CustomersDb,
  row: {
    tenant_id: string;
    customer_id: string;
    channel: string;
    status: 'granted' | 'withdrawn';
    at: Date;
    source: string;
    eventId: string;
  },
): Promise<void> {
  const { eventId, ...consent } = row;
  await db
    .insertInto('customer_consent_events')
    .values({ ...consent, id: eventId })
    .execute();
  // A decision older than the one on record goes to the history only.
  await db
    .insertInto('customer_consents')
    .values(consent)
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'customer_id', 'channel'])
        .doUpdateSet({
          status: (eb) => eb.ref('excluded.status'),
          at: (eb) => eb.ref('excluded.at'),
          source: (eb) => eb.ref('excluded.source'),
        })
        .where('customer_consents.at', '<=', (eb) => eb.ref('excluded.at')),
    )
    .execute();
}

export function findMergedIds(db: CustomersDb, tenantId: string, survivorIds: readonly string[]) {
  if (survivorIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('customers')
    .select(['id', 'merged_into'])
    .where('tenant_id', '=', tenantId)
    .where('merged_into', 'in', [...survivorIds])
    .orderBy('id')
    .execute() as Promise<{ id: string; merged_into: string }[]>;
}

/**
 * The tenant's attribute definitions, or those of `keys`. `keyShare` locks them until the
 * transaction ends, so that a definition a write relies on is not deleted, and does not lose an
 * option, before the write commits (those changes lock it `forUpdate`).
 */
export function listAttributeDefinitions(
  db: CustomersDb,
  tenantId: string,
  options: { keys?: readonly string[]; keyShare?: boolean } = {},
) {
  if (options.keys?.length === 0) return Promise.resolve([] as AttributeDefinitionRow[]);
  let query = db
    .selectFrom('customer_attribute_definitions')
    .selectAll()
    .where('tenant_id', '=', tenantId);
  if (options.keys) query = query.where('key', 'in', [...options.keys]);
  if (options.keyShare) query = query.forKeyShare();
  return query.orderBy('key').execute();
}

export function findAttributeDefinition(
  db: CustomersDb,
  tenantId: string,
  key: string,
  options: { forUpdate?: boolean } = {},
): Promise<AttributeDefinitionRow | undefined> {
  let query = db
    .selectFrom('customer_attribute_definitions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updateAttributeDefinition(
  db: CustomersDb,
  tenantId: string,
  key: string,
  changes: Pick<Updateable<CustomerAttributeDefinitionsTable>, 'label_zh' | 'label_en' | 'options'>,
): Promise<AttributeDefinitionRow> {
  return db
    .updateTable('customer_attribute_definitions')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteAttributeDefinition(
  db: CustomersDb,
  tenantId: string,
  key: string,
): Promise<void> {
  await db
    .deleteFrom('customer_attribute_definitions')
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .execute();
}

/**
 * How many live customers (not merged away) hold a value of the attribute, in all and per value
 * (as text: an enum's values are its options).
 */
export async function countAttributeValues(
  db: CustomersDb,
  tenantId: string,
  key: string,
  options: { perValue: boolean },
): Promise<{ customers: number; perValue: Map<string, number> }> {
  const holders = db
    .selectFrom('customers')
    .where('tenant_id', '=', tenantId)
    .where('merged_into', 'is', null)
    .where(sql<boolean>`attributes ? ${key}::text`);
  if (!options.perValue) {
    const row = await holders
      .select((eb) => eb.fn.countAll<string | number>().as('customers'))
      .executeTakeFirstOrThrow();
    return { customers: Number(row.customers), perValue: new Map() };
  }
  const rows = await holders
    .select([
      sql<string>`attributes ->> ${key}::text`.as('value'),
      (eb) => eb.fn.countAll<string | number>().as('customers'),
    ])
    // By position: the same expression with its own parameter would not count as the same.
    .groupBy(sql`1`)
    .execute();
  const perValue = new Map(rows.map((row) => [row.value, Number(row.customers)]));
  return { customers: [...perValue.values()].reduce((sum, n) => sum + n, 0), perValue };
}

/**
 * Removes the attribute from every customer of the tenant that has it (merged ones too), each
 * such customer moving on a version. Returns how many rows changed.
 */
export async function removeAttributeValues(
  db: CustomersDb,
  tenantId: string,
  key: string,
): Promise<number> {
  const result = await db
    .updateTable('customers')
    .set({
      attributes: sql`attributes - ${key}::text`,
      updated_at: new Date(),
      version: sql<number>`version + 1`,
    })
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`attributes ? ${key}::text`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertAttributeDefinition(
  db: CustomersDb,
  row: Insertable<CustomerAttributeDefinitionsTable>,
): Promise<boolean> {
  const result = await db
    .insertInto('customer_attribute_definitions')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Organisation links with both sides' names; the caller narrows it to one side. */
export function membersQuery(db: CustomersDb, tenantId: string) {
  return db
    .selectFrom('customer_members as m')
    .innerJoin('customers as o', (join) =>
      join.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.organization_id'),
    )
    .innerJoin('customers as p', (join) =>
      join.onRef('p.tenant_id', '=', 'm.tenant_id').onRef('p.id', '=', 'm.person_id'),
    )
    .select([
      'm.organization_id',
      'o.name as organization_name',
      'o.sort_key as organization_sort_key',
      'm.person_id',
      'p.name as person_name',
      'p.sort_key as person_sort_key',
      'm.role',
      'm.title',
      'm.created_at',
    ])
    .where('m.tenant_id', '=', tenantId);
}
export type MemberRow = Awaited<ReturnType<ReturnType<typeof membersQuery>['execute']>>[number];

export function findMember(
  db: CustomersDb,
  tenantId: string,
  organizationId: string,
  personId: string,
): Promise<MemberRow | undefined> {
  return membersQuery(db, tenantId)
    .where('m.organization_id', '=', organizationId)
    .where('m.person_id', '=', personId)
    .executeTakeFirst();
}

export async function upsertMember(
  db: CustomersDb,
  row: {
    tenant_id: string;
    organization_id: string;
    person_id: string;
    role: string | null;
    title: string | null;
  },
): Promise<void> {
  await db
    .insertInto('customer_members')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'organization_id', 'person_id'])
        .doUpdateSet({ role: row.role, title: row.title }),
    )
    .execute();
}

export async function deleteMember(
  db: CustomersDb,
  tenantId: string,
  organizationId: string,
  personId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('customer_members')
    .where('tenant_id', '=', tenantId)
    .where('organization_id', '=', organizationId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function findConsentEvents(
  db: CustomersDb,
  tenantId: string,
  customerIds: readonly string[],
) {
  if (customerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('customer_consent_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', 'in', [...customerIds])
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1000)
    .execute();
}
