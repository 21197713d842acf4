import { describe, expect, it } from 'vitest';
import { appTranslator } from '../i18n/plain-i18n.ts';
import type { FieldError } from '@fidelis/contracts';
import { fieldErrorText, problemText } from './field-error-text.ts';

// Refusals of the domain the server now gives a reason (a suppressed notification, a program
// without a referral scheme, coupon codes of a length used up, an attribute customers hold):
// worded in the user's language, under the neutral "could not be done" of a CONFLICT.

type Refusal = Pick<FieldError, 'field' | 'message' | 'reason' | 'params'>;

const cases: [Refusal, string, string][] = [
  [
    { field: 'id', message: 'suppressed: nothing may be sent', reason: 'suppressed' },
    '不会发送：该客户未同意任何接收渠道',
    'Never sent: the customer consented to no channel for it',
  ],
  [
    {
      field: 'referral',
      message: 'set the program’s referral scheme first',
      reason: 'not_configured',
    },
    '此计划尚未设置推荐有礼，请先设置',
    'The program has no referral scheme: set one up first',
  ],
  [
    { field: 'something', message: 'not set up', reason: 'not_configured' },
    '此计划尚未设置此项',
    'Not set up for this program',
  ],
  [
    {
      field: 'generate.length',
      message: 'too few new codes of 6 characters are left',
      reason: 'exhausted',
      params: { length: 6 },
    },
    '6 位字符的新券码所剩无几，请增加字符数',
    'Too few new codes of 6 characters are left: use more characters',
  ],
  [
    {
      field: 'key',
      message: 'vip: 1 customer holds a value of it',
      reason: 'in_use',
      params: { value: 'vip', count: 1 },
    },
    '1 位客户持有此属性的值：请连同这些值一起删除，或先移除这些值',
    '1 customer holds a value of it: delete it with the values, or remove them first',
  ],
  [
    {
      field: 'key',
      message: 'vip: 2 customers hold a value of it',
      reason: 'in_use',
      params: { value: 'vip', count: 2 },
    },
    '2 位客户持有此属性的值：请连同这些值一起删除，或先移除这些值',
    '2 customers hold a value of it: delete it with the values, or remove them first',
  ],
];

describe('a refusal the server now gives a reason', () => {
  it.each(cases)('%j', async (error, zh, english) => {
    expect(fieldErrorText(await appTranslator('zh-CN'), error)).toBe(zh);
    expect(fieldErrorText(await appTranslator('en'), error)).toBe(english);
  });

  it('is titled "could not be done", not "someone else changed this"', async () => {
    for (const [language, title] of [
      ['zh-CN', '无法完成'],
      ['en', 'Could not be done'],
    ] as const) {
      const t = await appTranslator(language);
      for (const [error, zh, english] of cases) {
        const text = problemText(t, language, {
          code: 'CONFLICT',
          detail: 'refused',
          fieldErrors: [error],
        });
        expect(text.title).toBe(title);
        expect(text.fields).toEqual([`${error.field}: ${language === 'en' ? english : zh}`]);
      }
    }
  });
});
