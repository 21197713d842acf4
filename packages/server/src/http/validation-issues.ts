import {
  fieldErrorReasons,
  type FieldErrorParams,
  type FieldErrorReason,
} from '@fidelis/contracts';
import type { FieldError } from './app-error.ts';

/**
 * A zod (v4) issue as both of its sources give it: zod's own `safeParse`, and the route schemas'
 * validation errors from fastify-type-provider-zod (`keyword` = code, `params` = the other fields).
 */
export interface ValidationIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  /** The issue's other fields: `minimum`, `origin`, `format`, `values`, `keys`, … */
  details: Readonly<Record<string, unknown>>;
}

/** `['lines', 0, 'amount']` → `lines[0].amount`; the empty path → `root`. */
export function fieldOfPath(path: readonly PropertyKey[], root: string): string {
  let field = '';
  for (const part of path) {
    if (typeof part === 'number') field += `[${part}]`;
    else field += field ? `.${String(part)}` : String(part);
  }
  return field || root;
}

/**
 * One issue as a problem's field error: its English message kept, plus a reason and params a
 * client can translate. `input` is what was validated: a wrong type where the input has nothing
 * is reported as `required` (zod says "expected string, received undefined").
 */
export function fieldErrorOfIssue(
  issue: ValidationIssue,
  input: unknown,
  root: string,
): FieldError {
  const field = fieldOfPath(issue.path, root);
  const keys = issue.details['keys'];
  if (issue.code === 'unrecognized_keys' && Array.isArray(keys)) {
    return {
      field: keys
        .map((key) => (field === root ? String(key) : `${field}.${String(key)}`))
        .join(', '),
      message: 'unknown field',
      reason: 'unknown_field',
    };
  }
  const { reason, params } = reasonOf(issue, input);
  return {
    field,
    message: issue.message || 'invalid',
    reason,
    ...(params && Object.keys(params).length > 0 ? { params } : {}),
  };
}

function reasonOf(
  issue: ValidationIssue,
  input: unknown,
): { reason: FieldErrorReason; params?: FieldErrorParams } {
  const details = issue.details;
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(input, issue.path) === undefined) return { reason: 'required' };
      return { reason: 'invalid_type', params: pick(details, ['expected']) };
    case 'too_small':
      return { reason: 'too_small', params: bounded(details, 'minimum') };
    case 'too_big':
      return { reason: 'too_big', params: bounded(details, 'maximum') };
    case 'invalid_format':
      return {
        reason: 'invalid_format',
        params: pick(details, details['format'] === 'regex' ? ['format', 'pattern'] : ['format']),
      };
    case 'not_multiple_of':
      return { reason: 'not_multiple_of', params: pick(details, ['divisor']) };
    case 'invalid_value':
      return { reason: 'invalid_value', params: options(details['values']) };
    case 'invalid_union':
      // A discriminated union whose discriminator matches no option: a plain enum to the user.
      if (Array.isArray(details['options']))
        return {
          reason: valueAt(input, issue.path) === undefined ? 'required' : 'invalid_value',
          params: options(details['options']),
        };
      return { reason: 'invalid_union' };
    case 'invalid_key':
      return { reason: 'invalid_key' };
    case 'invalid_element':
      return { reason: 'invalid_value' };
    case 'custom': {
      // A refinement may name its reason: `ctx.addIssue({ …, params: { reason, … } })`.
      const { reason, ...rest } = (details['params'] ?? {}) as Record<string, unknown>;
      if (isReason(reason)) return { reason, params: pick(rest, Object.keys(rest)) };
      return { reason: 'invalid' };
    }
    default:
      return { reason: 'invalid' };
  }
}

function isReason(value: unknown): value is FieldErrorReason {
  return typeof value === 'string' && (fieldErrorReasons as readonly string[]).includes(value);
}

/** The listed details that are strings or finite numbers (bigints as numbers). */
function pick(
  details: Readonly<Record<string, unknown>>,
  names: readonly string[],
): FieldErrorParams {
  const params: FieldErrorParams = {};
  for (const name of names) {
    const value = details[name];
    if (typeof value === 'string') params[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) params[name] = value;
    else if (typeof value === 'bigint') params[name] = Number(value);
  }
  return params;
}

/** too_small / too_big: origin and limit, and `bound` unless the limit itself is allowed. */
function bounded(
  details: Readonly<Record<string, unknown>>,
  limit: 'minimum' | 'maximum',
): FieldErrorParams {
  const params = pick(details, ['origin', limit]);
  // bigint limits are plain numbers to a client; a date's limit is an instant.
  if (params['origin'] === 'bigint' || params['origin'] === 'int') params['origin'] = 'number';
  const value = params[limit];
  if (params['origin'] === 'date' && typeof value === 'number')
    params[limit] = new Date(value).toISOString();
  if (details['exact'] === true) params['bound'] = 'exact';
  else if (details['inclusive'] === false) params['bound'] = 'exclusive';
  return params;
}

function options(values: unknown): FieldErrorParams {
  if (!Array.isArray(values) || values.length === 0) return {};
  return { options: values.map((value) => String(value)).join(', ') };
}

/** The value at `path` in `input`; undefined where the input has nothing there. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.hasOwn(value, part)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
