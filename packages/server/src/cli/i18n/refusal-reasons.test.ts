import { afterEach, describe, expect, it } from 'vitest';
import { fieldErrorLine } from './problem-text.ts';
import { setCliLanguage } from './translate.ts';

// Refusals the server now gives a reason, as the CLI prints them: the server's English in
// English, the reason's wording in Chinese.
afterEach(() => setCliLanguage('en'));

const refusals = [
  {
    error: { field: 'id', message: 'suppressed: nothing may be sent', reason: 'suppressed' },
    zh: '不会发送：该客户未同意任何接收渠道',
  },
  {
    error: {
      field: 'referral',
      message: 'set the program’s referral scheme first',
      reason: 'not_configured',
    },
    zh: '此计划尚未设置此项',
  },
  {
    error: {
      field: 'generate.length',
      message: 'too few new codes of 6 characters are left',
      reason: 'exhausted',
      params: { length: 6 },
    },
    zh: '6 位字符的新券码所剩无几，请增加字符数',
  },
  {
    error: {
      field: 'key',
      message: 'vip: 2 customers hold a value of it',
      reason: 'in_use',
      params: { value: 'vip', count: 2 },
    },
    zh: 'vip：2 位客户正在使用',
  },
] as const;

describe('a refusal with a reason, in the CLI', () => {
  it.each(refusals)('$error.reason', ({ error, zh }) => {
    expect(fieldErrorLine(error)).toBe(`  ${error.field}: ${error.message}`);
    setCliLanguage('zh-CN');
    expect(fieldErrorLine(error)).toBe(`  ${error.field}：${zh}`);
  });
});
