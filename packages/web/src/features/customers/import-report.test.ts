import { describe, expect, it } from 'vitest';
import { appTranslator } from '../../i18n/plain-i18n.ts';
import type { CustomerImportReport } from '@fidelis/contracts';
import {
  importFieldLabel,
  importProblemText,
  invalidRows,
  refusalText,
  summaryCounts,
} from './import-report.ts';

// What the server answers for a dry run of five rows, two of them with two problems each and
// one with one (docs/customers.md: errorCount counts problems, not rows).
const errors = [
  { line: 3, field: 'phone', message: 'x', reason: 'invalid_format' as const },
  { line: 3, field: 'email', message: 'x', reason: 'invalid_format' as const },
  { line: 4, field: 'name', message: 'x', reason: 'required' as const },
  { line: 6, field: 'phone', message: 'x', reason: 'invalid_format' as const },
  { line: 6, field: 'email', message: 'x', reason: 'invalid_format' as const },
];
const report = (over: Partial<CustomerImportReport>): CustomerImportReport =>
  ({
    dryRun: true,
    mode: 'all-or-nothing',
    encoding: 'utf8',
    columns: {},
    rows: 5,
    created: 0,
    updated: 0,
    unchanged: 2,
    skipped: 0,
    errorCount: 5,
    errors,
    ...over,
  }) as CustomerImportReport;

describe('an import report in rows, not problems', () => {
  it('counts invalid rows apart from problems', () => {
    expect(invalidRows(report({}))).toBe(3);
    expect(invalidRows(report({ mode: 'skip-invalid', skipped: 3 }))).toBe(3);
  });

  it('an all-or-nothing dry run with bad rows: what the valid rows would do, and the bad ones', () => {
    expect(summaryCounts(report({ created: 1, updated: 1, unchanged: 0 }))).toEqual([
      ['rows', 5],
      ['created', 1],
      ['updated', 1],
      ['unchanged', 0],
      ['invalidRows', 3],
      ['problems', 5],
    ]);
  });

  it('skip-invalid: what would be created, updated or left as is, and the rows skipped', () => {
    expect(
      summaryCounts(report({ mode: 'skip-invalid', created: 2, unchanged: 0, skipped: 3 })),
    ).toEqual([
      ['rows', 5],
      ['created', 2],
      ['updated', 0],
      ['unchanged', 0],
      ['invalidRows', 3],
      ['problems', 5],
    ]);
    expect(
      summaryCounts(report({ created: 4, updated: 1, unchanged: 0, errorCount: 0, errors: [] })),
    ).toEqual([
      ['rows', 5],
      ['created', 4],
      ['updated', 1],
      ['unchanged', 0],
    ]);
  });

  it('a dry run never says nothing was imported', async () => {
    for (const lng of ['zh-CN', 'en'] as const) {
      const t = await appTranslator(lng);
      for (const key of ['dryRunOk', 'dryRunErrorsStrict', 'dryRunErrorsSkip', 'refusedDryRun'])
        expect(t(`import.${key}`, { count: 5, rows: 3 })).not.toMatch(/未导入任何数据|Nothing was/);
    }
    const zh = await appTranslator('zh-CN');
    expect(zh('import.counts.created')).toBe('将新建');
    expect(zh('import.countsDone.created')).toBe('已新建');
  });
});

describe('a CSV that cannot be parsed, in the UI’s language', () => {
  const malformed = {
    line: 4,
    field: '(row)',
    message: 'Invalid Closing Quote: got "x" at line 4 instead of delimiter',
    reason: 'malformed' as const,
  };
  const detail = 'The CSV is malformed: Invalid Closing Quote: got "x" at line 4';

  it('words the line from its reason and line, never the parser’s English', async () => {
    const zh = await appTranslator('zh-CN');
    expect(importFieldLabel('(row)', zh)).toBe('（整行）');
    expect(importFieldLabel('email', zh)).toBe('邮箱');
    expect(importProblemText(malformed, zh)).toBe('不是有效的 CSV：引号可能未配对');
    const help = refusalText([malformed], detail, zh, 'zh-CN');
    expect(help).toContain('第 4 行无法按 CSV 读取');
    expect(help).not.toMatch(/Invalid|malformed/);
    const english = await appTranslator('en');
    expect(refusalText([malformed], detail, english, 'en')).toMatch(
      /^Line 4 cannot be read as CSV/,
    );
    expect(importFieldLabel('(row)', english)).toBe('(whole line)');
  });

  it('shows the server’s English detail of other refusals only in English', async () => {
    const zh = await appTranslator('zh-CN');
    expect(refusalText(errors, '5 row error(s); nothing was imported.', zh, 'zh-CN')).toBe(
      undefined,
    );
    const english = await appTranslator('en');
    expect(refusalText(errors, 'x', english, 'en')).toBe('x');
  });
});
