/**
 * Expected failures of the measures are values, never exceptions: a caller (server module,
 * CLI, UI) can show `error.message`, map `error.code` to its own wording, and point at
 * `error.field` in a form.
 */

/** Stable, machine-readable reasons a measure could not be computed. */
export type MeasureErrorCode =
  'invalid-input' | 'invalid-option' | 'insufficient-data' | 'singular-matrix' | 'no-convergence';

export interface MeasureError {
  readonly code: MeasureErrorCode;
  readonly message: string;
  /** Path of the offending input, e.g. `customers[3].totalSpend` or `options.bins`. */
  readonly field?: string;
}

export type MeasureResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: MeasureError };

export function ok<T>(value: T): MeasureResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(
  code: MeasureErrorCode,
  message: string,
  field?: string,
): MeasureResult<T> {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}
