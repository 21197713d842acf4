import { createReadStream, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { CliInputError } from './output.ts';

/** Why a path cannot be used, in words (not `ENOENT: no such file or directory, stat '…'`). */
export function fileProblem(
  verb: 'read' | 'write',
  file: string,
  error: NodeJS.ErrnoException,
): CliInputError {
  const why =
    error.code === 'ENOENT'
      ? verb === 'read'
        ? 'no such file'
        : 'no such directory'
      : error.code === 'EACCES'
        ? 'permission denied'
        : error.code === 'EISDIR'
          ? 'it is a directory, not a file'
          : error.message;
  return new CliInputError(`cannot ${verb} ${file}: ${why}`);
}

/** Writes an --out file, or says in one line why it cannot. */
export function writeOutputFile(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw fileProblem('write', file, error as NodeJS.ErrnoException);
  }
}

/** Checks that `file` is a readable, non-empty regular file; returns its size in bytes. */
export async function inputFileSize(file: string): Promise<number> {
  const found = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw fileProblem('read', file, error);
  });
  if (found.isDirectory()) throw new CliInputError(`${file} is a directory, not a file`);
  if (!found.isFile()) throw new CliInputError(`${file} is not a regular file`);
  if (found.size === 0) throw new CliInputError(`${file} is empty`);
  return found.size;
}

function notUtf8(file: string, line: number): CliInputError {
  return new CliInputError(
    `${file} is not UTF-8 (line ${line}; GBK from Excel?): save it as "CSV UTF-8" or convert it, ` +
      `e.g. iconv -f GB18030 -t UTF-8`,
  );
}

/** The line of the first byte sequence that is not UTF-8. */
function lineOfFirstInvalid(bytes: Uint8Array, linesBefore: number): number {
  let line = linesBefore + 1;
  // A chunk of a stream may begin inside a character the previous chunk began.
  let start = 0;
  while (start < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  const decoded = new TextDecoder('utf-8').decode(bytes.subarray(start));
  const at = decoded.indexOf('\uFFFD');
  for (let i = 0; i < at; i++) if (decoded.charCodeAt(i) === 10) line++;
  return line;
}

/** Refuses bytes that are not UTF-8, naming the line (mis-decoded ids would merge customers). */
export function assertUtf8(file: string, bytes: Uint8Array): void {
  if (!isUtf8(bytes)) throw notUtf8(file, lineOfFirstInvalid(bytes, 0));
}

/** The same for a file too large to hold in memory: one streaming pass. */
export async function assertUtf8File(file: string): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      throw notUtf8(file, lineOfFirstInvalid(chunk, lines));
    }
    for (const byte of chunk) if (byte === 0x0a) lines++;
  }
  try {
    decoder.decode();
  } catch {
    throw notUtf8(file, lines + 1);
  }
}

/** Checks a server address given with --url: http(s), with a host. */
export function serverUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) {
    throw new CliInputError(
      `--url ${text} is not an http(s) address; give the server's, e.g. http://localhost:3000`,
    );
  }
  return url;
}

/** Why a request did not reach the server, from undici's `fetch failed` and its cause. */
export function unreachable(url: string, error: unknown): CliInputError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why =
    cause?.code === 'ECONNREFUSED'
      ? 'connection refused (is the server running on that port?)'
      : cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN'
        ? 'no such host'
        : (cause?.message ?? (error as Error).message);
  return new CliInputError(`cannot reach ${url}: ${why}`);
}
