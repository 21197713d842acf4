import { afterEach, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { preparingPool, type PreparedStatementOptions } from './prepared-statements.ts';

const url = process.env.DATABASE_URL;

describe.runIf(url)('prepared statements on a PostgreSQL server', () => {
  let db: Kysely<Record<string, never>> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  /** One connection (unless told), so statements meet the same session's prepared ones. */
  function open(options?: PreparedStatementOptions, connections = 1) {
    db = new Kysely({
      dialect: new PostgresDialect({
        pool: preparingPool(new pg.Pool({ connectionString: url, max: connections }), options),
      }),
    });
    return db;
  }

  async function prepared(on: Kysely<Record<string, never>>) {
    const { rows } = await sql<{ name: string; statement: string }>`
      select name, statement from pg_prepared_statements order by name`.execute(on);
    return rows;
  }

  it('names a statement with parameters once it repeats, and runs it again by name', async () => {
    const on = open({ namedAfter: 2 });
    const double = (n: number) => sql<{ twice: number }>`select ${n}::int * 2 as twice`.execute(on);
    expect((await double(1)).rows).toEqual([{ twice: 2 }]);
    expect(await prepared(on)).toEqual([]);
    expect((await double(2)).rows).toEqual([{ twice: 4 }]);
    expect((await double(3)).rows).toEqual([{ twice: 6 }]);
    const names = await prepared(on);
    expect(names).toHaveLength(1);
    expect(names[0]?.name).toBe('fidelis_1');
    expect(names[0]?.statement).toContain('* 2 as twice');
  });

  it('leaves statements without parameters, and texts past the limit, unnamed', async () => {
    const on = open({ namedAfter: 1, maxStatements: 1 });
    await sql`select 1`.execute(on);
    await sql`select ${1}::int as a`.execute(on);
    await sql`select ${1}::int as b`.execute(on);
    await sql`select ${2}::int as b`.execute(on);
    expect((await prepared(on)).map((row) => row.statement)).toEqual(['select $1::int as a']);
  });

  it('prepares a select * again after a migration changes its columns', async () => {
    const on = open({ namedAfter: 1 });
    await sql`create temporary table stale (id int, a text)`.execute(on);
    await sql`insert into stale values (1, 'x')`.execute(on);
    const read = (db: Kysely<Record<string, never>>) =>
      sql<Record<string, unknown>>`select * from stale where id = ${1}`.execute(db);
    expect((await read(on)).rows).toEqual([{ id: 1, a: 'x' }]);
    await sql`alter table stale add column b int`.execute(on);
    // Outside a transaction: refused under its old name, run again under a new one.
    expect((await read(on)).rows).toEqual([{ id: 1, a: 'x', b: null }]);
    await sql`alter table stale add column c int`.execute(on);
    // Inside one: the transaction fails once, as it would with any driver; the next one works.
    await expect(on.transaction().execute((trx) => read(trx))).rejects.toThrow(
      'cached plan must not change result type',
    );
    expect((await on.transaction().execute((trx) => read(trx))).rows).toEqual([
      { id: 1, a: 'x', b: null, c: null },
    ]);
  });

  it('after such a migration, every connection runs the statement again', async () => {
    const on = open({ namedAfter: 1 }, 2);
    const table = sql.id(`prepared_stale_${process.pid}`);
    await sql`create table ${table} (id int)`.execute(on);
    try {
      await sql`insert into ${table} values (1)`.execute(on);
      const read = () => sql<Record<string, unknown>>`select * from ${table} where id = ${1}`;
      // Both connections prepare it (two reads at once take both).
      await Promise.all([read().execute(on), read().execute(on)]);
      await sql`alter table ${table} add column b int`.execute(on);
      // Both meet the old plan: the first renames the text, the second uses the new name.
      const [first, second] = await Promise.all([read().execute(on), read().execute(on)]);
      expect(first.rows).toEqual([{ id: 1, b: null }]);
      expect(second.rows).toEqual([{ id: 1, b: null }]);
    } finally {
      await sql`drop table ${table}`.execute(on);
    }
  });

  it('behind a pooler that switches server connections: stops preparing, once, and carries on', async () => {
    // A transaction-pooling PgBouncer older than 1.21 gives a client another server connection
    // between transactions: its statements are not there (26000), or another client's are
    // (42P05). `deallocate all` behind the client's back does to it what such a switch does.
    const detected: Error[] = [];
    const on = open({ namedAfter: 1, onPoolerDetected: (error) => detected.push(error) });
    const triple = (n: number) => sql<{ t: number }>`select ${n}::int * 3 as t`;
    expect((await triple(1).execute(on)).rows).toEqual([{ t: 3 }]);
    expect(await prepared(on)).toHaveLength(1);
    await sql`deallocate all`.execute(on);
    // Outside a transaction: run again unnamed at once.
    expect((await triple(2).execute(on)).rows).toEqual([{ t: 6 }]);
    expect(detected).toHaveLength(1);
    expect(detected[0]?.message).toMatch(/prepared statement "fidelis_1" does not exist/);
    // From then on nothing is named, so nothing can go missing again.
    expect((await triple(3).execute(on)).rows).toEqual([{ t: 9 }]);
    expect(await sql<{ q: number }>`select ${1}::int + 1 as q`.execute(on)).toMatchObject({
      rows: [{ q: 2 }],
    });
    expect(await prepared(on)).toEqual([]);
    expect(detected).toHaveLength(1);
  });

  it('behind such a pooler, inside a transaction: that transaction fails once, the next works', async () => {
    const detected: Error[] = [];
    const on = open({ namedAfter: 1, onPoolerDetected: (error) => detected.push(error) });
    const read = (trx: Kysely<Record<string, never>>) =>
      sql<{ n: number }>`select ${7}::int as n`.execute(trx);
    await read(on);
    await sql`deallocate all`.execute(on);
    await expect(on.transaction().execute(read)).rejects.toThrow(/does not exist/);
    expect((await on.transaction().execute(read)).rows).toEqual([{ n: 7 }]);
    expect(detected).toHaveLength(1);
  });

  it('keeps a connection usable after a named statement fails, in and out of transactions', async () => {
    const on = open({ namedAfter: 1 });
    const divide = (n: number) => sql<{ q: number }>`select 10 / ${n}::int as q`.execute(on);
    await expect(divide(0)).rejects.toThrow(/division by zero/);
    expect((await divide(5)).rows).toEqual([{ q: 2 }]);
    await expect(
      on.transaction().execute(async (trx) => {
        await sql`select 10 / ${0}::int`.execute(trx);
      }),
    ).rejects.toThrow(/division by zero/);
    expect((await divide(2)).rows).toEqual([{ q: 5 }]);
    // A statement the server refuses to parse is parsed again next time (and refused again).
    const unknownType = () => sql`select ${1}::no_such_type`.execute(on);
    await expect(unknownType()).rejects.toThrow(/no_such_type/);
    await expect(unknownType()).rejects.toThrow(/no_such_type/);
    expect((await divide(1)).rows).toEqual([{ q: 10 }]);
    // A statement first parsed inside a transaction that rolls back stays prepared.
    await expect(
      on.transaction().execute(async (trx) => {
        await sql`select ${1}::int + 1 as r`.execute(trx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await sql<{ r: number }>`select ${4}::int + 1 as r`.execute(on)).rows).toEqual([
      { r: 5 },
    ]);
  });
});
