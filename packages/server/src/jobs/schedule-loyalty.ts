import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { enqueueJobOnce, pruneSucceededJobs } from '../modules/platform/index.ts';
import { tenantsWithActivePrograms, type LoyaltyServiceDb } from '../modules/loyalty/index.ts';

/** A periodic job: queued once per tenant and period of `everyMs` (UTC-aligned). */
export interface PeriodicJob {
  kind: string;
  everyMs: number;
}

/** The loyalty jobs to queue periodically: the sweep every `everyMs`, birthday gifts hourly. */
export function loyaltySchedule(everyMs: number): PeriodicJob[] {
  return [
    { kind: 'loyalty.sweep', everyMs },
    { kind: 'loyalty.birthday-gifts', everyMs: 3_600_000 },
  ];
}

/**
 * Queues each periodic job for the period containing `now`, for every tenant, at most once:
 * the job's dedupe key is its period, so any number of processes may call this at any time.
 * The job runs as of its period's start. Returns the ids of the jobs this call queued.
 */
export async function schedulePeriodicJobs(
  db: Kysely<Database>,
  tenantIds: readonly string[],
  jobs: readonly PeriodicJob[],
  now: Date,
): Promise<string[]> {
  const queued: string[] = [];
  for (const job of jobs) {
    const period = new Date(Math.floor(now.getTime() / job.everyMs) * job.everyMs).toISOString();
    for (const tenantId of tenantIds) {
      const id = await enqueueJobOnce(db, {
        tenantId,
        kind: job.kind,
        dedupeKey: `${job.kind}@${period}`,
        payload: { asOf: period },
      });
      if (id) queued.push(id);
    }
  }
  return queued;
}

/**
 * Every `tickMs` (a minute, or the period if shorter) queues the loyalty jobs of every tenant
 * with an active program for the current period, and once an hour deletes their succeeded
 * runs older than a week. `now` and `tenants` are there for tests.
 */
export function startLoyaltySchedule(
  db: Kysely<Database>,
  logger: Pick<FastifyBaseLogger, 'info' | 'error'>,
  options: {
    everyMs: number;
    tickMs?: number;
    now?: () => Date;
    tenants?: () => Promise<readonly string[]>;
  },
): { stop(): Promise<void> } {
  const jobs = loyaltySchedule(options.everyMs);
  const now = options.now ?? (() => new Date());
  const tenants =
    options.tenants ?? (() => tenantsWithActivePrograms(db as unknown as LoyaltyServiceDb));
  let prunedHour = -1;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const at = now();
      const queued = await schedulePeriodicJobs(db, await tenants(), jobs, at);
      if (queued.length > 0) logger.info({ jobs: queued.length }, 'loyalty jobs queued');
      const hour = Math.floor(at.getTime() / 3_600_000);
      if (hour !== prunedHour) {
        prunedHour = hour;
        const kinds = jobs.map((job) => job.kind);
        await pruneSucceededJobs(db, kinds, new Date(at.getTime() - 7 * 86_400_000));
      }
    } catch (error) {
      logger.error({ err: error }, 'loyalty scheduling failed');
    }
  };
  const run = () => {
    running = running.then(tick);
  };
  const timer = setInterval(run, options.tickMs ?? Math.min(options.everyMs, 60_000));
  timer.unref();
  run();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
