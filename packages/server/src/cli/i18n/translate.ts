import i18next from 'i18next';
import { en, type Catalog } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const CLI_LANGUAGES = ['zh-CN', 'en'] as const;
export type CliLanguage = (typeof CLI_LANGUAGES)[number];

/** `'tenant.created'`, … : every text's key, so a mistyped key fails to type-check. */
type KeyOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : KeyOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = KeyOf<typeof en>;

export const catalogs: Record<CliLanguage, Catalog> = { en, 'zh-CN': zhCN };

// The CLI's own instance: the language is chosen once, before the commands are built.
const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  lng: 'en',
  fallbackLng: 'en',
  ns: ['cli'],
  defaultNS: 'cli',
  resources: { en: { cli: en }, 'zh-CN': { cli: zhCN } },
  // A terminal, not HTML: `<`, `&` and quotes in file names stay as they are.
  interpolation: { escapeValue: false },
});

/** The language to speak: `--lang` if given, else the locale of the environment as POSIX tools read it. */
export function languageFrom(argv: readonly string[], env: NodeJS.ProcessEnv): CliLanguage {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const arg = argv[i] ?? '';
    const given = arg === '--lang' ? argv[i + 1] : arg.startsWith('--lang=') ? arg.slice(7) : null;
    const known = CLI_LANGUAGES.find((language) => language === given);
    if (known) return known;
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function setCliLanguage(language: CliLanguage): void {
  void i18n.changeLanguage(language);
}

export function cliLanguage(): CliLanguage {
  return i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
}

export type Values = Record<string, string | number | undefined>;

/** One text in the chosen language, its `{{placeholders}}` filled in. */
export function t(key: MessageKey, values: Values = {}): string {
  return i18n.t(key, values);
}

/** A text whose key comes from data (a server's code or reason): undefined when there is none. */
export function tIfAny(key: string, values: Values = {}): string | undefined {
  return i18n.exists(key, { lng: i18n.language, fallbackLng: false })
    ? i18n.t(key, values)
    : undefined;
}
