import { useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Empty,
  Progress,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tabs,
  Tooltip,
  Typography,
} from 'antd';
import { QuestionCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { ValueAtRisk } from '@fidelis/contracts';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert } from '../../api/error-text.tsx';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../../i18n/format.ts';
import { useCurrentSession } from '../platform/session.ts';
import { pageArrows } from '../../i18n/antd-config.tsx';
import { AnalyticsChart } from './analytics-chart.tsx';
import {
  clvHistogramOption,
  cohortHeatmapOption,
  concentrationOption,
  formatFixed,
  formatShare,
  rfmHeatmapOption,
  trackingOption,
} from './analytics-charts.ts';
import { scoreRunWarning } from './score-run-warning.ts';
import { scoreJobFailure } from './score-job-failure.ts';
import { preferredContact } from './preferred-contact.ts';
import {
  useClvDistribution,
  useCohorts,
  useConcentration,
  useModelTracking,
  useRfmGrid,
  useScoresComputed,
  useScoreJob,
  useStartScoreRun,
  useValueAtRisk,
} from './analytics.api.ts';
import './analytics.i18n.ts';

const TABS = ['rfm', 'clv', 'risk', 'cohorts', 'concentration', 'tracking'] as const;
type Tab = (typeof TABS)[number];

function percent(value: number | null | undefined, locale: string): string {
  return value === null || value === undefined ? '—' : formatShare(value, locale);
}

// A row opens the customer too: a link inside it must not also fire the row's click.
const stopRowClick = (event: React.MouseEvent) => event.stopPropagation();

function Panel({
  query,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  children: () => React.ReactNode;
}) {
  if (query.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children()}</>;
}

function RfmPanel() {
  const { t, i18n } = useTranslation();
  const grid = useRfmGrid();
  const locale = i18n.language;
  return (
    <Panel query={grid}>
      {() => {
        const data = grid.data!;
        const option = rfmHeatmapOption(data, t, locale);
        return (
          <>
            <AnalyticsChart option={option} label={t('analytics.tabs.rfm')} testId="chart-rfm" />
            <Table
              size="small"
              rowKey="segment"
              pagination={false}
              // Empty segments too: "New 0" says no recent one-time buyer, not a missing row.
              dataSource={data.segments}
              columns={[
                {
                  title: t('analytics.rfm.segment'),
                  dataIndex: 'segment',
                  render: (s: string) => t(`analytics.segments.${s}`),
                },
                {
                  title: t('analytics.rfm.customers'),
                  dataIndex: 'customers',
                  align: 'right',
                  render: (n: number) => formatNumber(n, locale),
                },
                {
                  title: t('analytics.rfm.revenue'),
                  dataIndex: 'revenue',
                  align: 'right',
                  render: (n: number) => formatMoney(n, data.currency, locale),
                },
                {
                  title: t('analytics.rfm.averageClv'),
                  dataIndex: 'averageClv',
                  align: 'right',
                  render: (n: number | null) =>
                    n === null ? '—' : formatMoney(n, data.currency, locale),
                },
              ]}
            />
          </>
        );
      }}
    </Panel>
  );
}

function ClvPanel() {
  const { t, i18n } = useTranslation();
  const clv = useClvDistribution();
  const locale = i18n.language;
  return (
    <Panel query={clv}>
      {() => {
        const data = clv.data!;
        const money = (minor: number) => formatMoney(minor, data.currency, locale);
        const option = clvHistogramOption(data, t, locale);
        return (
          <>
            <Space size="large">
              <Statistic title={t('analytics.clv.total')} value={money(data.total)} />
              <Statistic
                title={t('analytics.clv.customers')}
                value={formatNumber(data.customers, locale)}
              />
            </Space>
            <AnalyticsChart option={option} label={t('analytics.tabs.clv')} testId="chart-clv" />
          </>
        );
      }}
    </Panel>
  );
}

function RiskPanel() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const risk = useValueAtRisk();
  const locale = i18n.language;
  return (
    <Panel query={risk}>
      {() => {
        const data = risk.data!;
        const money = (minor: number) => formatMoney(minor, data.currency, locale);
        return (
          <>
            <Typography.Paragraph type="secondary">{t('analytics.risk.help')}</Typography.Paragraph>
            <div data-testid="value-at-risk-table">
              <Table<ValueAtRisk['items'][number]>
                size="small"
                rowKey="customerId"
                dataSource={data.items}
                pagination={{ pageSize: 25, hideOnSinglePage: true, ...pageArrows }}
                onRow={(row) => ({
                  onClick: () => void navigate(`/customers/${row.customerId}`),
                  style: { cursor: 'pointer' },
                })}
                columns={[
                  {
                    title: t('analytics.risk.customer'),
                    dataIndex: 'name',
                    render: (name: string | null, row) => (
                      <Link to={`/customers/${row.customerId}`} onClick={stopRowClick}>
                        {name ?? t('analytics.risk.unnamed')}
                      </Link>
                    ),
                  },
                  {
                    title: t('analytics.risk.contact'),
                    key: 'contact',
                    render: (_: unknown, row) => {
                      const contact = preferredContact(row);
                      return (
                        <Space size={4} wrap>
                          {contact ? (
                            <Typography.Link href={contact.href} onClick={stopRowClick}>
                              {contact.value}
                            </Typography.Link>
                          ) : (
                            <Typography.Text type="secondary">
                              {t('analytics.risk.noContact')}
                            </Typography.Text>
                          )}
                          {row.preferredChannel ? (
                            <Typography.Text type="secondary">
                              {t('analytics.risk.prefers', {
                                channel: t(`analytics.risk.channels.${row.preferredChannel}`),
                              })}
                            </Typography.Text>
                          ) : null}
                        </Space>
                      );
                    },
                  },
                  {
                    title: t('analytics.rfm.segment'),
                    dataIndex: 'segment',
                    render: (s: string) => t(`analytics.segments.${s}`),
                  },
                  {
                    title: t('analytics.risk.pAlive'),
                    dataIndex: 'pAlive',
                    align: 'right',
                    render: (p: number) => percent(p, locale),
                  },
                  {
                    title: t('analytics.risk.valueAtRisk'),
                    dataIndex: 'valueAtRisk',
                    align: 'right',
                    render: money,
                  },
                  {
                    title: t('analytics.risk.clv'),
                    dataIndex: 'clv',
                    align: 'right',
                    render: money,
                  },
                  {
                    title: t('analytics.risk.totalSpend'),
                    dataIndex: 'totalSpend',
                    align: 'right',
                    render: money,
                  },
                  {
                    title: t('analytics.risk.lastPurchase'),
                    dataIndex: 'lastPurchaseOn',
                    render: (date: string) => formatDate(date, locale),
                  },
                ]}
              />
            </div>
          </>
        );
      }}
    </Panel>
  );
}

function CohortsPanel() {
  const { t, i18n } = useTranslation();
  const cohorts = useCohorts();
  const locale = i18n.language;
  return (
    <Panel query={cohorts}>
      {() => {
        const data = cohorts.data!;
        const option = cohortHeatmapOption(data, t, locale);
        return (
          <>
            <AnalyticsChart
              option={option}
              label={t('analytics.tabs.cohorts')}
              height={Math.max(320, data.cohorts.length * 22 + 100)}
              testId="chart-cohorts"
            />
            <Typography.Paragraph type="secondary">
              {data.averageRates
                .slice(1, 7)
                .map(
                  (rate, k) =>
                    `${t('analytics.cohorts.month', { k: k + 1 })} ${percent(rate, locale)}`,
                )
                .join(' · ')}
            </Typography.Paragraph>
          </>
        );
      }}
    </Panel>
  );
}

function ConcentrationPanel() {
  const { t, i18n } = useTranslation();
  const concentration = useConcentration();
  const locale = i18n.language;
  return (
    <Panel query={concentration}>
      {() => {
        const data = concentration.data!;
        const option = concentrationOption(data, t, locale);
        return (
          <>
            <Space size="large">
              <Statistic
                title="80/20"
                value={t('analytics.concentration.top20', {
                  share: percent(data.top20RevenueShare, locale),
                })}
              />
              <Statistic
                title={t('analytics.concentration.gini')}
                value={data.gini === null ? '—' : formatFixed(data.gini, locale, 3)}
              />
            </Space>
            <AnalyticsChart
              option={option}
              label={t('analytics.tabs.concentration')}
              testId="chart-concentration"
            />
          </>
        );
      }}
    </Panel>
  );
}

function TrackingPanel() {
  const { t, i18n } = useTranslation();
  const tracking = useModelTracking();
  const locale = i18n.language;
  const fixed = (value: number | undefined, digits: number) =>
    value === undefined ? undefined : formatFixed(value, locale, digits);
  return (
    <Panel query={tracking}>
      {() => {
        const data = tracking.data!;
        const bg = data.run.bgnbd;
        const option = trackingOption(data, t, locale);
        return (
          <>
            {bg ? (
              <Typography.Paragraph type="secondary" data-testid="tracking-params">
                {t('analytics.tracking.params', {
                  r: fixed(bg.params.r, 3),
                  alpha: fixed(bg.params.alpha, 3),
                  a: fixed(bg.params.a, 3),
                  b: fixed(bg.params.b, 3),
                  ll: fixed(bg.logLikelihood, 1),
                })}
              </Typography.Paragraph>
            ) : null}
            {data.run.structuredWarnings.map((warning) => {
              const { title, detail } = scoreRunWarning(warning, t);
              return (
                <Alert
                  key={warning.message}
                  type="warning"
                  showIcon
                  title={title}
                  description={
                    detail ? (
                      <details className="problem-server-detail">
                        <summary>{t('errors.serverDetail')}</summary>
                        {detail}
                      </details>
                    ) : undefined
                  }
                />
              );
            })}
            <AnalyticsChart
              option={option}
              label={t('analytics.tabs.tracking')}
              testId="chart-tracking"
            />
          </>
        );
      }}
    </Panel>
  );
}

function RecomputeButton() {
  const { t, i18n } = useTranslation();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useStartScoreRun();
  const job = useScoreJob(jobId);
  const status = job.data?.status;
  const running =
    start.isPending || (jobId !== null && status !== 'succeeded' && status !== 'failed');
  const total = job.data?.progressTotal ?? 0;
  const done = job.data?.progress ?? 0;
  return (
    <Space>
      {running && jobId ? (
        <Progress
          data-testid="score-progress"
          type="circle"
          size={28}
          percent={total > 0 ? Math.round((100 * done) / total) : 5}
          // A number even at 100%: antd's tick there is announced as "check".
          format={(value) => `${value ?? 0}%`}
        />
      ) : null}
      {status === 'failed' && job.data ? (
        <Typography.Text type="danger" data-testid="score-job-failed">
          {scoreJobFailure(job.data, t, i18n.language)}
        </Typography.Text>
      ) : null}
      {status === 'succeeded' ? (
        <Typography.Text type="success">{t('analytics.jobDone')}</Typography.Text>
      ) : null}
      <Button
        icon={<ReloadOutlined aria-hidden />}
        loading={running}
        onClick={() => start.mutate(undefined, { onSuccess: (reply) => setJobId(reply.jobId) })}
      >
        {running ? t('analytics.recomputing') : t('analytics.recompute')}
      </Button>
    </Space>
  );
}

export function AnalyticsPage() {
  const { t, i18n } = useTranslation();
  const session = useCurrentSession();
  const [params, setParams] = useSearchParams();
  const computed = useScoresComputed();
  const tracking = useModelTracking(computed.data === true);
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as Tab)
    : 'rfm';
  const notComputed =
    computed.data === false ||
    (tracking.error instanceof ApiError && tracking.error.code === 'SCORES_NOT_COMPUTED');
  const panels = useMemo(
    () => ({
      rfm: <RfmPanel />,
      clv: <ClvPanel />,
      risk: <RiskPanel />,
      cohorts: <CohortsPanel />,
      concentration: <ConcentrationPanel />,
      tracking: <TrackingPanel />,
    }),
    [],
  );
  const run = tracking.data?.run;
  return (
    <>
      <div className="page-header">
        <div>
          <Typography.Title level={3}>{t('analytics.title')}</Typography.Title>
          {run ? (
            <Space size={4}>
              <Typography.Text type="secondary" data-testid="analytics-subtitle">
                {t('analytics.subtitle', {
                  asOf: formatDate(run.asOf, i18n.language),
                  customers: formatNumber(run.customers, i18n.language),
                  computedAt: formatDateTime(
                    run.computedAt,
                    i18n.language,
                    session.tenant.timeZone,
                  ),
                })}
              </Typography.Text>
              <Tooltip title={t('analytics.customersHelp', { currency: run.currency })}>
                <QuestionCircleOutlined
                  aria-label={t('analytics.customersHelp', { currency: run.currency })}
                  tabIndex={0}
                  data-testid="analytics-customers-help"
                />
              </Tooltip>
            </Space>
          ) : null}
        </div>
        <RecomputeButton />
      </div>
      {notComputed ? (
        <Card>
          <Empty data-testid="analytics-empty" description={t('analytics.notComputed')} />
        </Card>
      ) : computed.isError ? (
        <ErrorAlert error={computed.error} onRetry={() => void computed.refetch()} />
      ) : tracking.isError ? (
        <ErrorAlert error={tracking.error} onRetry={() => void tracking.refetch()} />
      ) : computed.data !== true ? (
        // The panels read the scores: not until a run is known to have succeeded.
        <Card loading />
      ) : (
        <Card>
          <Tabs
            activeKey={tab}
            onChange={(key) => setParams({ tab: key }, { replace: true })}
            destroyOnHidden
            items={TABS.map((key) => ({
              key,
              label: t(`analytics.tabs.${key}`),
              children: panels[key],
            }))}
          />
        </Card>
      )}
    </>
  );
}
