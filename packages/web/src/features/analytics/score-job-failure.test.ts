import { describe, expect, it } from 'vitest';
import { createInstance, type TFunction } from 'i18next';
import { en, zhCN } from './analytics.strings.ts';
import { scoreJobFailure } from './score-job-failure.ts';

const i18n = createInstance();
await i18n.init({
  resources: {
    'zh-CN': { translation: { analytics: zhCN } },
    en: { translation: { analytics: en } },
  },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});
const tr = (lng: string): TFunction => i18n.getFixedT(lng);

const nothing = {
  error: 'Nothing to score: no purchases up to 2026-12-07, the as-of day.',
  errorCode: 'nothing_to_score',
  errorParams: { asOf: '2026-12-07' },
};

describe('a failed scoring run', () => {
  it('says in Chinese that scores count purchases up to yesterday, with no English', () => {
    const text = scoreJobFailure(nothing, tr('zh-CN'), 'zh-CN');
    expect(text).toBe('还没有可评分的购买：评分只计入截至昨天（2026年12月7日）的购买。');
  });

  it('says it in English', () => {
    const text = scoreJobFailure(nothing, tr('en'), 'en');
    expect(text).toBe(
      'Nothing to score yet: scores count purchases up to yesterday (Dec 7, 2026).',
    );
  });

  // A code this UI does not know (a newer server's) or none: the generic sentence, translated,
  // with the server's text.
  it.each([['something_new'], [null], ['toString']])(
    '%s: generic, with the server’s text',
    (code) => {
      const job = { error: 'Disk full', errorCode: code, errorParams: null };
      expect(scoreJobFailure(job, tr('zh-CN'), 'zh-CN')).toBe('评分计算失败: Disk full');
      expect(scoreJobFailure(job, tr('en'), 'en')).toBe('The scoring run failed: Disk full');
    },
  );
});
