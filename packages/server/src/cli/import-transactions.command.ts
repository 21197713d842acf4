import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../main.ts';
import { AppError } from '../http/app-error.ts';
import { findTenant, systemContext } from '../modules/platform/index.ts';
import { importTransactionsFlow } from '../flows/record-events.flow.ts';
import { assertUtf8, inputFileSize } from './operator-input.ts';
import { fail, printResult, progressBar } from './output.ts';

/** `fidelis import transactions FILE --tenant ID`: bulk-load historical purchases and refunds. */
export function registerImportTransactionsCommand(program: Command): void {
  // `import` may already exist (other importers register under it too).
  const importCommand =
    program.commands.find((command) => command.name() === 'import') ??
    program.command('import').description('Import data from CSV files');
  importCommand
    .command('transactions')
    .description(
      'Import purchases and refunds from CSV straight into the configured database (COPY); ' +
        're-importing the same file adds nothing. Columns: see docs/events.md.',
    )
    .argument('<file>', 'CSV file (UTF-8, header line first)')
    .requiredOption('--tenant <id>', 'the tenant to import into')
    .option('--amount-unit <unit>', 'amounts in major (12.50) or minor (1250) units', 'major')
    .option(
      '--skip-invalid',
      'import the valid events and report the rest (default: all or nothing)',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        options: { tenant: string; amountUnit: string; skipInvalid?: boolean; json?: boolean },
      ) => {
        if (options.amountUnit !== 'major' && options.amountUnit !== 'minor') {
          fail('--amount-unit must be major or minor');
        }
        await inputFileSize(file);
        const csv = await readFile(file);
        assertUtf8(file, csv);
        const database = await openConfiguredDatabase(loadConfig());
        const bar = progressBar('Importing', !options.json);
        let started = false;
        try {
          const tenant = await findTenant(database.db, options.tenant).catch(() => null);
          if (!tenant) fail(`no tenant ${options.tenant}`);
          const result = await importTransactionsFlow(
            database,
            systemContext(tenant.id),
            new Uint8Array(csv.buffer, csv.byteOffset, csv.byteLength),
            {
              amountUnit: options.amountUnit,
              skipInvalid: Boolean(options.skipInvalid),
              onProgress: (phase, done, total) => {
                // The bar follows the bytes copied; the checks and inserts after it are quick.
                if (phase !== 'copy') return;
                if (!started) {
                  bar.start(total);
                  started = true;
                }
                bar.update(done);
              },
            },
          );
          bar.stop();
          printResult(Boolean(options.json), result, () =>
            [
              `Imported ${file}: ${result.rows} rows, ${result.events} events`,
              `  created ${result.created}, already there ${result.duplicates}, new customers ${result.customersCreated}`,
              ...(result.errors.length > 0
                ? [`  skipped (invalid):`, ...result.errors.map(formatError)]
                : []),
            ].join('\n'),
          );
        } catch (error) {
          bar.stop();
          if (error instanceof AppError) {
            if (options.json) {
              process.stdout.write(
                `${JSON.stringify({ code: error.code, message: error.message, errors: error.errors }, null, 2)}\n`,
              );
            } else {
              process.stderr.write(`fidelis: ${error.message}\n`);
              for (const fieldError of error.errors)
                process.stderr.write(`${formatError(fieldError)}\n`);
            }
            process.exitCode = 1;
            return;
          }
          throw error;
        } finally {
          await database.close();
        }
      },
    );
}

function formatError(error: { line?: number | undefined; field: string; message: string }): string {
  return `  line ${error.line ?? '?'}, ${error.field}: ${error.message}`;
}
