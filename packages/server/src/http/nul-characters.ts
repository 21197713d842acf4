import type { FastifyRequest } from 'fastify';
import { AppError, type FieldError } from './app-error.ts';
import { fieldOfPath } from './validation-issues.ts';

/**
 * Where the request's parameters, query or JSON body hold the NUL character (U+0000), as the
 * problem's field (`name`, `querystring.q`, `lines[0].sku`), or null. PostgreSQL text cannot
 * hold NUL: a value with one failed inside the query, a 500, wherever it was written or
 * searched, so every route refuses it before its schema runs. Keys are checked too.
 */
export function fieldWithNul(request: FastifyRequest): string | null {
  const parts: [string, unknown][] = [
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ];
  for (const [context, input] of parts) {
    // A CSV body (text, bytes, a stream) is the import's to report by line; a batch's items its own.
    if (context === 'body' && !Array.isArray(input) && !isPlainObject(input)) continue;
    if (context === 'body' && request.routeOptions.config.itemsCheckedAlone) continue;
    // The query's object may come without Object's prototype: its own fields are what count.
    const path = pathOfNul(context === 'body' ? input : { ...(input as object) });
    if (path === null) continue;
    const field = fieldOfPath(path, '(body)');
    return context === 'body' ? field : `${context}.${field}`;
  }
  return null;
}

/** The path to the first string (or key) in `input` holding NUL, or null. */
export function pathOfNul(input: unknown): PropertyKey[] | null {
  const stack: [unknown, PropertyKey[]][] = [[input, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push([value[i], [...path, i]]);
    } else if (isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) return path;
        stack.push([inner, [...path, key]]);
      }
    }
  }
  return null;
}

/** Parsed JSON, not a stream or bytes (an import's body). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** The field error of a value holding NUL. */
export function nulFieldError(field: string): FieldError {
  return { field, message: 'must not contain the NUL character (U+0000)', reason: 'invalid' };
}

/** The `preValidation` hook of every route: NUL anywhere in its input is a 400 naming where. */
export async function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  const field = fieldWithNul(request);
  if (field === null) return;
  throw new AppError('VALIDATION_FAILED', 'Text may not contain the NUL character (U+0000).', [
    nulFieldError(field),
  ]);
}
