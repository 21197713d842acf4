import { useState } from 'react';
import { Button, Card, DatePicker, Empty, Result, Select, Space, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { auditActorTypes, roleCan, type AuditActorType } from '@fidelis/contracts';
import { api } from '../../api/api-client.ts';
import type { Page, User } from '../../api/api-types.ts';
import { clearable, searchIcon } from '../../i18n/antd-config.tsx';
import { useAddressFilters } from '../../lists/address-filters.ts';
import { useDebounced } from '../../lists/debounced.ts';
import {
  actionLabel,
  auditActionGroups,
  auditEntityTypes,
  entityTypeLabel,
} from './audit-entries.ts';
import { useAuditLog, type AuditFilters } from './audit.api.ts';
import { AuditLogTable } from './audit-log-table.tsx';
import { useCurrentSession } from './session.ts';
import './audit.i18n.ts';
import { SearchInput } from '../../lists/search-input.tsx';

const PAGE_SIZE = 50;
const USER_OPTIONS = 20;
const day = /^\d{4}-\d{2}-\d{2}$/;

function filtersOf(params: URLSearchParams): AuditFilters {
  const actorType = params.get('actorType') ?? '';
  const dayParam = (key: string) => {
    const value = params.get(key) ?? '';
    return day.test(value) ? value : '';
  };
  return {
    entityType: params.get('entityType') ?? '',
    entityId: params.get('entityId') ?? '',
    actorType: (auditActorTypes as readonly string[]).includes(actorType)
      ? (actorType as AuditActorType)
      : '',
    actorId: params.get('actorId') ?? '',
    action: params.get('action') ?? '',
    fromDay: dayParam('from'),
    toDay: dayParam('to'),
  };
}

/** The user whose changes to show: the tenant's users, searched by the server as typed. */
function UserFilter({
  value,
  chosenName,
  onChange,
}: {
  value: string;
  chosenName: string | null;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const users = useQuery({
    queryKey: ['audit-log', 'users', q],
    queryFn: ({ signal }) => api.get<Page<User>>('/v1/users', { q, limit: USER_OPTIONS }, signal),
    placeholderData: (previous) => previous,
  });
  const found = users.data?.items ?? [];
  return (
    <Select<string>
      aria-label={t('audit.actors.user')}
      value={value}
      onChange={(next) => {
        setSearch('');
        onChange(next ?? '');
      }}
      showSearch={{ filterOption: false, onSearch: setSearch, searchIcon }}
      loading={users.isFetching}
      className="filter-audit-user"
      popupMatchSelectWidth={false}
      data-testid="audit-user"
      options={[
        ...(search ? [] : [{ value: '', label: t('audit.anyUser') }]),
        ...(value && !found.some((user) => user.id === value)
          ? [{ value, label: chosenName ?? value }]
          : []),
        ...found.map((user) => ({ value: user.id, label: `${user.name} (${user.email})` })),
      ]}
    />
  );
}

/** Settings → audit log: every change of the tenant, filtered in the address. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const allowed = roleCan(session.user.role, 'audit:read');
  if (!allowed) {
    return (
      <Result
        status="403"
        title={t('audit.forbidden')}
        extra={<Link to="/">{t('audit.backToDashboard')}</Link>}
      />
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useCurrentSession();
  const timeZone = session.tenant.timeZone;
  const { params, setParam, setParams } = useAddressFilters();
  const filters = filtersOf(params);
  const [entityIdInput, setEntityIdInput] = useState(filters.entityId);
  // Only owners may list users (GET /v1/users); a manager filters by kind of actor only.
  const canListUsers = roleCan(session.user.role, 'platform:admin');
  const query = useAuditLog(filters, timeZone, { limit: PAGE_SIZE });
  const filtered = Object.values(filters).some(Boolean);

  const actionOptions = auditActionGroups.map(({ group, actions }) => ({
    label: t(`audit.actionGroups.${group}`),
    title: t(`audit.actionGroups.${group}`),
    options: actions.map((action) => ({ value: action, label: actionLabel(t, action) })),
  }));
  // An action in the address this UI has no name for (a newer server's) stays selectable.
  const known = auditActionGroups.some((group) =>
    (group.actions as readonly string[]).includes(filters.action),
  );

  return (
    <>
      <div className="page-header">
        <div>
          <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('audit.subtitle')}</Typography.Text>
        </div>
      </div>
      <Card>
        <Space wrap className="filters" data-testid="audit-filters">
          <Select<string>
            aria-label={t('audit.what')}
            value={filters.entityType}
            onChange={(value) => setParam('entityType', value)}
            className="filter-audit-entity"
            popupMatchSelectWidth={false}
            data-testid="audit-entity-type"
            options={[
              { value: '', label: t('audit.allEntityTypes') },
              ...auditEntityTypes.map((type) => ({ value: type, label: entityTypeLabel(t, type) })),
            ]}
          />
          <Select<string>
            aria-label={t('audit.action')}
            value={filters.action}
            onChange={(value) => setParam('action', value ?? '')}
            showSearch={{ optionFilterProp: 'label', searchIcon }}
            className="filter-audit-action"
            popupMatchSelectWidth={false}
            data-testid="audit-action"
            options={[
              { value: '', label: t('audit.allActions') },
              ...(filters.action && !known
                ? [{ value: filters.action, label: filters.action }]
                : []),
              ...actionOptions,
            ]}
          />
          <Select<AuditActorType | ''>
            aria-label={t('audit.who')}
            value={filters.actorType}
            // Another kind of actor than the user chosen forgets the user.
            onChange={(value) => setParams({ actorType: value, actorId: '' })}
            className="filter-audit-actor"
            popupMatchSelectWidth={false}
            data-testid="audit-actor-type"
            options={[
              { value: '', label: t('audit.allActors') },
              ...auditActorTypes.map((type) => ({ value: type, label: t(`audit.actors.${type}`) })),
            ]}
          />
          {canListUsers && (filters.actorType === '' || filters.actorType === 'user') ? (
            <UserFilter
              value={filters.actorType === 'user' ? filters.actorId : ''}
              // The entries of the user chosen carry their name, whoever the search finds.
              chosenName={
                query.data?.pages[0]?.items.find(
                  (entry) => entry.actorType === 'user' && entry.actorId === filters.actorId,
                )?.actorName ?? null
              }
              onChange={(value) =>
                setParams(
                  value
                    ? { actorType: 'user', actorId: value }
                    : { actorId: '', actorType: filters.actorType },
                )
              }
            />
          ) : null}
          <DatePicker.RangePicker
            // Each of its two inputs is named by its placeholder: "开始日期", "结束日期".
            placeholder={[t('audit.from'), t('audit.to')]}
            allowEmpty={[true, true]}
            allowClear={clearable(t)}
            value={[
              filters.fromDay ? dayjs(filters.fromDay) : null,
              filters.toDay ? dayjs(filters.toDay) : null,
            ]}
            onChange={(range) =>
              setParams({
                from: range?.[0]?.format('YYYY-MM-DD') ?? '',
                to: range?.[1]?.format('YYYY-MM-DD') ?? '',
              })
            }
            className="filter-audit-period"
          />
          <SearchInput
            allowClear={clearable(t)}
            aria-label={t('audit.entityIdSearch')}
            placeholder={t('audit.entityIdPlaceholder')}
            value={entityIdInput}
            onChange={(event) => {
              setEntityIdInput(event.target.value);
              if (!event.target.value) setParam('entityId', '');
            }}
            onSearch={(value) => setParam('entityId', value.trim())}
            className="filter-search"
            data-testid="audit-entity-id"
          />
        </Space>
        <AuditLogTable
          query={query}
          timeZone={timeZone}
          testId="audit-table"
          empty={
            <Empty
              description={filtered ? t('audit.noMatch') : t('audit.empty')}
              data-testid="audit-empty"
            >
              {filtered ? (
                <Button
                  data-testid="audit-clear-filters"
                  onClick={() => {
                    setEntityIdInput('');
                    void navigate({ search: '' }, { replace: true });
                  }}
                >
                  {t('audit.clearFilters')}
                </Button>
              ) : null}
            </Empty>
          }
        />
      </Card>
    </>
  );
}
