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

  it('serves the API explorer at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html');
  });
});
