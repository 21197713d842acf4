import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';

type Tenant = Awaited<ReturnType<typeof newTenant>>;

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const send = (tenant: Tenant, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: tenant.auth,
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });

describe('erasure across the modules', () => {
  it('takes the free text of interactions and the stored creation result with the profile', async () => {
    const tenant = await newTenant(t);
    const profile = {
      kind: 'person',
      name: '王小明',
      email: 'xiaoming@example.com',
      phone: '13800138000',
      familyNotes: '女儿明年高考',
    };
    const create = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { ...tenant.auth, 'idempotency-key': 'signup-7' },
        payload: profile,
      });
    const created = await create();
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    const call = await send(tenant, 'POST', '/v1/events', {
      id: 'call-7',
      type: 'interaction',
      customerId: id,
      occurredAt: '2026-10-02T09:30:00+08:00',
      channel: 'phone',
      direction: 'in',
      subject: '王小明投诉快递',
      staffMember: 'Li Na',
      outcome: '答应周五前回电',
      notes: '他说女儿明年高考，晚上别打电话',
    });
    expect(call.statusCode, call.body).toBe(201);
    const purchase = await send(tenant, 'POST', '/v1/events', {
      id: 'order-7',
      type: 'purchase',
      customerId: id,
      occurredAt: '2026-10-03T10:00:00Z',
      currency: 'CNY',
      amount: 9_900,
    });
    expect(purchase.statusCode, purchase.body).toBe(201);

    expect((await send(tenant, 'DELETE', `/v1/customers/${id}`)).statusCode).toBe(204);

    const timeline = await send(tenant, 'GET', `/v1/customers/${id}/timeline`);
    const items = (timeline.json() as { items: Record<string, unknown>[] }).items;
    expect(items.map((item) => item.id).sort()).toEqual(['call-7', 'order-7']);
    const interaction = items.find((item) => item.id === 'call-7')!;
    // The facts stay: when, how, who of the staff; what was written about the person goes.
    expect(interaction).toMatchObject({ channel: 'phone', direction: 'in', staffMember: 'Li Na' });
    for (const field of ['subject', 'outcome', 'notes']) expect(interaction[field]).toBeUndefined();
    expect(JSON.stringify(items)).not.toMatch(/王小明|高考|快递|周五/);
    expect(items.find((item) => item.id === 'order-7')).toMatchObject({ amount: 9_900 });

    // A retry of the request that created the customer shows nothing and creates nobody.
    const retry = await create();
    expect(retry.statusCode).toBe(410);
    expect(retry.json()).toMatchObject({ code: 'CUSTOMER_ERASED' });
    expect(retry.body).not.toMatch(/王小明|xiaoming|13800138000|高考/);
    const search = await send(tenant, 'GET', '/v1/customers?q=王小明');
    expect((search.json() as { items: unknown[] }).items).toEqual([]);
    // Erasing again is still a no-op.
    expect((await send(tenant, 'DELETE', `/v1/customers/${id}`)).statusCode).toBe(204);
  });

  it('takes the notes staff wrote on loyalty adjustments, and keeps the points', async () => {
    const tenant = await newTenant(t);
    const created = await send(tenant, 'POST', '/v1/loyalty/programs', {
      name: '会员计划',
      currency: 'CNY',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
      pendingDays: 0,
      referral: { referrerPoints: 100, refereePoints: 50 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const programId = (created.json() as { id: string }).id;
    const customer = async (name: string) => {
      const res = await send(tenant, 'POST', '/v1/customers', { kind: 'person', name });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const [erased, kept, referrer] = [
      await customer('王小明'),
      await customer('李娜'),
      await customer('陈静'),
    ];
    const member = `/v1/loyalty/programs/${programId}/members`;
    const note = (who: string) => `${who}投诉快递丢件，电话13800138000`;
    for (const [id, who] of [
      [erased, '王小明'],
      [kept, '李娜'],
    ] as const) {
      const adjusted = await send(tenant, 'POST', `${member}/${id}/adjustments`, {
        points: 300,
        reason: 'service_recovery',
        note: note(who),
        idempotencyKey: `complaint-${id}`,
      });
      expect(adjusted.statusCode, adjusted.body).toBe(201);
    }
    const code = await send(tenant, 'POST', `${member}/${referrer}/referral-code`);
    expect(code.statusCode, code.body).toBe(201);
    const referred = await send(tenant, 'POST', `/v1/loyalty/programs/${programId}/referrals`, {
      code: (code.json() as { code: string }).code,
      customerId: erased,
    });
    expect(referred.statusCode, referred.body).toBe(201);

    expect((await send(tenant, 'DELETE', `/v1/customers/${erased}`)).statusCode).toBe(204);
    // Erasing again changes nothing (the trigger lets only a present note be taken out).
    expect((await send(tenant, 'DELETE', `/v1/customers/${erased}`)).statusCode).toBe(204);

    const explanations = async (customerId: string) =>
      (
        await t.database.db
          .selectFrom('loyalty_entries')
          .select(['kind', 'points', 'explanation'])
          .where('tenant_id', '=', tenant.tenantId)
          .where('customer_id', '=', customerId)
          .execute()
      ).filter((entry) => entry.kind === 'adjust');
    const [erasedEntry] = await explanations(erased);
    expect(Number(erasedEntry!.points)).toBe(300);
    expect(erasedEntry!.explanation).toMatchObject({ adjustment: 'service_recovery' });
    expect(JSON.stringify(erasedEntry)).not.toMatch(/王小明|13800138000|投诉/);
    // Another customer's note stays.
    expect((await explanations(kept))[0]!.explanation).toMatchObject({ note: note('李娜') });

    const audit = await send(tenant, 'GET', '/v1/audit-log?limit=100');
    expect(audit.statusCode, audit.body).toBe(200);
    const entries = (audit.json() as { items: { entityId: string; after: unknown }[] }).items;
    const about = (id: string) => entries.filter((e) => e.entityId === `${programId}:${id}`);
    expect(about(erased).length).toBeGreaterThanOrEqual(2); // the adjustment and the referral
    // Who did what when stays, and which fields; not the values.
    expect(JSON.stringify(about(erased))).not.toMatch(/王小明|13800138000|投诉|"referrerId":"/);
    expect(about(erased)[0]!.after).toMatchObject({ erased: true });
    expect(JSON.stringify(about(kept))).toContain(note('李娜'));
    // The ledger still balances: the points are anonymous facts.
    const check = await send(tenant, 'POST', `/v1/loyalty/programs/${programId}/ledger-check`);
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });
  });

  it('the ledger refuses any other change to an entry', async () => {
    await expect(
      t.database.db
        .updateTable('loyalty_entries')
        .set({ points: 1 })
        .where('kind', '=', 'adjust')
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.database.db
        .updateTable('loyalty_entries')
        .set({ explanation: JSON.stringify({ reason: 'rewritten' }) })
        .where('kind', '=', 'adjust')
        .execute(),
    ).rejects.toThrow(/append-only/);
  });

  it('erases the free text of a customer merged into the erased one too', async () => {
    const tenant = await newTenant(t);
    const person = async (name: string) =>
      (
        (await send(tenant, 'POST', '/v1/customers', { kind: 'person', name })).json() as {
          id: string;
        }
      ).id;
    const survivor = await person('张伟');
    const duplicate = await person('张伟（旧卡）');
    await send(tenant, 'POST', '/v1/events', {
      id: 'visit-1',
      type: 'interaction',
      customerId: duplicate,
      occurredAt: '2026-10-02T09:30:00Z',
      channel: 'visit',
      subject: '张伟来店里试衣服',
    });
    const merged = await send(tenant, 'POST', `/v1/customers/${survivor}/merge`, {
      duplicateId: duplicate,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect((await send(tenant, 'DELETE', `/v1/customers/${duplicate}`)).statusCode).toBe(204);
    const timeline = await send(tenant, 'GET', `/v1/customers/${survivor}/timeline`);
    expect(timeline.body).not.toMatch(/张伟/);
  });

  it('an erased external id is not brought back by events or imports; signing up again starts afresh', async () => {
    const tenant = await newTenant(t);
    const order = (id: string) => ({
      id,
      type: 'purchase',
      customerExternalId: 'card-88',
      occurredAt: '2026-10-03T10:00:00Z',
      currency: 'CNY',
      amount: 5_000,
    });
    const first = await send(tenant, 'POST', '/v1/events', order('o-1'));
    expect(first.statusCode, first.body).toBe(201);
    const old = (first.json() as { customerId: string }).customerId;
    expect((await send(tenant, 'DELETE', `/v1/customers/${old}`)).statusCode).toBe(204);
    // The till still knows the card: its purchases are refused, the person is not re-created.
    const refused = await send(tenant, 'POST', '/v1/events', order('o-2'));
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'customerExternalId' }] });
    // The person comes back and signs up again: a new customer, none of the old history.
    const signup = await send(tenant, 'POST', '/v1/customers', {
      kind: 'person',
      name: '李娜',
      externalId: 'card-88',
    });
    expect(signup.statusCode, signup.body).toBe(201);
    const renewed = (signup.json() as { id: string }).id;
    expect(renewed).not.toBe(old);
    const timeline = await send(tenant, 'GET', `/v1/customers/${renewed}/timeline`);
    expect((timeline.json() as { items: unknown[] }).items).toEqual([]);
    // From then on the card's purchases reach the new customer.
    const again = await send(tenant, 'POST', '/v1/events', order('o-3'));
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ customerId: renewed });
    expect((await send(tenant, 'GET', `/v1/customers/${old}`)).statusCode).toBe(410);
  });
});
