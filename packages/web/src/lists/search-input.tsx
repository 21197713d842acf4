import type { Ref } from 'react';
import { Button, Input, type InputRef } from 'antd';
import type { SearchProps } from 'antd/es/input';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/**
 * A list's search box: antd's Input.Search whose button says what it does. antd's own button
 * holds only an icon, named by its shape in English ("search") or, with icon names hidden from
 * screen readers, not at all; this one reads "搜索" / "Search". Everything else is antd's.
 */
export function SearchInput(props: Omit<SearchProps, 'enterButton'> & { ref?: Ref<InputRef> }) {
  const { t } = useTranslation();
  return (
    <Input.Search
      {...props}
      enterButton={<Button aria-label={t('common.search')} icon={<SearchOutlined aria-hidden />} />}
    />
  );
}
