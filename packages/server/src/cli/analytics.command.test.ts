import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CliInputError,
  runClv,
  runRfm,
  type ClvOptions,
  type TransactionFileOptions,
} from './analytics.command.ts';
import { setCliLanguage } from './i18n/translate.ts';
import { displayWidth } from './output.ts';

afterEach(() => setCliLanguage('en'));

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/fidelis.js', import.meta.url));
const run = promisify(execFile);

/** `fidelis analytics …` spawned, in a language set here rather than by the machine's locale. */
async function fidelis(lang: 'en' | 'zh-CN', args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      BIN,
      '--lang',
      lang,
      'analytics',
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const csv = (file: string): TransactionFileOptions => ({
  transactions: path.join(FIXTURES, file),
  customerColumn: 'customer_id',
  dateColumn: 'date',
  amountColumn: 'amount',
  delimiter: ',',
  dateFormat: 'auto',
  header: true,
  progress: false,
});

const cdnow: TransactionFileOptions = {
  ...csv('CDNOW_sample.txt'),
  delimiter: 'whitespace',
  header: false,
  customerColumn: '2',
  dateColumn: '3',
  amountColumn: '5',
  dateFormat: 'YYYYMMDD',
};

const clv = (file: TransactionFileOptions, extra: Partial<ClvOptions> = {}): ClvOptions => ({
  ...file,
  calibrationEnd: '1997-09-30',
  period: 'week',
  models: 'bgnbd,paretonbd,mbgnbd,gammagamma',
  discountRate: 0,
  margin: 1,
  ...extra,
});

describe('fidelis analytics clv', () => {
  it('reproduces the published BG/NBD, Pareto/NBD and Gamma-Gamma fits on the CDNOW sample', async () => {
    const result = await runClv(clv(cdnow));
    expect(result.customers).toBe(2357);
    const bg = result.bgnbd!;
    expect(bg.params.r).toBeCloseTo(0.243, 3);
    expect(bg.params.alpha).toBeCloseTo(4.414, 2);
    expect(bg.params.a).toBeCloseTo(0.793, 3);
    expect(bg.params.b).toBeCloseTo(2.426, 2);
    expect(bg.logLikelihood).toBeCloseTo(-9582.4, 1);
    const pareto = result.paretonbd!;
    expect(pareto.params.r).toBeCloseTo(0.553, 2);
    expect(pareto.params.s).toBeCloseTo(0.606, 2);
    expect(pareto.logLikelihood).toBeCloseTo(-9595.0, 0);
    expect(result.mbgnbd!.params.r).toBeCloseTo(0.525, 2);
    const gg = result.gammagamma!;
    expect(gg.customers).toBe(946);
    expect(gg.params.p).toBeCloseTo(6.25, 1);
    expect(gg.params.q).toBeCloseTo(3.74, 1);
    expect(gg.params.v).toBeCloseTo(15.44, 0);
  });

  it('writes per-customer predictions with --predict and --out', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'fidelis-clv-')), 'clv.csv');
    const result = await runClv(
      clv(cdnow, { models: 'bgnbd', predict: 39, out, discountRate: 0.1, margin: 0.3 }),
    );
    expect(result.predictions).toMatchObject({ weeks: 39, customers: 2357 });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv',
    );
    expect(lines).toHaveLength(2358);
    // Sample customer 1 (x = 2, t_x = 30.43, T = 38.86) expects 1.226 purchases in 39 weeks.
    const first = lines.find((line) => line.startsWith('0001,'))!.split(',');
    expect(Number(first[1])).toBe(2);
    expect(Number(first[6])).toBeCloseTo(1.226, 2);
    for (const line of lines.slice(1)) {
      for (const field of line.split(',').slice(1))
        expect(Number.isFinite(Number(field))).toBe(true);
    }
  });

  it('maps column names, other delimiters and compact dates', async () => {
    const result = await runClv({
      ...clv(csv('semicolon-yyyymmdd.csv'), { calibrationEnd: '2024-04-30', models: 'bgnbd' }),
      customerColumn: 'client',
      dateColumn: 'jour',
      amountColumn: 'montant',
      delimiter: ';',
      dateFormat: 'YYYYMMDD',
    });
    expect(result.customers).toBe(3);
    expect(Number.isFinite(result.bgnbd!.logLikelihood)).toBe(true);
  });

  it.each([
    ['empty.csv', {}, /is empty/],
    ['one-customer.csv', {}, /only 1 customer/],
    ['no-repeat.csv', {}, /no customer bought twice/],
    ['negative-amount.csv', {}, /line 3: negative amount/],
    ['bad-date.csv', {}, /line 4: unparseable date "05\/03\/2024"/],
    ['purchases-small.csv', { calibrationEnd: '2023-12-31' }, /before the first purchase/],
    ['purchases-small.csv', { models: 'bgnbd,foo' }, /unknown model "foo"/],
    ['purchases-small.csv', { calibrationEnd: '2024-13-01' }, /--calibration-end/],
    ['missing.csv', {}, /no such file/],
    ['.', {}, /fixtures\/? is a directory, not a file/], // was an unhandled stream error
    // Chinese ids read as U+FFFD would have merged 张三 and 李四 into one customer.
    ['gbk.csv', {}, /gbk.csv is not UTF-8 \(line 3; GBK from Excel\?\)/],
  ] as const)('rejects %s %o with a clear message', async (file, extra, message) => {
    const options = clv(csv(file), { calibrationEnd: '2024-04-30', ...extra });
    await expect(runClv(options)).rejects.toThrow(CliInputError);
    await expect(runClv(options)).rejects.toThrow(message);
  });

  it('names the header when a column is missing', async () => {
    await expect(
      runClv({ ...clv(csv('purchases-small.csv')), customerColumn: 'client' }),
    ).rejects.toThrow(/column "client" not in the header \(customer_id, date, amount\)/);
  });

  it('exits non-zero with the message on stderr when spawned', async () => {
    const noRepeat = ['--transactions', path.join(FIXTURES, 'no-repeat.csv')];
    const failure = await fidelis('en', [
      'clv',
      ...noRepeat,
      '--calibration-end',
      '2024-04-30',
      '--json',
    ]);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect(failure.stderr).toContain('no customer bought twice');

    const clvJson = async (lang: 'en' | 'zh-CN') =>
      (
        await fidelis(lang, [
          'clv',
          '--transactions',
          path.join(FIXTURES, 'purchases-small.csv'),
          '--calibration-end',
          '2024-04-30',
          '--models',
          'bgnbd,gammagamma',
          '--json',
        ])
      ).stdout;
    const ok = await clvJson('en');
    const parsed = JSON.parse(ok) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['customers', 'bgnbd', 'gammagamma']);
    expect(parsed).toMatchObject({ customers: 5, gammagamma: { customers: 3 } });
    // What scripts read does not change with the language.
    expect(await clvJson('zh-CN')).toBe(ok);

    const chinese = await fidelis('zh-CN', ['clv', ...noRepeat, '--calibration-end', '2024-04-30']);
    expect(chinese).toMatchObject({
      code: 1,
      stderr: 'fidelis: 校准期结束前没有客户购买过两次：无法拟合模型\n',
    });
  });

  it('prints its table in Chinese with --lang zh-CN, aligned by display width', async () => {
    const small = path.join(FIXTURES, 'purchases-small.csv');
    const rfm = await fidelis('zh-CN', ['rfm', '--transactions', small, '--as-of', '2024-04-30']);
    const [head, ...table] = rfm.stdout.trimEnd().split('\n');
    expect(head).toBe('截至 2024-04-30 的 RFM：5 位客户');
    expect(table[0]).toMatch(/^分群 +客户数 +收入 *$/);
    // Each Chinese character takes two columns: every row ends at the same column.
    expect(new Set(table.map(displayWidth)).size).toBe(1);
  });
});

describe("what @fidelis/analytics, csv-parse and commander refuse, in the CLI's language", () => {
  const small = path.join(FIXTURES, 'purchases-small.csv');

  it.each([
    [
      clv(csv('purchases-small.csv'), { calibrationEnd: '2024-13-01' }),
      '--calibration-end: No such calendar day "2024-13-01"',
      '--calibration-end：2024-13-01 不是有效的日期（YYYY-MM-DD 或 YYYYMMDD）',
    ],
    [
      clv(csv('zero-repeat-spend.csv'), { calibrationEnd: '2024-04-30', models: 'gammagamma' }),
      'Gamma-Gamma: Customer 0: mean repeat spend 0 must be > 0 for the Gamma-Gamma model',
      'Gamma-Gamma：有重复购买的客户平均消费为 0；该模型要求金额大于 0',
    ],
    [
      clv(csv('unclosed-quote.csv'), { calibrationEnd: '2024-04-30' }),
      `cannot read ${path.join(FIXTURES, 'unclosed-quote.csv')}: Quote Not Closed: the parsing is finished with an opening quote at line 3`,
      `无法读取 ${path.join(FIXTURES, 'unclosed-quote.csv')}：第 3 行：字段的引号没有闭合`,
    ],
  ] as const)(
    'words the refusal of %o in English and Chinese',
    async (options, english, chinese) => {
      await expect(runClv(options)).rejects.toThrow(new CliInputError(english));
      setCliLanguage('zh-CN');
      await expect(runClv(options)).rejects.toThrow(new CliInputError(chinese));
    },
  );

  it('words a bad --as-of day', async () => {
    const options = { ...csv('purchases-small.csv'), asOf: '20240431' };
    await expect(runRfm(options)).rejects.toThrow('--as-of: No such calendar day "20240431"');
    setCliLanguage('zh-CN');
    await expect(runRfm(options)).rejects.toThrow(
      '--as-of：20240431 不是有效的日期（YYYY-MM-DD 或 YYYYMMDD）',
    );
  });

  it('names the RFM segments in the table, and keeps their codes in the JSON', async () => {
    const args = ['rfm', '--transactions', small, '--as-of', '2024-04-30'];
    const [english, chinese, json, jsonZh] = await Promise.all([
      fidelis('en', args),
      fidelis('zh-CN', args),
      fidelis('en', [...args, '--json']),
      fidelis('zh-CN', [...args, '--json']),
    ]);
    expect(english.stdout).toMatch(/^Champions +1 +75\.00$/m);
    expect(english.stdout).toMatch(/^At risk +1 +30\.50$/m);
    expect(english.stdout).toMatch(/^Can't lose them +0 +0\.00$/m);
    expect(chinese.stdout).toMatch(/^冠军客户 +1 +75\.00$/m);
    expect(chinese.stdout).toMatch(/^有流失风险 +1 +30\.50$/m);
    expect(jsonZh.stdout).toBe(json.stdout);
    expect(json.stdout).toContain('"segment": "at-risk"');
  });

  it("words commander's rarer errors in Chinese, and leaves commander's English as it is", async () => {
    const clvArgs = ['clv', '--transactions', small, '--calibration-end', '2024-04-30'];
    const cases: [string[], string, string][] = [
      [
        ['clv', '--predict'],
        "error: option '--predict <weeks>' argument missing",
        "错误：选项 '--predict <weeks>' 缺少值",
      ],
      [
        ['rfm', '--transactions', small, '--as-of', '2024-04-30', 'extra'],
        "error: too many arguments for 'rfm'. Expected 0 arguments but got 1.",
        "错误：'rfm' 的参数过多：应为 0 个，实际给出 1 个。",
      ],
      [
        [...clvArgs, '--predic', '4'],
        "error: unknown option '--predic'\n(Did you mean --predict?)",
        "错误：未知选项 '--predic'\n（您是否想输入 --predict？）",
      ],
      [
        [...clvArgs, '--pred', '4'],
        "error: unknown option '--pred'\n(Did you mean one of --period, --predict?)",
        "错误：未知选项 '--pred'\n（您是否想输入以下之一：--period, --predict？）",
      ],
      [
        ['rfx'],
        "error: unknown command 'rfx'\n(Did you mean rfm?)",
        "错误：未知命令 'rfx'\n（您是否想输入 rfm？）",
      ],
    ];
    await Promise.all(
      cases.map(async ([args, english, chinese]) => {
        const [en, zh] = await Promise.all([fidelis('en', args), fidelis('zh-CN', args)]);
        expect(en.code, args.join(' ')).toBe(1);
        expect(zh.code, args.join(' ')).toBe(1);
        // The help that follows the error is the command's, in its language.
        expect(en.stderr.startsWith(`${english}\n\nUsage: fidelis analytics`), en.stderr).toBe(
          true,
        );
        expect(zh.stderr.startsWith(`${chinese}\n\n用法： fidelis analytics`), zh.stderr).toBe(
          true,
        );
      }),
    );
  }, 60_000);
});

describe('fidelis analytics rfm', () => {
  it('scores customers and counts segments', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'fidelis-rfm-')), 'rfm.csv');
    const result = await runRfm({ ...csv('purchases-small.csv'), asOf: '2024-04-30', out });
    expect(result.customers).toBe(5);
    expect(result.segments.reduce((sum, s) => sum + s.customers, 0)).toBe(5);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,recency_days,frequency,monetary,r,f,m,rfm,segment');
    const d = lines.find((line) => line.startsWith('d,'))!.split(',');
    // d bought three times, most money, and most recently; a also bought three times, and
    // tied customers share the lower bin: F 4 for both (ranks 4–5 of 5), M 5.
    expect(d[2]).toBe('3');
    expect(lines.find((line) => line.startsWith('a,'))!.split(',')[5]).toBe('4');
    expect(Number(d[4])).toBe(5);
    expect(Number(d[5])).toBe(4);
    expect(Number(d[6])).toBe(5);
  });

  it('rejects an as-of day before every purchase', async () => {
    await expect(runRfm({ ...csv('purchases-small.csv'), asOf: '2020-01-01' })).rejects.toThrow(
      /no purchase on or before/,
    );
  });
});
