import { useEffect, useRef, useState } from 'react';
import { Button, Card, Empty, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { roleCan } from '@fidelis/contracts';
import { ErrorAlert } from '../../api/error-text.tsx';
import type { CustomerKind, Customer } from '../../api/api-types.ts';
import { formatDate } from '../../i18n/format.ts';
import { useCurrentSession } from '../platform/session.ts';
import { CustomerEditDrawer } from './customer-edit-drawer.tsx';
import { customerKeys, listCustomers, type CustomerFilters } from './customers.api.ts';

const SEARCH_DEBOUNCE_MS = 300;

function filtersOf(params: URLSearchParams): CustomerFilters {
  const kind = params.get('kind');
  return {
    q: params.get('q') ?? '',
    kind: kind === 'person' || kind === 'organization' ? kind : '',
    tag: params.get('tag') ?? '',
  };
}

export function CustomerListPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const session = useCurrentSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const [search, setSearch] = useState(filters.q);
  const [tagInput, setTagInput] = useState(filters.tag);
  const [creating, setCreating] = useState(false);
  const canWrite = roleCan(session.user.role, 'customers:write');

  // The search box writes to the URL after a pause in typing, so back/forward keep the search.
  const searchTimer = useRef<number | undefined>(undefined);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      searchTimer.current = undefined;
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (search.trim()) next.set('q', search);
          else next.delete('q');
          return next;
        },
        { replace: true },
      );
    }, SEARCH_DEBOUNCE_MS);
    searchTimer.current = timer;
    return () => window.clearTimeout(timer);
  }, [search, setParams]);

  // Leaving for a customer drops a search still waiting to be written to the address: it would
  // otherwise land while the next page loads and bring the user back to the list.
  function openCustomer(id: string) {
    window.clearTimeout(searchTimer.current);
    void navigate(`/customers/${id}`);
  }

  function setFilter(key: 'kind' | 'tag', value: string) {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  }

  const query = useInfiniteQuery({
    queryKey: customerKeys.list(filters),
    queryFn: ({ pageParam, signal }) => listCustomers(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });

  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const locale = i18n.language;
  const filtered = Boolean(filters.q || filters.kind || filters.tag);

  const columns: TableColumnsType<Customer> = [
    {
      title: t('customers.name'),
      dataIndex: 'name',
      render: (_, row) => (
        <Link
          to={`/customers/${row.id}`}
          onClick={(e) => {
            e.stopPropagation();
            window.clearTimeout(searchTimer.current);
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
            <Button icon={<UploadOutlined />} onClick={() => void navigate('/import')}>
              {t('nav.import')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
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
          <Input.Search
            allowClear
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
            allowClear
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
        {query.isError ? (
          <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <>
            <Table<Customer>
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={rows}
              loading={query.isPending}
              pagination={false}
              data-testid="customer-table"
              onRow={(row) => ({
                onClick: () => openCustomer(row.id),
                className: 'clickable-row',
              })}
              locale={{
                emptyText: query.isPending ? (
                  ' '
                ) : (
                  <Empty
                    description={filtered ? t('customers.noMatch') : t('customers.empty')}
                    data-testid="customers-empty"
                  >
                    {filtered || !canWrite ? null : (
                      <Space wrap>
                        <Button type="primary" onClick={() => void navigate('/import')}>
                          {t('customers.importFirst')}
                        </Button>
                        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                          {t('customerEdit.newCustomer')}
                        </Button>
                      </Space>
                    )}
                  </Empty>
                ),
              }}
            />
            <div className="load-more">
              {query.hasNextPage ? (
                <Button
                  onClick={() => void query.fetchNextPage()}
                  loading={query.isFetchingNextPage}
                >
                  {t('common.loadMore')}
                </Button>
              ) : rows.length > 0 ? (
                <Typography.Text type="secondary">
                  {t('customers.shown', { count: rows.length })}
                </Typography.Text>
              ) : null}
            </div>
          </>
        )}
      </Card>
    </>
  );
}
