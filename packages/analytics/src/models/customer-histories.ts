import { fail, ok, type Result } from './errors.ts';

/**
 * Customer histories as the count models read them: x repeat purchases, recency t_x and age T
 * (same time unit), optionally weighted (a weight w stands for w identical customers).
 * `TransactionSummary` is one.
 */
export interface CustomerHistories {
  readonly x: ArrayLike<number>;
  readonly tx: ArrayLike<number>;
  readonly T: ArrayLike<number>;
  readonly weight?: ArrayLike<number>;
}

/**
 * Weighted unique (x, t_x, T) rows, with their unique (x, T) and (x, t_x) pairs and distinct x
 * values, so the likelihoods evaluate each log, 2F1 and lgamma once per distinct argument.
 */
export interface UniqueHistories {
  readonly size: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
  /** Customer i of the input is unique row customerRow[i]. */
  readonly customerRow: Int32Array;
  readonly totalWeight: number;
  readonly repeatWeight: number;
  /** Distinct x values; rows and pairs refer to them by index. */
  readonly xValues: Float64Array;
  readonly rowX: Int32Array;
  readonly ageX: Int32Array;
  readonly ageT: Float64Array;
  readonly rowAge: Int32Array;
  readonly recencyX: Int32Array;
  readonly recencyT: Float64Array;
  readonly rowRecency: Int32Array;
}

/** Checks histories (finite, 0 ≤ t_x ≤ T, integer x ≥ 0, t_x = 0 when x = 0) and deduplicates. */
export function uniqueHistories(data: CustomerHistories): Result<UniqueHistories> {
  const n = data.x.length;
  if (data.tx.length !== n || data.T.length !== n || (data.weight && data.weight.length !== n)) {
    return fail('LENGTH_MISMATCH', 'x, tx, T (and weight) must have the same length');
  }
  if (n === 0) return fail('EMPTY_INPUT', 'No customers');
  const xIndex = new Map<number, number>();
  const xValues: number[] = [];
  const ageIndex = new Map<number, Map<number, number>>();
  const recencyIndex = new Map<number, Map<number, number>>();
  const rowIndex = new Map<number, Map<number, Map<number, number>>>();
  const ageX: number[] = [];
  const ageT: number[] = [];
  const recencyX: number[] = [];
  const recencyT: number[] = [];
  const rowX: number[] = [];
  const rowAge: number[] = [];
  const rowRecency: number[] = [];
  const rx: number[] = [];
  const rtx: number[] = [];
  const rT: number[] = [];
  const weights: number[] = [];
  const customerRow = new Int32Array(n);
  let totalWeight = 0;
  let repeatWeight = 0;
  for (let i = 0; i < n; i++) {
    const x = data.x[i] ?? NaN;
    const tx = data.tx[i] ?? NaN;
    const T = data.T[i] ?? NaN;
    const w = data.weight ? (data.weight[i] ?? NaN) : 1;
    if (!Number.isInteger(x) || x < 0) {
      return fail('INVALID_HISTORY', `Customer ${i}: x = ${x} must be an integer ≥ 0`);
    }
    if (!Number.isFinite(tx) || !Number.isFinite(T) || tx < 0 || tx > T) {
      return fail('INVALID_HISTORY', `Customer ${i}: need 0 ≤ t_x ≤ T, got t_x=${tx}, T=${T}`);
    }
    if (x === 0 && tx !== 0) {
      return fail('INVALID_HISTORY', `Customer ${i}: t_x must be 0 when x = 0`);
    }
    if (!Number.isFinite(w) || w < 0) {
      return fail('INVALID_HISTORY', `Customer ${i}: weight ${w} must be finite and ≥ 0`);
    }
    totalWeight += w;
    if (x > 0) repeatWeight += w;
    let byT = rowIndex.get(x);
    if (byT === undefined) {
      byT = new Map();
      rowIndex.set(x, byT);
      xIndex.set(x, xValues.length);
      xValues.push(x);
      ageIndex.set(x, new Map());
      recencyIndex.set(x, new Map());
    }
    let byTx = byT.get(T);
    if (byTx === undefined) {
      byTx = new Map();
      byT.set(T, byTx);
    }
    let row = byTx.get(tx);
    if (row === undefined) {
      row = rx.length;
      byTx.set(tx, row);
      const xi = xIndex.get(x) ?? 0;
      const ages = ageIndex.get(x) ?? new Map<number, number>();
      let age = ages.get(T);
      if (age === undefined) {
        age = ageX.length;
        ages.set(T, age);
        ageX.push(xi);
        ageT.push(T);
      }
      const recencies = recencyIndex.get(x) ?? new Map<number, number>();
      let recency = recencies.get(tx);
      if (recency === undefined) {
        recency = recencyX.length;
        recencies.set(tx, recency);
        recencyX.push(xi);
        recencyT.push(tx);
      }
      rx.push(x);
      rtx.push(tx);
      rT.push(T);
      weights.push(0);
      rowX.push(xi);
      rowAge.push(age);
      rowRecency.push(recency);
    }
    weights[row] = (weights[row] ?? 0) + w;
    customerRow[i] = row;
  }
  if (!(totalWeight > 0)) return fail('EMPTY_INPUT', 'All customer weights are zero');
  return ok({
    size: rx.length,
    x: Float64Array.from(rx),
    tx: Float64Array.from(rtx),
    T: Float64Array.from(rT),
    weight: Float64Array.from(weights),
    customerRow,
    totalWeight,
    repeatWeight,
    xValues: Float64Array.from(xValues),
    rowX: Int32Array.from(rowX),
    ageX: Int32Array.from(ageX),
    ageT: Float64Array.from(ageT),
    rowAge: Int32Array.from(rowAge),
    recencyX: Int32Array.from(recencyX),
    recencyT: Float64Array.from(recencyT),
    rowRecency: Int32Array.from(rowRecency),
  });
}
