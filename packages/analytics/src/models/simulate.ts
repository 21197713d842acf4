import type { BgNbdParams } from './bg-nbd.ts';
import type { GammaGammaParams } from './gamma-gamma.ts';
import type { MbgNbdParams } from './mbg-nbd.ts';
import type { ParetoNbdParams } from './pareto-nbd.ts';

/** A seeded uniform generator on [0, 1): same seed, same sequence. */
export type UniformRandom = () => number;

/** sfc32 seeded through splitmix32: fast, 128-bit state, good enough for simulation studies. */
export function createRandom(seed: number): UniformRandom {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

function standardNormal(random: UniformRandom): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) variate by Marsaglia & Tsang (2000), boosted for shape < 1. */
export function gammaVariate(random: UniformRandom, shape: number, rate: number): number {
  if (shape < 1) {
    return gammaVariate(random, shape + 1, rate) * Math.pow(1 - random(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const z = standardNormal(random);
    const v0 = 1 + c * z;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
  return shape / rate; // unreachable in practice; keeps the loop bounded
}

/** Beta(a, b) variate from two gamma variates. */
export function betaVariate(random: UniformRandom, a: number, b: number): number {
  const x = gammaVariate(random, a, 1);
  const y = gammaVariate(random, b, 1);
  return x + y > 0 ? x / (x + y) : 0.5;
}

function exponentialVariate(random: UniformRandom, rate: number): number {
  return -Math.log(1 - random()) / rate;
}

/** Simulated (x, t_x, T) histories in continuous time. */
export interface SimulatedHistories {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
}

export interface HistorySimulation<P> {
  readonly params: P;
  readonly customers: number;
  /** Observation length T of every customer (model time units), or one per customer. */
  readonly T: number | ArrayLike<number>;
  readonly seed: number;
}

// Caps purchases per customer so a pathological λ cannot hang the simulation.
const MAX_PURCHASES = 100_000;

/**
 * Histories drawn from a BG/NBD population with known parameters.
 *
 * @example
 * const data = simulateBgNbdHistories({ params: { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }, customers: 1000, T: 52, seed: 1 });
 * fitBgNbd(data); // estimates near the truth
 */
export function simulateBgNbdHistories(
  options: HistorySimulation<BgNbdParams>,
): SimulatedHistories {
  return simulateBetaGeometric(options, false);
}

/** Histories drawn from an MBG/NBD population (dropout possible right after the first purchase). */
export function simulateMbgNbdHistories(
  options: HistorySimulation<MbgNbdParams>,
): SimulatedHistories {
  return simulateBetaGeometric(options, true);
}

function simulateBetaGeometric(
  options: HistorySimulation<BgNbdParams>,
  dropAtStart: boolean,
): SimulatedHistories {
  const { params, customers, seed } = options;
  const random = createRandom(seed);
  const x = new Float64Array(customers);
  const tx = new Float64Array(customers);
  const T = new Float64Array(customers);
  for (let i = 0; i < customers; i++) {
    const age = typeof options.T === 'number' ? options.T : (options.T[i] ?? 0);
    const lambda = gammaVariate(random, params.r, params.alpha);
    const p = betaVariate(random, params.a, params.b);
    let time = 0;
    let count = 0;
    let last = 0;
    const goneAtStart = dropAtStart && random() < p;
    while (!goneAtStart && count < MAX_PURCHASES) {
      time += exponentialVariate(random, lambda);
      if (time > age) break;
      count++;
      last = time;
      if (random() < p) break; // drops out right after this purchase
    }
    x[i] = count;
    tx[i] = last;
    T[i] = age;
  }
  return { x, tx, T };
}

/** Histories drawn from a Pareto/NBD population with known parameters. */
export function simulateParetoNbdHistories(
  options: HistorySimulation<ParetoNbdParams>,
): SimulatedHistories {
  const { params, customers, seed } = options;
  const random = createRandom(seed);
  const x = new Float64Array(customers);
  const tx = new Float64Array(customers);
  const T = new Float64Array(customers);
  for (let i = 0; i < customers; i++) {
    const age = typeof options.T === 'number' ? options.T : (options.T[i] ?? 0);
    const lambda = gammaVariate(random, params.r, params.alpha);
    const mu = gammaVariate(random, params.s, params.beta);
    const end = Math.min(age, exponentialVariate(random, mu));
    let time = 0;
    let count = 0;
    let last = 0;
    while (count < MAX_PURCHASES) {
      time += exponentialVariate(random, lambda);
      if (time > end) break;
      count++;
      last = time;
    }
    x[i] = count;
    tx[i] = last;
    T[i] = age;
  }
  return { x, tx, T };
}

export interface PurchaseSimulation {
  readonly params: BgNbdParams;
  readonly spend: GammaGammaParams;
  readonly customers: number;
  /** First purchases are uniform over [firstDay, firstDay + acquisitionDays). */
  readonly firstDay: number;
  readonly acquisitionDays: number;
  /** Last simulated day (inclusive). */
  readonly lastDay: number;
  /** Days per model time unit (7 when the parameters are weekly). */
  readonly daysPerUnit: number;
  readonly seed: number;
}

/** Purchase columns (integer ids, UTC day numbers, amounts) of a simulated population. */
export interface SimulatedPurchases {
  readonly customerId: Int32Array;
  readonly day: Int32Array;
  readonly amount: Float64Array;
}

/**
 * Raw purchases of a BG/NBD population (first purchase included) with Gamma-Gamma spend, for
 * benchmarks and end-to-end tests. Amounts are rounded to cents.
 */
export function simulateBgNbdPurchases(options: PurchaseSimulation): SimulatedPurchases {
  const { params, spend, customers, firstDay, acquisitionDays, lastDay, daysPerUnit } = options;
  const random = createRandom(options.seed);
  let capacity = Math.max(16, customers * 4);
  let ids = new Int32Array(capacity);
  let days = new Int32Array(capacity);
  let amounts = new Float64Array(capacity);
  let size = 0;
  const push = (id: number, day: number, amount: number): void => {
    if (size === capacity) {
      capacity *= 2;
      const grownIds = new Int32Array(capacity);
      grownIds.set(ids);
      ids = grownIds;
      const grownDays = new Int32Array(capacity);
      grownDays.set(days);
      days = grownDays;
      const grownAmounts = new Float64Array(capacity);
      grownAmounts.set(amounts);
      amounts = grownAmounts;
    }
    ids[size] = id;
    days[size] = day;
    amounts[size] = amount;
    size++;
  };
  for (let i = 0; i < customers; i++) {
    const first = firstDay + Math.floor(random() * acquisitionDays);
    const horizon = (lastDay + 1 - first) / daysPerUnit;
    const lambda = gammaVariate(random, params.r, params.alpha);
    const p = betaVariate(random, params.a, params.b);
    const nu = gammaVariate(random, spend.q, spend.v);
    const value = (): number =>
      Math.max(0.01, Math.round(gammaVariate(random, spend.p, nu) * 100) / 100);
    push(i, first, value());
    let time = 0;
    for (let count = 0; count < MAX_PURCHASES; count++) {
      time += exponentialVariate(random, lambda);
      if (time >= horizon) break;
      push(i, first + Math.floor(time * daysPerUnit), value());
      if (random() < p) break;
    }
  }
  return {
    customerId: ids.slice(0, size),
    day: days.slice(0, size),
    amount: amounts.slice(0, size),
  };
}
