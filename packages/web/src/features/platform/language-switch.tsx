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
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en' },
      ]}
      onChange={(value) => void changeLocale(value)}
    />
  );
}
