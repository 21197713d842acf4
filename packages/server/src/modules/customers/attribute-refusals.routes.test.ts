// Deleting a custom attribute customers hold values of, without force, is a CONFLICT that says
// why (reason in_use, how many hold it): a rule of the domain the UI words under a neutral
// title, not two requests that met.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;

async function send(tenant: Tenant, method: 'POST' | 'DELETE', url: string, payload?: object) {
  return t.app.inject({
    method,
    url,
    headers: tenant.auth,
    ...(payload ? { payload } : {}),
  });
}

async function holders(tenant: Tenant, values: string[]) {
  for (const value of values) {
    const res = await send(tenant, 'POST', '/v1/customers', {
      kind: 'person',
      name: `Holder ${value}`,
      attributes: { vip: value },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}

describe('deleting an attribute customers hold', () => {
  it('is refused with reason in_use on key, naming the attribute and how many hold it', async () => {
    const tenant = await newTenant(t);
    const defined = await send(tenant, 'POST', '/v1/customer-attributes', {
      key: 'vip',
      labelZh: '贵宾',
      labelEn: 'VIP',
      type: 'string',
    });
    expect(defined.statusCode, defined.body).toBe(201);
    await holders(tenant, ['gold']);

    const one = await send(tenant, 'DELETE', '/v1/customer-attributes/vip');
    expect(one.statusCode, one.body).toBe(409);
    expect(one.json()).toMatchObject({
      code: 'CONFLICT',
      detail:
        '1 customer holds a value of vip: remove the values first, or delete with force=true ' +
        'to remove them with it.',
      errors: [
        {
          field: 'key',
          message: 'vip: 1 customer holds a value of it',
          reason: 'in_use',
          params: { value: 'vip', count: 1 },
        },
      ],
    });

    await holders(tenant, ['silver']);
    const two = await send(tenant, 'DELETE', '/v1/customer-attributes/vip?force=false');
    expect(two.statusCode, two.body).toBe(409);
    expect(two.json()).toMatchObject({
      code: 'CONFLICT',
      errors: [
        {
          field: 'key',
          message: 'vip: 2 customers hold a value of it',
          reason: 'in_use',
          params: { value: 'vip', count: 2 },
        },
      ],
    });

    // With force it goes, values and all.
    expect(
      (await send(tenant, 'DELETE', '/v1/customer-attributes/vip?force=true')).statusCode,
    ).toBe(204);
  });
});
