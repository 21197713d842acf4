import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { containsHan, nameKeys, queryPinyin } from './name-keys.ts';

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

describe('queryPinyin', () => {
  it('turns a Chinese query into compact pinyin', () => {
    expect(queryPinyin('张三')).toBe('zhangsan');
    expect(containsHan('abc')).toBe(false);
    expect(containsHan('a张')).toBe(true);
  });
});
