import { describe, expect, it } from 'vitest';
import { appTranslator } from '../i18n/plain-i18n.ts';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import { fieldErrorReasons, type FieldError } from '@fidelis/contracts';
import { fieldErrorKeys, fieldErrorText, problemText } from './field-error-text.ts';

type Described = Pick<FieldError, 'message' | 'reason' | 'params'> & { field?: string };

describe('a field error in the user’s language', () => {
  const cases: [Described, string, string][] = [
    [
      {
        message: 'The reward is not available yet.',
        reason: 'not_started',
        params: { at: '2026-12-24T04:00:00.000Z' },
      },
      '2026年12月24日起可兑换',
      'Can be redeemed from December 24, 2026',
    ],
    [
      {
        message: 'The reward is no longer available.',
        reason: 'ended',
        params: { at: '2026-11-30T04:00:00.000Z' },
      },
      '已于 2026年11月30日结束兑换',
      'Redemption ended on November 30, 2026',
    ],
    [
      { message: 'The reward is not available yet.', reason: 'not_started' },
      '尚未开始兑换',
      'Not available yet',
    ],
    [
      {
        message: 'Too small: expected number to be >=1',
        reason: 'too_small',
        params: { origin: 'number', minimum: 1 },
      },
      '不能小于 1',
      'Must be at least 1',
    ],
    [
      {
        message: 'must be positive',
        reason: 'too_small',
        params: { origin: 'number', minimum: 0, bound: 'exclusive' },
      },
      '必须大于 0',
      'Must be more than 0',
    ],
    [
      { message: 'Too small', reason: 'too_small', params: { origin: 'string', minimum: 10 } },
      '至少 10 个字符',
      'At least 10 characters',
    ],
    [
      { message: 'Too small', reason: 'too_small', params: { origin: 'string', minimum: 1 } },
      '不能为空',
      'Must not be empty',
    ],
    [
      { message: 'Too big', reason: 'too_big', params: { origin: 'string', maximum: 200 } },
      '最多 200 个字符',
      'At most 200 characters',
    ],
    [
      { message: 'Too big', reason: 'too_big', params: { origin: 'array', maximum: 3 } },
      '最多 3 项',
      'At most 3 items',
    ],
    [
      {
        message: 'Too big',
        reason: 'too_big',
        params: { origin: 'file', maximum: 9, bound: 'exclusive' },
      },
      '必须小于 9',
      'Must be less than 9',
    ],
    [
      {
        message: 'Invalid input: expected number, received string',
        reason: 'invalid_type',
        params: { expected: 'number' },
      },
      '必须是数字',
      'Must be a number',
    ],
    [
      { message: 'Invalid input', reason: 'invalid_type', params: { expected: 'bigint' } },
      '类型不正确（应为 bigint）',
      'Not the right kind of value (expected bigint)',
    ],
    [
      { message: 'Invalid email address', reason: 'invalid_format', params: { format: 'email' } },
      '邮箱地址格式不正确',
      'Not a valid email address',
    ],
    [
      {
        message: 'an ISO 4217 code',
        reason: 'invalid_format',
        params: { format: 'regex', pattern: '/^[A-Z]{3}$/' },
      },
      '格式不正确',
      'Not in the right format',
    ],
    [
      { message: 'Invalid option', reason: 'invalid_value', params: { options: 'owner, agent' } },
      '必须是以下之一：owner, agent',
      'Must be one of: owner, agent',
    ],
    [{ message: 'unknown field', reason: 'unknown_field' }, '不支持此字段', 'Unknown field'],
    [{ message: 'duplicate tier code', reason: 'duplicate' }, '不能重复', 'Given more than once'],
    [
      { message: 'available 40', reason: 'insufficient', params: { available: 40 } },
      '不足：可用 40',
      'Not enough: 40 available',
    ],
    [
      { message: 'not a phone number', reason: 'invalid_format', params: { format: 'phone' } },
      '电话号码格式不正确（应为 5 到 20 位数字）',
      'Not a valid phone number (5 to 20 digits)',
    ],
    [
      { message: 'use key=value', reason: 'invalid_format', params: { format: 'key_value' } },
      '应为 键=值 的形式，例如 vip=true',
      'Not in the form key=value, such as vip=true',
    ],
    [
      {
        message: 'must not begin with partner:',
        reason: 'invalid_format',
        params: { format: 'client_key', prefix: 'partner:' },
      },
      '不能以“partner:”开头，该前缀由 Fidelis 内部使用',
      'Must not begin with “partner:”, which Fidelis keeps for its own keys',
    ],
    [{ message: 'cannot change from enum', reason: 'immutable' }, '不能修改', 'Cannot be changed'],
    [
      {
        message: '金卡: 2 customers hold it',
        reason: 'in_use',
        params: { value: '金卡', count: 2 },
      },
      '金卡：2 位客户正在使用',
      '金卡: held by 2 customers',
    ],
    [
      {
        message: '银卡: 1 customer holds it',
        reason: 'in_use',
        params: { value: '银卡', count: 1 },
      },
      '银卡：1 位客户正在使用',
      '银卡: held by 1 customer',
    ],
    // No reason, or a parameter that is no key: the server's words.
    [
      { message: 'already used by another customer' },
      'already used by another customer',
      'already used by another customer',
    ],
    [
      { message: 'odd format', reason: 'invalid_format', params: { format: 'a.b:c' } },
      '格式不正确',
      'Not in the right format',
    ],
    // A wording for the field, where there is one; the reason's own otherwise.
    [
      { field: 'email', message: 'already used', reason: 'already_used' },
      '该邮箱已被使用',
      'This email is already used',
    ],
    [
      { field: 'contacts[1].email', message: 'already used', reason: 'already_used' },
      '该邮箱已被使用',
      'This email is already used',
    ],
    [
      { field: 'code', message: 'already used', reason: 'already_used' },
      '已被使用',
      'Already used',
    ],
    [
      { field: 'code', message: 'not issued to anyone', reason: 'not_issued' },
      '尚未发放给任何人',
      'Not issued to anyone yet',
    ],
  ];

  it.each(cases)('%j', async (error, zh, english) => {
    expect(fieldErrorText(await appTranslator('zh-CN'), error)).toBe(zh);
    expect(fieldErrorText(await appTranslator('en'), error)).toBe(english);
  });

  it('falls back to the server’s message for a reason this UI has no words for', async () => {
    const t = await appTranslator('zh-CN');
    const fromANewerServer = { message: 'too late', reason: 'too_late' } as unknown as Described;
    expect(fieldErrorText(t, fromANewerServer)).toBe('too late');
  });

  it('has words for every reason, in both languages, with the same placeholders', () => {
    const zhWords = zhCN.fieldErrors as Record<string, string>;
    const enWords = en.fieldErrors as Record<string, string>;
    // `in_use_one` / `in_use_other`: plural forms of one wording, picked by a `count` param.
    const worded = new Set(Object.keys(enWords).map((key) => key.replace(/_(one|other)$/, '')));
    for (const reason of fieldErrorReasons) expect(worded).toContain(reason);
    // Chinese has a single plural form: the `_one` wordings are English only.
    expect(Object.keys(zhWords).sort()).toEqual(
      Object.keys(enWords)
        .filter((key) => !key.endsWith('_one'))
        .sort(),
    );
    const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(enWords)) {
      const zhKey = key.replace(/_one$/, '_other');
      expect([key, placeholders(zhWords[zhKey] ?? '')]).toEqual([key, placeholders(text)]);
    }
  });

  it('never words an exclusive or exact bound as an inclusive one', () => {
    for (const reason of ['too_small', 'too_big'] as const)
      for (const bound of ['exclusive', 'exact'])
        for (const key of fieldErrorKeys({
          message: '',
          reason,
          params: { origin: 'number', bound },
        }))
          expect(key).toContain(bound);
  });
});

describe('a problem in the user’s language', () => {
  const named = {
    code: 'INSUFFICIENT_POINTS',
    detail: 'The member has 20 points available; 50 requested.',
    fieldErrors: [
      {
        field: 'points',
        message: 'available 20',
        reason: 'insufficient' as const,
        params: { available: 20 },
      },
    ],
  };
  const unnamed = { code: 'NOT_FOUND', detail: 'No reward r-1 in this program.', fieldErrors: [] };
  const internal = {
    code: 'INTERNAL',
    detail: 'Something went wrong on our side. Quote the request id.',
    fieldErrors: [],
    requestId: 'req-42',
  };

  it('in English: the title, the server’s sentence, the request id to quote', async () => {
    const t = await appTranslator('en');
    expect(problemText(t, 'en', named)).toMatchObject({
      title: 'Not enough points',
      detail: named.detail,
      serverDetail: undefined,
      line: `Not enough points: ${named.detail}`,
    });
    expect(problemText(t, 'en', unnamed).detail).toBe(unnamed.detail);
    expect(problemText(t, 'en', internal).detail).toBe(`${internal.detail} Request id: req-42`);
  });

  it('in Chinese: no English under the title; the fields and the request id in Chinese', async () => {
    const t = await appTranslator('zh-CN');
    const text = problemText(t, 'zh-CN', named);
    expect(text).toMatchObject({ title: '积分不足', detail: undefined });
    expect(text.fields).toEqual([`points: ${fieldErrorText(t, named.fieldErrors[0]!)}`]);
    expect(text.line).toBe(`积分不足: ${text.fields[0]}`);
    expect(text.line).not.toMatch(/[a-z]{4,} [a-z]{4,}/);
    // The English sentence is kept apart, for a disclosure.
    expect(text.serverDetail).toBe(named.detail);
    expect(problemText(t, 'zh-CN', unnamed)).toMatchObject({
      title: '未找到',
      detail: undefined,
      line: '未找到',
      serverDetail: unnamed.detail,
    });
    expect(problemText(t, 'zh-CN', internal)).toMatchObject({
      title: '出错了',
      detail: '请求编号：req-42',
      line: '出错了: 请求编号：req-42',
    });
    // A code this UI does not know is worded as an internal error.
    expect(problemText(t, 'zh-CN', { ...internal, code: 'NEW_CODE' }).title).toBe('出错了');
  });
});

describe('a conflict says what happened', () => {
  const emailUsed = {
    code: 'CONFLICT',
    detail: 'A user with this email exists.',
    fieldErrors: [{ field: 'email', message: 'already used', reason: 'already_used' as const }],
  };
  const lastOwner = {
    code: 'CONFLICT',
    detail: 'The tenant must keep at least one enabled owner.',
    fieldErrors: [
      {
        field: 'disabled',
        message: 'this is the last enabled owner',
        reason: 'last_owner' as const,
      },
    ],
  };
  const couponNotIssued = {
    code: 'CONFLICT',
    detail: 'The coupon cannot be used: not issued to anyone.',
    fieldErrors: [
      { field: 'code', message: 'not issued to anyone', reason: 'not_issued' as const },
    ],
  };
  const raced = {
    code: 'CONFLICT',
    detail: 'Another import or request created the same customers; retry.',
    fieldErrors: [],
  };

  it('a rule of the domain: a neutral title, the reason in the user’s words', async () => {
    const zh = await appTranslator('zh-CN');
    const english = await appTranslator('en');
    expect(problemText(zh, 'zh-CN', emailUsed)).toMatchObject({
      title: '无法完成',
      fields: ['email: 该邮箱已被使用'],
      line: '无法完成: email: 该邮箱已被使用',
    });
    expect(problemText(english, 'en', emailUsed)).toMatchObject({
      title: 'Could not be done',
      line: 'Could not be done: A user with this email exists.',
    });
    expect(problemText(zh, 'zh-CN', lastOwner).line).toBe(
      '无法完成: disabled: 这是最后一位启用的所有者',
    );
    expect(problemText(zh, 'zh-CN', couponNotIssued).line).toBe('无法完成: code: 尚未发放给任何人');
    for (const problem of [emailUsed, lastOwner, couponNotIssued]) {
      expect(problemText(zh, 'zh-CN', problem).line).not.toContain('其他人');
      expect(problemText(english, 'en', problem).line).not.toMatch(/someone else|meantime/i);
    }
  });

  it('two requests that met: someone else changed it; an If-Match mismatch keeps its own words', async () => {
    const zh = await appTranslator('zh-CN');
    const english = await appTranslator('en');
    expect(problemText(zh, 'zh-CN', raced).title).toBe('其他人已同时修改了此内容');
    expect(problemText(english, 'en', raced).title).toBe(
      'Someone else changed this in the meantime',
    );
    const mismatch = { code: 'CUSTOMER_VERSION_MISMATCH', detail: undefined, fieldErrors: [] };
    expect(problemText(zh, 'zh-CN', mismatch).title).toBe('其他人已同时修改了该客户：请重新加载');
  });
});
