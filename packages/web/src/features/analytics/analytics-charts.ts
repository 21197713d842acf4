import type { EChartsOption, VisualMapComponentOption } from 'echarts';
import type { TFunction } from 'i18next';
import type { ClvDistribution, CohortRetention, RfmGridResponse } from '@fidelis/contracts';
import { currencyDigits, formatMonth, formatNumber, minorToMajor } from '../../i18n/format.ts';

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
        return `${t(`analytics.segments.${value[3]}`)}<br/>R ${value[1] + 1} · FM ${value[0] + 1}: ${count(value[2])}`;
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
        return `${rowLabel(cohort)}<br/>${
          partial.has(`${k}:${y}`) ? t('analytics.cohorts.monthToDate', { month }) : month
        }: ${formatNumber(rate, locale, 1)}%`;
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
    visualMap: heatmapScale(
      Math.max(...cells.map((c) => c[2])),
      (value) => `${formatNumber(value, locale, 1)}%`,
    ),
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
      formatter: (params) => {
        const [point] = params as unknown as { dataIndex: number; value: number }[];
        const bucket = point ? data.buckets[point.dataIndex] : undefined;
        if (!point || !bucket) return '';
        return `${money(bucket.from)}–${money(bucket.to)}<br/>${t('analytics.clv.customers')}: ${formatNumber(point.value, locale)}`;
      },
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
    yAxis: { type: 'value', minInterval: 1, name: t('analytics.clv.customers') },
    series: [
      {
        type: 'bar',
        data: data.buckets.map((b) => b.customers),
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
}
