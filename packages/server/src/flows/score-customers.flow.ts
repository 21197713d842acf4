import type { Kysely } from 'kysely';
import { scoreRunCreate } from '@fidelis/contracts';
import type { Database } from '../db/database.ts';
import { readPurchaseHistory } from '../modules/activity/index.ts';
import { describeCustomers } from '../modules/customers/index.ts';
import { findTenant, type Job } from '../modules/platform/index.ts';
import {
  computeAndStoreScores,
  defaultAsOf,
  scheduleNextNightlyRun,
  type CustomerNames,
  type ScoresRouteDeps,
} from '../modules/scores/index.ts';
import type { JobProgress } from '../jobs/run-jobs.ts';

/**
 * The `scores.compute` job: reads the tenant's purchases (net of refunds, dated in the tenant's
 * time zone) from activity and has the scores module fit, score and store them.
 */
export async function scoreCustomersFlow(
  db: Kysely<Database>,
  job: Job,
  progress: JobProgress,
  settings: { inline?: boolean; now?: Date } = {},
): Promise<unknown> {
  const tenant = await findTenant(db, job.tenantId);
  if (!tenant) throw new Error(`tenant ${job.tenantId} not found`);
  const parsed = scoreRunCreate.parse(job.payload);
  // First, so a failing run does not break the nightly chain.
  await scheduleNextNightlyRun(
    db,
    { id: tenant.id, timeZone: tenant.timeZone },
    settings.now ?? new Date(),
  );
  const asOf = parsed.asOf ?? defaultAsOf(settings.now ?? new Date(), tenant.timeZone);
  await progress(0, 4, 'reading purchases');
  const history = await readPurchaseHistory(db, job.tenantId, { timeZone: tenant.timeZone });
  const run = await computeAndStoreScores(db, {
    tenantId: job.tenantId,
    jobId: job.id,
    currency: history.currency ?? tenant.currency,
    options: { ...parsed, asOf },
    history,
    progress: (done, total, message) => progress(done, total, message),
    ...(settings.inline !== undefined ? { inline: settings.inline } : {}),
  });
  return {
    runId: run.id,
    customers: run.customers,
    purchases: run.purchases,
    skippedPurchases: history.skipped,
    warnings: run.warnings,
  };
}

/**
 * What the scores routes need from other modules: customer names for the value-at-risk list
 * (erased or unknown customers stay nameless), in one query.
 */
export function scoresRouteDeps(db: Kysely<Database>): ScoresRouteDeps {
  const customerNames: CustomerNames = async (tenantId, ids) => {
    const described = await describeCustomers(db, tenantId, ids);
    // Erased customers keep an empty name: they stay nameless, as unknown ids do.
    return new Map(
      [...described].filter(([, customer]) => customer.name !== '').map(([id, c]) => [id, c.name]),
    );
  };
  return { db, customerNames };
}
