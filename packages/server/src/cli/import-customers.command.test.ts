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

/**
 * Runs the CLI in a language set by the environment (not the machine's): English unless the
 * test gives a Chinese locale.
 */
async function fidelis(args: string[], locale: NodeJS.ProcessEnv = {}) {
  const env = { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', ...locale };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      timeout: 60_000,
      env,
    });
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

    // The same refusal to a Chinese locale: its code's sentence and the line's reason, in Chinese.
    const chinese = { LANG: 'zh_CN.UTF-8' };
    const zh = await fidelis(
      ['import', 'customers', bad, '--url', url, '--key', tenant.apiKey],
      chinese,
    );
    expect(zh.code).toBe(1);
    // A refusal carries no column mapping: the field by its Chinese label.
    expect(zh.stderr).toBe(
      'fidelis: IMPORT_INVALID: 文件中有无效的行；未导入任何数据\n' +
        '  第 3 行，手机：不是电话号码（5 到 20 位数字，可以 + 开头）\n',
    );
    // LC_ALL wins over LANG, as in POSIX tools.
    const overridden = await fidelis(
      ['import', 'customers', bad, '--url', url, '--key', tenant.apiKey],
      { ...chinese, LC_ALL: 'en_US.UTF-8' },
    );
    expect(overridden.stderr).toBe(refused.stderr);
    // The JSON a script reads is the same in either language, but for the request's own id.
    const refusal = async (locale: NodeJS.ProcessEnv) => {
      const args = ['import', 'customers', bad, '--url', url, '--key', tenant.apiKey, '--json'];
      const { requestId: _, ...rest } = JSON.parse((await fidelis(args, locale)).stdout) as {
        requestId?: string;
      };
      return rest;
    };
    expect(await refusal(chinese)).toEqual(await refusal({}));

    // The summary of an import that skipped a bad line, in both languages.
    const skip = ['import', 'customers', bad, '--url', url, '--key', tenant.apiKey, '--dry-run'];
    const english = await fidelis([...skip, '--skip-invalid']);
    // A dry run that found an invalid row fails, as docs/customers.md says.
    expect(english.code).toBe(1);
    expect(english.stdout).toBe(
      'Dry run (nothing written): 2 rows (utf8), 1 created, 0 updated, 0 unchanged, 1 skipped\n' +
        '  line 3, phone: not a phone number\n',
    );
    const summary = await fidelis([...skip, '--skip-invalid', '--lang', 'zh-CN']);
    expect(summary.code).toBe(1);
    expect(summary.stdout).toBe(
      '试运行（未写入任何数据）：2 行（utf8），新建 1，更新 0，未变 0，跳过 1\n' +
        '  第 3 行，phone：不是电话号码（5 到 20 位数字，可以 + 开头）\n',
    );

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

  it('names a bad cell by the file’s own header in Chinese, and a clean dry run exits 0', async () => {
    const tenant = await newTenant(t);
    const file = path.join(dir, '会员.csv');
    writeFileSync(
      file,
      '姓名,电子邮件,生日,手机\n张三,zhang@example.com,1990-01-05,13800000000\n李四,not-mail,1990-13-40,123\n',
    );
    const server = ['--url', url, '--key', tenant.apiKey];
    const target = [...server, '--lang', 'zh-CN'];
    const dry = await fidelis(['import', 'customers', file, ...target, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toBe(
      '试运行（未写入任何数据）：2 行（utf8），新建 1，更新 0，未变 0，跳过 0\n' +
        '  第 3 行，电子邮件：不是邮箱地址\n' +
        '  第 3 行，生日：不是日期，例如 1990-01-05\n' +
        '  第 3 行，手机：不是电话号码（5 到 20 位数字，可以 + 开头）\n',
    );
    // Refused (no column mapping in a refusal): the field's Chinese label, never `email`.
    const refused = await fidelis(['import', 'customers', file, ...target]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('  第 3 行，邮箱：不是邮箱地址\n');
    expect(refused.stderr).toContain('  第 3 行，生日：不是日期，例如 1990-01-05\n');
    expect(refused.stderr).not.toMatch(/email|birthday|phone/);
    // The English example date is the same one.
    const english = await fidelis(['import', 'customers', file, ...server]);
    expect(english.stderr).toContain('  line 3, birthday: expected a date such as 1990-01-05');

    const good = path.join(dir, 'good.csv');
    writeFileSync(good, '姓名\n王五\n');
    const clean = await fidelis(['import', 'customers', good, ...target, '--dry-run']);
    expect(clean.code, clean.stderr).toBe(0);
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
    const chinese: [string[], string][] = [
      [
        ['import', 'customers', dir, '--url', url, '--key', tenant.apiKey],
        `${dir} 是目录，不是文件`,
      ],
      [
        ['import', 'customers', file, '--url', closed, '--key', tenant.apiKey],
        `无法连接 ${closed}：连接被拒绝（服务器是否在该端口运行？）`,
      ],
    ];
    for (const [args, message] of chinese) {
      const refused = await fidelis(['--lang', 'zh-CN', ...args]);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toBe(`fidelis: ${message}\n`);
    }
  }, 120_000);

  it('documents --lang in its help, which speaks the chosen language', async () => {
    const english = await fidelis(['--help']);
    expect(english.stdout).toContain('Usage: fidelis [options] [command]');
    expect(english.stdout).toMatch(/--lang <language> +language of the messages/);
    expect(english.stdout).toMatch(/\(choices:\s+"zh-CN", "en"\)/);
    const chinese = await fidelis(['import', 'customers', '--help', '--lang', 'zh-CN']);
    expect(chinese.stdout).toContain('用法： fidelis import customers [options] <file>');
    expect(chinese.stdout).toContain(
      '将客户 CSV（UTF-8，或 Excel 保存的 GBK）上传到 Fidelis 服务器',
    );
    expect(chinese.stdout).toMatch(/--encoding <encoding> +auto、utf8 或 gbk \(默认："auto"\)/);
    const missing = await fidelis(['import', 'customers', 'x.csv'], { LANG: 'zh_CN.UTF-8' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^错误：缺少必需的选项 '--url <url>'\n/);
  }, 60_000);
});
