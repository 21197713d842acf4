import { describe, expect, it } from 'vitest';
import { phoneSearchPrefixes } from './customer-fields.ts';

describe('phoneSearchPrefixes', () => {
  const mobile = ['16195756062', '+8616195756062', '008616195756062'];
  const landline = ['02155551234', '+8602155551234', '008602155551234'];
  const landlineAbroad = ['+862155551234', '00862155551234'];
  it.each([
    // A mainland mobile, searched as at home or as from abroad.
    ['16195756062', mobile],
    ['+8616195756062', mobile],
    ['008616195756062', mobile],
    ['161', ['161', '+86161', '0086161']],
    // A landline: its area code's trunk 0 goes abroad, and comes back home.
    ['02155551234', [...landline, ...landlineAbroad]],
    ['+862155551234', ['2155551234', ...landline, ...landlineAbroad]],
    ['+8610', ['+8610', '008610']],
    // Another country: by + or 00.
    ['+14155550100', ['+14155550100', '0014155550100']],
    ['0014155550100', ['+14155550100', '0014155550100']],
  ])('%s', (query, prefixes) => {
    expect(phoneSearchPrefixes(query).sort()).toEqual([...prefixes].sort());
  });

  it('finds a mainland mobile however it was stored, by however it is searched', () => {
    for (const query of ['16195756062', '+8616195756062', '008616195756062', '+86161', '1619'])
      for (const phone of mobile)
        expect(
          phoneSearchPrefixes(query).some((prefix) => phone.startsWith(prefix)),
          `${query} → ${phone}`,
        ).toBe(true);
  });
});
