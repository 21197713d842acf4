/**
 * Cluster-wise (latent-segment) regression: finds K segments of customers whose outcome y
 * (e.g. repurchase) responds differently to covariates x (e.g. satisfaction), as in the
 * golf-market study of the source texts (周华庭: 以聚类回归方法对高尔夫市场的细分研究), which used
 * it to separate customers whose repurchase follows satisfaction from those who repurchase
 * (or leave) regardless.
 *
 * Algorithm: k-regressions (Späth 1979, "Algorithm 39: clusterwise linear regression",
 * Computing 22), the hard-assignment relative of DeSarbo & Cron's (1988) mixture of
 * regressions. Each restart fits K lines on random minimal subsets, then alternates
 * (1) assign every observation to the segment whose line predicts it best (smallest squared
 * residual; ties to the lower index) and (2) refit each segment by least squares, until no
 * observation moves. A segment that falls below `minSegmentSize` (or becomes collinear) is
 * re-seeded from the worst-fitted observations. The restart with the smallest total squared
 * residual wins; restarts are seeded (mulberry32) so results are reproducible.
 *
 * Choosing K: with `segments: 'bic'`, K = 1..maxSegments are fitted and the smallest BIC wins.
 * The BIC uses the classification log-likelihood of the hard partition with a normal error of
 * its own variance per segment (σ²_k = SSR_k / n_k, floored at 1e-12 × Var(y) so that a
 * perfect fit cannot give infinite likelihood):
 *   log L = Σ_k [ n_k·log(n_k/n) − n_k/2·(log(2π σ²_k) + 1) ],
 *   BIC = −2 log L + (K·(p + 1) + K − 1)·log n, p coefficients per segment.
 *
 * Reported statistics are ordinary least squares on each segment's members. They are
 * conditional on the partition, which was chosen to fit well, so p-values are optimistic
 * (post-selection); treat "significant" as a screening flag, and prefer large segments.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import {
  createSeededRandom,
  fitOrdinaryLeastSquares,
  sampleVariance,
  type RandomSource,
} from './statistics.ts';

export interface RegressionObservation {
  readonly id: string;
  /** Outcome, e.g. repurchases in the year after the survey. */
  readonly y: number;
  /** Covariates (same length for all observations), e.g. [satisfaction]. */
  readonly x: readonly number[];
}

export interface ClusterwiseRegressionOptions {
  /** A fixed number of segments, or 'bic' (default) to choose 1..maxSegments by BIC. */
  readonly segments?: number | 'bic';
  /** Largest K tried with 'bic'; default 4. */
  readonly maxSegments?: number;
  /** Names of the covariates; default x1, x2, … */
  readonly covariateNames?: readonly string[];
  /** Index of the covariate whose effect is flagged (the satisfaction); default 0. */
  readonly focusCovariate?: number;
  /** Random restarts per K; default 20. */
  readonly restarts?: number;
  /** Iteration cap per restart; default 100. */
  readonly maxIterations?: number;
  /** Default 1. */
  readonly seed?: number;
  /** Default 0.05. */
  readonly significanceLevel?: number;
  /** Smallest allowed segment; default max(5, p + 3) with p coefficients (intercept included). */
  readonly minSegmentSize?: number;
}

export interface SegmentCoefficient {
  /** 'intercept' or a covariate name. */
  readonly name: string;
  readonly estimate: number;
  readonly standardError: number | null;
  readonly tStatistic: number | null;
  readonly pValue: number | null;
}

export interface RegressionSegment {
  /** 0-based index, segments sorted by the focus covariate's slope, steepest first. */
  readonly segment: number;
  readonly size: number;
  /** size / n */
  readonly share: number;
  readonly intercept: SegmentCoefficient;
  /** One per covariate, in covariate order. */
  readonly slopes: readonly SegmentCoefficient[];
  readonly rSquared: number | null;
  readonly residualStandardError: number | null;
  /** The focus covariate's slope is significant: p < significanceLevel. */
  readonly focusEffectSignificant: boolean;
}

export interface SegmentCountFit {
  readonly segments: number;
  /** null when no restart produced K segments of the minimum size. */
  readonly logLikelihood: number | null;
  readonly bic: number | null;
  readonly sumOfSquaredResiduals: number | null;
}

export interface ClusterwiseRegressionResult {
  readonly n: number;
  readonly covariateNames: readonly string[];
  readonly focusCovariate: string;
  readonly significanceLevel: number;
  readonly segments: readonly RegressionSegment[];
  /** Segment of each observation, in input order. */
  readonly assignments: readonly { readonly id: string; readonly segment: number }[];
  readonly logLikelihood: number;
  readonly bic: number;
  readonly sumOfSquaredResiduals: number;
  /** Whether the winning restart converged before maxIterations. */
  readonly converged: boolean;
  /** Every K tried (one entry when K was fixed). */
  readonly candidates: readonly SegmentCountFit[];
}

interface Partition {
  readonly assignment: readonly number[];
  readonly ssr: number;
  readonly converged: boolean;
}

interface Problem {
  readonly rows: readonly (readonly number[])[];
  readonly y: readonly number[];
  readonly p: number;
  readonly minSize: number;
}

/** Coefficients from exact least squares on the given rows, or null when singular. */
function fitLine(problem: Problem, indices: readonly number[]): number[] | null {
  const fit = fitOrdinaryLeastSquares(
    indices.map((i) => problem.rows[i] ?? []),
    indices.map((i) => problem.y[i] ?? 0),
  );
  return fit.ok ? fit.value.coefficients.map((c) => c.estimate) : null;
}

function predict(row: readonly number[], beta: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < beta.length; j++) s += (row[j] ?? 0) * (beta[j] ?? 0);
  return s;
}

function sample(random: RandomSource, from: readonly number[], k: number): number[] {
  const pool = [...from];
  const out: number[] = [];
  while (out.length < k && pool.length > 0) {
    const i = Math.floor(random() * pool.length);
    out.push(pool[i] ?? 0);
    pool.splice(i, 1);
  }
  return out;
}

function randomLine(
  problem: Problem,
  random: RandomSource,
  from: readonly number[],
): number[] | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const beta = fitLine(problem, sample(random, from, problem.p + 1));
    if (beta) return beta;
  }
  return null;
}

function assign(
  problem: Problem,
  lines: readonly (readonly number[])[],
): { assignment: number[]; residuals: number[] } {
  const assignment: number[] = [];
  const residuals: number[] = [];
  problem.rows.forEach((row, i) => {
    let best = 0;
    let bestSq = Number.POSITIVE_INFINITY;
    lines.forEach((beta, k) => {
      const e = (problem.y[i] ?? 0) - predict(row, beta);
      if (e * e < bestSq) {
        bestSq = e * e;
        best = k;
      }
    });
    assignment.push(best);
    residuals.push(bestSq);
  });
  return { assignment, residuals };
}

function runRestart(
  problem: Problem,
  k: number,
  random: RandomSource,
  maxIterations: number,
): Partition | null {
  const all = problem.rows.map((_, i) => i);
  const lines: number[][] = [];
  for (let s = 0; s < k; s++) {
    const line = randomLine(problem, random, all);
    if (!line) return null;
    lines.push(line);
  }
  let { assignment, residuals } = assign(problem, lines);
  let repairs = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let repaired = false;
    for (let s = 0; s < k; s++) {
      const members = all.filter((i) => assignment[i] === s);
      const line = members.length >= problem.minSize ? fitLine(problem, members) : null;
      if (line) {
        lines[s] = line;
        continue;
      }
      // Re-seed the segment from the worst-fitted quarter of the observations.
      if (++repairs > 50) return null;
      const worst = [...all].sort((a, b) => (residuals[b] ?? 0) - (residuals[a] ?? 0));
      const seeded = randomLine(
        problem,
        random,
        worst.slice(0, Math.max(problem.p + 1, Math.ceil(all.length / 4))),
      );
      if (!seeded) return null;
      lines[s] = seeded;
      repaired = true;
    }
    const next = assign(problem, lines);
    const moved = next.assignment.some((a, i) => a !== assignment[i]);
    assignment = next.assignment;
    residuals = next.residuals;
    if (!moved && !repaired) {
      const ssr = residuals.reduce((s, r) => s + r, 0);
      return { assignment, ssr, converged: true };
    }
  }
  // Not converged: accept only if every segment is usable.
  for (let s = 0; s < k; s++)
    if (assignment.filter((a) => a === s).length < problem.minSize) return null;
  return { assignment, ssr: residuals.reduce((s, r) => s + r, 0), converged: false };
}

function bestPartition(
  problem: Problem,
  k: number,
  restarts: number,
  seed: number,
  maxIterations: number,
): Partition | null {
  if (k === 1) {
    const line = fitLine(
      problem,
      problem.rows.map((_, i) => i),
    );
    if (!line) return null;
    const assignment = problem.rows.map(() => 0);
    const ssr = problem.rows.reduce(
      (s, row, i) => s + ((problem.y[i] ?? 0) - predict(row, line)) ** 2,
      0,
    );
    return { assignment, ssr, converged: true };
  }
  // One stream per K so that adding candidates does not change the others' results.
  const random = createSeededRandom(seed * 7919 + k);
  let best: Partition | null = null;
  for (let r = 0; r < restarts; r++) {
    const partition = runRestart(problem, k, random, maxIterations);
    if (partition && (best === null || partition.ssr < best.ssr - 1e-12)) best = partition;
  }
  return best;
}

function classificationLogLikelihood(
  problem: Problem,
  partition: Partition,
  k: number,
  varianceFloor: number,
): number {
  const n = problem.rows.length;
  let ll = 0;
  for (let s = 0; s < k; s++) {
    const members = problem.rows.map((_, i) => i).filter((i) => partition.assignment[i] === s);
    const line = fitLine(problem, members);
    if (!line || members.length === 0) return Number.NEGATIVE_INFINITY;
    let ssr = 0;
    for (const i of members)
      ssr += ((problem.y[i] ?? 0) - predict(problem.rows[i] ?? [], line)) ** 2;
    const nk = members.length;
    const variance = Math.max(ssr / nk, varianceFloor);
    ll += nk * Math.log(nk / n) - (nk / 2) * (Math.log(2 * Math.PI * variance) + 1);
  }
  return ll;
}

/**
 * Finds latent segments with different regressions of y on x, with per-segment OLS statistics.
 *
 * @example
 * // 10 customers whose repurchase follows satisfaction, 10 who buy about 5 regardless
 * const observations = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((s) => [
 *   { id: `r${s}`, y: 1 + s + (s % 2 === 0 ? 0.1 : -0.1), x: [s] },
 *   { id: `f${s}`, y: 5 + (s % 2 === 0 ? -0.1 : 0.1), x: [s] },
 * ]);
 * const r = fitClusterwiseRegression(observations, {
 *   segments: 2,
 *   covariateNames: ['satisfaction'],
 *   seed: 42,
 * });
 * // r.ok: segments[0] slope ≈ 0.995 (p ≈ 5e-13, focusEffectSignificant),
 * //       segments[1] slope ≈ 0.005 (p ≈ 0.70, not significant)
 */
export function fitClusterwiseRegression(
  observations: readonly RegressionObservation[],
  options: ClusterwiseRegressionOptions = {},
): MeasureResult<ClusterwiseRegressionResult> {
  const n = observations.length;
  const q = observations[0]?.x.length ?? 0;
  const p = q + 1;
  const segmentsOption = options.segments ?? 'bic';
  const maxSegments = options.maxSegments ?? 4;
  const restarts = options.restarts ?? 20;
  const maxIterations = options.maxIterations ?? 100;
  const seed = options.seed ?? 1;
  const alpha = options.significanceLevel ?? 0.05;
  const focus = options.focusCovariate ?? 0;
  const minSize = options.minSegmentSize ?? Math.max(5, p + 3);
  const names = options.covariateNames ?? Array.from({ length: q }, (_, j) => `x${j + 1}`);
  if (segmentsOption !== 'bic' && !(Number.isInteger(segmentsOption) && segmentsOption >= 1))
    return fail(
      'invalid-option',
      "segments must be a positive integer or 'bic'",
      'options.segments',
    );
  if (!(Number.isInteger(maxSegments) && maxSegments >= 1))
    return fail('invalid-option', 'maxSegments must be a positive integer', 'options.maxSegments');
  if (!(Number.isInteger(restarts) && restarts >= 1))
    return fail('invalid-option', 'restarts must be a positive integer', 'options.restarts');
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1))
    return fail(
      'invalid-option',
      'maxIterations must be a positive integer',
      'options.maxIterations',
    );
  if (!(alpha > 0 && alpha < 1))
    return fail(
      'invalid-option',
      'significanceLevel must be in (0, 1)',
      'options.significanceLevel',
    );
  if (!(Number.isInteger(minSize) && minSize >= p + 1))
    return fail(
      'invalid-option',
      `minSegmentSize must be an integer ≥ ${p + 1}`,
      'options.minSegmentSize',
    );
  if (n === 0) return fail('insufficient-data', 'no observations');
  if (q === 0)
    return fail('invalid-input', 'observations need at least one covariate', 'observations');
  if (names.length !== q)
    return fail('invalid-option', `expected ${q} covariate names`, 'options.covariateNames');
  if (!(Number.isInteger(focus) && focus >= 0 && focus < q))
    return fail(
      'invalid-option',
      `focusCovariate must be an index below ${q}`,
      'options.focusCovariate',
    );
  for (const [i, o] of observations.entries()) {
    if (!Number.isFinite(o.y))
      return fail('invalid-input', 'y must be finite', `observations[${i}].y`);
    if (o.x.length !== q || !o.x.every(Number.isFinite))
      return fail('invalid-input', `x must hold ${q} finite numbers`, `observations[${i}].x`);
  }
  const candidatesK =
    segmentsOption === 'bic'
      ? Array.from({ length: maxSegments }, (_, i) => i + 1)
      : [segmentsOption];
  const smallestK = candidatesK[0] ?? 1;
  if (n < smallestK * minSize)
    return fail(
      'insufficient-data',
      `need at least ${smallestK * minSize} observations for ${smallestK} segment(s)`,
    );
  const problem: Problem = {
    rows: observations.map((o) => [1, ...o.x]),
    y: observations.map((o) => o.y),
    p,
    minSize,
  };
  const varianceFloor = 1e-12 * Math.max(sampleVariance(problem.y) ?? 0, Number.MIN_VALUE);
  const candidates: SegmentCountFit[] = [];
  let chosen: { k: number; partition: Partition; ll: number; bic: number } | null = null;
  for (const k of candidatesK) {
    const partition =
      n >= k * minSize ? bestPartition(problem, k, restarts, seed, maxIterations) : null;
    if (!partition) {
      candidates.push({ segments: k, logLikelihood: null, bic: null, sumOfSquaredResiduals: null });
      continue;
    }
    const ll = classificationLogLikelihood(problem, partition, k, varianceFloor);
    const parameters = k * (p + 1) + k - 1;
    const bic = -2 * ll + parameters * Math.log(n);
    candidates.push({ segments: k, logLikelihood: ll, bic, sumOfSquaredResiduals: partition.ssr });
    if (Number.isFinite(bic) && (chosen === null || bic < chosen.bic))
      chosen = { k, partition, ll, bic };
  }
  if (!chosen)
    return fail(
      'no-convergence',
      'no restart produced segments of the minimum size; lower K or minSegmentSize',
    );
  const { k, partition } = chosen;
  const fits: { members: number[]; stats: RegressionSegment }[] = [];
  for (let s = 0; s < k; s++) {
    const members = problem.rows.map((_, i) => i).filter((i) => partition.assignment[i] === s);
    const fit = fitOrdinaryLeastSquares(
      members.map((i) => problem.rows[i] ?? []),
      members.map((i) => problem.y[i] ?? 0),
    );
    if (!fit.ok) return fit;
    const coefficient = (j: number, name: string): SegmentCoefficient => {
      const c = fit.value.coefficients[j];
      return {
        name,
        estimate: c?.estimate ?? 0,
        standardError: c?.standardError ?? null,
        tStatistic: c?.tStatistic ?? null,
        pValue: c?.pValue ?? null,
      };
    };
    const slopes = names.map((name, j) => coefficient(j + 1, name));
    const focusP = slopes[focus]?.pValue ?? null;
    fits.push({
      members,
      stats: {
        segment: s,
        size: members.length,
        share: members.length / n,
        intercept: coefficient(0, 'intercept'),
        slopes,
        rSquared: fit.value.rSquared,
        residualStandardError: fit.value.residualStandardError,
        focusEffectSignificant: focusP !== null && focusP < alpha,
      },
    });
  }
  fits.sort(
    (a, b) => (b.stats.slopes[focus]?.estimate ?? 0) - (a.stats.slopes[focus]?.estimate ?? 0),
  );
  const segmentOf = new Array<number>(n).fill(0);
  const segments = fits.map((f, index) => {
    for (const i of f.members) segmentOf[i] = index;
    return { ...f.stats, segment: index };
  });
  return ok({
    n,
    covariateNames: names,
    focusCovariate: names[focus] ?? '',
    significanceLevel: alpha,
    segments,
    assignments: observations.map((o, i) => ({ id: o.id, segment: segmentOf[i] ?? 0 })),
    logLikelihood: chosen.ll,
    bic: chosen.bic,
    sumOfSquaredResiduals: partition.ssr,
    converged: partition.converged,
    candidates,
  });
}
