import type { EChartsOption, VisualMapComponentOption } from 'echarts';
import type { TFunction } from 'i18next';
import type {
  ClvDistribution,
  CohortRetention,
  ModelTracking,
  RevenueConcentrationResponse,
  RfmGridResponse,
} from '@fidelis/contracts';
import {
  currencyDigits,
  formatDate,
  formatMonth,
  formatNumber,
  minorToMajor,
} from '../../i18n/format.ts';

/** A share (0.8688) as a percentage in the reader's locale, to one decimal: "86.9%". */
export function formatShare(share: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(
    share,
  );
}

/** A model's figure with a fixed number of decimals, grouped in the reader's locale: "-174,521.1". */
export function formatFixed(value: number, locale: string, digits: number): string {
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/**
 * Every chart's tooltip on the analytics page: a heading, then one "label: value" line per
 * figure, the values already in the reader's locale. ECharts' own tooltip prints raw floats
 * ("86.88464882377325") with no unit and no label.
 */
export function tooltipText(
  heading: string,
  lines: readonly (readonly [label: string, value: string])[] = [],
): string {
  return [heading, ...lines.map(([label, value]) => `${label}: ${value}`)].join('<br/>');
}

/** The points of an axis tooltip, as ECharts hands them to the formatter. */
type AxisPoints = { seriesIndex?: number; dataIndex: number; value: unknown }[];

/** An axis tooltip over a chart with one of `rows` per category: the hovered row's text. */
function axisTooltip<Row>(
  rows: readonly Row[],
  text: (row: Row, point: AxisPoints[number]) => string,
): (params: unknown) => string {
  return (params) => {
    const [point] = params as AxisPoints;
    const row = point ? rows[point.dataIndex] : undefined;
    return point && row !== undefined ? text(row, point) : '';
  };
}

// Each heatmap point carries more than [x, y, value] (the RFM one its segment, the cohort one its
// size): the visual map must be told which dimension is the value, or it colours by the last one.
const VALUE_DIMENSION = 2;

/**
 * The colour scale beside a heat map, its numbers in the reader's locale. No drag handles: the
 * pointer that marks a hovered cell's value sits beside the bar, and a handle's value label sat
 * on the min label; the ends are labelled by `text`, above and below the bar, clear of both.
 */
function heatmapScale(max: number, format: (value: number) => string): VisualMapComponentOption {
  const top = Math.max(1, max);
  return {
    min: 0,
    max: top,
    dimension: VALUE_DIMENSION,
    calculable: false,
    text: [format(top), format(0)],
    orient: 'vertical',
    right: 0,
    top: 'middle',
    itemHeight: 120,
    precision: 0,
    formatter: (value) => format(Number(value)),
  };
}

/** The RFM grid: FM score across, recency up, each cell coloured by its customers. */
export function rfmHeatmapOption(
  data: RfmGridResponse,
  t: TFunction,
  locale: string,
): EChartsOption {
  const max = Math.max(...data.cells.map((c) => c.customers));
  const count = (value: number) => formatNumber(value, locale);
  return {
    tooltip: {
      formatter: (params) => {
        const value = (params as unknown as { value: [number, number, number, string] }).value;
        return tooltipText(
          `${t(`analytics.segments.${value[3]}`)} · R ${value[1] + 1} · FM ${value[0] + 1}`,
          [[t('analytics.rfm.customers'), count(value[2])]],
        );
      },
    },
    grid: { left: 48, right: 96, top: 16, bottom: 48 },
    xAxis: {
      type: 'category',
      data: ['1', '2', '3', '4', '5'],
      name: t('analytics.rfm.fm'),
      nameLocation: 'middle',
      nameGap: 28,
    },
    yAxis: {
      type: 'category',
      data: ['1', '2', '3', '4', '5'],
      name: t('analytics.rfm.recency'),
      nameLocation: 'middle',
      nameGap: 32,
    },
    visualMap: heatmapScale(max, count),
    series: [
      {
        type: 'heatmap',
        data: data.cells.map((c) => [
          c.frequencyMonetaryScore - 1,
          c.recencyScore - 1,
          c.customers,
          c.segment,
        ]),
        label: { show: true, formatter: (p) => count(Number((p.value as number[])[2])) },
      },
    ],
  };
}

/** The calendar month `offset` months after "2025-06". */
function monthAfter(month: string, offset: number): string {
  const [y = 1970, m = 1] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Retention by first-purchase month. Month 0 is every cohort's first purchase, 100% by
 * definition, so the months start at 1 and the colours spread over what retention really is;
 * each row is labelled with its month and how many customers it started with. The cell of the
 * month `asOf` falls in counts only the days so far: it is drawn faint and said so.
 */
export function cohortHeatmapOption(
  data: CohortRetention,
  t: TFunction,
  locale: string,
): EChartsOption {
  const months = Math.max(1, ...data.cohorts.map((c) => c.rates.length - 1));
  // The cells hold percentage points (16.4), rounded to one decimal.
  const percent = (value: number) => formatShare(value / 100, locale);
  const current = data.asOf.slice(0, 7);
  const cells: [number, number, number][] = [];
  const partial = new Set<string>();
  data.cohorts.forEach((row, y) =>
    row.rates.forEach((rate, k) => {
      if (rate === null || k === 0) return;
      cells.push([k - 1, y, Math.round(rate * 1000) / 10]);
      if (monthAfter(row.cohort, k) === current) partial.add(`${k - 1}:${y}`);
    }),
  );
  const rowLabel = (c: CohortRetention['cohorts'][number]) =>
    t('analytics.cohorts.row', {
      month: formatMonth(c.cohort, locale),
      size: formatNumber(c.size, locale),
    });
  return {
    tooltip: {
      formatter: (p) => {
        const [k = 0, y = 0, rate = 0] = (p as { value: number[] }).value;
        const cohort = data.cohorts[y];
        if (!cohort) return '';
        const month = t('analytics.cohorts.month', { k: k + 1 });
        const label = partial.has(`${k}:${y}`)
          ? t('analytics.cohorts.monthToDate', { month })
          : month;
        return tooltipText(rowLabel(cohort), [[label, percent(rate)]]);
      },
    },
    grid: { left: 8, right: 96, top: 16, bottom: 40, containLabel: true },
    xAxis: {
      type: 'category',
      data: Array.from({ length: months }, (_, k) => String(k + 1)),
      name: t('analytics.cohorts.offset'),
      nameLocation: 'middle',
      nameGap: 28,
    },
    yAxis: { type: 'category', data: data.cohorts.map(rowLabel), inverse: true },
    visualMap: heatmapScale(Math.max(...cells.map((c) => c[2])), percent),
    series: [
      {
        type: 'heatmap',
        data: cells.map((cell) =>
          partial.has(`${cell[0]}:${cell[1]}`)
            ? { value: cell, itemStyle: { opacity: 0.35 } }
            : cell,
        ),
      },
    ],
  };
}

/** Money with no ",00" or ".00" when the amount is whole: bucket edges are round ($20, ¥1,000). */
function roundMoney(minor: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: 0,
      maximumFractionDigits: currencyDigits(currency),
    }).format(minorToMajor(minor, currency));
  } catch {
    return `${formatNumber(minorToMajor(minor, currency), locale, 2)} ${currency}`;
  }
}

/**
 * The CLV histogram. The server's buckets have round edges; each is labelled "$20–$40", the
 * last, which holds the tail above the 99th percentile, "$380+" (its top is the largest CLV, in
 * the tooltip). The labels are turned so every one of them fits, the last one included.
 */
export function clvHistogramOption(
  data: ClvDistribution,
  t: TFunction,
  locale: string,
): EChartsOption {
  const money = (minor: number) => roundMoney(minor, data.currency, locale);
  const last = data.buckets.length - 1;
  const width = data.buckets[0] ? data.buckets[0].to - data.buckets[0].from : 0;
  const isTail = (i: number) => {
    const bucket = data.buckets[i];
    return i === last && i > 0 && bucket !== undefined && bucket.to - bucket.from !== width;
  };
  const labels = data.buckets.map((b, i) =>
    isTail(i) ? `${money(b.from)}+` : `${money(b.from)}–${money(b.to)}`,
  );
  return {
    tooltip: {
      trigger: 'axis',
      formatter: axisTooltip(data.buckets, (bucket, point) =>
        tooltipText(`${money(bucket.from)}–${money(bucket.to)}`, [
          [t('analytics.clv.customers'), formatNumber(Number(point.value), locale)],
        ]),
      ),
    },
    // containLabel keeps the turned labels inside the chart, but not the axis name: it goes
    // below the longest label (12 px text, about 7 px a character, turned 40°: × sin 40°).
    grid: { left: 8, right: 24, top: 24, bottom: 28, containLabel: true },
    xAxis: {
      type: 'category',
      data: labels,
      name: t('analytics.clv.bucket'),
      nameLocation: 'middle',
      nameGap: Math.ceil(Math.max(0, ...labels.map((l) => l.length)) * 7 * 0.643) + 20,
      axisLabel: { interval: 0, rotate: 40, hideOverlap: false },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      name: t('analytics.clv.customers'),
      axisLabel: { formatter: (value: number) => formatNumber(value, locale) },
    },
    series: [
      {
        type: 'bar',
        data: data.buckets.map((b) => b.customers),
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
}

/**
 * The 80/20 (Lorenz) curve: share of customers, largest first, across; their share of revenue
 * up; the diagonal is an even spread. A point's tooltip reads "44% of customers → 86.9% of
 * revenue".
 */
export function concentrationOption(
  data: RevenueConcentrationResponse,
  t: TFunction,
  locale: string,
): EChartsOption {
  // The axes run in percentage points (0–100), so their ticks fall on round percentages.
  const percent = (value: number) => formatShare(value / 100, locale);
  const points = [[0, 0], ...data.curve.map((p) => [p.customerShare * 100, p.revenueShare * 100])];
  const shareAxis = { type: 'value', min: 0, max: 100, axisLabel: { formatter: percent } } as const;
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const curve = (params as unknown as AxisPoints).find((p) => p.seriesIndex === 0);
        if (!curve) return '';
        const [customers = 0, revenue = 0] = curve.value as number[];
        return tooltipText(
          t('analytics.concentration.point', {
            customers: percent(customers),
            revenue: percent(revenue),
          }),
        );
      },
    },
    // The axis names go under and above their axes: at the end they run out of the chart.
    grid: { left: 8, right: 24, top: 32, bottom: 32, containLabel: true },
    xAxis: {
      ...shareAxis,
      name: t('analytics.concentration.customers'),
      nameLocation: 'middle',
      nameGap: 28,
    },
    yAxis: { ...shareAxis, name: t('analytics.concentration.revenue') },
    series: [
      { type: 'line', showSymbol: false, data: points, areaStyle: { opacity: 0.15 } },
      {
        type: 'line',
        showSymbol: false,
        data: [
          [0, 0],
          [100, 100],
        ],
        lineStyle: { type: 'dashed', color: '#999' },
      },
    ],
  };
}

/**
 * The model fit: actual and predicted cumulative repeat purchases at the end of each week. Both
 * axes are named beside their middle, and the grid keeps labels and names inside the chart
 * (outerBounds, ECharts 6): a name at the end of the x axis ran past the right edge.
 */
export function trackingOption(data: ModelTracking, t: TFunction, locale: string): EChartsOption {
  const count = (value: number) => formatNumber(value, locale);
  return {
    tooltip: {
      trigger: 'axis',
      formatter: axisTooltip(data.weeks, (week) =>
        tooltipText(
          t('analytics.tracking.weekOf', {
            week: count(week.week),
            date: formatDate(week.endsOn, locale),
          }),
          [
            [t('analytics.tracking.actual'), count(week.actual)],
            [t('analytics.tracking.predicted'), formatNumber(week.predicted, locale, 1)],
          ],
        ),
      ),
    },
    legend: { top: 0 },
    grid: {
      left: 8,
      right: 24,
      top: 40,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'all',
    },
    xAxis: {
      type: 'category',
      data: data.weeks.map((w) => formatDate(w.endsOn, locale)),
      name: t('analytics.tracking.week'),
      nameLocation: 'middle',
      nameGap: 8,
      nameMoveOverlap: true,
    },
    yAxis: {
      type: 'value',
      name: t('analytics.tracking.purchases'),
      nameLocation: 'middle',
      nameGap: 8,
      nameMoveOverlap: true,
      axisLabel: { formatter: count },
    },
    series: [
      {
        name: t('analytics.tracking.actual'),
        type: 'line',
        showSymbol: false,
        data: data.weeks.map((w) => w.actual),
      },
      {
        name: t('analytics.tracking.predicted'),
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: data.weeks.map((w) => Math.round(w.predicted * 10) / 10),
      },
    ],
  };
}
