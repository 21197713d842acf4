/**
 * Shared numerics for the measures: distributions, descriptive statistics, ranks, ordinary
 * least squares with standard errors and a seeded PRNG.
 *
 * Written here rather than imported because the package has no runtime dependencies (it must
 * run unchanged in the server, the browser and the CLI) and because each routine is small,
 * classical and testable against published values. Algorithms: Hart (1968) via West (2005)
 * for the normal CDF, Acklam's rational approximation with one Halley step for its inverse,
 * Lanczos (g = 7) for log-gamma, the Numerical Recipes continued fraction for the regularized
 * incomplete beta (which gives the t and F distributions), Householder QR for least squares,
 * mulberry32 for reproducible pseudo-random numbers.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers

/** A function returning uniform numbers in [0, 1), reproducible from its seed. */
export type RandomSource = () => number;

/**
 * A seeded uniform PRNG (mulberry32: 32-bit state, period 2^32, good enough for restarts and
 * simulations; not cryptographic). Same seed, same sequence, on every platform.
 *
 * @example
 * const random = createSeededRandom(42);
 * const u = random(); // 0 <= u < 1, the same on every run
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A standard normal draw from a uniform source (Box–Muller), for simulations and tests.
 *
 * @example
 * const random = createSeededRandom(1);
 * const z = standardNormalDraw(random);
 */
export function standardNormalDraw(random: RandomSource): number {
  let u = random();
  while (u <= Number.MIN_VALUE) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// ---------------------------------------------------------------------------------------------
// Distributions

/**
 * Standard normal cumulative distribution Φ(z), double precision (Hart 1968 / West 2005).
 *
 * @example
 * normalCdf(1.959963984540054); // ≈ 0.975
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const x = Math.abs(z);
  let tail: number;
  if (x > 37) {
    tail = 0;
  } else {
    const e = Math.exp((-x * x) / 2);
    if (x < 7.07106781186547) {
      let num = 3.52624965998911e-2 * x + 0.700383064443688;
      num = num * x + 6.37396220353165;
      num = num * x + 33.912866078383;
      num = num * x + 112.079291497871;
      num = num * x + 221.213596169931;
      num = num * x + 220.206867912376;
      let den = 8.83883476483184e-2 * x + 1.75566716318264;
      den = den * x + 16.064177579207;
      den = den * x + 86.7807322029461;
      den = den * x + 296.564248779674;
      den = den * x + 637.333633378831;
      den = den * x + 793.826512519948;
      den = den * x + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let b = x + 0.65;
      b = x + 4 / b;
      b = x + 3 / b;
      b = x + 2 / b;
      b = x + 1 / b;
      tail = e / b / 2.506628274631;
    }
  }
  return z > 0 ? 1 - tail : tail;
}

const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
] as const;
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
] as const;
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
] as const;
const ACKLAM_D = [
  7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416,
] as const;

/**
 * Inverse of the standard normal CDF. Returns ±Infinity at 0 and 1, NaN outside [0, 1].
 *
 * @example
 * normalQuantile(0.975); // ≈ 1.959964
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
  const [b0, b1, b2, b3, b4] = ACKLAM_B;
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
  const [d0, d1, d2, d3] = ACKLAM_D;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  // One Halley step brings Acklam's 1e-9 relative error to full double precision.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const;

/**
 * Natural logarithm of the gamma function for x > 0 (Lanczos, g = 7).
 *
 * @example
 * logGamma(5); // ≈ Math.log(24)
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/**
 * Regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1.
 *
 * @example
 * regularizedIncompleteBeta(0.5, 2, 2); // 0.5
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Student's t cumulative distribution P(T <= t) with `df` > 0 degrees of freedom (df may be
 * fractional, as in Welch's test).
 *
 * @example
 * studentTCdf(2.228138851986274, 10); // ≈ 0.975
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/**
 * Two-sided p-value P(|T| >= |t|) for Student's t with `df` degrees of freedom.
 *
 * @example
 * studentTTwoSidedPValue(2.228138851986274, 10); // ≈ 0.05
 */
export function studentTTwoSidedPValue(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * Quantile of Student's t (inverse CDF), found by bisection on {@link studentTCdf}: slower
 * than a series expansion but accurate for any (fractional) df, which Welch's test needs.
 *
 * @example
 * studentTQuantile(0.975, 10); // ≈ 2.228139
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Number.POSITIVE_INFINITY;
  }
  for (let i = 0; i < 300 && hi - lo > 1e-14 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Fisher–Snedecor F cumulative distribution P(F <= f) with (d1, d2) degrees of freedom.
 *
 * @example
 * fisherFCdf(3.708264819, 3, 10); // ≈ 0.95
 */
export function fisherFCdf(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || !(d1 > 0) || !(d2 > 0)) return Number.NaN;
  if (f <= 0) return 0;
  if (f === Number.POSITIVE_INFINITY) return 1;
  return regularizedIncompleteBeta((d1 * f) / (d1 * f + d2), d1 / 2, d2 / 2);
}

// ---------------------------------------------------------------------------------------------
// Descriptive statistics. All return null (never NaN) when undefined for the input.

/**
 * Arithmetic mean, or null for an empty list.
 *
 * @example
 * mean([1, 2, 3]); // 2
 */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * Sample variance (n − 1 denominator), or null when fewer than two values.
 *
 * @example
 * sampleVariance([2, 4, 4, 4, 5, 5, 7, 9]); // 32 / 7
 */
export function sampleVariance(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s / (values.length - 1);
}

/**
 * Quantile with linear interpolation between order statistics (Hyndman & Fan type 7, the
 * default of R, NumPy and Excel's PERCENTILE.INC), or null for an empty list.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0 || !(p >= 0 && p <= 1)) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (h - lo) * (b - a);
}

/**
 * Median (type-7 quantile at 0.5), or null for an empty list.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/**
 * Ranks 1..n in input order, ties receiving the mean of the ranks they span ("mid-ranks",
 * pandas `rank(method='average')`), so the result does not depend on input order.
 *
 * @example
 * midRanks([10, 20, 20, 30]); // [1, 2.5, 2.5, 4]
 */
export function midRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.v === order[start]?.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      const item = order[k];
      if (item) ranks[item.i] = rank;
    }
    start = end + 1;
  }
  return ranks;
}

/** A two-sided confidence interval. */
export interface ConfidenceInterval {
  /** e.g. 0.95 */
  readonly level: number;
  readonly lower: number;
  readonly upper: number;
}

// ---------------------------------------------------------------------------------------------
// Ordinary least squares

export interface OlsCoefficient {
  readonly estimate: number;
  /** null when there are no residual degrees of freedom. */
  readonly standardError: number | null;
  /** null when the standard error is null or zero. */
  readonly tStatistic: number | null;
  /** Two-sided, from Student's t with the residual degrees of freedom; null with the t. */
  readonly pValue: number | null;
}

export interface OlsFit {
  /** In the order of the design matrix columns. */
  readonly coefficients: readonly OlsCoefficient[];
  readonly n: number;
  readonly residualDegreesOfFreedom: number;
  readonly sumOfSquaredResiduals: number;
  /** Residual standard error s = sqrt(SSR / (n − p)); null when n = p. */
  readonly residualStandardError: number | null;
  /** Centred R² when the design has an intercept column; null when y is constant. */
  readonly rSquared: number | null;
  readonly fitted: readonly number[];
  readonly residuals: readonly number[];
}

/**
 * Least squares fit of y on the columns of `design` (rows = observations; add a column of
 * ones yourself for an intercept), by Householder QR for numerical stability, with classical
 * (homoskedastic) standard errors, t statistics and two-sided p-values.
 *
 * Fails with `insufficient-data` when n < p and `singular-matrix` when the columns are
 * (numerically) collinear.
 *
 * @example
 * const fit = fitOrdinaryLeastSquares(
 *   [[1, 1], [1, 2], [1, 3], [1, 4], [1, 5]],
 *   [2, 4, 5, 4, 5],
 * );
 * // fit.ok && fit.value.coefficients[1]?.estimate === 0.6 (up to rounding)
 */
export function fitOrdinaryLeastSquares(
  design: readonly (readonly number[])[],
  y: readonly number[],
): MeasureResult<OlsFit> {
  const n = design.length;
  const p = design[0]?.length ?? 0;
  if (n !== y.length) return fail('invalid-input', 'design and y differ in length', 'y');
  if (p === 0) return fail('invalid-input', 'the design matrix has no columns', 'design');
  if (n < p) return fail('insufficient-data', `need at least ${p} observations, got ${n}`);
  // a: column-major copy, reduced in place to R; qty: Qᵀy.
  const a: number[][] = [];
  for (let j = 0; j < p; j++) {
    const col: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = design[i];
      if (row?.length !== p)
        return fail('invalid-input', `row ${i} has ${row?.length ?? 0} columns, expected ${p}`);
      col.push(row[j] ?? 0);
    }
    a.push(col);
  }
  const qty = [...y];
  let maxDiag = 0;
  const diag: number[] = [];
  for (let k = 0; k < p; k++) {
    const ck = a[k] ?? [];
    let norm = 0;
    for (let i = k; i < n; i++) norm += (ck[i] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    const akk = ck[k] ?? 0;
    const alpha = akk > 0 ? -norm : norm;
    // v = x − alpha e1, stored over ck[k..n-1]
    const v: number[] = [];
    for (let i = k; i < n; i++) v.push(ck[i] ?? 0);
    v[0] = akk - alpha;
    let vtv = 0;
    for (const vi of v) vtv += vi * vi;
    if (vtv > 0) {
      const applyTo = (col: number[]): void => {
        let dot = 0;
        for (let i = k; i < n; i++) dot += (v[i - k] ?? 0) * (col[i] ?? 0);
        const f = (2 * dot) / vtv;
        for (let i = k; i < n; i++) col[i] = (col[i] ?? 0) - f * (v[i - k] ?? 0);
      };
      for (let j = k; j < p; j++) {
        const cj = a[j];
        if (cj) applyTo(cj);
      }
      applyTo(qty);
    }
    const rkk = Math.abs(ck[k] ?? 0);
    diag.push(rkk);
    maxDiag = Math.max(maxDiag, rkk);
  }
  const tolerance = Math.max(n, p) * Number.EPSILON * 1e3 * maxDiag;
  if (maxDiag === 0 || diag.some((d) => d <= tolerance))
    return fail('singular-matrix', 'the covariates are collinear (or constant)');
  const r = (i: number, j: number): number => a[j]?.[i] ?? 0;
  const beta = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = qty[i] ?? 0;
    for (let j = i + 1; j < p; j++) s -= r(i, j) * (beta[j] ?? 0);
    beta[i] = s / r(i, i);
  }
  // R⁻¹ (upper triangular), then diag((XᵀX)⁻¹) = row sums of squares of R⁻¹.
  const rInv: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    const rowJ = rInv[j];
    if (rowJ) rowJ[j] = 1 / r(j, j);
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r(i, k) * (rInv[k]?.[j] ?? 0);
      const rowI = rInv[i];
      if (rowI) rowI[j] = -s / r(i, i);
    }
  }
  const fitted: number[] = [];
  const residuals: number[] = [];
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const row = design[i] ?? [];
    let f = 0;
    for (let j = 0; j < p; j++) f += (row[j] ?? 0) * (beta[j] ?? 0);
    const e = (y[i] ?? 0) - f;
    fitted.push(f);
    residuals.push(e);
    ssr += e * e;
  }
  const dfResidual = n - p;
  const sigma2 = dfResidual > 0 ? ssr / dfResidual : null;
  const coefficients: OlsCoefficient[] = beta.map((estimate, j) => {
    if (sigma2 === null) return { estimate, standardError: null, tStatistic: null, pValue: null };
    let v = 0;
    for (let k = j; k < p; k++) v += (rInv[j]?.[k] ?? 0) ** 2;
    const standardError = Math.sqrt(sigma2 * v);
    if (standardError === 0) return { estimate, standardError, tStatistic: null, pValue: null };
    const tStatistic = estimate / standardError;
    return {
      estimate,
      standardError,
      tStatistic,
      pValue: studentTTwoSidedPValue(tStatistic, dfResidual),
    };
  });
  const yMean = mean(y) ?? 0;
  let sst = 0;
  for (const v of y) sst += (v - yMean) ** 2;
  return ok({
    coefficients,
    n,
    residualDegreesOfFreedom: dfResidual,
    sumOfSquaredResiduals: ssr,
    residualStandardError: sigma2 === null ? null : Math.sqrt(sigma2),
    rSquared: sst > 0 ? Math.max(0, 1 - ssr / sst) : null,
    fitted,
    residuals,
  });
}
