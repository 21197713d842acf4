import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import en from './en.json';
import zhCN from './zh-CN.json';

export const appLocales = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof appLocales)[number];

const STORAGE_KEY = 'fidelis.locale';

function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (appLocales as readonly string[]).includes(value);
}

/** The language this browser chose in the switch before, if it did. */
export function storedLocale(): AppLocale | null {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isAppLocale(stored)) return stored;
  } catch {
    // storage can be unavailable (privacy mode): nothing was remembered
  }
  return null;
}

/** The browser's own preference among ours: any Chinese → zh-CN, otherwise English. */
export function browserLocale(): AppLocale {
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const language of preferred) {
    if (/^zh\b/i.test(language)) return 'zh-CN';
    if (/^en\b/i.test(language)) return 'en';
  }
  return 'en';
}

/**
 * The remembered choice, else the browser's language: what the login page shows. Once signed in,
 * a browser that remembers no choice shows the user's own language (`followUserLocale`).
 */
export function initialLocale(): AppLocale {
  return storedLocale() ?? browserLocale();
}

function applyLocale(locale: AppLocale): void {
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = locale;
}

/** Shows the UI in a language without remembering it (a default, not the person's choice). */
export async function showLocale(locale: AppLocale): Promise<void> {
  applyLocale(locale);
  await i18n.changeLanguage(locale);
}

/** The signed-in user's language (set by the owner on the users page), unless this browser chose one. */
export async function followUserLocale(locale: AppLocale): Promise<void> {
  if (storedLocale() === null && i18n.language !== locale) await showLocale(locale);
}

export async function changeLocale(locale: AppLocale): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // the choice then lasts for this page only
  }
  await showLocale(locale);
}

const locale = initialLocale();
applyLocale(locale);
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: locale,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export { i18n };
