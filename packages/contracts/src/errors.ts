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
