import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelTracking } from '@fidelis/contracts';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { scoresMigrations } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

describe('migration 0401: run warnings as codes', () => {
  it('reads the sentences earlier versions stored as codes, keeping their words', async () => {
    const tenant = await newTenant(t);
    const db = t.database.db as Kysely<unknown>;
    // As an earlier version stored them: the English sentences only.
    const sentences = [
      'BG/NBD not fitted: too few repeat customers',
      'BG/NBD fit did not converge',
      'Gamma-Gamma not fitted: no spend: none at all',
      'Customers not scored: NaN',
      'No tracking curve: empty',
      'No concentration: no revenue',
      'No cohorts: nobody',
    ];
    await sql`
      insert into score_runs
        (tenant_id, id, as_of, currency, horizon_weeks, annual_discount_rate, margin, customers,
         purchases, models, durations_ms, warnings, rfm_grid, cohorts, concentration, tracking)
      values (${tenant.tenantId}, gen_random_uuid(), '2025-12-31', 'CNY', 52, 0.1, 1, 2, 2,
              ${JSON.stringify({ bgnbd: null, gammagamma: null })}, '{}',
              ${JSON.stringify(sentences)}, '{}', '{}', '{}', '[]')`.execute(db);

    const migration = scoresMigrations['0401_score_run_warning_codes']!;
    const read = async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/analytics/model-tracking',
        headers: tenant.auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as ModelTracking).run;
    };
    await migration.up(db);
    const run = await read();
    expect(run.structuredWarnings).toEqual([
      {
        code: 'bgnbd_not_fitted',
        message: sentences[0],
        detail: 'too few repeat customers',
      },
      { code: 'bgnbd_not_converged', message: sentences[1] },
      { code: 'gamma_gamma_not_fitted', message: sentences[2], detail: 'no spend: none at all' },
      { code: 'customers_not_scored', message: sentences[3], detail: 'NaN' },
      { code: 'no_tracking_curve', message: sentences[4], detail: 'empty' },
      { code: 'no_concentration', message: sentences[5], detail: 'no revenue' },
      // A sentence matching no code (an older version's) keeps its words.
      { code: 'unrecognised', message: sentences[6] },
    ]);
    // Integrators reading `warnings` see the same sentences as before.
    expect(run.warnings).toEqual(sentences);

    // Again changes nothing: rows already holding codes are left alone.
    await migration.up(db);
    expect(await read()).toEqual(run);
  });
});
