/**
 * Customer satisfaction (CSAT) and customer effort (CES) scores.
 *
 * - CSAT: the percentage of answers in the top boxes of the scale (default: 4 or 5 on 1–5,
 *   "top-2-box"), as usually reported by ACSI-style dashboards.
 * - CES: the mean of effort answers and their distribution. Default scale is CES 2.0
 *   (Gartner/CEB 2013: "The company made it easy for me to handle my issue", 1 = strongly
 *   disagree … 7 = strongly agree, higher = easier). For the original CES 1.0 ("how much
 *   effort did you personally have to put forth", 1–5, lower = better) pass
 *   `{ scaleMin: 1, scaleMax: 5, higherIsEasier: false }`.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import { tallyScores, type ScoreFrequency } from './score-distribution.ts';
import { mean, sampleVariance } from './statistics.ts';

export interface CsatOptions {
  /** Lowest and highest scale points; default 1 and 5. */
  readonly scaleMin?: number;
  readonly scaleMax?: number;
  /** How many top scale points count as satisfied; default 2. */
  readonly topBoxes?: number;
}

export interface CsatResult {
  readonly n: number;
  readonly satisfied: number;
  /** Percentage 0–100 of satisfied answers; null when n = 0. */
  readonly csat: number | null;
  /** Mean score; null when n = 0. */
  readonly mean: number | null;
  /** Lowest score counted as satisfied. */
  readonly satisfiedFrom: number;
  readonly distribution: readonly ScoreFrequency[];
}

function validScale(min: number, max: number): boolean {
  return Number.isInteger(min) && Number.isInteger(max) && max > min && max - min <= 100;
}

/**
 * CSAT as percent top-box.
 *
 * @example
 * const r = measureCsat([5, 4, 3, 2, 5]);
 * // r.ok && r.value.csat === 60
 */
export function measureCsat(
  scores: readonly number[],
  options: CsatOptions = {},
): MeasureResult<CsatResult> {
  const min = options.scaleMin ?? 1;
  const max = options.scaleMax ?? 5;
  const topBoxes = options.topBoxes ?? 2;
  if (!validScale(min, max))
    return fail(
      'invalid-option',
      'scale bounds must be integers with min < max',
      'options.scaleMax',
    );
  if (!Number.isInteger(topBoxes) || topBoxes < 1 || topBoxes > max - min + 1)
    return fail(
      'invalid-option',
      'topBoxes must be an integer within the scale length',
      'options.topBoxes',
    );
  const tally = tallyScores(scores, min, max);
  if (!tally.ok) return tally;
  const satisfiedFrom = max - topBoxes + 1;
  const n = scores.length;
  const satisfied = scores.filter((s) => s >= satisfiedFrom).length;
  return ok({
    n,
    satisfied,
    csat: n > 0 ? (100 * satisfied) / n : null,
    mean: mean(scores),
    satisfiedFrom,
    distribution: tally.value,
  });
}

export interface CesOptions {
  /** Default 1 and 7 (CES 2.0). */
  readonly scaleMin?: number;
  readonly scaleMax?: number;
  /** True (default) when higher answers mean less effort, as in CES 2.0. */
  readonly higherIsEasier?: boolean;
}

export interface CesResult {
  readonly n: number;
  /** Mean answer on the given scale; null when n = 0. */
  readonly mean: number | null;
  /** Sample standard deviation; null when n < 2. */
  readonly standardDeviation: number | null;
  /** Share 0–1 of answers on the easy side of the scale midpoint (midpoint excluded); null when n = 0. */
  readonly easyShare: number | null;
  /** Share 0–1 on the difficult side of the midpoint; null when n = 0. */
  readonly difficultShare: number | null;
  readonly higherIsEasier: boolean;
  readonly distribution: readonly ScoreFrequency[];
}

/**
 * CES: mean effort score and distribution.
 *
 * @example
 * const r = measureCes([7, 6, 5, 2]);
 * // r.ok && r.value.mean === 5, easyShare 0.75 (answers above the midpoint 4)
 */
export function measureCes(
  scores: readonly number[],
  options: CesOptions = {},
): MeasureResult<CesResult> {
  const min = options.scaleMin ?? 1;
  const max = options.scaleMax ?? 7;
  const higherIsEasier = options.higherIsEasier ?? true;
  if (!validScale(min, max))
    return fail(
      'invalid-option',
      'scale bounds must be integers with min < max',
      'options.scaleMax',
    );
  const tally = tallyScores(scores, min, max);
  if (!tally.ok) return tally;
  const n = scores.length;
  const midpoint = (min + max) / 2;
  const above = scores.filter((s) => s > midpoint).length;
  const below = scores.filter((s) => s < midpoint).length;
  const variance = sampleVariance(scores);
  return ok({
    n,
    mean: mean(scores),
    standardDeviation: variance === null ? null : Math.sqrt(variance),
    easyShare: n > 0 ? (higherIsEasier ? above : below) / n : null,
    difficultShare: n > 0 ? (higherIsEasier ? below : above) / n : null,
    higherIsEasier,
    distribution: tally.value,
  });
}
