import type { Kysely } from 'kysely';

/**
 * Runs `work` in the caller's transaction if there is one, else in a new one: a service that
 * must be atomic stays so when a caller (an idempotency key's record, a flow) wraps it in its own.
 */
export function inTransaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
