import { useState } from 'react';
import { Button, Card, Empty, Input, Select, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { roleCan } from '@fidelis/contracts';
import type { CustomerKind, Customer } from '../../api/api-types.ts';
import { formatDate } from '../../i18n/format.ts';
import { useAddressFilters } from '../../lists/address-filters.ts';
import { LoadMoreTable } from '../../lists/load-more-table.tsx';
import { useCurrentSession } from '../platform/session.ts';
import { CustomerEditDrawer } from './customer-edit-drawer.tsx';
import {
  customerKeys,
  isCustomerSort,
  listCustomers,
  type CustomerFilters,
  type CustomerSort,
} from './customers.api.ts';
import { clearable } from '../../i18n/antd-config.tsx';
import { SearchInput } from '../../lists/search-input.tsx';

function filtersOf(params: URLSearchParams): CustomerFilters {
  const kind = params.get('kind');
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    kind: kind === 'person' || kind === 'organization' ? kind : '',
    tag: params.get('tag') ?? '',
    sort: isCustomerSort(sort) ? sort : '',
  };
}

/** How a column shows the list's order: the server's default when the address names none. */
function sortOrderOf(filters: CustomerFilters, column: 'name' | 'created') {
  const sort = filters.sort || (filters.q ? 'name' : '-created');
  if (sort === column) return 'ascend' as const;
  if (sort === `-${column}`) return 'descend' as const;
  return null;
}

// Ascending, descending, ascending again: the server always sorts, so there is no "unsorted".
const SORT_DIRECTIONS: ('ascend' | 'descend')[] = ['ascend', 'descend', 'ascend'];

export function CustomerListPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const session = useCurrentSession();
  const { params, setParam, search, setSearch, cancelSearch } = useAddressFilters();
  const filters = filtersOf(params);
  const [tagInput, setTagInput] = useState(filters.tag);
  // The tag box shows the tag the list is filtered by when the address changes from outside
  // (the navigation's link to the bare list, back/forward); what is being typed stays until
  // Enter or leaving the box applies it. (State adjusted while rendering, as React advises.)
  const [addressTag, setAddressTag] = useState(filters.tag);
  if (addressTag !== filters.tag) {
    setAddressTag(filters.tag);
    setTagInput(filters.tag);
  }
  const [creating, setCreating] = useState(false);
  const canWrite = roleCan(session.user.role, 'customers:write');

  function openCustomer(id: string) {
    cancelSearch();
    void navigate(`/customers/${id}`);
  }

  const setFilter = (key: 'kind' | 'tag' | 'sort', value: string) => setParam(key, value);
  const sortBy = (column: 'name' | 'created', order: 'ascend' | 'descend' | null | undefined) => {
    const sort: CustomerSort = order === 'descend' ? `-${column}` : column;
    setFilter('sort', sort);
  };

  const query = useInfiniteQuery({
    queryKey: customerKeys.list(filters),
    queryFn: ({ pageParam, signal }) => listCustomers(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });

  const locale = i18n.language;
  const filtered = Boolean(filters.q || filters.kind || filters.tag);

  const columns: TableColumnsType<Customer> = [
    {
      title: t('customers.name'),
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      sortOrder: sortOrderOf(filters, 'name'),
      sortDirections: SORT_DIRECTIONS,
      render: (_, row) => (
        <Link
          to={`/customers/${row.id}`}
          onClick={(e) => {
            e.stopPropagation();
            cancelSearch();
          }}
        >
          {row.name || t('customers.unnamed')}
        </Link>
      ),
    },
    {
      title: t('customers.kind'),
      dataIndex: 'kind',
      width: 110,
      responsive: ['sm'],
      render: (kind: CustomerKind) => t(`customers.kinds.${kind}`),
    },
    {
      title: t('customers.contact'),
      key: 'contact',
      responsive: ['md'],
      render: (_, row) => row.phone ?? row.email ?? '',
    },
    {
      title: t('customers.externalId'),
      dataIndex: 'externalId',
      responsive: ['lg'],
      render: (value: string | null | undefined) => value ?? '',
    },
    {
      title: t('customers.tags'),
      dataIndex: 'tags',
      responsive: ['md'],
      render: (tags: string[]) =>
        tags.map((tag) => (
          <Tag key={tag} variant="filled">
            {tag}
          </Tag>
        )),
    },
    {
      title: t('customers.createdAt'),
      dataIndex: 'createdAt',
      key: 'created',
      sorter: true,
      sortOrder: sortOrderOf(filters, 'created'),
      sortDirections: SORT_DIRECTIONS,
      width: 140,
      responsive: ['lg'],
      render: (value: string) => formatDate(value, locale, session.tenant.timeZone),
    },
  ];

  return (
    <>
      <div className="page-header">
        <Typography.Title level={3}>{t('customers.title')}</Typography.Title>
        {canWrite ? (
          <Space wrap>
            <Button icon={<UploadOutlined aria-hidden />} onClick={() => void navigate('/import')}>
              {t('nav.import')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined aria-hidden />}
              onClick={() => setCreating(true)}
            >
              {t('customerEdit.newCustomer')}
            </Button>
          </Space>
        ) : null}
      </div>
      {canWrite ? (
        <CustomerEditDrawer
          open={creating}
          customer={null}
          onClose={() => setCreating(false)}
          onCreated={(created) => openCustomer(created.id)}
        />
      ) : null}
      <Card>
        <Space wrap className="filters">
          <SearchInput
            allowClear={clearable(t)}
            autoFocus
            aria-label={t('customers.search')}
            placeholder={t('customers.searchPlaceholder')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(value) => setSearch(value)}
            loading={query.isFetching && !query.isFetchingNextPage}
            className="filter-search"
            data-testid="customer-search"
          />
          <Select<CustomerKind | ''>
            aria-label={t('customers.kind')}
            value={filters.kind}
            onChange={(value) => setFilter('kind', value)}
            className="filter-kind"
            options={[
              { value: '', label: t('customers.allKinds') },
              { value: 'person', label: t('customers.kinds.person') },
              { value: 'organization', label: t('customers.kinds.organization') },
            ]}
          />
          <Input
            allowClear={clearable(t)}
            aria-label={t('customers.tag')}
            placeholder={t('customers.tagPlaceholder')}
            value={tagInput}
            onChange={(e) => {
              setTagInput(e.target.value);
              if (!e.target.value) setFilter('tag', '');
            }}
            onPressEnter={() => setFilter('tag', tagInput.trim())}
            onBlur={() => setFilter('tag', tagInput.trim())}
            className="filter-tag"
          />
        </Space>
        <LoadMoreTable<Customer>
          query={query}
          columns={columns}
          rowKey="id"
          onOpen={(row) => openCustomer(row.id)}
          onChange={(_pagination, _filters, sorter, extra) => {
            if (extra.action !== 'sort' || Array.isArray(sorter)) return;
            if (sorter.columnKey === 'name' || sorter.columnKey === 'created')
              sortBy(sorter.columnKey, sorter.order);
          }}
          testId="customer-table"
          shown={(count) => t('customers.shown', { count })}
          empty={
            <Empty
              description={filtered ? t('customers.noMatch') : t('customers.empty')}
              data-testid="customers-empty"
            >
              {filtered ? (
                <Button
                  data-testid="customers-clear-filters"
                  onClick={() => {
                    cancelSearch();
                    setSearch('');
                    setTagInput('');
                    void navigate({ search: '' }, { replace: true });
                  }}
                >
                  {t('customers.clearFilters')}
                </Button>
              ) : !canWrite ? null : (
                <Space wrap>
                  <Button type="primary" onClick={() => void navigate('/import')}>
                    {t('customers.importFirst')}
                  </Button>
                  <Button icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
                    {t('customerEdit.newCustomer')}
                  </Button>
                </Space>
              )}
            </Empty>
          }
        />
      </Card>
    </>
  );
}
