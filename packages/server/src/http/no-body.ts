import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { AppError } from './app-error.ts';
import { fieldErrorOfIssue } from './validation-issues.ts';

/**
 * Nothing, or `{}`: what HTTP clients send for "no body". A JSON `null` is a body (a client
 * serialised a value that happened to be null) and is refused like `42`: taken, it would let a
 * caller that meant to send something believe it was read.
 */
const noBody = z.strictObject({}).optional();

/**
 * The `preValidation` hook of a write that takes no body (its OpenAPI operation has none): any
 * other body is refused as a strict body refuses an unknown field, so fields sent to the wrong
 * route are not dropped in silence. A hook, not a body schema: that would make the OpenAPI
 * document require a body.
 */
export async function refuseBody(request: FastifyRequest): Promise<void> {
  const parsed = noBody.safeParse(request.body);
  if (parsed.success) return;
  const errors = parsed.error.issues.map(({ code, path, message, ...details }) =>
    fieldErrorOfIssue({ code, path, message, details }, request.body, '(body)'),
  );
  throw new AppError('VALIDATION_FAILED', 'This request takes no body.', errors);
}
