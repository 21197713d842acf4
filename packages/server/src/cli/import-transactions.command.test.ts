import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';

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
    expect(unreadable.stderr).toContain('fidelis: IMPORT_INVALID: Line 4 cannot be read');

    // In Chinese the summary and its bad line; its JSON is the same in either language.
    const skipped = ['import', 'transactions', bad, '--tenant', tenantId, '--skip-invalid'];
    const chinese = await fidelis(dataDir, skipped, 'zh-CN');
    expect(chinese.code, chinese.stderr).toBe(0);
    expect(chinese.stdout).toContain(`已导入 ${bad}：2 行（utf8），`);
    expect(chinese.stdout).toContain('  已跳过（无效）：\n  第 3 行，occurred_at：');
    const json = async (lang: 'en' | 'zh-CN') =>
      (await fidelis(dataDir, [...skipped, '--json'], lang)).stdout;
    expect(await json('zh-CN')).toBe(await json('en'));

    // GBK as Chinese Excel saves it goes straight in too (it was refused as not UTF-8).
    const gbk = path.join(dir, 'gbk.csv');
    writeFileSync(
      gbk,
      iconv.encode(
        'customer_external_id,occurred_at,amount,currency\n张三,19970101,1,CNY\n',
        'gbk',
      ),
    );
    const fromExcel = await fidelis(dataDir, [
      'import',
      'transactions',
      gbk,
      '--tenant',
      tenantId,
      '--json',
    ]);
    expect(fromExcel.code, fromExcel.stderr).toBe(0);
    expect(JSON.parse(fromExcel.stdout)).toMatchObject({ encoding: 'gb18030', created: 1 });
  }, 300_000); // ten CLI processes, each opening the embedded database and migrating

  it('refuses what an operator gets wrong in one line, before opening the database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-import-'));
    const dataDir = path.join(dir, 'data');
    const file = path.join(dir, 'one.csv');
    writeFileSync(file, 'customer_external_id,occurred_at,amount,currency\nc1,19970101,1,CNY\n');
    const cases: [string[], string][] = [
      [
        ['import', 'transactions', file],
        'give --url and --key to import into a running server, or --tenant',
      ],
      [
        ['import', 'transactions', file, '--tenant', 't', '--url', 'http://localhost:1'],
        'either --url (a server) or --tenant (the database), not both',
      ],
      [
        ['import', 'transactions', file, '--tenant', 't', '--encoding', 'big5'],
        '--encoding must be',
      ],
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

describe('fidelis import transactions --url --key (into a running server)', () => {
  let server: TestApp;
  let url: string;
  beforeAll(async () => {
    server = await openTestApp();
    url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => server.close());

  /** The CLI against the server: no data directory of its own is ever opened. */
  const remote = (args: string[], lang: 'en' | 'zh-CN' = 'en') =>
    fidelis(path.join(mkdtempSync(path.join(tmpdir(), 'fidelis-remote-')), 'unused'), args, lang);
  const countEvents = async (tenantId: string) =>
    Number(
      (
        await server.database.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenant_id', '=', tenantId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('uploads a GBK file, reports in either language, and refuses bad lines with exit 1', async () => {
    const tenant = await newTenant(server);
    const dir = mkdtempSync(path.join(tmpdir(), 'fidelis-import-'));
    const gbk = path.join(dir, '订单.csv');
    writeFileSync(
      gbk,
      iconv.encode(
        'customer_external_id,occurred_at,amount,currency,store\r\n张三,20260105,12.50,CNY,上海店\r\n李四,20260106,8.00,CNY,北京店\r\n',
        'gbk',
      ),
    );
    const target = ['--url', url, '--key', tenant.apiKey];
    const json = await remote(['import', 'transactions', gbk, ...target, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: false,
      encoding: 'gb18030',
      rows: 2,
      created: 2,
      customersCreated: 2,
    });
    const again = await remote(['import', 'transactions', gbk, ...target], 'zh-CN');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      `已导入 ${gbk}：2 行（gb18030），2 个事件\n  新建 0，已存在 2，新客户 0\n`,
    );

    // Read as UTF-8, the GBK file is refused by its line, worded in Chinese, never PostgreSQL's.
    const forced = await remote(
      ['import', 'transactions', gbk, ...target, '--encoding', 'utf8'],
      'zh-CN',
    );
    expect(forced.code).toBe(1);
    expect(forced.stderr).toBe(
      'fidelis: IMPORT_INVALID: 文件中有无效的行；未导入任何数据\n' +
        '  第 2 行，（整行）：从这一行起不是 utf8 文本；请将文件另存为“CSV UTF-8”\n',
    );

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'customer_external_id,occurred_at,amount,currency\nc3,20260101,1,USD\nc4,2026-02-30,1,USD\n',
    );
    const refused = await remote(['import', 'transactions', bad, ...target]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('fidelis: IMPORT_INVALID: ');
    expect(refused.stderr).toContain('  line 3, occurred_at: not a date');
    const refusedJson = await remote(['import', 'transactions', bad, ...target, '--json']);
    expect(refusedJson.code).toBe(1);
    expect(JSON.parse(refusedJson.stdout)).toMatchObject({
      code: 'IMPORT_INVALID',
      errors: [{ line: 3, field: 'occurred_at' }],
    });

    // A dry run writes nothing, and exits 1 when a line is invalid, 0 when none is.
    const dry = await remote(['import', 'transactions', bad, ...target, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toBe(
      `Dry run of ${bad} (nothing written): 2 rows (utf8), 2 events\n` +
        '  would create 1, already there 0, new customers 1\n' +
        '  invalid:\n' +
        '  line 3, occurred_at: not a date: use ISO 8601 or YYYYMMDD\n',
    );
    const clean = await remote(['import', 'transactions', gbk, ...target, '--dry-run', '--json']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ dryRun: true, errors: [] });
    expect(await countEvents(tenant.tenantId)).toBe(2);

    const badKey = await remote(['import', 'transactions', gbk, '--url', url, '--key', 'nope']);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('fidelis: UNAUTHENTICATED');
  }, 180_000);
});
