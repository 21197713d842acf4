import type { Command } from 'commander';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadConfig } from '../config.ts';
import { printResult } from './output.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date (also done at every start)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      const database = await openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
      });
      try {
        const results = await migrateToLatest(database.db);
        const applied = (results ?? [])
          .filter((result) => result.status === 'Success')
          .map((result) => result.migrationName);
        printResult(Boolean(options.json), { database: database.location, applied }, () =>
          applied.length
            ? `Applied ${applied.length} migrations to ${database.location}:\n  ${applied.join('\n  ')}`
            : `${database.location} is up to date.`,
        );
      } finally {
        await database.close();
      }
    });
}
