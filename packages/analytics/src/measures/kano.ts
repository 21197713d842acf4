/**
 * Kano model (Kano et al. 1984): each feature is asked as a functional question ("if the
 * product has X, how do you feel?") and a dysfunctional one ("if it does not have X?"), each
 * answered like / must-be / neutral / live-with / dislike. The pair maps through the standard
 * evaluation table (Berger et al. 1993, "Kano's methods for understanding customer-defined
 * quality", Center for Quality Management Journal 2(4)) to a category:
 *
 * ```
 * functional \ dysfunctional  like  must-be  neutral  live-with  dislike
 * like                         Q     A        A        A          O
 * must-be                      R     I        I        I          M
 * neutral                      R     I        I        I          M
 * live-with                    R     I        I        I          M
 * dislike                      R     R        R        R          Q
 * ```
 *
 * A attractive (魅力), O one-dimensional (期望/一维), M must-be (必备), I indifferent (无差异),
 * R reverse (反向), Q questionable (可疑).
 *
 * A feature's category is the mode of its respondents' categories. Ties are broken by the
 * order M > O > A > I > R > Q (Berger et al.'s rule "when in doubt, M > O > A > I": fix what
 * would cause dissatisfaction first); all tied categories are reported too.
 *
 * Customer satisfaction coefficients (Berger et al. 1993):
 * Better = (A + O)/(A + O + M + I), Worse = −(O + M)/(A + O + M + I); null when the
 * denominator is 0 (R and Q answers are excluded).
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';

export const KANO_ANSWERS = ['like', 'must-be', 'neutral', 'live-with', 'dislike'] as const;
export type KanoAnswer = (typeof KANO_ANSWERS)[number];

export const KANO_CATEGORIES = ['A', 'O', 'M', 'I', 'R', 'Q'] as const;
export type KanoCategory = (typeof KANO_CATEGORIES)[number];

/** Tie-break priority, first wins. */
export const KANO_TIE_ORDER: readonly KanoCategory[] = ['M', 'O', 'A', 'I', 'R', 'Q'];

export const KANO_CATEGORY_LABELS: Readonly<
  Record<KanoCategory, { readonly en: string; readonly zhCN: string }>
> = {
  A: { en: 'Attractive', zhCN: '魅力属性' },
  O: { en: 'One-dimensional', zhCN: '期望属性' },
  M: { en: 'Must-be', zhCN: '必备属性' },
  I: { en: 'Indifferent', zhCN: '无差异属性' },
  R: { en: 'Reverse', zhCN: '反向属性' },
  Q: { en: 'Questionable', zhCN: '可疑结果' },
};

/** KANO_EVALUATION_TABLE[functional][dysfunctional] */
export const KANO_EVALUATION_TABLE: Readonly<
  Record<KanoAnswer, Readonly<Record<KanoAnswer, KanoCategory>>>
> = {
  like: { like: 'Q', 'must-be': 'A', neutral: 'A', 'live-with': 'A', dislike: 'O' },
  'must-be': { like: 'R', 'must-be': 'I', neutral: 'I', 'live-with': 'I', dislike: 'M' },
  neutral: { like: 'R', 'must-be': 'I', neutral: 'I', 'live-with': 'I', dislike: 'M' },
  'live-with': { like: 'R', 'must-be': 'I', neutral: 'I', 'live-with': 'I', dislike: 'M' },
  dislike: { like: 'R', 'must-be': 'R', neutral: 'R', 'live-with': 'R', dislike: 'Q' },
};

/**
 * The Kano category of one functional/dysfunctional answer pair.
 *
 * @example
 * classifyKanoAnswer('like', 'dislike'); // 'O'
 * classifyKanoAnswer('neutral', 'dislike'); // 'M'
 */
export function classifyKanoAnswer(
  functional: KanoAnswer,
  dysfunctional: KanoAnswer,
): KanoCategory {
  return KANO_EVALUATION_TABLE[functional][dysfunctional];
}

export interface KanoResponse {
  readonly featureId: string;
  readonly functional: KanoAnswer;
  readonly dysfunctional: KanoAnswer;
}

export type KanoCounts = Readonly<Record<KanoCategory, number>>;

export interface KanoFeatureResult {
  readonly featureId: string;
  readonly n: number;
  readonly counts: KanoCounts;
  /** Mode after tie-break; null when n = 0 (never, for features that appear in the input). */
  readonly category: KanoCategory | null;
  /** Every category sharing the maximum count, in tie-break order. */
  readonly tiedCategories: readonly KanoCategory[];
  /** 0–1, null when A + O + M + I = 0. */
  readonly better: number | null;
  /** −1–0, null when A + O + M + I = 0. */
  readonly worse: number | null;
}

function isAnswer(value: unknown): value is KanoAnswer {
  return typeof value === 'string' && (KANO_ANSWERS as readonly string[]).includes(value);
}

/**
 * Kano category and Better/Worse coefficients per feature, features in first-seen order.
 *
 * @example
 * const r = analyseKano([
 *   { featureId: 'birthday-gift', functional: 'like', dysfunctional: 'neutral' },
 *   { featureId: 'birthday-gift', functional: 'like', dysfunctional: 'dislike' },
 * ]);
 * // r.ok && r.value[0] → category 'O' (A and O tie 1–1, O precedes A), better 1, worse −0.5
 */
export function analyseKano(
  responses: readonly KanoResponse[],
): MeasureResult<KanoFeatureResult[]> {
  const counts = new Map<string, Record<KanoCategory, number>>();
  for (const [i, r] of responses.entries()) {
    if (!isAnswer(r.functional))
      return fail(
        'invalid-input',
        `answers are one of ${KANO_ANSWERS.join(', ')}`,
        `responses[${i}].functional`,
      );
    if (!isAnswer(r.dysfunctional))
      return fail(
        'invalid-input',
        `answers are one of ${KANO_ANSWERS.join(', ')}`,
        `responses[${i}].dysfunctional`,
      );
    const c = counts.get(r.featureId) ?? { A: 0, O: 0, M: 0, I: 0, R: 0, Q: 0 };
    c[classifyKanoAnswer(r.functional, r.dysfunctional)] += 1;
    counts.set(r.featureId, c);
  }
  return ok(
    [...counts].map(([featureId, c]): KanoFeatureResult => {
      const n = KANO_CATEGORIES.reduce((s, k) => s + c[k], 0);
      const max = Math.max(...KANO_CATEGORIES.map((k) => c[k]));
      const tiedCategories = n > 0 ? KANO_TIE_ORDER.filter((k) => c[k] === max) : [];
      const denominator = c.A + c.O + c.M + c.I;
      return {
        featureId,
        n,
        counts: c,
        category: tiedCategories[0] ?? null,
        tiedCategories,
        better: denominator > 0 ? (c.A + c.O) / denominator : null,
        worse: denominator > 0 ? (c.O + c.M === 0 ? 0 : -(c.O + c.M) / denominator) : null,
      };
    }),
  );
}
