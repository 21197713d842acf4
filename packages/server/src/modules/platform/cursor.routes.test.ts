import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { decodeCursor } from './cursor.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');
const uuid = '01900000-0000-7000-8000-000000000000';

describe('decodeCursor', () => {
  it('gives each field as its kind says, and refuses any other content', () => {
    expect(
      decodeCursor(cursorOf({ t: '32503679999999999', i: 'e-1', extra: 1 }), {
        t: 'micros',
        i: 'text',
      }),
    ).toEqual({ t: '32503679999999999', i: 'e-1' });
    expect(decodeCursor(cursorOf({ t: 1_700_000_000_000_000 }), { t: 'micros' })).toEqual({
      t: '1700000000000000',
    });
    expect(decodeCursor(cursorOf({ id: uuid }), { id: 'uuid', fuzzy: 'flag' })).toEqual({
      id: uuid,
      fuzzy: 0,
    });
    const refused = [
      [{ t: 1e300 }, { t: 'micros' }],
      [{ t: -1e20 }, { t: 'micros' }],
      [{ t: '1e5' }, { t: 'micros' }],
      [{ id: 'x' }, { id: 'uuid' }],
      [{ at: 'yesterday' }, { at: 'instant' }],
      [{ at: '0000-01-01T00:00:00Z' }, { at: 'instant' }],
      [{ v: '1' }, { v: 'number' }],
      [{ fuzzy: 2 }, { fuzzy: 'flag' }],
      [{ n: 'a\u0000b' }, { n: 'text' }],
      [[uuid], { id: 'uuid' }],
      [null, { id: 'uuid' }],
    ] as const;
    for (const [position, fields] of refused) {
      expect(() => decodeCursor(cursorOf(position), fields), JSON.stringify(position)).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          errors: [{ field: 'cursor', message: 'invalid cursor', reason: 'invalid_value' }],
        }),
      );
    }
  });
});

describe('a tampered cursor is a 400 on `cursor`, never a 500', () => {
  it('on the customer list, a timeline, the audit log, the notifications outbox, users and keys', async () => {
    const tenant = await newTenant(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'person', name: 'Ada' },
    });
    const customerId = (created.json() as { id: string }).id;
    const tampered = [
      `/v1/customers?cursor=${cursorOf({ sort: '-created', fuzzy: 0, id: 'not-a-uuid', key: '2026-01-01T00:00:00.000Z' })}`,
      `/v1/customers?cursor=${cursorOf({ sort: '-created', fuzzy: 0, id: uuid, key: 'not a date' })}`,
      `/v1/customers/${customerId}/timeline?cursor=${cursorOf({ t: 1e300, i: 'x' })}`,
      `/v1/customers/${customerId}/timeline?cursor=${cursorOf({ t: -1e20, i: 'x' })}`,
      `/v1/audit-log?cursor=${cursorOf({ at: 'soon', id: uuid })}`,
      `/v1/audit-log?cursor=${cursorOf({ at: '2026-01-01T00:00:00Z', id: 'x' })}`,
      `/v1/loyalty/notifications?cursor=${cursorOf({ id: 'x' })}`,
      `/v1/users?cursor=${cursorOf({ n: 'a\u0000b', i: uuid })}`,
      `/v1/users?cursor=${cursorOf({ n: 5, i: uuid })}`,
      `/v1/api-keys?cursor=${cursorOf({ t: 1e300, i: uuid })}`,
      `/v1/api-keys?cursor=${cursorOf({ t: '1700000000000000', i: 'x' })}`,
    ];
    for (const url of tampered) {
      const res = await t.app.inject({ method: 'GET', url, headers: tenant.auth });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'cursor', reason: 'invalid_value' }],
      });
    }
  });
});
