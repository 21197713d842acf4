import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import lockfile from 'proper-lockfile';
import { PGliteWorker, PGliteWorkerDialect } from './pglite-dialect.ts';
import { preparingPool } from './prepared-statements.ts';
import type { Database } from './database.ts';

export type Engine = 'pglite' | 'postgres';

/** Loads CSV text into `table (columns)` with COPY; returns the number of rows loaded. */
export type CopyCsv = (
  table: string,
  columns: readonly string[],
  csv: Uint8Array | string,
) => Promise<number>;

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /**
   * A small pool of its own for short reads started beside a transaction's `begin` and awaited
   * inside it (server only; the embedded database has one connection). Being separate, such a
   * read never waits for a connection held by the transaction waiting for it.
   */
  readonly readAhead?: Kysely<Database>;
  /** Where the data lives, for messages: the data directory or the server (password hidden). */
  readonly location: string;
  /**
   * One transaction on one connection that may also bulk-load with COPY: the fast path for
   * imports, all-or-nothing like any transaction.
   */
  bulkTransaction<T>(
    work: (trx: Transaction<Database>, copyCsv: CopyCsv) => Promise<T>,
  ): Promise<T>;
  /** A consistent snapshot of the embedded data directory (PGlite only), for fast test set-up. */
  dumpDataDir?(): Promise<ArrayBuffer>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server URL; unset means the embedded database. */
  databaseUrl?: string | undefined;
  /** Embedded data directory; `memory://` keeps it in memory (tests). */
  dataDir?: string | undefined;
  /** Schema to use on a server (tests isolate each run in their own). */
  searchPath?: string | undefined;
  /** Start the embedded database from a dump made by `dumpDataDir`. */
  loadDataDir?: ArrayBuffer | undefined;
  poolSize?: number | undefined;
  /**
   * Name the statements that repeat, so a server parses and plans them once per connection
   * (default on; off behind a transaction-pooling PgBouncer older than 1.21).
   */
  preparedStatements?: boolean | undefined;
}

const INT8 = 20;
const DATE = 1082;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // int8 as number: minor units and counts stay below 2^53; dates stay calendar strings.
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

function quoteIdentifierList(columns: readonly string[]): string {
  return columns.map((column) => `"${column.replaceAll('"', '""')}"`).join(', ');
}

export class DataDirectoryInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The embedded database in ${dataDir} is in use by another Fidelis process. ` +
        'Stop that process (is `fidelis serve` running?), or set DATABASE_URL to use a PostgreSQL server.',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl ? openServer(options.databaseUrl, options) : openEmbedded(options);
}

/**
 * The database runs behind a pooler that moves a client between server connections: the pool
 * stopped preparing statements by itself; the operator should say so in the configuration. A
 * process warning, since the database opens before the app and its logger.
 */
function warnPooler(error: Error): void {
  process.emitWarning(
    `A named prepared statement met another server connection (${error.message}): a ` +
      'transaction-pooling PgBouncer older than 1.21? Statements are no longer prepared; set ' +
      'DATABASE_PREPARED_STATEMENTS=false.',
    { code: 'FIDELIS_PREPARED_STATEMENTS' },
  );
}

async function openServer(url: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  const searchPath = options.searchPath ? `-c search_path=${options.searchPath}` : '';
  const newPool = (max: number) =>
    new pg.Pool({
      connectionString: url,
      max,
      types: pgTypes,
      options: `-c TimeZone=UTC ${searchPath}`.trim(),
    });
  const forKysely = (raw: pg.Pool) =>
    new Kysely<Database>({
      dialect: new PostgresDialect({
        pool:
          options.preparedStatements === false
            ? raw
            : preparingPool(raw, { onPoolerDetected: warnPooler }),
      }),
    });
  const pool = newPool(options.poolSize ?? 20);
  const db = forKysely(pool);
  const readAhead = forKysely(newPool(4));
  const safeUrl = new URL(url);
  safeUrl.password = safeUrl.password ? '***' : '';
  return {
    db,
    engine: 'postgres',
    readAhead,
    location: safeUrl.toString(),
    async bulkTransaction(work) {
      const client = await pool.connect();
      // A Kysely bound to this one client, so the transaction and the COPY share a session.
      const single = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: {
            connect: async () => ({ query: client.query.bind(client), release() {} }),
            end: async () => {},
          },
        }),
      });
      try {
        return await single.transaction().execute((trx) =>
          work(trx, async (table, columns, csv) => {
            const stream = client.query(
              copyFromStream(
                `COPY "${table}" (${quoteIdentifierList(columns)}) FROM STDIN WITH (FORMAT csv)`,
              ),
            );
            await pipeline(
              Readable.from([typeof csv === 'string' ? Buffer.from(csv) : csv]),
              stream,
            );
            return Number(stream.rowCount ?? 0);
          }),
        );
      } finally {
        client.release();
      }
    },
    async close() {
      await Promise.all([db.destroy(), readAhead.destroy()]);
    },
  };
}

async function openEmbedded(options: DatabaseOptions): Promise<DatabaseHandle> {
  const inMemory = !options.dataDir || options.dataDir.startsWith('memory://');
  let unlock: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!inMemory && options.dataDir) {
    dataDir = path.resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    try {
      // A second process opening the same directory would corrupt it: hold a lock while open.
      unlock = await lockfile.lock(dataDir, {
        lockfilePath: path.join(dataDir, 'fidelis.lock'),
        stale: 15_000,
        update: 5_000,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ELOCKED')
        throw new DataDirectoryInUseError(dataDir);
      throw error;
    }
  }
  const worker = new PGliteWorker({
    dataDir: dataDir ? path.join(dataDir, 'pgdata') : undefined,
    loadDataDir: options.loadDataDir,
  });
  try {
    await worker.ready;
  } catch (error) {
    await unlock?.();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteWorkerDialect(worker) });
  return {
    db,
    engine: 'pglite',
    location: dataDir ?? 'memory',
    async bulkTransaction(work) {
      return db.transaction().execute((trx) =>
        // The transaction holds the one embedded connection, so the COPY runs inside it.
        work(trx, async (table, columns, csv) => {
          const data = typeof csv === 'string' ? new TextEncoder().encode(csv) : csv;
          const buffer = data.buffer.slice(
            data.byteOffset,
            data.byteOffset + data.byteLength,
          ) as ArrayBuffer;
          const reply = await worker.call(
            {
              op: 'copyFrom',
              sql: `COPY "${table}" (${quoteIdentifierList(columns)}) FROM '/dev/blob' WITH (FORMAT csv)`,
              data: buffer,
            },
            [buffer],
          );
          return reply.affectedRows;
        }),
      );
    },
    async dumpDataDir() {
      const reply = await worker.call({ op: 'dumpDataDir' });
      if (!reply.data) throw new Error('the embedded database returned no dump');
      return reply.data;
    },
    async close() {
      await db.destroy();
      await unlock?.();
    },
  };
}
