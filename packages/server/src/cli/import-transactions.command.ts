import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { EventImportResult, Problem } from '@fidelis/contracts';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../main.ts';
import { AppError } from '../http/app-error.ts';
import { problemOf } from '../http/problem.ts';
import { findTenant, systemContext } from '../modules/platform/index.ts';
import type { TransactionImportOptions } from '../modules/activity/index.ts';
import { importTransactionsFlow } from '../flows/record-events.flow.ts';
import { inputFileSize, serverUrl } from './operator-input.ts';
import { fieldErrorLine } from './i18n/problem-text.ts';
import { t } from './i18n/translate.ts';
import { fail, printResult, progressBar } from './output.ts';
import { keyFrom, printProblem, uploadCsv } from './remote-import.ts';

interface Options {
  url?: string;
  key?: string;
  tenant?: string;
  amountUnit: string;
  encoding: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

type ImportSettings = Omit<TransactionImportOptions, 'onProgress'> & {
  encoding: 'auto' | 'utf8' | 'gbk';
};

/**
 * `fidelis import transactions FILE`: bulk-load historical purchases and refunds into a running
 * server (`--url`, `--key`), or straight into the configured database (`--tenant`).
 */
export function registerImportTransactionsCommand(program: Command): void {
  // `import` may already exist (other importers register under it too).
  const importCommand =
    program.commands.find((command) => command.name() === 'import') ??
    program.command('import').description(t('importCustomers.group'));
  importCommand
    .command('transactions')
    .description(t('importTransactions.description'))
    .argument('<file>', t('importTransactions.file'))
    .option('--url <url>', t('common.url'))
    .option('--key <key>', t('common.key'))
    .option('--tenant <id>', t('importTransactions.tenant'))
    .option('--amount-unit <unit>', t('importTransactions.amountUnit'), 'major')
    .option('--encoding <encoding>', t('importTransactions.encoding'), 'auto')
    .option('--skip-invalid', t('importTransactions.skipInvalid'))
    .option('--dry-run', t('importTransactions.dryRun'))
    .option('--json', t('importTransactions.json'))
    .action(async (file: string, options: Options) => {
      if (options.url !== undefined && options.tenant !== undefined) {
        fail(t('importTransactions.bothTargets'));
      }
      if (options.url === undefined && options.tenant === undefined) {
        fail(t('importTransactions.noTarget'));
      }
      if (options.amountUnit !== 'major' && options.amountUnit !== 'minor') {
        fail(t('importTransactions.badAmountUnit'));
      }
      const encoding = options.encoding;
      if (encoding !== 'auto' && encoding !== 'utf8' && encoding !== 'gbk') {
        fail(t('importTransactions.badEncoding'));
      }
      const settings: ImportSettings = {
        amountUnit: options.amountUnit,
        encoding,
        skipInvalid: Boolean(options.skipInvalid),
        dryRun: Boolean(options.dryRun),
      };
      const size = await inputFileSize(file);
      const result =
        options.url !== undefined
          ? await importThroughServer(file, size, options.url, options, settings)
          : await importIntoDatabase(file, options.tenant ?? '', options, settings);
      printResult(Boolean(options.json), result, () => summary(file, result));
      // A dry run that found invalid rows fails, as the import itself would.
      if (result.dryRun && result.errors.length > 0) process.exitCode = 1;
    });
}

/** Streams the file to `POST /v1/events/imports`, with an upload bar. */
async function importThroughServer(
  file: string,
  size: number,
  url: string,
  options: Options,
  settings: ImportSettings,
): Promise<EventImportResult> {
  serverUrl(url);
  const remote = { url, key: keyFrom(options) };
  const query = new URLSearchParams({
    amountUnit: settings.amountUnit,
    encoding: settings.encoding,
    skipInvalid: String(settings.skipInvalid),
    dryRun: String(settings.dryRun ?? false),
  });
  const bar = progressBar(t('importTransactions.upload'), !options.json);
  bar.start(size);
  let response: Response;
  try {
    response = await uploadCsv(
      remote,
      'v1/events/imports',
      query,
      file,
      'application/json',
      (sent) => bar.update(sent),
    );
  } finally {
    bar.stop();
  }
  const body = (await response.json().catch(() => null)) as EventImportResult | Problem | null;
  if (!response.ok) {
    if (body && 'code' in body) printProblem(Boolean(options.json), body);
    fail(t('common.serverAnswered', { status: response.status }));
  }
  if (!body || !('rows' in body)) fail(t('common.notFidelis', { url }));
  return body;
}

/** Imports into the configured database (no server may hold it), closing it before a refusal. */
async function importIntoDatabase(
  file: string,
  tenantId: string,
  options: Options,
  settings: ImportSettings,
): Promise<EventImportResult> {
  const csv = await readFile(file);
  const database = await openConfiguredDatabase(loadConfig());
  const bar = progressBar(t('importTransactions.bar'), !options.json);
  let started = false;
  let refusal: Problem | undefined;
  try {
    const tenant = await findTenant(database.db, tenantId).catch(() => null);
    if (!tenant) fail(t('importTransactions.noTenant', { id: tenantId }));
    return await importTransactionsFlow(
      database,
      systemContext(tenant.id),
      new Uint8Array(csv.buffer, csv.byteOffset, csv.byteLength),
      {
        ...settings,
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
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // The refusal as the server would answer it: the same lines, JSON and exit status.
    refusal = problemOf(error.code, error.message, undefined, error.errors);
  } finally {
    bar.stop();
    await database.close();
  }
  return printProblem(Boolean(options.json), refusal);
}

function summary(file: string, result: EventImportResult): string {
  const values = { file, rows: result.rows, events: result.events, encoding: result.encoding };
  const counts = {
    created: result.created,
    duplicates: result.duplicates,
    customersCreated: result.customersCreated,
  };
  return [
    t(result.dryRun ? 'importTransactions.dryRunSummary' : 'importTransactions.summary', values),
    t(result.dryRun ? 'importTransactions.dryRunCounts' : 'importTransactions.counts', counts),
    ...(result.errors.length > 0
      ? [
          t(result.dryRun ? 'importTransactions.invalid' : 'importTransactions.skipped'),
          ...result.errors.map((error) => fieldErrorLine(error)),
        ]
      : []),
  ].join('\n');
}
