import type { ReactNode } from 'react';
import { Button, Table, Typography } from 'antd';
import type { TableColumnsType, TableProps } from 'antd';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../api/error-text.tsx';

/**
 * A keyset-paged list as a table: its rows so far, "load more" while there are more pages, and
 * then how many are shown; the query's error with a retry; `empty` once a load found nothing.
 * With `onOpen`, a click on a row opens it (or, for a table of expandable rows, expands it);
 * without, the rows are only read and worked on in place (users, API keys).
 */
export function LoadMoreTable<Row extends object>({
  query,
  columns,
  rowKey,
  onOpen,
  expandable,
  onChange,
  empty,
  shown,
  testId,
}: {
  query: UseInfiniteQueryResult<InfiniteData<{ items: Row[] }>>;
  columns: TableColumnsType<Row>;
  rowKey: keyof Row & string;
  onOpen?: (row: Row) => void;
  expandable?: TableProps<Row>['expandable'];
  /** A column's sorter clicked: the list is sorted by the server, so it asks again. */
  onChange?: TableProps<Row>['onChange'];
  empty: ReactNode;
  /** "All 42 shown", once the last page is in. */
  shown: (count: number) => string;
  testId: string;
}) {
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <Table<Row>
        rowKey={rowKey}
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={query.isPending}
        pagination={false}
        data-testid={testId}
        {...(onOpen
          ? { onRow: (row: Row) => ({ onClick: () => onOpen(row), className: 'clickable-row' }) }
          : {})}
        {...(expandable ? { expandable } : {})}
        {...(onChange ? { onChange } : {})}
        locale={{ emptyText: query.isPending ? ' ' : empty }}
      />
      <div className="load-more">
        {query.hasNextPage ? (
          <LoadMoreButton query={query} />
        ) : rows.length > 0 ? (
          <Typography.Text type="secondary">{shown(rows.length)}</Typography.Text>
        ) : null}
      </div>
    </>
  );
}

/** "Load more": the next page of a keyset-paged list, or nothing at its end. */
export function LoadMoreButton({
  query,
  size,
}: {
  query: Pick<UseInfiniteQueryResult, 'hasNextPage' | 'fetchNextPage' | 'isFetchingNextPage'>;
  size?: 'small';
}) {
  const { t } = useTranslation();
  if (!query.hasNextPage) return null;
  return (
    <Button
      {...(size ? { size } : {})}
      onClick={() => void query.fetchNextPage()}
      loading={query.isFetchingNextPage}
    >
      {t('common.loadMore')}
    </Button>
  );
}
