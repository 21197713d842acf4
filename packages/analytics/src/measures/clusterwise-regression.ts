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
 * Refinement (method 'mixture', the default): the best partition starts EM for the normal
 * mixture of regressions of DeSarbo & Cron (1988, "A maximum likelihood methodology for
 * clusterwise linear regression", Journal of Classification 5): soft memberships, weighted
 * least squares and a variance per segment. This removes the bias hard assignment puts on
 * the slopes where segments' lines cross. Method 'k-regressions' keeps the hard partition.
 *
 * Choosing K: with `segments: 'bic'`, K = 1..maxSegments are fitted and the smallest BIC wins:
 *   BIC = −2 log L + (K·(p + 1) + K − 1)·log n, p coefficients per segment,
 * with the mixture log-likelihood (method 'mixture') or the classification log-likelihood of
 * the hard partition Σ_k [n_k·log(n_k/n) − n_k/2·(log(2π σ²_k) + 1)] ('k-regressions').
 * Segment variances are floored at 1e-12 × Var(y) so a perfect fit cannot give an infinite
 * likelihood.
 *
 * Reported statistics are weighted least squares with the membership probabilities as
 * weights (plain OLS on members for 'k-regressions'): standard errors σ²_k (XᵀWX)⁻¹ with
 * Σw − p degrees of freedom, treating memberships as known. They are conditional on segments
 * that were chosen to fit well, so p-values are optimistic (post-selection); treat
 * "significant" as a screening flag, and prefer large segments.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import {
  createSeededRandom,
  fitOrdinaryLeastSquares,
  sampleVariance,
  studentTTwoSidedPValue,
  type RandomSource,
} from './statistics.ts';

export interface RegressionObservation {
  readonly id: string;
  /** Outcome, e.g. repurchases in the year after the survey. */
  readonly y: number;
  /** Covariates (same length for all observations), e.g. [satisfaction]. */
  readonly x: readonly number[];
}

/** 'mixture' (default): EM refinement of the partition; 'k-regressions': the hard partition. */
export type ClusterwiseMethod = 'mixture' | 'k-regressions';

export interface ClusterwiseRegressionOptions {
  /** Default 'mixture'. */
  readonly method?: ClusterwiseMethod;
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
  /** Iteration cap per k-regressions restart; default 100 (EM gets 5× as many). */
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
  /** Observations whose most probable segment this is. */
  readonly size: number;
  /** size / n */
  readonly share: number;
  /** Sum of membership probabilities (the mixing proportion × n); equals size for k-regressions. */
  readonly expectedSize: number;
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
}

export interface ClusterwiseRegressionResult {
  readonly n: number;
  readonly method: ClusterwiseMethod;
  readonly covariateNames: readonly string[];
  readonly focusCovariate: string;
  readonly significanceLevel: number;
  readonly segments: readonly RegressionSegment[];
  /** Most probable segment of each observation and its probability (1 for k-regressions), in input order. */
  readonly assignments: readonly {
    readonly id: string;
    readonly segment: number;
    readonly probability: number;
  }[];
  readonly logLikelihood: number;
  readonly bic: number;
  /** Whether the k-regressions partition (and EM, for 'mixture') converged before the caps. */
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
  /** [1, standardised covariates]: what the iterations work on (predictions are unchanged). */
  readonly rows: readonly (readonly number[])[];
  /** [1, covariates as given]: what reported coefficients refer to. */
  readonly originalRows: readonly (readonly number[])[];
  readonly allIndices: readonly number[];
  readonly y: readonly number[];
  readonly p: number;
  readonly minSize: number;
}

/**
 * Weighted least squares by the normal equations and a Cholesky factorisation: the inner
 * loops refit thousands of times, and on the standardised covariates of `Problem.rows` the
 * normal equations are well conditioned. Reported statistics use the QR solver instead.
 * Returns null when the system is (numerically) singular.
 */
function solveWeighted(
  problem: Problem,
  indices: readonly number[],
  weights: readonly number[] | null,
): number[] | null {
  const p = problem.p;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (const i of indices) {
    const w = weights ? (weights[i] ?? 0) : 1;
    if (w === 0) continue;
    const row = problem.rows[i] ?? [];
    const y = problem.y[i] ?? 0;
    for (let r = 0; r < p; r++) {
      const wx = w * (row[r] ?? 0);
      b[r] = (b[r] ?? 0) + wx * y;
      for (let c = 0; c <= r; c++) a[r * p + c] = (a[r * p + c] ?? 0) + wx * (row[c] ?? 0);
    }
  }
  // In-place Cholesky, lower triangle: a = L·Lᵀ
  let maxDiag = 0;
  for (let j = 0; j < p; j++) maxDiag = Math.max(maxDiag, a[j * p + j] ?? 0);
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j] ?? 0;
    for (let k = 0; k < j; k++) d -= (a[j * p + k] ?? 0) ** 2;
    if (!(d > 1e-10 * maxDiag)) return null;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let r = j + 1; r < p; r++) {
      let v = a[r * p + j] ?? 0;
      for (let k = 0; k < j; k++) v -= (a[r * p + k] ?? 0) * (a[j * p + k] ?? 0);
      a[r * p + j] = v / ljj;
    }
  }
  const z = new Array<number>(p).fill(0);
  for (let r = 0; r < p; r++) {
    let v = b[r] ?? 0;
    for (let k = 0; k < r; k++) v -= (a[r * p + k] ?? 0) * (z[k] ?? 0);
    z[r] = v / (a[r * p + r] ?? 1);
  }
  const beta = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let v = z[r] ?? 0;
    for (let k = r + 1; k < p; k++) v -= (a[k * p + r] ?? 0) * (beta[k] ?? 0);
    beta[r] = v / (a[r * p + r] ?? 1);
  }
  return beta;
}

/** Least squares coefficients on the given rows, or null when too few or singular. */
function fitLine(problem: Problem, indices: readonly number[]): number[] | null {
  return indices.length >= problem.p ? solveWeighted(problem, indices, null) : null;
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

interface Membership {
  /** weights[s][i]: probability (mixture) or 0/1 (hard) that observation i is in segment s. */
  readonly weights: readonly (readonly number[])[];
  readonly logLikelihood: number;
  readonly converged: boolean;
}

interface SegmentParameters {
  readonly beta: readonly number[];
  readonly variance: number;
  readonly proportion: number;
}

/** Weighted least squares parameters per segment, or null when a segment degenerates (M step). */
function maximise(
  problem: Problem,
  weights: readonly (readonly number[])[],
  varianceFloor: number,
): SegmentParameters[] | null {
  const n = problem.rows.length;
  const params: SegmentParameters[] = [];
  for (const w of weights) {
    let total = 0;
    for (const wi of w) total += wi;
    // A component shrinking below the minimum size would let EM chase a degenerate spike.
    if (total < problem.minSize) return null;
    const beta = solveWeighted(problem, problem.allIndices, w);
    if (!beta) return null;
    let ssr = 0;
    problem.rows.forEach((row, i) => {
      ssr += (w[i] ?? 0) * ((problem.y[i] ?? 0) - predict(row, beta)) ** 2;
    });
    params.push({ beta, variance: Math.max(ssr / total, varianceFloor), proportion: total / n });
  }
  return params;
}

/** Posterior membership probabilities and the mixture log-likelihood (log-sum-exp). */
function expectation(problem: Problem, params: readonly SegmentParameters[]): Membership {
  const k = params.length;
  const weights = params.map(() => new Array<number>(problem.rows.length).fill(0));
  let logLikelihood = 0;
  const constants = params.map(
    (q) => Math.log(q.proportion) - 0.5 * Math.log(2 * Math.PI * q.variance),
  );
  const logs = new Float64Array(k);
  problem.rows.forEach((row, i) => {
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < k; s++) {
      const q = params[s];
      if (!q) continue;
      const e = (problem.y[i] ?? 0) - predict(row, q.beta);
      const l = (constants[s] ?? 0) - (e * e) / (2 * q.variance);
      logs[s] = l;
      if (l > max) max = l;
    }
    let sum = 0;
    for (let s = 0; s < k; s++) sum += Math.exp((logs[s] ?? max) - max);
    logLikelihood += max + Math.log(sum);
    for (let s = 0; s < k; s++) {
      const ws = weights[s];
      if (ws) ws[i] = Math.exp((logs[s] ?? max) - max) / sum;
    }
  });
  return { weights, logLikelihood, converged: true };
}

function hardWeights(problem: Problem, partition: Partition, k: number): number[][] {
  return Array.from({ length: k }, (_, s) =>
    problem.rows.map((_, i) => (partition.assignment[i] === s ? 1 : 0)),
  );
}

/**
 * k-regressions: the classification likelihood of the hard partition. mixture: EM for the
 * normal mixture of regressions (DeSarbo & Cron 1988) started from that partition, until the
 * log-likelihood gains less than 1e-10 of itself; EM never lowers the likelihood, and a step
 * that would shrink a segment below the minimum size stops it at the last good state.
 */
function membership(
  problem: Problem,
  partition: Partition,
  k: number,
  method: ClusterwiseMethod,
  varianceFloor: number,
  maxIterations: number,
): Membership | null {
  const hard = hardWeights(problem, partition, k);
  const start = maximise(problem, hard, varianceFloor);
  if (!start) return null;
  if (method === 'k-regressions') {
    let ll = 0;
    for (const q of start) {
      const nk = q.proportion * problem.rows.length;
      ll += nk * Math.log(q.proportion) - (nk / 2) * (Math.log(2 * Math.PI * q.variance) + 1);
    }
    return { weights: hard, logLikelihood: ll, converged: partition.converged };
  }
  let current = expectation(problem, start);
  for (let iteration = 0; iteration < maxIterations * 5; iteration++) {
    const params = maximise(problem, current.weights, varianceFloor);
    if (!params) return { ...current, converged: false };
    const next = expectation(problem, params);
    const gain = next.logLikelihood - current.logLikelihood;
    if (gain < -1e-9 * Math.abs(current.logLikelihood)) return { ...current, converged: false };
    current = next;
    if (gain <= 1e-10 * Math.abs(current.logLikelihood)) return current;
  }
  return { ...current, converged: false };
}

function segmentStatistics(
  problem: Problem,
  weights: readonly number[],
  names: readonly string[],
): {
  intercept: SegmentCoefficient;
  slopes: SegmentCoefficient[];
  rSquared: number | null;
  residualStandardError: number | null;
  expectedSize: number;
} | null {
  const n = problem.rows.length;
  const p = problem.p;
  const fit = fitOrdinaryLeastSquares(
    problem.originalRows.map((row, i) => row.map((v) => v * Math.sqrt(weights[i] ?? 0))),
    problem.y.map((y, i) => y * Math.sqrt(weights[i] ?? 0)),
  );
  if (!fit.ok) return null;
  let total = 0;
  let weightedY = 0;
  weights.forEach((w, i) => {
    total += w;
    weightedY += w * (problem.y[i] ?? 0);
  });
  const meanY = total > 0 ? weightedY / total : 0;
  let sst = 0;
  let ssr = 0;
  const beta = fit.value.coefficients.map((c) => c.estimate);
  problem.originalRows.forEach((row, i) => {
    const w = weights[i] ?? 0;
    sst += w * ((problem.y[i] ?? 0) - meanY) ** 2;
    ssr += w * ((problem.y[i] ?? 0) - predict(row, beta)) ** 2;
  });
  // Rows scaled by √w: the fit's own error variance divides by n − p, the weighted model's by
  // Σw − p (the segment's expected size less its coefficients), so rescale the errors.
  const df = total - p;
  const coefficient = (j: number, name: string): SegmentCoefficient => {
    const c = fit.value.coefficients[j];
    const estimate = c?.estimate ?? 0;
    if (df <= 0 || c?.standardError === null || c?.standardError === undefined || n - p <= 0)
      return { name, estimate, standardError: null, tStatistic: null, pValue: null };
    const standardError = c.standardError * Math.sqrt((n - p) / df);
    if (standardError === 0)
      return { name, estimate, standardError, tStatistic: null, pValue: null };
    const tStatistic = estimate / standardError;
    return {
      name,
      estimate,
      standardError,
      tStatistic,
      pValue: studentTTwoSidedPValue(tStatistic, df),
    };
  };
  return {
    intercept: coefficient(0, 'intercept'),
    slopes: names.map((name, j) => coefficient(j + 1, name)),
    rSquared: sst > 0 ? Math.max(0, 1 - ssr / sst) : null,
    residualStandardError: df > 0 ? Math.sqrt(ssr / df) : null,
    expectedSize: total,
  };
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
 * //       segments[1] slope ≈ 0.005 (p ≈ 0.67, not significant)
 */
export function fitClusterwiseRegression(
  observations: readonly RegressionObservation[],
  options: ClusterwiseRegressionOptions = {},
): MeasureResult<ClusterwiseRegressionResult> {
  const n = observations.length;
  const q = observations[0]?.x.length ?? 0;
  const p = q + 1;
  const segmentsOption = options.segments ?? 'bic';
  const method = options.method ?? 'mixture';
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
  const centres: number[] = [];
  const scales: number[] = [];
  for (let j = 0; j < q; j++) {
    const column = observations.map((o) => o.x[j] ?? 0);
    const centre = column.reduce((a, b) => a + b, 0) / n;
    const scale = Math.sqrt(column.reduce((a, b) => a + (b - centre) ** 2, 0) / n);
    if (!(scale > 0)) return fail('singular-matrix', `covariate ${names[j] ?? j} is constant`);
    centres.push(centre);
    scales.push(scale);
  }
  const problem: Problem = {
    rows: observations.map((o) => [
      1,
      ...o.x.map((v, j) => (v - (centres[j] ?? 0)) / (scales[j] ?? 1)),
    ]),
    originalRows: observations.map((o) => [1, ...o.x]),
    allIndices: observations.map((_, i) => i),
    y: observations.map((o) => o.y),
    p,
    minSize,
  };
  const varianceFloor = 1e-12 * Math.max(sampleVariance(problem.y) ?? 0, Number.MIN_VALUE);
  if (method !== 'mixture' && method !== 'k-regressions')
    return fail('invalid-option', "method is 'mixture' or 'k-regressions'", 'options.method');
  const candidates: SegmentCountFit[] = [];
  let chosen: { k: number; fit: Membership; bic: number } | null = null;
  for (const k of candidatesK) {
    const partition =
      n >= k * minSize ? bestPartition(problem, k, restarts, seed, maxIterations) : null;
    const fit = partition
      ? membership(problem, partition, k, method, varianceFloor, maxIterations)
      : null;
    if (!fit || !Number.isFinite(fit.logLikelihood)) {
      candidates.push({ segments: k, logLikelihood: null, bic: null });
      continue;
    }
    const parameters = k * (p + 1) + k - 1;
    const bic = -2 * fit.logLikelihood + parameters * Math.log(n);
    candidates.push({ segments: k, logLikelihood: fit.logLikelihood, bic });
    if (chosen === null || bic < chosen.bic) chosen = { k, fit, bic };
  }
  if (!chosen)
    return fail(
      'no-convergence',
      'no restart produced segments of the minimum size; lower K or minSegmentSize',
    );
  const { k, fit } = chosen;
  // Each observation goes to its most probable segment (ties to the lower index).
  const hardSegment = problem.rows.map((_, i) => {
    let best = 0;
    for (let s = 1; s < k; s++)
      if ((fit.weights[s]?.[i] ?? 0) > (fit.weights[best]?.[i] ?? 0)) best = s;
    return best;
  });
  const raw: { index: number; stats: NonNullable<ReturnType<typeof segmentStatistics>> }[] = [];
  for (let s = 0; s < k; s++) {
    const stats = segmentStatistics(problem, fit.weights[s] ?? [], names);
    if (!stats) return fail('singular-matrix', `segment ${s} has collinear covariates`);
    raw.push({ index: s, stats });
  }
  raw.sort(
    (a, b) => (b.stats.slopes[focus]?.estimate ?? 0) - (a.stats.slopes[focus]?.estimate ?? 0),
  );
  const newIndex = new Map(raw.map((r, i) => [r.index, i]));
  const segments = raw.map((r, i): RegressionSegment => {
    const size = hardSegment.filter((s) => s === r.index).length;
    const focusP = r.stats.slopes[focus]?.pValue ?? null;
    return {
      segment: i,
      size,
      share: size / n,
      expectedSize: r.stats.expectedSize,
      intercept: r.stats.intercept,
      slopes: r.stats.slopes,
      rSquared: r.stats.rSquared,
      residualStandardError: r.stats.residualStandardError,
      focusEffectSignificant: focusP !== null && focusP < alpha,
    };
  });
  return ok({
    n,
    method,
    covariateNames: names,
    focusCovariate: names[focus] ?? '',
    significanceLevel: alpha,
    segments,
    assignments: observations.map((o, i) => {
      const original = hardSegment[i] ?? 0;
      return {
        id: o.id,
        segment: newIndex.get(original) ?? 0,
        probability: fit.weights[original]?.[i] ?? 1,
      };
    }),
    logLikelihood: fit.logLikelihood,
    bic: chosen.bic,
    converged: fit.converged,
    candidates,
  });
}
