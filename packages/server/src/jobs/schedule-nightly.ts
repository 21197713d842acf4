import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { listTenants } from '../modules/platform/index.ts';
import { scheduleNightlyScoreRuns } from '../modules/scores/index.ts';

/**
 * Every `everyMs`, queues tonight's scoring run for each tenant past 02:00 local time. Safe
 * with many processes: each (tenant, night) slot is claimed once in the database.
 */
export function startNightlySchedule(
  db: Kysely<Database>,
  logger: Pick<FastifyBaseLogger, 'info' | 'error'>,
  everyMs = 15 * 60_000,
): { stop(): void } {
  const timer = setInterval(() => {
    void (async () => {
      try {
        const enqueued = await scheduleNightlyScoreRuns(db, await listTenants(db), new Date());
        if (enqueued.length > 0)
          logger.info({ jobs: enqueued.length }, 'nightly scoring runs queued');
      } catch (error) {
        logger.error({ err: error }, 'nightly scheduling failed');
      }
    })();
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
