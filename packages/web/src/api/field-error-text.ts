import type { TFunction } from 'i18next';
import type { FieldError } from '@fidelis/contracts';

type Described = Pick<FieldError, 'message' | 'reason' | 'params'> & { field?: string };

/** The param whose value picks a more specific wording of a reason (`invalid_format_email`). */
const variantParam: Partial<Record<NonNullable<FieldError['reason']>, string>> = {
  invalid_type: 'expected',
  invalid_format: 'format',
};

/** Reasons worded with their instant when the server gives one (`params.at`, ISO 8601). */
const withInstant = new Set<string>(['not_started', 'ended']);

/** Reasons worded differently when the server lists the allowed values. */
const withOptions = new Set<string>(['invalid_value', 'unknown_column', 'column_missing']);

const keyPart = (value: unknown): string | null =>
  typeof value === 'string' && /^[a-z0-9_]+$/i.test(value) ? value : null;

/**
 * The i18n keys that can word a field error, most specific first: `too_small` of a string with
 * `minimum: 1` → `fieldErrors.too_small_string_empty`, `…too_small_string`, `…too_small`.
 * An exclusive or exact bound never falls back to a wording without it. A wording for the
 * field comes first of all (`already_used` of `email` → `fieldErrors.already_used_field_email`,
 * "This email is already used"), where there is one.
 */
export function fieldErrorKeys(error: Described): string[] {
  const { reason, params = {} } = error;
  if (!reason) return [];
  const keys: string[] = [];
  // The field by its last name (`lines[0].email` → `email`).
  const fieldName = keyPart(
    error.field?.match(/[^.[\]]+/g)?.findLast((part) => !/^\d+$/.test(part)),
  );
  if (fieldName) keys.push(`${reason}_field_${fieldName}`);
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
    if (withInstant.has(reason) && instantOf(params['at'])) keys.push(`${reason}_at`);
    keys.push(reason);
  }
  return keys.map((key) => `fieldErrors.${key}`);
}

function instantOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * A field error in the user's language, by its reason with the params put in; the server's
 * (English) message where there is no reason, or no wording for it. An instant (`at`) reads as
 * a date in the user's language ("从 2026年12月24日 起可兑换").
 */
export function fieldErrorText(t: TFunction, error: Described): string {
  const keys = fieldErrorKeys(error);
  if (keys.length === 0) return error.message;
  const params = error.params ?? {};
  const at = instantOf(params['at']);
  // A `count` picks the plural form where the language has one ("1 customer", "2 customers").
  const count = typeof params['count'] === 'number' ? { count: params['count'] } : {};
  return t(keys, {
    replace: at ? { ...params, at } : params,
    ...count,
    formatParams: { at: { dateStyle: 'long' } },
    defaultValue: error.message,
  });
}

/** What the UI says of a problem (see `problemText`). */
export interface ProblemText {
  /** What happened, by the problem's `code` (and for a `CONFLICT`, its kind), in the user's language. */
  title: string;
  /** What to show under the title: the server's sentence in English, else what only it says. */
  detail: string | undefined;
  /** The field errors in the user's language, `field: words` each. */
  fields: string[];
  /**
   * The server's (English) sentence where `detail` leaves it out, for a disclosure: in another
   * language the title and the fields say it; the sentence may still name the record.
   */
  serverDetail: string | undefined;
  /** Title and what explains it on one line, for a toast. */
  line: string;
}

/**
 * The i18n key of a problem's title. A `CONFLICT` is mostly a rule of the domain, told by its
 * field errors (an email already used, the last owner, a coupon used): a neutral "could not be
 * done", the field errors saying why. One without a field error is two requests that met (a
 * concurrent import): "someone else changed this". An If-Match mismatch has its own code.
 */
function titleKey(problem: { code: string; fieldErrors: readonly unknown[] }): string {
  if (problem.code === 'CONFLICT' && problem.fieldErrors.length === 0)
    return 'errors.CONFLICT_concurrent';
  return `errors.${problem.code}`;
}

/**
 * A problem in the user's language. The server's `detail` is English: in English it goes under
 * the title; in another language the title (by `code`) and the field errors (by `reason`) say
 * it in the user's words, an internal error gives its request id to quote, and the English
 * sentence is kept apart (`serverDetail`).
 */
export function problemText(
  t: TFunction,
  language: string,
  problem: {
    code: string;
    detail: string | undefined;
    fieldErrors: readonly (Described & { field: string })[];
    requestId?: string | undefined;
  },
): ProblemText {
  const title = t(titleKey(problem), { defaultValue: t('errors.INTERNAL') });
  const fields = problem.fieldErrors.map((error) => `${error.field}: ${fieldErrorText(t, error)}`);
  const english = language.startsWith('en');
  const internal =
    !t(`errors.${problem.code}`, { defaultValue: '' }) || problem.code === 'INTERNAL';
  const quote =
    internal && problem.requestId ? t('errors.requestId', { id: problem.requestId }) : '';
  const detail =
    [english ? problem.detail : undefined, quote].filter(Boolean).join(' ') || undefined;
  const explained = detail ?? (fields.length > 0 ? fields.join(t('errors.fieldSeparator')) : null);
  return {
    title,
    detail,
    fields,
    serverDetail: english ? undefined : problem.detail,
    line: explained ? `${title}: ${explained}` : title,
  };
}
