import type { TestProject } from 'vitest/node';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testSchema: string | null;
  }
}

/**
 * With DATABASE_URL, the run gets a schema of its own on that server (migrated once, dropped
 * at the end), so runs never see each other's tables or stale migrations. Without it, each
 * test file opens its own in-memory embedded database.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide('testSchema', null);
    return;
  }
  const schema = `fidelis_test_${process.pid}_${Date.now()}`;
  const admin = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  // The trigram extension belongs in public, where every test schema finds it; a run killed
  // after creating it in its own schema would otherwise leave it behind there.
  await sql`create extension if not exists pg_trgm with schema public`.execute(admin.db);
  await sql`alter extension pg_trgm set schema public`.execute(admin.db);
  await admin.close();
  const handle = await openDatabase({
    databaseUrl: url,
    searchPath: `${schema},public`,
    poolSize: 1,
  });
  await migrateToLatest(handle.db, { schema });
  await handle.close();
  project.provide('testSchema', schema);
  return async () => {
    const cleanup = await openDatabase({ databaseUrl: url, poolSize: 1 });
    await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
    await cleanup.close();
  };
}
