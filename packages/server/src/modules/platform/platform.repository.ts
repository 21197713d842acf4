import { sql, type Kysely, type SqlBool } from 'kysely';
import type { PlatformTables } from './platform.table.ts';
import { anyOf } from '../../db/sql-lists.ts';
import { instantOfMicros, microsOf } from '../../db/sql-micros.ts';
import { nameKeys } from '../../text/name-keys.ts';

export type PlatformDb = Kysely<PlatformTables>;

export async function insertTenant(
  db: PlatformDb,
  tenant: {
    tenant_id: string;
    name: string;
    currency: string;
    time_zone: string;
    is_demo: boolean;
  },
): Promise<void> {
  await db.insertInto('tenants').values(tenant).execute();
}

export function findTenant(db: PlatformDb, tenantId: string) {
  return db.selectFrom('tenants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export function findDemoTenant(db: PlatformDb) {
  return db.selectFrom('tenants').selectAll().where('is_demo', '=', true).executeTakeFirst();
}

export async function insertUser(
  db: PlatformDb,
  user: {
    tenant_id: string;
    id: string;
    email: string;
    name: string;
    role: string;
    locale: string;
    password_hash: string;
  },
): Promise<void> {
  await db
    .insertInto('users')
    .values({ ...user, ...userNameColumns(user.name), disabled_at: null })
    .execute();
}

/** A user's name keys: written with every name, so the list's order and search follow it. */
function userNameColumns(name: string) {
  const keys = nameKeys(name, 'person');
  return { name_sort_key: keys.sortKey, name_search_text: keys.searchText };
}

export function findUsersByEmail(db: PlatformDb, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('disabled_at', 'is', null)
    .execute();
}

/** A user; with `forUpdate`, locked until the transaction ends. */
export function findUser(
  db: PlatformDb,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
) {
  const query = db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/**
 * Locks the tenant's enabled owners, in id order (so two callers never wait on each other
 * crosswise), until the transaction ends: whoever would change who is an enabled owner takes
 * this lock first, so the last-owner check cannot race.
 */
export async function lockEnabledOwners(db: PlatformDb, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'owner')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

export async function updateUser(
  db: PlatformDb,
  tenantId: string,
  id: string,
  changes: { name?: string; role?: string; disabled_at?: Date | null },
) {
  return db
    .updateTable('users')
    .set({ ...changes, ...(changes.name === undefined ? {} : userNameColumns(changes.name)) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteUserSessions(
  db: PlatformDb,
  tenantId: string,
  userId: string,
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .execute();
}

/** `%text%` for `like`, the text's own `%`, `_` and `\` taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** What a list of users or of keys keeps; every filter given must match. */
interface ListFilter {
  /** Inside any of `searched`, case-insensitively. */
  q?: string | undefined;
  role?: string | undefined;
  /** Whether `stamp` (disabled_at, revoked_at) is set. */
  stamped?: boolean | undefined;
}

/**
 * The filter as one condition. Both sides of the search go through the database's `lower`, so
 * what it folds (ASCII only under PGlite's C locale) is folded alike. `searchText`: a column of
 * `nameKeys`' search text (lower-cased already), which `q` also finds by its pinyin and
 * initials, with or without spaces (`zhang wei`, `zhangwei`, `zw`).
 */
function listCondition(
  filter: ListFilter,
  searched: readonly string[],
  stamp: string,
  searchText?: string,
) {
  const conditions = [sql<SqlBool>`true`];
  if (filter.q) {
    const pattern = containing(filter.q);
    const columns = searched.map((column) => sql`lower(${sql.ref(column)}) like lower(${pattern})`);
    if (searchText) {
      const lower = filter.q.normalize('NFKC').trim().toLowerCase();
      for (const text of new Set([lower, lower.replace(/\s+/g, '')]))
        if (text) columns.push(sql`${sql.ref(searchText)} like ${containing(text)}`);
    }
    conditions.push(sql<SqlBool>`(${sql.join(columns, sql` or `)})`);
  }
  if (filter.role) conditions.push(sql<SqlBool>`role = ${filter.role}`);
  if (filter.stamped !== undefined)
    conditions.push(
      sql<SqlBool>`${sql.ref(stamp)} is ${filter.stamped ? sql`not null` : sql`null`}`,
    );
  return sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

export interface UserFilter extends ListFilter {
  /** `stamped`: disabled. The last user of the previous page: its `name_sort_key` and id. */
  after?: { nameKey: string; id: string } | undefined;
  limit: number;
}

/**
 * A page of users by `name_sort_key` (pinyin for Chinese names, as customers sort; `C`-collated,
 * so PGlite and PostgreSQL order alike, by the index users_by_name_sort_key), then id.
 */
export function listUsers(db: PlatformDb, tenantId: string, filter: UserFilter) {
  let query = db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(listCondition(filter, ['name', 'email'], 'disabled_at', 'name_search_text'));
  if (filter.after) {
    const { nameKey, id } = filter.after;
    query = query.where(
      (eb) => eb.refTuple('name_sort_key', 'id'),
      '>',
      (eb) => eb.tuple(nameKey, id),
    );
  }
  return query.orderBy('name_sort_key').orderBy('id').limit(filter.limit).execute();
}

export async function insertApiKey(
  db: PlatformDb,
  key: {
    tenant_id: string;
    id: string;
    name: string;
    role: string;
    prefix: string;
    key_hash: string;
    partner_id: string | null;
  },
): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({ ...key, last_used_at: null, revoked_at: null })
    .execute();
}

export function findApiKey(db: PlatformDb, tenantId: string, id: string) {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface ApiKeyFilter extends ListFilter {
  /** `stamped`: revoked. The last key of the previous page: `createdMicros` as `microsOf` gave it out. */
  before?: { createdMicros: string; id: string } | undefined;
  limit: number;
}

export function listApiKeys(db: PlatformDb, tenantId: string, filter: ApiKeyFilter) {
  let query = db
    .selectFrom('api_keys')
    .selectAll()
    .select(microsOf('created_at').as('created_micros'))
    .where('tenant_id', '=', tenantId)
    .where(listCondition(filter, ['name', 'prefix'], 'revoked_at'));
  if (filter.before) {
    const { createdMicros, id } = filter.before;
    query = query.where(
      (eb) => eb.refTuple('created_at', 'id'),
      '<',
      (eb) => eb.tuple(instantOfMicros(createdMicros), id),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function touchApiKey(
  db: PlatformDb,
  tenantId: string,
  id: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

export async function revokeApiKey(db: PlatformDb, tenantId: string, id: string, at: Date) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** The ids and names of a tenant's keys not revoked, partners' keys left out. */
export function activeStaffApiKeys(db: PlatformDb, tenantId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('revoked_at', 'is', null)
    .where('partner_id', 'is', null)
    .execute();
}

export async function insertSession(
  db: PlatformDb,
  session: { tenant_id: string; id: string; user_id: string; csrf_token: string; expires_at: Date },
): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

export function findSessionWithUser(db: PlatformDb, tenantId: string, id: string, now: Date) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', (join) =>
      join
        .onRef('users.tenant_id', '=', 'sessions.tenant_id')
        .onRef('users.id', '=', 'sessions.user_id'),
    )
    .select(['sessions.csrf_token', 'users.id as user_id', 'users.role', 'users.disabled_at'])
    .where('sessions.tenant_id', '=', tenantId)
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(db: PlatformDb, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export interface AuditInsert {
  tenant_id: string;
  id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
  request_id: string | null;
}

export async function insertAudit(
  db: PlatformDb,
  entries: AuditInsert | readonly AuditInsert[],
): Promise<void> {
  const rows: readonly AuditInsert[] = Array.isArray(entries) ? entries : [entries as AuditInsert];
  // 2,000 rows of ten values a statement: within PostgreSQL's 65,535 parameters (an import
  // audits each of the tens of thousands of customers it creates).
  for (let start = 0; start < rows.length; start += 2_000)
    await db
      .insertInto('audit_log')
      .values(rows.slice(start, start + 2_000))
      .execute();
}

/**
 * Erasure's share of the audit log: the entries of these entities keep who did what and when,
 * and which fields changed, but not the values (`{"erased": true, "fields": [...]}`), except
 * the entries of `keep` (the erasure's own). Uses the log's entity index.
 */
export async function redactAuditValues(
  db: PlatformDb,
  tenantId: string,
  entityType: string,
  entityIds: readonly string[],
  keep: string,
): Promise<number> {
  const fieldsOf = (column: 'before' | 'after') => sql`
    case when jsonb_typeof(${sql.ref(column)}) = 'object' then jsonb_build_object(
      'erased', true,
      'fields', (select coalesce(jsonb_agg(k order by k), '[]'::jsonb)
                 from jsonb_object_keys(${sql.ref(column)}) k))
    else ${sql.ref(column)} end`;
  const result = await sql`
    update audit_log set before = ${fieldsOf('before')}, after = ${fieldsOf('after')}
    where tenant_id = ${tenantId} and entity_type = ${entityType}
      and entity_id = ${anyOf([...entityIds], 'text')} and action <> ${keep}
      and not coalesce((after->>'erased')::boolean, false)
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface AuditFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorType?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** The last entry of the previous page: `atMicros` as `microsOf` gave it out. */
  before?: { atMicros: string; id: string } | undefined;
  limit: number;
}

export function listAudit(db: PlatformDb, tenantId: string, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .select(microsOf('at').as('at_micros'))
    .where('tenant_id', '=', tenantId);
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.actorType) query = query.where('actor_type', '=', filter.actorType);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  if (filter.before) {
    const { atMicros, id } = filter.before;
    query = query.where(
      (eb) => eb.refTuple('at', 'id'),
      '<',
      (eb) => eb.tuple(instantOfMicros(atMicros), id),
    );
  }
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** The names of the users and API keys of a page of audit entries, by id. */
export async function actorNames(
  db: PlatformDb,
  tenantId: string,
  ids: { users: readonly string[]; apiKeys: readonly string[] },
): Promise<Map<string, string>> {
  const [users, keys] = await Promise.all([
    ids.users.length === 0
      ? []
      : db
          .selectFrom('users')
          .select(['id', 'name', 'email'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', anyOf(ids.users, 'uuid'))
          .execute(),
    ids.apiKeys.length === 0
      ? []
      : db
          .selectFrom('api_keys')
          .select(['id', 'name'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', anyOf(ids.apiKeys, 'uuid'))
          .execute(),
  ]);
  return new Map([
    ...users.map((row) => [row.id, row.name || row.email] as const),
    ...keys.map((row) => [row.id, row.name] as const),
  ]);
}

export function findIdempotencyRecord(
  db: PlatformDb,
  tenantId: string,
  scope: string,
  key: string,
) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}

/**
 * Replaces the stored responses of a scope that were one of these records (by their `id`) with
 * just `{ id }` and a status. Reads the tenant's records of that scope (its key's prefix): for
 * erasures, which are rare.
 */
export async function replaceIdempotencyResponses(
  db: PlatformDb,
  request: { tenantId: string; scope: string; ids: readonly string[]; status: number },
): Promise<number> {
  const result = await sql`
    update idempotency_keys
    set status_code = ${request.status}, response = jsonb_build_object('id', response->>'id')
    where tenant_id = ${request.tenantId} and scope = ${request.scope}
      and response->>'id' = ${anyOf([...request.ids], 'text')}
      and status_code <> ${request.status}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Inserts the record unless the key exists; returns whether this call stored it. */
export async function insertIdempotencyRecord(
  db: PlatformDb,
  record: {
    tenant_id: string;
    scope: string;
    key: string;
    request_hash: string;
    status_code: number;
    response: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values(record)
    .onConflict((oc) => oc.columns(['tenant_id', 'scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return result !== undefined;
}
