import { z } from 'zod';
import { id, instant, pageQuery, storedInstant } from './common.ts';

export const roles = ['owner', 'manager', 'agent', 'analyst', 'viewer'] as const;
export const role = z.enum(roles);
export type Role = z.infer<typeof role>;

/** What a caller may do; every route needs one of these (or none, for public routes). */
export const permissions = [
  'customers:read',
  'customers:write',
  'customers:erase',
  'events:write',
  'loyalty:read',
  'loyalty:operate',
  'loyalty:design',
  'analytics:read',
  'analytics:run',
  'platform:admin',
  'audit:read',
] as const;
export type Permission = (typeof permissions)[number];

const readAll: Permission[] = ['customers:read', 'loyalty:read', 'analytics:read'];

/** What each role may do. Owners and managers run the business; agents serve customers. */
const grants: Record<Role, readonly Permission[]> = {
  owner: permissions,
  manager: [
    ...readAll,
    'customers:write',
    'customers:erase',
    'events:write',
    'loyalty:operate',
    'loyalty:design',
    'analytics:run',
    'audit:read',
  ],
  agent: [...readAll, 'customers:write', 'events:write', 'loyalty:operate'],
  analyst: [...readAll, 'analytics:run'],
  viewer: readAll,
};

/**
 * Whether a role may do something. The server refuses by it (403); the web UI hides by it
 * what would be refused, from the same table.
 */
export function roleCan(role: Role, permission: Permission): boolean {
  return grants[role]?.includes(permission) ?? false;
}

export const locales = ['zh-CN', 'en'] as const;
export const locale = z.enum(locales);

export const loginRequest = z.strictObject({
  email: z.email().max(320),
  password: z.string().min(1).max(200),
  tenantId: id.optional().describe('Needed only when the same email belongs to several tenants'),
});

export const session = z.object({
  user: z.object({ id, email: z.string(), name: z.string(), role, locale }),
  tenant: z.object({ id, name: z.string(), currency: z.string(), timeZone: z.string() }),
  csrfToken: z.string().describe('Send back as the `x-csrf-token` header on every write'),
});
export type Session = z.infer<typeof session>;

export const apiKeyCreate = z.strictObject({
  name: z.string().min(1).max(100),
  role: role.default('agent'),
});
export const apiKey = z.object({
  id,
  name: z.string(),
  role,
  prefix: z
    .string()
    .describe(
      'To recognise the key: its scheme and last characters (`fdl_…x7Qa9c`); keys made before 2026-12-07 show their first characters instead',
    ),
  createdAt: storedInstant,
  lastUsedAt: storedInstant.nullable(),
  revokedAt: storedInstant.nullable(),
  partnerId: id
    .nullable()
    .describe(
      'Set for the key of a loyalty partner organisation: it may only earn and burn the program’s points through the partner routes, whatever its role',
    ),
});
export type ApiKey = z.infer<typeof apiKey>;

/** A list's search box: case-insensitive, inside the text. */
const listSearch = (what: string) =>
  z
    .string()
    .trim()
    .max(200)
    // PostgreSQL text cannot hold it: refused here, not a 500 from the query.
    .refine((text) => !text.includes('\u0000'), { message: 'must not contain the NUL character' })
    .optional()
    .describe(`Search, case-insensitive: ${what}`);

export const apiKeyStatuses = ['active', 'revoked'] as const;
/** GET /v1/api-keys: newest first; every filter given must match. */
export const apiKeyListQuery = pageQuery.extend({
  q: listSearch('inside the name or the shown characters of the key (`prefix`)'),
  role: role.optional(),
  status: z.enum(apiKeyStatuses).optional(),
});
export type ApiKeyListQuery = z.infer<typeof apiKeyListQuery>;

export const apiKeyCreated = apiKey.extend({
  key: z.string().describe('The secret key. Shown once: it is stored hashed.'),
});

export const userCreate = z.strictObject({
  email: z.email().max(320),
  name: z.string().min(1).max(200),
  role,
  password: z.string().min(10).max(200),
  locale: locale.default('zh-CN'),
});
export type UserCreate = z.input<typeof userCreate>;
export const userPatch = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    role: role.optional(),
    disabled: z
      .boolean()
      .optional()
      .describe(
        'true ends the user’s sessions at once and refuses their login; false lets them in again',
      ),
  })
  .describe(
    'Owners only. Sets what it names. Nobody changes their own role or disables themself, and the tenant keeps at least one enabled owner.',
  );
export type UserPatch = z.infer<typeof userPatch>;
export const user = z.object({
  id,
  email: z.string(),
  name: z.string(),
  role,
  locale,
  createdAt: storedInstant,
  disabled: z.boolean(),
  disabledAt: storedInstant.nullable(),
});
export type User = z.infer<typeof user>;

export const userStatuses = ['enabled', 'disabled'] as const;
/** GET /v1/users: by name (lower-cased, then id); every filter given must match. */
export const userListQuery = pageQuery.extend({
  // A name of 200 characters, in base64url JSON, outgrows the usual 500.
  cursor: z.string().max(2000).optional().describe('Opaque cursor from the previous page'),
  q: listSearch('inside the name or the email'),
  role: role.optional(),
  status: z.enum(userStatuses).optional(),
});
export type UserListQuery = z.infer<typeof userListQuery>;

export const auditActorTypes = ['user', 'api_key', 'system', 'customer'] as const;
export type AuditActorType = (typeof auditActorTypes)[number];

export const auditEntry = z.object({
  id,
  at: storedInstant,
  actorType: z
    .enum(auditActorTypes)
    .describe('customer: the customer themself, through a signed link (actorId: their id)'),
  actorId: z.string().nullable(),
  actorName: z
    .string()
    .nullable()
    .describe('The user’s name or the API key’s name, as they are now; null for the others'),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  targetName: z
    .string()
    .nullable()
    .describe(
      'What the entry is about, by its name as it is now: a customer’s (a loyalty member’s or ' +
        'referral’s too), a loyalty program’s, reward’s or partner’s, a user’s, an API key’s, ' +
        'the tenant’s; null when it has no name, was deleted, or is an erased customer',
    ),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
});

export type AuditEntry = z.infer<typeof auditEntry>;

/** GET /v1/audit-log: newest first; every filter given must match. */
export const auditQuery = pageQuery.extend({
  entityType: z.string().max(50).optional().describe('e.g. customer, loyalty_program, user'),
  entityId: z.string().max(100).optional(),
  actorType: z.enum(auditActorTypes).optional(),
  actorId: z.string().max(100).optional().describe('A user’s, API key’s or customer’s id'),
  action: z.string().max(100).optional().describe('e.g. customer.update'),
  from: instant.optional(),
  to: instant.optional().describe('Exclusive'),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const tenantCreated = z.object({
  tenantId: id,
  apiKey: z.string(),
  login: z.object({ email: z.string(), password: z.string() }),
});
