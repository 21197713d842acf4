import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../main.ts';
import { AppError } from '../http/app-error.ts';
import { findTenant, systemContext } from '../modules/platform/index.ts';
import { importTransactionsFlow } from '../flows/record-events.flow.ts';
import { assertUtf8, inputFileSize } from './operator-input.ts';
import { fieldErrorLine, problemSentence } from './i18n/problem-text.ts';
import { t } from './i18n/translate.ts';
import { fail, printResult, progressBar } from './output.ts';

/** `fidelis import transactions FILE --tenant ID`: bulk-load historical purchases and refunds. */
export function registerImportTransactionsCommand(program: Command): void {
  // `import` may already exist (other importers register under it too).
  const importCommand =
    program.commands.find((command) => command.name() === 'import') ??
    program.command('import').description(t('importCustomers.group'));
  importCommand
    .command('transactions')
    .description(t('importTransactions.description'))
    .argument('<file>', t('importTransactions.file'))
    .requiredOption('--tenant <id>', t('importTransactions.tenant'))
    .option('--amount-unit <unit>', t('importTransactions.amountUnit'), 'major')
    .option('--skip-invalid', t('importTransactions.skipInvalid'))
    .option('--json', t('importTransactions.json'))
    .action(
      async (
        file: string,
        options: { tenant: string; amountUnit: string; skipInvalid?: boolean; json?: boolean },
      ) => {
        if (options.amountUnit !== 'major' && options.amountUnit !== 'minor') {
          fail(t('importTransactions.badAmountUnit'));
        }
        await inputFileSize(file);
        const csv = await readFile(file);
        assertUtf8(file, csv);
        const database = await openConfiguredDatabase(loadConfig());
        const bar = progressBar(t('importTransactions.bar'), !options.json);
        let started = false;
        try {
          const tenant = await findTenant(database.db, options.tenant).catch(() => null);
          if (!tenant) fail(t('importTransactions.noTenant', { id: options.tenant }));
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
              t('importTransactions.summary', { file, rows: result.rows, events: result.events }),
              t('importTransactions.counts', {
                created: result.created,
                duplicates: result.duplicates,
                customersCreated: result.customersCreated,
              }),
              ...(result.errors.length > 0
                ? [t('importTransactions.skipped'), ...result.errors.map(formatError)]
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
              const sentence = problemSentence({
                code: error.code,
                title: error.message,
                detail: error.message,
              });
              process.stderr.write(`fidelis: ${sentence}\n`);
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

function formatError(error: Parameters<typeof fieldErrorLine>[0]): string {
  return fieldErrorLine({ ...error, line: error.line ?? '?' });
}
