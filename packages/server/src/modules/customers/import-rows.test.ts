import { describe, expect, it } from 'vitest';
import type { AttributeRule } from './customer-fields.ts';
import { mapColumns, parseDate, validateRow } from './import-rows.ts';

const rules = new Map<string, AttributeRule>([
  ['level', { key: 'level', type: 'enum', options: ['gold', 'silver'] }],
  ['score', { key: 'score', type: 'number', options: [] }],
]);
const attributes = [{ key: 'level', labelZh: '会员等级', labelEn: 'Member level' }];

describe('mapColumns', () => {
  it('recognises English and Chinese headers and attribute labels', () => {
    const { fields, errors } = mapColumns(
      [
        '姓名',
        'Phone',
        'E-mail',
        '外部编号',
        '生日',
        '性别',
        '标签',
        '会员等级',
        'attributes.score',
        'whatever',
      ],
      undefined,
      attributes,
    );
    expect(errors).toEqual([]);
    expect(fields).toEqual([
      'name',
      'phone',
      'email',
      'externalId',
      'birthday',
      'gender',
      'tags',
      'attributes.level',
      null,
      null,
    ]);
  });

  it('lets an explicit mapping win and reports columns that are not in the file or map twice', () => {
    expect(mapColumns(['客户', '名称'], { 客户: 'name' }, []).errors).toEqual([
      { field: '名称', message: 'maps to name like column 客户', reason: 'duplicate' },
    ]);
    expect(mapColumns(['a'], { b: 'name' }, []).errors).toEqual([
      { field: 'b', message: 'no such column in the file', reason: 'column_missing' },
    ]);
  });
});

describe('parseDate', () => {
  it.each([
    ['1990-01-05', '1990-01-05'],
    ['1990/1/5', '1990-01-05'],
    ['19900105', '1990-01-05'],
    ['1990年1月5日', '1990-01-05'],
    ['1990-02-30', null],
    ['05/01/1990', null],
  ])('%s → %s', (text, expected) => {
    expect(parseDate(text)).toBe(expected);
  });
});

describe('validateRow', () => {
  const fields = ['name', 'phone', 'email', 'gender', 'tags', 'attributes.level', 'kind'] as const;
  it('refuses a birthday outside the years 1900–2999 as the API does', () => {
    const birthday = (text: string) => validateRow(3, ['Ada', text], ['name', 'birthday'], rules);
    expect(birthday('00000101')).toEqual({
      ok: false,
      errors: [
        {
          line: 3,
          field: 'birthday',
          message: expect.any(String),
          reason: 'too_small',
          params: { origin: 'date', minimum: '1900-01-01' },
        },
      ],
    });
    expect(birthday('3000-01-01')).toMatchObject({
      ok: false,
      errors: [{ reason: 'too_big', params: { origin: 'date', maximum: '2999-12-31' } }],
    });
    expect(birthday('1900-01-01')).toMatchObject({ ok: true, row: { birthday: '1900-01-01' } });
  });

  it('normalises a good row', () => {
    const result = validateRow(
      2,
      ['王五', '138-0013-8000', 'A@B.CN', '女', 'a; b、a', 'gold', '企业'],
      fields,
      rules,
    );
    expect(result).toMatchObject({
      ok: true,
      row: {
        line: 2,
        name: '王五',
        phone: '13800138000',
        email: 'a@b.cn',
        gender: 'female',
        tags: ['a', 'b'],
        attributes: { level: 'gold' },
        kind: 'organization',
      },
    });
  });

  it('reports every bad field of a row with its line', () => {
    const result = validateRow(7, ['', 'abc', 'nope', '?', '', 'bronze', 'robot'], fields, rules);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 7,
          field: 'phone',
          message: 'not a phone number',
          reason: 'invalid_format',
          params: { format: 'phone' },
        },
        {
          line: 7,
          field: 'email',
          message: 'not an email address',
          reason: 'invalid_format',
          params: { format: 'email' },
        },
        {
          line: 7,
          field: 'gender',
          message: expect.any(String),
          reason: 'invalid_value',
          params: { options: 'female, male, other, undisclosed' },
        },
        {
          line: 7,
          field: 'attributes.level',
          message: 'expected one of gold, silver',
          reason: 'invalid_value',
          params: { options: 'gold, silver' },
        },
        {
          line: 7,
          field: 'kind',
          message: expect.any(String),
          reason: 'invalid_value',
          params: { options: 'person, organization' },
        },
        { line: 7, field: 'name', message: expect.any(String), reason: 'required' },
      ],
    });
  });

  it.each([
    ['name', 'x'.repeat(201), 'too_big', { origin: 'string', maximum: 200 }],
    ['birthday', '1990-02-30', 'invalid_format', { format: 'date' }],
    ['preferredChannel', 'fax', 'invalid_value', { options: 'email, sms, phone, wechat, post' }],
    ['tags', `ok; ${'t'.repeat(51)}`, 'too_big', { origin: 'string', maximum: 50 }],
    ['attributes.score', 'high', 'invalid_type', { expected: 'number' }],
    ['attributes.shoe_size', '42', 'not_found', undefined],
  ] as const)('%s = %s → %s', (field, text, reason, params) => {
    const result = validateRow(3, ['甲', text], ['name', field], rules);
    expect(result).toEqual({
      ok: false,
      errors: [{ line: 3, field, message: expect.any(String), reason, ...(params && { params }) }],
    });
  });
});

describe('validateRow: a birthday in the future', () => {
  it('is refused after today (where it is latest), taken from the clock given', () => {
    const now = new Date('2026-12-07T12:00:00Z'); // 2026-12-08 already at UTC+14
    const birthday = (text: string) =>
      validateRow(3, ['甲', text], ['name', 'birthday'], rules, now);
    expect(birthday('2026-12-08')).toMatchObject({ ok: true, row: { birthday: '2026-12-08' } });
    expect(birthday('2026-12-09')).toEqual({
      ok: false,
      errors: [
        {
          line: 3,
          field: 'birthday',
          message: 'must not be after 2026-12-08',
          reason: 'too_big',
          params: { origin: 'date', maximum: '2026-12-08' },
        },
      ],
    });
  });
});
