import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const tooEarly = (minimum: string) => ({
  reason: 'too_small',
  params: { origin: 'date', minimum },
});

describe('dates outside the years 1900–2999', () => {
  it('a birthday, a consent time or a list filter there is a 400 naming the field, never a 500', async () => {
    const tenant = await newTenant(t);
    const send = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: tenant.auth, ...(payload ? { payload } : {}) });

    const birthday = await send('POST', '/v1/customers', {
      kind: 'person',
      name: 'Zero',
      birthday: '0000-01-01',
    });
    expect(birthday.statusCode).toBe(400);
    expect((birthday.json() as Problem).errors).toEqual([
      expect.objectContaining({ field: 'birthday', ...tooEarly('1900-01-01') }),
    ]);
    const late = await send('POST', '/v1/customers', {
      kind: 'person',
      name: 'Late',
      birthday: '3000-01-01',
    });
    expect((late.json() as Problem).errors).toEqual([
      expect.objectContaining({
        field: 'birthday',
        reason: 'too_big',
        params: { origin: 'date', maximum: '2999-12-31' },
      }),
    ]);

    const created = await send('POST', '/v1/customers', { kind: 'person', name: 'Ada' });
    expect(created.statusCode).toBe(201);
    const { id } = created.json() as { id: string };
    const consent = await send('PUT', `/v1/customers/${id}/consent/email`, {
      status: 'granted',
      at: '0000-06-01T00:00:00Z',
    });
    expect(consent.statusCode).toBe(400);
    expect((consent.json() as Problem).errors).toEqual([
      expect.objectContaining({ field: 'at', ...tooEarly('1900-01-01T00:00:00.000Z') }),
    ]);

    const list = await send('GET', '/v1/customers?createdFrom=0000-01-01T00:00:00Z');
    expect(list.statusCode).toBe(400);
    expect((list.json() as Problem).errors).toEqual([
      expect.objectContaining({
        field: 'querystring.createdFrom',
        ...tooEarly('1900-01-01T00:00:00.000Z'),
      }),
    ]);
    const fine = await send('GET', '/v1/customers?createdFrom=1900-01-01T00:00:00Z');
    expect(fine.statusCode).toBe(200);
  });
});
