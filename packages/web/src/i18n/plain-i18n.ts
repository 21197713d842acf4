import { createInstance, type i18n as I18n, type TFunction } from 'i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

/**
 * A bare i18next instance for the pure helpers' tests: the app's i18n module sets the page's
 * language on import (a browser's document), so a test mocks it with this one and the features'
 * bundles (`*.i18n.ts`) register their strings into it.
 *
 * ```ts
 * const i18n = await vi.hoisted(async () =>
 *   (await import('../../i18n/plain-i18n.ts')).plainI18n('en'),
 * );
 * vi.mock('../../i18n/i18n.ts', () => ({ i18n }));
 * ```
 */
export async function plainI18n(lng: 'en' | 'zh-CN'): Promise<I18n> {
  const instance = createInstance();
  await instance.init({
    resources: { 'zh-CN': { translation: {} }, en: { translation: {} } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  return instance;
}

/** `t` of the app's shared strings (en.json, zh-CN.json) in `lng`, English as the fallback. */
export async function appTranslator(lng: 'en' | 'zh-CN'): Promise<TFunction> {
  const instance = createInstance();
  await instance.init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  return instance.t;
}
