/**
 * RFM (recency, frequency, monetary) scoring and the usual named segments.
 *
 * Scores are rank-based quantile bins in which ties share the lower bin: each value takes the
 * lowest rank r of its tie group (1 = smallest) and scores ⌈(r − 1) × bins / (n − 1)⌉, at least 1.
 * With distinct values this is equal-count binning, exactly pandas
 * `qcut(x.rank(method='first'), bins)`; with ties the whole group takes the bin its first member
 * falls in, so tied customers always share a score, the result does not depend on input order,
 * and the lowest value always scores 1. That matters for frequency: when half the customers
 * bought once (CDNOW), they all score F = 1 and the next values start higher (F skips 2),
 * instead of the one-time buyers being lifted to the middle of their tie group and no customer
 * scoring 1 at all. A column where everyone ties carries no information and scores the middle
 * bin (the upper middle for an even number of bins). Recency is scored so that the most recent
 * buyers get the highest score.
 *
 * The segment map works on R and FM = round-half-up((F + M) / 2), the common R×FM grid (as
 * popularised by Putler's RFM guide and the widely copied Kaggle `seg_map`), made total on the
 * 5×5 grid:
 *
 * ```
 * R\FM  1                2                  3                  4           5
 *  5    new              potential-loyalist potential-loyalist champions   champions
 *  4    promising        potential-loyalist potential-loyalist loyal       loyal
 *  3    about-to-sleep   about-to-sleep     need-attention     loyal       loyal
 *  2    hibernating      hibernating        at-risk            at-risk     cant-lose
 *  1    lost             lost               at-risk            cant-lose   cant-lose
 * ```
 */
import { isoDateFromDay } from './day-number.ts';
import { fail, ok, type MeasureResult } from './measure-result.ts';

/** Per-customer purchase summary. `lastPurchase` is a day number (see `day-number.ts`). */
export interface CustomerPurchaseSummary {
  readonly customerId: string;
  readonly lastPurchase: number;
  readonly purchaseCount: number;
  /** Integer minor units (cents, fen). */
  readonly totalSpend: number;
}

/** One purchase: `day` is a day number, `amount` integer minor units. */
export interface PurchaseAmount {
  readonly customerId: string;
  readonly day: number;
  readonly amount: number;
}

export const RFM_SEGMENT_IDS = [
  'champions',
  'loyal',
  'potential-loyalist',
  'new',
  'promising',
  'need-attention',
  'about-to-sleep',
  'at-risk',
  'cant-lose',
  'hibernating',
  'lost',
] as const;

export type RfmSegmentId = (typeof RFM_SEGMENT_IDS)[number];

/** The id given to customers no rule matches (only possible with custom rules). */
export const RFM_UNCLASSIFIED = 'unclassified';

/** Default English and Chinese labels of the segment ids, for UIs without their own. */
export const RFM_SEGMENT_LABELS: Readonly<
  Record<RfmSegmentId, { readonly en: string; readonly zhCN: string }>
> = {
  champions: { en: 'Champions', zhCN: '冠军客户' },
  loyal: { en: 'Loyal', zhCN: '忠诚客户' },
  'potential-loyalist': { en: 'Potential Loyalist', zhCN: '潜在忠诚客户' },
  new: { en: 'New', zhCN: '新客户' },
  promising: { en: 'Promising', zhCN: '有潜力客户' },
  'need-attention': { en: 'Need Attention', zhCN: '需要关注' },
  'about-to-sleep': { en: 'About to Sleep', zhCN: '即将沉睡' },
  'at-risk': { en: 'At Risk', zhCN: '有流失风险' },
  'cant-lose': { en: "Can't Lose Them", zhCN: '不能失去' },
  hibernating: { en: 'Hibernating', zhCN: '休眠客户' },
  lost: { en: 'Lost', zhCN: '已流失' },
};

/** A rule: customers with R and FM scores inside both inclusive ranges get `segment`. */
export interface RfmSegmentRule {
  readonly segment: string;
  readonly recency: readonly [min: number, max: number];
  readonly frequencyMonetary: readonly [min: number, max: number];
}

/** The default rules for 5 bins, equivalent to the grid in the module comment. First match wins. */
export const DEFAULT_RFM_SEGMENT_RULES: readonly RfmSegmentRule[] = [
  { segment: 'champions', recency: [5, 5], frequencyMonetary: [4, 5] },
  { segment: 'loyal', recency: [3, 4], frequencyMonetary: [4, 5] },
  { segment: 'potential-loyalist', recency: [4, 5], frequencyMonetary: [2, 3] },
  { segment: 'new', recency: [5, 5], frequencyMonetary: [1, 1] },
  { segment: 'promising', recency: [4, 4], frequencyMonetary: [1, 1] },
  { segment: 'need-attention', recency: [3, 3], frequencyMonetary: [3, 3] },
  { segment: 'about-to-sleep', recency: [3, 3], frequencyMonetary: [1, 2] },
  { segment: 'cant-lose', recency: [1, 1], frequencyMonetary: [4, 5] },
  { segment: 'cant-lose', recency: [2, 2], frequencyMonetary: [5, 5] },
  { segment: 'at-risk', recency: [1, 2], frequencyMonetary: [3, 4] },
  { segment: 'hibernating', recency: [2, 2], frequencyMonetary: [1, 2] },
  { segment: 'lost', recency: [1, 1], frequencyMonetary: [1, 2] },
];

export interface RfmOptions {
  /** Day number the recency is measured at; purchases after it are an input error. */
  readonly asOf: number;
  /** Number of score bins, 2–10; default 5. Non-default bins need `segmentRules`. */
  readonly bins?: number;
  /** Custom rules, first match wins; default {@link DEFAULT_RFM_SEGMENT_RULES}. */
  readonly segmentRules?: readonly RfmSegmentRule[];
}

export interface RfmCustomerScore {
  readonly customerId: string;
  /** Days from the last purchase to `asOf` (0 = bought on `asOf`). */
  readonly recencyDays: number;
  readonly frequency: number;
  /** Integer minor units. */
  readonly monetary: number;
  readonly recencyScore: number;
  readonly frequencyScore: number;
  readonly monetaryScore: number;
  /** round-half-up((F + M) / 2) */
  readonly frequencyMonetaryScore: number;
  /** R, F and M scores concatenated, e.g. "545" (bins ≤ 9) or "5-4-10" (bins = 10). */
  readonly rfmCode: string;
  readonly segment: string;
}

export interface RfmAnalysis {
  readonly asOf: number;
  readonly asOfDate: string;
  readonly bins: number;
  /** The rules the segments were assigned with (the defaults unless custom rules were given). */
  readonly segmentRules: readonly RfmSegmentRule[];
  /** In input order. */
  readonly customers: readonly RfmCustomerScore[];
}

/**
 * Scores values into `bins` equal-count bins (1 = lowest values), ties sharing the lower bin:
 * a tie group scores the bin of its lowest rank. Exposed for custom scorecards.
 *
 * @example
 * scoreQuantileBins([10, 20, 30, 40, 50], 5); // [1, 2, 3, 4, 5]
 * scoreQuantileBins([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 5); // [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
 * scoreQuantileBins([7, 7, 7], 5); // [3, 3, 3]
 */
export function scoreQuantileBins(values: readonly number[], bins: number): number[] {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  const lowest = values[order[0] ?? 0];
  const highest = values[order[n - 1] ?? 0];
  if (n === 0 || lowest === highest) return values.map(() => Math.floor(bins / 2) + 1);
  const scores = new Array<number>(n);
  let firstOfGroup = 0; // 0-based rank of the first member of the current tie group
  for (let k = 0; k < n; k++) {
    const i = order[k] ?? 0;
    if (k > 0 && values[i] !== values[order[k - 1] ?? 0]) firstOfGroup = k;
    // ⌈firstOfGroup × bins / (n − 1)⌉ in integers, so a rank on a boundary stays in the lower bin.
    scores[i] = Math.max(1, Math.floor((firstOfGroup * bins + n - 2) / (n - 1)));
  }
  return scores;
}

/**
 * Builds RFM summaries from individual purchases up to and including `asOf`.
 *
 * @example
 * summarisePurchases([{ customerId: 'a', day: 10, amount: 500 }, { customerId: 'a', day: 12, amount: 300 }], 30);
 * // [{ customerId: 'a', lastPurchase: 12, purchaseCount: 2, totalSpend: 800 }]
 */
export function summarisePurchases(
  purchases: readonly PurchaseAmount[],
  asOf: number,
): CustomerPurchaseSummary[] {
  const byCustomer = new Map<string, { last: number; count: number; spend: number }>();
  for (const { customerId, day, amount } of purchases) {
    if (day > asOf) continue;
    const s = byCustomer.get(customerId);
    if (s) {
      s.last = Math.max(s.last, day);
      s.count += 1;
      s.spend += amount;
    } else byCustomer.set(customerId, { last: day, count: 1, spend: amount });
  }
  return [...byCustomer].map(([customerId, s]) => ({
    customerId,
    lastPurchase: s.last,
    purchaseCount: s.count,
    totalSpend: s.spend,
  }));
}

function validBins(bins: number): boolean {
  return Number.isInteger(bins) && bins >= 2 && bins <= 10;
}

/**
 * Recency, frequency and monetary scores and a segment per customer. An empty input gives an
 * empty analysis.
 *
 * @example
 * const result = scoreRfm(
 *   [{ customerId: 'c1', lastPurchase: 19_700, purchaseCount: 12, totalSpend: 250_00 }],
 *   { asOf: 19_723 },
 * );
 * // result.ok && result.value.customers[0]?.recencyDays === 23
 */
export function scoreRfm(
  customers: readonly CustomerPurchaseSummary[],
  options: RfmOptions,
): MeasureResult<RfmAnalysis> {
  const bins = options.bins ?? 5;
  if (!validBins(bins))
    return fail('invalid-option', 'bins must be an integer from 2 to 10', 'options.bins');
  if (!Number.isInteger(options.asOf))
    return fail('invalid-option', 'asOf must be an integer day number', 'options.asOf');
  if (bins !== 5 && options.segmentRules === undefined)
    return fail(
      'invalid-option',
      'the default segment rules assume 5 bins; pass segmentRules for other bin counts',
      'options.segmentRules',
    );
  const rules = options.segmentRules ?? DEFAULT_RFM_SEGMENT_RULES;
  const seen = new Set<string>();
  for (const [i, c] of customers.entries()) {
    if (seen.has(c.customerId))
      return fail(
        'invalid-input',
        `duplicate customerId ${c.customerId}`,
        `customers[${i}].customerId`,
      );
    seen.add(c.customerId);
    if (!Number.isInteger(c.lastPurchase) || c.lastPurchase > options.asOf)
      return fail(
        'invalid-input',
        'lastPurchase must be an integer day number not after asOf',
        `customers[${i}].lastPurchase`,
      );
    if (!Number.isInteger(c.purchaseCount) || c.purchaseCount < 1)
      return fail(
        'invalid-input',
        'purchaseCount must be a positive integer',
        `customers[${i}].purchaseCount`,
      );
    if (!Number.isFinite(c.totalSpend))
      return fail(
        'invalid-input',
        'totalSpend must be a finite number',
        `customers[${i}].totalSpend`,
      );
  }
  const r = scoreQuantileBins(
    customers.map((c) => -(options.asOf - c.lastPurchase)),
    bins,
  );
  const f = scoreQuantileBins(
    customers.map((c) => c.purchaseCount),
    bins,
  );
  const m = scoreQuantileBins(
    customers.map((c) => c.totalSpend),
    bins,
  );
  const separator = bins >= 10 ? '-' : '';
  const scored = customers.map((c, i): RfmCustomerScore => {
    const recencyScore = r[i] ?? 1;
    const frequencyScore = f[i] ?? 1;
    const monetaryScore = m[i] ?? 1;
    const frequencyMonetaryScore = Math.floor((frequencyScore + monetaryScore) / 2 + 0.5);
    return {
      customerId: c.customerId,
      recencyDays: options.asOf - c.lastPurchase,
      frequency: c.purchaseCount,
      monetary: c.totalSpend,
      recencyScore,
      frequencyScore,
      monetaryScore,
      frequencyMonetaryScore,
      rfmCode: [recencyScore, frequencyScore, monetaryScore].join(separator),
      segment: segmentFor(recencyScore, frequencyMonetaryScore, rules),
    };
  });
  return ok({
    asOf: options.asOf,
    asOfDate: isoDateFromDay(options.asOf),
    bins,
    segmentRules: rules,
    customers: scored,
  });
}

/**
 * The segment of an R and FM score under `rules` (first match wins), or `unclassified`.
 *
 * @example
 * rfmSegmentFor(5, 5); // 'champions'
 * rfmSegmentFor(1, 1); // 'lost'
 */
export function rfmSegmentFor(
  recencyScore: number,
  frequencyMonetaryScore: number,
  rules: readonly RfmSegmentRule[] = DEFAULT_RFM_SEGMENT_RULES,
): string {
  return segmentFor(recencyScore, frequencyMonetaryScore, rules);
}

function segmentFor(r: number, fm: number, rules: readonly RfmSegmentRule[]): string {
  for (const rule of rules) {
    const [rMin, rMax] = rule.recency;
    const [fmMin, fmMax] = rule.frequencyMonetary;
    if (r >= rMin && r <= rMax && fm >= fmMin && fm <= fmMax) return rule.segment;
  }
  return RFM_UNCLASSIFIED;
}

export interface RfmGridCell {
  readonly recencyScore: number;
  readonly frequencyMonetaryScore: number;
  /** Segment the cell's customers fall in (all customers of a cell share it). */
  readonly segment: string;
  readonly customers: number;
  /** Sum of monetary, integer minor units. */
  readonly revenue: number;
}

export interface RfmSegmentSummary {
  readonly segment: string;
  readonly customers: number;
  readonly revenue: number;
  /** 0–1; null when there are no customers. */
  readonly customerShare: number | null;
  /** 0–1; null when total revenue is 0. */
  readonly revenueShare: number | null;
  /** null for an empty segment. */
  readonly meanRecencyDays: number | null;
  readonly meanFrequency: number | null;
  readonly meanMonetary: number | null;
}

export interface RfmGrid {
  readonly bins: number;
  /** All bins × bins cells, R descending then FM ascending (the layout of the module comment). */
  readonly cells: readonly RfmGridCell[];
  /** Segments in rule order (then `unclassified` if used), empty segments included. */
  readonly segments: readonly RfmSegmentSummary[];
  readonly totalCustomers: number;
  readonly totalRevenue: number;
}

/**
 * Aggregates scored customers into the R×FM grid and per segment, for heat maps and tables.
 * Cells and empty segments are labelled with the rules the analysis was scored with.
 *
 * @example
 * const scored = scoreRfm(
 *   [
 *     { customerId: 'a', lastPurchase: 19_720, purchaseCount: 9, totalSpend: 900_00 },
 *     { customerId: 'b', lastPurchase: 19_500, purchaseCount: 1, totalSpend: 20_00 },
 *   ],
 *   { asOf: 19_723 },
 * );
 * if (scored.ok) summariseRfmGrid(scored.value).segments;
 * // a scores 555 (champions), b 111 (lost): champions has 1 customer and 97.8% of revenue
 */
export function summariseRfmGrid(analysis: RfmAnalysis): RfmGrid {
  const { bins, customers, segmentRules: rules } = analysis;
  const cellKey = (r: number, fm: number): number => r * 100 + fm;
  const cellTotals = new Map<number, { customers: number; revenue: number }>();
  const segmentOrder: string[] = [];
  for (const rule of rules)
    if (!segmentOrder.includes(rule.segment)) segmentOrder.push(rule.segment);
  const segTotals = new Map<
    string,
    { n: number; revenue: number; recency: number; frequency: number }
  >();
  for (const s of segmentOrder) segTotals.set(s, { n: 0, revenue: 0, recency: 0, frequency: 0 });
  let totalRevenue = 0;
  for (const c of customers) {
    const key = cellKey(c.recencyScore, c.frequencyMonetaryScore);
    const cell = cellTotals.get(key) ?? { customers: 0, revenue: 0 };
    cell.customers += 1;
    cell.revenue += c.monetary;
    cellTotals.set(key, cell);
    let seg = segTotals.get(c.segment);
    if (!seg) {
      seg = { n: 0, revenue: 0, recency: 0, frequency: 0 };
      segTotals.set(c.segment, seg);
      segmentOrder.push(c.segment);
    }
    seg.n += 1;
    seg.revenue += c.monetary;
    seg.recency += c.recencyDays;
    seg.frequency += c.frequency;
    totalRevenue += c.monetary;
  }
  const cells: RfmGridCell[] = [];
  for (let r = bins; r >= 1; r--)
    for (let fm = 1; fm <= bins; fm++) {
      const t = cellTotals.get(cellKey(r, fm));
      cells.push({
        recencyScore: r,
        frequencyMonetaryScore: fm,
        segment: segmentFor(r, fm, rules),
        customers: t?.customers ?? 0,
        revenue: t?.revenue ?? 0,
      });
    }
  const n = customers.length;
  const segments = segmentOrder.map((segment): RfmSegmentSummary => {
    const t = segTotals.get(segment) ?? { n: 0, revenue: 0, recency: 0, frequency: 0 };
    return {
      segment,
      customers: t.n,
      revenue: t.revenue,
      customerShare: n > 0 ? t.n / n : null,
      revenueShare: totalRevenue !== 0 ? t.revenue / totalRevenue : null,
      meanRecencyDays: t.n > 0 ? t.recency / t.n : null,
      meanFrequency: t.n > 0 ? t.frequency / t.n : null,
      meanMonetary: t.n > 0 ? t.revenue / t.n : null,
    };
  });
  return { bins, cells, segments, totalCustomers: n, totalRevenue };
}
