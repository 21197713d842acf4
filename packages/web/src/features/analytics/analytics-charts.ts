import type { EChartsOption, VisualMapComponentOption } from 'echarts';
import type { TFunction } from 'i18next';
import type { CohortRetention, RfmGridResponse } from '@fidelis/contracts';
import { formatMonth, formatNumber } from '../../i18n/format.ts';

// Each heatmap point carries more than [x, y, value] (the RFM one its segment, the cohort one its
// size): the visual map must be told which dimension is the value, or it colours by the last one.
const VALUE_DIMENSION = 2;

function heatmapScale(max: number, unit = ''): VisualMapComponentOption {
  return {
    min: 0,
    max: Math.max(1, max),
    dimension: VALUE_DIMENSION,
    calculable: true,
    orient: 'vertical',
    right: 0,
    top: 'middle',
    itemHeight: 120,
    precision: 0,
    formatter: `{value}${unit}`,
  };
}

/** The RFM grid: FM score across, recency up, each cell coloured by its customers. */
export function rfmHeatmapOption(data: RfmGridResponse, t: TFunction): EChartsOption {
  const max = Math.max(...data.cells.map((c) => c.customers));
  return {
    tooltip: {
      formatter: (params) => {
        const value = (params as unknown as { value: [number, number, number, string] }).value;
        return `${t(`analytics.segments.${value[3]}`)}<br/>R ${value[1] + 1} · FM ${value[0] + 1}: ${value[2]}`;
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
      name: 'R',
      nameLocation: 'middle',
      nameGap: 32,
    },
    visualMap: heatmapScale(max),
    series: [
      {
        type: 'heatmap',
        data: data.cells.map((c) => [
          c.frequencyMonetaryScore - 1,
          c.recencyScore - 1,
          c.customers,
          c.segment,
        ]),
        label: { show: true, formatter: (p) => String((p.value as number[])[2]) },
      },
    ],
  };
}

/**
 * Retention by first-purchase month. Month 0 is every cohort's first purchase, 100% by
 * definition, so the months start at 1 and the colours spread over what retention really is;
 * each row is labelled with its month and how many customers it started with.
 */
export function cohortHeatmapOption(
  data: CohortRetention,
  t: TFunction,
  locale: string,
): EChartsOption {
  const months = Math.max(1, ...data.cohorts.map((c) => c.rates.length - 1));
  const cells: [number, number, number][] = [];
  data.cohorts.forEach((row, y) =>
    row.rates.forEach((rate, k) => {
      if (rate !== null && k > 0) cells.push([k - 1, y, Math.round(rate * 1000) / 10]);
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
        return cohort
          ? `${rowLabel(cohort)}<br/>${t('analytics.cohorts.month', { k: k + 1 })}: ${formatNumber(rate, locale, 1)}%`
          : '';
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
    visualMap: heatmapScale(Math.max(...cells.map((c) => c[2])), '%'),
    series: [{ type: 'heatmap', data: cells }],
  };
}
