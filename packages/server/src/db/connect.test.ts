import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DataDirectoryInUseError, openDatabase } from './connect.ts';
import { openTestDatabase } from '../../test/test-app.ts';

describe('embedded database', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the event loop free while a query runs (worker thread)', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      await sql`select pg_sleep(0.4)`.execute(database.db);
      clearInterval(timer);
      // A query on the calling thread would let no timer fire at all until it returned.
      expect(ticks).toBeGreaterThan(3);
    } finally {
      await database.close();
    }
  });

  it('refuses a second process on the same data directory, and reopens after close', async () => {
    const first = await openDatabase({ dataDir: dir });
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirectoryInUseError);
    await sql`create table kept (n int); insert into kept values (42)`.execute(first.db);
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    try {
      const { rows } = await sql<{ n: number }>`select n from kept`.execute(second.db);
      expect(rows).toEqual([{ n: 42 }]);
    } finally {
      await second.close();
    }
  });
});

describe('bulk transactions (both engines)', () => {
  it('loads CSV with COPY and leaves nothing behind when the work fails', async () => {
    const database = await openTestDatabase();
    const table = `bulk_${Math.random().toString(36).slice(2, 8)}`;
    try {
      await sql`create table ${sql.id(table)} (id int primary key, name text)`.execute(database.db);
      const loaded = await database.bulkTransaction(async (_trx, copyCsv) =>
        copyCsv(table, ['id', 'name'], '1,张三\n2,"Smith, Jane"\n'),
      );
      expect(loaded).toBe(2);
      await expect(
        database.bulkTransaction(async (trx, copyCsv) => {
          await copyCsv(table, ['id', 'name'], '3,李四\n');
          await sql`select 1/0`.execute(trx);
        }),
      ).rejects.toThrow();
      const { rows } = await sql<{
        id: number;
        name: string;
      }>`select * from ${sql.id(table)} order by id`.execute(database.db);
      expect(rows).toEqual([
        { id: 1, name: '张三' },
        { id: 2, name: 'Smith, Jane' },
      ]);
      // A bad row is named by its line (`where`), which the CSV imports report to the operator.
      await expect(
        database.bulkTransaction(async (_trx, copyCsv) =>
          copyCsv(table, ['id', 'name'], '4,a\n5,b\nsix,c\n'),
        ),
      ).rejects.toMatchObject({ where: expect.stringContaining('line 3') });
    } finally {
      await sql`drop table if exists ${sql.id(table)}`.execute(database.db);
      await database.close();
    }
  });

  it('runs concurrent callers one at a time on the embedded connection without mixing transactions', async () => {
    const database = await openTestDatabase();
    const table = `conc_${Math.random().toString(36).slice(2, 8)}`;
    try {
      await sql`create table ${sql.id(table)} (n int)`.execute(database.db);
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          database.db
            .transaction()
            .execute(async (trx) => {
              await sql`insert into ${sql.id(table)} values (${n})`.execute(trx);
              if (n % 2 === 1) throw new Error('roll back odd ones');
            })
            .catch(() => undefined),
        ),
      );
      const { rows } = await sql<{
        count: number;
      }>`select count(*)::int as count from ${sql.id(table)}`.execute(database.db);
      expect(rows[0]?.count).toBe(10);
    } finally {
      await sql`drop table if exists ${sql.id(table)}`.execute(database.db);
      await database.close();
    }
  });
});
