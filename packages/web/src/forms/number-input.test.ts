import { describe, expect, it } from 'vitest';
import { appTranslator } from '../i18n/plain-i18n.ts';
import { clampNumber, paddedNumberText } from './number-input.tsx';
import { decimalsOf, numberProblem, numberProblemText, numberRules } from './number-rules.ts';

// antd's own InputNumber announces its step buttons in English whatever the language: every
// number field goes through NumberInput, which leaves them out.
describe('number fields', () => {
  const sources = import.meta.glob<string>(['../**/*.tsx', '!./number-input.tsx'], {
    query: '?raw',
    import: 'default',
    eager: true,
  });

  it('are all NumberInput, never antd’s InputNumber', () => {
    const direct = Object.entries(sources)
      .filter(([, text]) => /\bInputNumber\b/.test(text))
      .map(([file]) => file);
    expect(Object.keys(sources).length).toBeGreaterThan(30);
    expect(direct).toEqual([]);
  });
});

// What the QA walk typed in 人工补发 (min 1, max 1,000,000, whole points): each stays as typed
// and the field says why, instead of crediting 1, 2 or 1,000,000.
describe('numberProblem', () => {
  const points = { min: 1, max: 1_000_000, integer: true };
  const money = { min: 0.01, decimals: 2 };
  it.each([
    [-5, points, { key: 'numberField.tooSmall', params: { min: 1 } }],
    [0, points, { key: 'numberField.tooSmall', params: { min: 1 } }],
    [1.6, points, { key: 'numberField.whole', params: {} }],
    [5_000_000, points, { key: 'numberField.tooBig', params: { max: 1_000_000 } }],
    [1, points, null],
    [300, points, null],
    [1_000_000, points, null],
    [null, points, null],
    [undefined, points, null],
    [12.5, money, null],
    [12.345, money, { key: 'numberField.decimals', params: { decimals: 2 } }],
    [0.001, money, { key: 'numberField.decimals', params: { decimals: 2 } }],
    [0, money, { key: 'numberField.tooSmall', params: { min: 0.01 } }],
    [1e-7, { decimals: 6 }, { key: 'numberField.decimals', params: { decimals: 6 } }],
    [-3, {}, null],
    [2.5, { decimals: 0 }, { key: 'numberField.whole', params: {} }],
    // An amount in a currency's major units: as many decimals as the currency has.
    [12.345, { min: 0, currency: 'CNY' }, { key: 'numberField.decimals', params: { decimals: 2 } }],
    [12.34, { min: 0, currency: 'CNY' }, null],
    [5.5, { currency: 'JPY' }, { key: 'numberField.whole', params: {} }],
  ] as const)('%s in %j', (value, limits, problem) => {
    expect(numberProblem(value, limits)).toEqual(problem);
  });

  it('counts decimals the way they were typed', () => {
    expect([0.1, 12.34, 5, 1e-7, 1.5e-3, 1e21].map(decimalsOf)).toEqual([1, 2, 0, 7, 4, 0]);
  });
});

describe('numberRules', () => {
  it('refuses with the message in the user’s language, numbers as the user reads them', async () => {
    const t = await appTranslator('zh-CN');
    const [rule] = numberRules({ min: 1, max: 1_000_000, integer: true }, t);
    const check = (value: number | null) =>
      typeof rule === 'object' && rule.validator
        ? Promise.resolve(rule.validator({}, value, () => undefined))
        : Promise.reject(new Error('no validator'));
    await expect(check(5_000_000)).rejects.toThrow('不能大于 1,000,000');
    await expect(check(-5)).rejects.toThrow('不能小于 1');
    await expect(check(1.6)).rejects.toThrow('请输入整数');
    await expect(check(300)).resolves.toBeUndefined();
    await expect(check(null)).resolves.toBeUndefined();
    const en = await appTranslator('en');
    expect(numberProblemText(0.001, { decimals: 2 }, en)).toBe(
      'Too many decimal places (at most 2)',
    );
    expect(numberProblemText(-5, { min: 1 }, en)).toBe('Must be at least 1');
  });
});

describe('NumberInput', () => {
  it('keeps ↑ and ↓ within min and max', () => {
    expect([clampNumber(0, 1, 60), clampNumber(61, 1, 60), clampNumber(7, 1, 60)]).toEqual([
      1, 60, 7,
    ]);
    expect(clampNumber(-9)).toBe(-9);
  });

  it('shows a held amount with its decimals, never rounding it', () => {
    expect(paddedNumberText('12.5', 2)).toBe('12.50');
    expect(paddedNumberText('12', 2)).toBe('12.00');
    expect(paddedNumberText('12.345', 2)).toBe('12.345');
    expect(paddedNumberText('', 2)).toBe('');
    expect(paddedNumberText('-0.1', 2)).toBe('-0.10');
  });
});
