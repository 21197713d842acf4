/** Stable codes of the expected failures of the CLV models. */
export type AnalyticsErrorCode =
  | 'EMPTY_INPUT'
  | 'LENGTH_MISMATCH'
  | 'INVALID_DATE'
  | 'INVALID_AMOUNT'
  | 'NEGATIVE_AMOUNT'
  | 'NON_POSITIVE_AMOUNT'
  | 'INVALID_CUSTOMER_ID'
  | 'INVALID_PERIOD'
  | 'CALIBRATION_BEFORE_FIRST_PURCHASE'
  | 'OBSERVATION_BEFORE_CALIBRATION'
  | 'INVALID_HISTORY'
  | 'NO_REPEAT_BUYERS'
  | 'INVALID_PARAMETER'
  | 'INVALID_ARGUMENT'
  | 'NO_HOLDOUT';

/** A typed failure with a stable `code`; `detail` says where (row index, field). */
export class AnalyticsError extends Error {
  readonly code: AnalyticsErrorCode;
  constructor(code: AnalyticsErrorCode, message: string) {
    super(message);
    this.name = 'AnalyticsError';
    this.code = code;
  }
}

/** Expected failures are values in this library: check `ok` before using `value`. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AnalyticsError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(code: AnalyticsErrorCode, message: string): Result<T> {
  return { ok: false, error: new AnalyticsError(code, message) };
}

/** Returns the value of a successful result, or throws its `AnalyticsError`. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}
