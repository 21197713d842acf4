import type { Kysely } from 'kysely';
import { consentChannels, scoreRunCreate } from '@fidelis/contracts';
import type { Database } from '../db/database.ts';
import { readPurchaseHistory } from '../modules/activity/index.ts';
import { describeCustomerReach } from '../modules/customers/index.ts';
import { findTenant, type Job } from '../modules/platform/index.ts';
import {
  computeAndStoreScores,
  defaultAsOf,
  scheduleNextNightlyRun,
  type CustomerCards,
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
 * What the scores routes need from other modules: names and contacts for the value-at-risk list
 * (erased or unknown customers stay nameless and unreachable), in two queries.
 */
export function scoresRouteDeps(db: Kysely<Database>): ScoresRouteDeps {
  const customerCards: CustomerCards = async (tenantId, ids) => {
    const described = await describeCustomerReach(db, tenantId, ids);
    return new Map(
      [...described].map(([id, c]) => [
        id,
        {
          // Erased customers keep an empty name: they stay nameless, as unknown ids do.
          name: c.name === '' ? null : c.name,
          phone: c.phone,
          email: c.email,
          preferredChannel:
            consentChannels.find((channel) => channel === c.preferredChannel) ?? null,
        },
      ]),
    );
  };
  return { db, customerCards };
}
