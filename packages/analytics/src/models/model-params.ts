import { AnalyticsError } from './errors.ts';

/** Throws INVALID_PARAMETER unless every listed parameter is finite and > 0. */
export function assertPositiveParams(
  model: string,
  params: Readonly<Record<string, number>>,
): void {
  for (const [name, value] of Object.entries(params)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new AnalyticsError(
        'INVALID_PARAMETER',
        `${model}: ${name} = ${value} must be finite and > 0`,
      );
    }
  }
}

/** Throws INVALID_ARGUMENT unless t is finite and ≥ 0. */
export function assertHorizon(t: number): void {
  if (!(Number.isFinite(t) && t >= 0)) {
    throw new AnalyticsError('INVALID_ARGUMENT', `t = ${t} must be finite and ≥ 0`);
  }
}

/** Throws INVALID_ARGUMENT unless (x, t_x, T) is a valid history. */
export function assertHistory(x: number, tx: number, T: number): void {
  if (!(Number.isInteger(x) && x >= 0 && Number.isFinite(T) && tx >= 0 && tx <= T)) {
    throw new AnalyticsError(
      'INVALID_ARGUMENT',
      `Need integer x ≥ 0 and 0 ≤ t_x ≤ T, got x=${x}, t_x=${tx}, T=${T}`,
    );
  }
}

/** Throws INVALID_ARGUMENT unless n is an integer ≥ 0. */
export function assertCount(n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new AnalyticsError('INVALID_ARGUMENT', `n = ${n} must be an integer ≥ 0`);
  }
}

/** Starting purchase-rate parameters from the mean repeat rate of the data. */
export function startingRate(
  x: ArrayLike<number>,
  T: ArrayLike<number>,
  weight: ArrayLike<number>,
): number {
  let purchases = 0;
  let exposure = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weight[i] ?? 0;
    purchases += w * (x[i] ?? 0);
    exposure += w * (T[i] ?? 0);
  }
  const rate = purchases / exposure;
  return Number.isFinite(rate) && rate > 0 ? rate : 1;
}
