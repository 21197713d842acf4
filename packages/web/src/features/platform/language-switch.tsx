import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLocale, type AppLocale } from '../../i18n/i18n.ts';

/** 中文 / English; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { i18n, t } = useTranslation();
  return (
    <Segmented<AppLocale>
      aria-label={t('shell.language')}
      size="small"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      options={[
        // Each language by its own name, marked as such for screen readers.
        { label: <span lang="zh-CN">中文</span>, value: 'zh-CN' },
        { label: <span lang="en">English</span>, value: 'en' },
      ]}
      onChange={(value) => void changeLocale(value)}
    />
  );
}
