import type { FieldError } from '../../http/app-error.ts';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Emails are compared lower-cased. */
export function normalizeEmail(input: string): Result<string> {
  const value = input.normalize('NFKC').trim().toLowerCase();
  return EMAIL.test(value) && value.length <= 320
    ? { ok: true, value }
    : { ok: false, error: 'not an email address' };
}

/**
 * Phones keep their digits and a leading `+`; spaces, dashes, dots and brackets go, so
 * `138 0013-8000` and `13800138000` are the same phone.
 */
export function normalizePhone(input: string): Result<string> {
  const trimmed = input.normalize('NFKC').trim();
  const plus = trimmed.startsWith('+') ? '+' : '';
  const rest = plus ? trimmed.slice(1) : trimmed;
  if (!/^[\d\s\-().]+$/.test(rest)) return { ok: false, error: 'not a phone number' };
  const digits = rest.replace(/\D/g, '');
  if (digits.length < 5 || digits.length > 20)
    return { ok: false, error: 'a phone number has 5 to 20 digits' };
  return { ok: true, value: plus + digits };
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
  if (!rule) return { ok: false, error: `no attribute ${key} is defined` };
  switch (rule.type) {
    case 'string':
      return typeof value === 'string'
        ? { ok: true, value }
        : { ok: false, error: 'expected text' };
    case 'number': {
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      if (fromText && typeof value === 'string' && value.trim() !== '') {
        const parsed = Number(value.trim());
        if (Number.isFinite(parsed)) return { ok: true, value: parsed };
      }
      return { ok: false, error: 'expected a number' };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (fromText && typeof value === 'string') {
        const text = value.trim().toLowerCase();
        if (['true', 'yes', 'y', '1', '是'].includes(text)) return { ok: true, value: true };
        if (['false', 'no', 'n', '0', '否'].includes(text)) return { ok: true, value: false };
      }
      return { ok: false, error: 'expected true or false' };
    }
    case 'date':
      return typeof value === 'string' && isCalendarDate(value)
        ? { ok: true, value }
        : { ok: false, error: 'expected a date YYYY-MM-DD' };
    case 'enum':
      return typeof value === 'string' && rule.options.includes(value)
        ? { ok: true, value }
        : { ok: false, error: `expected one of ${rule.options.join(', ')}` };
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
      });
      continue;
    }
    if (value === null) {
      out[key] = null;
      continue;
    }
    const checked = checkAttribute(rule, key, value);
    if (checked.ok) out[key] = checked.value;
    else problems.push({ code: 'ATTRIBUTE_INVALID', field, message: checked.error });
  }
  return { values: out, problems };
}

export { isCalendarDate };
