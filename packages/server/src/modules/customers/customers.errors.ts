import { AppError } from '../../http/app-error.ts';

/**
 * A conditional change refused because the customer is at another version than the one sent:
 * `currentVersion` is the one it is at, which the 412 reply names in its ETag.
 */
export class CustomerVersionMismatch extends AppError {
  constructor(
    readonly currentVersion: number,
    message: string,
  ) {
    super('CUSTOMER_VERSION_MISMATCH', message);
    this.name = 'CustomerVersionMismatch';
  }
}
