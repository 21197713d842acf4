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
 * Sort and search keys of a name (a customer's, a user's). PGlite has no ICU collation, so
 * Chinese names are ordered and searched by their pinyin, computed here: Latin and Chinese names
 * interleave by their letters (Alice, 李娜 as li na, zoe).
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

/** At most this many pinyin spellings are tried for one run of a query's characters. */
const MAX_SPELLINGS = 8;

/**
 * The pinyin a Chinese search query may appear as in a stored search text: groups that must
 * all occur, each a list of spellings of which one must. A stored name's pinyin reads each
 * character in context (银行 is yinhang, 曾 as a surname zeng), so the query offers every
 * reading of each character: 行 alone is xing, hang or heng. Neighbouring characters are
 * spelled together while that stays within a few spellings, so the index still sees them
 * side by side; whitespace is ignored (`叶 玉` is yeyu).
 *
 * @example
 * queryPinyinGroups('曾志伟'); // [['cengzhiwei', 'zengzhiwei']]
 */
export function queryPinyinGroups(query: string): string[][] {
  const compact = query.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const groups: string[][] = [];
  let current: string[] = [''];
  for (const char of compact) {
    const readings = containsHan(char) ? readingsOf(char) : [char];
    if (current.length * readings.length > MAX_SPELLINGS) {
      groups.push(current);
      current = [''];
    }
    current = current.flatMap((prefix) => readings.map((reading) => prefix + reading));
  }
  if (current[0] !== '') groups.push(current);
  return groups;
}

/** Every toneless reading of one character, deduplicated (长: chang, zhang). */
function readingsOf(char: string): string[] {
  const readings = pinyin(char, { toneType: 'none', type: 'array', multiple: true })
    .map((reading) => reading.trim().toLowerCase())
    .filter((reading) => reading.length > 0);
  return readings.length > 0 ? [...new Set(readings)] : [char];
}
