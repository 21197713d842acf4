import { Button, Card, Empty, Select, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { loyaltyMemberSorts } from '@fidelis/contracts';
import { formatDate, formatNumber } from '../../i18n/format.ts';
import { useAddressFilters } from '../../lists/address-filters.ts';
import { LoadMoreTable } from '../../lists/load-more-table.tsx';
import {
  type MemberFilters,
  type MemberSort,
  type ProgramMember,
  membersExportUrl,
  useProgram,
  useProgramMembers,
} from './loyalty.api.ts';
import './loyalty.i18n.ts';
import { clearable } from '../../i18n/antd-config.tsx';
import { SearchInput } from '../../lists/search-input.tsx';

/** The expiry horizons offered, in days (the liability card's too). */
const expiringChoices = ['30', '60', '90'] as const;

function filtersOf(params: URLSearchParams): MemberFilters {
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    tier: params.get('tier') ?? '',
    expiring: expiringChoices.find((days) => days === params.get('expiring')) ?? '',
    sort: loyaltyMemberSorts.find((known) => known === sort) ?? '-available',
  };
}

/**
 * A program's members: search by name, phone, email or external id, filter by tier, sort by
 * points, lifetime earnings, last activity or enrolment, 50 at a time. The filters live in the
 * address, so back/forward and shared links keep them.
 */
export function ProgramMembersPage() {
  const { programId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const navigate = useNavigate();
  const { params, setParam, setParams, search, setSearch, cancelSearch } = useAddressFilters();
  const filters = filtersOf(params);
  const program = useProgram(programId);
  const members = useProgramMembers(programId, filters);

  function openCustomer(customerId: string) {
    cancelSearch();
    void navigate(`/customers/${customerId}`);
  }

  const timeZone = program.data?.timeZone;
  const levels = program.data?.tiers?.levels ?? [];
  const filtered = Boolean(filters.q.trim() || filters.tier || filters.expiring);
  const n = (value: number) => formatNumber(value, locale);

  const columns: TableColumnsType<ProgramMember> = [
    {
      title: t('loyalty.members.name'),
      dataIndex: 'name',
      render: (_, row) => (
        <Link
          to={`/customers/${row.customerId}`}
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
      title: t('customers.externalId'),
      dataIndex: 'externalId',
      responsive: ['lg'],
      render: (value: string | null) => value ?? '',
    },
    {
      title: t('loyalty.member.tier'),
      dataIndex: 'tier',
      render: (tier: ProgramMember['tier']) =>
        tier ? <Tag color="gold">{tier.name}</Tag> : t('loyalty.member.noTier'),
    },
    {
      title: t('loyalty.member.available'),
      dataIndex: 'available',
      align: 'right',
      render: n,
    },
    {
      title: t('loyalty.member.pending'),
      dataIndex: 'pending',
      align: 'right',
      responsive: ['md'],
      render: n,
    },
    {
      title: t('loyalty.member.lifetimeEarned'),
      dataIndex: 'lifetimeEarned',
      align: 'right',
      responsive: ['md'],
      render: n,
    },
    {
      title: t('loyalty.members.lastActivity'),
      dataIndex: 'lastActivityAt',
      responsive: ['sm'],
      render: (value: string | null) => (value ? formatDate(value, locale, timeZone) : ''),
    },
    {
      title: t('loyalty.members.enrolled'),
      dataIndex: 'enrolledAt',
      responsive: ['lg'],
      render: (value: string) => formatDate(value, locale, timeZone),
    },
  ];

  return (
    <>
      <div className="page-header">
        <Space align="center" wrap>
          <Link to={`/loyalty?program=${programId}`} aria-label={t('loyalty.title')}>
            <ArrowLeftOutlined aria-hidden />
          </Link>
          <Typography.Title level={3}>
            {program.data
              ? t('loyalty.members.titleOf', { program: program.data.name })
              : t('loyalty.members.title')}
          </Typography.Title>
        </Space>
      </div>
      <Card>
        <Space wrap className="filters">
          <SearchInput
            allowClear={clearable(t)}
            autoFocus
            aria-label={t('loyalty.members.search')}
            placeholder={t('customers.searchPlaceholder')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(value) => setSearch(value)}
            loading={members.isFetching && !members.isFetchingNextPage}
            className="filter-search"
            data-testid="member-search"
          />
          <Select<string>
            aria-label={t('loyalty.member.tier')}
            value={filters.tier}
            onChange={(value) => setParam('tier', value)}
            className="filter-kind"
            data-testid="member-tier-filter"
            options={[
              { value: '', label: t('loyalty.members.allTiers') },
              ...levels.map((level) => ({ value: level.code, label: level.name })),
              { value: 'none', label: t('loyalty.member.noTier') },
            ]}
          />
          <Select<string>
            aria-label={t('loyalty.members.expiring')}
            value={filters.expiring}
            onChange={(value) => setParam('expiring', value)}
            popupMatchSelectWidth={false}
            data-testid="member-expiring-filter"
            options={[
              { value: '', label: t('loyalty.members.expiringAny') },
              ...expiringChoices.map((days) => ({
                value: days,
                label: t('loyalty.members.expiringWithin', { days }),
              })),
            ]}
          />
          <Select<MemberSort>
            aria-label={t('loyalty.members.sort')}
            value={filters.sort}
            onChange={(value) => setParam('sort', value === '-available' ? '' : value)}
            data-testid="member-sort"
            popupMatchSelectWidth={false}
            options={loyaltyMemberSorts.map((sort) => ({
              value: sort,
              label: t(`loyalty.members.sorts.${sort}`),
            }))}
          />
          {/* The members these filters select, all of them; the browser downloads it. */}
          <Button
            icon={<DownloadOutlined aria-hidden />}
            href={membersExportUrl(programId, filters)}
            data-testid="members-export"
          >
            {t('loyalty.members.export')}
          </Button>
        </Space>
        <LoadMoreTable<ProgramMember>
          query={members}
          columns={columns}
          rowKey="customerId"
          onOpen={(row) => openCustomer(row.customerId)}
          testId="member-table"
          shown={(count) => t('loyalty.members.shown', { count })}
          empty={
            <Empty
              description={filtered ? t('loyalty.members.noMatch') : t('loyalty.members.empty')}
              data-testid="members-empty"
            >
              {filtered ? (
                <Button
                  data-testid="members-clear-filters"
                  onClick={() => {
                    // The sort is no filter: it stays.
                    cancelSearch();
                    setSearch('');
                    setParams({ q: '', tier: '', expiring: '' });
                  }}
                >
                  {t('common.clearFilters')}
                </Button>
              ) : null}
            </Empty>
          }
        />
      </Card>
    </>
  );
}
