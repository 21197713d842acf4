import { useEffect, useRef, useState } from 'react';
import { Button, Empty, Segmented, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { MessageOutlined, RollbackOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/api-client.ts';
import { ErrorAlert } from '../../api/error-text.tsx';
import type { Page, TimelineEvent } from '../../api/api-types.ts';
import { formatDateTime, formatMoney } from '../../i18n/format.ts';

const PAGE_SIZE = 20;

/** What the filter above the timeline offers: all events, transactions, or interactions. */
const filters = {
  all: undefined,
  transactions: 'purchase,refund',
  interactions: 'interaction',
} as const;
type TimelineFilter = keyof typeof filters;

function fetchTimeline(
  customerId: string,
  filter: TimelineFilter,
  cursor: string | null,
  signal: AbortSignal,
) {
  return api.get<Page<TimelineEvent>>(
    `/v1/customers/${encodeURIComponent(customerId)}/timeline`,
    { cursor, limit: PAGE_SIZE, types: filters[filter] },
    signal,
  );
}

function EventBody({ event, locale }: { event: TimelineEvent; locale: string }) {
  const { t } = useTranslation();
  if (event.type === 'interaction') {
    return (
      <>
        <Space size={4} wrap>
          <Typography.Text strong>
            {t(`timeline.channels.${event.channel ?? 'other'}`, {
              defaultValue: event.channel ?? '',
            })}
          </Typography.Text>
          {event.direction ? <Tag>{t(`timeline.direction.${event.direction}`)}</Tag> : null}
          {event.subject ? <Typography.Text>{event.subject}</Typography.Text> : null}
        </Space>
        {event.outcome ? (
          <div>
            <Typography.Text type="secondary">{t('timeline.outcome')}: </Typography.Text>
            {event.outcome}
          </div>
        ) : null}
        {event.staffMember ? (
          <div>
            <Typography.Text type="secondary">{t('timeline.staff')}: </Typography.Text>
            {event.staffMember}
          </div>
        ) : null}
        {event.notes ? (
          <Typography.Paragraph className="notes">{event.notes}</Typography.Paragraph>
        ) : null}
      </>
    );
  }
  const amount =
    event.amount !== null && event.currency
      ? formatMoney(event.amount, event.currency, locale)
      : null;
  return (
    <>
      <Space size={8} wrap>
        <Typography.Text strong>{t(`timeline.types.${event.type}`)}</Typography.Text>
        {amount ? (
          <Typography.Text
            strong
            {...(event.type === 'refund' ? { type: 'danger' as const } : {})}
            data-testid="event-amount"
          >
            {amount}
          </Typography.Text>
        ) : null}
        {event.channel ? (
          <Tag>{t(`timeline.salesChannels.${event.channel}`, { defaultValue: event.channel })}</Tag>
        ) : null}
        {event.store ? <Typography.Text type="secondary">{event.store}</Typography.Text> : null}
      </Space>
      {event.refundOf ? (
        <div>
          <Typography.Text type="secondary">
            {t('timeline.refundOf', { id: event.refundOf })}
          </Typography.Text>
        </div>
      ) : null}
      {event.lines.length > 0 ? (
        <ul className="event-lines">
          {event.lines.map((line) => (
            <li key={line.lineNo}>
              <span>
                {line.sku}
                {line.category ? ` · ${line.category}` : ''} × {Math.abs(line.quantity)}
              </span>
              {event.currency ? (
                <span className="event-line-amount">
                  {formatMoney(line.amount, event.currency, locale)}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

const icons = {
  purchase: <ShoppingCartOutlined aria-hidden />,
  refund: <RollbackOutlined aria-hidden />,
  interaction: <MessageOutlined aria-hidden />,
} as const;
const colors = { purchase: 'blue', refund: 'red', interaction: 'green' } as const;

/** The customer's events, newest first; more load as the end of the list scrolls into view. */
export function CustomerTimeline({
  customerId,
  timeZone,
}: {
  customerId: string;
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const sentinel = useRef<HTMLDivElement>(null);
  const [filter, setFilter] = useState<TimelineFilter>('all');
  const query = useInfiniteQuery({
    queryKey: ['timeline', customerId, filter],
    queryFn: ({ pageParam, signal }) => fetchTimeline(customerId, filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const picker = (
    <Segmented<TimelineFilter>
      className="timeline-filter"
      aria-label={t('timeline.filter')}
      value={filter}
      onChange={setFilter}
      options={(Object.keys(filters) as TimelineFilter[]).map((value) => ({
        value,
        label: t(`timeline.filters.${value}`),
      }))}
    />
  );
  if (query.isPending)
    return (
      <>
        {picker}
        <Skeleton active />
      </>
    );
  if (query.isError) {
    return (
      <>
        {picker}
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const events = query.data.pages.flatMap((p) => p.items);
  if (events.length === 0)
    return (
      <>
        {picker}
        <Empty description={t('timeline.empty')} />
      </>
    );

  return (
    <div data-testid="timeline">
      {picker}
      <Timeline
        items={events.map((event) => ({
          key: event.id,
          color: colors[event.type],
          icon: icons[event.type],
          content: (
            <div className="timeline-event" data-testid="timeline-event">
              <Typography.Text type="secondary" className="timeline-time">
                {formatDateTime(event.occurredAt, locale, timeZone)}
              </Typography.Text>
              <EventBody event={event} locale={locale} />
            </div>
          ),
        }))}
      />
      <div ref={sentinel} className="load-more">
        {hasNextPage ? (
          <Button onClick={() => void fetchNextPage()} loading={isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('timeline.end')}</Typography.Text>
        )}
      </div>
    </div>
  );
}
