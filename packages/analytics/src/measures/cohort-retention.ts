/**
 * Cohort retention and churn from raw purchase events.
 *
 * Days are day numbers (see `day-number.ts`); purchases after `asOf` are ignored, so the same
 * event log gives the view "as it looked on `asOf`".
 *
 * - Cohort retention: customers are grouped by the calendar month of their first purchase; the
 *   cell at month offset k counts cohort members with at least one purchase in month
 *   cohort + k (offset 0 is the cohort size). Offsets after the month of `asOf` are `null`
 *   (not yet observable); the month of `asOf` itself is partial.
 * - Churn: a customer is *active* on day d when their latest purchase on or before d is less
 *   than `inactivityDays` days before d, and is *lost* on the first day that stops being true
 *   (last purchase + inactivityDays). A lost customer who buys again is *reactivated* (won
 *   back, 挽回) and can be lost again later. A period's churn rate is the share of customers
 *   active at its start (the day before `start`) who were lost during it.
 */
import {
  dayFromMonthIndex,
  isoDateFromDay,
  isoMonthFromIndex,
  monthIndexFromDay,
} from './day-number.ts';
import { fail, ok, type MeasureResult } from './measure-result.ts';

/** One purchase; `day` is a day number. */
export interface PurchaseEvent {
  readonly customerId: string;
  readonly day: number;
}

export interface CohortRetentionRow {
  /** `YYYY-MM` of the first purchase. */
  readonly cohort: string;
  /** Customers whose first purchase fell in the cohort month. */
  readonly size: number;
  /** Active customers by month offset 0..maxOffset; null where not observable yet. */
  readonly active: readonly (number | null)[];
  /** active / size, 0–1; null where `active` is null. */
  readonly rates: readonly (number | null)[];
}

export interface CohortRetentionMatrix {
  readonly asOf: number;
  readonly asOfDate: string;
  /** Largest month offset (that of the oldest cohort at `asOf`); rows have maxOffset + 1 cells. */
  readonly maxOffset: number;
  /** Oldest cohort first. */
  readonly cohorts: readonly CohortRetentionRow[];
  /**
   * Size-weighted mean retention by offset over the cohorts observable at that offset
   * (Σ active / Σ size); null for no cohorts.
   */
  readonly averageRates: readonly (number | null)[];
}

function validateEvents(purchases: readonly PurchaseEvent[], asOf: number): MeasureResult<null> {
  if (!Number.isInteger(asOf))
    return fail('invalid-option', 'asOf must be an integer day number', 'options.asOf');
  for (const [i, p] of purchases.entries())
    if (!Number.isInteger(p.day))
      return fail('invalid-input', 'day must be an integer day number', `purchases[${i}].day`);
  return ok(null);
}

/** Sorted distinct purchase days per customer, up to asOf. */
function daysByCustomer(purchases: readonly PurchaseEvent[], asOf: number): Map<string, number[]> {
  const map = new Map<string, Set<number>>();
  for (const p of purchases) {
    if (p.day > asOf) continue;
    const set = map.get(p.customerId) ?? new Set<number>();
    set.add(p.day);
    map.set(p.customerId, set);
  }
  const sorted = new Map<string, number[]>();
  for (const [id, set] of map)
    sorted.set(
      id,
      [...set].sort((a, b) => a - b),
    );
  return sorted;
}

/**
 * Monthly cohort retention matrix (counts and rates by month offset).
 *
 * @example
 * const m = buildCohortRetention(
 *   [{ customerId: 'a', day: 19_723 }, { customerId: 'a', day: 19_760 }],
 *   { asOf: 19_800 },
 * );
 * // m.ok && m.value.cohorts[0] → { cohort: '2024-01', size: 1, active: [1, 1, 0], rates: [1, 1, 0] }
 */
export function buildCohortRetention(
  purchases: readonly PurchaseEvent[],
  options: { readonly asOf: number },
): MeasureResult<CohortRetentionMatrix> {
  const { asOf } = options;
  const valid = validateEvents(purchases, asOf);
  if (!valid.ok) return valid;
  const asOfMonth = monthIndexFromDay(asOf);
  const cohorts = new Map<number, { size: number; active: Map<number, number> }>();
  for (const days of daysByCustomer(purchases, asOf).values()) {
    const first = days[0];
    if (first === undefined) continue;
    const cohortMonth = monthIndexFromDay(first);
    const cohort = cohorts.get(cohortMonth) ?? { size: 0, active: new Map<number, number>() };
    cohort.size += 1;
    const offsets = new Set(days.map((d) => monthIndexFromDay(d) - cohortMonth));
    for (const k of offsets) cohort.active.set(k, (cohort.active.get(k) ?? 0) + 1);
    cohorts.set(cohortMonth, cohort);
  }
  const months = [...cohorts.keys()].sort((a, b) => a - b);
  const maxOffset = months.length > 0 ? asOfMonth - (months[0] ?? asOfMonth) : 0;
  const sums = Array.from({ length: maxOffset + 1 }, () => ({ active: 0, size: 0 }));
  const rows = months.map((month): CohortRetentionRow => {
    const c = cohorts.get(month) ?? { size: 0, active: new Map<number, number>() };
    const observable = asOfMonth - month;
    const active = Array.from({ length: maxOffset + 1 }, (_, k) =>
      k <= observable ? (c.active.get(k) ?? 0) : null,
    );
    active.forEach((a, k) => {
      const s = sums[k];
      if (a !== null && s) {
        s.active += a;
        s.size += c.size;
      }
    });
    return {
      cohort: isoMonthFromIndex(month),
      size: c.size,
      active,
      rates: active.map((a) => (a === null ? null : a / c.size)),
    };
  });
  return ok({
    asOf,
    asOfDate: isoDateFromDay(asOf),
    maxOffset: months.length > 0 ? maxOffset : 0,
    cohorts: rows,
    averageRates: months.length > 0 ? sums.map((s) => (s.size > 0 ? s.active / s.size : null)) : [],
  });
}

/** A reporting period of day numbers, `end` exclusive. */
export interface DayPeriod {
  readonly start: number;
  readonly end: number;
}

export interface ChurnOptions {
  readonly asOf: number;
  /** Days without a purchase after which a customer counts as lost; default 90. */
  readonly inactivityDays?: number;
  /**
   * Periods to report, in any order (reported as given); default calendar months from the
   * first purchase's month to the month of `asOf`. Periods are cut at `asOf` (inclusive).
   */
  readonly periods?: readonly DayPeriod[];
}

export interface ChurnPeriod {
  /** First day (day number) of the period. */
  readonly start: number;
  /** Exclusive end (day number) as given, before cutting at asOf. */
  readonly end: number;
  /** ISO first day and ISO last day included in the counts (≤ asOf). */
  readonly startDate: string;
  readonly lastDate: string;
  /** False when the period extends past `asOf` (counts cover only its observed part). */
  readonly complete: boolean;
  readonly activeAtStart: number;
  /** First purchases in the period. */
  readonly newCustomers: number;
  /** Purchases by lost customers (won back) in the period. */
  readonly reactivated: number;
  /** Loss events in the period (a customer lost, won back and lost again counts twice). */
  readonly lost: number;
  /** Customers active at the start who were lost during the period. */
  readonly lostFromStart: number;
  /** lostFromStart / activeAtStart, 0–1; null when nobody was active at the start. */
  readonly churnRate: number | null;
  /** Equals activeAtStart + newCustomers + reactivated − lost. */
  readonly activeAtEnd: number;
  /** Customers with a loss event in the period, sorted. */
  readonly lostCustomerIds: readonly string[];
}

export interface ChurnAnalysis {
  readonly asOf: number;
  readonly inactivityDays: number;
  readonly periods: readonly ChurnPeriod[];
}

interface CustomerTimeline {
  readonly id: string;
  readonly first: number;
  readonly lossDays: number[];
  readonly reactivationDays: number[];
  readonly days: readonly number[];
}

function isActiveOn(days: readonly number[], day: number, inactivityDays: number): boolean {
  // latest purchase ≤ day, by binary search
  let lo = 0;
  let hi = days.length - 1;
  let latest: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = days[mid] ?? 0;
    if (d <= day) {
      latest = d;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return latest !== null && day - latest < inactivityDays;
}

/**
 * Churn per period: customers active at the start, new, reactivated, lost, churn rate.
 *
 * @example
 * const churn = computeChurnByPeriod(
 *   [{ customerId: 'a', day: 19_723 }, { customerId: 'b', day: 19_725 }, { customerId: 'b', day: 19_790 }],
 *   { asOf: 19_850, inactivityDays: 60 },
 * );
 * // churn.ok && churn.value.periods[2] is March 2024: activeAtStart 2, lost 2 (a on 03-01,
 * // b on 03-03), reactivated 1 (b on 03-08), churnRate 1, activeAtEnd 1
 */
export function computeChurnByPeriod(
  purchases: readonly PurchaseEvent[],
  options: ChurnOptions,
): MeasureResult<ChurnAnalysis> {
  const { asOf } = options;
  const inactivityDays = options.inactivityDays ?? 90;
  const valid = validateEvents(purchases, asOf);
  if (!valid.ok) return valid;
  if (!Number.isInteger(inactivityDays) || inactivityDays < 1)
    return fail(
      'invalid-option',
      'inactivityDays must be a positive integer',
      'options.inactivityDays',
    );
  const timelines: CustomerTimeline[] = [];
  for (const [id, days] of daysByCustomer(purchases, asOf)) {
    const lossDays: number[] = [];
    const reactivationDays: number[] = [];
    days.forEach((d, i) => {
      const next = days[i + 1];
      if (next === undefined) {
        if (d + inactivityDays <= asOf) lossDays.push(d + inactivityDays);
      } else if (next - d > inactivityDays) {
        lossDays.push(d + inactivityDays);
        reactivationDays.push(next);
      }
    });
    timelines.push({ id, first: days[0] ?? 0, lossDays, reactivationDays, days });
  }
  let periods: readonly DayPeriod[];
  if (options.periods) {
    for (const [i, p] of options.periods.entries())
      if (
        !Number.isInteger(p.start) ||
        !Number.isInteger(p.end) ||
        p.end <= p.start ||
        p.start > asOf
      )
        return fail(
          'invalid-option',
          'periods need integer start < end with start on or before asOf',
          `options.periods[${i}]`,
        );
    periods = options.periods;
  } else if (timelines.length === 0) {
    periods = [];
  } else {
    const firstMonth = monthIndexFromDay(Math.min(...timelines.map((t) => t.first)));
    const lastMonth = monthIndexFromDay(asOf);
    const generated: DayPeriod[] = [];
    for (let m = firstMonth; m <= lastMonth; m++)
      generated.push({ start: dayFromMonthIndex(m), end: dayFromMonthIndex(m + 1) });
    periods = generated;
  }
  const inRange = (d: number, s: number, e: number): boolean => d >= s && d < e;
  const result = periods.map((period): ChurnPeriod => {
    const s = period.start;
    const e = Math.min(period.end, asOf + 1);
    let activeAtStart = 0;
    let newCustomers = 0;
    let reactivated = 0;
    let lost = 0;
    let lostFromStart = 0;
    let activeAtEnd = 0;
    const lostIds: string[] = [];
    for (const t of timelines) {
      const wasActive = isActiveOn(t.days, s - 1, inactivityDays);
      if (wasActive) activeAtStart += 1;
      if (inRange(t.first, s, e)) newCustomers += 1;
      reactivated += t.reactivationDays.filter((d) => inRange(d, s, e)).length;
      const losses = t.lossDays.filter((d) => inRange(d, s, e)).length;
      lost += losses;
      if (losses > 0) {
        lostIds.push(t.id);
        // the first loss in the period ends the activity the customer started it with
        if (wasActive) lostFromStart += 1;
      }
      if (isActiveOn(t.days, e - 1, inactivityDays)) activeAtEnd += 1;
    }
    return {
      start: period.start,
      end: period.end,
      startDate: isoDateFromDay(s),
      lastDate: isoDateFromDay(e - 1),
      complete: period.end <= asOf + 1,
      activeAtStart,
      newCustomers,
      reactivated,
      lost,
      lostFromStart,
      churnRate: activeAtStart > 0 ? lostFromStart / activeAtStart : null,
      activeAtEnd,
      lostCustomerIds: lostIds.sort(),
    };
  });
  return ok({ asOf, inactivityDays, periods: result });
}
