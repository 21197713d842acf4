import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsv, isUtf8, resolveCsvEncoding } from './csv-encoding.ts';

const gbk = (text: string) => new Uint8Array(iconv.encode(text, 'gbk'));
const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('csv-encoding', () => {
  it('takes UTF-8 cut inside a character as UTF-8, GBK not', () => {
    const head = utf8('姓名,张三');
    expect(isUtf8(head.subarray(0, head.length - 1))).toBe(true);
    expect(isUtf8(gbk('姓名,张三'))).toBe(false);
    expect(resolveCsvEncoding('auto', gbk('张'))).toBe('gb18030');
    expect(resolveCsvEncoding('utf8', gbk('张'))).toBe('utf8');
    expect(resolveCsvEncoding('gbk', utf8('a'))).toBe('gb18030');
  });

  it.each([
    ['UTF-8', utf8('a,b\n张三,1\n'), 'auto', { ok: true, encoding: 'utf8', text: 'a,b\n张三,1\n' }],
    ['UTF-8 BOM', utf8('\uFEFFa\n'), 'auto', { ok: true, encoding: 'utf8', text: 'a\n' }],
    [
      'GBK',
      gbk('a,b\r\n张三,1\r\n'),
      'auto',
      { ok: true, encoding: 'gb18030', text: 'a,b\r\n张三,1\r\n' },
    ],
    ['GBK forced', gbk('张三\n'), 'gbk', { ok: true, encoding: 'gb18030', text: '张三\n' }],
    [
      'GBK read as UTF-8',
      bytes(utf8('a\nb\n'), gbk('张三\n')),
      'utf8',
      { ok: false, encoding: 'utf8', line: 3 },
    ],
    [
      'neither',
      bytes(utf8('a\nb\nc'), new Uint8Array([0xff])),
      'auto',
      { ok: false, encoding: 'gb18030', line: 3 },
    ],
  ] as const)('%s', (_name, input, option, expected) => {
    expect(decodeCsv(input, option)).toEqual(expected);
  });
});
