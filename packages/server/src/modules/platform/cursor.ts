import { AppError } from '../../http/app-error.ts';

/** Opaque keyset-pagination cursors: the sort key of the last row, base64url JSON. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(
  cursor: string,
  keys: readonly string[],
): Record<string, string | number> {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && keys.every((key) => key in value)) {
      return value as Record<string, string | number>;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('VALIDATION_FAILED', 'The cursor is not one this list gave out.', [
    { field: 'cursor', message: 'invalid cursor', reason: 'invalid_value' },
  ]);
}
