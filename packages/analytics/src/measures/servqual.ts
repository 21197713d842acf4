/**
 * SERVQUAL (Parasuraman, Zeithaml & Berry 1988, "SERVQUAL: a multiple-item scale for
 * measuring consumer perceptions of service quality", Journal of Retailing 64(1)): 22 items in
 * five dimensions, each asked twice — what the customer expects of an excellent firm (E) and
 * what they perceive of this one (P) — on a 1–7 scale. Gap = P − E: negative means the
 * service falls short of expectations.
 *
 * - Item gap: P − E per item (null when either answer is missing).
 * - Dimension gap: unweighted mean of the item gaps of the dimension (PZB 1988).
 * - Unweighted total: mean of the five dimension gaps.
 * - Weighted total: Σ weight_d × dimension gap_d / 100, with importance weights that sum to
 *   100 points (the point-allocation question added in PZB 1991). A respondent's own weights
 *   are used when given, else the `weights` option, else 20 points each.
 * - Aggregates are means over respondents of the per-respondent values (missing skipped).
 *
 * The 1988 instrument words items 10–13 and 18–22 negatively; answers must be keyed so that
 * higher = better before they are passed here (or list those items in `reverseItems`, which
 * maps a score s to scaleMin + scaleMax − s). The labels below paraphrase the positively
 * worded 1991 revision.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import { mean } from './statistics.ts';

export const SERVQUAL_DIMENSIONS = [
  'tangibles',
  'reliability',
  'responsiveness',
  'assurance',
  'empathy',
] as const;

export type ServqualDimension = (typeof SERVQUAL_DIMENSIONS)[number];

export const SERVQUAL_DIMENSION_LABELS: Readonly<
  Record<ServqualDimension, { readonly en: string; readonly zhCN: string }>
> = {
  tangibles: { en: 'Tangibles', zhCN: '有形性' },
  reliability: { en: 'Reliability', zhCN: '可靠性' },
  responsiveness: { en: 'Responsiveness', zhCN: '响应性' },
  assurance: { en: 'Assurance', zhCN: '保证性' },
  empathy: { en: 'Empathy', zhCN: '移情性' },
};

export interface ServqualItem {
  /** 1–22, the item number of the instrument. */
  readonly number: number;
  readonly dimension: ServqualDimension;
  readonly en: string;
  readonly zhCN: string;
  /** Worded negatively in the 1988 questionnaire (reverse-scored there). */
  readonly negativelyWorded1988: boolean;
}

const item = (
  number: number,
  dimension: ServqualDimension,
  en: string,
  zhCN: string,
  negativelyWorded1988 = false,
): ServqualItem => ({ number, dimension, en, zhCN, negativelyWorded1988 });

/** The 22 items: tangibles 1–4, reliability 5–9, responsiveness 10–13, assurance 14–17, empathy 18–22. */
export const SERVQUAL_ITEMS: readonly ServqualItem[] = [
  item(1, 'tangibles', 'Has up-to-date equipment', '拥有现代化的设备'),
  item(2, 'tangibles', 'Physical facilities are visually appealing', '服务设施具有吸引力'),
  item(3, 'tangibles', 'Employees are well dressed and appear neat', '员工衣着得体、整洁'),
  item(
    4,
    'tangibles',
    'Facilities are in keeping with the type of service provided',
    '设施与所提供的服务相匹配',
  ),
  item(
    5,
    'reliability',
    'Does what it promises by the promised time',
    '承诺在某时做到的事能按时完成',
  ),
  item(
    6,
    'reliability',
    'Shows sincere interest in solving customer problems',
    '顾客遇到问题时真诚关心并帮助解决',
  ),
  item(7, 'reliability', 'Is dependable', '值得依赖'),
  item(8, 'reliability', 'Provides its services at the time it promises', '在承诺的时间提供服务'),
  item(9, 'reliability', 'Keeps accurate records', '保持准确无误的记录'),
  item(
    10,
    'responsiveness',
    'Tells customers exactly when services will be performed',
    '告诉顾客提供服务的确切时间',
    true,
  ),
  item(11, 'responsiveness', 'Employees give prompt service', '员工提供及时的服务', true),
  item(12, 'responsiveness', 'Employees are always willing to help', '员工总是愿意帮助顾客', true),
  item(
    13,
    'responsiveness',
    'Employees are never too busy to respond to requests',
    '员工不会因太忙而不及时回应顾客',
    true,
  ),
  item(14, 'assurance', 'Employees can be trusted', '员工值得信赖'),
  item(15, 'assurance', 'Customers feel safe in their transactions', '顾客在交易中感到放心'),
  item(16, 'assurance', 'Employees are polite', '员工有礼貌'),
  item(
    17,
    'assurance',
    'Employees get adequate support to do their jobs well',
    '员工能得到公司的充分支持以做好工作',
  ),
  item(18, 'empathy', 'Gives customers individual attention', '针对顾客提供个别化的服务', true),
  item(
    19,
    'empathy',
    'Employees give customers personal attention',
    '员工给予顾客个人的关心',
    true,
  ),
  item(20, 'empathy', 'Employees know what customers need', '员工了解顾客的需求', true),
  item(21, 'empathy', "Has customers' best interests at heart", '把顾客的利益放在心上', true),
  item(
    22,
    'empathy',
    'Operating hours are convenient to all customers',
    '营业时间方便所有顾客',
    true,
  ),
];

/** Importance points per dimension; must sum to 100. */
export type ServqualWeights = Readonly<Record<ServqualDimension, number>>;

export interface ServqualResponse {
  readonly respondentId: string;
  /** 22 answers in item order; null = not answered. */
  readonly expectations: readonly (number | null)[];
  readonly perceptions: readonly (number | null)[];
  readonly weights?: ServqualWeights;
}

export interface ServqualOptions {
  /** Default 1 and 7. */
  readonly scaleMin?: number;
  readonly scaleMax?: number;
  /** Default weights for respondents without their own; default 20 each. */
  readonly weights?: ServqualWeights;
  /** Item numbers whose answers are reverse-keyed (both E and P). Default none. */
  readonly reverseItems?: readonly number[];
}

export type DimensionScores = Readonly<Record<ServqualDimension, number | null>>;

export interface ServqualRespondentScore {
  readonly respondentId: string;
  /** 22 gaps P − E in item order; null where an answer is missing. */
  readonly itemGaps: readonly (number | null)[];
  readonly dimensionGaps: DimensionScores;
  /** Mean of the dimension gaps; null unless all five are present. */
  readonly unweightedGap: number | null;
  /** Σ w·gap / 100; null unless all five dimension gaps are present. */
  readonly weightedGap: number | null;
}

export interface ServqualItemSummary {
  readonly number: number;
  readonly dimension: ServqualDimension;
  /** Means over respondents who answered; null when nobody did. */
  readonly meanExpectation: number | null;
  readonly meanPerception: number | null;
  readonly meanGap: number | null;
  readonly n: number;
}

export interface ServqualAnalysis {
  readonly respondents: readonly ServqualRespondentScore[];
  readonly items: readonly ServqualItemSummary[];
  /** Mean of respondents' dimension gaps; also mean E and P per dimension. */
  readonly dimensionGaps: DimensionScores;
  readonly dimensionExpectations: DimensionScores;
  readonly dimensionPerceptions: DimensionScores;
  readonly unweightedGap: number | null;
  readonly weightedGap: number | null;
  /** Mean importance points per dimension over respondents (own or default weights). */
  readonly meanWeights: ServqualWeights;
  readonly n: number;
}

const EQUAL_WEIGHTS: ServqualWeights = {
  tangibles: 20,
  reliability: 20,
  responsiveness: 20,
  assurance: 20,
  empathy: 20,
};

function checkWeights(w: ServqualWeights, field: string): MeasureResult<null> {
  let total = 0;
  for (const d of SERVQUAL_DIMENSIONS) {
    const v = w[d];
    if (!Number.isFinite(v) || v < 0)
      return fail('invalid-input', 'weights must be numbers ≥ 0', `${field}.${d}`);
    total += v;
  }
  if (Math.abs(total - 100) > 1e-9)
    return fail('invalid-input', `weights must sum to 100, got ${total}`, field);
  return ok(null);
}

function byDimension(f: (d: ServqualDimension) => number | null): DimensionScores {
  return {
    tangibles: f('tangibles'),
    reliability: f('reliability'),
    responsiveness: f('responsiveness'),
    assurance: f('assurance'),
    empathy: f('empathy'),
  };
}

function nonNull(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => v !== null && v !== undefined);
}

/**
 * SERVQUAL gaps per respondent and in aggregate.
 *
 * @example
 * const answers = Array<number>(22).fill(6);
 * const r = analyseServqual([
 *   { respondentId: 'r1', expectations: answers, perceptions: answers.map((a) => a - 1) },
 * ]);
 * // r.ok && r.value.unweightedGap === -1 (perception one point below expectation everywhere)
 */
export function analyseServqual(
  responses: readonly ServqualResponse[],
  options: ServqualOptions = {},
): MeasureResult<ServqualAnalysis> {
  const min = options.scaleMin ?? 1;
  const max = options.scaleMax ?? 7;
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min)
    return fail('invalid-option', 'scaleMin must be below scaleMax', 'options.scaleMax');
  const defaultWeights = options.weights ?? EQUAL_WEIGHTS;
  const checked = checkWeights(defaultWeights, 'options.weights');
  if (!checked.ok) return checked;
  const reverse = new Set(options.reverseItems ?? []);
  for (const r of reverse)
    if (!Number.isInteger(r) || r < 1 || r > 22)
      return fail('invalid-option', 'reverseItems are item numbers 1–22', 'options.reverseItems');
  const scored: ServqualRespondentScore[] = [];
  const expectationsByItem: number[][] = SERVQUAL_ITEMS.map(() => []);
  const perceptionsByItem: number[][] = SERVQUAL_ITEMS.map(() => []);
  const weightsUsed: ServqualWeights[] = [];
  for (const [ri, response] of responses.entries()) {
    const field = `responses[${ri}]`;
    if (response.weights) {
      const w = checkWeights(response.weights, `${field}.weights`);
      if (!w.ok) return w;
    }
    const weights = response.weights ?? defaultWeights;
    const keyed: { e: (number | null)[]; p: (number | null)[] } = { e: [], p: [] };
    for (const [key, answers] of [
      ['expectations', response.expectations],
      ['perceptions', response.perceptions],
    ] as const) {
      if (answers.length !== 22)
        return fail('invalid-input', 'expected 22 answers', `${field}.${key}`);
      for (const [i, a] of answers.entries()) {
        if (a !== null && !(Number.isFinite(a) && a >= min && a <= max))
          return fail(
            'invalid-input',
            `answers must be on the ${min}–${max} scale or null`,
            `${field}.${key}[${i}]`,
          );
        const value = a === null ? null : reverse.has(i + 1) ? min + max - a : a;
        (key === 'expectations' ? keyed.e : keyed.p).push(value);
      }
    }
    const itemGaps = SERVQUAL_ITEMS.map((_, i) => {
      const e = keyed.e[i] ?? null;
      const p = keyed.p[i] ?? null;
      if (e !== null) expectationsByItem[i]?.push(e);
      if (p !== null) perceptionsByItem[i]?.push(p);
      return e === null || p === null ? null : p - e;
    });
    const dimensionGaps = byDimension((d) =>
      mean(nonNull(SERVQUAL_ITEMS.map((it, i) => (it.dimension === d ? itemGaps[i] : null)))),
    );
    const gaps = SERVQUAL_DIMENSIONS.map((d) => dimensionGaps[d]);
    const complete = nonNull(gaps).length === 5;
    scored.push({
      respondentId: response.respondentId,
      itemGaps,
      dimensionGaps,
      unweightedGap: complete ? mean(nonNull(gaps)) : null,
      weightedGap: complete
        ? SERVQUAL_DIMENSIONS.reduce((s, d) => s + weights[d] * (dimensionGaps[d] ?? 0), 0) / 100
        : null,
    });
    weightsUsed.push(weights);
  }
  const items = SERVQUAL_ITEMS.map((it, i): ServqualItemSummary => ({
    number: it.number,
    dimension: it.dimension,
    meanExpectation: mean(expectationsByItem[i] ?? []),
    meanPerception: mean(perceptionsByItem[i] ?? []),
    meanGap: mean(nonNull(scored.map((s) => s.itemGaps[i]))),
    n: nonNull(scored.map((s) => s.itemGaps[i])).length,
  }));
  const dimensionMeanOfItems = (pick: (s: ServqualItemSummary) => number | null) =>
    byDimension((d) => mean(nonNull(items.filter((s) => s.dimension === d).map(pick))));
  const n = responses.length;
  return ok({
    respondents: scored,
    items,
    dimensionGaps: byDimension((d) => mean(nonNull(scored.map((s) => s.dimensionGaps[d])))),
    dimensionExpectations: dimensionMeanOfItems((s) => s.meanExpectation),
    dimensionPerceptions: dimensionMeanOfItems((s) => s.meanPerception),
    unweightedGap: mean(nonNull(scored.map((s) => s.unweightedGap))),
    weightedGap: mean(nonNull(scored.map((s) => s.weightedGap))),
    meanWeights:
      n === 0
        ? defaultWeights
        : {
            tangibles: mean(weightsUsed.map((w) => w.tangibles)) ?? 0,
            reliability: mean(weightsUsed.map((w) => w.reliability)) ?? 0,
            responsiveness: mean(weightsUsed.map((w) => w.responsiveness)) ?? 0,
            assurance: mean(weightsUsed.map((w) => w.assurance)) ?? 0,
            empathy: mean(weightsUsed.map((w) => w.empathy)) ?? 0,
          },
    n,
  });
}
