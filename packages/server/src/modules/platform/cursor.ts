import { instant } from '@fidelis/contracts';
import { AppError } from '../../http/app-error.ts';

/**
 * What one field of a cursor holds. A cursor comes back from the client, so every field is
 * checked before it reaches a query: `uuid` (a row id), `instant` (ISO 8601, in the API's span),
 * `micros` (microseconds since 1970 as digits: beyond 2^53 a number would round), `number`
 * (finite), `text`, `flag` (0 or 1; absent is 0).
 */
type CursorField = 'uuid' | 'instant' | 'micros' | 'number' | 'text' | 'flag';
type CursorValue<F extends CursorField> = F extends 'number' | 'flag' ? number : string;
export type CursorPosition<S extends Record<string, CursorField>> = {
  [K in keyof S]: CursorValue<S[K]>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row id's shape (UUID), before it goes into a query as one. */
export const isUuid = (value: string): boolean => UUID.test(value);

/** Opaque keyset-pagination cursors: the sort key of the last row, base64url JSON. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * A page of a list read with `limit + 1` rows: the first `limit` as items, and the cursor of
 * the last of them when the extra row says more follow (null at the end).
 *
 * @example
 * pageOf(rows, 50, toUser, (row) => ({ n: row.name_sort_key, i: row.id }));
 */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  item: (row: Row) => Item,
  positionOf: (row: Row) => Record<string, string | number>,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page.at(-1) : undefined;
  return {
    items: page.map((row) => item(row)),
    nextCursor: last ? encodeCursor(positionOf(last)) : null,
  };
}

/**
 * The position a cursor holds, each field as `fields` says; anything else — not base64url
 * JSON, a field missing or of another kind — is a 400 on `cursor`.
 *
 * @example
 * decodeCursor(query.cursor, { at: 'instant', id: 'uuid' }); // { at: '2026-…Z', id: '01…' }
 */
export function decodeCursor<S extends Record<string, CursorField>>(
  cursor: string,
  fields: S,
): CursorPosition<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidCursor();
  const given = value as Record<string, unknown>;
  const position: Record<string, string | number> = {};
  for (const [key, kind] of Object.entries(fields)) {
    const field = fieldOf(kind, given[key]);
    if (field === undefined) throw invalidCursor();
    position[key] = field;
  }
  return position as CursorPosition<S>;
}

/** The 400 every list answers for a cursor it did not give out. */
export function invalidCursor(message = 'The cursor is not one this list gave out.'): AppError {
  return new AppError('VALIDATION_FAILED', message, [
    { field: 'cursor', message: 'invalid cursor', reason: 'invalid_value' },
  ]);
}

function fieldOf(kind: CursorField, value: unknown): string | number | undefined {
  switch (kind) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? value : undefined;
    case 'instant':
      return typeof value === 'string' && instant.safeParse(value).success ? value : undefined;
    case 'micros':
      // Digits as given out; a plain number from a cursor of an older server while still exact.
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      return typeof value === 'string' && /^-?\d{1,17}$/.test(value) ? value : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'text':
      // NUL: PostgreSQL text cannot hold it, and the query would fail instead of refusing.
      return typeof value === 'string' && value.length <= 1000 && !value.includes('\u0000')
        ? value
        : undefined;
    case 'flag':
      if (value === undefined) return 0;
      return value === 0 || value === 1 ? value : undefined;
  }
}
