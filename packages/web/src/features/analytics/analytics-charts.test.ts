import { describe, expect, it, vi } from 'vitest';
import type {
  ClvDistribution,
  CohortRetention,
  ModelTracking,
  RevenueConcentrationResponse,
  RfmGridResponse,
} from '@fidelis/contracts';

// The app's i18n module touches the document on import: register the bundle into a plain
// instance instead, with the app's own strings.
const i18n = await vi.hoisted(async () =>
  (await import('../../i18n/plain-i18n.ts')).plainI18n('zh-CN'),
);
vi.mock('../../i18n/i18n.ts', () => ({ i18n }));
await import('./analytics.i18n.ts');
const {
  clvHistogramOption,
  cohortHeatmapOption,
  concentrationOption,
  formatFixed,
  formatShare,
  rfmHeatmapOption,
  trackingOption,
} = await import('./analytics-charts.ts');

const visualMapOf = (option: ReturnType<typeof rfmHeatmapOption>) =>
  option.visualMap as {
    dimension?: number;
    max?: number;
    calculable?: boolean;
    text?: string[];
    formatter?: (value: number) => string;
  };
const seriesData = (option: ReturnType<typeof rfmHeatmapOption>) =>
  (option.series as { data: unknown[][] }[])[0]!.data;
const tooltipOf = (option: ReturnType<typeof rfmHeatmapOption>) =>
  (option.tooltip as { formatter: (p: unknown) => string }).formatter;

describe('the RFM heatmap', () => {
  const grid: RfmGridResponse = {
    runId: '0',
    asOf: '2026-12-06',
    currency: 'USD',
    cells: [
      { recencyScore: 5, frequencyMonetaryScore: 1, segment: 'new', customers: 0, revenue: 0 },
      {
        recencyScore: 5,
        frequencyMonetaryScore: 5,
        segment: 'champions',
        customers: 3519,
        revenue: 1,
      },
      { recencyScore: 1, frequencyMonetaryScore: 2, segment: 'lost', customers: 12, revenue: 1 },
    ],
    segments: [],
  } as unknown as RfmGridResponse;

  it('colours each cell by its customers (dimension 2), not by the segment name after it', () => {
    const option = rfmHeatmapOption(grid, i18n.t, 'zh-CN');
    expect(visualMapOf(option)).toMatchObject({ dimension: 2, max: 3519 });
    const data = seriesData(option);
    expect(data[1]).toEqual([4, 4, 3519, 'champions']);
    expect(data.every((point) => typeof point[2] === 'number')).toBe(true);
  });

  it('puts score s at index s − 1 on both axes (FM 1 is the first column)', () => {
    const option = rfmHeatmapOption(grid, i18n.t, 'zh-CN');
    expect((option.xAxis as { data: string[] }).data[0]).toBe('1');
    expect(seriesData(option)[0]!.slice(0, 2)).toEqual([0, 4]);
  });
});

describe("the RFM heatmap in the reader's locale", () => {
  const grid = {
    cells: [
      { recencyScore: 5, frequencyMonetaryScore: 5, segment: 'champions', customers: 3510 },
      { recencyScore: 1, frequencyMonetaryScore: 1, segment: 'lost', customers: 12 },
    ],
  } as unknown as RfmGridResponse;
  const cellLabel = (option: ReturnType<typeof rfmHeatmapOption>, value: number) =>
    (option.series as { label: { formatter: (p: unknown) => string } }[])[0]!.label.formatter({
      value: [0, 0, value, 'champions'],
    });

  it.each([
    ['en', '3,510'],
    ['zh-CN', '3,510'],
    ['de-DE', '3.510'],
  ])('groups thousands in cells, tooltip and colour scale (%s)', (locale, expected) => {
    const option = rfmHeatmapOption(grid, i18n.t, locale);
    expect(cellLabel(option, 3510)).toBe(expected);
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(tooltip({ value: [4, 4, 3510, 'champions'] })).toContain(`: ${expected}`);
    // The number says what it counts.
    expect(tooltip({ value: [4, 4, 3510, 'champions'] })).toMatch(/(Customers|客户数): /);
    const scale = visualMapOf(option);
    expect(scale.formatter?.(3510)).toBe(expected);
    expect(scale.text).toEqual([expected, '0']);
  });

  it('labels the colour scale at its ends, with no drag handles to cover them', () => {
    // Hovering a cell shows a pointer beside the scale; a handle with its own value label sat on
    // the min label. Ends are labelled by `text`, above and below the bar, out of the pointer's way.
    const scale = visualMapOf(rfmHeatmapOption(grid, i18n.t, 'en'));
    expect(scale.calculable).toBe(false);
  });
});

describe('the cohort heatmap', () => {
  const retention: CohortRetention = {
    runId: '0',
    asOf: '2026-12-06',
    cohorts: [
      { cohort: '2025-06', size: 5129, rates: [1, 0.164, 0.122] },
      { cohort: '2025-07', size: 80, rates: [1, 0.25, null] },
    ],
    averageRates: [1, 0.2, 0.122],
  } as unknown as CohortRetention;

  it('starts at month 1 (month 0 is 100% by definition) with no empty column', () => {
    const option = cohortHeatmapOption(retention, i18n.t, 'zh-CN');
    expect((option.xAxis as { data: string[] }).data).toEqual(['1', '2']);
    expect(seriesData(option)).toEqual([
      [0, 0, 16.4],
      [1, 0, 12.2],
      [0, 1, 25],
    ]);
  });

  it('draws the month of asOf faint and calls it month to date: its days are not over', () => {
    const option = cohortHeatmapOption({ ...retention, asOf: '2025-08-06' }, i18n.t, 'zh-CN');
    // 2025-06 + 2 months and 2025-07 + 1 month are both August 2025.
    expect(seriesData(option)).toEqual([
      [0, 0, 16.4],
      { value: [1, 0, 12.2], itemStyle: { opacity: 0.35 } },
      { value: [0, 1, 25], itemStyle: { opacity: 0.35 } },
    ]);
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(tooltip({ value: [1, 0, 12.2] })).toContain('第 2 月（本月至今）: 12.2%');
    expect(tooltip({ value: [0, 0, 16.4] })).toContain('第 1 月: 16.4%');
  });

  it('labels each row with its month and size, and the scale in percent', () => {
    const option = cohortHeatmapOption(retention, i18n.t, 'zh-CN');
    expect((option.yAxis as { data: string[] }).data).toEqual([
      '2025年6月（5,129 人）',
      '2025年7月（80 人）',
    ]);
    expect(visualMapOf(option)).toMatchObject({ dimension: 2, max: 25, text: ['25%', '0%'] });
    expect(visualMapOf(option).formatter?.(12.5)).toBe('12.5%');
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(tooltip({ value: [1, 0, 12.2] })).toBe('2025年6月（5,129 人）<br/>第 2 月: 12.2%');
  });
});

describe('the CLV histogram', () => {
  // CDNOW's: $20 buckets up to $380, the tail above it to the largest CLV.
  const data = {
    runId: '0',
    currency: 'USD',
    customers: 23_570,
    total: 1,
    buckets: [
      ...Array.from({ length: 19 }, (_, i) => ({
        from: i * 2000,
        to: (i + 1) * 2000,
        customers: 9,
      })),
      { from: 38_000, to: 756_027, customers: 236 },
    ],
  } as ClvDistribution;

  it('labels round buckets briefly, the tail as "$380+"', () => {
    const axis = clvHistogramOption(data, i18n.t, 'en').xAxis as { data: string[] };
    expect(axis.data.slice(0, 3)).toEqual(['$0–$20', '$20–$40', '$40–$60']);
    expect(axis.data.at(-1)).toBe('$380+');
    const zh = clvHistogramOption({ ...data, currency: 'CNY' }, i18n.t, 'zh-CN').xAxis as {
      data: string[];
    };
    expect(zh.data.at(-1)).toBe('¥380+');
  });

  it('shows every label, turned to fit, and the whole tail in the tooltip', () => {
    const option = clvHistogramOption(data, i18n.t, 'en');
    const axis = option.xAxis as { axisLabel: { interval: number; rotate: number } };
    expect(axis.axisLabel).toMatchObject({ interval: 0, rotate: 40 });
    expect(option.grid).toMatchObject({ containLabel: true });
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(tooltip([{ dataIndex: 19, value: 1236 }])).toBe('$380–$7,560.27<br/>客户数: 1,236');
  });
});

describe('the 80/20 curve', () => {
  const data = {
    runId: '0',
    customers: 2357,
    gini: 0.7269,
    top20RevenueShare: 0.7,
    customerShareFor80PercentRevenue: 0.3,
    curve: [
      { customerShare: 0.44, revenueShare: 0.8688464882377325 },
      { customerShare: 1, revenueShare: 1 },
    ],
  } as RevenueConcentrationResponse;
  // What ECharts hands an axis tooltip on the curve at 44%: the curve's point, then the diagonal's.
  const hovered = [
    { seriesIndex: 0, dataIndex: 1, value: [44.00000000000001, 86.88464882377325] },
    { seriesIndex: 1, dataIndex: 0, value: [0, 0] },
  ];

  it.each([
    ['en', '44% of customers → 86.9% of revenue'],
    ['zh-CN', '44% 的客户 → 86.9% 的收入'],
  ])('says which share of customers brings which share of revenue (%s)', (locale, expected) => {
    const option = concentrationOption(data, i18n.getFixedT(locale), locale);
    expect(tooltipOf(option)(hovered)).toBe(expected);
  });

  it("labels both axes' ticks in percent in the reader's locale", () => {
    const option = concentrationOption(data, i18n.getFixedT('en'), 'en');
    for (const axis of [option.xAxis, option.yAxis] as {
      axisLabel: { formatter: (v: number) => string };
    }[])
      expect(axis.axisLabel.formatter(80)).toBe('80%');
    expect(seriesData(option)[1]).toEqual([44, 86.88464882377325]);
  });
});

describe("the model's figures in the reader's locale", () => {
  it.each([
    ['en', '0.727', '-174,521.1', '86.9%'],
    ['zh-CN', '0.727', '-174,521.1', '86.9%'],
    ['de-DE', '0,727', '-174.521,1', '86,9\u00a0%'],
  ])('Gini, log-likelihood and shares (%s)', (locale, gini, ll, share) => {
    expect(formatFixed(0.7269, locale, 3)).toBe(gini);
    expect(formatFixed(-174521.0999, locale, 1)).toBe(ll);
    expect(formatShare(0.8688464882377325, locale)).toBe(share);
  });
});

describe('the model fit chart', () => {
  const data = {
    run: {},
    weeks: [
      { week: 1, endsOn: '2026-01-07', actual: 0, predicted: 0 },
      { week: 52, endsOn: '2026-12-30', actual: 12345, predicted: 12298.4567 },
    ],
  } as unknown as ModelTracking;

  it.each([
    [
      'en',
      'Week 52 (ending Dec 30, 2026)<br/>Actual repeat purchases: 12,345<br/>BG/NBD prediction: 12,298.5',
    ],
    ['zh-CN', '第 52 周（截至 2026年12月30日）<br/>实际重复购买: 12,345<br/>BG/NBD 预测: 12,298.5'],
  ])('labels the week and both figures in its tooltip (%s)', (locale, expected) => {
    const option = trackingOption(data, i18n.getFixedT(locale), locale);
    const hovered = [
      { seriesIndex: 0, dataIndex: 1, value: 12345 },
      { seriesIndex: 1, dataIndex: 1, value: 12298.5 },
    ];
    expect(tooltipOf(option)(hovered)).toBe(expected);
  });

  it.each([
    ['en', 'Week ending', 'Cumulative repeat purchases'],
    ['zh-CN', '周（截止日）', '累计重复购买次数'],
  ])('names both axes beside their middle, inside the chart (%s)', (locale, x, y) => {
    const option = trackingOption(data, i18n.getFixedT(locale), locale);
    // At the end of the x axis the name ran past the right edge and showed as a dot.
    expect(option.xAxis).toMatchObject({ name: x, nameLocation: 'middle', nameMoveOverlap: true });
    expect(option.yAxis).toMatchObject({ name: y, nameLocation: 'middle', nameMoveOverlap: true });
    // The grid keeps labels and names inside the canvas (ECharts 6's outer bounds).
    expect(option.grid).toMatchObject({ outerBoundsMode: 'same', outerBoundsContain: 'all' });
    expect(option.grid).not.toHaveProperty('containLabel');
    const yAxis = option.yAxis as { axisLabel: { formatter: (v: number) => string } };
    expect(yAxis.axisLabel.formatter(12000)).toBe('12,000');
  });
});
