/**
 * The encodings a CSV file arrives in: UTF-8 (with or without a BOM), or GB18030 — a superset
 * of GBK, what Chinese Excel writes when it saves "CSV". Pure: bytes in, text or a line out.
 */

/** What an import's `encoding` option may say: detect, or force one. */
export type CsvEncodingOption = 'auto' | 'utf8' | 'gbk';
/** The encoding a file was read in. */
export type CsvEncoding = 'utf8' | 'gb18030';

/** The longest prefix of `bytes` that does not end inside a UTF-8 sequence. */
function completeUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  return bytes.subarray(0, end);
}

/** Whether `bytes` (possibly the head of a longer file, cut anywhere) are valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(completeUtf8(bytes));
    return true;
  } catch {
    return false;
  }
}

/** The encoding to read a file in: the one asked for, else UTF-8 when `head` is UTF-8. */
export function resolveCsvEncoding(option: CsvEncodingOption, head: Uint8Array): CsvEncoding {
  if (option === 'gbk') return 'gb18030';
  if (option === 'utf8') return 'utf8';
  return isUtf8(head) ? 'utf8' : 'gb18030';
}

/**
 * The line (1 = the first) of the first byte that is not text in `encoding`: the length of
 * the longest prefix that decodes, found by halving (decoders name no offset).
 */
function lineOfFirstInvalid(bytes: Uint8Array, encoding: CsvEncoding): number {
  const decodes = (end: number) => {
    try {
      new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'gb18030', { fatal: true }).decode(
        bytes.subarray(0, end),
        { stream: true },
      );
      return true;
    } catch {
      return false;
    }
  };
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (decodes(middle)) good = middle;
    else bad = middle;
  }
  let line = 1;
  for (let i = 0; i < good; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

export type DecodedCsv =
  | { ok: true; text: string; encoding: CsvEncoding }
  | { ok: false; encoding: CsvEncoding; line: number };

/**
 * Decodes a whole file: `auto` reads it as UTF-8 when all of it is, else as GB18030. A file
 * that is not text in the encoding chosen names the line of its first bad byte.
 */
export function decodeCsv(bytes: Uint8Array, option: CsvEncodingOption): DecodedCsv {
  const read = (encoding: CsvEncoding) =>
    new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'gb18030', { fatal: true }).decode(bytes);
  const order: CsvEncoding[] =
    option === 'auto' ? ['utf8', 'gb18030'] : [resolveCsvEncoding(option, bytes)];
  for (const encoding of order) {
    try {
      return { ok: true, text: read(encoding), encoding };
    } catch {
      // not this one; the last tried names the line
    }
  }
  const encoding = order[order.length - 1]!;
  return { ok: false, encoding, line: lineOfFirstInvalid(bytes, encoding) };
}
