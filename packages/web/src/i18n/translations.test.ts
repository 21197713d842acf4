import { describe, expect, it, vi } from 'vitest';
import { errorCodes } from '@fidelis/contracts';
import en from './en.json';
import zhCN from './zh-CN.json';

type Tree = { [key: string]: string | Tree };

// The features register their own strings into the app's namespace (loyalty.i18n.ts …):
// catch what each registers, without the browser the real i18n instance starts in.
const registered = vi.hoisted(() => ({ en: [] as unknown[], 'zh-CN': [] as unknown[] }));
vi.mock('./i18n.ts', () => ({
  i18n: {
    addResourceBundle: (language: 'en' | 'zh-CN', _namespace: string, bundle: unknown) => {
      registered[language].push(bundle);
    },
  },
}));
import.meta.glob('../features/**/*.i18n.ts', { eager: true });

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge, as i18next's addResourceBundle(…, deep = true, overwrite = false) does. */
function merge(target: Tree, source: Tree): Tree {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isTree(existing) && isTree(value)) merge(existing, value);
    else if (existing === undefined) target[key] = isTree(value) ? merge({}, value) : value;
  }
  return target;
}

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTree(value)) for (const [k, v] of flatten(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

function resources(language: 'en' | 'zh-CN'): Map<string, string> {
  const base = merge({}, (language === 'en' ? en : zhCN) as Tree);
  for (const bundle of registered[language]) merge(base, bundle as Tree);
  return flatten(base);
}

// Chinese has one plural form (_other), English two (_one, _other): compare the keys without it.
const pluralSuffix = /_(zero|one|two|few|many|other)$/;
const withoutPlural = (keys: Iterable<string>) =>
  [...new Set([...keys].map((key) => key.replace(pluralSuffix, '')))].sort();
const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('the translations', () => {
  const english = resources('en');
  const chinese = resources('zh-CN');

  it("include the features' own strings", () => {
    expect(registered.en.length).toBeGreaterThanOrEqual(4);
    expect(english.has('loyalty.title')).toBe(true);
  });

  it('have every key in both languages', () => {
    const en = withoutPlural(english.keys());
    const zh = withoutPlural(chinese.keys());
    expect({ missingInChinese: en.filter((k) => !zh.includes(k)) }).toEqual({
      missingInChinese: [],
    });
    expect({ missingInEnglish: zh.filter((k) => !en.includes(k)) }).toEqual({
      missingInEnglish: [],
    });
  });

  it('fill in the same variables in both languages', () => {
    const differ: string[] = [];
    for (const [key, text] of chinese) {
      const base = key.replace(pluralSuffix, '');
      const other = english.get(key) ?? english.get(`${base}_other`) ?? english.get(base);
      if (other !== undefined && variables(other).join() !== variables(text).join())
        differ.push(key);
    }
    expect(differ).toEqual([]);
  });

  it('word every error the API can answer with', () => {
    const unworded = errorCodes.filter(
      (code) => !english.has(`errors.${code}`) || !chinese.has(`errors.${code}`),
    );
    expect(unworded).toEqual([]);
  });

  it('leave no text empty', () => {
    const empty = [...english, ...chinese].filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });
});

describe('the keys the code asks for', () => {
  const sources = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.ts'], {
    query: '?raw',
    import: 'default',
    eager: true,
  });
  const english = withoutPlural(resources('en').keys());
  const chinese = withoutPlural(resources('zh-CN').keys());

  it('exist in both languages', () => {
    const missing: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const match of text.matchAll(/\bt\(\s*'([\w.-]+)'|i18nKey="([\w.-]+)"/g)) {
        const key = match[1] ?? match[2] ?? '';
        if (!english.includes(key) || !chinese.includes(key)) missing.push(`${file}: ${key}`);
      }
    }
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});

describe('icons', () => {
  const sources = import.meta.glob<string>(['../**/*.tsx'], {
    query: '?raw',
    import: 'default',
    eager: true,
  });

  // antd's icons are named after their shape, in English ("shopping-cart"): each of ours is
  // either hidden from screen readers (beside text) or given a translated name.
  it('are hidden or named in the user’s language', () => {
    const named: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const match of text.matchAll(/<\w+(?:Outlined|Filled|TwoTone)\b[^>]*>/g)) {
        if (!/\baria-(hidden|label)\b/.test(match[0])) named.push(`${file}: ${match[0]}`);
      }
    }
    expect(named).toEqual([]);
  });

  // antd's own icons (a clear button's, the page arrows, a toast's, a copy button's, a Result's)
  // come from antd-config.tsx where the ConfigProvider cannot give them: the e2e walk in
  // screen-reader-names checks the pages it opens, this the places it does not.
  it('of antd’s own are given in the user’s language where the ConfigProvider cannot', () => {
    const bare: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      if (file.endsWith('/antd-config.tsx')) continue;
      const checks: [RegExp, string][] = [
        [/\ballowClear(?=[\s/>])(?!=)/g, 'allowClear without clearable(t)'],
        [/\bpagination=\{(?!false\})(?![^}]*pageArrows)[^\n]*/g, 'pagination without pageArrows'],
        [/\{[^}]*\bmessage\b[^}]*\}\s*=\s*App\.useApp\(\)/g, 'App.useApp().message (useMessage)'],
        [/\scopyable(?!=\{copyButton\()/g, 'copyable without copyButton()'],
        [
          /<Result\b[^>]*?\sstatus="(success|info|warning|error)"(?!\s+icon=\{resultIcons\.)/g,
          'Result without resultIcons (as the attribute after status)',
        ],
      ];
      for (const [pattern, what] of checks) {
        for (const match of text.matchAll(pattern)) bare.push(`${file}: ${what}: ${match[0]}`);
      }
    }
    expect(bare).toEqual([]);
  });
});
