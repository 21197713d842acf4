/**
 * Frequency tables of integer survey scores, shared by NPS, CSAT and CES.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';

export interface ScoreFrequency {
  readonly score: number;
  readonly count: number;
  /** count / n, 0–1; null when n = 0. */
  readonly share: number | null;
}

/**
 * Counts integer scores on [min, max], every score of the scale listed (zero counts included).
 * Fails with `invalid-input` (field `scores[i]`) on a non-integer or out-of-scale score.
 *
 * @example
 * tallyScores([1, 2, 2], 1, 3);
 * // ok: [{ score: 1, count: 1, share: 1/3 }, { score: 2, count: 2, share: 2/3 }, { score: 3, count: 0, share: 0 }]
 */
export function tallyScores(
  scores: readonly number[],
  min: number,
  max: number,
): MeasureResult<ScoreFrequency[]> {
  const counts = new Array<number>(max - min + 1).fill(0);
  for (const [i, s] of scores.entries()) {
    if (!Number.isInteger(s) || s < min || s > max)
      return fail('invalid-input', `scores must be integers from ${min} to ${max}`, `scores[${i}]`);
    counts[s - min] = (counts[s - min] ?? 0) + 1;
  }
  const n = scores.length;
  return ok(counts.map((count, i) => ({ score: min + i, count, share: n > 0 ? count / n : null })));
}
