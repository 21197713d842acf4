import { describe, expect, test } from 'vitest';
import {
  attributeDefinitionCreate,
  attributeDefinitionPatch,
  attributeTypes as contractTypes,
  type AttributeDefinition,
} from '@fidelis/contracts';
import {
  attributeKeyPattern,
  attributeTypes,
  createInputOf,
  heldOptionsLeftOut,
  matchesSearch,
  patchInputOf,
  withDefinition,
} from './attribute-definitions.ts';

const level: AttributeDefinition = {
  key: 'level',
  labelZh: '会员等级',
  labelEn: 'Member level',
  type: 'enum',
  options: ['普通', '金卡'],
  createdAt: '2025-01-02T03:04:05.000Z',
};

describe('the copies of the contracts', () => {
  test('the types are the contracts’ types, in their order', () => {
    expect(attributeTypes).toEqual(contractTypes);
  });

  test.each([
    ['level', true],
    ['vip_2024', true],
    ['a', true],
    [`a${'b'.repeat(49)}`, true],
    [`a${'b'.repeat(50)}`, false],
    ['Level', false],
    ['2fast', false],
    ['_level', false],
    ['member-level', false],
    ['会员', false],
    ['', false],
  ])('the key %j is %s by both', (key, valid) => {
    expect(attributeKeyPattern.test(key)).toBe(valid);
    const parsed = attributeDefinitionCreate.safeParse({
      key,
      labelZh: '标签',
      labelEn: 'Label',
      type: 'string',
    });
    expect(parsed.success).toBe(valid);
  });
});

describe('createInputOf', () => {
  test.each([
    [
      'trims, and takes the English label from the Chinese one',
      { key: ' note ', labelZh: ' 备注 ', type: 'string' as const },
      { key: 'note', labelZh: '备注', labelEn: '备注', type: 'string' },
    ],
    [
      'takes the Chinese label from the English one',
      { key: 'note', labelEn: 'Note', labelZh: '  ', type: 'string' as const },
      { key: 'note', labelZh: 'Note', labelEn: 'Note', type: 'string' },
    ],
    [
      'keeps each option once, trimmed, without empty ones',
      { key: 'level', labelZh: '等级', type: 'enum' as const, options: [' 金 ', '银', '金', ' '] },
      { key: 'level', labelZh: '等级', labelEn: '等级', type: 'enum', options: ['金', '银'] },
    ],
    [
      'sends no options for a type without them (left over from choosing enum first)',
      { key: 'vip', labelZh: '贵宾', type: 'boolean' as const, options: ['是'] },
      { key: 'vip', labelZh: '贵宾', labelEn: '贵宾', type: 'boolean' },
    ],
    [
      'defaults to text',
      { key: 'note', labelZh: '备注' },
      { key: 'note', labelZh: '备注', labelEn: '备注', type: 'string' },
    ],
  ])('%s', (_name, values, expected) => {
    const input = createInputOf(values);
    expect(input).toEqual(expected);
    expect(attributeDefinitionCreate.safeParse(input).success).toBe(true);
  });
});

describe('matchesSearch', () => {
  test.each([
    ['', true],
    ['  ', true],
    ['LEV', true],
    ['等级', true],
    ['member', true],
    ['金卡', true],
    ['store', false],
  ])('%j → %s', (search, expected) => {
    expect(matchesSearch(level, search)).toBe(expected);
  });
});

describe('withDefinition', () => {
  const note = { ...level, key: 'note', type: 'string' as const, options: [] };
  const age = { ...level, key: 'age', type: 'number' as const, options: [] };

  test('puts the new definition in key order', () => {
    expect(withDefinition([level, note], age).map((d) => d.key)).toEqual(['age', 'level', 'note']);
  });

  test('replaces one of the same key', () => {
    const renamed = { ...note, labelEn: 'Remark' };
    expect(withDefinition([level, note], renamed)).toEqual([level, renamed]);
  });
});

describe('patchInputOf', () => {
  const note = { ...level, key: 'note', type: 'string' as const, options: [] };
  test.each([
    [
      'nothing changed',
      level,
      { labelZh: '会员等级', labelEn: 'Member level', options: ['普通', '金卡'] },
      {},
    ],
    [
      'only the label that changed, trimmed',
      level,
      { labelZh: ' 等级 ', labelEn: 'Member level', options: ['普通', '金卡'] },
      { labelZh: '等级' },
    ],
    [
      'an emptied label taken from the other',
      level,
      { labelZh: '会员等级', labelEn: '', options: ['普通', '金卡'] },
      { labelEn: '会员等级' },
    ],
    [
      'an option added, the list trimmed and each once',
      level,
      { labelZh: '会员等级', labelEn: 'Member level', options: ['普通', ' 金卡', '钻石', '钻石'] },
      { options: ['普通', '金卡', '钻石'] },
    ],
    [
      'options reordered',
      level,
      { labelZh: '会员等级', labelEn: 'Member level', options: ['金卡', '普通'] },
      { options: ['金卡', '普通'] },
    ],
    [
      'no options for a type without them',
      note,
      { labelZh: '会员等级', labelEn: 'Note', options: ['x'] },
      { labelEn: 'Note' },
    ],
  ])('%s', (_name, definition, values, expected) => {
    const patch = patchInputOf(definition, values);
    expect(patch).toEqual(expected);
    expect(attributeDefinitionPatch.safeParse(patch).success).toBe(true);
  });
});

describe('heldOptionsLeftOut', () => {
  const usage = {
    options: [
      { option: '普通', customers: 0 },
      { option: '金卡', customers: 3 },
      { option: '银卡', customers: 1 },
    ],
  };
  test.each([
    [['普通', '金卡', '银卡'], []],
    [['金卡', ' 银卡 '], []],
    [['普通', '银卡'], [{ option: '金卡', customers: 3 }]],
    [
      [],
      [
        { option: '金卡', customers: 3 },
        { option: '银卡', customers: 1 },
      ],
    ],
  ])('%j keeps all but %j', (options, expected) => {
    expect(heldOptionsLeftOut(usage, options)).toEqual(expected);
  });

  test('knows of nothing held before the count arrives', () => {
    expect(heldOptionsLeftOut(undefined, [])).toEqual([]);
  });
});
