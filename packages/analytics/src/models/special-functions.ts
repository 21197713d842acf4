// Hand-written numerics: no maintained, dependency-free JavaScript library offers a log-gamma,
// a log-space Gauss hypergeometric series and the Lomax/NBD helpers these models need, and the
// package must stay free of runtime dependencies. Every loop here has an iteration cap.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (Lanczos g = 7, reflection below 0.5, Stirling above 15). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  if (x > 15) {
    // Stirling series: more accurate than Lanczos for large arguments.
    const inv = 1 / x;
    const inv2 = inv * inv;
    const series =
      inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 * (1 / 1188)))));
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
  }
  const y = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += (LANCZOS[i] ?? 0) / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ψ(x) = d ln Γ(x)/dx for x > 0: recurrence up to x ≥ 6, then the asymptotic series. */
export function digamma(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 6) {
    shift -= 1 / y;
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  return (
    shift +
    Math.log(y) -
    0.5 * inv -
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
  );
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ln(e^a + e^b) without overflow; −∞ inputs are allowed. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(1 − e^a) for a ≤ 0 (Mächler's switch between log1p and expm1); −∞ at a = 0. */
export function log1mExp(a: number): number {
  if (a >= 0) return -Infinity;
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/** (1 − e^{c·y}) / c, continuous at c = 0 (where it is −y). */
export function oneMinusExpOver(c: number, y: number): number {
  const cy = c * y;
  if (Math.abs(cy) < 1e-12) return -y;
  return -Math.expm1(cy) / c;
}

/** A hypergeometric value as log|F| and its sign, so callers never overflow. */
export interface SignedLog {
  readonly log: number;
  readonly sign: -1 | 0 | 1;
}

const MAX_SERIES_TERMS = 200_000;
const RESCALE = 1e200;
const LOG_RESCALE = Math.log(RESCALE);

/**
 * Gauss hypergeometric 2F1(a, b; c; z) by its power series, for 0 ≤ z < 1 and c not a
 * non-positive integer, summed with rescaling (no overflow for large a, b) and returned as a
 * signed logarithm. Callers first apply an Euler or Pfaff transformation so the series is short
 * (see the models). Past the iteration cap the geometric tail is added, so it never hangs.
 */
export function logHyp2f1(
  a: number,
  b: number,
  c: number,
  z: number,
  maxTerms = MAX_SERIES_TERMS,
): SignedLog {
  if (z === 0) return { log: 0, sign: 1 };
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let k = 0; k < maxTerms; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (Math.abs(sum) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      logScale += LOG_RESCALE;
    }
    if (term === 0) break;
    // Stop once terms shrink geometrically and are negligible.
    if (Math.abs(ratio) < 1 && Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    if (k === maxTerms - 1 && Math.abs(ratio) < 1) {
      sum += (term * ratio) / (1 - ratio);
    }
  }
  if (sum === 0 || !Number.isFinite(sum)) return { log: -Infinity, sign: 0 };
  return { log: Math.log(Math.abs(sum)) + logScale, sign: sum > 0 ? 1 : -1 };
}

/** 2F1(a, b; c; z) as a plain number (may be ±Infinity only if it truly overflows). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const value = logHyp2f1(a, b, c, z);
  return value.sign * Math.exp(value.log);
}

/**
 * ln P(N = n) for the negative binomial distribution of purchases in a window of length t when
 * the rate is Gamma(r, α) distributed: Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n.
 */
export function logNbdPmf(n: number, r: number, alpha: number, t: number): number {
  if (t <= 0) return n === 0 ? 0 : -Infinity;
  const logDenominator = Math.log(alpha + t);
  return (
    lgamma(r + n) -
    lgamma(r) -
    lgamma(n + 1) +
    r * (Math.log(alpha) - logDenominator) +
    (n === 0 ? 0 : n * (Math.log(t) - logDenominator))
  );
}

/** P(N ≥ n) for the same negative binomial, summing whichever side is smaller. */
export function nbdUpperTail(n: number, r: number, alpha: number, t: number): number {
  if (n <= 0) return 1;
  if (t <= 0) return 0;
  const q = t / (alpha + t);
  if (n <= MAX_SERIES_TERMS) {
    // Head Σ_{j<n} P(N = j) by the term recurrence.
    let term = Math.exp(r * Math.log(alpha / (alpha + t)));
    let head = 0;
    for (let j = 0; j < n; j++) {
      head += term;
      term *= ((r + j) / (j + 1)) * q;
    }
    if (head < 0.5) return Math.min(1, Math.max(0, 1 - head));
  }
  // Sum the tail directly to keep relative accuracy when it is tiny.
  let tail = Math.exp(logNbdPmf(n, r, alpha, t));
  let current = tail;
  for (let j = n; j < n + MAX_SERIES_TERMS; j++) {
    current *= ((r + j) / (j + 1)) * q;
    tail += current;
    if (current <= 1e-17 * tail) break;
  }
  return Math.min(1, Math.max(0, tail));
}

// 8-point Gauss–Legendre nodes and weights on [−1, 1].
const GL_NODES = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498,
  0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363,
] as const;
const GL_WEIGHTS = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362,
  0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
] as const;

/** ∫_lo^hi f by composite 8-point Gauss–Legendre on `panels` equal panels. */
export function integrate(f: (u: number) => number, lo: number, hi: number, panels = 64): number {
  if (!(hi > lo)) return 0;
  const width = (hi - lo) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const mid = lo + (p + 0.5) * width;
    let panel = 0;
    for (let i = 0; i < 8; i++) {
      panel += (GL_WEIGHTS[i] ?? 0) * f(mid + 0.5 * width * (GL_NODES[i] ?? 0));
    }
    total += panel * 0.5 * width;
  }
  return total;
}
