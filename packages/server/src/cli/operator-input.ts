import { createReadStream, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { t } from './i18n/translate.ts';
import { CliInputError } from './output.ts';

/** Why a path cannot be used, in words (not `ENOENT: no such file or directory, stat '…'`). */
export function fileProblem(
  verb: 'read' | 'write',
  file: string,
  error: NodeJS.ErrnoException,
): CliInputError {
  const why =
    error.code === 'ENOENT'
      ? t(verb === 'read' ? 'input.noSuchFile' : 'input.noSuchDirectory')
      : error.code === 'EACCES'
        ? t('input.permissionDenied')
        : error.code === 'EISDIR'
          ? t('input.aDirectory')
          : error.code === 'ENOTDIR'
            ? t('input.notADirectory')
            : error.message;
  return new CliInputError(
    t(verb === 'read' ? 'input.cannotRead' : 'input.cannotWrite', { file, why }),
  );
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
  if (found.isDirectory()) throw new CliInputError(t('input.isDirectory', { file }));
  if (!found.isFile()) throw new CliInputError(t('input.notRegular', { file }));
  if (found.size === 0) throw new CliInputError(t('input.empty', { file }));
  return found.size;
}

function notUtf8(file: string, line: number): CliInputError {
  return new CliInputError(t('input.notUtf8', { file, line }));
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
    throw new CliInputError(t('input.badUrl', { url: text }));
  }
  return url;
}

/** node's codes of a TLS certificate it does not trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Why a request did not reach the server, from undici's `fetch failed` and its cause. */
export function unreachable(url: string, error: unknown): CliInputError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  const why =
    code === 'ECONNREFUSED'
      ? t('input.refused')
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? t('input.noHost')
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? t('input.connectionReset')
          : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
            ? t('input.timedOut')
            : UNTRUSTED_CERTIFICATE.has(code)
              ? t('input.untrustedCertificate', { code })
              : (cause?.message ?? (error as Error).message);
  return new CliInputError(t('input.unreachable', { url, why }));
}
