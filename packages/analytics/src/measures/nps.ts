/**
 * Net Promoter Score (Reichheld 2003) with a confidence interval.
 *
 * On the 0–10 "how likely are you to recommend" scale, 9–10 are promoters, 7–8 passives and
 * 0–6 detractors; NPS = 100 × (p_promoters − p_detractors), from −100 to 100.
 *
 * Interval: each answer is a trinomial draw scored +1 / 0 / −1, so the NPS proportion is the
 * mean of those scores and its variance is
 *   Var = (p_p + p_d − (p_p − p_d)²) / n
 * (the variance of a difference of two multinomial proportions). The interval is the normal
 * (Wald) approximation NPS ± z·100·√Var, clipped to [−100, 100]. It is reliable from about
 * n ≥ 30 with both promoters and detractors present; at the extremes (all promoters) the
 * variance is 0 and the interval collapses to a point, which understates uncertainty — show n
 * beside it. Reference: Rocks, B. (2016), "Interval estimation for the 'net promoter score'",
 * The American Statistician 70(4).
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import { tallyScores, type ScoreFrequency } from './score-distribution.ts';
import { normalQuantile, type ConfidenceInterval } from './statistics.ts';

export interface NpsOptions {
  /** Two-sided confidence level in (0, 1); default 0.95. */
  readonly confidenceLevel?: number;
}

export interface NpsResult {
  readonly n: number;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  /** Shares 0–1; null when n = 0. */
  readonly promoterShare: number | null;
  readonly passiveShare: number | null;
  readonly detractorShare: number | null;
  /** −100 to 100; null when n = 0. */
  readonly nps: number | null;
  /** Standard error in NPS points; null when n = 0. */
  readonly standardError: number | null;
  /** In NPS points; null when n = 0. */
  readonly confidenceInterval: ConfidenceInterval | null;
  /** Counts of each score 0–10. */
  readonly distribution: readonly ScoreFrequency[];
}

/**
 * NPS of 0–10 answers with a normal-approximation confidence interval.
 *
 * @example
 * const r = measureNps([10, 9, 8, 7, 3]);
 * // r.ok && r.value.nps === 20 (2 promoters, 1 detractor of 5)
 */
export function measureNps(
  scores: readonly number[],
  options: NpsOptions = {},
): MeasureResult<NpsResult> {
  const level = options.confidenceLevel ?? 0.95;
  if (!(level > 0 && level < 1))
    return fail(
      'invalid-option',
      'confidenceLevel must be between 0 and 1',
      'options.confidenceLevel',
    );
  const tally = tallyScores(scores, 0, 10);
  if (!tally.ok) return tally;
  const distribution = tally.value;
  const count = (from: number, to: number): number =>
    distribution.filter((d) => d.score >= from && d.score <= to).reduce((s, d) => s + d.count, 0);
  const n = scores.length;
  const promoters = count(9, 10);
  const passives = count(7, 8);
  const detractors = count(0, 6);
  if (n === 0)
    return ok({
      n,
      promoters,
      passives,
      detractors,
      promoterShare: null,
      passiveShare: null,
      detractorShare: null,
      nps: null,
      standardError: null,
      confidenceInterval: null,
      distribution,
    });
  const pp = promoters / n;
  const pd = detractors / n;
  const diff = pp - pd;
  const variance = Math.max(0, (pp + pd - diff * diff) / n);
  const standardError = 100 * Math.sqrt(variance);
  const z = normalQuantile(1 - (1 - level) / 2);
  const nps = 100 * diff;
  return ok({
    n,
    promoters,
    passives,
    detractors,
    promoterShare: pp,
    passiveShare: passives / n,
    detractorShare: pd,
    nps,
    standardError,
    confidenceInterval: {
      level,
      lower: Math.max(-100, nps - z * standardError),
      upper: Math.min(100, nps + z * standardError),
    },
    distribution,
  });
}
