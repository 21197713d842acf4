import { useState } from 'react';
import { Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Customer, CustomerKind } from '../../api/api-types.ts';
import { customerDetails } from './customer-duplicates.ts';
import { customerKeys, listCustomers } from './customers.api.ts';
import { clearable, searchIcon } from '../../i18n/antd-config.tsx';
import { useDebounced } from '../../lists/debounced.ts';

/** "张伟 · C001 · 13800138000": enough to tell two people of one name apart in a list. */
function customerSummary(customer: Customer, unnamed: string): string {
  const details = customerDetails(customer, { oneContact: true });
  return details ? `${customer.name || unnamed} · ${details}` : customer.name || unnamed;
}

/**
 * Picks one customer by searching as you type (name, pinyin, phone, email, external id; the
 * list's search), debounced. Works as a form control: `value` is the customer's id, and
 * `onChange` also gives the customer. The chosen customer stays among the options while the
 * search text changes or is cleared.
 */
export function CustomerSearchSelect({
  id,
  value,
  onChange,
  kind,
  excludeId,
  placeholder,
  noMatch,
  autoFocus,
  enabled = true,
  'aria-label': ariaLabel,
  'data-testid': testId,
}: {
  id?: string;
  value?: string | null;
  onChange?: (id: string | null, customer: Customer | null) => void;
  /** Only customers of this kind (a merge joins two of one kind). */
  kind?: CustomerKind;
  /** Never offered (the customer being merged). */
  excludeId?: string;
  placeholder: string;
  /** Shown when a search finds nobody. */
  noMatch: string;
  autoFocus?: boolean;
  /** False while hidden (a closed modal): no searches. */
  enabled?: boolean;
  'aria-label'?: string;
  'data-testid'?: string;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const [chosen, setChosen] = useState<Customer | null>(null);
  const found = useQuery({
    queryKey: customerKeys.search(kind ?? '', q),
    enabled: enabled && q.length > 0,
    queryFn: ({ signal }) =>
      listCustomers({ q, kind: kind ?? '', tag: '', sort: '' }, null, signal),
  });
  const matches = (found.data?.items ?? []).filter((c) => c.id !== excludeId);
  const kept = chosen && chosen.id === value ? chosen : null;
  const candidates = kept && !matches.some((c) => c.id === kept.id) ? [kept, ...matches] : matches;
  const unnamed = t('customers.unnamed');
  return (
    <Select<string>
      {...(id === undefined ? {} : { id })}
      {...(ariaLabel === undefined ? {} : { 'aria-label': ariaLabel })}
      showSearch={{ filterOption: false, onSearch: setSearch, searchIcon }}
      autoFocus={autoFocus ?? false}
      allowClear={clearable(t)}
      className="full-width"
      placeholder={placeholder}
      value={value ?? null}
      loading={found.isFetching}
      notFoundContent={q ? (found.isFetching ? t('customers.searching') : noMatch) : null}
      options={candidates.map((c) => ({ value: c.id, label: customerSummary(c, unnamed) }))}
      onChange={(next: string | undefined) => {
        const customer = candidates.find((c) => c.id === next) ?? null;
        setChosen(customer);
        onChange?.(customer?.id ?? null, customer);
      }}
      data-testid={testId}
    />
  );
}
