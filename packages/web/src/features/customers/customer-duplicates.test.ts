import { describe, expect, test } from 'vitest';
import type { Customer } from '../../api/api-types.ts';
import {
  contactKey,
  contactsToCheck,
  customerDetails,
  hasContact,
  likelyDuplicatesOf,
  normalizeContact,
  sameChecks,
  type ContactCheck,
} from './customer-duplicates.ts';

type Found = Pick<Customer, 'id' | 'kind' | 'emails' | 'phones'>;

const contact = (value: string, primary = true) => ({ value, label: null, primary });

function found(id: string, contacts: { emails?: string[]; phones?: string[] } = {}): Found {
  return {
    id,
    kind: 'person',
    emails: (contacts.emails ?? []).map((value, i) => contact(value, i === 0)),
    phones: (contacts.phones ?? []).map((value, i) => contact(value, i === 0)),
  };
}

const phone = (value: string): ContactCheck => ({ kind: 'phone', value });
const email = (value: string): ContactCheck => ({ kind: 'email', value });

describe('normalizeContact: as the server stores a contact', () => {
  test.each([
    ['email', 'Zhang.Wei@Example.CN', 'zhang.wei@example.cn'],
    ['email', '  wang@example.cn ', 'wang@example.cn'],
    // Full-width characters, as a Chinese input method types them.
    ['email', 'ｗａｎｇ＠example.cn', 'wang@example.cn'],
    ['email', 'not-an-email', null],
    ['email', 'two words@example.cn', null],
    ['email', '', null],
    ['phone', '138 0013-8000', '13800138000'],
    ['phone', '(010) 8888.6666', '01088886666'],
    ['phone', '+86 138 0013 8000', '+8613800138000'],
    ['phone', '１３８００１３８０００', '13800138000'],
    ['phone', '1234', null],
    ['phone', '123456789012345678901', null],
    ['phone', '138-abc', null],
    ['phone', '++86138', null],
  ] as const)('%s %j → %j', (kind, input, expected) => {
    expect(normalizeContact(kind, input)).toBe(expected);
  });
});

describe('contactKey', () => {
  test.each([
    [phone('+8613800138000'), '13800138000'],
    [phone('13800138000'), '13800138000'],
    [phone('+14155550100'), '+14155550100'],
    // An email is never shortened, whatever it starts with.
    [email('+86@example.cn'), '+86@example.cn'],
  ])('%j → %s', (check, expected) => {
    expect(contactKey(check)).toBe(expected);
  });
});

describe('contactsToCheck: the valid contacts typed, less those the customer had', () => {
  test.each([
    {
      name: 'a new customer: every valid one, phones first, each once',
      values: {
        emails: [{ value: 'A@example.cn' }, { value: 'a@example.cn ' }, { value: 'bad' }],
        phones: [{ value: '138 0013 8000' }, { value: '' }, undefined],
      },
      saved: {},
      expected: [phone('13800138000'), email('a@example.cn')],
    },
    {
      name: 'an edit: what the customer already had is left out, however it is written',
      values: {
        emails: [{ value: 'zhang@example.cn' }, { value: 'new@example.cn' }],
        phones: [{ value: '+86 138-0013-8000' }, { value: '010 8888 6666' }],
      },
      saved: {
        emails: [{ value: 'ZHANG@example.cn' }],
        phones: [{ value: '13800138000' }],
      },
      expected: [phone('01088886666'), email('new@example.cn')],
    },
    {
      name: 'nothing typed',
      values: {},
      saved: {},
      expected: [],
    },
  ])('$name', ({ values, saved, expected }) => {
    expect(contactsToCheck(values, saved)).toEqual(expected);
  });
});

test('sameChecks compares by kind and contact key, in order', () => {
  expect(sameChecks([phone('13800138000')], [phone('+8613800138000')])).toBe(true);
  expect(sameChecks([phone('13800138000')], [email('13800138000')])).toBe(false);
  expect(sameChecks([phone('11111'), phone('22222')], [phone('22222'), phone('11111')])).toBe(
    false,
  );
  expect(sameChecks([], [])).toBe(true);
  expect(sameChecks([phone('11111')], [])).toBe(false);
});

describe('hasContact: exact matches only', () => {
  const wang = found('w', { emails: ['wang.wei@example.cn'], phones: ['+8613800138000'] });
  test.each([
    [email('wang.wei@example.cn'), true],
    // The search finds prefixes: they are not the same contact.
    [email('wang.wei@example.c'), false],
    [phone('13800138000'), true],
    [phone('+8613800138000'), true],
    [phone('1380013800'), false],
    // The same text as the other kind of contact is not a match.
    [email('13800138000@example.cn'), false],
  ])('%j → %s', (check, expected) => {
    expect(hasContact(wang, check)).toBe(expected);
  });
});

describe('likelyDuplicatesOf', () => {
  const wang = found('wang', { emails: ['wang@example.cn'], phones: ['13800138000'] });
  const li = found('li', { phones: ['13800138000'] });
  const prefix = found('prefix', { phones: ['138001380001'] });
  const organization: Found = {
    ...found('org', { phones: ['13800138000'] }),
    kind: 'organization',
  };

  test('one entry per customer, with every contact it shares, in the order found', () => {
    const result = likelyDuplicatesOf(
      [
        { check: phone('13800138000'), customers: [wang, prefix, li] },
        { check: email('wang@example.cn'), customers: [wang] },
      ],
      { kind: 'person', selfId: null },
    );
    expect(result).toEqual([
      { customer: wang, matched: [phone('13800138000'), email('wang@example.cn')] },
      { customer: li, matched: [phone('13800138000')] },
    ]);
  });

  test('leaves out the customer being edited and customers of the other kind', () => {
    const result = likelyDuplicatesOf(
      [{ check: phone('13800138000'), customers: [wang, li, organization] }],
      { kind: 'person', selfId: 'wang' },
    );
    expect(result.map((entry) => entry.customer.id)).toEqual(['li']);
    const forOrganization = likelyDuplicatesOf(
      [{ check: phone('13800138000'), customers: [wang, li, organization] }],
      { kind: 'organization', selfId: null },
    );
    expect(forOrganization.map((entry) => entry.customer.id)).toEqual(['org']);
  });

  test('nothing found, nothing to warn about', () => {
    expect(likelyDuplicatesOf([], { kind: 'person', selfId: null })).toEqual([]);
    expect(
      likelyDuplicatesOf([{ check: phone('13800138000'), customers: [] }], {
        kind: 'person',
        selfId: null,
      }),
    ).toEqual([]);
  });
});

describe('customerDetails', () => {
  const customer = { externalId: 'C001', phone: '13800138000', email: 'wang.wei@example.cn' };

  test('names the external id and both contacts', () => {
    expect(customerDetails(customer, { externalId: (id) => `ID ${id}` })).toBe(
      'ID C001 · 13800138000 · wang.wei@example.cn',
    );
  });

  test('with one contact, the phone or else the email', () => {
    expect(customerDetails(customer, { oneContact: true })).toBe('C001 · 13800138000');
    expect(customerDetails({ ...customer, phone: null }, { oneContact: true })).toBe(
      'C001 · wang.wei@example.cn',
    );
  });

  test('is empty when there is nothing to add', () => {
    expect(customerDetails({ externalId: null, phone: null, email: null })).toBe('');
  });
});
