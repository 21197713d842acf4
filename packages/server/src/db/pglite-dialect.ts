import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

interface EmbeddedErrorFields {
  message: string;
  code?: string;
  detail?: string;
  constraint?: string;
  where?: string;
}

/** An error raised inside PGlite, carrying PostgreSQL's SQLSTATE like `pg`'s DatabaseError. */
export class EmbeddedDatabaseError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly constraint: string | undefined;
  /** Where in the statement it failed; for COPY `COPY t, line 7, column c: …`. */
  readonly where: string | undefined;
  constructor(fields: EmbeddedErrorFields) {
    super(fields.message);
    this.name = 'EmbeddedDatabaseError';
    this.code = fields.code;
    this.detail = fields.detail;
    this.constraint = fields.constraint;
    this.where = fields.where;
  }
}

type Reply =
  | {
      id: number;
      ok: true;
      rows: Record<string, unknown>[];
      affectedRows: number;
      data?: ArrayBuffer;
    }
  | {
      id: number;
      ok: false;
      error: EmbeddedErrorFields;
    };

/** The worker thread that owns the PGlite instance, and a message channel to it. */
export class PGliteWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 1;
  readonly ready: Promise<void>;

  constructor(options: { dataDir: string | undefined; loadDataDir?: ArrayBuffer | undefined }) {
    this.#worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
      workerData: { dataDir: options.dataDir, loadDataDir: options.loadDataDir },
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: { ready?: boolean } | Reply) => {
        if ('ready' in message) {
          this.#worker.off('error', reject);
          resolve();
          return;
        }
        const reply = message as Reply;
        this.#pending.get(reply.id)?.(reply);
        this.#pending.delete(reply.id);
      };
      this.#worker.on('message', onMessage);
      this.#worker.once('error', reject);
    });
    // A worker that dies (error or exit) must fail its pending queries, never leave them hanging.
    this.#worker.on('exit', (code) => {
      for (const resolve of this.#pending.values()) {
        resolve({
          id: 0,
          ok: false,
          error: { message: `embedded database stopped (exit ${code})` },
        });
      }
      this.#pending.clear();
    });
    this.#worker.on('error', (error) => {
      for (const resolve of this.#pending.values()) {
        resolve({
          id: 0,
          ok: false,
          error: { message: `embedded database crashed: ${error.message}` },
        });
      }
      this.#pending.clear();
    });
  }

  async call(
    message: Record<string, unknown>,
    transfer: ArrayBuffer[] = [],
  ): Promise<Reply & { ok: true }> {
    await this.ready;
    const id = this.#nextId++;
    const reply = await new Promise<Reply>((resolve) => {
      this.#pending.set(id, resolve);
      this.#worker.postMessage({ ...message, id }, transfer);
    });
    if (!reply.ok) throw new EmbeddedDatabaseError(reply.error);
    return reply;
  }

  async terminate(): Promise<void> {
    try {
      await this.call({ op: 'close' });
    } finally {
      await this.#worker.terminate();
    }
  }
}

/**
 * PGlite is one connection: callers queue for it here (a promise chain, not a lock that
 * matters across processes: the data-directory lock file keeps other processes out).
 */
class ConnectionQueue {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

class PGliteConnection implements DatabaseConnection {
  release: (() => void) | undefined;
  constructor(readonly worker: PGliteWorker) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.worker.call({
      op: 'query',
      sql: query.sql,
      params: query.parameters.map(toWorkerParameter),
    });
    return { rows: reply.rows as R[], numAffectedRows: BigInt(reply.affectedRows) };
  }

  // eslint-disable-next-line require-yield -- PGlite returns whole results; no cursor to stream from
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database');
  }
}

/** Dates, big integers and JSON values cross the thread boundary as PostgreSQL would accept them. */
function toWorkerParameter(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  ) {
    return JSON.stringify(value);
  }
  return value;
}

class PGliteDriver implements Driver {
  readonly #queue = new ConnectionQueue();
  readonly #connection: PGliteConnection;
  constructor(worker: PGliteWorker) {
    this.#connection = new PGliteConnection(worker);
  }
  async init(): Promise<void> {
    await this.#connection.worker.ready;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#queue.acquire();
    this.#connection.release = release;
    return this.#connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const held = connection as PGliteConnection;
    const release = held.release;
    held.release = undefined;
    release?.();
  }
  async destroy(): Promise<void> {
    await this.#connection.worker.terminate();
  }
}

/** Kysely dialect for PGlite running in a worker thread. */
export class PGliteWorkerDialect implements Dialect {
  constructor(readonly worker: PGliteWorker) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.worker);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
