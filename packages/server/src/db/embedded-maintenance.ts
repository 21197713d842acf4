import { sql } from 'kysely';
import type { DatabaseHandle } from './connect.ts';

/**
 * PGlite runs no autovacuum daemon, so planner statistics go stale as tables grow and plans
 * turn into nested loops (a 70k-row import went from 20 s to 334 s without ANALYZE). On the
 * embedded engine, refresh them now and then; a PostgreSQL server does this by itself.
 */
export function startEmbeddedMaintenance(
  database: DatabaseHandle,
  everyMs = 10 * 60_000,
): { stop(): void } {
  if (database.engine !== 'pglite') return { stop() {} };
  const timer = setInterval(() => {
    sql`vacuum analyze`.execute(database.db).catch(() => {
      // Best effort: the next round tries again.
    });
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
