/**
 * Revenue concentration: how much of the revenue the best customers bring (the 20/80 rule of
 * key-account management), the Lorenz curve and the Gini coefficient.
 *
 * The Lorenz curve L(p) is the share of revenue of the poorest share p of customers, joined
 * linearly between customers, so "top x%" for fractional customer counts is read off it as
 * 1 − L(1 − x) (a customer straddling the cut contributes pro rata). The Gini coefficient is
 * the population (uncorrected) one, G = Σᵢ (2i − n − 1)·x₍ᵢ₎ / (n·Σx) over ascending values:
 * 0 when everyone spends the same, (n − 1)/n when one customer brings everything.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';

export interface CustomerRevenue {
  readonly customerId: string;
  /** Integer minor units, ≥ 0 (net refunds below zero are an input error: clip them first). */
  readonly revenue: number;
}

export interface ConcentrationPoint {
  /** Share of customers, 0–1. */
  readonly customerShare: number;
  /** Share of revenue, 0–1. */
  readonly revenueShare: number;
}

export interface TopCustomerShare {
  /** Requested top share of customers, 0–1 (0.2 = top 20%). */
  readonly customerShare: number;
  /** Share of revenue they bring, 0–1. */
  readonly revenueShare: number;
}

export interface RevenueConcentration {
  readonly customers: number;
  readonly totalRevenue: number;
  /** Null when there are no customers or total revenue is 0; the same holds for every share. */
  readonly gini: number | null;
  /** "Top 20% bring y": y as 0–1. */
  readonly top20RevenueShare: number | null;
  /** Smallest share of customers (top first, interpolated) bringing 80% of revenue. */
  readonly customerShareFor80PercentRevenue: number | null;
  readonly topShares: readonly TopCustomerShare[];
  /** Lorenz curve, poorest first, from (0, 0) to (1, 1) at `curvePoints` + 1 even steps. */
  readonly lorenz: readonly ConcentrationPoint[];
  /** Pareto (cumulative top-first) curve at the same steps: revenue share of the top share. */
  readonly pareto: readonly ConcentrationPoint[];
}

export interface RevenueConcentrationOptions {
  /** Top shares to report; default [0.01, 0.05, 0.1, 0.2, 0.5]. */
  readonly topShares?: readonly number[];
  /** Number of steps of the curves, 1–10 000; default 100 (every percent). */
  readonly curvePoints?: number;
}

/**
 * Gini coefficient, Lorenz and Pareto curves and top-x% revenue shares.
 *
 * @example
 * const c = measureRevenueConcentration([
 *   { customerId: 'a', revenue: 800 },
 *   ...Array.from({ length: 4 }, (_, i) => ({ customerId: `b${i}`, revenue: 50 })),
 * ]);
 * // c.ok && c.value.top20RevenueShare === 0.8 (the top customer of five brings 80%)
 */
export function measureRevenueConcentration(
  customers: readonly CustomerRevenue[],
  options: RevenueConcentrationOptions = {},
): MeasureResult<RevenueConcentration> {
  const topShares = options.topShares ?? [0.01, 0.05, 0.1, 0.2, 0.5];
  const steps = options.curvePoints ?? 100;
  if (!Number.isInteger(steps) || steps < 1 || steps > 10_000)
    return fail(
      'invalid-option',
      'curvePoints must be an integer from 1 to 10000',
      'options.curvePoints',
    );
  for (const [i, s] of topShares.entries())
    if (!(s >= 0 && s <= 1))
      return fail(
        'invalid-option',
        'top shares must be between 0 and 1',
        `options.topShares[${i}]`,
      );
  const seen = new Set<string>();
  for (const [i, c] of customers.entries()) {
    if (seen.has(c.customerId))
      return fail(
        'invalid-input',
        `duplicate customerId ${c.customerId}: sum revenue per customer first`,
        `customers[${i}].customerId`,
      );
    seen.add(c.customerId);
    if (!Number.isFinite(c.revenue) || c.revenue < 0)
      return fail(
        'invalid-input',
        'revenue must be a finite number ≥ 0',
        `customers[${i}].revenue`,
      );
  }
  const values = customers.map((c) => c.revenue).sort((a, b) => a - b);
  const n = values.length;
  let total = 0;
  for (const v of values) total += v;
  if (n === 0 || total === 0)
    return ok({
      customers: n,
      totalRevenue: total,
      gini: null,
      top20RevenueShare: null,
      customerShareFor80PercentRevenue: null,
      topShares: [],
      lorenz: [],
      pareto: [],
    });
  // cumulative[i] = revenue share of the poorest i customers
  const cumulative = [0];
  let running = 0;
  let weighted = 0;
  values.forEach((v, i) => {
    running += v;
    cumulative.push(running / total);
    weighted += (2 * (i + 1) - n - 1) * v;
  });
  const lorenzAt = (p: number): number => {
    const x = Math.min(Math.max(p, 0), 1) * n;
    const i = Math.min(Math.floor(x), n - 1);
    const a = cumulative[i] ?? 0;
    const b = cumulative[i + 1] ?? 1;
    return a + (x - i) * (b - a);
  };
  const topShareOf = (p: number): number => 1 - lorenzAt(1 - p);
  // Smallest top share q with topShareOf(q) ≥ 0.8: the curve is piecewise linear and
  // increasing in q, so walk customers from the top.
  let customerShareFor80: number | null = null;
  for (let k = 1; k <= n && customerShareFor80 === null; k++) {
    const before = 1 - (cumulative[n - k + 1] ?? 1);
    const after = 1 - (cumulative[n - k] ?? 0);
    if (after >= 0.8 - 1e-12) {
      const fraction = after > before ? (0.8 - before) / (after - before) : 1;
      customerShareFor80 = (k - 1 + Math.max(0, Math.min(1, fraction))) / n;
    }
  }
  const grid = Array.from({ length: steps + 1 }, (_, i) => i / steps);
  return ok({
    customers: n,
    totalRevenue: total,
    gini: weighted / (n * total),
    top20RevenueShare: topShareOf(0.2),
    customerShareFor80PercentRevenue: customerShareFor80,
    topShares: topShares.map((s) => ({ customerShare: s, revenueShare: topShareOf(s) })),
    lorenz: grid.map((p) => ({ customerShare: p, revenueShare: lorenzAt(p) })),
    pareto: grid.map((p) => ({ customerShare: p, revenueShare: topShareOf(p) })),
  });
}
