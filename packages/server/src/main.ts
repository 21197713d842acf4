// Wiring only: open the database, migrate, build the HTTP app, start the job workers.
import { openDatabase, type DatabaseHandle } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { startJobWorker } from './jobs/run-jobs.ts';
import { startEmbeddedMaintenance } from './db/embedded-maintenance.ts';
import { startNightlySchedule } from './jobs/schedule-nightly.ts';
import { startLoyaltySchedule } from './jobs/schedule-loyalty.ts';
import { jobHandlers } from './jobs/job-handlers.ts';
import type { FidelisApp } from './http/fastify.ts';

export interface RunningServer {
  app: FidelisApp;
  database: DatabaseHandle;
  url: string;
  close(): Promise<void>;
}

export async function openConfiguredDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'preparedStatements'>,
): Promise<DatabaseHandle> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    preparedStatements: config.preparedStatements,
  });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

export async function startServer(
  config: Config,
  options: { beforeListen?: (database: DatabaseHandle, app: FidelisApp) => Promise<void> } = {},
): Promise<RunningServer> {
  const database = await openConfiguredDatabase(config);
  const app = await buildApp({ database, config });
  await options.beforeListen?.(database, app);
  const worker = startJobWorker(database.db, jobHandlers, app.log);
  const maintenance = startEmbeddedMaintenance(database);
  const nightly = startNightlySchedule(database.db, app.log);
  const loyalty =
    config.loyaltyJobsEveryMinutes > 0
      ? startLoyaltySchedule(database.db, app.log, {
          everyMs: config.loyaltyJobsEveryMinutes * 60_000,
        })
      : null;
  const address = await app.listen({ port: config.port, host: config.host });
  // Listening on every interface, Fastify names the first (127.0.0.1): people type localhost.
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  const url =
    config.publicUrl ?? (everywhere ? `http://localhost:${new URL(address).port}` : address);
  let closing: Promise<void> | undefined;
  return {
    app,
    database,
    url,
    close() {
      closing ??= (async () => {
        maintenance.stop();
        nightly.stop();
        await loyalty?.stop();
        await app.close();
        await worker.stop();
        await database.close();
      })();
      return closing;
    },
  };
}
