import { afterEach, describe, expect, it } from 'vitest';
import { errorCodes, fieldErrorReasons } from '@fidelis/contracts';
import { DEFAULT_RFM_SEGMENT_RULES } from '@fidelis/analytics';
import { translateCommanderError } from './commander-text.ts';
import { fieldErrorText, problemSentence } from './problem-text.ts';
import { catalogs, languageFrom, setCliLanguage, t } from './translate.ts';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/** i18next's `{{name}}` and cli-progress's `{name}`: a translation must keep every one. */
const placeholders = (text: string) => [...text.matchAll(/\{\{?\s*(\w+)/g)].map((m) => m[0]).sort();

afterEach(() => setCliLanguage('en'));

describe("the CLI's catalogs", () => {
  const english = flatten(catalogs.en);
  const chinese = flatten(catalogs['zh-CN']);

  it('have the same keys and the same placeholders in every language', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      expect(placeholders(chinese.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('translate every text (none left in English but codes and examples)', () => {
    const untranslated = [...english].filter(
      ([key, text]) => chinese.get(key) === text && /[a-z]{3,} [a-z]{3,}/.test(text),
    );
    expect(untranslated).toEqual([]);
  });

  it('word every code and reason of the server and every RFM segment, so none reaches Chinese in English', () => {
    const missing = [
      ...errorCodes.map((code) => `problems.${code}`),
      ...fieldErrorReasons.map((reason) => `reasons.${reason}`),
      ...DEFAULT_RFM_SEGMENT_RULES.map((rule) => `analytics.segments.${rule.segment}`),
    ].filter((key) => !chinese.has(key));
    expect(missing).toEqual([]);
  });
});

describe('the language', () => {
  it.each([
    [['--lang', 'zh-CN'], {}, 'zh-CN'],
    [['import', 'customers', 'x.csv', '--lang=zh-CN'], { LANG: 'en_US.UTF-8' }, 'zh-CN'],
    [['--lang', 'en'], { LC_ALL: 'zh_CN.UTF-8' }, 'en'],
    [[], { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-CN'],
    [[], { LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }, 'en'],
    [[], { LC_ALL: '', LC_MESSAGES: 'zh_TW.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-CN'],
    [[], { LANG: 'zh_CN.GB18030' }, 'zh-CN'],
    [[], { LANG: 'fr_FR.UTF-8' }, 'en'],
    [[], {}, 'en'],
    // A value commander will refuse does not choose; nor does a file named --lang after `--`.
    [['--lang', 'fr'], { LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [['--', '--lang', 'zh-CN'], {}, 'en'],
  ] as const)('argv %j and %j → %s', (argv, env, expected) => {
    expect(languageFrom(argv, env)).toBe(expected);
  });
});

describe("a server's refusal", () => {
  const phone = { message: 'not a phone number', reason: 'invalid_format' as const };

  it('is the server’s English in English', () => {
    expect(problemSentence({ code: 'IMPORT_INVALID', title: 'x', detail: 'Line 3 is bad' })).toBe(
      'Line 3 is bad',
    );
    expect(fieldErrorText({ ...phone, params: { format: 'phone' } })).toBe('not a phone number');
  });

  it('is worded by code and reason in Chinese, the English kept for what has no wording', () => {
    setCliLanguage('zh-CN');
    expect(problemSentence({ code: 'IMPORT_INVALID', title: 'x', detail: 'Line 3 is bad' })).toBe(
      '文件中有无效的行；未导入任何数据',
    );
    expect(problemSentence({ code: 'SOME_NEW_CODE', title: 'x', detail: 'Something new' })).toBe(
      'Something new',
    );
    expect(fieldErrorText({ ...phone, params: { format: 'phone' } })).toBe(
      '不是电话号码（5 到 20 位数字，可以 + 开头）',
    );
    expect(fieldErrorText({ ...phone, params: { format: 'some_new_format' } })).toBe('格式不正确');
    expect(
      fieldErrorText({
        message: 'too long',
        reason: 'too_big',
        params: { origin: 'string', maximum: 200 },
      }),
    ).toBe('最多 200 个字符');
    expect(
      fieldErrorText({
        message: 'unknown column',
        reason: 'unknown_column',
        params: { options: 'name, phone' },
      }),
    ).toBe('未知的列；可用的列：name, phone');
    expect(fieldErrorText({ message: 'no reason given' })).toBe('no reason given');
    expect(problemSentence({ code: 'EXTERNAL_ID_TAKEN', title: 'x', detail: 'K1 is taken' })).toBe(
      '已有其他客户使用此外部编号',
    );
    expect(
      fieldErrorText({ message: 'only 3', reason: 'insufficient', params: { available: 3 } }),
    ).toBe('不足：可用 3');
    expect(t('input.empty', { file: '会员 <1>.csv' })).toBe('会员 <1>.csv 是空文件');
  });
});

describe("commander's errors", () => {
  // Shapes no command of ours can make today (conflicting options, environment variables,
  // argument parsers): worded all the same, for the day one does.
  const lines = [
    [
      "error: option '--json' cannot be used with option '--out <file>'",
      "错误：选项 '--json' 不能与选项 '--out <file>' 同时使用",
    ],
    [
      "error: environment variable 'FIDELIS_URL' cannot be used with option '--url <url>'",
      "错误：环境变量 'FIDELIS_URL' 不能与选项 '--url <url>' 同时使用",
    ],
    [
      "error: option '--url <url>' cannot be used with environment variable 'FIDELIS_URL'",
      "错误：选项 '--url <url>' 不能与环境变量 'FIDELIS_URL' 同时使用",
    ],
    [
      "error: environment variable 'A' cannot be used with environment variable 'B'",
      "错误：环境变量 'A' 不能与环境变量 'B' 同时使用",
    ],
    [
      "error: option '--weeks <n>' argument 'x' is invalid. 必须是正整数",
      "错误：选项 '--weeks <n>' 的值 'x' 无效：必须是正整数",
    ],
    [
      "error: option '--lang <language>' value 'fr' from env 'FIDELIS_LANG' is invalid. Allowed choices are zh-CN, en.",
      "错误：环境变量 'FIDELIS_LANG' 给选项 '--lang <language>' 的值 'fr' 无效：可选值为 zh-CN, en。",
    ],
    [
      "error: command-argument value 'x' is invalid for argument 'unit'. Allowed choices are week, day.",
      "错误：参数 'unit' 的值 'x' 无效：可选值为 week, day。",
    ],
    [
      'error: too many arguments. Expected 1 argument but got 3.',
      '错误：参数过多：应为 1 个，实际给出 3 个。',
    ],
    [
      "error: option '--lang <language>' argument 'fr' is invalid. Allowed choices are zh-CN, en.",
      "错误：选项 '--lang <language>' 的值 'fr' 无效，可选值为 zh-CN, en。",
    ],
  ] as const;

  it('stay as commander words them in English', () => {
    for (const [english] of lines)
      expect(translateCommanderError(`${english}\n`)).toBe(`${english}\n`);
  });

  it('are worded by their shape in Chinese, what follows them kept', () => {
    setCliLanguage('zh-CN');
    for (const [english, chinese] of lines) {
      expect(translateCommanderError(`${english}\n`)).toBe(`${chinese}\n`);
    }
    expect(translateCommanderError('(outputHelp)')).toBe('(outputHelp)');
  });
});
