import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

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
