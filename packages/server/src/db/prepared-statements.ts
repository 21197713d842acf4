// Server-side prepared statements for the hot statements on a PostgreSQL server. Written by
// hand: node-postgres prepares a statement only when the caller names it, and Kysely never
// does; this names the statements that repeat, so each connection parses and plans them once
// and then sends only their parameters.
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

export interface PreparedStatementOptions {
  /** Distinct statement texts named at most per process (each connection keeps what it ran). */
  maxStatements?: number;
  /** How often a text must have run before it is named: one-off statements stay unnamed. */
  namedAfter?: number;
  /**
   * Called once when the server connection behind a client turns out not to be the one that
   * prepared its statements (a transaction-pooling PgBouncer older than 1.21): preparing stops
   * for the life of the pool. For a warning in the log.
   */
  onPoolerDetected?: (error: Error) => void;
}

/**
 * A pool for Kysely's PostgresDialect whose clients name a statement once its text has run
 * `namedAfter` times, up to `maxStatements` texts: the statements built from one template with
 * their values as parameters (every hot path is). Statements without parameters (`begin`,
 * `commit`, DDL) keep the simple protocol. Names are `fidelis_<n>`, one per text for the life
 * of the process, so a connection never meets a name with another text.
 *
 * Not for a transaction-pooling PgBouncer older than 1.21 (a statement prepared on one server
 * connection is run on another): `DATABASE_PREPARED_STATEMENTS=false` turns this off. Behind
 * one anyway, the first statement that meets another server connection's prepared statements
 * (or misses its own) stops the preparing for good and, outside a transaction, runs again
 * unnamed; inside one, that transaction fails once.
 */
export function preparingPool(pool: pg.Pool, options: PreparedStatementOptions = {}): PostgresPool {
  const maxStatements = options.maxStatements ?? 500;
  const namedAfter = options.namedAfter ?? 2;
  const names = new Map<string, string>();
  const seen = new Map<string, number>();
  let named = 0;
  let pooled = false;
  const nameOf = (text: string): string | undefined => {
    if (pooled) return undefined;
    const name = names.get(text);
    if (name !== undefined || names.size >= maxStatements) return name;
    const count = (seen.get(text) ?? 0) + 1;
    if (count < namedAfter) {
      // Texts that never repeat (a list of a size seen once) must not grow this for ever.
      if (seen.size >= maxStatements * 20) seen.clear();
      seen.set(text, count);
      return undefined;
    }
    seen.delete(text);
    return rename(text);
  };
  /** A new name for a text: every connection prepares it again under it. */
  const rename = (text: string): string => {
    const name = `fidelis_${++named}`;
    names.set(text, name);
    return name;
  };
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = (text: unknown, parameters?: readonly unknown[]): unknown => {
      if (typeof text !== 'string' || !parameters || parameters.length === 0)
        return client.query(text as string, parameters as unknown[]);
      const name = nameOf(text);
      if (name === undefined) return client.query(text, parameters as unknown[]);
      const values = parameters as unknown[];
      return client.query({ name, text, values }).catch((error: unknown) => {
        // A migration changed the columns a prepared `select *` returns (a rolling deploy): the
        // server refuses the old plan. The text gets a new name, which every connection
        // prepares afresh; outside a transaction the statement is run again at once (inside
        // one, the transaction has failed and fails once, as it would in any driver).
        if (isPooledAway(error)) {
          if (!pooled) {
            pooled = true;
            options.onPoolerDetected?.(error as Error);
          }
          if (client.getTransactionStatus() !== 'I') throw error;
          return client.query(text, values);
        }
        if (!isStalePlan(error)) throw error;
        // Another connection may have met it first and renamed the text already.
        const current = names.get(text);
        const fresh = current === undefined || current === name ? rename(text) : current;
        if (client.getTransactionStatus() !== 'I') throw error;
        return client.query({ name: fresh, text, values });
      });
    };
    return {
      query: query as PostgresPoolClient['query'],
      release: () => client.release(),
    };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * A named statement the server connection does not have (26000), or has already (42P05): the
 * client's connection is not one server connection, as behind a transaction-pooling PgBouncer.
 */
function isPooledAway(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: string }).code : undefined;
  return (
    (code === '26000' || code === '42P05') &&
    error instanceof Error &&
    error.message.includes('fidelis_')
  );
}

/** PostgreSQL's refusal of a prepared statement whose result columns a change of schema moved. */
function isStalePlan(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: string }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}
