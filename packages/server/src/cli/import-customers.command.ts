import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { CustomerImportReport, Problem } from '@fidelis/contracts';
import { fileProblem, inputFileSize, serverUrl, unreachable } from './operator-input.ts';
import { fieldErrorLine, wordedByCode } from './i18n/problem-text.ts';
import { apiUrl, keyFrom, printProblem, uploadCsv, type RemoteOptions } from './remote-import.ts';
import { t } from './i18n/translate.ts';
import { displayWidth, fail, padTo, printResult } from './output.ts';

/** Upload and processing bars on stderr (nothing when not a terminal or with --json). */
function importBars(enabled: boolean, bytes: number) {
  if (!enabled || !process.stderr.isTTY) {
    return { uploaded() {}, processed() {}, stop() {} };
  }
  const bars = new MultiBar(
    {
      format: t('progress.importFormat'),
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const labels = [t('progress.upload'), t('progress.processing')];
  const widest = Math.max(...labels.map(displayWidth));
  const [uploadLabel, rowsLabel] = labels.map((label) => padTo(label, widest));
  const upload = bars.create(bytes, 0, { label: uploadLabel, unit: t('progress.bytes') });
  const rows = bars.create(1, 0, { label: rowsLabel, unit: t('progress.rows') });
  return {
    uploaded(done: number, lines: number) {
      upload.update(done);
      rows.setTotal(Math.max(1, lines - 1));
    },
    processed(done: number) {
      rows.update(done);
    },
    stop() {
      bars.stop();
    },
  };
}

/** One line of the server's NDJSON answer; something else means --url is not a Fidelis server. */
function parseMessage(url: string, line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return fail(t('common.notFidelis', { url }));
  }
}

/**
 * A field as the operator knows it: the file's own header that filled it (`邮箱`, not
 * `email`), else — a refusal carries no column mapping — its label in the CLI's language.
 */
function fieldNamer(columns: Readonly<Record<string, string>> = {}): (field: string) => string {
  const headers = new Map(Object.entries(columns).map(([header, field]) => [field, header]));
  return (field) => headers.get(field) ?? wordedByCode('customerFields', field, field);
}

/** The report; a dry run that found invalid rows exits 1, as a refused import does. */
function printReport(json: boolean, report: CustomerImportReport): void {
  const fieldName = fieldNamer(report.columns);
  printResult(json, report, () => {
    const head = t(report.dryRun ? 'importCustomers.dryRunHead' : 'importCustomers.importedHead');
    const lines = [
      t('importCustomers.summary', {
        head,
        rows: report.rows,
        encoding: report.encoding,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        skipped: report.skipped,
      }),
      ...report.errors.map((error) => fieldErrorLine({ ...error, field: fieldName(error.field) })),
    ];
    if (report.errorCount > report.errors.length) {
      lines.push(t('importCustomers.moreErrors', { n: report.errorCount - report.errors.length }));
    }
    return lines.join('\n');
  });
  if (report.dryRun && report.errorCount > 0) process.exitCode = 1;
}

export function registerCustomerImportCommands(program: Command): void {
  const importCommand =
    program.commands.find((command) => command.name() === 'import') ??
    program.command('import').description(t('importCustomers.group'));
  importCommand
    .command('customers')
    .description(t('importCustomers.description'))
    .argument('<file>', t('importCustomers.file'))
    .requiredOption('--url <url>', t('common.url'))
    .option('--key <key>', t('common.key'))
    .option('--map <column=field...>', t('importCustomers.map'))
    .option('--encoding <encoding>', t('importCustomers.encoding'), 'auto')
    .option('--skip-invalid', t('importCustomers.skipInvalid'))
    .option('--dry-run', t('importCustomers.dryRun'))
    .option('--json', t('importCustomers.json'))
    .action(
      async (
        file: string,
        options: {
          url: string;
          key?: string;
          map?: string[];
          encoding: string;
          skipInvalid?: boolean;
          dryRun?: boolean;
          json?: boolean;
        },
      ) => {
        if (!['auto', 'utf8', 'gbk'].includes(options.encoding)) {
          fail(t('importCustomers.badEncoding'));
        }
        const size = await inputFileSize(file);
        serverUrl(options.url);
        const query = new URLSearchParams({
          encoding: options.encoding,
          mode: options.skipInvalid ? 'skip-invalid' : 'all-or-nothing',
          dryRun: options.dryRun ? 'true' : 'false',
        });
        for (const entry of options.map ?? []) {
          const at = entry.indexOf('=');
          if (at <= 0) fail(t('importCustomers.badMap', { entry }));
          query.append('map', `${entry.slice(0, at)}:${entry.slice(at + 1)}`);
        }
        const remote: RemoteOptions = { url: options.url, key: keyFrom(options) };
        const bars = importBars(!options.json, size);
        let response: Response;
        try {
          response = await uploadCsv(
            remote,
            'v1/customers/imports',
            query,
            file,
            'application/x-ndjson',
            (sent, lines) => bars.uploaded(sent, lines),
          );
        } catch (error) {
          bars.stop();
          throw error;
        }
        if (!response.ok || !response.body) {
          bars.stop();
          const problem = (await response.json().catch(() => null)) as Problem | null;
          if (problem?.code) printProblem(Boolean(options.json), problem, fieldNamer());
          fail(t('common.serverAnswered', { status: response.status }));
        }
        let result: { status: number; body: CustomerImportReport | Problem } | undefined;
        let buffered = '';
        const decoder = new TextDecoder();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            const message = parseMessage(remote.url, buffered.slice(0, newline)) as
              | { type: 'progress'; phase: string; rows: number }
              | { type: 'result'; status: number; body: CustomerImportReport | Problem };
            buffered = buffered.slice(newline + 1);
            if (message.type === 'progress' && message.phase === 'writing') {
              bars.processed(message.rows);
            }
            if (message.type === 'result') result = message;
            newline = buffered.indexOf('\n');
          }
        }
        bars.stop();
        if (!result) fail(t('importCustomers.noResult'));
        if (result.status !== 200)
          printProblem(Boolean(options.json), result.body as Problem, fieldNamer());
        printReport(Boolean(options.json), result.body as CustomerImportReport);
      },
    );

  const exportCommand =
    program.commands.find((command) => command.name() === 'export') ??
    program.command('export').description(t('exportCustomers.group'));
  exportCommand
    .command('customers')
    .description(t('exportCustomers.description'))
    .requiredOption('--url <url>', t('common.url'))
    .option('--key <key>', t('common.key'))
    .option('--out <file>', t('exportCustomers.out'))
    .option('--q <text>', t('exportCustomers.q'))
    .option('--tag <tag>', t('exportCustomers.tag'))
    .option('--kind <kind>', t('exportCustomers.kind'))
    .option('--attribute <key=value...>', t('exportCustomers.attribute'))
    .option('--sort <sort>', t('exportCustomers.sort'))
    .option('--no-bom', t('exportCustomers.noBom'))
    .action(
      async (options: {
        url: string;
        key?: string;
        out?: string;
        q?: string;
        tag?: string;
        kind?: string;
        attribute?: string[];
        sort?: string;
        bom: boolean;
      }) => {
        const query = new URLSearchParams({ bom: options.bom ? 'true' : 'false' });
        for (const name of ['q', 'tag', 'kind', 'sort'] as const) {
          const value = options[name];
          if (value) query.set(name, value);
        }
        for (const pair of options.attribute ?? []) query.append('attribute', pair);
        const response = await fetch(apiUrl(options.url, 'v1/customers/export.csv', query), {
          headers: { authorization: `Bearer ${keyFrom(options)}` },
        }).catch((error: unknown) => {
          throw unreachable(options.url, error);
        });
        if (!response.ok || !response.body) {
          const problem = (await response.json().catch(() => null)) as Problem | null;
          if (problem?.code) printProblem(false, problem);
          fail(t('common.serverAnswered', { status: response.status }));
        }
        const target: Writable = options.out ? createWriteStream(options.out) : process.stdout;
        await pipeline(Readable.fromWeb(response.body as NodeReadableStream), target).catch(
          (error: NodeJS.ErrnoException) => {
            // Only the file can fail here in a way the operator can act on.
            if (!options.out || !error.syscall) throw error;
            throw fileProblem('write', options.out, error);
          },
        );
      },
    );
}
