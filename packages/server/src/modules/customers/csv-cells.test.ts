import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { joinList, quoteCell, splitList, unquoteCell } from './csv-cells.ts';

describe('lists in a cell', () => {
  it.each([
    [['a;b', 'c'], 'a\\;b;c'],
    [['x,y'], 'x\\,y'],
    [['C:\\', '、|；，'], 'C:\\\\;\\、\\|\\；\\，'],
    [['vip', '新客'], 'vip;新客'],
  ])('%j ↔ %s', (items, cell) => {
    expect(joinList(items)).toBe(cell);
    expect(splitList(cell)).toEqual(items);
  });

  it('splits a hand-made cell on any separator, a lone \\ kept', () => {
    expect(splitList('VIP, 北京、上海|vip ; ;a\\b')).toEqual([
      'VIP',
      '北京',
      '上海',
      'vip',
      'a\\b',
    ]);
  });

  it('reads back every list it writes (property)', () => {
    const item = fc
      .string({ unit: fc.constantFrom('a', ' ', '\\', ';', ',', '，', '；', '、', '|', '张') })
      .map((text) => text.trim())
      .filter((text) => text.length > 0);
    fc.assert(
      fc.property(fc.uniqueArray(item, { maxLength: 6 }), (items) => {
        expect(splitList(joinList(items))).toEqual(items);
      }),
    );
  });
});

describe('formula injection', () => {
  it.each([
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ['+8613800138000', "'+8613800138000"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ["'=x", "''=x"],
    ["'quoted", "'quoted"],
    ['张三', '张三'],
    ['', ''],
  ])('%j → %j and back', (text, cell) => {
    expect(quoteCell(text)).toBe(cell);
    expect(unquoteCell(cell)).toBe(text);
  });

  it('reads back every cell it writes, and nothing it writes starts a formula (property)', () => {
    const text = fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', 'a') });
    fc.assert(
      fc.property(text, (value) => {
        const cell = quoteCell(value);
        expect(unquoteCell(cell)).toBe(value);
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
  });
});
