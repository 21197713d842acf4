import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

describe('OpenAPI', () => {
  it('generates an OpenAPI 3.1 document with every public route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const document = res.json() as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/customers',
      '/v1/customers/{id}',
      '/v1/events',
      '/v1/customers/{id}/timeline',
      '/v1/loyalty/programs',
      '/v1/public/loyalty/member/redemptions',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
  });

  it('says who may call each operation: x-permission, x-partner, no security when public', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const programs = '/v1/loyalty/programs/{programId}';
    expect(document.paths['/v1/customers']?.get?.['x-permission']).toBe('customers:read');
    expect(document.paths['/v1/users']?.post?.['x-permission']).toBe('platform:admin');
    expect(document.paths[`${programs}/partner-transactions`]?.post).toMatchObject({
      'x-permission': 'loyalty:operate',
      'x-partner': 'only',
    });
    expect(document.paths[`${programs}/partners/{partnerId}/settlement`]?.get).toMatchObject({
      'x-permission': 'loyalty:read',
      'x-partner': 'also',
    });
    expect(document.paths['/v1/customers']?.get).not.toHaveProperty('x-partner');
    expect(document.paths['/v1/auth/login']?.post?.security).toEqual([]);
    expect(document.paths['/v1/customers']?.get).not.toHaveProperty('security');
  });

  it('serves the API explorer at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html');
  });
});
