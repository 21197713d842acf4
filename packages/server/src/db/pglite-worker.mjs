// The embedded database runs here, off the HTTP thread: PGlite executes queries synchronously
// on the thread that calls it (a 0.9 s query froze timers), so the main thread only posts
// messages. Plain JavaScript so the same file loads under node, tsx and vitest without a loader.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const parsers = {
  // int8 as number: money in minor units and counts stay far below 2^53.
  [types.INT8]: (value) => Number(value),
  [types.DATE]: (value) => value,
};

function serializeError(error) {
  const e = /** @type {Record<string, unknown>} */ (error);
  return {
    message: String(e.message ?? error),
    code: e.code,
    detail: e.detail,
    where: e.where,
    constraint: e.constraint,
    table: e.table,
    column: e.column,
    severity: e.severity,
  };
}

const pg = await PGlite.create(workerData.dataDir ?? 'memory://', {
  extensions: { pg_trgm },
  parsers,
  ...(workerData.loadDataDir ? { loadDataDir: new Blob([workerData.loadDataDir]) } : {}),
});
await pg.exec("SET TIME ZONE 'UTC'");

parentPort.on('message', async (message) => {
  const { id, op } = message;
  try {
    if (op === 'query') {
      // Without parameters use the simple protocol, which also runs multi-statement scripts
      // (migrations), as node-postgres does.
      const result =
        message.params.length === 0
          ? ((await pg.exec(message.sql, { parsers })).at(-1) ?? { rows: [], affectedRows: 0 })
          : await pg.query(message.sql, message.params, { parsers });
      parentPort.postMessage({
        id,
        ok: true,
        rows: result.rows,
        affectedRows: result.affectedRows ?? 0,
      });
    } else if (op === 'copyFrom') {
      const result = await pg.query(message.sql, [], { blob: new Blob([message.data]) });
      parentPort.postMessage({ id, ok: true, rows: [], affectedRows: result.affectedRows ?? 0 });
    } else if (op === 'dumpDataDir') {
      const file = await pg.dumpDataDir('none');
      const data = await file.arrayBuffer();
      parentPort.postMessage({ id, ok: true, rows: [], affectedRows: 0, data }, [data]);
    } else if (op === 'close') {
      await pg.close();
      parentPort.postMessage({ id, ok: true, rows: [], affectedRows: 0 });
    } else {
      throw new Error(`unknown op ${op}`);
    }
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: serializeError(error) });
  }
});

parentPort.postMessage({ ready: true });
