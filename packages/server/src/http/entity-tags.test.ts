import { describe, expect, it } from 'vitest';
import { entityTagOf, parseIfMatch } from './entity-tags.ts';

describe('entity tags', () => {
  it('tag a version as a strong entity tag', () => {
    expect(entityTagOf(7)).toBe('"7"');
  });

  it.each([
    ['*', 'any'],
    [' * ', 'any'],
    ['"7"', [7]],
    ['W/"7"', [7]],
    ['7', [7]],
    ['"6", "7"', [6, 7]],
    ['"6",W/"7" ,8', [6, 7, 8]],
    ['"abc"', []],
    ['""', []],
    ['"7", "x,y"', [7]],
    ['"1234567890123456"', []],
  ] as const)('read If-Match %j as %j', (header, value) => {
    expect(parseIfMatch(header)).toEqual({ ok: true, value });
  });

  it.each(['', ' ', 'abc', '"7', '7"', '"7",', ',"7"', '"7" "8"', 'w/"7"', '*, "7"', '-1'])(
    'refuse If-Match %j',
    (header) => {
      expect(parseIfMatch(header)).toMatchObject({ ok: false });
    },
  );
});
