import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { CustomerImportReport, Problem } from '@fidelis/contracts';
import { fileProblem, inputFileSize, serverUrl, unreachable } from './operator-input.ts';
import { fail, printResult } from './output.ts';

interface RemoteOptions {
  url: string;
  key: string;
}

function apiUrl(base: string, path: string, query: URLSearchParams): string {
  const checked = serverUrl(base).toString();
  const url = new URL(path, checked.endsWith('/') ? checked : `${checked}/`);
  url.search = query.toString();
  return url.toString();
}

function keyFrom(options: { key?: string | undefined }): string {
  const key = options.key ?? process.env.FIDELIS_API_KEY;
  if (!key) fail('give an API key with --key or FIDELIS_API_KEY');
  return key;
}

/** Upload and processing bars on stderr (nothing when not a terminal or with --json). */
function importBars(enabled: boolean, bytes: number) {
  if (!enabled || !process.stderr.isTTY) {
    return { uploaded() {}, processed() {}, stop() {} };
  }
  const bars = new MultiBar(
    {
      format: '{label} [{bar}] {percentage}% | {value}/{total} {unit}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const upload = bars.create(bytes, 0, { label: 'Upload    ', unit: 'bytes' });
  const rows = bars.create(1, 0, { label: 'Processing', unit: 'rows' });
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
    return fail(`${url} did not answer as a Fidelis server (is --url the right address?)`);
  }
}

function printReport(json: boolean, report: CustomerImportReport): void {
  printResult(json, report, () => {
    const head = report.dryRun ? 'Dry run (nothing written):' : 'Imported:';
    const lines = [
      `${head} ${report.rows} rows (${report.encoding}), ${report.created} created, ` +
        `${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped} skipped`,
      ...report.errors.map((error) => `  line ${error.line}, ${error.field}: ${error.message}`),
    ];
    if (report.errorCount > report.errors.length) {
      lines.push(`  … and ${report.errorCount - report.errors.length} more errors`);
    }
    return lines.join('\n');
  });
}

/** The server's refusal: JSON on stdout with --json, else lines on stderr; exit code 1. */
function printProblem(json: boolean, problem: Problem): never {
  if (json) printResult(true, problem, () => '');
  else {
    process.stderr.write(
      [
        `fidelis: ${problem.code}: ${problem.detail ?? problem.title}`,
        ...(problem.errors ?? []).map(
          (error) =>
            `  ${error.line ? `line ${error.line}, ` : ''}${error.field}: ${error.message}`,
        ),
      ].join('\n') + '\n',
    );
  }
  process.exit(1);
}

export function registerCustomerImportCommands(program: Command): void {
  const importCommand =
    program.commands.find((command) => command.name() === 'import') ??
    program.command('import').description('Import data from CSV files');
  importCommand
    .command('customers')
    .description(
      'Upload a customer CSV (UTF-8 or GBK from Excel) to a Fidelis server. Rows with a known ' +
        'external id update that customer. All or nothing unless --skip-invalid. See docs/customers.md.',
    )
    .argument('<file>', 'the CSV file, header line first')
    .requiredOption('--url <url>', 'the Fidelis server, e.g. http://localhost:3000')
    .option('--key <key>', 'API key (or FIDELIS_API_KEY)')
    .option(
      '--map <column=field...>',
      'map a CSV column to a field (name, phone, email, externalId, tags, attributes.<key> …)',
    )
    .option('--encoding <encoding>', 'auto, utf8 or gbk', 'auto')
    .option('--skip-invalid', 'import the valid rows and report the others')
    .option('--dry-run', 'validate and report without writing')
    .option('--json', 'print the report as JSON')
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
          fail('--encoding must be auto, utf8 or gbk');
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
          if (at <= 0) fail(`--map ${entry}: use column=field`);
          query.append('map', `${entry.slice(0, at)}:${entry.slice(at + 1)}`);
        }
        const remote: RemoteOptions = { url: options.url, key: keyFrom(options) };
        const bars = importBars(!options.json, size);
        let sent = 0;
        let lines = 0;
        // Count bytes and lines as the file streams up, for the two bars.
        const counted = createReadStream(file).map((chunk: Buffer) => {
          sent += chunk.length;
          for (const byte of chunk) if (byte === 0x0a) lines++;
          bars.uploaded(sent, lines);
          return chunk;
        });
        let response: Response;
        try {
          response = await fetch(apiUrl(remote.url, 'v1/customers/imports', query), {
            method: 'POST',
            headers: {
              authorization: `Bearer ${remote.key}`,
              'content-type': 'text/csv',
              accept: 'application/x-ndjson',
            },
            body: Readable.toWeb(counted) as ReadableStream<Uint8Array>,
            duplex: 'half',
          } as RequestInit);
        } catch (error) {
          bars.stop();
          throw unreachable(remote.url, error);
        }
        if (!response.ok || !response.body) {
          bars.stop();
          const problem = (await response.json().catch(() => null)) as Problem | null;
          if (problem?.code) printProblem(Boolean(options.json), problem);
          fail(`the server answered ${response.status}`);
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
        if (!result) fail('the server ended the import without a result');
        if (result.status !== 200) printProblem(Boolean(options.json), result.body as Problem);
        printReport(Boolean(options.json), result.body as CustomerImportReport);
      },
    );

  const exportCommand =
    program.commands.find((command) => command.name() === 'export') ??
    program.command('export').description('Export data as CSV files');
  exportCommand
    .command('customers')
    .description('Download customers as CSV (UTF-8 with BOM, opens in Excel; imports back as is)')
    .requiredOption('--url <url>', 'the Fidelis server, e.g. http://localhost:3000')
    .option('--key <key>', 'API key (or FIDELIS_API_KEY)')
    .option('--out <file>', 'write to a file (default: standard output)')
    .option('--q <text>', 'only customers matching a search')
    .option('--tag <tag>', 'only customers with a tag')
    .option('--kind <kind>', 'person or organization')
    .option('--attribute <key=value...>', 'only customers with these attribute values')
    .option('--sort <sort>', 'name, -name, created or -created')
    .option('--no-bom', 'leave out the UTF-8 byte order mark')
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
          fail(`the server answered ${response.status}`);
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
