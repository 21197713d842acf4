import type { ErrorCode } from '@fidelis/contracts';

export interface FieldError {
  field: string;
  message: string;
  line?: number;
}

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
