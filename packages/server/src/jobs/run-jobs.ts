import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import {
  claimNextJob,
  finishJob,
  JobFailure,
  reportJobProgress,
  type Job,
} from '../modules/platform/index.ts';
import type { Database } from '../db/database.ts';

export interface JobProgress {
  (done: number, total?: number | null, message?: string | null): Promise<void>;
}

/** Runs one kind of background job; returns what the job reports as its result. */
export type JobHandler = (
  db: Kysely<Database>,
  job: Job,
  progress: JobProgress,
) => Promise<unknown>;

/**
 * Pulls jobs from the `jobs` table until stopped. Any number of processes may run this: the
 * claim uses FOR UPDATE SKIP LOCKED, so nothing here assumes a single process.
 */
export function startJobWorker(
  db: Kysely<Database>,
  handlers: Record<string, JobHandler>,
  logger: Pick<FastifyBaseLogger, 'info' | 'error'> & Partial<Pick<FastifyBaseLogger, 'warn'>>,
  options: { idleMs?: number } = {},
): { stop(): Promise<void> } {
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const idleMs = options.idleMs ?? 1000;
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      let job: Job | null = null;
      try {
        job = await claimNextJob(db, workerId, Object.keys(handlers));
      } catch (error) {
        logger.error({ err: error }, 'could not claim a job');
      }
      if (!job) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, idleMs).unref();
        });
        continue;
      }
      const handler = handlers[job.kind];
      if (!handler) continue;
      const claimed = job;
      logger.info({ jobId: claimed.id, kind: claimed.kind }, 'job started');
      try {
        const result = await handler(db, claimed, (done, total, message) =>
          reportJobProgress(db, claimed, {
            done,
            ...(total !== undefined ? { total } : {}),
            ...(message !== undefined ? { message } : {}),
          }),
        );
        await finishJob(db, claimed, { ok: true, result });
        logger.info({ jobId: claimed.id, kind: claimed.kind }, 'job succeeded');
      } catch (error) {
        if (error instanceof JobFailure) {
          // An expected outcome (nothing to score yet, say): stored with its code, not an error.
          const entry = { jobId: claimed.id, kind: claimed.kind, code: error.code };
          (logger.warn ?? logger.info).call(logger, entry, `job failed: ${error.message}`);
        } else {
          logger.error({ err: error, jobId: claimed.id, kind: claimed.kind }, 'job failed');
        }
        await finishJob(db, claimed, {
          ok: false,
          error: (error as Error).message ?? String(error),
          ...(error instanceof JobFailure ? { code: error.code, params: error.params } : {}),
        }).catch(() => {});
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
