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

/** The remembered choice, else Simplified Chinese. */
export function initialLocale(): AppLocale {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isAppLocale(stored)) return stored;
  } catch {
    // storage can be unavailable (privacy mode): fall back to the default
  }
  return 'zh-CN';
}

function applyLocale(locale: AppLocale): void {
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = locale;
}

export async function changeLocale(locale: AppLocale): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // the choice then lasts for this page only
  }
  applyLocale(locale);
  await i18n.changeLanguage(locale);
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
