import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Problem } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';

/**
 * Versions before instants and dates kept to the years 1900–2999 stored whatever ISO 8601 they
 * were sent: an event of 1850, a consent given then, a multiplier rule from 1850. The API
 * refuses such input now, but answers what the database holds: a response is not bounded.
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const OLD = '1850-01-01T00:00:00.000Z';

describe('rows of before 1900 stored by older versions', () => {
  it('are answered by every read that shows them, not a 500', async () => {
    const tenant = await newTenant(t);
    const send = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await t.app.inject({
        method,
        url,
        headers: tenant.auth,
        ...(payload ? { payload } : {}),
      });
      return res;
    };
    const ok = async (url: string) => {
      const res = await send('GET', url);
      expect(res.statusCode, `GET ${url}: ${res.body.slice(0, 500)}`).toBe(200);
      return res;
    };

    const program = await send('POST', '/v1/loyalty/programs', {
      name: 'Points',
      currency: 'CNY',
      earnRules: [
        { kind: 'spend', points: 1, per: 100 },
        { kind: 'multiplier', factor: 2, from: '2025-01-01T00:00:00Z' },
      ],
    });
    expect(program.statusCode, program.body).toBe(201);
    const programId = (program.json() as { id: string }).id;
    const created = await send('POST', '/v1/customers', {
      kind: 'person',
      name: 'Old',
      birthday: '1990-01-01',
      consent: { email: { status: 'granted' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const customerId = (created.json() as { id: string }).id;
    const enrolled = await send('POST', `/v1/loyalty/programs/${programId}/members`, {
      customerId,
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const purchase = await send('POST', '/v1/events', {
      id: 'old-order',
      type: 'purchase',
      customerId,
      occurredAt: '2025-06-01T08:00:00Z',
      currency: 'CNY',
      amount: 1_000,
    });
    expect(purchase.statusCode, purchase.body).toBe(201);

    // What an older version would have stored.
    const db = t.database.db;
    const tenantId = tenant.tenantId;
    await sql`update events set occurred_at = ${OLD} where tenant_id = ${tenantId}`.execute(db);
    await sql`update customers set birthday = '1899-12-31' where tenant_id = ${tenantId}`.execute(
      db,
    );
    await sql`update customer_consents set at = ${OLD} where tenant_id = ${tenantId}`.execute(db);
    await sql`update customer_consent_events set at = ${OLD} where tenant_id = ${tenantId}`.execute(
      db,
    );
    // The ledger is append-only: a copy of the purchase's entry, dated then.
    await sql`insert into loyalty_entries (tenant_id, program_id, id, customer_id, at, kind,
        debit_account, credit_account, points, lot_id, event_id, redemption_id, partner_id,
        explanation)
      select tenant_id, program_id, gen_random_uuid(), customer_id, ${OLD}, kind, debit_account,
        credit_account, points, lot_id, event_id, redemption_id, partner_id, explanation
      from loyalty_entries where tenant_id = ${tenantId} limit 1`.execute(db);
    await sql`update loyalty_lots set earned_at = ${OLD}, available_at = ${OLD}
      where tenant_id = ${tenantId}`.execute(db);
    const oldRules = [
      { id: 'r1', kind: 'spend', points: 1, per: 100 },
      { id: 'r2', kind: 'multiplier', factor: 2, from: OLD },
    ];
    await sql`update loyalty_rule_versions set rules = ${JSON.stringify(oldRules)}::jsonb
      where tenant_id = ${tenantId}`.execute(db);

    const timeline = await ok(`/v1/customers/${customerId}/timeline`);
    expect((timeline.json() as { items: { occurredAt: string }[] }).items).toEqual([
      expect.objectContaining({ occurredAt: OLD }),
    ]);
    const customer = await ok(`/v1/customers/${customerId}`);
    expect(customer.json()).toMatchObject({
      birthday: '1899-12-31',
      consent: [expect.objectContaining({ channel: 'email', at: OLD })],
    });
    const consent = await ok(`/v1/customers/${customerId}/consent`);
    expect(consent.json()).toMatchObject({ history: [expect.objectContaining({ at: OLD })] });
    const exported = await ok('/v1/customers/export.csv');
    expect(exported.body).toContain('1899-12-31');

    const member = `/v1/loyalty/programs/${programId}/members/${customerId}`;
    await ok(member);
    const entries = await ok(`${member}/entries`);
    expect((entries.json() as { items: { at: string }[] }).items).toContainEqual(
      expect.objectContaining({ at: OLD }),
    );
    const lots = await ok(`${member}/lots`);
    expect((lots.json() as { items: { earnedAt: string }[] }).items).toContainEqual(
      expect.objectContaining({ earnedAt: OLD }),
    );
    const programs = await ok('/v1/loyalty/programs');
    expect(programs.json()).toMatchObject({
      items: [{ earnRules: expect.arrayContaining([expect.objectContaining({ from: OLD })]) }],
    });
    const versions = await ok(`/v1/loyalty/programs/${programId}/rules/versions`);
    expect(versions.json()).toMatchObject({
      items: [{ earnRules: expect.arrayContaining([expect.objectContaining({ from: OLD })]) }],
    });

    // The input stays bounded: the same instant sent today is refused, naming the field.
    const refused = await send('POST', '/v1/events', {
      id: 'new-old-order',
      type: 'purchase',
      customerId,
      occurredAt: OLD,
      currency: 'CNY',
      amount: 1_000,
    });
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as Problem).errors).toEqual([
      expect.objectContaining({ field: 'occurredAt', reason: 'too_small' }),
    ]);
    const rules = await send('POST', '/v1/loyalty/programs', {
      name: 'Old rules',
      currency: 'CNY',
      earnRules: [{ kind: 'multiplier', factor: 2, from: OLD }],
    });
    expect(rules.statusCode).toBe(400);
    expect((rules.json() as Problem).errors).toEqual([
      expect.objectContaining({ field: 'earnRules[0].from', reason: 'too_small' }),
    ]);
  });

  it('are answered by the scores and analytics reads, not a 500', async () => {
    const tenant = await newTenant(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: tenant.auth,
      payload: { kind: 'person', name: 'Scored long ago' },
    });
    const customerId = (created.json() as { id: string }).id;
    // A run over a history of the 1800s, as an older version could have stored it.
    const runId = '0190a000-0000-7000-8000-000000000001';
    await sql`
      insert into score_runs
        (tenant_id, id, computed_at, as_of, currency, horizon_weeks, annual_discount_rate, margin,
         customers, purchases, models, durations_ms, warnings, rfm_grid, cohorts, concentration,
         tracking)
      values (${tenant.tenantId}, ${runId}, ${OLD}, '1899-12-31', 'CNY', 52, 0.1, 1, 1, 2,
              ${JSON.stringify({ bgnbd: null, gammagamma: null })}, '{}', '[]',
              ${JSON.stringify({ cells: [], segments: [] })}, '{}', '{}',
              '[]')`.execute(t.database.db);
    await sql`
      insert into customer_scores
        (tenant_id, customer_id, run_id, computed_at, recency_score, frequency_score,
         monetary_score, fm_score, segment, frequency, recency_weeks, age_weeks, purchases,
         total_spend, monetary, last_purchase_on, p_alive, expected_purchases, expected_spend, clv,
         value_at_risk, churn_risk)
      values (${tenant.tenantId}, ${customerId}, ${runId}, ${OLD}, 1, 2, 2, 2, 'at_risk', 1, 10,
              20, 2, 5000, 2500, '1850-01-01', 0.2, 0.5, 1200, 1000, 800, 'high')`.execute(
      t.database.db,
    );
    for (const url of [
      `/v1/customers/${customerId}/scores`,
      '/v1/analytics/scores',
      '/v1/analytics/value-at-risk',
      '/v1/analytics/rfm-grid',
      '/v1/analytics/model-tracking',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: tenant.auth });
      expect(res.statusCode, `GET ${url}: ${res.body.slice(0, 500)}`).toBe(200);
    }
    const scores = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${customerId}/scores`,
      headers: tenant.auth,
    });
    expect(scores.json()).toMatchObject({ lastPurchaseOn: '1850-01-01' });
  });
});
