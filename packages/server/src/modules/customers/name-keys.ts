import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;

export function containsHan(text: string): boolean {
  return HAN.test(text);
}

export interface NameKeys {
  /** `C`-collated sort key: toneless pinyin syllables for Han, lower-cased text otherwise. */
  sortKey: string;
  /** Lower-cased name, full pinyin without spaces and pinyin initials, for trigram search. */
  searchText: string;
}

function syllables(name: string, isPerson: boolean): string[] {
  return pinyin(name, {
    toneType: 'none',
    type: 'array',
    nonZh: 'consecutive',
    // Read the first character as a surname for people: 曾 is zeng, 单 is shan.
    ...(isPerson ? { surname: 'head' as const } : {}),
  })
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length > 0);
}

/**
 * Sort and search keys of a customer's name. PGlite has no ICU collation, so Chinese names are
 * ordered and searched by their pinyin, computed here.
 *
 * @example
 * nameKeys('张三', 'person'); // { sortKey: 'zhang san\t张三', searchText: '张三 zhangsan zs' }
 */
export function nameKeys(name: string, kind: 'person' | 'organization'): NameKeys {
  const lower = name.normalize('NFKC').trim().toLowerCase();
  if (!lower) return { sortKey: '', searchText: '' };
  if (!containsHan(lower)) return { sortKey: lower, searchText: lower };
  const full = syllables(lower, kind === 'person');
  // One pinyin pass: initials are the first letters of the syllables (and of other words).
  const initials = full.flatMap((part) => part.split(/\s+/));
  return {
    // The name itself breaks ties between homophones; a tab sorts before any syllable.
    sortKey: `${full.join(' ')}\t${lower}`,
    searchText: `${lower} ${full.join('').replaceAll(' ', '')} ${initials.map((s) => s[0] ?? '').join('')}`,
  };
}

/** The pinyin of a search query, for matching Chinese names by sound (`张三` → `zhangsan`). */
export function queryPinyin(query: string): string {
  return syllables(query.normalize('NFKC').toLowerCase(), false).join('').replaceAll(' ', '');
}
