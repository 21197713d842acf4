import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions, roleCan, type Permission, type Role } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';

/**
 * The permission matrix, swept over every operation the OpenAPI document lists (so a new route
 * is covered the day it is added): who may call it comes from the route's own declaration,
 * published as `x-permission` / `x-partner` / `security: []`, and what a role may do from
 * `roleCan` (held to the table in docs/users.md by packages/contracts/src/platform.test.ts).
 */

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** `METHOD /path`, as the lists below name it. */
  name: string;
  permission: Permission | undefined;
  partner: 'also' | 'only' | undefined;
  public: boolean;
}

interface Caller {
  name: string;
  role: Role;
  partner: boolean;
  headers: Record<string, string>;
}

/** What the docs name for a route (the file after each group); the declarations must agree. */
const documentedPermissions: Record<string, Permission> = {
  // users.md: owners alone manage users, API keys and custom attribute definitions.
  'GET /v1/users': 'platform:admin',
  'POST /v1/users': 'platform:admin',
  'PATCH /v1/users/{id}': 'platform:admin',
  'GET /v1/api-keys': 'platform:admin',
  'POST /v1/api-keys': 'platform:admin',
  'DELETE /v1/api-keys/{id}': 'platform:admin',
  'GET /v1/audit-log': 'audit:read',
  // customers.md, "Permissions".
  'POST /v1/customer-attributes': 'platform:admin',
  'PATCH /v1/customer-attributes/{key}': 'platform:admin',
  'DELETE /v1/customer-attributes/{key}': 'platform:admin',
  'DELETE /v1/customers/{id}': 'customers:erase',
  'GET /v1/customers/export.csv': 'customers:read',
  'POST /v1/customers/imports': 'customers:write',
  'POST /v1/customers/{id}/merge': 'customers:write',
  // events.md.
  'POST /v1/events': 'events:write',
  'POST /v1/events:batch': 'events:write',
  'POST /v1/events/imports': 'events:write',
  // analytics.md.
  'POST /v1/analytics/score-runs': 'analytics:run',
  'GET /v1/analytics/scores': 'analytics:read',
  // loyalty.md and web-ui.md: agents enrol, redeem and mark coupons used; owners and managers
  // design, credit points by hand and fill coupon pools; everyone may use the dry run.
  'POST /v1/loyalty/programs/{programId}/members': 'loyalty:operate',
  'POST /v1/loyalty/programs/{programId}/redemptions': 'loyalty:operate',
  'POST /v1/loyalty/programs/{programId}/coupons/{code}/use': 'loyalty:operate',
  'POST /v1/loyalty/programs': 'loyalty:design',
  'PATCH /v1/loyalty/programs/{programId}': 'loyalty:design',
  'PUT /v1/loyalty/programs/{programId}/rules': 'loyalty:design',
  'POST /v1/loyalty/programs/{programId}/members/{customerId}/adjustments': 'loyalty:design',
  'PATCH /v1/loyalty/programs/{programId}/rewards/{rewardId}': 'loyalty:design',
  'POST /v1/loyalty/programs/{programId}/rewards/{rewardId}/coupons': 'loyalty:design',
  'POST /v1/loyalty/programs/{programId}/dry-run': 'loyalty:read',
  'GET /v1/loyalty/programs/{programId}/partners/{partnerId}/settlement': 'loyalty:read',
};

/** Signed-in routes open to any staff role (no `x-permission`), and why. */
const openToAnyRole: Record<string, string> = {
  'GET /v1/jobs': 'the progress of background jobs any role may start or wait for',
  'GET /v1/jobs/{id}': 'the progress of background jobs any role may start or wait for',
};

/** Writes a viewer or an analyst may make although they change nothing else, and why. */
const readOnlyRoleWrites: Record<string, { roles: Role[]; reason: string }> = {
  'POST /v1/loyalty/programs/{programId}/dry-run': {
    roles: ['viewer', 'analyst'],
    reason: 'computes what an event would earn and records nothing (loyalty:read)',
  },
  'POST /v1/analytics/score-runs': {
    roles: ['analyst'],
    reason: 'analysts run analytics (analytics:run): a run derives scores, it edits no record',
  },
};

/** The operations a partner's key may call (docs/loyalty.md, "Partner alliance"). */
const partnerOperations = [
  'POST /v1/loyalty/programs/{programId}/partner-transactions',
  'GET /v1/loyalty/programs/{programId}/partners/{partnerId}/settlement',
];

/** Ids no tenant has; fixed, so every run sends the same requests. */
const unknownId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let t: TestApp;
let operations: Operation[];
let ids: Record<string, string>;
let ownerAuth: Record<string, string>;
let callers: Caller[];
let partnerCaller: Caller;
let revokedAuth: Record<string, string>;
let counter = 0;

async function inject(
  method: Operation['method'],
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
  contentType?: string,
) {
  return t.app.inject({
    method,
    url,
    headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function created(
  method: Operation['method'],
  url: string,
  payload?: unknown,
): Promise<Record<string, unknown>> {
  const res = await inject(method, url, ownerAuth, payload);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

/** The path's parameters: things that exist in the tenant, or ids nobody has. */
function urlOf(op: Operation, existing: boolean): string {
  let n = 0;
  return op.path.replace(/\{(\w+)\}/g, (_match, param: string) => {
    n += 1;
    if (!existing) {
      if (param === 'channel') return 'email';
      if (param === 'key') return 'no_such_key';
      if (param === 'code') return 'NOPE-0000';
      return unknownId(n);
    }
    // A parameter the fixtures do not know yet: the refusals are still checked.
    return ids[`${op.name} ${param}`] ?? ids[param] ?? unknownId(n);
  });
}

/** A body good enough to pass validation, so a caller who may call the route reaches it. */
function requestOf(op: Operation): { payload?: unknown; contentType?: string } {
  counter += 1;
  const key = `perm-${counter}`;
  const customerId = ids.id!;
  const purchase = {
    id: key,
    type: 'purchase',
    customerId,
    occurredAt: '2026-01-02T03:04:05Z',
    currency: 'CNY',
    amount: 1_000,
  };
  const bodies: Record<string, unknown> = {
    'POST /v1/auth/login': { email: 'nobody@example.com', password: 'not the password' },
    'POST /v1/api-keys': { name: key, role: 'viewer' },
    'POST /v1/users': {
      email: `${key}@example.com`,
      name: key,
      role: 'viewer',
      password: 'a long password',
    },
    'PATCH /v1/users/{id}': { name: 'Owner' },
    'POST /v1/customers': { kind: 'person', name: key },
    'PATCH /v1/customers/{id}': { notes: key },
    'POST /v1/customers/{id}/merge': { duplicateId: ids.duplicate },
    'POST /v1/customers/{id}/tags': { tags: ['perm'] },
    'DELETE /v1/customers/{id}/tags': { tags: ['perm'] },
    'PUT /v1/customers/{id}/consent/{channel}': { status: 'granted' },
    'POST /v1/customers/{id}/members': { personId: customerId },
    'POST /v1/customer-attributes': {
      key: `k${counter}`,
      labelZh: key,
      labelEn: key,
      type: 'string',
    },
    'PATCH /v1/customer-attributes/{key}': { labelEn: key },
    'POST /v1/events': purchase,
    'POST /v1/events:batch': { events: [purchase] },
    'POST /v1/loyalty/programs': {
      name: key,
      currency: 'CNY',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
    },
    'PATCH /v1/loyalty/programs/{programId}': { name: 'Points' },
    'PUT /v1/loyalty/programs/{programId}/rules': {
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
    },
    'POST /v1/loyalty/programs/{programId}/dry-run': {
      customerId,
      event: { type: 'purchase', amount: 1_000 },
    },
    'POST /v1/loyalty/programs/{programId}/members': { customerId },
    'POST /v1/loyalty/programs/{programId}/members/{customerId}/link': {},
    'POST /v1/public/loyalty/member/redemptions': {
      token: 'x'.repeat(20),
      rewardId: ids.rewardId,
      idempotencyKey: key,
    },
    'POST /v1/loyalty/programs/{programId}/actions': {
      customerId,
      action: 'review',
      idempotencyKey: key,
    },
    'POST /v1/loyalty/programs/{programId}/members/{customerId}/adjustments': {
      points: 10,
      reason: 'goodwill',
      idempotencyKey: key,
    },
    'POST /v1/loyalty/programs/{programId}/redemptions': {
      customerId,
      points: 1,
      idempotencyKey: key,
    },
    'POST /v1/loyalty/programs/{programId}/referrals': { code: 'NOPE-CODE', customerId },
    'POST /v1/loyalty/programs/{programId}/rewards': { name: key, pointsCost: 10 },
    'PATCH /v1/loyalty/programs/{programId}/rewards/{rewardId}': { description: key },
    'POST /v1/loyalty/programs/{programId}/rewards/{rewardId}/coupons': { codes: [`C-${key}`] },
    'POST /v1/loyalty/programs/{programId}/partners': { name: key },
    'POST /v1/loyalty/programs/{programId}/partner-transactions': {
      type: 'earn',
      customerId,
      points: 5,
      reference: key,
    },
    'POST /v1/loyalty/programs/{programId}/members/{customerId}/wallet/spend': {
      amount: 1,
      idempotencyKey: key,
    },
    'POST /v1/loyalty/jobs': { kind: 'loyalty.sweep' },
    'POST /v1/analytics/score-runs': {},
  };
  if (op.name === 'POST /v1/customers/imports')
    return { payload: `external_id,name\n${key},${key}\n`, contentType: 'text/csv' };
  if (op.name === 'POST /v1/events/imports')
    return {
      payload: `event_id,customer_id,occurred_at,amount,currency\n${key},${customerId},2026-01-02T03:04:05Z,10.00,CNY\n`,
      contentType: 'text/csv',
    };
  if (op.name in bodies) return { payload: bodies[op.name] };
  // A new write route without a body here still gets its 401/403 checked.
  return op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: {} };
}

function mayCall(op: Operation, caller: Caller): boolean {
  if (caller.partner ? !op.partner : op.partner === 'only') return false;
  return op.permission === undefined || roleCan(caller.role, op.permission);
}

beforeAll(async () => {
  t = await openTestApp();
  const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase() as Operation['method'],
      path,
      name: `${method.toUpperCase()} ${path}`,
      permission: op['x-permission'] as Permission | undefined,
      partner: op['x-partner'] as Operation['partner'],
      public: Array.isArray(op.security) && op.security.length === 0,
    })),
  );

  const tenant = await newTenant(t, 'Permission sweep');
  ownerAuth = tenant.auth;
  const customer = async (name: string, kind = 'person') =>
    String((await created('POST', '/v1/customers', { kind, name })).id);
  const id = await customer('Member');
  const organization = await customer('Org Ltd', 'organization');
  await created('POST', `/v1/customers/${organization}/members`, { personId: id });
  const program = async (name: string) =>
    String(
      (
        await created('POST', '/v1/loyalty/programs', {
          name,
          currency: 'CNY',
          earnRules: [{ kind: 'spend', points: 1, per: 100 }],
          pendingDays: 0,
        })
      ).id,
    );
  const programId = await program('Points');
  const otherProgramId = await program('Other points');
  await created('POST', `/v1/loyalty/programs/${programId}/members`, { customerId: id });
  await created('POST', '/v1/events', {
    id: 'perm-seed',
    type: 'purchase',
    customerId: id,
    occurredAt: '2026-01-01T00:00:00Z',
    currency: 'CNY',
    amount: 100_000,
  });
  const rewardId = String(
    (
      await created('POST', `/v1/loyalty/programs/${programId}/rewards`, {
        name: 'Mug',
        pointsCost: 10,
      })
    ).id,
  );
  await created('POST', `/v1/loyalty/programs/${programId}/rewards/${rewardId}/coupons`, {
    codes: ['PERM-0001'],
  });
  const partner = async (inProgram: string, name: string) =>
    (await created('POST', `/v1/loyalty/programs/${inProgram}/partners`, { name })) as {
      id: string;
      apiKey: string;
    };
  const airline = await partner(programId, 'Airline');
  const hotel = await partner(programId, 'Hotel');
  await partner(otherProgramId, 'Bank');
  await created('POST', '/v1/customer-attributes', {
    key: 'perm_note',
    labelZh: '备注',
    labelEn: 'Note',
    type: 'string',
  });
  const job = await created('POST', '/v1/analytics/score-runs', {});
  const spareKey = String((await created('POST', '/v1/api-keys', { name: 'spare' })).id);
  const revoked = await created('POST', '/v1/api-keys', { name: 'revoked', role: 'owner' });
  await created('DELETE', `/v1/api-keys/${String(revoked.id)}`);
  revokedAuth = { authorization: `Bearer ${String(revoked.key)}` };
  const users = (await inject('GET', '/v1/users', ownerAuth)).json() as {
    items: { id: string }[];
  };

  ids = {
    id,
    duplicate: await customer('Duplicate'),
    programId,
    otherProgramId,
    customerId: id,
    rewardId,
    code: 'PERM-0001',
    partnerId: airline.id,
    otherPartnerId: hotel.id,
    key: 'perm_note',
    channel: 'email',
    notificationId: unknownId(99),
    'DELETE /v1/customers/{id} id': await customer('To erase'),
    'POST /v1/customers/{id}/members id': organization,
    'GET /v1/customers/{id}/members id': organization,
    'DELETE /v1/customers/{id}/members/{personId} id': organization,
    personId: id,
    'DELETE /v1/api-keys/{id} id': spareKey,
    'PATCH /v1/users/{id} id': users.items[0]!.id,
    'GET /v1/jobs/{id} id': String(job.jobId ?? job.id),
  };

  const keyOf = async (role: Role) => {
    const key = await created('POST', '/v1/api-keys', { name: `perm ${role}`, role });
    return { authorization: `Bearer ${String(key.key)}` };
  };
  callers = [];
  for (const role of ['viewer', 'analyst', 'agent', 'manager', 'owner'] as const)
    callers.push({ name: `${role} key`, role, partner: false, headers: await keyOf(role) });
  // The web UI's path: one user's session cookie, with the CSRF token writes need.
  await created('POST', '/v1/users', {
    email: 'perm-viewer@example.com',
    name: 'Viewer',
    role: 'viewer',
    password: 'a long password',
  });
  const login = await inject(
    'POST',
    '/v1/auth/login',
    {},
    {
      email: 'perm-viewer@example.com',
      password: 'a long password',
    },
  );
  expect(login.statusCode, login.body).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const { csrfToken } = login.json() as { csrfToken: string };
  callers.splice(1, 0, {
    name: 'viewer session',
    role: 'viewer',
    partner: false,
    headers: { cookie, 'x-csrf-token': csrfToken },
  });
  // A partner key's role is what the API key list says it is.
  const keys = (await inject('GET', '/v1/api-keys', ownerAuth)).json() as {
    items: { name: string; role: Role }[];
  };
  const partnerRole = keys.items.find((k) => k.name === 'Partner Airline')?.role;
  expect(partnerRole).toBeDefined();
  partnerCaller = {
    name: 'partner key',
    role: partnerRole!,
    partner: true,
    headers: { authorization: `Bearer ${airline.apiKey}` },
  };
  // Refused callers first, so the writes of those who may do them cannot change what follows.
  callers.splice(2, 0, partnerCaller);
}, 60_000);
afterAll(async () => t.close());

describe('the permission matrix', () => {
  it('has every route declare who may call it, and no write for a viewer or an analyst', () => {
    expect(operations.length).toBeGreaterThan(80);
    for (const op of operations) {
      expect(op.path.startsWith('/v1/'), op.name).toBe(true);
      if (op.public) continue;
      if (op.permission === undefined) expect(Object.keys(openToAnyRole)).toContain(op.name);
      else expect(permissions).toContain(op.permission);
    }
    expect(operations.filter((op) => op.partner).map((op) => op.name)).toEqual(partnerOperations);
    const declared = new Map(operations.map((op) => [op.name, op.permission]));
    for (const [name, permission] of Object.entries(documentedPermissions))
      expect(declared.get(name), name).toBe(permission);
    // A viewer and an analyst change nothing, but for the writes listed with their reasons.
    for (const op of operations) {
      if (op.public || op.method === 'GET') continue;
      for (const role of ['viewer', 'analyst'] as const) {
        const allowed = mayCall(op, { name: role, role, partner: false, headers: {} });
        expect(allowed, `${role} ${op.name}`).toBe(
          readOnlyRoleWrites[op.name]?.roles.includes(role) ?? false,
        );
      }
    }
  });

  it('answers 401 without a key and with a revoked one, on every route that is not public', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => !o.public)) {
      for (const [label, headers] of [
        ['no key', {}],
        ['revoked key', revokedAuth],
      ] as const) {
        const { payload, contentType } = requestOf(op);
        const res = await inject(op.method, urlOf(op, true), headers, payload, contentType);
        const code = (res.json() as { code?: string }).code;
        if (res.statusCode !== 401 || code !== 'UNAUTHENTICATED')
          failures.push(`${label} ${op.name}: ${res.statusCode} ${code}`);
        else expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses (403 FORBIDDEN, whether the ids exist or not) exactly whom the route does not allow', async () => {
    const failures: string[] = [];
    const decisions: string[] = [];
    for (const caller of callers) {
      for (const op of operations.filter((o) => !o.public)) {
        const { payload, contentType } = requestOf(op);
        const res = await inject(op.method, urlOf(op, true), caller.headers, payload, contentType);
        const what = `${caller.name} ${op.name}`;
        if (res.statusCode >= 500) failures.push(`${what}: ${res.statusCode} ${res.body}`);
        const allowed = mayCall(op, caller);
        decisions.push(`${what}: ${res.statusCode}`);
        if (allowed) {
          if (res.statusCode === 401 || res.statusCode === 403)
            failures.push(`${what} (allowed): ${res.statusCode} ${res.body}`);
          continue;
        }
        // Refused before anything is looked up or validated: ids nobody has and a body that
        // fails validation get the same answer as the real ones.
        const unknown = await inject(op.method, urlOf(op, false), caller.headers, {
          unexpected: true,
        });
        // Fastify answers HEAD with the GET route: refused alike.
        if (op.method === 'GET') {
          const head = await t.app.inject({
            method: 'HEAD',
            url: urlOf(op, true),
            headers: caller.headers,
          });
          if (head.statusCode !== 403) failures.push(`${what} (refused, HEAD): ${head.statusCode}`);
        }
        for (const [label, answer] of [
          ['existing ids', res],
          ['unknown ids, bad body', unknown],
        ] as const) {
          const body = answer.json() as { code?: string };
          if (answer.statusCode !== 403 || body.code !== 'FORBIDDEN')
            failures.push(`${what} (refused, ${label}): ${answer.statusCode} ${answer.body}`);
          else expect(answer.headers['content-type']).toContain('application/problem+json');
        }
      }
    }
    expect(failures).toEqual([]);
    expect(decisions.length).toBeGreaterThan(operations.length * 5);
  });

  it('asks no role of a public route (log-in, the member page)', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.public)) {
      const { payload, contentType } = requestOf(op);
      const res = await inject(op.method, urlOf(op, true), {}, payload, contentType);
      if (res.statusCode === 403 || res.statusCode >= 500)
        failures.push(`${op.name}: ${res.statusCode} ${res.body}`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps a partner key to its own program and partner, without telling what exists elsewhere', async () => {
    const base = (programId: string) => `/v1/loyalty/programs/${programId}`;
    const transaction = (programId: string) =>
      inject('POST', `${base(programId)}/partner-transactions`, partnerCaller.headers, {
        type: 'earn',
        customerId: ids.id,
        points: 5,
        reference: `elsewhere-${programId}`,
      });
    const settlement = (programId: string, partnerId: string) =>
      inject('GET', `${base(programId)}/partners/${partnerId}/settlement`, partnerCaller.headers);
    const answer = async (res: Promise<{ statusCode: number; json(): unknown }>) => {
      const done = await res;
      return `${done.statusCode} ${(done.json() as { code?: string }).code}`;
    };

    expect(await answer(settlement(ids.programId!, ids.partnerId!))).toBe('200 undefined');
    // Another program, one that exists and one that does not: the same refusal.
    expect(await answer(transaction(ids.otherProgramId!))).toBe('403 FORBIDDEN');
    expect(await answer(transaction(unknownId(1)))).toBe('403 FORBIDDEN');
    // Another partner's settlement, or another program's, is as if it did not exist.
    const notFound = await answer(settlement(ids.programId!, ids.otherPartnerId!));
    expect(notFound).toMatch(/^404 /);
    expect(await answer(settlement(ids.programId!, unknownId(2)))).toBe(notFound);
    expect(await answer(settlement(ids.otherProgramId!, ids.partnerId!))).toBe(notFound);
    expect(await answer(settlement(unknownId(3), ids.partnerId!))).toBe(notFound);
  });
});
