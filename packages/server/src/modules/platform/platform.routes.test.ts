import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Problem } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { createApiKey, INITIAL_KEY_NAME, replaceApiKeys, systemContext } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

describe('authentication', () => {
  it('rejects a request without credentials with problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/api-keys' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('rejects a forged or revoked key', async () => {
    const tenant = await newTenant(t);
    const forged = tenant.apiKey.slice(0, -4) + 'AAAA';
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(res.statusCode).toBe(401);

    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'temp', role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json() as { id: string; key: string };
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: tenant.auth }))
        .statusCode,
    ).toBe(200);
    const after = await t.app.inject({
      method: 'GET',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(after.statusCode).toBe(401);
  });

  it('lists keys told apart by their last characters, never the key itself', async () => {
    const tenant = await newTenant(t);
    const keys: string[] = [];
    for (const name of ['till 1', 'till 2']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: tenant.auth,
        payload: { name, role: 'agent' },
      });
      keys.push((res.json() as { key: string }).key);
    }
    const { items } = (
      await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: tenant.auth })
    ).json() as { items: { name: string; prefix: string }[] };
    const hints = ['till 1', 'till 2'].map((name) => items.find((k) => k.name === name)?.prefix);
    expect(hints).toEqual(keys.map((key) => `fdl_…${key.slice(-6)}`));
    expect(new Set(items.map((k) => k.prefix)).size).toBe(items.length);
  });

  it('enforces roles: a viewer key cannot create keys', async () => {
    const tenant = await newTenant(t);
    const viewer = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'ro', role: 'viewer' },
    });
    const key = (viewer.json() as { key: string }).key;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${key}` },
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('logs in with a password, sets an httpOnly cookie and demands the CSRF token on writes', async () => {
    const tenant = await newTenant(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: tenant.login,
    });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    const cookie = setCookie.split(';')[0] ?? '';
    const { csrfToken, tenant: sessionTenant } = res.json() as {
      csrfToken: string;
      tenant: { id: string };
    };
    expect(sessionTenant.id).toBe(tenant.tenantId);
    const read = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const withoutCsrf = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { cookie },
      payload: { name: 'k' },
    });
    expect(withoutCsrf.statusCode).toBe(403);
    expect(withoutCsrf.json()).toMatchObject({ code: 'CSRF_FAILED' });
    const withCsrf = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { name: 'k' },
    });
    expect(withCsrf.statusCode).toBe(201);
  });

  it('refuses a wrong password', async () => {
    const tenant = await newTenant(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: tenant.login.email, password: 'wrong-password' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});

describe('bad input', () => {
  it('answers malformed JSON, unknown fields and wrong types with the field named', async () => {
    const tenant = await newTenant(t);
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'MALFORMED_JSON' });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'a', colour: 'red' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'colour' }],
    });
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 5 },
    });
    expect(wrongType.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'name' }],
    });
    const keys = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: tenant.auth });
    expect((keys.json() as { items: unknown[] }).items).toHaveLength(1);
  });

  it('says why each field was refused: a reason and its params beside the English message', async () => {
    const tenant = await newTenant(t);
    const errorsOf = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
      const res = await t.app.inject({
        method,
        url,
        headers: tenant.auth,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode).toBe(400);
      return (res.json() as Problem).errors;
    };
    const user = { email: 'new@example.com', name: '新人', role: 'agent', password: 'long enough' };
    expect(await errorsOf('POST', '/v1/api-keys', { name: 'a', colour: 'red' })).toEqual([
      { field: 'colour', message: 'unknown field', reason: 'unknown_field' },
    ]);
    expect(await errorsOf('POST', '/v1/api-keys', { name: 5 })).toEqual([
      {
        field: 'name',
        message: 'Invalid input: expected string, received number',
        reason: 'invalid_type',
        params: { expected: 'string' },
      },
    ]);
    expect(await errorsOf('GET', '/v1/audit-log?limit=0')).toEqual([
      {
        field: 'querystring.limit',
        message: 'Too small: expected number to be >=1',
        reason: 'too_small',
        params: { origin: 'number', minimum: 1 },
      },
    ]);
    expect(await errorsOf('POST', '/v1/users', { ...user, email: 'not-an-email' })).toEqual([
      {
        field: 'email',
        message: 'Invalid email address',
        reason: 'invalid_format',
        params: { format: 'email' },
      },
    ]);
    expect(
      await errorsOf('POST', '/v1/users', { ...user, email: undefined, role: 'boss' }),
    ).toEqual([
      expect.objectContaining({ field: 'email', reason: 'required' }),
      expect.objectContaining({
        field: 'role',
        reason: 'invalid_value',
        params: { options: 'owner, manager, agent, analyst, viewer' },
      }),
    ]);
    expect(await errorsOf('PATCH', '/v1/users/not-a-uuid', { name: 'x' })).toEqual([
      expect.objectContaining({
        field: 'params.id',
        reason: 'invalid_format',
        params: { format: 'uuid' },
      }),
    ]);
  });

  it('rejects oversized bodies', async () => {
    const tenant = await newTenant(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers another tenant’s ids with 404', async () => {
    const a = await newTenant(t, 'A');
    const b = await newTenant(t, 'B');
    const keyOfA = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: a.auth,
      payload: { name: 'a-key' },
    });
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${(keyOfA.json() as { id: string }).id}`,
      headers: b.auth,
    });
    expect(res.statusCode).toBe(404);
  });

  it('records changes in the audit log', async () => {
    const tenant = await newTenant(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'audited' },
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/audit-log?entityType=api_key',
      headers: tenant.auth,
    });
    const items = (res.json() as { items: { action: string; after: { name: string } }[] }).items;
    expect(items.map((item) => item.after?.name)).toContain('audited');
  });
});

describe('users: role, name, disable and re-enable (PATCH /v1/users/:id)', () => {
  type Tenant = Awaited<ReturnType<typeof newTenant>>;
  interface UserView {
    id: string;
    email: string;
    name: string;
    role: string;
    disabled: boolean;
    disabledAt: string | null;
  }
  /** A logged-in browser: the session cookie, plus the CSRF token writes need. */
  interface Browser {
    read: { cookie: string };
    write: { cookie: string; 'x-csrf-token': string };
  }
  const password = 'a long password';

  async function addUser(tenant: Tenant, role: string, label = role): Promise<UserView> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: tenant.auth,
      payload: { email: `${label}-${Math.random()}@example.com`, name: label, role, password },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  function logIn(email: string, secret = password) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: secret },
    });
  }

  async function browserOf(email: string, secret = password): Promise<Browser> {
    const res = await logIn(email, secret);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
    const { csrfToken } = res.json() as { csrfToken: string };
    return { read: { cookie }, write: { cookie, 'x-csrf-token': csrfToken } };
  }

  function patchUser(
    headers: Record<string, string>,
    id: string,
    payload: Record<string, unknown>,
  ) {
    return t.app.inject({ method: 'PATCH', url: `/v1/users/${id}`, headers, payload });
  }

  async function usersOf(tenant: Tenant): Promise<UserView[]> {
    const res = await t.app.inject({ method: 'GET', url: '/v1/users', headers: tenant.auth });
    return (res.json() as { items: UserView[] }).items;
  }

  async function ownerOf(tenant: Tenant): Promise<UserView> {
    const owner = (await usersOf(tenant)).find((user) => user.email === tenant.login.email);
    if (!owner) throw new Error('the tenant has no owner user');
    return owner;
  }

  async function userAudit(tenant: Tenant, id: string) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/audit-log?entityType=user&entityId=${id}`,
      headers: tenant.auth,
    });
    return (
      res.json() as {
        items: {
          action: string;
          actorType: string;
          actorId: string;
          before: unknown;
          after: unknown;
        }[];
      }
    ).items;
  }

  it('changes a role and a name, shows them in the list and audits before/after once', async () => {
    const tenant = await newTenant(t);
    const agent = await addUser(tenant, 'agent');
    expect(agent).toMatchObject({ role: 'agent', disabled: false, disabledAt: null });

    const owner = await browserOf(tenant.login.email, tenant.login.password);
    const res = await patchUser(owner.write, agent.id, { role: 'manager', name: '王经理' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: agent.id,
      role: 'manager',
      name: '王经理',
      disabled: false,
    });
    expect((await usersOf(tenant)).find((user) => user.id === agent.id)).toMatchObject({
      role: 'manager',
      name: '王经理',
    });

    // PATCH sets state: the same request again changes nothing and records nothing.
    const again = await patchUser(owner.write, agent.id, { role: 'manager', name: '王经理' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ role: 'manager', name: '王经理' });
    const audit = await userAudit(tenant, agent.id);
    expect(audit.map((entry) => entry.action)).toEqual(['user.updated', 'user.created']);
    expect(audit[0]).toMatchObject({
      actorType: 'user',
      actorId: (await ownerOf(tenant)).id,
      before: { name: 'agent', role: 'agent', disabled: false },
      after: { name: '王经理', role: 'manager', disabled: false },
    });
  });

  it('applies a new role to the user’s open session at once', async () => {
    const tenant = await newTenant(t);
    const second = await addUser(tenant, 'owner', 'second-owner');
    const session = await browserOf(second.email);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/users', headers: session.read })).statusCode,
    ).toBe(200);
    expect((await patchUser(tenant.auth, second.id, { role: 'viewer' })).statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/v1/users', headers: session.read });
    expect(after.statusCode).toBe(403);
    expect(after.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('disabling ends the user’s sessions at once and refuses their login; re-enabling lets them in', async () => {
    const tenant = await newTenant(t);
    const agent = await addUser(tenant, 'agent');
    const session = await browserOf(agent.email);
    const sessionOk = () =>
      t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: session.read });
    expect((await sessionOk()).statusCode).toBe(200);

    const disabled = await patchUser(tenant.auth, agent.id, { disabled: true });
    expect(disabled.statusCode).toBe(200);
    const view = disabled.json() as UserView;
    expect(view.disabled).toBe(true);
    expect(Date.parse(view.disabledAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect((await usersOf(tenant)).find((user) => user.id === agent.id)).toMatchObject({
      disabled: true,
      disabledAt: view.disabledAt,
    });

    // The open session is over, for reads and writes alike.
    const ended = await sessionOk();
    expect(ended.statusCode).toBe(401);
    expect(ended.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const write = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: session.write,
      payload: { name: '张三' },
    });
    expect(write.statusCode).toBe(401);

    // The right password is refused exactly like a wrong one: the login does not tell
    // whether an account exists or is disabled.
    const refused = await logIn(agent.email);
    const wrong = await logIn(agent.email, 'not the password');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(refused.json()).toMatchObject({ detail: (wrong.json() as { detail: string }).detail });

    // Disabling again is a no-op: the first instant stays.
    const twice = await patchUser(tenant.auth, agent.id, { disabled: true });
    expect(twice.json()).toMatchObject({ disabled: true, disabledAt: view.disabledAt });

    const enabled = await patchUser(tenant.auth, agent.id, { disabled: false });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json()).toMatchObject({ disabled: false, disabledAt: null });
    // The old cookie stays dead; a new login works.
    expect((await sessionOk()).statusCode).toBe(401);
    expect((await logIn(agent.email)).statusCode).toBe(200);

    const audit = await userAudit(tenant, agent.id);
    expect(audit.map((entry) => [entry.before, entry.after])).toEqual([
      [
        { name: 'agent', role: 'agent', disabled: true },
        { name: 'agent', role: 'agent', disabled: false },
      ],
      [
        { name: 'agent', role: 'agent', disabled: false },
        { name: 'agent', role: 'agent', disabled: true },
      ],
      [null, expect.objectContaining({ role: 'agent' })],
    ]);
  });

  it('does not let a user disable themself or change their own role, but they may rename themself', async () => {
    const tenant = await newTenant(t);
    await addUser(tenant, 'owner', 'second-owner');
    const me = await ownerOf(tenant);
    const owner = await browserOf(tenant.login.email, tenant.login.password);
    for (const payload of [{ disabled: true }, { role: 'manager' }]) {
      const res = await patchUser(owner.write, me.id, payload);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        code: 'FORBIDDEN',
        errors: [{ field: Object.keys(payload)[0] }],
      });
    }
    // Setting what already is changes nothing, so it is no change of one’s own role.
    expect((await patchUser(owner.write, me.id, { role: 'owner' })).statusCode).toBe(200);
    const renamed = await patchUser(owner.write, me.id, { name: '老板' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: '老板', role: 'owner', disabled: false });
    expect(await userAudit(tenant, me.id)).toHaveLength(1);
  });

  it('refuses a second user with an email already used, naming the field and why', async () => {
    const tenant = await newTenant(t);
    const before = await usersOf(tenant);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: tenant.auth,
      payload: { email: tenant.login.email, name: '重名', role: 'agent', password: 'long enough' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'CONFLICT',
      errors: [{ field: 'email', message: 'already used', reason: 'already_used' }],
    });
    expect(await usersOf(tenant)).toEqual(before);
  });

  it('keeps at least one enabled owner', async () => {
    const tenant = await newTenant(t);
    const first = await ownerOf(tenant);
    // An owner API key is no user, so only the last-owner rule stands in its way.
    for (const payload of [{ role: 'manager' }, { disabled: true }]) {
      const res = await patchUser(tenant.auth, first.id, payload);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'CONFLICT',
        errors: [{ field: Object.keys(payload)[0], reason: 'last_owner' }],
      });
    }
    // A disabled owner does not count.
    const second = await addUser(tenant, 'owner', 'second-owner');
    expect((await patchUser(tenant.auth, second.id, { disabled: true })).statusCode).toBe(200);
    expect((await patchUser(tenant.auth, first.id, { role: 'manager' })).statusCode).toBe(409);
    // Once the second owner is back, either may go, but not both.
    expect((await patchUser(tenant.auth, second.id, { disabled: false })).statusCode).toBe(200);
    expect((await patchUser(tenant.auth, first.id, { role: 'manager' })).statusCode).toBe(200);
    expect((await patchUser(tenant.auth, second.id, { role: 'agent' })).statusCode).toBe(409);
    const owners = (await usersOf(tenant)).filter((u) => u.role === 'owner' && !u.disabled);
    expect(owners.map((u) => u.id)).toEqual([second.id]);
  });

  it('keeps an enabled owner when two requests would each remove one at the same moment', async () => {
    const tenant = await newTenant(t);
    const first = await ownerOf(tenant);
    const second = await addUser(tenant, 'owner', 'second-owner');
    const third = await addUser(tenant, 'owner', 'third-owner');
    // Three owners, three concurrent removals (a demotion and two disablings): without the
    // lock each would see the others still there and all three would succeed.
    const results = await Promise.all([
      patchUser(tenant.auth, first.id, { role: 'analyst' }),
      patchUser(tenant.auth, second.id, { disabled: true }),
      patchUser(tenant.auth, third.id, { role: 'viewer', disabled: true }),
    ]);
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([200, 200, 409]);
    const owners = (await usersOf(tenant)).filter((u) => u.role === 'owner' && !u.disabled);
    expect(owners).toHaveLength(1);
  });

  it('is for owners only', async () => {
    const tenant = await newTenant(t);
    const agent = await addUser(tenant, 'agent');
    const manager = await addUser(tenant, 'manager');
    const managerSession = await browserOf(manager.email);
    const bySession = await patchUser(managerSession.write, agent.id, { disabled: true });
    expect(bySession.statusCode).toBe(403);
    expect(bySession.json()).toMatchObject({ code: 'FORBIDDEN' });
    const key = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: tenant.auth,
      payload: { name: 'manager key', role: 'manager' },
    });
    const byKey = await patchUser(
      { authorization: `Bearer ${(key.json() as { key: string }).key}` },
      agent.id,
      { role: 'viewer' },
    );
    expect(byKey.statusCode).toBe(403);
    expect((await usersOf(tenant)).find((u) => u.id === agent.id)).toMatchObject({
      role: 'agent',
      disabled: false,
    });
    // A cookie without the CSRF token cannot write either.
    const owner = await browserOf(tenant.login.email, tenant.login.password);
    expect((await patchUser(owner.read, agent.id, { disabled: true })).json()).toMatchObject({
      code: 'CSRF_FAILED',
    });
  });

  it('answers another tenant’s user, or none, with 404', async () => {
    const a = await newTenant(t, 'A');
    const b = await newTenant(t, 'B');
    const userOfA = await addUser(a, 'agent');
    const res = await patchUser(b.auth, userOfA.id, { disabled: true });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await usersOf(a)).find((u) => u.id === userOfA.id)?.disabled).toBe(false);
    const none = await patchUser(b.auth, '0190a0a0-0000-7000-8000-000000000000', { role: 'agent' });
    expect(none.statusCode).toBe(404);
  });

  it('answers unknown fields and wrong types with problem+json naming the field', async () => {
    const tenant = await newTenant(t);
    const agent = await addUser(tenant, 'agent');
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'new@example.com' }, 'email'],
      [{ disabled: 'yes' }, 'disabled'],
      [{ role: 'boss' }, 'role'],
      [{ name: '' }, 'name'],
    ];
    for (const [payload, field] of cases) {
      const res = await patchUser(tenant.auth, agent.id, payload);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field }] });
    }
    const badId = await patchUser(tenant.auth, 'not-a-uuid', { role: 'agent' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await userAudit(tenant, agent.id)).toHaveLength(1);
  });
});

describe('GET /v1/jobs', () => {
  it('pages a tenant’s jobs newest first, by kind and status, and never another tenant’s', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const queue = async (who: typeof tenant, url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, headers: who.auth, payload });
      expect(res.statusCode, res.body).toBe(202);
      return (res.json() as { jobId: string }).jobId;
    };
    const queued: string[] = [];
    for (const kind of ['loyalty.sweep', 'loyalty.tier-review', 'loyalty.sweep'])
      queued.push(await queue(tenant, '/v1/loyalty/jobs', { kind }));
    queued.push(await queue(tenant, '/v1/analytics/score-runs', {}));
    queued.push(await queue(tenant, '/v1/loyalty/jobs', { kind: 'loyalty.sweep' }));
    await queue(other, '/v1/loyalty/jobs', { kind: 'loyalty.sweep' });
    const list = async (query: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/jobs${query}`,
        headers: tenant.auth,
      });
      return res;
    };
    type Page = {
      items: { id: string; kind: string; status: string }[];
      nextCursor: string | null;
    };

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as Page;
      seen.push(...body.items.map((job) => job.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...queued].reverse());

    const sweeps = (await list('?kind=loyalty.sweep')).json() as Page;
    expect(sweeps.items.map((job) => job.id)).toEqual([queued[4], queued[2], queued[0]]);
    // A status no worker gives (on PostgreSQL another test file's worker may run queued jobs).
    await sql`update jobs set status = 'cancelled' where id = ${queued[1]}`.execute(t.database.db);
    const cancelled = (await list('?status=cancelled')).json() as Page;
    expect(cancelled.items.map((job) => job.id)).toEqual([queued[1]]);
    expect(((await list('?status=done')).json() as Problem).errors).toEqual([
      expect.objectContaining({ field: 'querystring.status' }),
    ]);
    expect((await list('?cursor=not-a-cursor')).statusCode).toBe(400);
  });
});

describe('GET /v1/audit-log', () => {
  type Entry = {
    id: string;
    at: string;
    actorType: string;
    actorId: string | null;
    actorName: string | null;
    action: string;
    entityType: string;
    entityId: string | null;
  };
  type Page = { items: Entry[]; nextCursor: string | null };

  it('filters by actor, action and time, names the actor, and pages newest first', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const send = (headers: Record<string, string>, url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers, payload });
    const ownerKey = (
      (await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: tenant.auth })).json() as {
        items: { id: string; name: string }[];
      }
    ).items[0];
    if (!ownerKey) throw new Error('the tenant has no API key');

    const user = (
      await send(tenant.auth, '/v1/users', {
        email: `ops-${Math.random()}@example.com`,
        name: '王小明',
        role: 'manager',
        password: 'a long password',
      })
    ).json() as { id: string; email: string };
    const login = await send({}, '/v1/auth/login', {
      email: user.email,
      password: 'a long password',
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const browser = { cookie, 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };

    const byKey = await send(tenant.auth, '/v1/customers', { kind: 'person', name: 'Key Made' });
    expect(byKey.statusCode).toBe(201);
    const between = new Date().toISOString();
    const byUser = await send(browser, '/v1/customers', { kind: 'person', name: 'User Made' });
    expect(byUser.statusCode, byUser.body).toBe(201);
    const elsewhere = await send(other.auth, '/v1/customers', {
      kind: 'person',
      name: 'Elsewhere',
    });

    const list = async (query: string): Promise<Page> => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/audit-log${query}`,
        headers: tenant.auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Page;
    };

    const byTheUser = await list('?actorType=user');
    expect(byTheUser.items.map((entry) => [entry.action, entry.actorId, entry.actorName])).toEqual([
      ['customer.create', user.id, '王小明'],
    ]);
    const byTheKey = await list(`?actorType=api_key&actorId=${ownerKey.id}`);
    expect(byTheKey.items.map((entry) => entry.action)).toEqual([
      'customer.create',
      'user.created',
    ]);
    expect(new Set(byTheKey.items.map((entry) => entry.actorName))).toEqual(
      new Set([ownerKey.name]),
    );
    const created = await list('?action=customer.create');
    expect(created.items.map((entry) => entry.entityId)).toEqual([
      (byUser.json() as { id: string }).id,
      (byKey.json() as { id: string }).id,
    ]);
    expect((await list(`?action=customer.create&from=${between}`)).items).toHaveLength(1);
    expect((await list(`?action=customer.create&to=${between}`)).items).toHaveLength(1);
    expect((await list('?action=customer.delete')).items).toEqual([]);

    const everything = await list('');
    expect(everything.items.map((entry) => entry.entityId)).not.toContain(
      (elsewhere.json() as { id: string }).id,
    );
    expect(everything.items.length).toBeGreaterThanOrEqual(4);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      walked.push(...page.items.map((entry) => entry.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(everything.items.map((entry) => entry.id));
    const times = everything.items.map((entry) => entry.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('pages through entries and jobs written within one millisecond without skipping any', async () => {
    const tenant = await newTenant(t);
    for (const name of ['one', 'two', 'three'])
      await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: tenant.auth,
        payload: { kind: 'person', name },
      });
    for (let i = 0; i < 3; i += 1)
      await t.app.inject({
        method: 'POST',
        url: '/v1/loyalty/jobs',
        headers: tenant.auth,
        payload: { kind: 'loyalty.sweep' },
      });
    // PostgreSQL keeps microseconds, a JS Date milliseconds: a cursor of the Date skipped rows.
    await sql`update audit_log set at = '2026-03-01T08:00:00.123000Z'::timestamptz
        + (random() * 999)::int * interval '1 microsecond'
      where tenant_id = ${tenant.tenantId}`.execute(t.database.db);
    await sql`update jobs set created_at = '2026-03-01T08:00:00.123000Z'::timestamptz
        + (random() * 999)::int * interval '1 microsecond'
      where tenant_id = ${tenant.tenantId}`.execute(t.database.db);
    for (const url of ['/v1/audit-log', '/v1/jobs']) {
      const all = (await t.app.inject({ method: 'GET', url, headers: tenant.auth })).json() as Page;
      expect(all.items.length, url).toBeGreaterThanOrEqual(3);
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.app.inject({
          method: 'GET',
          url: `${url}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          headers: tenant.auth,
        });
        const page = res.json() as Page;
        walked.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(walked, url).toEqual(all.items.map((item) => item.id));
    }
  });

  it('refuses an unknown actor type or a bad instant, naming the parameter', async () => {
    const tenant = await newTenant(t);
    for (const [query, field] of [
      ['actorType=robot', 'querystring.actorType'],
      ['from=yesterday', 'querystring.from'],
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/audit-log?${query}`,
        headers: tenant.auth,
      });
      expect(res.statusCode).toBe(400);
      expect((res.json() as Problem).errors).toEqual([expect.objectContaining({ field })]);
    }
  });
});

describe('GET /v1/users and GET /v1/api-keys: search, filters and pages', () => {
  type Tenant = Awaited<ReturnType<typeof newTenant>>;
  type Page<T> = { items: T[]; nextCursor: string | null };
  type UserRow = { id: string; name: string; email: string; role: string; disabled: boolean };
  type KeyRow = {
    id: string;
    name: string;
    role: string;
    prefix: string;
    revokedAt: string | null;
  };

  async function list<T>(tenant: Tenant, url: string): Promise<Page<T>> {
    const res = await t.app.inject({ method: 'GET', url, headers: tenant.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page<T>;
  }

  /** Every page of `url` (which has a query already), `limit` at a time, in order. */
  async function walk<T extends { id: string }>(tenant: Tenant, url: string, limit = 2) {
    const pages: T[][] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await list<T>(
        tenant,
        `${url}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return pages;
  }

  async function post(tenant: Tenant, url: string, payload: object) {
    const res = await t.app.inject({ method: 'POST', url, headers: tenant.auth, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; key?: string };
  }

  async function addUser(tenant: Tenant, name: string, email: string, role = 'agent') {
    return (await post(tenant, '/v1/users', { name, email, role, password: 'a long password' })).id;
  }

  it('pages users by name, then id, each once, and finds them by name or email', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const suffix = Math.random().toString(36).slice(2, 8);
    const ids: Record<string, string> = {};
    for (const [name, role] of [
      ['bob', 'agent'],
      ['Alice', 'manager'],
      ['alice', 'agent'], // the same sort key as Alice: the id decides
      ['Carol_50%', 'viewer'],
      ['王芳', 'agent'],
      ['alice', 'viewer'],
    ] as const)
      ids[`${name}/${role}`] = await addUser(
        tenant,
        name,
        `u${Object.keys(ids).length}.${role}.${suffix}@shop.cn`,
        role,
      );
    await addUser(other, 'alice elsewhere', `alice.${suffix}@other.cn`);
    const disabled = ids['bob/agent']!;
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/v1/users/${disabled}`,
          headers: tenant.auth,
          payload: { disabled: true },
        })
      ).statusCode,
    ).toBe(200);

    const all = await list<UserRow>(tenant, '/v1/users');
    expect(all.nextCursor).toBeNull();
    expect(all.items).toHaveLength(7); // the six and the tenant's owner
    // By name, ignoring case (王芳 by its pinyin, wang fang: users-by-pinyin.routes.test.ts).
    expect(all.items.map((user) => user.name)).toEqual([
      'Alice',
      'alice',
      'alice',
      'bob',
      'Carol_50%',
      'Owner',
      '王芳',
    ]);

    const pages = await walk<UserRow>(tenant, '/v1/users?');
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat().map((user) => user.id)).toEqual(all.items.map((user) => user.id));

    const names = async (query: string) =>
      (await walk<UserRow>(tenant, `/v1/users?${query}`)).flat().map((user) => user.name);
    // Alice, then the two alice by id: made in that order, and ids grow with time.
    expect(await names('q=ALIC')).toEqual(['Alice', 'alice', 'alice']);
    expect(await names('q=alic')).toEqual(['Alice', 'alice', 'alice']);
    expect(await names(`q=${encodeURIComponent('芳')}`)).toEqual(['王芳']);
    expect(await names(`q=${encodeURIComponent(`.viewer.${suffix}@SHOP`)}`)).toEqual([
      'alice',
      'Carol_50%',
    ]);
    // % and _ are themselves, not wildcards.
    expect(await names(`q=${encodeURIComponent('_50%')}`)).toEqual(['Carol_50%']);
    expect(await names(`q=${encodeURIComponent('l%')}`)).toEqual([]);
    expect(await names('q=elsewhere')).toEqual([]);
    expect(await names('role=viewer')).toEqual(['alice', 'Carol_50%']);
    expect(await names('status=disabled')).toEqual(['bob']);
    expect(await names('status=enabled&role=agent&q=li')).toEqual(['alice']);
  });

  it('pages keys newest first, each once, even those made within one millisecond', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const made: { id: string; key: string }[] = [];
    for (const [name, role] of [
      ['Till 1', 'agent'],
      ['Till 2', 'agent'],
      ['ERP sync', 'manager'],
      ['BI export', 'analyst'],
      ['Old till', 'agent'],
    ] as const) {
      const created = await post(tenant, '/v1/api-keys', { name, role });
      made.push({ id: created.id, key: created.key ?? '' });
    }
    await post(other, '/v1/api-keys', { name: 'Till elsewhere', role: 'agent' });
    const revoked = made[4]!.id;
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/v1/api-keys/${revoked}`,
          headers: tenant.auth,
        })
      ).statusCode,
    ).toBe(200);
    // PostgreSQL keeps microseconds, a JS Date milliseconds: a cursor of the Date skipped rows.
    await sql`update api_keys set created_at = '2026-03-01T08:00:00.123000Z'::timestamptz
        + (random() * 999)::int * interval '1 microsecond'
      where tenant_id = ${tenant.tenantId}`.execute(t.database.db);
    const { rows: stored } = await sql<{ id: string }>`select id from api_keys
      where tenant_id = ${tenant.tenantId} order by created_at desc, id desc`.execute(
      t.database.db,
    );

    const all = await list<KeyRow>(tenant, '/v1/api-keys');
    expect(all.items.map((key) => key.id)).toEqual(stored.map((row) => row.id));
    expect(all.items).toHaveLength(6); // the five and the tenant's own
    const pages = await walk<KeyRow>(tenant, '/v1/api-keys?');
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2]);
    expect(pages.flat().map((key) => key.id)).toEqual(stored.map((row) => row.id));
    const walkedOnce = await walk<KeyRow>(tenant, '/v1/api-keys?', 1);
    expect(walkedOnce.flat().map((key) => key.id)).toEqual(stored.map((row) => row.id));

    const names = async (query: string) =>
      (await walk<KeyRow>(tenant, `/v1/api-keys?${query}`))
        .flat()
        .map((key) => key.name)
        .sort();
    expect(await names('q=till')).toEqual(['Old till', 'Till 1', 'Till 2']);
    // The characters the list shows of a key, in any case.
    const tail = made[2]!.key.slice(-6);
    expect(await names(`q=${encodeURIComponent(tail.toUpperCase())}`)).toContain('ERP sync');
    expect(await names(`q=${encodeURIComponent(`…${tail}`)}`)).toEqual(['ERP sync']);
    expect(await names('role=agent')).toEqual(['Old till', 'Till 1', 'Till 2']);
    expect(await names('status=revoked')).toEqual(['Old till']);
    expect(await names('status=active&role=agent')).toEqual(['Till 1', 'Till 2']);
    expect(await names('q=elsewhere')).toEqual([]);
  });

  it('refuses a bad parameter with 400 naming it', async () => {
    const tenant = await newTenant(t);
    for (const [url, field] of [
      ['/v1/users?status=active', 'querystring.status'],
      ['/v1/users?role=boss', 'querystring.role'],
      ['/v1/users?limit=201', 'querystring.limit'],
      [`/v1/users?q=${'x'.repeat(201)}`, 'querystring.q'],
      ['/v1/users?cursor=not-a-cursor', 'cursor'],
      ['/v1/users?sort=name', 'querystring.sort'],
      ['/v1/api-keys?status=enabled', 'querystring.status'],
      ['/v1/api-keys?role=boss', 'querystring.role'],
      ['/v1/api-keys?limit=0', 'querystring.limit'],
      ['/v1/api-keys?cursor=not-a-cursor', 'cursor'],
      // PostgreSQL text cannot hold a NUL: refused, not a 500.
      ['/v1/users?q=a%00b', 'querystring.q'],
      ['/v1/api-keys?q=a%00b', 'querystring.q'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url, headers: tenant.auth });
      expect(res.statusCode, url).toBe(400);
      expect((res.json() as Problem).errors, url).toEqual([expect.objectContaining({ field })]);
    }
    // A key's cursor is no user's.
    await post(tenant, '/v1/api-keys', { name: 'second', role: 'viewer' });
    const { nextCursor } = await list<KeyRow>(tenant, '/v1/api-keys?limit=1');
    expect(nextCursor).not.toBeNull();
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/users?cursor=${encodeURIComponent(nextCursor ?? '')}`,
      headers: tenant.auth,
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as Problem).errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });
});

describe('replaceApiKeys (the demo’s key at every start)', () => {
  it('issues a key and revokes the active staff keys it replaces, and no others', async () => {
    const tenant = await newTenant(t);
    const context = systemContext(tenant.tenantId);
    const keyNamed = (name: string) =>
      createApiKey(t.database.db, context, { name, role: 'owner' });
    const earlier = await keyNamed('Demo key');
    const mine = await keyNamed('Mine');
    const status = async (key: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/v1/jobs',
          headers: { authorization: `Bearer ${key}` },
        })
      ).statusCode;

    const fresh = await replaceApiKeys(t.database.db, context, {
      name: 'Demo key',
      role: 'owner',
      replaces: (name) => name === 'Demo key' || name === INITIAL_KEY_NAME,
    });
    expect(await status(fresh.key)).toBe(200);
    expect(await status(earlier.key)).toBe(401);
    expect(await status(tenant.apiKey)).toBe(401); // the initial owner key
    expect(await status(mine.key)).toBe(200);
    const active = await t.app.inject({
      method: 'GET',
      url: '/v1/api-keys?status=active',
      headers: { authorization: `Bearer ${fresh.key}` },
    });
    expect((active.json() as { items: { name: string }[] }).items.map((key) => key.name)).toEqual([
      'Demo key',
      'Mine',
    ]);
  });
});
