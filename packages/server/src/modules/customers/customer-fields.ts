import type { FieldErrorParams, FieldErrorReason } from '@fidelis/contracts';
import type { FieldError } from '../../http/app-error.ts';

/** Why a value was refused: `message` in English, `reason` and `params` for a client to word. */
export interface Refusal {
  message: string;
  reason: FieldErrorReason;
  params?: FieldErrorParams;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Refusal };

const refused = (
  message: string,
  reason: FieldErrorReason,
  params?: FieldErrorParams,
): { ok: false; error: Refusal } => ({
  ok: false,
  error: { message, reason, ...(params ? { params } : {}) },
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Emails are compared lower-cased. */
export function normalizeEmail(input: string): Result<string> {
  const value = input.normalize('NFKC').trim().toLowerCase();
  return EMAIL.test(value) && value.length <= 320
    ? { ok: true, value }
    : refused('not an email address', 'invalid_format', { format: 'email' });
}

/**
 * Phones keep their digits and a leading `+`; spaces, dashes, dots and brackets go, so
 * `138 0013-8000` and `13800138000` are the same phone.
 */
export function normalizePhone(input: string): Result<string> {
  const trimmed = input.normalize('NFKC').trim();
  const plus = trimmed.startsWith('+') ? '+' : '';
  const rest = plus ? trimmed.slice(1) : trimmed;
  if (!/^[\d\s\-().]+$/.test(rest))
    return refused('not a phone number', 'invalid_format', { format: 'phone' });
  const digits = rest.replace(/\D/g, '');
  if (digits.length < 5 || digits.length > 20)
    return refused('a phone number has 5 to 20 digits', 'invalid_format', { format: 'phone' });
  return { ok: true, value: plus + digits };
}

/**
 * The beginnings a phone search looks for among the stored phones, which keep the form they were
 * given in: a mainland number is found with or without `+86` or `0086` however it was stored and
 * searched, and the trunk 0 of an area code goes abroad (`010 …` is `+86 10 …`). Other
 * countries' numbers are found by `+` or `00`. `query` is digits with an optional leading `+`.
 *
 * @example
 * phoneSearchPrefixes('+8613800138000'); // ['13800138000', '+8613800138000', '008613800138000']
 */
export function phoneSearchPrefixes(query: string): string[] {
  const international = /^(?:\+|00)(\d+)$/.exec(query)?.[1];
  const mainland =
    international === undefined
      ? query
      : international.startsWith('86')
        ? international.slice(2)
        : undefined;
  if (mainland === undefined || mainland.length < 3)
    return international === undefined ? [query] : [`+${international}`, `00${international}`];
  // Dialled at home an area code has its trunk 0, dialled from abroad not (010 … is +86 10 …).
  const atHome =
    international !== undefined && /^(?:10|[2-9])/.test(mainland)
      ? [mainland, `0${mainland}`]
      : [mainland];
  const forms = atHome.flatMap((number) => {
    const abroad = /^0[1-9]/.test(number) ? [number, number.slice(1)] : [number];
    return [number, ...abroad.flatMap((digits) => [`+86${digits}`, `0086${digits}`])];
  });
  return [...new Set(forms)];
}

/** How far ahead of the server's clock a reported time may lie: clocks differ a little. */
export const CLOCK_SKEW_MINUTES = 15;

/**
 * A time the customer did something (a consent decision) cannot lie ahead of the clock: the
 * newest decision wins, so a future one would outlive every real decision after it.
 */
export function checkNotInFuture(at: Date, now: Date): Result<Date> {
  return at.getTime() <= now.getTime() + CLOCK_SKEW_MINUTES * 60_000
    ? { ok: true, value: at }
    : refused(`must not be later than ${CLOCK_SKEW_MINUTES} minutes from now`, 'in_future', {
        toleranceMinutes: CLOCK_SKEW_MINUTES,
      });
}

/**
 * A birthday cannot be after today; today is taken where it is latest (UTC+14), so no one's
 * birthday of today is refused wherever they are.
 */
export function checkBirthday(date: string, now: Date): Result<string> {
  const latest = new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
  return date <= latest
    ? { ok: true, value: date }
    : refused(`must not be after ${latest}`, 'too_big', { origin: 'date', maximum: latest });
}

export type AttributeType = 'string' | 'number' | 'boolean' | 'date' | 'enum';
export interface AttributeRule {
  key: string;
  type: AttributeType;
  options: readonly string[];
}
export type AttributeValue = string | number | boolean;

export interface AttributeProblem extends FieldError {
  code: 'ATTRIBUTE_NOT_DEFINED' | 'ATTRIBUTE_INVALID';
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Checks (and, from text such as a CSV cell, converts) one attribute value against its
 * definition. `fromText` accepts `"42"` for a number and `"true"`/`"是"` for a boolean.
 */
export function checkAttribute(
  rule: AttributeRule | undefined,
  key: string,
  value: unknown,
  fromText = false,
): Result<AttributeValue> {
  if (!rule) return refused(`no attribute ${key} is defined`, 'not_found');
  switch (rule.type) {
    case 'string':
      return typeof value === 'string'
        ? { ok: true, value }
        : refused('expected text', 'invalid_type', { expected: 'string' });
    case 'number': {
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      if (fromText && typeof value === 'string' && value.trim() !== '') {
        const parsed = Number(value.trim());
        if (Number.isFinite(parsed)) return { ok: true, value: parsed };
      }
      return refused('expected a number', 'invalid_type', { expected: 'number' });
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (fromText && typeof value === 'string') {
        const text = value.trim().toLowerCase();
        if (['true', 'yes', 'y', '1', '是'].includes(text)) return { ok: true, value: true };
        if (['false', 'no', 'n', '0', '否'].includes(text)) return { ok: true, value: false };
      }
      return refused('expected true or false', 'invalid_type', { expected: 'boolean' });
    }
    case 'date':
      return typeof value === 'string' && isCalendarDate(value)
        ? { ok: true, value }
        : refused('expected a date YYYY-MM-DD', 'invalid_format', { format: 'date' });
    case 'enum':
      return typeof value === 'string' && rule.options.includes(value)
        ? { ok: true, value }
        : refused(`expected one of ${rule.options.join(', ')}`, 'invalid_value', {
            options: rule.options.join(', '),
          });
  }
}

/** Validates a set of attribute values; `null` (remove) is always allowed for a defined key. */
export function checkAttributes(
  rules: ReadonlyMap<string, AttributeRule>,
  values: Readonly<Record<string, unknown>>,
): { values: Record<string, AttributeValue | null>; problems: AttributeProblem[] } {
  const out: Record<string, AttributeValue | null> = {};
  const problems: AttributeProblem[] = [];
  for (const [key, value] of Object.entries(values)) {
    const rule = rules.get(key);
    const field = `attributes.${key}`;
    if (!rule) {
      problems.push({
        code: 'ATTRIBUTE_NOT_DEFINED',
        field,
        message: `no attribute ${key} is defined`,
        reason: 'not_found',
      });
      continue;
    }
    if (value === null) {
      out[key] = null;
      continue;
    }
    const checked = checkAttribute(rule, key, value);
    if (checked.ok) out[key] = checked.value;
    else problems.push({ code: 'ATTRIBUTE_INVALID', field, ...checked.error });
  }
  return { values: out, problems };
}

export { isCalendarDate };
