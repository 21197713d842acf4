/**
 * Satisfaction–loyalty quadrants (Jones & Sasser 1995, "Why satisfied customers defect",
 * Harvard Business Review 73(6)): stated satisfaction against behavioural loyalty.
 *
 * - apostles (传道者): high satisfaction, high loyalty
 * - mercenaries (唯利是图者): high satisfaction, low loyalty — satisfied yet switching
 * - hostages (人质): low satisfaction, high loyalty — kept by switching costs
 * - defectors (背叛者): low satisfaction, low loyalty (the worst are "terrorists")
 *
 * A score is high when it is at or above its threshold. Thresholds default to the median of
 * the scores (so about half the customers are high on each axis); pass a number for a fixed
 * cut-off (e.g. 4 on a 1–5 satisfaction scale, 2 purchases a year) or 'mean'. The Pearson
 * correlation of the two scores is reported too: the texts' point is that it is weak.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import { mean, median } from './statistics.ts';

export const LOYALTY_QUADRANTS = ['apostles', 'mercenaries', 'hostages', 'defectors'] as const;
export type LoyaltyQuadrant = (typeof LOYALTY_QUADRANTS)[number];

export const LOYALTY_QUADRANT_LABELS: Readonly<
  Record<LoyaltyQuadrant, { readonly en: string; readonly zhCN: string }>
> = {
  apostles: { en: 'Apostles', zhCN: '传道者' },
  mercenaries: { en: 'Mercenaries', zhCN: '唯利是图者' },
  hostages: { en: 'Hostages', zhCN: '人质' },
  defectors: { en: 'Defectors', zhCN: '背叛者' },
};

export type QuadrantThreshold = number | 'median' | 'mean';

export interface SatisfactionLoyaltyScore {
  readonly customerId: string;
  /** Any numeric satisfaction measure (CSAT answer, mean of a survey, …). */
  readonly satisfaction: number;
  /** Any behavioural loyalty measure (repurchases, share of wallet, tenure, …). */
  readonly loyalty: number;
}

export interface QuadrantOptions {
  /** Default 'median'. */
  readonly satisfactionThreshold?: QuadrantThreshold;
  /** Default 'median'. */
  readonly loyaltyThreshold?: QuadrantThreshold;
}

export interface QuadrantGroup {
  readonly count: number;
  /** 0–1; null when there are no customers. */
  readonly share: number | null;
  /** In input order. */
  readonly customerIds: readonly string[];
}

export interface SatisfactionLoyaltyQuadrants {
  readonly n: number;
  /** Thresholds used; null when derived from an empty input. */
  readonly satisfactionThreshold: number | null;
  readonly loyaltyThreshold: number | null;
  readonly quadrants: Readonly<Record<LoyaltyQuadrant, QuadrantGroup>>;
  /** In input order. */
  readonly customers: readonly {
    readonly customerId: string;
    readonly quadrant: LoyaltyQuadrant;
  }[];
  /** Pearson r of satisfaction and loyalty; null when n < 2 or either is constant. */
  readonly correlation: number | null;
}

function resolveThreshold(t: QuadrantThreshold, values: readonly number[]): number | null {
  if (t === 'median') return median(values);
  if (t === 'mean') return mean(values);
  return t;
}

function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const mx = mean(xs);
  const my = mean(ys);
  if (mx === null || my === null || xs.length < 2) return null;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    const y = ys[i] ?? my;
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  });
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/**
 * Places customers in the four Jones & Sasser quadrants.
 *
 * @example
 * const q = classifySatisfactionLoyalty(
 *   [
 *     { customerId: 'a', satisfaction: 5, loyalty: 9 },
 *     { customerId: 'b', satisfaction: 5, loyalty: 1 },
 *   ],
 *   { satisfactionThreshold: 4, loyaltyThreshold: 3 },
 * );
 * // q.ok && q.value.quadrants.apostles.customerIds → ['a']; mercenaries → ['b']
 */
export function classifySatisfactionLoyalty(
  scores: readonly SatisfactionLoyaltyScore[],
  options: QuadrantOptions = {},
): MeasureResult<SatisfactionLoyaltyQuadrants> {
  for (const [key, t] of [
    ['satisfactionThreshold', options.satisfactionThreshold],
    ['loyaltyThreshold', options.loyaltyThreshold],
  ] as const)
    if (typeof t === 'number' && !Number.isFinite(t))
      return fail('invalid-option', 'a fixed threshold must be a finite number', `options.${key}`);
  for (const [i, s] of scores.entries()) {
    if (!Number.isFinite(s.satisfaction))
      return fail(
        'invalid-input',
        'satisfaction must be a finite number',
        `scores[${i}].satisfaction`,
      );
    if (!Number.isFinite(s.loyalty))
      return fail('invalid-input', 'loyalty must be a finite number', `scores[${i}].loyalty`);
  }
  const sat = scores.map((s) => s.satisfaction);
  const loy = scores.map((s) => s.loyalty);
  const satisfactionThreshold = resolveThreshold(options.satisfactionThreshold ?? 'median', sat);
  const loyaltyThreshold = resolveThreshold(options.loyaltyThreshold ?? 'median', loy);
  const groups: Record<LoyaltyQuadrant, string[]> = {
    apostles: [],
    mercenaries: [],
    hostages: [],
    defectors: [],
  };
  const customers = scores.map((s) => {
    const highSat = satisfactionThreshold !== null && s.satisfaction >= satisfactionThreshold;
    const highLoy = loyaltyThreshold !== null && s.loyalty >= loyaltyThreshold;
    const quadrant: LoyaltyQuadrant = highSat
      ? highLoy
        ? 'apostles'
        : 'mercenaries'
      : highLoy
        ? 'hostages'
        : 'defectors';
    groups[quadrant].push(s.customerId);
    return { customerId: s.customerId, quadrant };
  });
  const n = scores.length;
  const group = (q: LoyaltyQuadrant): QuadrantGroup => ({
    count: groups[q].length,
    share: n > 0 ? groups[q].length / n : null,
    customerIds: groups[q],
  });
  return ok({
    n,
    satisfactionThreshold,
    loyaltyThreshold,
    quadrants: {
      apostles: group('apostles'),
      mercenaries: group('mercenaries'),
      hostages: group('hostages'),
      defectors: group('defectors'),
    },
    customers,
    correlation: pearson(sat, loy),
  });
}
