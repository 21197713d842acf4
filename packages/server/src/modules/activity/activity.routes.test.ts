import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import type { EventImportResult, Problem } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;

function post(tenant: Tenant, url: string, payload: unknown) {
  return t.app.inject({ method: 'POST', url, headers: tenant.auth, payload: payload as object });
}

function get(tenant: Tenant, url: string) {
  return t.app.inject({ method: 'GET', url, headers: tenant.auth });
}

async function countEvents(tenantId: string): Promise<number> {
  const row = await t.database.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const purchase = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'purchase',
  customerExternalId: 'shop-42',
  occurredAt: '2026-10-01T08:00:00Z',
  currency: 'CNY',
  amount: 3000,
  lines: [
    { sku: 'TEA-1', category: 'tea', quantity: 2, amount: 2000 },
    { sku: 'CUP-1', quantity: 1, amount: 1000 },
  ],
  ...extra,
});

describe('POST /v1/events', () => {
  it('concurrent single events share transactions yet each gets its own answer', async () => {
    const tenant = await newTenant(t);
    await post(tenant, '/v1/events', purchase('seen-before'));
    const requests = [
      ...Array.from({ length: 40 }, (_, i) =>
        purchase(`burst-${i}`, { customerExternalId: `burst-customer-${i % 7}` }),
      ),
      purchase('burst-0', { customerExternalId: 'burst-customer-0' }), // an identical retry
      purchase('seen-before'), // recorded earlier: the first answer again
      purchase('seen-before', { amount: 1 }), // same id, another body
      purchase('burst-bad', {
        customerId: '00000000-0000-7000-8000-000000000000',
        customerExternalId: undefined,
      }),
    ];
    const replies = await Promise.all(requests.map((body) => post(tenant, '/v1/events', body)));
    const statuses = replies.map((reply) => reply.statusCode);
    expect(statuses.slice(0, 40).every((status) => status === 201)).toBe(true);
    expect([200, 201]).toContain(statuses[40]);
    expect(replies[40]!.json()).toEqual(replies[0]!.json());
    expect(statuses.slice(41)).toEqual([200, 409, 422]);
    expect(replies[42]!.json()).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(replies[43]!.json()).toMatchObject({ code: 'EVENT_CUSTOMER_UNKNOWN' });
    expect(await countEvents(tenant.tenantId)).toBe(41);
    const customers = await get(tenant, '/v1/customers?q=burst-customer&limit=50');
    expect((customers.json() as { items: unknown[] }).items).toHaveLength(7);
  });

  it('records a purchase (201), answers an identical retry with the same body, refuses another body (409)', async () => {
    const tenant = await newTenant(t);
    const first = await post(tenant, '/v1/events', purchase('order-1'));
    expect(first.statusCode).toBe(201);
    const body = first.json() as { customerId: string; amount: number; lines: unknown[] };
    expect(body).toMatchObject({ id: 'order-1', type: 'purchase', amount: 3000, currency: 'CNY' });
    expect(body.lines).toHaveLength(2);

    const retry = await post(tenant, '/v1/events', purchase('order-1'));
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());

    const changed = await post(tenant, '/v1/events', purchase('order-1', { amount: 3100 }));
    expect(changed.statusCode).toBe(409);
    expect(changed.headers['content-type']).toContain('application/problem+json');
    expect(changed.json()).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await countEvents(tenant.tenantId)).toBe(1);
  });

  it('creates an unknown customer by external id once, and reuses it', async () => {
    const tenant = await newTenant(t);
    const a = (
      await post(tenant, '/v1/events', purchase('a', { customerExternalId: 'new-1' }))
    ).json() as {
      customerId: string;
    };
    const b = (
      await post(tenant, '/v1/events', purchase('b', { customerExternalId: 'new-1' }))
    ).json() as {
      customerId: string;
    };
    expect(a.customerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.customerId).toBe(a.customerId);
  });

  it('records an interaction with its details', async () => {
    const tenant = await newTenant(t);
    const res = await post(tenant, '/v1/events', {
      id: 'call-1',
      type: 'interaction',
      customerExternalId: 'c1',
      occurredAt: '2026-10-02T09:30:00+08:00',
      channel: 'phone',
      direction: 'out',
      subject: '回访',
      staffMember: 'Li Na',
      outcome: 'satisfied',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      type: 'interaction',
      channel: 'phone',
      direction: 'out',
      subject: '回访',
      occurredAt: '2026-10-02T01:30:00.000Z',
      amount: null,
      currency: null,
    });
  });

  it('says an amount with a fraction is not in minor units, field and reason kept', async () => {
    const tenant = await newTenant(t);
    const res = await post(tenant, '/v1/events', purchase('frac', { amount: 1.5, lines: [] }));
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors).toEqual([
      {
        field: 'amount',
        message: 'an integer amount in minor units (cents, 分): 12.50 is 1250',
        reason: 'invalid_type',
        params: { expected: 'int' },
      },
    ]);
  });

  it('rejects bad input with problem+json and records nothing', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const foreign = (await post(other, '/v1/events', purchase('theirs'))).json() as {
      customerId: string;
    };
    const cases: { payload: unknown; code: string; status: number; field?: string }[] = [
      {
        payload: purchase('x', { amount: '12' }),
        code: 'VALIDATION_FAILED',
        status: 400,
        field: 'amount',
      },
      {
        payload: purchase('x', { amount: -5 }),
        code: 'VALIDATION_FAILED',
        status: 400,
        field: 'amount',
      },
      {
        payload: purchase('x', { colour: 'red' }),
        code: 'VALIDATION_FAILED',
        status: 400,
        field: 'colour',
      },
      {
        payload: purchase('x', { currency: 'yuan' }),
        code: 'VALIDATION_FAILED',
        status: 400,
        field: 'currency',
      },
      {
        payload: purchase('x', { occurredAt: 'yesterday' }),
        code: 'VALIDATION_FAILED',
        status: 400,
      },
      {
        payload: purchase('x', { id: 'y'.repeat(201) }),
        code: 'VALIDATION_FAILED',
        status: 400,
        field: 'id',
      },
      { payload: purchase('x', { type: 'gift' }), code: 'VALIDATION_FAILED', status: 400 },
      {
        payload: purchase('x', { customerId: foreign.customerId, customerExternalId: undefined }),
        code: 'EVENT_CUSTOMER_UNKNOWN',
        status: 422,
      },
      {
        payload: purchase('x', { customerId: foreign.customerId }),
        code: 'VALIDATION_FAILED',
        status: 400,
        field: 'customerId',
      },
      {
        payload: {
          id: 'r',
          type: 'refund',
          refundOf: 'theirs',
          occurredAt: '2026-10-03T00:00:00Z',
          amount: 1,
        },
        code: 'REFUND_TARGET_NOT_FOUND',
        status: 422,
      },
    ];
    for (const c of cases) {
      const res = await post(tenant, '/v1/events', c.payload);
      expect(res.statusCode, JSON.stringify(c.payload)).toBe(c.status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const problem = res.json() as { code: string; errors?: { field: string }[] };
      expect(problem.code).toBe(c.code);
      if (c.field) expect(problem.errors?.map((e) => e.field).join(' ')).toContain(c.field);
    }
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...tenant.auth, 'content-type': 'application/json' },
      payload: '{"id": "x", ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'MALFORMED_JSON' });
    const oversized = await post(
      tenant,
      '/v1/events',
      purchase('big', { store: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(oversized.statusCode).toBe(413);
    expect(await countEvents(tenant.tenantId)).toBe(0);
  });

  it('needs events:write', async () => {
    const tenant = await newTenant(t);
    const key = (await post(tenant, '/v1/api-keys', { name: 'ro', role: 'viewer' })).json() as {
      key: string;
    };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${key.key}` },
      payload: purchase('p'),
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('refunds', () => {
  it('refuses a refund dated before its purchase, in a batch and in a CSV import', async () => {
    const tenant = await newTenant(t);
    await post(tenant, '/v1/events', purchase('paid'));
    const early = {
      id: 'early-refund',
      type: 'refund',
      refundOf: 'paid',
      occurredAt: '2026-09-30T08:00:00Z',
      amount: 100,
    };
    const res = await post(tenant, '/v1/events', early);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      errors: [{ field: 'occurredAt', reason: 'must_be_after', params: { other: 'refundOf' } }],
    });
    // In a batch, against a purchase of the same batch.
    const batch = await post(tenant, '/v1/events:batch', {
      events: [
        purchase('paid-2', { occurredAt: '2026-10-10T08:00:00Z' }),
        { ...early, id: 'early-2', refundOf: 'paid-2', occurredAt: '2026-10-09T08:00:00Z' },
      ],
    });
    const results = (batch.json() as { results: { status: string }[] }).results;
    expect(results.map((r) => r.status)).toEqual(['created', 'error']);
    const csv = await t.app.inject({
      method: 'POST',
      url: '/v1/events/imports',
      headers: { ...tenant.auth, 'content-type': 'text/csv' },
      payload:
        'event_id,occurred_at,amount,currency,type,refund_of\nearly-3,20260930,1.00,CNY,refund,paid\n',
    });
    expect(csv.statusCode).toBe(422);
    expect(csv.json()).toMatchObject({
      errors: [{ line: 2, field: 'occurred_at', reason: 'must_be_after' }],
    });
  });

  it('allows several partial refunds and refuses what would exceed the purchase, per line and in total', async () => {
    const tenant = await newTenant(t);
    await post(tenant, '/v1/events', purchase('order'));
    const refund = (id: string, amount: number, lines?: unknown[]) =>
      post(tenant, '/v1/events', {
        id,
        type: 'refund',
        refundOf: 'order',
        occurredAt: '2026-10-05T00:00:00Z',
        amount,
        ...(lines ? { lines } : {}),
      });
    const r1 = await refund('r1', 1000, [{ lineNo: 1, quantity: 1, amount: 1000 }]);
    expect(r1.statusCode).toBe(201);
    expect(r1.json()).toMatchObject({
      amount: -1000,
      currency: 'CNY',
      refundOf: 'order',
      lines: [{ lineNo: 1, sku: 'TEA-1', quantity: -1, amount: -1000 }],
    });
    // Line 1 had 2000: 1000 refunded, another 1500 would exceed it.
    const r2 = await refund('r2', 1500, [{ lineNo: 1, quantity: 1, amount: 1500 }]);
    expect(r2.statusCode).toBe(422);
    expect(r2.json()).toMatchObject({
      code: 'REFUND_EXCEEDS_PURCHASE',
      errors: [
        {
          field: 'lines[0].amount',
          message:
            "line 1: refunds would total 2500 CNY (minor units), more than the line's 2000; 1000 CNY left to refund",
          reason: 'too_big',
          params: { maximum: 1000 },
        },
      ],
    });
    // Quantity: 2 bought, 1 returned, 2 more is too many.
    const r3 = await refund('r3', 500, [{ lineNo: 1, quantity: 2, amount: 500 }]);
    expect(r3.json()).toMatchObject({ code: 'REFUND_EXCEEDS_PURCHASE' });
    expect((await refund('r4', 1500)).statusCode).toBe(201);
    // 2500 of 3000 refunded: 600 more is too much, 500 is exactly right, then nothing is left.
    expect((await refund('r5', 600)).json()).toMatchObject({
      code: 'REFUND_EXCEEDS_PURCHASE',
      detail:
        "refunds would total 3100 CNY (minor units), more than the purchase's 3000; 500 CNY left to refund",
    });
    expect((await refund('r6', 500)).statusCode).toBe(201);
    expect((await refund('r7', 1)).statusCode).toBe(422);
    // A resend of an accepted refund is still a duplicate, not "exceeds".
    expect((await refund('r6', 500)).statusCode).toBe(200);
    // A refund of the wrong currency, of a missing line.
    const wrongCurrency = await post(tenant, '/v1/events', purchase('order2'));
    expect(wrongCurrency.statusCode).toBe(201);
    const usd = await post(tenant, '/v1/events', {
      id: 'r8',
      type: 'refund',
      refundOf: 'order2',
      occurredAt: '2026-10-05T00:00:00Z',
      amount: 100,
      currency: 'USD',
    });
    expect(usd.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const badLine = await post(tenant, '/v1/events', {
      id: 'r9',
      type: 'refund',
      refundOf: 'order2',
      occurredAt: '2026-10-05T00:00:00Z',
      amount: 100,
      lines: [{ lineNo: 9, amount: 100 }],
    });
    expect(badLine.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'lines[0].lineNo' }],
    });
  });

  it('keeps concurrent refunds of one purchase within its amount', async () => {
    const tenant = await newTenant(t);
    await post(tenant, '/v1/events', purchase('order'));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(tenant, '/v1/events', {
          id: `c${i}`,
          type: 'refund',
          refundOf: 'order',
          occurredAt: '2026-10-05T00:00:00Z',
          amount: 700,
        }),
      ),
    );
    const accepted = results.filter((res) => res.statusCode === 201).length;
    expect(accepted).toBe(4); // 4 × 700 = 2800 ≤ 3000 < 3500
    expect(results.filter((res) => res.statusCode === 422)).toHaveLength(6);
    const row = await t.database.db
      .selectFrom('events')
      .select((eb) => eb.fn.sum<number>('amount').as('net'))
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    expect(Number(row.net)).toBe(3000 - 2800);
  });
});

describe('POST /v1/events:batch', () => {
  it('records the good events and reports the bad ones, one result each', async () => {
    const tenant = await newTenant(t);
    await post(tenant, '/v1/events', purchase('old'));
    const res = await post(tenant, '/v1/events:batch', {
      events: [
        purchase('b1'),
        purchase('b2', { amount: 'lots' }),
        purchase('old'),
        purchase('old', { amount: 1 }),
        {
          id: 'b3',
          type: 'refund',
          refundOf: 'b1',
          occurredAt: '2026-10-02T00:00:00Z',
          amount: 3000,
        },
        { id: 'b4', type: 'refund', refundOf: 'b1', occurredAt: '2026-10-02T00:00:00Z', amount: 1 },
        purchase('b1'),
        { nonsense: true },
        42,
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json() as {
      results: { index: number; id: string | null; status: string; error?: Problem }[];
    };
    expect(results.map((r) => [r.id, r.status, r.error?.code])).toEqual([
      ['b1', 'created', undefined],
      ['b2', 'error', 'VALIDATION_FAILED'],
      ['old', 'duplicate', undefined],
      ['old', 'error', 'IDEMPOTENCY_CONFLICT'],
      ['b3', 'created', undefined],
      ['b4', 'error', 'REFUND_EXCEEDS_PURCHASE'],
      ['b1', 'duplicate', undefined],
      [null, 'error', 'VALIDATION_FAILED'],
      [null, 'error', 'VALIDATION_FAILED'],
    ]);
    // Each refused event says why, field by field, as the HTTP edge does.
    expect(results[1]?.error?.errors).toEqual([
      expect.objectContaining({
        field: 'amount',
        reason: 'invalid_type',
        params: { expected: 'number' },
      }),
    ]);
    expect(results[5]?.error?.errors).toEqual([
      expect.objectContaining({
        field: 'amount',
        reason: 'too_big',
        params: { origin: 'number', maximum: 0 }, // b3 refunded it all
      }),
    ]);
    expect(results[7]?.error?.errors).toEqual([
      expect.objectContaining({
        field: 'type',
        reason: 'required',
        params: { options: 'purchase, refund, interaction' },
      }),
    ]);
    expect(await countEvents(tenant.tenantId)).toBe(3);
  });

  it('refuses more than 1000 events, and a body that is not a batch', async () => {
    const tenant = await newTenant(t);
    const many = Array.from({ length: 1001 }, (_, i) => purchase(`m${i}`));
    const res = await post(tenant, '/v1/events:batch', { events: many });
    expect(res.statusCode).toBe(400);
    expect((await post(tenant, '/v1/events:batch', { events: [] })).statusCode).toBe(400);
    expect((await post(tenant, '/v1/events:batch', [purchase('x')])).statusCode).toBe(400);
    expect(await countEvents(tenant.tenantId)).toBe(0);
  });

  it('idempotency: any sequence of sends and resends stores each id once and replies alike', async () => {
    const tenant = await newTenant(t);
    let round = 0;
    const eventArb = fc.record({
      id: fc.constantFrom('e1', 'e2', 'e3', 'e4'),
      amount: fc.constantFrom(100, 200),
      customer: fc.constantFrom('k1', 'k2'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(eventArb, { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (batches) => {
          round++;
          const prefix = `p${round}-`;
          const firstBody = new Map<string, string>();
          const firstReply = new Map<string, string>();
          for (const batch of batches) {
            const events = batch.map((e) =>
              purchase(prefix + e.id, {
                amount: e.amount,
                customerExternalId: e.customer,
                lines: undefined,
              }),
            );
            // Alternate single posts and batches.
            if (batch.length === 1) {
              const res = await post(tenant, '/v1/events', events[0]);
              const key = JSON.stringify(events[0]);
              const id = prefix + batch[0]!.id;
              if (!firstBody.has(id)) {
                expect(res.statusCode).toBe(201);
                firstBody.set(id, key);
                firstReply.set(id, res.body);
              } else if (firstBody.get(id) === key) {
                expect(res.statusCode).toBe(200);
                if (firstReply.has(id)) expect(res.body).toBe(firstReply.get(id));
                else firstReply.set(id, res.body);
              } else expect(res.statusCode).toBe(409);
            } else {
              const res = await post(tenant, '/v1/events:batch', { events });
              const { results } = res.json() as {
                results: { status: string; error?: { code: string } }[];
              };
              events.forEach((event, i) => {
                const key = JSON.stringify(event);
                const seen = firstBody.get(event.id);
                const status = results[i]!.status;
                if (seen === undefined) {
                  expect(status).toBe('created');
                  firstBody.set(event.id, key);
                } else if (seen === key) expect(status).toBe('duplicate');
                else expect(results[i]!.error?.code).toBe('IDEMPOTENCY_CONFLICT');
              });
            }
          }
          const rows = await t.database.db
            .selectFrom('events')
            .select(['id', 'amount'])
            .where('tenant_id', '=', tenant.tenantId)
            .where('id', 'like', `${prefix}%`)
            .execute();
          expect(rows.map((r) => r.id).sort()).toEqual([...firstBody.keys()].sort());
          for (const row of rows) {
            expect(row.amount).toBe(
              (JSON.parse(firstBody.get(row.id)!) as { amount: number }).amount,
            );
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('GET /v1/customers/:id/timeline', () => {
  it('lists a customer’s events newest first, paged, filtered by type; 404 for another tenant', async () => {
    const tenant = await newTenant(t);
    const events = Array.from({ length: 7 }, (_, i) =>
      purchase(`t${i}`, { occurredAt: `2026-09-0${i + 1}T10:00:00Z`, customerExternalId: 'tl' }),
    );
    events.push({
      id: 'call',
      type: 'interaction',
      customerExternalId: 'tl',
      occurredAt: '2026-09-04T12:00:00Z',
      channel: 'wechat',
      direction: 'in',
    } as never);
    const batch = await post(tenant, '/v1/events:batch', { events });
    expect(batch.statusCode).toBe(200);
    const one = (await post(tenant, '/v1/events', purchase('t0', events[0]))).json() as {
      customerId: string;
    };
    const customerId = one.customerId;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(
        tenant,
        `/v1/customers/${customerId}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['t6', 't5', 't4', 'call', 't3', 't2', 't1', 't0']);
    const calls = await get(tenant, `/v1/customers/${customerId}/timeline?types=interaction`);
    expect((calls.json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual(['call']);

    const other = await newTenant(t);
    const foreign = await get(other, `/v1/customers/${customerId}/timeline`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
    expect((await get(tenant, `/v1/customers/not-a-uuid/timeline`)).statusCode).toBe(400);
    expect((await get(tenant, `/v1/customers/${customerId}/timeline?types=gift`)).statusCode).toBe(
      400,
    );
    expect(
      (await get(tenant, `/v1/customers/${customerId}/timeline?cursor=garbage`)).statusCode,
    ).toBe(400);
  });
});

describe('GET /v1/overview', () => {
  it('counts customers, activity, monthly net revenue and new vs returning buyers', async () => {
    const tenant = await newTenant(t);
    const send = (id: string, customer: string, at: string, amount: number) =>
      purchase(id, { customerExternalId: customer, occurredAt: at, amount, lines: undefined });
    const res = await post(tenant, '/v1/events:batch', {
      events: [
        send('o1', 'a', '2026-08-10T04:00:00Z', 1000),
        send('o2', 'b', '2026-09-10T04:00:00Z', 3000),
        send('o3', 'a', '2026-09-12T04:00:00Z', 2000),
        {
          id: 'r1',
          type: 'refund',
          refundOf: 'o3',
          occurredAt: '2026-09-20T04:00:00Z',
          amount: 500,
        },
        send('o4', 'c', '2024-01-10T04:00:00Z', 700),
      ],
    });
    expect(
      (res.json() as { results: { status: string }[] }).results.every(
        (r) => r.status === 'created',
      ),
    ).toBe(true);
    const overview = await get(tenant, '/v1/overview?asOf=2026-09-30T00:00:00Z');
    expect(overview.statusCode).toBe(200);
    const body = overview.json() as {
      totalCustomers: number;
      activeCustomers90d: number;
      revenue: number;
      orders: number;
      months: {
        month: string;
        revenue: number;
        orders: number;
        newCustomers: number;
        returningCustomers: number;
      }[];
    };
    expect(body.totalCustomers).toBe(3);
    expect(body.activeCustomers90d).toBe(2);
    expect(body.months).toHaveLength(24);
    expect(body.months.at(-1)).toEqual({
      month: '2026-09',
      revenue: 4500,
      orders: 2,
      averageOrderValue: 2500,
      newCustomers: 1,
      returningCustomers: 1,
    });
    expect(body.months.find((m) => m.month === '2026-08')).toMatchObject({
      newCustomers: 1,
      revenue: 1000,
    });
    // 2024-01 is outside the 24 months that end in 2026-09.
    expect(body.months[0]!.month).toBe('2024-10');
    expect(body.revenue).toBe(5500);
    expect(body.orders).toBe(3);
    expect((await get(tenant, '/v1/overview?asOf=soon')).statusCode).toBe(400);
  });
});

describe('POST /v1/events/imports', () => {
  const csvPost = (tenant: Tenant, csv: string | Buffer, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/v1/events/imports${query}`,
      headers: { ...tenant.auth, 'content-type': 'text/csv' },
      payload: csv,
    });

  it('imports purchases with lines and refunds, creates customers, and re-imports as duplicates', async () => {
    const tenant = await newTenant(t);
    const csv = [
      'event_id,customer_external_id,occurred_at,amount,currency,type,refund_of,sku,category,quantity',
      'i1,cust-1,20260105,12.50,CNY,,,SKU-1,tea,1',
      'i1,cust-1,20260105,7.50,CNY,,,SKU-2,cups,3',
      'i2,cust-2,2026-01-06T10:00:00Z,100,CNY,purchase,,,,',
      'i3,,20260107,5.00,CNY,refund,i1,,,',
      ',cust-3,20260108,1.00,CNY,,,,,',
    ].join('\n');
    const res = await csvPost(tenant, csv);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      rows: 5,
      events: 4,
      created: 4,
      duplicates: 0,
      customersCreated: 3,
      errors: [],
    });
    const again = await csvPost(tenant, csv);
    expect(again.json()).toMatchObject({ created: 0, duplicates: 4, customersCreated: 0 });
    const rows = await t.database.db
      .selectFrom('events')
      .select(['id', 'amount', 'type'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('id')
      .execute();
    expect(rows.find((r) => r.id === 'i1')?.amount).toBe(2000);
    expect(rows.find((r) => r.id === 'i3')?.amount).toBe(-500);
    const lines = await t.database.db
      .selectFrom('event_lines')
      .select(['event_id', 'line_no', 'quantity', 'amount'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('line_no')
      .execute();
    expect(lines).toEqual([
      { event_id: 'i1', line_no: 1, quantity: 1, amount: 1250 },
      { event_id: 'i1', line_no: 2, quantity: 3, amount: 750 },
    ]);
  });

  it('refunds a purchase recorded through the API, and refuses an id recorded with other content', async () => {
    const tenant = await newTenant(t);
    await post(tenant, '/v1/events', purchase('api-order'));
    const res = await csvPost(
      tenant,
      'event_id,customer_external_id,occurred_at,amount,currency,type,refund_of\n' +
        'ref-1,,2026-10-09,10.00,CNY,refund,api-order\n',
    );
    expect(res.json()).toMatchObject({ created: 1 });
    const timeline = await get(
      tenant,
      `/v1/customers/${(await post(tenant, '/v1/events', purchase('api-order'))).json<{ customerId: string }>().customerId}/timeline`,
    );
    expect(timeline.json<{ items: { id: string; amount: number }[] }>().items).toContainEqual(
      expect.objectContaining({ id: 'ref-1', amount: -1000 }),
    );
    // 30.00 is the whole purchase: 10.00 refunded already, 25.00 more is too much.
    const tooMuch = await csvPost(
      tenant,
      'event_id,occurred_at,amount,currency,type,refund_of\nref-2,20261010,25.00,CNY,refund,api-order\n',
    );
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json()).toMatchObject({ errors: [{ line: 2, field: 'amount' }] });
    // A refund of nothing is refused, as the API refuses it.
    const nothing = await csvPost(
      tenant,
      'event_id,occurred_at,amount,currency,type,refund_of\nref-0,20261010,0,CNY,refund,api-order\n',
    );
    expect(nothing.statusCode).toBe(422);
    expect(nothing.json()).toMatchObject({
      errors: [{ line: 2, field: 'amount', reason: 'too_small', params: { minimum: 0 } }],
    });
    const conflict = await csvPost(
      tenant,
      'event_id,customer_external_id,occurred_at,amount,currency\napi-order,shop-42,20261001,99.00,CNY\n',
    );
    expect(conflict.statusCode).toBe(422);
    expect(conflict.json()).toMatchObject({
      errors: [{ line: 2, field: 'event_id', reason: 'reused' }],
    });
    expect(await countEvents(tenant.tenantId)).toBe(2);
  });

  it('refuses an event id the loyalty ledger keeps for itself, as the API does', async () => {
    const tenant = await newTenant(t);
    const csv = [
      'event_id,customer_external_id,occurred_at,amount,currency',
      'own-1,c1,20260105,12.50,CNY',
      'partner:p-1:r-1,c1,20260105,1.00,CNY',
      'Partner-2,c1,20260105,1.00,CNY',
    ].join('\n');
    const res = await csvPost(tenant, csv);
    expect(res.statusCode, res.body).toBe(422);
    expect(
      (res.json() as Problem).errors?.map((e) => [e.line, e.field, e.reason, e.params]),
    ).toEqual([[3, 'event_id', 'invalid_format', { format: 'client_key' }]]);
    expect(await countEvents(tenant.tenantId)).toBe(0);
  });

  it('names the line a stray quote opens on, not the end of the file where COPY gave up', async () => {
    const tenant = await newTenant(t);
    const csv = [
      'event_id,customer_external_id,occurred_at,amount,currency',
      'q1,c1,20260105,12.50,CNY',
      'q2,c2,20260105,12.50,CNY',
      'q3,"c3,20260105,12.50,CNY',
      'q4,c4,20260105,12.50,CNY',
      'q5,c5,20260105,12.50,CNY',
    ].join('\n');
    const res = await csvPost(tenant, csv);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'IMPORT_INVALID',
      errors: [{ line: 4, field: '(row)', reason: 'malformed' }],
    });
  });

  it('reads a GBK file as Chinese Excel saves it, detected or asked for', async () => {
    const tenant = await newTenant(t);
    const csv = iconv.encode(
      [
        'event_id,customer_external_id,occurred_at,amount,currency,store',
        'k1,张三,20260105,12.50,CNY,上海静安店',
        'k2,李四,20260106,8.00,CNY,北京朝阳店',
      ].join('\r\n'),
      'gbk',
    );
    const detected = await csvPost(tenant, csv);
    expect(detected.statusCode, detected.body).toBe(200);
    expect(detected.json()).toMatchObject({ encoding: 'gb18030', created: 2, customersCreated: 2 });
    const stored = await t.database.db
      .selectFrom('events')
      .select(['id', 'store'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('id')
      .execute();
    expect(stored).toEqual([
      { id: 'k1', store: '上海静安店' },
      { id: 'k2', store: '北京朝阳店' },
    ]);
    const asked = await csvPost(tenant, csv, '?encoding=gbk');
    expect(asked.json()).toMatchObject({ encoding: 'gb18030', duplicates: 2 });
    const utf8 = await csvPost(
      tenant,
      Buffer.from(
        'event_id,customer_external_id,occurred_at,amount,currency\nu1,c1,20260105,1,CNY\n',
      ),
    );
    expect(utf8.json()).toMatchObject({ encoding: 'utf8', created: 1 });
  });

  it('names the line a file stops being text, with advice, never the database’s words', async () => {
    const tenant = await newTenant(t);
    const head =
      'event_id,customer_external_id,occurred_at,amount,currency\nb1,c1,20260105,1,CNY\n';
    const gbk = Buffer.concat([Buffer.from(head), iconv.encode('b2,张三,20260105,1,CNY\n', 'gbk')]);
    const forced = await csvPost(tenant, gbk, '?encoding=utf8');
    expect(forced.statusCode).toBe(422);
    const problem = forced.json<Problem>();
    expect(problem).toMatchObject({
      code: 'IMPORT_INVALID',
      errors: [{ line: 3, field: '(row)', reason: 'malformed', params: { encoding: 'utf8' } }],
    });
    expect(problem.detail).toContain('CSV UTF-8');
    expect(forced.body).not.toMatch(/invalid byte sequence|0xd5/);
    // Neither UTF-8 nor GBK (0xFF is in no GB18030 sequence): the line of that byte.
    const broken = Buffer.concat([Buffer.from(head), Buffer.from([0x62, 0x33, 0x2c, 0xff, 0x0a])]);
    const refused = await csvPost(tenant, broken);
    expect(refused.json()).toMatchObject({
      code: 'IMPORT_INVALID',
      errors: [{ line: 3, field: '(row)', reason: 'malformed', params: { encoding: 'gb18030' } }],
    });
    expect(await countEvents(tenant.tenantId)).toBe(0);
  });

  it('says how much of a purchase is left to refund, in its currency', async () => {
    const tenant = await newTenant(t);
    const csv = [
      'event_id,customer_external_id,occurred_at,amount,currency,type,refund_of',
      'p1,c1,20260105,10.00,CNY,,',
      'r1,,20260106,6.00,CNY,refund,p1',
      'r2,,20260107,6.00,CNY,refund,p1',
    ].join('\n');
    const res = await csvPost(tenant, csv);
    expect(res.statusCode).toBe(422);
    const overRefund = {
      field: 'amount',
      message:
        'refunds of p1 would total 1200 CNY (minor units), more than its 1000; 1000 CNY left to refund',
      reason: 'too_big',
      params: { origin: 'number', maximum: 1000 },
    };
    expect(res.json<Problem>().errors).toEqual([
      { line: 3, ...overRefund },
      { line: 4, ...overRefund },
    ]);
  });

  it('reports every bad line with its field and imports nothing', async () => {
    const tenant = await newTenant(t);
    const csv = [
      'event_id,customer_external_id,occurred_at,amount,currency',
      'g1,c1,20260105,12.50,CNY',
      'g2,c2,20260231,1.00,CNY',
      'g3,c3,20260105,12.505,CNY',
      'g4,,20260105,1.00,CNY',
      'g5,c5,20260105,1.00,cny',
    ].join('\n');
    const res = await csvPost(tenant, csv);
    expect(res.statusCode).toBe(422);
    const problem = res.json() as Problem;
    expect(problem.code).toBe('IMPORT_INVALID');
    const lines = [
      [3, 'occurred_at', 'invalid_format', { format: 'date' }],
      [4, 'amount', 'invalid_format', { format: 'amount_major' }],
      [
        5,
        'customer_external_id',
        'exactly_one_of',
        { fields: 'customer_external_id, customer_id' },
      ],
    ];
    expect(problem.errors?.map((e) => [e.line, e.field, e.reason, e.params])).toEqual(lines);
    expect(await countEvents(tenant.tenantId)).toBe(0);
    const header = await csvPost(tenant, 'id,amount\n1,2');
    expect(header.statusCode).toBe(422);
    expect(
      (header.json() as { errors: { line: number; field: string }[] }).errors[0],
    ).toMatchObject({
      line: 1,
      field: 'id',
      reason: 'unknown_column',
    });
    const refund = await csvPost(
      tenant,
      'event_id,customer_external_id,occurred_at,amount,currency,type,refund_of\nq1,c,20260101,10,CNY,,\nq2,,20260102,6,CNY,refund,q1\nq3,,20260103,6,CNY,refund,q1',
    );
    expect(refund.statusCode).toBe(422);
    expect(refund.json()).toMatchObject({
      errors: [
        { line: 3, field: 'amount' },
        { line: 4, field: 'amount' },
      ],
    });
    const skip = await csvPost(tenant, csv, '?skipInvalid=true');
    const skipped = skip.json() as EventImportResult;
    expect(skipped).toMatchObject({ created: 2 });
    expect(skipped.errors.map((e) => [e.line, e.field, e.reason, e.params])).toEqual(lines);
    expect(await countEvents(tenant.tenantId)).toBe(2);
    const json = await post(tenant, '/v1/events/imports', { csv: 'x' });
    expect(json.statusCode).toBe(415);
  });
});

describe('instants outside the years 1900–2999', () => {
  const tooEarly = {
    reason: 'too_small',
    params: { origin: 'date', minimum: '1900-01-01T00:00:00.000Z' },
  };
  const tooLate = {
    reason: 'too_big',
    params: { origin: 'date', maximum: '2999-12-31T23:59:59.999Z' },
  };
  const badOffset = { reason: 'invalid_format', params: { format: 'datetime' } };

  it('are refused field by field, one event at a time in a batch (never a 500)', async () => {
    const tenant = await newTenant(t);
    const cases = [
      ['0000-01-01T00:00:00Z', tooEarly],
      ['0099-03-04T00:00:00Z', tooEarly],
      ['9999-12-31T23:59:59-12:00', tooLate],
      ['2026-11-01T10:00:00+23:59', badOffset],
    ] as const;
    for (const [occurredAt, error] of cases) {
      const res = await post(tenant, '/v1/events', purchase(`e-${occurredAt}`, { occurredAt }));
      expect(res.statusCode, occurredAt).toBe(400);
      expect((res.json() as Problem).errors).toEqual([
        expect.objectContaining({ field: 'occurredAt', ...error }),
      ]);
    }
    const batch = await post(tenant, '/v1/events:batch', {
      events: [
        purchase('fine'),
        ...cases.map(([occurredAt], i) => purchase(`b${i}`, { occurredAt })),
      ],
    });
    expect(batch.statusCode).toBe(200);
    const { results } = batch.json() as {
      results: { status: string; error?: Problem }[];
    };
    expect(results.map((r) => r.status)).toEqual(['created', 'error', 'error', 'error', 'error']);
    expect(results.slice(1).map((r) => r.error?.errors?.[0]?.reason)).toEqual(
      cases.map(([, error]) => error.reason),
    );
    expect(await countEvents(tenant.tenantId)).toBe(1);
  });

  it('pages a timeline of events microseconds apart after 2255 without looping or skipping', async () => {
    const tenant = await newTenant(t);
    const times = [
      '2900-01-01T00:00:00.000001Z',
      '2900-01-01T00:00:00.000002Z',
      '2900-01-01T00:00:00.000003Z',
      '2026-01-01T00:00:00Z',
    ];
    const batch = await post(tenant, '/v1/events:batch', {
      events: times.map((occurredAt, i) =>
        purchase(`far-${i}`, { occurredAt, customerExternalId: 'far' }),
      ),
    });
    expect(batch.statusCode).toBe(200);
    const { results } = batch.json() as {
      results: { customerId?: string; event?: { customerId: string } }[];
    };
    const customers = (await get(tenant, '/v1/customers?q=far')).json() as {
      items: { id: string }[];
    };
    const customerId = customers.items[0]!.id;
    expect(results).toHaveLength(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res = await get(
        tenant,
        `/v1/customers/${customerId}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['far-2', 'far-1', 'far-0', 'far-3']);
  });

  it('a CSV line dated outside them is a line error, never a 500', async () => {
    const tenant = await newTenant(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events/imports',
      headers: { ...tenant.auth, 'content-type': 'text/csv' },
      payload: [
        'event_id,customer_external_id,occurred_at,amount,currency',
        'd1,c1,00000101,1.00,CNY',
        'd2,c1,18991231,1.00,CNY',
        'd3,c1,1899-12-31T23:59:59Z,1.00,CNY',
        'd4,c1,30000102,1.00,CNY', // a day later: the tenant's zone is ahead of UTC
        'd5,c1,20260105,1.00,CNY',
      ].join('\n'),
    });
    expect(res.statusCode).toBe(422);
    expect(
      (res.json() as Problem).errors?.map((e) => [e.line, e.field, e.reason, e.params]),
    ).toEqual([
      [2, 'occurred_at', 'invalid_format', { format: 'date' }],
      [3, 'occurred_at', tooEarly.reason, tooEarly.params],
      [4, 'occurred_at', tooEarly.reason, tooEarly.params],
      [5, 'occurred_at', tooLate.reason, tooLate.params],
    ]);
    expect(await countEvents(tenant.tenantId)).toBe(0);
  });
});
