/**
 * Every error code the API can answer with. The server maps each to an HTTP status in one
 * exhaustive table, so a new code here fails type-checking until someone decides its status;
 * the web UI translates them.
 */
export const errorCodes = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'CSRF_FAILED',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'RATE_LIMITED',
  'IDEMPOTENCY_CONFLICT',
  'CONFLICT',
  'CUSTOMER_NOT_FOUND',
  'CUSTOMER_ERASED',
  'CUSTOMER_VERSION_MISMATCH',
  'EXTERNAL_ID_TAKEN',
  'MERGE_INVALID',
  'ATTRIBUTE_NOT_DEFINED',
  'ATTRIBUTE_INVALID',
  'IMPORT_INVALID',
  'EVENT_CUSTOMER_UNKNOWN',
  'REFUND_TARGET_NOT_FOUND',
  'REFUND_EXCEEDS_PURCHASE',
  'PROGRAM_NOT_FOUND',
  'INSUFFICIENT_POINTS',
  'REWARD_UNAVAILABLE',
  'RULE_INVALID',
  'JOB_NOT_FOUND',
  'SCORES_NOT_COMPUTED',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/**
 * Why one field of a request (or one CSV cell) was refused: a stable, machine-readable companion
 * to the English `message` of a problem's field error, with the numbers and names it needs in
 * `params`. Clients translate by reason and fall back to `message` for a reason they do not know;
 * reasons are only ever added.
 */
export const fieldErrorReasons = [
  // The shape of the input, from schema validation.
  'required', // missing
  'invalid_type', // { expected: 'number' | 'int' | 'string' | 'boolean' | 'array' | 'object' | … }
  'too_small', // { origin: 'number' | 'string' | 'array' | 'date' | …, minimum, bound?: 'exclusive' | 'exact' }
  'too_big', // { origin, maximum, bound?: 'exclusive' | 'exact' }
  'invalid_format', // { format: 'email' | 'url' | 'uuid' | 'datetime' | 'date' | 'time_zone' | 'regex' | …, pattern? }
  'not_multiple_of', // { divisor }
  'invalid_value', // { options?: 'a, b' }
  'invalid_union', // matches none of the allowed shapes
  'invalid_key', // a key of a map is not allowed
  'unknown_field', // a field the schema does not have
  'exactly_one_of', // { fields: 'a, b' }
  'invalid', // any other check
  // Rules of the domain.
  'already_used', // the value belongs to another record
  'not_found', // names a record that does not exist
  'duplicate', // given twice in one request or file
  'reused', // an idempotency key or event id sent before with a different body
  'must_be_after', // { other: the field it must come after }
  'must_equal', // { expected }
  'insufficient', // { available }
  'conflicts_with', // { other: the field it cannot be given with }
  'only_for', // { field, value }: allowed only when `field` is `value`
  'self_not_allowed', // not on your own user, customer or referral
  'last_owner', // the tenant's last enabled owner
  'expired',
  'not_issued', // a coupon of the pool not yet given to anyone
  'in_future', // { toleranceMinutes }: a reported time ahead of the server's clock
  'immutable', // set once, never changed (a custom attribute's key and type)
  'in_use', // { value, count }: cannot go while customers hold it (an enum attribute's option, an attribute)
  'suppressed', // a notification the customer consented to no channel for: never sent
  'not_configured', // the program lacks the setting the request needs (a referral scheme)
  'exhausted', // { length }: too few new coupon codes of this length are left to draw
  // A reward refused for a redemption (REWARD_UNAVAILABLE).
  'inactive', // switched off
  'not_started', // { at }: offered only from then
  'ended', // { at }: offered only until then
  'tier_required', // { tiers: the names of the tiers it is for, 'Silver, Gold' }
  'per_member_limit', // { limit, redeemed }: the member had it as often as allowed
  'out_of_stock', // none left (or no coupon code left to hand out)
  // CSV files.
  'unknown_column', // { options?: the columns the file may have }
  'column_missing', // a column the import needs
  'malformed', // a line that cannot be read as CSV or as text in the encoding
] as const;

export type FieldErrorReason = (typeof fieldErrorReasons)[number];
