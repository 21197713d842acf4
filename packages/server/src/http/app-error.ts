import type { ErrorCode, FieldError } from '@fidelis/contracts';

/**
 * One offending field of a problem: `message` in English, and, where a client may want to put
 * it in its own words, a `reason` from `fieldErrorReasons` with the `params` it needs.
 */
export type { FieldError };

/**
 * An expected failure a service reports to its caller. The code is stable (clients and the
 * web UI key on it); the HTTP status is decided in one place, `problem.ts`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}
