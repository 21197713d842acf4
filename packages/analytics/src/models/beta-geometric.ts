// Shared core of BG/NBD (dropout only after repeat purchases) and MBG/NBD (dropout also right
// after the first purchase). `shift` is 0 for BG/NBD and 1 for MBG/NBD: with it, every formula
// of one model is the other's with b → b + shift (see Batislam, Denizel & Filiztekin 2007).
import { digamma, lbeta, lgamma, logHyp2f1, logNbdPmf, nbdUpperTail } from './special-functions.ts';
import type { UniqueHistories } from './customer-histories.ts';

export interface BetaGeometricParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export type Shift = 0 | 1;

/**
 * Full log-likelihood Σ w·ln L over unique rows, each distinct argument computed once. With
 * `gradient`, also writes ∂/∂(r, α, a, b): per row only the two branch weights are new, the
 * derivatives of each branch come from the per-x and per-pair tables.
 */
export function betaGeometricLogLikelihood(
  params: BetaGeometricParams,
  data: UniqueHistories,
  shift: Shift,
  scratch: Scratch = createScratch(data),
  gradient?: Float64Array,
): number {
  const { r, alpha, a, b } = params;
  const lnBab = lbeta(a, b);
  const lgr = lgamma(r);
  const logAlpha = Math.log(alpha);
  const rLogAlpha = r * logAlpha;
  const { common, aliveX, deadX, alive, dead } = scratch;
  const withGradient = gradient !== undefined;
  const { dCommonR, dAliveA, dAliveB, dDeadA, dDeadB, dAliveR, dAliveAlpha, dDeadR, dDeadAlpha } =
    scratch;
  const psiR = withGradient ? digamma(r) : 0;
  const psiAB = withGradient ? digamma(a + b) : 0;
  const psiA = withGradient ? digamma(a) : 0;
  const psiA1 = withGradient ? digamma(a + 1) : 0;
  const psiB = withGradient ? digamma(b) : 0;
  for (let i = 0; i < data.xValues.length; i++) {
    const x = data.xValues[i] ?? 0;
    const hasDead = x > 0 || shift === 1;
    common[i] = lgamma(r + x) - lgr + rLogAlpha;
    aliveX[i] = lbeta(a, b + x + shift) - lnBab;
    deadX[i] = hasDead ? lbeta(a + 1, b + x - 1 + shift) - lnBab : -Infinity;
    if (withGradient) {
      const psiTotal = digamma(a + b + x + shift);
      dCommonR[i] = digamma(r + x) - psiR + logAlpha;
      dAliveA[i] = psiAB - psiTotal;
      dAliveB[i] = digamma(b + x + shift) - psiTotal - psiB + psiAB;
      dDeadA[i] = hasDead ? psiA1 - psiTotal - psiA + psiAB : 0;
      dDeadB[i] = hasDead ? digamma(b + x - 1 + shift) - psiTotal - psiB + psiAB : 0;
    }
  }
  for (let k = 0; k < data.ageT.length; k++) {
    const xi = data.ageX[k] ?? 0;
    const rx = r + (data.xValues[xi] ?? 0);
    const shifted = alpha + (data.ageT[k] ?? 0);
    const logShifted = Math.log(shifted);
    alive[k] = (aliveX[xi] ?? 0) - rx * logShifted;
    if (withGradient) {
      dAliveR[k] = -logShifted;
      dAliveAlpha[k] = -rx / shifted;
    }
  }
  for (let k = 0; k < data.recencyT.length; k++) {
    const xi = data.recencyX[k] ?? 0;
    const rx = r + (data.xValues[xi] ?? 0);
    const shifted = alpha + (data.recencyT[k] ?? 0);
    const logShifted = Math.log(shifted);
    dead[k] = (deadX[xi] ?? 0) - rx * logShifted;
    if (withGradient) {
      dDeadR[k] = -logShifted;
      dDeadAlpha[k] = -rx / shifted;
    }
  }
  let total = 0;
  let gR = 0;
  let gAlpha = 0;
  let gA = 0;
  let gB = 0;
  for (let i = 0; i < data.size; i++) {
    const xi = data.rowX[i] ?? 0;
    const age = data.rowAge[i] ?? 0;
    const recency = data.rowRecency[i] ?? 0;
    const aliveTerm = alive[age] ?? 0;
    const deadTerm = dead[recency] ?? -Infinity;
    const w = data.weight[i] ?? 0;
    // ln(e^alive + e^dead) with the alive branch's share pAlive.
    let ll: number;
    let pAlive: number;
    if (aliveTerm >= deadTerm) {
      const e = Math.exp(deadTerm - aliveTerm);
      ll = aliveTerm + Math.log1p(e);
      pAlive = 1 / (1 + e);
    } else {
      const e = Math.exp(aliveTerm - deadTerm);
      ll = deadTerm + Math.log1p(e);
      pAlive = e / (1 + e);
    }
    total += w * ((common[xi] ?? 0) + ll);
    if (withGradient) {
      const pDead = 1 - pAlive;
      gR +=
        w * ((dCommonR[xi] ?? 0) + pAlive * (dAliveR[age] ?? 0) + pDead * (dDeadR[recency] ?? 0));
      gAlpha +=
        w * (r / alpha + pAlive * (dAliveAlpha[age] ?? 0) + pDead * (dDeadAlpha[recency] ?? 0));
      gA += w * (pAlive * (dAliveA[xi] ?? 0) + pDead * (dDeadA[xi] ?? 0));
      gB += w * (pAlive * (dAliveB[xi] ?? 0) + pDead * (dDeadB[xi] ?? 0));
    }
  }
  if (gradient !== undefined) {
    gradient[0] = gR;
    gradient[1] = gAlpha;
    gradient[2] = gA;
    gradient[3] = gB;
  }
  return total;
}

export interface Scratch {
  readonly common: Float64Array;
  readonly aliveX: Float64Array;
  readonly deadX: Float64Array;
  readonly alive: Float64Array;
  readonly dead: Float64Array;
  readonly dCommonR: Float64Array;
  readonly dAliveA: Float64Array;
  readonly dAliveB: Float64Array;
  readonly dDeadA: Float64Array;
  readonly dDeadB: Float64Array;
  readonly dAliveR: Float64Array;
  readonly dAliveAlpha: Float64Array;
  readonly dDeadR: Float64Array;
  readonly dDeadAlpha: Float64Array;
}

export function createScratch(data: UniqueHistories): Scratch {
  const nx = data.xValues.length;
  return {
    common: new Float64Array(nx),
    aliveX: new Float64Array(nx),
    deadX: new Float64Array(nx),
    alive: new Float64Array(data.ageT.length),
    dead: new Float64Array(data.recencyT.length),
    dCommonR: new Float64Array(nx),
    dAliveA: new Float64Array(nx),
    dAliveB: new Float64Array(nx),
    dDeadA: new Float64Array(nx),
    dDeadB: new Float64Array(nx),
    dAliveR: new Float64Array(data.ageT.length),
    dAliveAlpha: new Float64Array(data.ageT.length),
    dDeadR: new Float64Array(data.recencyT.length),
    dDeadAlpha: new Float64Array(data.recencyT.length),
  };
}

// Keeps a away from the removable singularity a = 1 of the closed forms.
function awayFromOne(a: number): number {
  return Math.abs(a - 1) < 1e-6 ? (a < 1 ? 1 - 1e-6 : 1 + 1e-6) : a;
}

/**
 * E[X(t)] of a customer alive at time 0 whose dropout probability is Beta(a, b) and purchase rate
 * Gamma(r, α): (a+b−1)/(a−1)·[1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))]. Evaluated after the
 * Euler transformation (α/(α+t))^r 2F1(r,b;c;z) = (1−z)^{a−1} 2F1(c−r, a−1; c; z), whose series
 * is short even for large r (a large x), so no overflow and no slow convergence.
 */
export function expectedWhileAlive(
  r: number,
  alpha: number,
  aIn: number,
  b: number,
  t: number,
): number {
  if (!(t > 0)) return 0;
  const a = awayFromOne(aIn);
  let c = a + b - 1;
  if (Math.abs(c - Math.round(c)) < 1e-9 && Math.round(c) <= 0) c += 1e-7; // 2F1 pole
  const z = t / (alpha + t);
  const f = logHyp2f1(c - r, a - 1, c, z);
  const g = f.sign * Math.exp((a - 1) * Math.log1p(-z) + f.log);
  const value = (c / (a - 1)) * (1 - g);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** ln of [P(dead-branch) / P(alive-branch)] for one customer; P(alive) = 1/(1+e^that). */
function logDeadOverAlive(
  p: BetaGeometricParams,
  shift: Shift,
  x: number,
  tx: number,
  T: number,
): number {
  if (x === 0 && shift === 0) return -Infinity;
  return (
    Math.log(p.a / (p.b + x - 1 + shift)) +
    (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx))
  );
}

export function betaGeometricProbabilityAlive(
  p: BetaGeometricParams,
  shift: Shift,
  x: number,
  tx: number,
  T: number,
): number {
  const logRatio = logDeadOverAlive(p, shift, x, tx, T);
  return logRatio > 0
    ? Math.exp(-logRatio) / (1 + Math.exp(-logRatio))
    : 1 / (1 + Math.exp(logRatio));
}

export function betaGeometricConditionalExpected(
  p: BetaGeometricParams,
  shift: Shift,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = betaGeometricProbabilityAlive(p, shift, x, tx, T);
  return alive * expectedWhileAlive(p.r + x, p.alpha + T, p.a, p.b + x + shift, t);
}

export function betaGeometricExpectedNew(p: BetaGeometricParams, shift: Shift, t: number): number {
  const aliveAtZero = shift === 1 ? p.b / (p.a + p.b) : 1;
  return aliveAtZero * expectedWhileAlive(p.r, p.alpha, p.a, p.b + shift, t);
}

/** P(X(t) = n) for a new customer (Fader, Hardie & Lee 2005, eq. 8; MBG with b → b + 1). */
export function betaGeometricProbabilityOfCount(
  p: BetaGeometricParams,
  shift: Shift,
  n: number,
  t: number,
): number {
  const lnBab = lbeta(p.a, p.b);
  let value = Math.exp(lbeta(p.a, p.b + n + shift) - lnBab + logNbdPmf(n, p.r, p.alpha, t));
  if (n > 0 || shift === 1) {
    value +=
      Math.exp(lbeta(p.a + 1, p.b + n - 1 + shift) - lnBab) * nbdUpperTail(n, p.r, p.alpha, t);
  }
  return Math.min(1, Math.max(0, value));
}
