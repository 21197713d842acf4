import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { customersMigrations } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const DAY = 86_400_000;

describe('migration 0102: consent decisions dated in the future', () => {
  it('dates them at their recording; a later withdrawal wins again, also across a merge', async () => {
    const tenant = await newTenant(t);
    const person = async (name: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: tenant.auth,
        payload: { kind: 'person', name },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const own = await person('钱一');
    const survivor = await person('孙二');
    const duplicate = await person('孙二（旧卡）');
    const untouched = await person('周三');
    const db = t.database.db as Kysely<unknown>;
    const recorded = Date.now() - 10 * DAY;
    // As an earlier version stored them: a grant dated a year ahead, then a withdrawal the
    // next day, which lost to it (the state keeps the latest decision by date).
    const decide = async (
      customerId: string,
      status: 'granted' | 'withdrawn',
      at: number,
      recordedAt: number,
    ) => {
      await sql`
        insert into customer_consent_events
          (tenant_id, id, customer_id, channel, status, at, source, recorded_at)
        values (${tenant.tenantId}, gen_random_uuid(), ${customerId}, 'sms', ${status},
                ${new Date(at)}, 'api', ${new Date(recordedAt)})`.execute(db);
    };
    const state = async (customerId: string, status: string, at: number) => {
      await sql`
        insert into customer_consents (tenant_id, customer_id, channel, status, at, source)
        values (${tenant.tenantId}, ${customerId}, 'sms', ${status}, ${new Date(at)}, 'api')
        on conflict (tenant_id, customer_id, channel)
          do update set status = excluded.status, at = excluded.at`.execute(db);
    };
    const yearAhead = recorded + 365 * DAY;
    await decide(own, 'granted', yearAhead, recorded);
    await decide(own, 'withdrawn', recorded + DAY, recorded + DAY);
    await state(own, 'granted', yearAhead);
    // The survivor withdrew; the duplicate merged into it had the future grant, which the
    // merge carried over as the survivor's state.
    await decide(survivor, 'withdrawn', recorded + DAY, recorded + DAY);
    await decide(duplicate, 'granted', yearAhead, recorded);
    await state(survivor, 'granted', yearAhead);
    const merged = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${survivor}/merge`,
      headers: tenant.auth,
      payload: { duplicateId: duplicate },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    // A decision within the clock-skew tolerance is left as it is.
    await decide(untouched, 'granted', recorded + 60_000, recorded);
    await state(untouched, 'granted', recorded + 60_000);

    await customersMigrations['0102_customers_consent_not_in_future']!.up(db);

    const consent = async (id: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/customers/${id}`,
        headers: tenant.auth,
      });
      const { consent } = res.json() as {
        consent: { channel: string; status: string; at: string }[];
      };
      const sms = consent.find((state) => state.channel === 'sms');
      return sms && { status: sms.status, at: sms.at };
    };
    expect(await consent(own)).toEqual({
      status: 'withdrawn',
      at: new Date(recorded + DAY).toISOString(),
    });
    expect(await consent(survivor)).toMatchObject({ status: 'withdrawn' });
    expect(await consent(untouched)).toEqual({
      status: 'granted',
      at: new Date(recorded + 60_000).toISOString(),
    });
    const future = await sql<{ n: number }>`
      select count(*)::int as n from customer_consent_events
      where tenant_id = ${tenant.tenantId} and at > recorded_at + interval '15 minutes'`.execute(
      db,
    );
    expect(future.rows[0]!.n).toBe(0);
  });
});
