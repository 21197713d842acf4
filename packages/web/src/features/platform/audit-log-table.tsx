import { useState, type ReactNode } from 'react';
import { Button, Descriptions, Empty, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DownOutlined, RightOutlined } from '@ant-design/icons';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AuditEntry } from '@fidelis/contracts';
import { copyButton } from '../../i18n/antd-config.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { LoadMoreTable } from '../../lists/load-more-table.tsx';
import {
  actionLabel,
  changeOf,
  entityPath,
  entityTypeLabel,
  fieldLabel,
  valueLabel,
  type ChangeRow,
} from './audit-entries.ts';
import { noAuditFilters, useAuditLog } from './audit.api.ts';
import './audit.i18n.ts';

// A link inside a row goes where it says; it does not also expand the row.
const stop = (event: React.MouseEvent) => event.stopPropagation();

function actorText(t: TFunction, entry: AuditEntry): ReactNode {
  switch (entry.actorType) {
    case 'user':
      return entry.actorName ?? t('audit.actors.user');
    case 'api_key':
      return entry.actorName
        ? t('audit.actorApiKey', { name: entry.actorName })
        : t('audit.actors.api_key');
    case 'customer':
      return entry.actorId ? (
        <Link to={`/customers/${encodeURIComponent(entry.actorId)}`} onClick={stop}>
          {t('audit.actorCustomer')}
        </Link>
      ) : (
        t('audit.actorCustomer')
      );
    default:
      return t('audit.actors.system');
  }
}

/**
 * What an entry is about: its kind, then its name as it is now (the id on hover or focus, and
 * in the opened row), or its id when it has no name (an erased customer, a deleted record).
 */
function EntityCell({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const path = entityPath(entry);
  const id = entry.entityId;
  if (!id) return <div>{entityTypeLabel(t, entry.entityType)}</div>;
  const shown = entry.targetName ?? id;
  const target = path ? (
    <Link to={path} onClick={stop}>
      {shown}
    </Link>
  ) : (
    shown
  );
  return (
    <>
      <div>{entityTypeLabel(t, entry.entityType)}</div>
      {entry.targetName ? (
        <Tooltip title={t('audit.entityIdTip', { id })} trigger={['hover', 'focus']}>
          <span className="audit-target-name" data-testid="audit-target-name">
            {target}
          </span>
        </Tooltip>
      ) : (
        <Typography.Text type="secondary" className="audit-entity-id">
          {target}
        </Typography.Text>
      )}
    </>
  );
}

const shownValue = (value: string | null) =>
  value === null ? <Typography.Text type="secondary">—</Typography.Text> : value;

/** An entry opened: its fields before and after, and the ids to quote. */
function AuditChange({ entry, showEntity }: { entry: AuditEntry; showEntity: boolean }) {
  const { t } = useTranslation();
  const change = changeOf(entry);
  const columns: TableColumnsType<ChangeRow> = [
    {
      title: t('audit.field'),
      dataIndex: 'field',
      width: 180,
      render: (field: string) => fieldLabel(t, field),
    },
    ...(change.kind === 'fields' && change.hasBefore
      ? [
          {
            title: t('audit.before'),
            dataIndex: 'before',
            className: 'audit-value',
            render: (value: string | null, row: ChangeRow) =>
              shownValue(valueLabel(t, row.field, value)),
          },
        ]
      : []),
    ...(change.kind === 'fields' && change.hasAfter
      ? [
          {
            title: t('audit.after'),
            dataIndex: 'after',
            className: 'audit-value',
            render: (value: string | null, row: ChangeRow) =>
              shownValue(valueLabel(t, row.field, value)),
          },
        ]
      : []),
  ];
  return (
    <div className="audit-change" data-testid="audit-change">
      {change.kind === 'erased' ? (
        <Typography.Paragraph>
          {t('audit.erased', {
            fields: change.fields
              .map((field) => fieldLabel(t, field))
              .join(t('audit.listSeparator')),
          })}
        </Typography.Paragraph>
      ) : change.rows.length ? (
        <Table<ChangeRow>
          size="small"
          rowKey="field"
          columns={columns}
          dataSource={change.rows}
          pagination={false}
          data-testid="audit-change-fields"
        />
      ) : (
        <Typography.Paragraph type="secondary">{t('audit.noChanges')}</Typography.Paragraph>
      )}
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          ...(entry.entityId && showEntity
            ? [
                {
                  key: 'entityId',
                  label: t('audit.entityId'),
                  children: (
                    <Typography.Text code copyable={copyButton()}>
                      {entry.entityId}
                    </Typography.Text>
                  ),
                },
              ]
            : []),
          ...(entry.requestId
            ? [
                {
                  key: 'requestId',
                  label: t('audit.requestId'),
                  children: (
                    <Typography.Text code copyable={copyButton()} data-testid="audit-request-id">
                      {entry.requestId}
                    </Typography.Text>
                  ),
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}

/**
 * Audit entries as a table that loads more as asked: time, who, action and what; a row opens
 * (a click, or Enter or Space on its button) to show what changed.
 */
export function AuditLogTable({
  query,
  timeZone,
  empty,
  testId,
  showEntity = true,
}: {
  query: UseInfiniteQueryResult<InfiniteData<{ items: AuditEntry[] }>>;
  timeZone: string;
  empty: ReactNode;
  testId: string;
  /** Off where every entry is about the same thing (one customer's history). */
  showEntity?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [expanded, setExpanded] = useState<readonly React.Key[]>([]);
  const toggle = (id: string) =>
    setExpanded((keys) => (keys.includes(id) ? keys.filter((key) => key !== id) : [...keys, id]));
  const columns: TableColumnsType<AuditEntry> = [
    {
      title: t('audit.at'),
      dataIndex: 'at',
      width: 190,
      render: (at: string) => formatDateTime(at, i18n.language, timeZone),
    },
    {
      title: t('audit.who'),
      key: 'who',
      render: (_, entry) => actorText(t, entry),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: (action: string) => actionLabel(t, action),
    },
    ...(showEntity
      ? [
          {
            title: t('audit.what'),
            key: 'what',
            responsive: ['md' as const],
            render: (_: unknown, entry: AuditEntry) => <EntityCell entry={entry} />,
          },
        ]
      : []),
  ];
  return (
    <LoadMoreTable<AuditEntry>
      query={query}
      columns={columns}
      rowKey="id"
      onOpen={(entry) => toggle(entry.id)}
      expandable={{
        expandedRowKeys: expanded,
        expandedRowRender: (entry) => <AuditChange entry={entry} showEntity={showEntity} />,
        onExpand: (_, entry) => toggle(entry.id),
        // A real button, so Tab reaches it and Enter or Space opens the row; named by the
        // action it opens.
        expandIcon: ({ expanded: open, record }) => {
          const action = actionLabel(t, record.action);
          return (
            <Button
              type="text"
              size="small"
              aria-expanded={open}
              aria-label={
                open ? t('audit.hideChange', { action }) : t('audit.showChange', { action })
              }
              icon={open ? <DownOutlined aria-hidden /> : <RightOutlined aria-hidden />}
              onClick={(event) => {
                event.stopPropagation();
                toggle(record.id);
              }}
              data-testid="audit-expand"
            />
          );
        },
      }}
      testId={testId}
      shown={(count) => t('audit.shown', { count })}
      empty={empty}
    />
  );
}

/** One customer's change history, for their 360 page: newest first, 20 at a time. */
export function CustomerChangeHistory({
  customerId,
  version,
  timeZone,
}: {
  customerId: string;
  /** The customer's version: a change to them brings their history up to date. */
  version: number;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const query = useAuditLog(
    { ...noAuditFilters, entityType: 'customer', entityId: customerId },
    timeZone,
    { limit: 20, version },
  );
  return (
    <AuditLogTable
      query={query}
      timeZone={timeZone}
      showEntity={false}
      testId="customer-change-history"
      empty={<Empty description={t('audit.historyEmpty')} />}
    />
  );
}
