import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/fidelis.js', import.meta.url));
const run = promisify(execFile);

/** Runs the real CLI on an embedded database of its own (no DATABASE_URL), in a set language. */
async function fidelis(
  dataDir: string,
  args: string[],
  lang: 'en' | 'zh-CN' = 'en',
  databaseUrl = '',
) {
  const env = { ...process.env, FIDELIS_DATA_DIR: dataDir, DATABASE_URL: databaseUrl };
  try {
    const { stdout, stderr } = await run('node', [BIN, '--lang', lang, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('fidelis import transactions', () => {
  it('imports a file into the configured database, re-imports as duplicates, and reports bad lines', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-import-'));
    const dataDir = path.join(dir, 'data');
    const tenant = await fidelis(dataDir, ['tenant', 'create', '--name', 'Shop', '--json']);
    expect(tenant.code).toBe(0);
    const { tenantId } = JSON.parse(tenant.stdout) as { tenantId: string };

    const good = path.join(dir, 'good.csv');
    writeFileSync(
      good,
      'customer_external_id,occurred_at,amount,currency,sku\n' +
        'c1,19970101,11.77,USD,CD\nc2,19970102,12.00,USD,CD\nc1,1997-03-01T10:00:00Z,5.00,USD,\n',
    );
    const first = await fidelis(dataDir, [
      'import',
      'transactions',
      good,
      '--tenant',
      tenantId,
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 3, created: 3, customersCreated: 2 });
    const again = await fidelis(dataDir, [
      'import',
      'transactions',
      good,
      '--tenant',
      tenantId,
      '--json',
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, duplicates: 3 });

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'customer_external_id,occurred_at,amount,currency\nc3,19970101,1,USD\nc4,1997-02-30,1,USD\n',
    );
    const refused = await fidelis(dataDir, ['import', 'transactions', bad, '--tenant', tenantId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 3, occurred_at');
    expect(refused.stderr).toContain('nothing was imported');
    const minor = await fidelis(dataDir, [
      'import',
      'transactions',
      bad,
      '--tenant',
      tenantId,
      '--skip-invalid',
      '--amount-unit',
      'minor',
      '--json',
    ]);
    expect(JSON.parse(minor.stdout)).toMatchObject({
      created: 1,
      errors: [{ line: 3, field: 'occurred_at' }],
    });

    // A row COPY cannot read is named by its own line (it was "line 2" on the embedded database).
    const short = path.join(dir, 'short.csv');
    writeFileSync(
      short,
      'customer_external_id,occurred_at,amount,currency\nc5,19970101,1,USD\nc6,19970101,1,USD\nc7,19970101,1\n',
    );
    const unreadable = await fidelis(dataDir, [
      'import',
      'transactions',
      short,
      '--tenant',
      tenantId,
    ]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain('fidelis: Line 4 cannot be read');

    // In Chinese the summary and its bad line; its JSON is the same in either language.
    const skipped = ['import', 'transactions', bad, '--tenant', tenantId, '--skip-invalid'];
    const chinese = await fidelis(dataDir, skipped, 'zh-CN');
    expect(chinese.code, chinese.stderr).toBe(0);
    expect(chinese.stdout).toContain(`已导入 ${bad}：2 行，`);
    expect(chinese.stdout).toContain('  已跳过（无效）：\n  第 3 行，occurred_at：');
    const json = async (lang: 'en' | 'zh-CN') =>
      (await fidelis(dataDir, [...skipped, '--json'], lang)).stdout;
    expect(await json('zh-CN')).toBe(await json('en'));
  }, 240_000); // six CLI processes, each opening the embedded database and migrating

  it('refuses what an operator gets wrong in one line, before opening the database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-import-'));
    const dataDir = path.join(dir, 'data');
    const gbk = path.join(dir, 'gbk.csv');
    writeFileSync(
      gbk,
      iconv.encode(
        'customer_external_id,occurred_at,amount,currency\n张三,19970101,1,CNY\n',
        'gbk',
      ),
    );
    const cases: [string[], string][] = [
      [['import', 'transactions', gbk, '--tenant', 't'], `${gbk} is not UTF-8 (line 2;`],
      [['import', 'transactions', dir, '--tenant', 't'], `${dir} is a directory, not a file`],
      [['tenant', 'create', '--name', 'X', '--time-zone', 'Mars/Olympus'], 'not an IANA time zone'],
      [['tenant', 'create', '--name', 'X', '--currency', 'usd'], 'not an ISO 4217 code'],
    ];
    for (const [args, message] of cases) {
      const refused = await fidelis(dataDir, args);
      expect(refused.code, args.join(' ')).toBe(1);
      const [first, ...rest] = refused.stderr.trim().split('\n');
      expect(first).toMatch(/^fidelis: /);
      expect(first).toContain(message);
      expect(rest).toEqual([]);
    }
    expect(existsSync(dataDir)).toBe(false);
  }, 120_000);

  it('says why the database cannot be reached in either language, without its password', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-import-'));
    const closed = 'postgres://app:s3cret@127.0.0.1:1/fidelis';
    const [english, chinese] = await Promise.all([
      fidelis(dir, ['migrate'], 'en', closed),
      fidelis(dir, ['migrate'], 'zh-CN', closed),
    ]);
    expect(english).toMatchObject({
      code: 1,
      stderr:
        'fidelis: cannot connect to the database postgres://app:***@127.0.0.1:1/fidelis (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:1\n',
    });
    expect(chinese).toMatchObject({
      code: 1,
      stderr:
        'fidelis: 无法连接数据库 postgres://app:***@127.0.0.1:1/fidelis（DATABASE_URL）：连接被拒绝（PostgreSQL 是否在该端口运行？）\n',
    });
  }, 60_000);
});
