import type { Command } from 'commander';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadConfig } from '../config.ts';
import { t } from './i18n/translate.ts';
import { printResult } from './output.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(t('migrate.description'))
    .option('--json', t('common.json'))
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
            ? `${t('migrate.applied', { n: applied.length, location: database.location })}\n  ${applied.join('\n  ')}`
            : t('migrate.upToDate', { location: database.location }),
        );
      } finally {
        await database.close();
      }
    });
}
