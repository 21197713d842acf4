import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';

const BIN = fileURLToPath(new URL('../../bin/fidelis.js', import.meta.url));
const run = promisify(execFile);

let t: TestApp;
let url: string;
const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-import-'));
beforeAll(async () => {
  t = await openTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t.close());

/** A port nothing listens on: one just given up. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function fidelis(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('fidelis import customers / export customers', () => {
  it('uploads a GBK file with a column mapping, reports errors by line, and exports', async () => {
    const tenant = await newTenant(t);
    const file = path.join(dir, 'members.csv');
    writeFileSync(
      file,
      iconv.encode('会员卡号,客户,手机\r\nK1,张三,13800000000\r\nK2,李四,13900000000\r\n', 'gbk'),
    );
    const ok = await fidelis([
      'import',
      'customers',
      file,
      '--url',
      url,
      '--key',
      tenant.apiKey,
      '--map',
      '会员卡号=externalId',
      '--map',
      '客户=name',
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ encoding: 'gb18030', created: 2, rows: 2 });

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'name,phone\nGood,13700000000\nBad,call me\n');
    const refused = await fidelis([
      'import',
      'customers',
      bad,
      '--url',
      url,
      '--key',
      tenant.apiKey,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('fidelis: IMPORT_INVALID');
    expect(refused.stderr).toContain('line 3, phone: not a phone number');

    const out = path.join(dir, 'export.csv');
    const exported = await fidelis([
      'export',
      'customers',
      '--url',
      url,
      '--key',
      tenant.apiKey,
      '--sort',
      'name',
      '--out',
      out,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('李四');
    expect(lines[2]).toContain('张三');
  }, 120_000);

  it('says what is wrong with a bad key', async () => {
    const file = path.join(dir, 'one.csv');
    writeFileSync(file, 'name\nA\n');
    const res = await fidelis([
      'import',
      'customers',
      file,
      '--url',
      url,
      '--key',
      'fdl_nope.nope',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('fidelis: UNAUTHENTICATED');
    const json = await fidelis(['import', 'customers', file, '--url', url, '--key', 'x', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ code: 'UNAUTHENTICATED' });
  }, 60_000);

  it('blames the right thing: the file, the address or the output, in one line', async () => {
    const tenant = await newTenant(t);
    const file = path.join(dir, 'two.csv');
    writeFileSync(file, 'name\nA\n');
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const cases: [string[], string][] = [
      // A directory was "cannot reach <url>: fetch failed".
      [['import', 'customers', dir, '--url', url, '--key', tenant.apiKey], `${dir} is a directory`],
      [
        ['import', 'customers', path.join(dir, 'nope.csv'), '--url', url, '--key', tenant.apiKey],
        'no such file',
      ],
      [
        ['import', 'customers', file, '--url', closed, '--key', tenant.apiKey],
        `cannot reach ${closed}: connection refused`,
      ],
      [
        ['import', 'customers', file, '--url', 'localhost:3000', '--key', tenant.apiKey],
        'is not an http(s) address',
      ],
      // Both were stack traces.
      [
        ['export', 'customers', '--url', url, '--key', tenant.apiKey, '--out', dir],
        `cannot write ${dir}: it is a directory`,
      ],
      [
        ['export', 'customers', '--url', url, '--key', tenant.apiKey, '--out', `${dir}/no/x.csv`],
        'no such directory',
      ],
    ];
    for (const [args, message] of cases) {
      const refused = await fidelis(args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr.split('\n')[0]).toContain(message);
      expect(refused.stderr).not.toContain('    at ');
    }
  }, 120_000);
});
