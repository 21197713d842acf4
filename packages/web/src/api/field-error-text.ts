import type { TFunction } from 'i18next';
import type { FieldError } from '@fidelis/contracts';

type Described = Pick<FieldError, 'message' | 'reason' | 'params'>;

/** The param whose value picks a more specific wording of a reason (`invalid_format_email`). */
const variantParam: Partial<Record<NonNullable<FieldError['reason']>, string>> = {
  invalid_type: 'expected',
  invalid_format: 'format',
};

/** Reasons worded differently when the server lists the allowed values. */
const withOptions = new Set<string>(['invalid_value', 'unknown_column', 'column_missing']);

const keyPart = (value: unknown): string | null =>
  typeof value === 'string' && /^[a-z0-9_]+$/i.test(value) ? value : null;

/**
 * The i18n keys that can word a field error, most specific first: `too_small` of a string with
 * `minimum: 1` → `fieldErrors.too_small_string_empty`, `…too_small_string`, `…too_small`.
 * An exclusive or exact bound never falls back to a wording without it.
 */
export function fieldErrorKeys(error: Described): string[] {
  const { reason, params = {} } = error;
  if (!reason) return [];
  const keys: string[] = [];
  if (reason === 'too_small' || reason === 'too_big') {
    const origin = keyPart(params['origin']);
    const bound = keyPart(params['bound']);
    if (bound) {
      if (origin) keys.push(`${reason}_${origin}_${bound}`);
      keys.push(`${reason}_${bound}`);
    } else {
      const empty =
        reason === 'too_small' &&
        params['minimum'] === 1 &&
        (origin === 'string' || origin === 'array');
      if (empty) keys.push(`${reason}_${origin}_empty`);
      if (origin) keys.push(`${reason}_${origin}`);
      keys.push(reason);
    }
  } else {
    const name = variantParam[reason];
    const variant = name ? keyPart(params[name]) : null;
    if (variant) keys.push(`${reason}_${variant}`);
    if (withOptions.has(reason) && params['options'] !== undefined) keys.push(`${reason}_options`);
    keys.push(reason);
  }
  return keys.map((key) => `fieldErrors.${key}`);
}

/**
 * A field error in the user's language, by its reason with the params put in; the server's
 * (English) message where there is no reason, or no wording for it.
 */
export function fieldErrorText(t: TFunction, error: Described): string {
  const keys = fieldErrorKeys(error);
  if (keys.length === 0) return error.message;
  const params = error.params ?? {};
  // A `count` picks the plural form where the language has one ("1 customer", "2 customers").
  const count = typeof params['count'] === 'number' ? { count: params['count'] } : {};
  return t(keys, { replace: params, ...count, defaultValue: error.message });
}

/**
 * The server's sentence to show under a problem's title. A problem's `detail` is English; in
 * another language, a problem that names its fields says the same in the user's words through
 * them (on the form's fields, or listed under the title), so the English sentence is left out.
 * A problem without fields keeps it: it is all there is.
 */
export function problemDetail(
  language: string,
  problem: { detail: string | undefined; fieldErrors: readonly unknown[] },
): string | undefined {
  return problem.fieldErrors.length > 0 && !language.startsWith('en') ? undefined : problem.detail;
}
