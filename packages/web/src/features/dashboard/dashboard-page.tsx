import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Skeleton,
  Space,
  Statistic,
  Tooltip,
  Typography,
} from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { EChartsOption } from 'echarts';
import { api } from '../../api/api-client.ts';
import { ErrorAlert } from '../../api/error-text.tsx';
import type { Overview } from '../../api/api-types.ts';
import {
  formatDate,
  formatMoney,
  formatMonth,
  formatNumber,
  minorToMajor,
} from '../../i18n/format.ts';
import { useCurrentSession } from '../platform/session.ts';
import { EChart } from './echart.tsx';
import { chartMonths } from './overview-months.ts';
import './dashboard.i18n.ts';

/** The title `dashboard.<name>` with a "?" that explains what is counted (hover or focus). */
function TitleWithHelp({ name }: { name: 'totalCustomers' | 'newVsReturning' }) {
  const { t } = useTranslation();
  const help = t(`dashboard.${name}Help`);
  return (
    <Space size={4}>
      {t(`dashboard.${name}`)}
      <Tooltip title={help}>
        <QuestionCircleOutlined aria-label={help} tabIndex={0} data-testid={`help-${name}`} />
      </Tooltip>
    </Space>
  );
}

const SLOW_AFTER_MS = 8_000;

export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const session = useCurrentSession();
  const locale = i18n.language;
  const overview = useQuery({
    queryKey: ['overview'],
    queryFn: ({ signal }) => api.get<Overview>('/v1/overview', undefined, signal),
  });
  // A large tenant on the embedded database can take a while: say so instead of spinning mutely.
  const [slow, setSlow] = useState(false);
  const pending = overview.isPending;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setTimeout(() => setSlow(true), SLOW_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [pending]);

  if (overview.isPending) {
    return (
      <>
        {slow ? (
          <Alert type="info" showIcon className="notice" title={t('dashboard.slow')} />
        ) : null}
        <div className="page-header">
          <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>
        </div>
        <Skeleton active paragraph={{ rows: 8 }} />
      </>
    );
  }
  if (overview.isError) {
    return (
      <>
        <div className="page-header">
          <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>
        </div>
        <ErrorAlert error={overview.error} onRetry={() => void overview.refetch()} />
      </>
    );
  }

  const data = overview.data;
  const currency = data.currency ?? session.tenant.currency;
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const hasActivity = data.months.some((m) => m.orders > 0 || m.revenue !== 0);
  const shown = chartMonths(data);
  // The month to date is drawn lighter and said so, so a half month does not read as a drop.
  const months = shown.map(({ month, partial }) =>
    partial
      ? t('dashboard.monthToDate', { month: formatMonth(month.month, locale) })
      : formatMonth(month.month, locale),
  );
  const bars = (value: (m: Overview['months'][number]) => number) =>
    shown.map(({ month, partial }) =>
      partial ? { value: value(month), itemStyle: { opacity: 0.45 } } : value(month),
    );

  const revenueOption: EChartsOption = {
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value) =>
        typeof value === 'number'
          ? new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value)
          : String(value),
    },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value' },
    series: [
      {
        name: t('dashboard.revenue'),
        type: 'bar',
        data: bars((m) => minorToMajor(m.revenue, currency)),
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
  const customersOption: EChartsOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t('dashboard.newCustomers'),
        type: 'bar',
        stack: 'buyers',
        data: bars((m) => m.newCustomers),
        itemStyle: { color: '#52c41a' },
      },
      {
        name: t('dashboard.returningCustomers'),
        type: 'bar',
        stack: 'buyers',
        data: bars((m) => m.returningCustomers),
        itemStyle: { color: '#faad14' },
      },
    ],
  };

  return (
    <>
      <div className="page-header">
        <Typography.Title level={3}>{t('dashboard.title')}</Typography.Title>
        <Typography.Text type="secondary">
          {t('dashboard.asOf', {
            date: formatDate(data.asOf, locale, data.timeZone),
            timeZone: data.timeZone,
          })}
        </Typography.Text>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} xl={6}>
          <Card>
            <Statistic
              title={<TitleWithHelp name="totalCustomers" />}
              value={formatNumber(data.totalCustomers, locale)}
              data-testid="stat-total-customers"
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card>
            <Statistic
              title={t('dashboard.activeCustomers90d')}
              value={formatNumber(data.activeCustomers90d, locale)}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card>
            <Statistic title={t('dashboard.revenue24m')} value={money(data.revenue)} />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card>
            <Statistic
              title={t('dashboard.ordersAov')}
              value={formatNumber(data.orders, locale)}
              suffix={
                data.averageOrderValue === null ? null : (
                  <Typography.Text type="secondary" className="stat-suffix">
                    {t('dashboard.aov', { value: money(data.averageOrderValue) })}
                  </Typography.Text>
                )
              }
            />
          </Card>
        </Col>
      </Row>
      {hasActivity ? (
        <Row gutter={[16, 16]} className="section">
          <Col xs={24} xl={12}>
            <Card title={t('dashboard.revenueByMonth', { currency })}>
              <EChart option={revenueOption} label={t('dashboard.revenueByMonth', { currency })} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title={<TitleWithHelp name="newVsReturning" />}>
              <EChart option={customersOption} label={t('dashboard.newVsReturning')} />
            </Card>
          </Col>
        </Row>
      ) : (
        <Card className="section">
          {data.totalCustomers === 0 ? (
            <Empty description={t('dashboard.empty')} data-testid="dashboard-empty">
              <Button type="primary" onClick={() => void navigate('/import')}>
                {t('dashboard.emptyAction')}
              </Button>
            </Empty>
          ) : (
            // Customers but no purchases: the next step is sending them, not importing people.
            <Empty description={t('dashboard.noPurchasesYet')} data-testid="dashboard-empty">
              <Button type="primary" href="/docs" target="_blank">
                {t('dashboard.apiDocs')}
              </Button>
            </Empty>
          )}
        </Card>
      )}
    </>
  );
}
