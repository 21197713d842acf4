import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Problem } from '@fidelis/contracts';
import { serverUrl, unreachable } from './operator-input.ts';
import { fieldErrorLine, problemSentence } from './i18n/problem-text.ts';
import { t } from './i18n/translate.ts';
import { fail, printResult } from './output.ts';

/** What the commands that talk to a running server are given: `--url` and `--key`. */
export interface RemoteOptions {
  url: string;
  key: string;
}

/** `path` on the server `base`, with `query`. */
export function apiUrl(base: string, path: string, query: URLSearchParams): string {
  const checked = serverUrl(base).toString();
  const url = new URL(path, checked.endsWith('/') ? checked : `${checked}/`);
  url.search = query.toString();
  return url.toString();
}

/** The API key: `--key`, else FIDELIS_API_KEY, else a one-line refusal. */
export function keyFrom(options: { key?: string | undefined }): string {
  const key = options.key ?? process.env.FIDELIS_API_KEY;
  if (!key) fail(t('common.noKey'));
  return key;
}

/**
 * The server's refusal: JSON on stdout with --json, else lines on stderr, each field as
 * `fieldText` names it; exit code 1.
 */
export function printProblem(
  json: boolean,
  problem: Problem,
  fieldText: (field: string) => string = (field) => field,
): never {
  if (json) printResult(true, problem, () => '');
  else {
    process.stderr.write(
      [
        `fidelis: ${problem.code}: ${problemSentence(problem)}`,
        ...(problem.errors ?? []).map((error) =>
          fieldErrorLine({
            ...error,
            line: error.line || undefined,
            field: fieldText(error.field),
          }),
        ),
      ].join('\n') + '\n',
    );
  }
  process.exit(1);
}

/**
 * POSTs a file as text/csv, streamed, calling `sent(bytes, lines)` as it goes up (for the
 * progress bars). A server that cannot be reached is one line saying why.
 */
export async function uploadCsv(
  remote: RemoteOptions,
  path: string,
  query: URLSearchParams,
  file: string,
  accept: string,
  sent: (bytes: number, lines: number) => void,
): Promise<Response> {
  let bytes = 0;
  let lines = 0;
  const counted = createReadStream(file).map((chunk: Buffer) => {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 0x0a) lines++;
    sent(bytes, lines);
    return chunk;
  });
  try {
    return await fetch(apiUrl(remote.url, path, query), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${remote.key}`,
        'content-type': 'text/csv',
        accept,
      },
      body: Readable.toWeb(counted) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    throw unreachable(remote.url, error);
  }
}
