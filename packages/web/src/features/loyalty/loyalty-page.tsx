import { useMemo, useState } from 'react';
import {
  Button,
  Card,
  Col,
  Empty,
  Row,
  Select,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { EChartsOption } from 'echarts';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { PlusOutlined } from '@ant-design/icons';
import { roleCan, type LoyaltyProgram } from '@fidelis/contracts';
import { ErrorAlert } from '../../api/error-text.tsx';
import { formatMoney, formatMonth, formatNumber } from '../../i18n/format.ts';
import { EChart } from '../dashboard/echart.tsx';
import { useCurrentSession } from '../platform/session.ts';
import { useLiability, usePrograms, useRewards, useStats } from './loyalty.api.ts';
import { tierNames } from './entry-explanation.ts';
import { trendSeries, trendTotals } from './points-trend.ts';
import './loyalty.i18n.ts';
import './loyalty-designer.i18n.ts';

/** The API call that creates a program, against the server this page came from. */
const createExample = (
  origin: string,
) => `curl -s ${origin}/v1/loyalty/programs -H "authorization: Bearer $KEY" \\
  -H 'content-type: application/json' \\
  -d '{"name":"Fidelis Rewards","currency":"CNY","earnRules":[{"kind":"spend","points":1,"per":100}],"pendingDays":0}'`;

type QueryState = { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };

function Loading({ query, children }: { query: QueryState; children: () => React.ReactNode }) {
  if (query.isPending) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children()}</>;
}

function LiabilityCard({ programId }: { programId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const liability = useLiability(programId);
  const n = (value: number) => formatNumber(value, locale);
  return (
    <Card title={t('loyalty.liability.title')} size="small" data-testid="loyalty-liability">
      <Loading query={liability}>
        {() => {
          const l = liability.data!;
          const items: [string, string][] = [
            ['outstanding', n(l.outstandingPoints)],
            ['pending', n(l.pendingPoints)],
            ['expectedBreakage', n(l.expectedBreakagePoints)],
            [
              'breakageRate',
              new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(
                l.breakageRate,
              ),
            ],
            ['liability', formatMoney(l.liabilityMinor, l.currency, locale)],
            ['members', n(l.members)],
            ['issued', n(l.issuedPoints)],
            ['redeemed', n(l.redeemedPoints)],
            ['expired', n(l.expiredPoints)],
          ];
          return (
            <Row gutter={[16, 16]}>
              {items.map(([key, value]) => (
                <Col key={key} xs={12} md={8}>
                  <Statistic
                    title={t(`loyalty.liability.${key}`)}
                    value={value}
                    data-testid={`liability-${key}`}
                  />
                </Col>
              ))}
              {/* What the next months' expiry will take, for reminders before it happens. */}
              {l.expiringSoon.map((soon) => (
                <Col key={soon.withinDays} xs={12} md={8}>
                  <Statistic
                    title={
                      // Who holds them: the members list, filtered the same way.
                      <Link
                        to={`/loyalty/programs/${programId}/members?expiring=${soon.withinDays}`}
                      >
                        {t('loyalty.liability.expiringWithin', { days: soon.withinDays })}
                      </Link>
                    }
                    value={n(soon.points)}
                    suffix={
                      <Typography.Text type="secondary" className="statistic-note">
                        {t('loyalty.liability.expiringMembers', {
                          count: soon.members,
                          members: n(soon.members),
                        })}
                      </Typography.Text>
                    }
                    data-testid={`liability-expiring-${soon.withinDays}`}
                  />
                </Col>
              ))}
            </Row>
          );
        }}
      </Loading>
    </Card>
  );
}

/** A card of the program's stats as a chart: loading, error, the chart, or an empty state. */
function StatsChartCard({
  section,
  testId,
  query,
  option,
  height,
  note,
}: {
  /** Its strings: `loyalty.<section>.title`, `.chart` (the chart's label) and `.empty`. */
  section: 'stats' | 'topRewards';
  testId: string;
  query: QueryState;
  option: EChartsOption | null;
  height?: number;
  /** A line under the chart: what its series add up to. */
  note?: React.ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Card title={t(`loyalty.${section}.title`)} size="small" data-testid={testId}>
      <Loading query={query}>
        {() =>
          option ? (
            <>
              <EChart
                option={option}
                label={t(`loyalty.${section}.chart`)}
                {...(height ? { height } : {})}
              />
              {note}
            </>
          ) : (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t(`loyalty.${section}.empty`)}
            />
          )
        }
      </Loading>
    </Card>
  );
}

/** The months a chart spans: "2026年10月 – 2026年12月", or the one month. */
function monthSpan(months: readonly { month: string }[], locale: string): string {
  const first = months.at(0)?.month;
  const last = months.at(-1)?.month;
  if (!first || !last) return '';
  return first === last
    ? formatMonth(first, locale)
    : `${formatMonth(first, locale)} – ${formatMonth(last, locale)}`;
}

function StatsCard({ programId }: { programId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const stats = useStats(programId);
  const months = stats.data?.months;
  const option = useMemo<EChartsOption | null>(() => {
    if (!months?.length) return null;
    const n = (value: number) => formatNumber(value, locale);
    const series = trendSeries.map((key) => ({
      name: t(`loyalty.stats.${key}`),
      type: 'bar' as const,
      data: months.map((m) => m[key]),
      ...(key === 'reversed' ? { itemStyle: { color: '#ee6666' } } : {}),
    }));
    // Each month's bars, and what the liability's "Issued" counts of them (net of refunds).
    const tooltip = (params: unknown) => {
      const bars = (Array.isArray(params) ? params : [params]) as {
        dataIndex: number;
        marker: string;
        seriesName: string;
        value: number;
        axisValueLabel: string;
      }[];
      const month = months[bars[0]?.dataIndex ?? -1];
      return [
        bars[0]?.axisValueLabel ?? '',
        ...bars.map((bar) => `${bar.marker}${bar.seriesName}: ${n(bar.value)}`),
        month ? t('loyalty.stats.netIssued', { points: n(month.issued - month.reversed) }) : '',
      ].join('<br/>');
    };
    return {
      tooltip: { trigger: 'axis', formatter: tooltip },
      legend: { top: 0 },
      grid: { left: 64, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: months.map((m) => formatMonth(m.month, locale)) },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (value: number) => formatNumber(value, locale) },
      },
      series,
    };
  }, [months, t, locale]);
  const totals = months?.length ? trendTotals(months) : null;
  const n = (value: number) => formatNumber(value, locale);
  return (
    <StatsChartCard
      section="stats"
      testId="loyalty-stats"
      query={stats}
      option={option}
      note={
        totals ? (
          <Typography.Text type="secondary" className="statistic-note" data-testid="stats-totals">
            {t('loyalty.stats.totals', {
              period: monthSpan(months ?? [], locale),
              issued: n(totals.issued),
              reversed: n(totals.reversed),
              net: n(totals.netIssued),
            })}
          </Typography.Text>
        ) : null
      }
    />
  );
}

/** Members per tier, in the program's tier order (lowest first) and by the tiers' names. */
function TiersCard({ program }: { program: LoyaltyProgram }) {
  const { t, i18n } = useTranslation();
  const stats = useStats(program.id);
  const counted = stats.data?.tiers ?? [];
  if (!counted.some((tier) => tier.code !== null)) return null;
  const levels = program.tiers?.levels ?? [];
  const tierName = tierNames(program);
  const rank = (code: string | null) => {
    const at = levels.findIndex((level) => level.code === code);
    // Members without a tier first; a tier since removed from the program last.
    return code === null ? -1 : at === -1 ? levels.length : at;
  };
  const rows = [...counted].sort((a, b) => rank(a.code) - rank(b.code));
  return (
    <Card title={t('loyalty.tiers.title')} size="small" data-testid="loyalty-tiers">
      <Table
        size="small"
        pagination={false}
        rowKey={(row) => row.code ?? ''}
        dataSource={rows}
        columns={[
          {
            title: t('loyalty.tiers.tier'),
            dataIndex: 'code',
            // Each tier opens its members.
            render: (code: string | null) => (
              <Link to={`/loyalty/programs/${program.id}/members?tier=${code ?? 'none'}`}>
                {code === null ? t('loyalty.tiers.none') : tierName(code)}
              </Link>
            ),
          },
          {
            title: t('loyalty.tiers.members'),
            dataIndex: 'members',
            align: 'right',
            render: (value: number) => formatNumber(value, i18n.language),
          },
        ]}
      />
    </Card>
  );
}

/** The rewards members redeem most (the ten most redeemed), as bars: redemptions and points. */
function TopRewardsCard({ programId }: { programId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const stats = useStats(programId);
  const top = stats.data?.topRewards;
  const option = useMemo<EChartsOption | null>(() => {
    if (!top?.length) return null;
    // Most redeemed on top: a horizontal bar chart lists its categories from the bottom up.
    const rows = [...top].reverse();
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const row = rows[(Array.isArray(params) ? params[0] : params)?.dataIndex ?? 0];
          return row
            ? `${row.name}<br/>${t('loyalty.topRewards.redemptions')}: ${formatNumber(row.redemptions, locale)}<br/>${t('loyalty.topRewards.points')}: ${formatNumber(row.points, locale)}`
            : '';
        },
      },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (value: number) => formatNumber(value, locale) },
      },
      yAxis: { type: 'category', data: rows.map((row) => row.name) },
      series: [
        {
          name: t('loyalty.topRewards.redemptions'),
          type: 'bar',
          barMaxWidth: 24,
          data: rows.map((row) => row.redemptions),
          label: {
            show: true,
            position: 'right',
            formatter: (params) => formatNumber(Number(params.value), locale),
          },
        },
      ],
    };
  }, [top, t, locale]);
  return (
    <StatsChartCard
      section="topRewards"
      testId="loyalty-top-rewards"
      query={stats}
      option={option}
      height={Math.max(160, (top?.length ?? 0) * 36 + 32)}
    />
  );
}

/** How many rewards the overview shows: the catalog itself is the designer's rewards tab. */
const REWARDS_SHOWN = 5;

/**
 * The rewards on offer now (switched on, within their dates), the cheapest first as the catalog
 * orders them: a summary. The whole catalog — its search, edits and coupon pools — is one click
 * away on the designer's rewards tab.
 */
function RewardsCard({ programId }: { programId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const rewards = useRewards(programId);
  const [now] = useState(() => Date.now());
  const all = rewards.data?.items ?? [];
  const onOffer = all.filter(
    (reward) =>
      reward.active &&
      (!reward.validFrom || Date.parse(reward.validFrom) <= now) &&
      (!reward.validTo || now < Date.parse(reward.validTo)),
  );
  const shown = onOffer.slice(0, REWARDS_SHOWN);
  const n = (value: number) => formatNumber(value, locale);
  return (
    <Card
      title={t('loyalty.rewards.onOffer')}
      size="small"
      data-testid="loyalty-rewards"
      extra={
        all.length > 0 ? (
          <Link to={`/loyalty/programs/${programId}?tab=rewards`} data-testid="loyalty-rewards-all">
            {t('loyalty.rewards.viewAll', { total: n(all.length) })}
          </Link>
        ) : null
      }
    >
      <Loading query={rewards}>
        {() => (
          <>
            <Table
              size="small"
              pagination={false}
              rowKey="id"
              dataSource={shown}
              locale={{
                emptyText: (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description={
                      all.length === 0
                        ? t('loyalty.rewards.empty')
                        : t('loyalty.rewards.noneOnOffer')
                    }
                  />
                ),
              }}
              columns={[
                { title: t('loyalty.rewards.name'), dataIndex: 'name' },
                {
                  title: t('loyalty.rewards.cost'),
                  dataIndex: 'pointsCost',
                  align: 'right',
                  render: (value: number) => n(value),
                },
                {
                  title: t('loyalty.rewards.stock'),
                  dataIndex: 'stock',
                  align: 'right',
                  render: (value: number | null) =>
                    value === null ? t('loyalty.rewards.unlimited') : n(value),
                },
              ]}
            />
            {onOffer.length > shown.length ? (
              <Typography.Text type="secondary" className="small-text">
                {t('loyalty.rewards.shown', { shown: n(shown.length), onOffer: n(onOffer.length) })}
              </Typography.Text>
            ) : null}
          </>
        )}
      </Loading>
    </Card>
  );
}

function EmptyPrograms({ canDesign }: { canDesign: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Card data-testid="loyalty-empty">
      <Empty
        description={
          <Space orientation="vertical">
            <Typography.Text strong>{t('loyalty.emptyTitle')}</Typography.Text>
            <Typography.Text type="secondary">{t('loyalty.emptyText')}</Typography.Text>
          </Space>
        }
      >
        {canDesign ? (
          <Button
            type="primary"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => void navigate('/loyalty/programs/new')}
          >
            {t('loyalty.designer.createTitle')}
          </Button>
        ) : null}
      </Empty>
      <Typography.Paragraph>
        <pre className="code-block" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {createExample(window.location.origin)}
        </pre>
      </Typography.Paragraph>
    </Card>
  );
}

export function LoyaltyPage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const canDesign = roleCan(session.user.role, 'loyalty:design');
  const navigate = useNavigate();
  const programs = usePrograms();
  const [params, setParams] = useSearchParams();
  const items: LoyaltyProgram[] = programs.data?.items ?? [];
  const selected = items.find((p) => p.id === params.get('program')) ?? items[0];
  return (
    <>
      <div className="page-header">
        <Space align="center" wrap>
          <Typography.Title level={3}>{t('loyalty.title')}</Typography.Title>
          {items.length > 1 && selected ? (
            <Select
              aria-label={t('loyalty.program')}
              value={selected.id}
              options={items.map((p) => ({ value: p.id, label: p.name }))}
              onChange={(id: string) => setParams({ program: id })}
              style={{ minWidth: 200 }}
            />
          ) : null}
        </Space>
        {canDesign && items.length > 0 ? (
          <Button
            icon={<PlusOutlined aria-hidden />}
            onClick={() => void navigate('/loyalty/programs/new')}
          >
            {t('loyalty.designer.createTitle')}
          </Button>
        ) : null}
      </div>
      <Loading query={programs}>
        {() =>
          !selected ? (
            <EmptyPrograms canDesign={canDesign} />
          ) : (
            <Space orientation="vertical" size={16} className="full-width">
              <Space wrap data-testid="loyalty-program">
                <Typography.Title level={4}>{selected.name}</Typography.Title>
                <Tag color={selected.status === 'active' ? 'green' : 'default'}>
                  {t(`loyalty.status.${selected.status}`)}
                </Tag>
                <Tag>{selected.currency}</Tag>
                <Link to={`/loyalty/programs/${selected.id}`} data-testid="open-designer">
                  {canDesign ? t('loyalty.designer.open') : t('loyalty.designer.view')}
                </Link>
                <Link to={`/loyalty/programs/${selected.id}/members`} data-testid="open-members">
                  {t('loyalty.members.open')}
                </Link>
              </Space>
              <LiabilityCard programId={selected.id} />
              <StatsCard programId={selected.id} />
              <TiersCard program={selected} />
              <TopRewardsCard programId={selected.id} />
              <RewardsCard programId={selected.id} />
            </Space>
          )
        }
      </Loading>
    </>
  );
}
