import { fail, ok, type Result } from './errors.ts';

/** Time unit of recency, age and horizons: days, or weeks of 7 days as in the literature. */
export type SummaryPeriod = 'day' | 'week';

/**
 * Purchases as columns (fast for millions of rows): the customer key, the UTC day number
 * (integer days since 1970-01-01, see `parseDay`) and the amount (any currency unit, e.g. minor
 * units; zero is allowed, negative is not). Rows may come in any order.
 */
export interface PurchaseColumns {
  readonly customerId: ArrayLike<string> | ArrayLike<number>;
  readonly day: ArrayLike<number>;
  readonly amount: ArrayLike<number>;
}

/** One purchase as a row; see `purchasesToColumns`. */
export interface Purchase {
  readonly customerId: string | number;
  readonly day: number;
  readonly amount: number;
}

export interface SummaryOptions {
  /** Last day (inclusive) of the calibration period, as a UTC day number. */
  readonly calibrationEnd: number;
  /** Last day (inclusive) of the holdout period; defaults to `calibrationEnd` (no holdout). */
  readonly observationEnd?: number;
  /** Unit of t_x, T and the holdout duration; default 'week'. Same-day purchases always merge. */
  readonly period?: SummaryPeriod;
}

/** Repeat transactions per day, for tracking curves: counts[i] is day originDay + i. */
export interface DailyRepeats {
  readonly originDay: number;
  readonly counts: Float64Array;
}

/**
 * One entry per customer whose first purchase is on or before the calibration end, in order of
 * first appearance in the input. x = repeat purchase days in calibration, tx = last − first
 * purchase, T = calibration end − first purchase (in `period` units), monetary = mean spend per
 * repeat purchase day (first purchase excluded; 0 when x = 0).
 */
export interface TransactionSummary {
  readonly period: SummaryPeriod;
  readonly calibrationEnd: number;
  readonly observationEnd: number;
  readonly customerIds: ReadonlyArray<string | number>;
  readonly firstDay: Int32Array;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly monetary: Float64Array;
  /** Purchase days in (calibrationEnd, observationEnd]. */
  readonly holdoutX: Float64Array;
  readonly holdoutSpend: Float64Array;
  /** Length of the holdout period in `period` units. */
  readonly holdoutDuration: number;
  readonly dailyRepeats: DailyRepeats;
  /** Customers left out because their first purchase is after the calibration end. */
  readonly excludedCustomers: number;
}

const MS_PER_DAY = 86_400_000;
const MAX_ABS_DAY = 100_000_000;

/** Day length of one period unit. */
export function daysPerPeriod(period: SummaryPeriod): number {
  return period === 'week' ? 7 : 1;
}

/**
 * Parses `YYYY-MM-DD` or `YYYYMMDD` to a UTC day number (days since 1970-01-01).
 *
 * @example
 * parseDay('1997-09-30'); // { ok: true, value: 10134 }
 * parseDay('19970930'); // { ok: true, value: 10134 }
 */
export function parseDay(text: string): Result<number> {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim());
  const compactOrDashed = match !== null && (text.trim().length === 8 || text.trim().length === 10);
  if (match === null || !compactOrDashed) {
    return fail('INVALID_DATE', `Unparseable date "${text}": expected YYYY-MM-DD or YYYYMMDD`);
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    return fail('INVALID_DATE', `No such calendar day "${text}"`);
  }
  return ok(Math.round(ms / MS_PER_DAY));
}

/**
 * UTC day number of an epoch-milliseconds instant (the day it falls on in UTC).
 *
 * @example
 * dayFromEpochMilliseconds(Date.UTC(1997, 8, 30, 18)); // { ok: true, value: 10134 }
 */
export function dayFromEpochMilliseconds(ms: number): Result<number> {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_ABS_DAY * MS_PER_DAY) {
    return fail('INVALID_DATE', `${ms} is not a valid epoch-milliseconds instant`);
  }
  return ok(Math.floor(ms / MS_PER_DAY));
}

/** Formats a UTC day number as `YYYY-MM-DD`. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Converts purchase rows to the columnar input of `summarizeTransactions`. */
export function purchasesToColumns(purchases: readonly Purchase[]): PurchaseColumns {
  const n = purchases.length;
  const customerId: (string | number)[] = new Array<string | number>(n);
  const day = new Float64Array(n);
  const amount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const purchase = purchases[i];
    if (purchase === undefined) continue;
    customerId[i] = purchase.customerId;
    day[i] = purchase.day;
    amount[i] = purchase.amount;
  }
  return { customerId: customerId as ArrayLike<string> | ArrayLike<number>, day, amount };
}

interface DenseIds {
  readonly code: Int32Array;
  readonly ids: (string | number)[];
}

// Maps arbitrary keys to dense codes 0..C−1 in order of first appearance.
function densifyIds(source: ArrayLike<string> | ArrayLike<number>): Result<DenseIds> {
  const n = source.length;
  const code = new Int32Array(n);
  const ids: (string | number)[] = [];
  let allIntegers = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const id = source[i];
    if (typeof id === 'number') {
      if (!Number.isFinite(id)) {
        return fail('INVALID_CUSTOMER_ID', `Row ${i}: customer id ${id} is not finite`);
      }
      if (!Number.isInteger(id)) allIntegers = false;
      if (id < min) min = id;
      if (id > max) max = id;
    } else if (typeof id === 'string') {
      allIntegers = false;
    } else {
      return fail('INVALID_CUSTOMER_ID', `Row ${i}: customer id must be a string or number`);
    }
  }
  if (allIntegers && max - min <= 2 * n + 1024) {
    // Integer keys in a compact range: a slot table instead of a hash map.
    const slot = new Int32Array(max - min + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const id = source[i] as number;
      const s = id - min;
      let c = slot[s] ?? -1;
      if (c < 0) {
        c = ids.length;
        slot[s] = c;
        ids.push(id);
      }
      code[i] = c;
    }
    return ok({ code, ids });
  }
  const map = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const id = source[i] as string | number;
    let c = map.get(id);
    if (c === undefined) {
      c = ids.length;
      map.set(id, c);
      ids.push(id);
    }
    code[i] = c;
  }
  return ok({ code, ids });
}

/**
 * Summarises raw purchases into the (x, t_x, T) histories of the buy-till-you-die models plus
 * mean repeat spend and holdout counts. Purchases on the same day merge (amounts add up). Rows
 * may be in any order. O(n) counting sort by customer, then a short sort of each customer's days.
 *
 * @example
 * const calibrationEnd = unwrap(parseDay('1997-09-30'));
 * const summary = unwrap(
 *   summarizeTransactions(
 *     { customerId: ['a', 'a', 'b'], day: [9862, 9890, 9870], amount: [10, 12, 5] },
 *     { calibrationEnd, period: 'week' },
 *   ),
 * );
 * summary.x; // Float64Array [1, 0]
 * summary.T; // Float64Array [≈ 38.86, ≈ 37.71]
 */
export function summarizeTransactions(
  purchases: PurchaseColumns,
  options: SummaryOptions,
): Result<TransactionSummary> {
  const n = purchases.customerId.length;
  if (purchases.day.length !== n || purchases.amount.length !== n) {
    return fail('LENGTH_MISMATCH', 'customerId, day and amount must have the same length');
  }
  if (n === 0) return fail('EMPTY_INPUT', 'No purchases');
  const period = options.period ?? 'week';
  if (period !== 'day' && period !== 'week') {
    return fail('INVALID_PERIOD', `Unknown period "${String(period)}"`);
  }
  const calibrationEnd = options.calibrationEnd;
  const observationEnd = options.observationEnd ?? calibrationEnd;
  if (!Number.isInteger(calibrationEnd) || Math.abs(calibrationEnd) > MAX_ABS_DAY) {
    return fail('INVALID_DATE', `calibrationEnd ${calibrationEnd} is not an integer day number`);
  }
  if (!Number.isInteger(observationEnd) || Math.abs(observationEnd) > MAX_ABS_DAY) {
    return fail('INVALID_DATE', `observationEnd ${observationEnd} is not an integer day number`);
  }
  if (observationEnd < calibrationEnd) {
    return fail('OBSERVATION_BEFORE_CALIBRATION', 'observationEnd is before calibrationEnd');
  }
  const dayColumn = purchases.day;
  const amountColumn = purchases.amount;
  let minDay = Infinity;
  for (let i = 0; i < n; i++) {
    const d = dayColumn[i] ?? NaN;
    if (!Number.isInteger(d) || Math.abs(d) > MAX_ABS_DAY) {
      return fail(
        'INVALID_DATE',
        `Row ${i}: day ${d} is not an integer UTC day number (epoch ms? see dayFromEpochMilliseconds)`,
      );
    }
    if (d < minDay) minDay = d;
    const a = amountColumn[i] ?? NaN;
    if (!Number.isFinite(a)) return fail('INVALID_AMOUNT', `Row ${i}: amount ${a} is not finite`);
    if (a < 0) return fail('NEGATIVE_AMOUNT', `Row ${i}: amount ${a} is negative`);
  }
  const dense = densifyIds(purchases.customerId);
  if (!dense.ok) return dense;
  const { code, ids } = dense.value;
  const customers = ids.length;

  // Counting sort of row indices by customer code (stable).
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < n; i++) {
    const slot = (code[i] ?? 0) + 1;
    start[slot] = (start[slot] ?? 0) + 1;
  }
  let largestGroup = 0;
  for (let c = 0; c < customers; c++) {
    largestGroup = Math.max(largestGroup, start[c + 1] ?? 0);
    start[c + 1] = (start[c + 1] ?? 0) + (start[c] ?? 0);
  }
  const cursor = start.slice(0, customers);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = code[i] ?? 0;
    order[cursor[c] ?? 0] = i;
    cursor[c] = (cursor[c] ?? 0) + 1;
  }

  const unit = daysPerPeriod(period);
  const firstDayAll = new Int32Array(customers);
  const xAll = new Float64Array(customers);
  const txAll = new Float64Array(customers);
  const monetaryAll = new Float64Array(customers);
  const holdoutXAll = new Float64Array(customers);
  const holdoutSpendAll = new Float64Array(customers);
  const included = new Uint8Array(customers);
  const days = new Int32Array(largestGroup);
  const amounts = new Float64Array(largestGroup);
  // The earliest purchase is some customer's first, so it is the origin of the tracking curve.
  const originDay = minDay;
  const counts = new Float64Array(Math.max(0, observationEnd - originDay + 1));
  let includedCount = 0;

  for (let c = 0; c < customers; c++) {
    const from = start[c] ?? 0;
    const length = (start[c + 1] ?? 0) - from;
    for (let k = 0; k < length; k++) {
      const row = order[from + k] ?? 0;
      days[k] = dayColumn[row] ?? 0;
      amounts[k] = amountColumn[row] ?? 0;
    }
    sortByDay(days, amounts, length);
    const first = days[0] ?? 0;
    if (first > calibrationEnd) continue;
    included[c] = 1;
    includedCount++;
    firstDayAll[c] = first;
    let repeatDays = 0;
    let repeatSpend = 0;
    let lastDay = first;
    let holdoutDays = 0;
    let holdoutSpend = 0;
    let previous = first;
    for (let k = 1; k < length; k++) {
      const d = days[k] ?? 0;
      const amount = amounts[k] ?? 0;
      if (d === first) continue; // merged into the first purchase
      if (d !== previous && d <= observationEnd)
        counts[d - originDay] = (counts[d - originDay] ?? 0) + 1;
      if (d <= calibrationEnd) {
        if (d !== previous) repeatDays++;
        repeatSpend += amount;
        lastDay = d;
      } else if (d <= observationEnd) {
        if (d !== previous) holdoutDays++;
        holdoutSpend += amount;
      }
      previous = d;
    }
    xAll[c] = repeatDays;
    txAll[c] = (lastDay - first) / unit;
    monetaryAll[c] = repeatDays > 0 ? repeatSpend / repeatDays : 0;
    holdoutXAll[c] = holdoutDays;
    holdoutSpendAll[c] = holdoutSpend;
  }
  if (includedCount === 0) {
    return fail(
      'CALIBRATION_BEFORE_FIRST_PURCHASE',
      'The calibration period ends before the first purchase of every customer',
    );
  }

  const customerIds: (string | number)[] = new Array<string | number>(includedCount);
  const firstDay = new Int32Array(includedCount);
  const x = new Float64Array(includedCount);
  const tx = new Float64Array(includedCount);
  const T = new Float64Array(includedCount);
  const monetary = new Float64Array(includedCount);
  const holdoutX = new Float64Array(includedCount);
  const holdoutSpend = new Float64Array(includedCount);
  let out = 0;
  for (let c = 0; c < customers; c++) {
    if (included[c] === 0) continue;
    const first = firstDayAll[c] ?? 0;
    customerIds[out] = ids[c] ?? '';
    firstDay[out] = first;
    x[out] = xAll[c] ?? 0;
    tx[out] = txAll[c] ?? 0;
    T[out] = (calibrationEnd - first) / unit;
    monetary[out] = monetaryAll[c] ?? 0;
    holdoutX[out] = holdoutXAll[c] ?? 0;
    holdoutSpend[out] = holdoutSpendAll[c] ?? 0;
    out++;
  }

  return ok({
    period,
    calibrationEnd,
    observationEnd,
    customerIds,
    firstDay,
    x,
    tx,
    T,
    monetary,
    holdoutX,
    holdoutSpend,
    holdoutDuration: (observationEnd - calibrationEnd) / unit,
    dailyRepeats: { originDay, counts },
    excludedCustomers: customers - includedCount,
  });
}

// Sorts the first `length` (day, amount) pairs by day: insertion sort for the usual short
// histories, an index sort for long ones.
function sortByDay(days: Int32Array, amounts: Float64Array, length: number): void {
  if (length <= 32) {
    for (let i = 1; i < length; i++) {
      const d = days[i] ?? 0;
      const a = amounts[i] ?? 0;
      let j = i - 1;
      while (j >= 0 && (days[j] ?? 0) > d) {
        days[j + 1] = days[j] ?? 0;
        amounts[j + 1] = amounts[j] ?? 0;
        j--;
      }
      days[j + 1] = d;
      amounts[j + 1] = a;
    }
    return;
  }
  const index = new Int32Array(length);
  for (let i = 0; i < length; i++) index[i] = i;
  index.sort((i, j) => (days[i] ?? 0) - (days[j] ?? 0));
  const d = days.slice(0, length);
  const a = amounts.slice(0, length);
  for (let i = 0; i < length; i++) {
    const k = index[i] ?? 0;
    days[i] = d[k] ?? 0;
    amounts[i] = a[k] ?? 0;
  }
}
