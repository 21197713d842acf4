import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import { newId } from '../../db/ids.ts';
import type {
  ApiKey,
  ApiKeyListQuery,
  AuditEntry,
  AuditQuery,
  Role,
  User,
  UserListQuery,
} from '@fidelis/contracts';
import { AppError } from '../../http/app-error.ts';
import type { Actor, RequestContext } from '../../http/request-context.ts';
import * as repo from './platform.repository.ts';
import type { PlatformDb } from './platform.repository.ts';
import {
  hashPassword,
  issueCredential,
  parseCredential,
  randomPassword,
  secretMatches,
  sha256,
  verifyPassword,
} from './credentials.ts';
import { decodeCursor, isUuid, pageOf } from './cursor.ts';

export const API_KEY_PREFIX = 'fdl';
export const SESSION_COOKIE = 'fidelis_session';
const SESSION_PREFIX = 'fds';
const SESSION_DAYS = 14;

export function systemContext(tenantId: string): RequestContext {
  return {
    tenantId,
    actor: { type: 'system', id: null, role: 'owner', partnerId: null },
    requestId: null,
  };
}

/**
 * A customer acting for themself through a signed link (the public member page): the audit
 * log names them. They hold no staff role: public routes check no permission, and viewer is
 * the least a role can be, should anything ask.
 */
export function customerContext(
  tenantId: string,
  customerId: string,
  requestId: string | null,
): RequestContext {
  return {
    tenantId,
    actor: { type: 'customer', id: customerId, role: 'viewer', partnerId: null },
    requestId,
  };
}

/** Appends to the audit log: who changed what, when, before and after. Call inside the change's transaction. */
export interface AuditChange {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

function auditRow(context: RequestContext, change: AuditChange): repo.AuditInsert {
  return {
    tenant_id: context.tenantId,
    id: newId(),
    actor_type: context.actor.type,
    actor_id: context.actor.id,
    action: change.action,
    entity_type: change.entityType,
    entity_id: change.entityId,
    before: change.before === undefined ? null : JSON.stringify(change.before),
    after: change.after === undefined ? null : JSON.stringify(change.after),
    request_id: context.requestId,
  };
}

export async function recordAudit(
  db: PlatformDb,
  context: RequestContext,
  change: AuditChange,
): Promise<void> {
  await repo.insertAudit(db, auditRow(context, change));
}

/** Several changes of one request (or of one group commit), in one statement. */
export async function recordAudits(
  db: PlatformDb,
  changes: readonly { context: RequestContext; change: AuditChange }[],
): Promise<void> {
  await repo.insertAudit(
    db,
    changes.map(({ context, change }) => auditRow(context, change)),
  );
}

/** The name of the owner key a new tenant gets (and `fidelis tenant create` prints). */
export const INITIAL_KEY_NAME = 'Initial owner key';

export interface CreatedTenant {
  tenantId: string;
  apiKey: string;
  login: { email: string; password: string };
}

/** A new tenant with an owner login and an owner API key; the secrets are returned once. */
export async function createTenant(
  db: PlatformDb,
  input: {
    name: string;
    currency?: string;
    timeZone?: string;
    ownerEmail?: string;
    ownerPassword?: string;
    isDemo?: boolean;
  },
): Promise<CreatedTenant> {
  const tenantId = newId();
  const email = input.ownerEmail ?? `owner@${tenantId.slice(-12)}.fidelis.local`;
  const password = input.ownerPassword ?? randomPassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    await repo.insertTenant(trx, {
      tenant_id: tenantId,
      name: input.name,
      currency: input.currency ?? 'CNY',
      time_zone: input.timeZone ?? 'Asia/Shanghai',
      is_demo: input.isDemo ?? false,
    });
    const userId = newId();
    await repo.insertUser(trx, {
      tenant_id: tenantId,
      id: userId,
      email,
      name: 'Owner',
      role: 'owner',
      locale: 'zh-CN',
      password_hash: passwordHash,
    });
    const context = systemContext(tenantId);
    const key = await createApiKeyIn(trx, context, { name: INITIAL_KEY_NAME, role: 'owner' });
    await recordAudit(trx, context, {
      action: 'tenant.created',
      entityType: 'tenant',
      entityId: tenantId,
      after: { name: input.name },
    });
    return { tenantId, apiKey: key.key, login: { email, password } };
  });
}

async function createApiKeyIn(
  db: PlatformDb,
  context: RequestContext,
  input: { name: string; role: Role; partnerId?: string | null },
) {
  const id = newId();
  const { token, hash } = issueCredential(API_KEY_PREFIX, context.tenantId, id);
  await repo.insertApiKey(db, {
    tenant_id: context.tenantId,
    id,
    name: input.name,
    role: input.role,
    // The key's scheme and last characters (of its random secret): its first characters name
    // the tenant, the same for every key of it, so they told the keys apart by nothing.
    prefix: keyHint(token),
    key_hash: hash,
    partner_id: input.partnerId ?? null,
  });
  await recordAudit(db, context, {
    action: 'api_key.created',
    entityType: 'api_key',
    entityId: id,
    after: { name: input.name, role: input.role },
  });
  const row = await repo.findApiKey(db, context.tenantId, id);
  if (!row) throw new Error('api key vanished after insert');
  return { ...toApiKey(row), key: token };
}

/** How a key is recognised in lists without being shown: `fdl_…` and its last six characters. */
export function keyHint(token: string): string {
  return `${token.slice(0, token.indexOf('_') + 1)}…${token.slice(-6)}`;
}

export function createApiKey(
  db: PlatformDb,
  context: RequestContext,
  input: { name: string; role: Role; partnerId?: string | null },
) {
  return db.transaction().execute((trx) => createApiKeyIn(trx, context, input));
}

function toApiKey(row: NonNullable<Awaited<ReturnType<typeof repo.findApiKey>>>) {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    partnerId: row.partner_id,
  };
}

/** The tenant's API keys, newest first, a page at a time; every filter given must match. */
export async function listApiKeys(
  db: PlatformDb,
  context: RequestContext,
  query: ApiKeyListQuery,
): Promise<{ items: ApiKey[]; nextCursor: string | null }> {
  const before = query.cursor ? decodeCursor(query.cursor, { t: 'micros', i: 'uuid' }) : undefined;
  const rows = await repo.listApiKeys(db, context.tenantId, {
    q: query.q,
    role: query.role,
    stamped: query.status === undefined ? undefined : query.status === 'revoked',
    before: before ? { createdMicros: before.t, id: before.i } : undefined,
    limit: query.limit + 1,
  });
  return pageOf(rows, query.limit, toApiKey, (row) => ({ t: row.created_micros, i: row.id }));
}

export async function revokeApiKey(db: PlatformDb, context: RequestContext, id: string) {
  return db.transaction().execute(async (trx) => {
    const row = await revokeApiKeyIn(trx, context, id);
    if (!row) throw new AppError('NOT_FOUND', `No active API key ${id}.`);
    return toApiKey(row);
  });
}

async function revokeApiKeyIn(trx: PlatformDb, context: RequestContext, id: string) {
  const row = await repo.revokeApiKey(trx, context.tenantId, id, new Date());
  if (!row) return undefined;
  apiKeyCache.delete(`${context.tenantId}/${id}`);
  await recordAudit(trx, context, {
    action: 'api_key.revoked',
    entityType: 'api_key',
    entityId: id,
  });
  return row;
}

/**
 * A new key that replaces the tenant's active staff keys whose names `replaces` picks, in one
 * transaction: the demo prints a fresh key at every start (a key is stored hashed and cannot be
 * shown again) and keeps only the one it printed last working.
 */
export function replaceApiKeys(
  db: PlatformDb,
  context: RequestContext,
  input: { name: string; role: Role; replaces: (name: string) => boolean },
) {
  return db.transaction().execute(async (trx) => {
    for (const key of await repo.activeStaffApiKeys(trx, context.tenantId))
      if (input.replaces(key.name)) await revokeApiKeyIn(trx, context, key.id);
    return createApiKeyIn(trx, context, { name: input.name, role: input.role });
  });
}

type ApiKeyRow = NonNullable<Awaited<ReturnType<typeof repo.findApiKey>>>;

/**
 * API key rows this process read in the last few seconds: a busy integration sends thousands
 * of requests a second with one key, and each would otherwise begin with a database round
 * trip. A revocation here takes effect at once; in other server processes within 5 s. The
 * secret is checked against the hash on every request all the same.
 */
const apiKeyCache = new LRUCache<string, ApiKeyRow>({ max: 10_000, ttl: 5_000 });

async function findApiKeyCached(
  db: PlatformDb,
  tenantId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  const key = `${tenantId}/${id}`;
  const cached = apiKeyCache.get(key);
  if (cached) return cached;
  const row = await repo.findApiKey(db, tenantId, id);
  if (row) apiKeyCache.set(key, row);
  return row;
}

/** Resolves a bearer API key to its tenant and role; null when unknown or revoked. */
export async function authenticateApiKey(
  db: PlatformDb,
  token: string,
): Promise<(Actor & { tenantId: string }) | null> {
  const credential = parseCredential(API_KEY_PREFIX, token);
  if (!credential) return null;
  const now = new Date();
  const row = await findApiKeyCached(db, credential.tenantId, credential.id);
  if (!row || row.revoked_at || !secretMatches(credential.secret, row.key_hash)) return null;
  // Record use at most once a minute: a hot key must not turn every request into a write.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    row.last_used_at = now;
    await repo.touchApiKey(db, row.tenant_id, row.id, now);
  }
  return {
    tenantId: row.tenant_id,
    type: 'api_key',
    id: row.id,
    role: row.role as Role,
    partnerId: row.partner_id,
  };
}

/** Checks a password; returns a session token (for the cookie) and its CSRF token. */
export async function login(
  db: PlatformDb,
  input: { email: string; password: string; tenantId?: string | undefined },
) {
  const candidates = (await repo.findUsersByEmail(db, input.email)).filter(
    (user) => !input.tenantId || user.tenant_id === input.tenantId,
  );
  const matches = [];
  for (const user of candidates) {
    if (await verifyPassword(input.password, user.password_hash)) matches.push(user);
  }
  if (candidates.length === 0) await hashPassword(input.password); // same time as a wrong password
  const user = matches[0];
  if (!user) throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong.');
  if (matches.length > 1) {
    throw new AppError('VALIDATION_FAILED', 'This email belongs to several tenants; choose one.', [
      { field: 'tenantId', message: `one of ${matches.map((m) => m.tenant_id).join(', ')}` },
    ]);
  }
  const sessionId = newId();
  const { token, hash } = issueCredential(SESSION_PREFIX, user.tenant_id, sessionId);
  const csrfToken = randomBytes(24).toString('base64url');
  await repo.insertSession(db, {
    tenant_id: user.tenant_id,
    id: hash,
    user_id: user.id,
    csrf_token: csrfToken,
    expires_at: new Date(Date.now() + SESSION_DAYS * 86_400_000),
  });
  return {
    token,
    maxAgeSeconds: SESSION_DAYS * 86_400,
    session: await describeSession(db, user.tenant_id, user.id, csrfToken),
  };
}

export async function describeSession(
  db: PlatformDb,
  tenantId: string,
  userId: string,
  csrfToken: string,
) {
  const [user, tenant] = await Promise.all([
    repo.findUser(db, tenantId, userId),
    repo.findTenant(db, tenantId),
  ]);
  if (!user || !tenant)
    throw new AppError('UNAUTHENTICATED', 'The session has ended; log in again.');
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role as Role,
      locale: user.locale as 'zh-CN' | 'en',
    },
    tenant: {
      id: tenant.tenant_id,
      name: tenant.name,
      currency: tenant.currency,
      timeZone: tenant.time_zone,
    },
    csrfToken,
  };
}

/** Resolves a session cookie; null when unknown, expired or the user is disabled. */
export async function authenticateSession(db: PlatformDb, token: string) {
  const credential = parseCredential(SESSION_PREFIX, token);
  if (!credential) return null;
  const row = await repo.findSessionWithUser(
    db,
    credential.tenantId,
    sha256(credential.secret),
    new Date(),
  );
  if (!row || row.disabled_at) return null;
  return {
    tenantId: credential.tenantId,
    csrfToken: row.csrf_token,
    actor: {
      type: 'user',
      id: row.user_id,
      role: row.role as Role,
      partnerId: null,
    } satisfies Actor,
  };
}

export async function logout(db: PlatformDb, token: string): Promise<void> {
  const credential = parseCredential(SESSION_PREFIX, token);
  if (credential) await repo.deleteSession(db, credential.tenantId, sha256(credential.secret));
}

export async function createUser(
  db: PlatformDb,
  context: RequestContext,
  input: { email: string; name: string; role: Role; password: string; locale: 'zh-CN' | 'en' },
) {
  const id = newId();
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    try {
      await repo.insertUser(trx, {
        tenant_id: context.tenantId,
        id,
        email: input.email,
        name: input.name,
        role: input.role,
        locale: input.locale,
        password_hash: passwordHash,
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new AppError('CONFLICT', 'A user with this email exists.', [
          { field: 'email', message: 'already used', reason: 'already_used' },
        ]);
      }
      throw error;
    }
    await recordAudit(trx, context, {
      action: 'user.created',
      entityType: 'user',
      entityId: id,
      after: { email: input.email, role: input.role },
    });
    const row = await repo.findUser(trx, context.tenantId, id);
    if (!row) throw new Error('user vanished after insert');
    return toUser(row);
  });
}

function toUser(row: NonNullable<Awaited<ReturnType<typeof repo.findUser>>>) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    locale: row.locale as 'zh-CN' | 'en',
    createdAt: row.created_at.toISOString(),
    disabled: row.disabled_at !== null,
    disabledAt: row.disabled_at?.toISOString() ?? null,
  };
}

/**
 * Sets a user's name, role or disabled state (a PATCH: what is given is set, so a repeat
 * changes nothing and records nothing). Nobody changes their own role or disables themself,
 * and the tenant keeps at least one enabled owner: the enabled owners stay locked until the
 * transaction ends, so two owners demoting each other at once cannot both succeed.
 * Disabling deletes the user's sessions (the session lookup refuses disabled users as well),
 * so re-enabling never revives an old cookie.
 */
export async function updateUser(
  db: PlatformDb,
  context: RequestContext,
  id: string,
  patch: { name?: string | undefined; role?: Role | undefined; disabled?: boolean | undefined },
) {
  return db.transaction().execute(async (trx) => {
    const owners = await repo.lockEnabledOwners(trx, context.tenantId);
    const row = await repo.findUser(trx, context.tenantId, id, { forUpdate: true });
    if (!row) throw new AppError('NOT_FOUND', `No user ${id}.`);
    const before = userState(row);
    const after = {
      name: patch.name ?? before.name,
      role: patch.role ?? before.role,
      disabled: patch.disabled ?? before.disabled,
    };
    const roleChanges = after.role !== before.role;
    const disabledChanges = after.disabled !== before.disabled;
    if (!roleChanges && !disabledChanges && after.name === before.name) return toUser(row);

    const self = context.actor.type === 'user' && context.actor.id === row.id;
    if (self && (roleChanges || (disabledChanges && after.disabled))) {
      throw new AppError(
        'FORBIDDEN',
        'You cannot change your own role or disable yourself; another owner can.',
        [
          {
            field: roleChanges ? 'role' : 'disabled',
            message: 'not for your own user',
            reason: 'self_not_allowed',
          },
        ],
      );
    }
    const wasEnabledOwner = before.role === 'owner' && !before.disabled;
    const staysEnabledOwner = after.role === 'owner' && !after.disabled;
    if (wasEnabledOwner && !staysEnabledOwner && owners.every((owner) => owner === row.id)) {
      throw new AppError('CONFLICT', 'The tenant must keep at least one enabled owner.', [
        {
          field: roleChanges ? 'role' : 'disabled',
          message: 'this is the last enabled owner',
          reason: 'last_owner',
        },
      ]);
    }

    const updated = await repo.updateUser(trx, context.tenantId, row.id, {
      ...(after.name !== before.name ? { name: after.name } : {}),
      ...(roleChanges ? { role: after.role } : {}),
      ...(disabledChanges ? { disabled_at: after.disabled ? new Date() : null } : {}),
    });
    if (disabledChanges && after.disabled) {
      await repo.deleteUserSessions(trx, context.tenantId, row.id);
    }
    await recordAudit(trx, context, {
      action: 'user.updated',
      entityType: 'user',
      entityId: row.id,
      before,
      after,
    });
    return toUser(updated);
  });
}

function userState(row: NonNullable<Awaited<ReturnType<typeof repo.findUser>>>) {
  return { name: row.name, role: row.role as Role, disabled: row.disabled_at !== null };
}

/**
 * The tenant's users by name (as customers: Chinese names by their pinyin, then id), a page at
 * a time; every filter given must match.
 */
export async function listUsers(
  db: PlatformDb,
  context: RequestContext,
  query: UserListQuery,
): Promise<{ items: User[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, { n: 'text', i: 'uuid' }) : undefined;
  const rows = await repo.listUsers(db, context.tenantId, {
    q: query.q,
    role: query.role,
    stamped: query.status === undefined ? undefined : query.status === 'disabled',
    after: after ? { nameKey: after.n, id: after.i } : undefined,
    limit: query.limit + 1,
  });
  return pageOf(rows, query.limit, toUser, (row) => ({ n: row.name_sort_key, i: row.id }));
}

export async function findTenant(db: PlatformDb, tenantId: string) {
  const row = await repo.findTenant(db, tenantId);
  return row
    ? {
        id: row.tenant_id,
        name: row.name,
        currency: row.currency,
        timeZone: row.time_zone,
        isDemo: row.is_demo,
      }
    : null;
}

/** Every tenant with its time zone, for schedulers (a few thousand rows at most). */
export async function listTenants(db: PlatformDb): Promise<{ id: string; timeZone: string }[]> {
  const rows = await db
    .selectFrom('tenants')
    .select(['tenant_id', 'time_zone'])
    .orderBy('tenant_id')
    .execute();
  return rows.map((row) => ({ id: row.tenant_id, timeZone: row.time_zone }));
}

export async function findDemoTenant(db: PlatformDb) {
  const row = await repo.findDemoTenant(db);
  return row ? { id: row.tenant_id, name: row.name } : null;
}

/**
 * The current names of other modules' entities on a page of audit entries: for each entity type
 * asked for, name by id (absent: no name, deleted, or an erased customer). One query per type at
 * most. The platform may not read other modules' tables: a flow resolves them
 * (flows/audit-log.flow.ts), and app.ts hands it to the routes.
 */
export type AuditTargetNames = (
  tenantId: string,
  idsByType: ReadonlyMap<string, readonly string[]>,
) => Promise<ReadonlyMap<string, ReadonlyMap<string, string>>>;

const noTargetNames: AuditTargetNames = () => Promise.resolve(new Map());

/** The platform's own entities an audit entry may be about, named here. */
const platformTargets = new Set(['user', 'api_key', 'tenant']);

export async function listAudit(
  db: PlatformDb,
  context: RequestContext,
  query: AuditQuery,
  otherTargetNames: AuditTargetNames = noTargetNames,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const before = query.cursor ? decodeCursor(query.cursor, { t: 'micros', i: 'uuid' }) : undefined;
  const rows = await repo.listAudit(db, context.tenantId, {
    entityType: query.entityType,
    entityId: query.entityId,
    actorType: query.actorType,
    actorId: query.actorId,
    action: query.action,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    before: before ? { atMicros: before.t, id: before.i } : undefined,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const actorsOf = (type: string) => [
    ...new Set(
      page
        .filter((row) => row.actor_type === type && row.actor_id && isUuid(row.actor_id))
        .map((row) => row.actor_id as string),
    ),
  ];
  const targetsOf = (type: string) => [
    ...new Set(
      page
        .filter((row) => row.entity_type === type && row.entity_id)
        .map((row) => row.entity_id as string),
    ),
  ];
  const otherTargets = new Map(
    [...new Set(page.map((row) => row.entity_type))]
      .filter((type) => !platformTargets.has(type))
      .map((type) => [type, targetsOf(type)] as const)
      .filter(([, ids]) => ids.length > 0),
  );
  // Users and keys named as actors or as what changed: one query each.
  const uuidTargetsOf = (type: string) => targetsOf(type).filter(isUuid);
  const [names, others, tenant] = await Promise.all([
    repo.actorNames(db, context.tenantId, {
      users: [...new Set([...actorsOf('user'), ...uuidTargetsOf('user')])],
      apiKeys: [...new Set([...actorsOf('api_key'), ...uuidTargetsOf('api_key')])],
    }),
    otherTargets.size > 0 ? otherTargetNames(context.tenantId, otherTargets) : new Map(),
    targetsOf('tenant').includes(context.tenantId) ? findTenant(db, context.tenantId) : null,
  ]);
  const targetName = (type: string, id: string | null): string | null => {
    if (!id) return null;
    if (type === 'user' || type === 'api_key') return names.get(id) ?? null;
    if (type === 'tenant') return id === tenant?.id ? tenant.name : null;
    return others.get(type)?.get(id) ?? null;
  };
  return pageOf(
    rows,
    query.limit,
    (row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actorType: row.actor_type as Actor['type'],
      actorId: row.actor_id,
      actorName:
        row.actor_id && (row.actor_type === 'user' || row.actor_type === 'api_key')
          ? (names.get(row.actor_id) ?? null)
          : null,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      targetName: targetName(row.entity_type, row.entity_id),
      before: row.before ?? null,
      after: row.after ?? null,
      requestId: row.request_id,
    }),
    (row) => ({ t: row.at_micros, i: row.id }),
  );
}

/**
 * Takes the values out of the audit entries of erased entities (who, what and when stay, and
 * the names of the fields changed), except the entries of the action `keep` (the erasure's).
 */
export function redactAudit(
  db: PlatformDb,
  input: { tenantId: string; entityType: string; entityIds: readonly string[]; keep: string },
): Promise<number> {
  if (input.entityIds.length === 0) return Promise.resolve(0);
  return repo.redactAuditValues(db, input.tenantId, input.entityType, input.entityIds, input.keep);
}
