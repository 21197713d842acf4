import type { FieldError } from '@fidelis/contracts';
import { cliLanguage, t, tIfAny, type Values } from './translate.ts';

/**
 * What a server or a library said, in the CLI's language: in English its own words; in another
 * by its stable `code` under `prefix`, the English where the code has no wording here.
 */
export function wordedByCode(
  prefix: string,
  code: string | undefined,
  english: string,
  values: Values = {},
): string {
  if (cliLanguage() === 'en' || code === undefined) return english;
  return tIfAny(`${prefix}.${code}`, values) ?? english;
}

/**
 * What a server's refusal says, in the CLI's language: in English the server's own `detail`;
 * in another by its stable `code`, the English `detail` where the code has no wording here.
 */
export function problemSentence(problem: {
  code: string;
  title: string;
  detail?: string | undefined;
}): string {
  return wordedByCode('problems', problem.code, problem.detail ?? problem.title);
}

const withOptions = new Set(['invalid_value', 'unknown_column', 'column_missing']);

/** A field error by its `reason` (a wording for its format or origin first); else its English `message`. */
export function fieldErrorText(error: Pick<FieldError, 'message' | 'reason' | 'params'>): string {
  const { reason, params = {} } = error;
  if (cliLanguage() === 'en' || !reason) return error.message;
  const variant =
    reason === 'too_small' || reason === 'too_big'
      ? params['origin']
      : reason === 'invalid_format'
        ? params['format']
        : withOptions.has(reason) && params['options'] !== undefined
          ? 'options'
          : reason === 'malformed' && params['encoding'] !== undefined
            ? 'encoding'
            : undefined;
  return (
    (variant === undefined ? undefined : tIfAny(`reasons.${reason}_${variant}`, params)) ??
    tIfAny(`reasons.${reason}`, params) ??
    error.message
  );
}

/** `  line 3, phone: not a phone number`, the line left out when the error has none. */
export function fieldErrorLine(
  error: Pick<FieldError, 'field' | 'message' | 'reason' | 'params'> & {
    line?: number | string | undefined;
  },
): string {
  const field = error.field === '(row)' ? t('common.wholeRow') : error.field;
  const values = { line: error.line, field, message: fieldErrorText(error) };
  return error.line === undefined ? t('common.fieldError', values) : t('common.lineError', values);
}
