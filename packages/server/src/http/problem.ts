import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode, Problem } from '@fidelis/contracts';
import { AppError, type FieldError } from './app-error.ts';
import { fieldErrorOfIssue } from './validation-issues.ts';

/** Every error code's HTTP status. Exhaustive: a new code fails type-checking until mapped. */
const statusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  RATE_LIMITED: 429,
  IDEMPOTENCY_CONFLICT: 409,
  CONFLICT: 409,
  CUSTOMER_NOT_FOUND: 404,
  CUSTOMER_ERASED: 410,
  CUSTOMER_VERSION_MISMATCH: 412,
  EXTERNAL_ID_TAKEN: 409,
  MERGE_INVALID: 422,
  ATTRIBUTE_NOT_DEFINED: 422,
  ATTRIBUTE_INVALID: 422,
  IMPORT_INVALID: 422,
  EVENT_CUSTOMER_UNKNOWN: 422,
  REFUND_TARGET_NOT_FOUND: 422,
  REFUND_EXCEEDS_PURCHASE: 422,
  PROGRAM_NOT_FOUND: 404,
  INSUFFICIENT_POINTS: 409,
  REWARD_UNAVAILABLE: 409,
  RULE_INVALID: 422,
  JOB_NOT_FOUND: 404,
  SCORES_NOT_COMPUTED: 404,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
};

export function problemOf(
  code: ErrorCode,
  detail: string,
  requestId: string | undefined,
  errors: FieldError[] = [],
): Problem {
  const status = statusByCode[code] ?? 500;
  return {
    type: `https://fidelis.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: code,
    status,
    detail,
    code,
    ...(requestId ? { requestId } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

function sendProblem(reply: FastifyReply, problem: Problem): void {
  void reply.status(problem.status).type('application/problem+json').send(problem);
}

function qualify(context: string, field: string): string {
  return context === 'body' ? field : `${context}.${field}`;
}

/** What the failed validation looked at. */
function inputOf(request: FastifyRequest, context: string): unknown {
  switch (context) {
    case 'querystring':
      return request.query;
    case 'params':
      return request.params;
    case 'headers':
      return request.headers;
    default:
      return request.body;
  }
}

/** Maps every error to RFC 9457 problem+json; nothing else ever reaches a client. */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const requestId = request.id;
  if (error instanceof AppError) {
    sendProblem(reply, problemOf(error.code, error.message, requestId, error.errors));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = error.validationContext ?? 'body';
    const input = inputOf(request, context);
    const errors = error.validation.map((issue) => {
      // instancePath is a JSON pointer (`/lines/0/amount`); report it as `lines[0].amount`.
      const path = issue.instancePath
        .split('/')
        .filter(Boolean)
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      const fieldError = fieldErrorOfIssue(
        { code: issue.keyword, path, message: issue.message ?? '', details: issue.params },
        input,
        '(body)',
      );
      return { ...fieldError, field: qualify(context, fieldError.field) };
    });
    sendProblem(
      reply,
      problemOf('VALIDATION_FAILED', `The ${context} is not valid.`, requestId, errors),
    );
    return;
  }
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      sendProblem(
        reply,
        problemOf('MALFORMED_JSON', 'The request body is not valid JSON.', requestId),
      );
      return;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      sendProblem(
        reply,
        problemOf('PAYLOAD_TOO_LARGE', 'The request body is too large.', requestId),
      );
      return;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      sendProblem(
        reply,
        problemOf('UNSUPPORTED_MEDIA_TYPE', 'Send JSON (application/json).', requestId),
      );
      return;
  }
  if (fastifyError.statusCode === 429) {
    sendProblem(
      reply,
      problemOf('RATE_LIMITED', 'Too many requests; slow down and retry.', requestId),
    );
    return;
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    sendProblem(reply, problemOf('VALIDATION_FAILED', fastifyError.message, requestId));
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  sendProblem(
    reply,
    problemOf('INTERNAL', 'Something went wrong on our side. Quote the request id.', requestId),
  );
}
