import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp, type AppDeps } from '../src/app.ts';
import { createTenant, type CreatedTenant } from '../src/modules/platform/index.ts';
import type { FidelisApp } from '../src/http/fastify.ts';

/**
 * A real database for a test file: the run's schema on the PostgreSQL server when
 * DATABASE_URL is set, else a fresh in-memory embedded database. Never a mock.
 */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  const schema = inject('testSchema');
  if (process.env.DATABASE_URL && schema) {
    return openDatabase({
      databaseUrl: process.env.DATABASE_URL,
      searchPath: `${schema},public`,
      poolSize: 10,
    });
  }
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(database.db);
  return database;
}

export interface TestApp {
  app: FidelisApp;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export async function openTestApp(config: Partial<AppDeps['config']> = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const app = await buildApp({
    database,
    config: {
      logLevel: 'silent',
      rateLimitPerMinute: 1_000_000,
      webDist: '/nonexistent',
      secureCookies: false,
      ...config,
    },
  });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A fresh tenant: tests isolate themselves by tenant, as the product does. */
export async function newTenant(
  testApp: TestApp,
  name = 'Test tenant',
): Promise<CreatedTenant & { auth: { authorization: string } }> {
  const created = await createTenant(testApp.database.db, { name });
  return { ...created, auth: { authorization: `Bearer ${created.apiKey}` } };
}
