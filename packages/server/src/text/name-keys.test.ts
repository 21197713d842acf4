import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { containsHan, nameKeys, queryPinyinGroups } from './name-keys.ts';

describe('nameKeys', () => {
  it.each([
    ['张三', 'person', 'zhang san\t张三', '张三 zhangsan zs'],
    ['曾小明', 'person', 'zeng xiao ming\t曾小明', '曾小明 zengxiaoming zxm'],
    ['重庆火锅', 'organization', 'chong qing huo guo\t重庆火锅', '重庆火锅 chongqinghuoguo cqhg'],
    ['Alice Smith', 'person', 'alice smith', 'alice smith'],
    ['  ', 'person', '', ''],
  ] as const)('%s (%s)', (name, kind, sortKey, searchText) => {
    expect(nameKeys(name, kind)).toEqual({ sortKey, searchText });
  });

  it('orders Chinese names by pinyin, then by character', () => {
    const names = ['赵六', '张三', '阿明', '李四', '章三', '王五'];
    const sorted = [...names].sort((a, b) => {
      const x = nameKeys(a, 'person').sortKey;
      const y = nameKeys(b, 'person').sortKey;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    expect(sorted).toEqual(['阿明', '李四', '王五', '张三', '章三', '赵六']);
  });

  it('always contains the lower-cased name, so a search for it finds it (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (name) => {
        const keys = nameKeys(name, 'person');
        const lower = name.normalize('NFKC').trim().toLowerCase();
        expect(keys.searchText.startsWith(lower)).toBe(true);
      }),
    );
  });
});

describe('queryPinyinGroups', () => {
  it.each([
    ['张三', [['zhangsan']]],
    ['曾志伟', [['cengzhiwei', 'zengzhiwei']]],
    ['行', [['xing', 'hang', 'heng']]],
    ['叶 玉', [['yeyu', 'xieyu']]],
    ['3M中国', [['3mzhongguo']]],
    // 乐 (4 readings) × 长 (2) fill a group; 缪 starts the next.
    [
      '乐长缪',
      [
        [
          'lechang',
          'lezhang',
          'yuechang',
          'yuezhang',
          'yaochang',
          'yaozhang',
          'laochang',
          'laozhang',
        ],
        ['miu', 'mou', 'liao', 'miao', 'mu'],
      ],
    ],
  ] as const)('%s', (query, groups) => {
    expect(queryPinyinGroups(query)).toEqual(groups);
  });

  it('finds every stored name by any run of its own characters (property)', () => {
    // Surnames read differently as surnames, and characters read differently in words.
    const pool = [...'曾单解仇区查朴行重长乐缪盖尉万覃银工商中国张伟志叶玉'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('person', 'organization'),
        fc.nat(),
        fc.nat(),
        (chars, kind, a, b) => {
          const name = chars.join('');
          const start = a % chars.length;
          const query = chars.slice(start, start + 1 + (b % (chars.length - start))).join('');
          const { searchText } = nameKeys(name, kind);
          for (const spellings of queryPinyinGroups(query))
            expect(spellings.some((spelling) => searchText.includes(spelling))).toBe(true);
        },
      ),
    );
  });

  it('tells Han text from other text', () => {
    expect(containsHan('abc')).toBe(false);
    expect(containsHan('a张')).toBe(true);
  });
});
