import { i18n } from '../../i18n/i18n.ts';
import { en, zhCN } from './analytics.strings.ts';

// The analytics pages' strings (analytics.strings.ts), registered into the app's `translation`
// namespace under `analytics.*`, so the shared locale files need no edits.

i18n.addResourceBundle(
  'en',
  'translation',
  { analytics: en, errors: { SCORES_NOT_COMPUTED: 'No scores yet' } },
  true,
  false,
);
i18n.addResourceBundle(
  'zh-CN',
  'translation',
  { analytics: zhCN, errors: { SCORES_NOT_COMPUTED: '还没有评分' } },
  true,
  false,
);
