import type { ReactNode } from 'react';
import { Button, Empty, Input, Select, Space } from 'antd';
import type { TableColumnsType } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import {
  useInfiniteQuery,
  type InfiniteData,
  type UseInfiniteQueryResult,
} from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { roles, type Role } from '@fidelis/contracts';
import { api } from '../../api/api-client.ts';
import type { Page } from '../../api/api-types.ts';
import { useAddressFilters } from '../../lists/address-filters.ts';
import { LoadMoreTable } from '../../lists/load-more-table.tsx';
import { clearable } from '../../i18n/antd-config.tsx';

/** Rows a page of the users' or the API keys' list loads at a time. */
export const ACCESS_PAGE_SIZE = 25;

/** A list of who has access (users, API keys): its search, role and status, in the address. */
export interface AccessFilters<Status extends string> {
  q: string;
  role: Role | '';
  status: Status | '';
}

function filtersOf<Status extends string>(
  params: URLSearchParams,
  statuses: readonly Status[],
): AccessFilters<Status> {
  const role = params.get('role') ?? '';
  const status = params.get('status') ?? '';
  return {
    q: params.get('q') ?? '',
    role: (roles as readonly string[]).includes(role) ? (role as Role) : '',
    status: (statuses as readonly string[]).includes(status) ? (status as Status) : '',
  };
}

export interface AccessList<Row, Status extends string> {
  filters: AccessFilters<Status>;
  /** Whether any filter is set: an empty list then says nothing matches. */
  filtered: boolean;
  query: UseInfiniteQueryResult<InfiniteData<Page<Row>>>;
  search: string;
  setSearch: (text: string) => void;
  setParam: (key: string, value: string) => void;
  /** Empties the search box and the address's filters. */
  clearFilters: () => void;
}

/**
 * The users' or the API keys' list as the server searches and pages it, filtered by what the
 * address says. Its query key begins with `queryKey`: invalidating that reloads every page.
 */
export function useAccessList<Row, Status extends string>(options: {
  path: '/v1/users' | '/v1/api-keys';
  queryKey: readonly string[];
  statuses: readonly Status[];
}): AccessList<Row, Status> {
  const navigate = useNavigate();
  const address = useAddressFilters();
  const filters = filtersOf(address.params, options.statuses);
  const query = useInfiniteQuery({
    queryKey: [...options.queryKey, 'list', filters],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Row>>(
        options.path,
        { ...filters, q: filters.q.trim(), cursor: pageParam, limit: ACCESS_PAGE_SIZE },
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
  return {
    search: address.search,
    setSearch: address.setSearch,
    setParam: address.setParam,
    filters,
    query,
    filtered: Boolean(filters.q.trim() || filters.role || filters.status),
    clearFilters: () => {
      address.cancelSearch();
      address.setSearch('');
      void navigate({ search: '' }, { replace: true });
    },
  };
}

/**
 * A list of who has access as a card's content: the search box, the role and the status, the
 * rows a page at a time, and what an empty list says (nothing matches and a way back, or
 * nothing yet and `create`). Its words are `{strings}.search`, `.searchPlaceholder`,
 * `.roleFilter`, `.statusFilter`, `.noMatch`, `.empty` and `.shown`.
 */
export function AccessListTable<Row extends { id: string }, Status extends string>({
  list,
  columns,
  strings,
  statuses,
  create,
  testId,
}: {
  list: AccessList<Row, Status>;
  columns: TableColumnsType<Row>;
  strings: 'users' | 'apiKeys';
  statuses: readonly { value: Status; label: string }[];
  create: ReactNode;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Space wrap className="filters">
        <Input
          allowClear={clearable(t)}
          prefix={<SearchOutlined aria-hidden />}
          aria-label={t(`${strings}.search`)}
          placeholder={t(`${strings}.searchPlaceholder`)}
          value={list.search}
          onChange={(event) => list.setSearch(event.target.value)}
          className="filter-search"
        />
        <Select<Role | ''>
          aria-label={t(`${strings}.roleFilter`)}
          value={list.filters.role}
          onChange={(value) => list.setParam('role', value)}
          className="filter-kind"
          options={[
            { value: '', label: t('common.allRoles') },
            ...roles.map((value) => ({ value, label: t(`roles.${value}`) })),
          ]}
        />
        <Select<Status | ''>
          aria-label={t(`${strings}.statusFilter`)}
          value={list.filters.status}
          onChange={(value) => list.setParam('status', value)}
          className="filter-kind"
          options={[{ value: '' as const, label: t('common.allStatuses') }, ...statuses]}
        />
      </Space>
      <LoadMoreTable<Row>
        query={list.query}
        columns={columns}
        rowKey="id"
        testId={`${testId}-table`}
        shown={(count) => t(`${strings}.shown`, { count })}
        empty={
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={t(list.filtered ? `${strings}.noMatch` : `${strings}.empty`)}
            data-testid={`${testId}-empty`}
          >
            {list.filtered ? (
              <Button onClick={list.clearFilters}>{t('common.clearFilters')}</Button>
            ) : (
              create
            )}
          </Empty>
        }
      />
    </>
  );
}
