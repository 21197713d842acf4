import { describe, expect, test } from 'vitest';
import type { Customer } from '../../api/api-types.ts';
import {
  contactsOf,
  createInputOf,
  emptyFormValues,
  formValuesOf,
  isEmailAddress,
  isPhoneNumber,
  patchOf,
  rebaseFormValues,
  type CustomerFormValues,
} from './customer-form-values.ts';

const customer: Customer = {
  id: '0190f5e2-0000-7000-8000-000000000001',
  kind: 'person',
  name: '张伟',
  externalId: 'C001',
  email: 'zhang.wei@example.cn',
  phone: '13800138000',
  emails: [{ value: 'zhang.wei@example.cn', label: null, primary: true }],
  phones: [{ value: '13800138000', label: 'mobile', primary: true }],
  birthday: '1985-04-12',
  gender: 'male',
  occupation: '工程师',
  interests: ['茶'],
  familyNotes: null,
  notes: null,
  preferredChannel: null,
  consent: [],
  tags: ['VIP'],
  attributes: { level: 'gold', visits: 3 },
  source: 'api',
  mergedIds: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  version: 1,
};

const definitions = [
  { key: 'level', type: 'enum' as const },
  { key: 'visits', type: 'number' as const },
  { key: 'vip_since', type: 'date' as const },
];

const edit = (change: Partial<CustomerFormValues>) => ({ ...formValuesOf(customer), ...change });

describe('patchOf sends only what changed', () => {
  test.each<[string, Partial<CustomerFormValues>, object]>([
    ['nothing', {}, {}],
    ['whitespace around an unchanged name', { name: ' 张伟 ' }, {}],
    ['the name', { name: '张伟伟' }, { name: '张伟伟' }],
    ['an emptied external id clears it', { externalId: '  ' }, { externalId: null }],
    ['an emptied occupation clears it', { occupation: '' }, { occupation: null }],
    ['new notes', { notes: '喜欢绿茶' }, { notes: '喜欢绿茶' }],
    ['a cleared birthday', { birthday: null }, { birthday: null }],
    ['a cleared gender', { gender: null }, { gender: null }],
    ['a preferred channel', { preferredChannel: 'wechat' }, { preferredChannel: 'wechat' }],
    [
      'an added phone: the whole list',
      {
        phones: [
          { value: '13800138000', label: 'mobile', primary: true },
          { value: ' 010-1234567 ', label: '', primary: false },
        ],
      },
      {
        phones: [
          { value: '13800138000', label: 'mobile', primary: true },
          { value: '010-1234567', primary: false },
        ],
      },
    ],
    [
      'an empty row added and left empty',
      { emails: [{ value: 'zhang.wei@example.cn', label: '', primary: true }, { value: '' }] },
      {},
    ],
    ['interests, deduplicated', { interests: ['茶', '书法', '茶'] }, { interests: ['茶', '书法'] }],
    [
      'a changed attribute and a removed one; undefined keys are left alone',
      { attributes: { level: 'silver', visits: null, other: 'x' } },
      { attributes: { level: 'silver', visits: null } },
    ],
    ['an attribute set to the same value', { attributes: { level: 'gold', visits: 3 } }, {}],
  ])('%s', (_name, change, expected) => {
    expect(patchOf(formValuesOf(customer), edit(change), definitions)).toEqual(expected);
  });
});

describe('rebaseFormValues keeps the user’s edits on top of someone else’s', () => {
  const opened = formValuesOf(customer);
  // Meanwhile someone else changed the notes, the occupation and the level, and removed visits.
  const latest = formValuesOf({
    ...customer,
    notes: '对方的备注',
    occupation: '设计师',
    attributes: { level: 'silver' },
    version: 2,
  });
  // The user changed the name, the occupation and visits in the form.
  const mine = edit({
    name: '张伟明',
    occupation: '教师',
    attributes: { level: 'gold', visits: 4 },
  });
  const rebased = rebaseFormValues(opened, mine, latest, definitions);

  test('their changes show where the user changed nothing', () => {
    expect(rebased.notes).toBe('对方的备注');
    expect(rebased.attributes?.level).toBe('silver');
  });

  test('the user’s edits stay, also where both changed a field', () => {
    expect(rebased.name).toBe('张伟明');
    expect(rebased.occupation).toBe('教师');
    expect(rebased.attributes?.visits).toBe(4);
  });

  test('every attribute is named, so a stale value in the form is cleared', () => {
    expect(Object.keys(rebased.attributes ?? {}).sort()).toEqual(['level', 'vip_since', 'visits']);
    expect(rebased.attributes?.vip_since).toBeUndefined();
  });

  test('saving then sends only the user’s edits, measured from the latest customer', () => {
    expect(patchOf(latest, rebased, definitions)).toEqual({
      name: '张伟明',
      occupation: '教师',
      attributes: { visits: 4 },
    });
  });

  test('with no edits the form becomes the latest customer', () => {
    expect(
      patchOf(latest, rebaseFormValues(opened, opened, latest, definitions), definitions),
    ).toEqual({});
  });
});

describe('contactsOf', () => {
  test.each<[string, CustomerFormValues['emails'], object]>([
    ['none', undefined, []],
    [
      'no primary marked: the first is',
      [{ value: 'a@x.cn' }, { value: 'b@x.cn' }],
      [
        { value: 'a@x.cn', primary: true },
        { value: 'b@x.cn', primary: false },
      ],
    ],
    [
      'two marked: the first marked wins',
      [{ value: 'a@x.cn' }, { value: 'b@x.cn', primary: true }, { value: 'c@x.cn', primary: true }],
      [
        { value: 'a@x.cn', primary: false },
        { value: 'b@x.cn', primary: true },
        { value: 'c@x.cn', primary: false },
      ],
    ],
  ])('%s', (_name, rows, expected) => {
    expect(contactsOf(rows)).toEqual(expected);
  });
});

test('createInputOf leaves out empty fields', () => {
  const values: CustomerFormValues = {
    ...emptyFormValues('organization'),
    name: ' 星辰科技 ',
    externalId: '',
    phones: [{ value: '010-88886666', label: '前台', primary: false }],
    occupation: ' ',
    tags: ['企业客户', ''],
    attributes: { level: 'gold', visits: null, vip_since: undefined },
  };
  expect(createInputOf(values, definitions)).toEqual({
    kind: 'organization',
    name: '星辰科技',
    phones: [{ value: '010-88886666', label: '前台', primary: true }],
    tags: ['企业客户'],
    attributes: { level: 'gold' },
  });
});

test('createInputOf drops what a person has from an organisation', () => {
  const values: CustomerFormValues = {
    ...emptyFormValues('organization'),
    name: '星辰科技',
    birthday: '1990-01-01',
    gender: 'male',
    occupation: '工程师',
    familyNotes: '两个孩子',
    notes: '年度大客户',
  };
  expect(createInputOf(values, [])).toEqual({
    kind: 'organization',
    name: '星辰科技',
    notes: '年度大客户',
  });
});

test.each([
  ['13800138000', true],
  ['+86 138-0013-8000', true],
  ['(010) 1234567', true],
  ['1234', false],
  ['138001380001380013800', false],
  ['call me', false],
])('isPhoneNumber(%j) is %s', (input, expected) => {
  expect(isPhoneNumber(input)).toBe(expected);
});

test.each([
  ['a@example.cn', true],
  [' A@Example.CN ', true],
  ['not-an-email', false],
  ['a@b', false],
  ['a b@example.cn', false],
])('isEmailAddress(%j) is %s', (input, expected) => {
  expect(isEmailAddress(input)).toBe(expected);
});
