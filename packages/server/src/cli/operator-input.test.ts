import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertUtf8,
  assertUtf8File,
  inputFileSize,
  serverUrl,
  unreachable,
  writeOutputFile,
} from './operator-input.ts';
import { setCliLanguage } from './i18n/translate.ts';
import { CliInputError } from './output.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-input-'));
const file = (name: string, content: string | Uint8Array) => {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
};

afterEach(() => setCliLanguage('en'));

describe('files and addresses the operator gives', () => {
  it('names a missing file, a directory and an empty file in words', async () => {
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    await expect(inputFileSize(path.join(dir, 'nope.csv'))).rejects.toThrow(
      `cannot read ${path.join(dir, 'nope.csv')}: no such file`,
    );
    await expect(inputFileSize(folder)).rejects.toThrow(`${folder} is a directory, not a file`);
    await expect(inputFileSize(file('empty.csv', ''))).rejects.toThrow('is empty');
    expect(await inputFileSize(file('one.csv', 'a\n'))).toBe(2);
    expect(() => writeOutputFile(folder, 'x')).toThrow(`cannot write ${folder}: it is a directory`);
    expect(() => writeOutputFile(path.join(dir, 'no/such/x.csv'), 'x')).toThrow(
      'no such directory',
    );
    const plain = file('plain-en.txt', 'x');
    expect(() => writeOutputFile(path.join(plain, 'x.csv'), 'x')).toThrow(
      `cannot write ${path.join(plain, 'x.csv')}: a part of the path is not a directory`,
    );
  });

  it('refuses a GBK file with the line of its first non-UTF-8 byte, in memory and streamed', async () => {
    const gbk = iconv.encode(
      'customer_id,date,amount\nc1,2024-01-01,1\n张三,2024-01-02,1\n',
      'gbk',
    );
    expect(() => assertUtf8('gbk.csv', gbk)).toThrow('gbk.csv is not UTF-8 (line 3;');
    const at = file('gbk.csv', gbk);
    await expect(assertUtf8File(at)).rejects.toThrow(`${at} is not UTF-8 (line 3;`);
    const utf8 = file('utf8.csv', '\uFEFFcustomer_id\n张三\n'.repeat(20_000));
    await expect(assertUtf8File(utf8)).resolves.toBeUndefined();
    expect(() => assertUtf8('ok', new TextEncoder().encode('张三\n'))).not.toThrow();
  });

  it('names them in Chinese too, the line of a GBK file included', async () => {
    setCliLanguage('zh-CN');
    const gbk = iconv.encode('customer_id\n张三\n', 'gbk');
    expect(() => assertUtf8('会员.csv', gbk)).toThrow(
      '会员.csv 不是 UTF-8 编码（第 2 行；是 Excel 保存的 GBK 吗？）：请另存为“CSV UTF-8”或转换编码，例如 iconv -f GB18030 -t UTF-8',
    );
    await expect(inputFileSize(path.join(dir, 'nope.csv'))).rejects.toThrow(
      `无法读取 ${path.join(dir, 'nope.csv')}：文件不存在`,
    );
    await expect(inputFileSize(file('empty-zh.csv', ''))).rejects.toThrow('empty-zh.csv 是空文件');
    expect(() => serverUrl('localhost:3000')).toThrow(
      '--url localhost:3000 不是 http(s) 地址；请给出服务器地址，例如 http://localhost:3000',
    );
    const plain = file('plain.txt', 'x');
    expect(() => writeOutputFile(path.join(plain, 'x.csv'), 'x')).toThrow(
      `无法写入 ${path.join(plain, 'x.csv')}：路径中有一部分不是目录`,
    );
  });

  it('says why a server cannot be reached beyond a refusal, in either language', () => {
    const failed = (code: string) =>
      Object.assign(new TypeError('fetch failed'), { cause: { code, message: `${code} …` } });
    const url = 'https://loyalty.example.com';
    const cases = [
      [
        'ECONNRESET',
        'the connection was reset (is --url a Fidelis server, with the right http or https?)',
        '连接被重置（--url 是否为 Fidelis 服务器，http 或 https 是否正确？）',
      ],
      [
        'UND_ERR_CONNECT_TIMEOUT',
        'no answer in time (is the host right, or a firewall in the way?)',
        '等待应答超时（主机是否正确，是否被防火墙拦截？）',
      ],
      [
        'DEPTH_ZERO_SELF_SIGNED_CERT',
        "the server's TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)",
        '服务器的 TLS 证书不受信任（DEPTH_ZERO_SELF_SIGNED_CERT）',
      ],
    ] as const;
    for (const [code, english] of cases) {
      expect(unreachable(url, failed(code)).message).toBe(`cannot reach ${url}: ${english}`);
    }
    setCliLanguage('zh-CN');
    for (const [code, , chinese] of cases) {
      expect(unreachable(url, failed(code)).message).toBe(`无法连接 ${url}：${chinese}`);
    }
  });

  it('takes only an http(s) server address, and says why a server cannot be reached', () => {
    expect(serverUrl('http://localhost:3000').host).toBe('localhost:3000');
    for (const bad of ['localhost:3000', 'ftp://h', 'not a url']) {
      expect(() => serverUrl(bad)).toThrow(CliInputError);
      expect(() => serverUrl(bad)).toThrow('e.g. http://localhost:3000');
    }
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3399' },
    });
    expect(unreachable('http://localhost:3399', refused).message).toBe(
      'cannot reach http://localhost:3399: connection refused (is the server running on that port?)',
    );
  });
});
