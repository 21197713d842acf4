import type { FastifyContextConfig, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { roleCan } from '@fidelis/contracts';
import {
  authenticateApiKey,
  authenticateSession,
  SESSION_COOKIE,
  type PlatformTables,
} from '../modules/platform/index.ts';
import { AppError } from './app-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller of a /v1 request: a bearer API key, or the web UI's session cookie
 * (httpOnly, SameSite=Lax) plus the `x-csrf-token` header on writes, so a cross-site form
 * cannot act with the cookie alone.
 */
export function createAuthenticateHook(db: Kysely<PlatformTables>) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    request.auth = null;
    const config = request.routeOptions.config;
    const url = request.routeOptions.url ?? '';
    if (config.public || !url.startsWith('/v1')) return;

    const header = request.headers.authorization;
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token) {
        throw new AppError('UNAUTHENTICATED', 'Use `Authorization: Bearer <API key>`.');
      }
      const actor = await authenticateApiKey(db, token);
      if (!actor) throw new AppError('UNAUTHENTICATED', 'The API key is unknown or revoked.');
      const { tenantId, ...rest } = actor;
      request.auth = { tenantId, actor: rest, requestId: request.id };
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (!cookie)
        throw new AppError('UNAUTHENTICATED', 'Authenticate with a bearer API key or log in.');
      const session = await authenticateSession(db, cookie);
      if (!session) throw new AppError('UNAUTHENTICATED', 'The session has ended; log in again.');
      if (
        !SAFE_METHODS.has(request.method) &&
        request.headers['x-csrf-token'] !== session.csrfToken
      ) {
        throw new AppError('CSRF_FAILED', 'Missing or wrong x-csrf-token header.');
      }
      request.auth = { tenantId: session.tenantId, actor: session.actor, requestId: request.id };
    }
    if (request.auth.actor.partnerId && !config.partner) {
      throw new AppError(
        'FORBIDDEN',
        'A partner’s API key may only record partner transactions and read its own settlement.',
      );
    }
    if (!request.auth.actor.partnerId && config.partner === 'only') {
      throw new AppError('FORBIDDEN', 'Only a partner’s API key may do this.');
    }
    if (config.permission && !roleCan(request.auth.actor.role, config.permission)) {
      throw new AppError(
        'FORBIDDEN',
        `The role ${request.auth.actor.role} may not do this (${config.permission}).`,
      );
    }
  };
}

/**
 * Who may call a route, for the OpenAPI document (integrators, and the permission sweep test):
 * `x-permission` is what the caller's role must allow (absent: any signed-in staff caller),
 * `x-partner` whether a partner's key may call it (`also` or `only`), and a public route has
 * `security: []`.
 */
export function accessExtensionsOf(
  config: Pick<FastifyContextConfig, 'public' | 'permission' | 'partner'> | undefined,
): Record<string, unknown> {
  if (config?.public) return { security: [] };
  return {
    ...(config?.permission ? { 'x-permission': config.permission } : {}),
    ...(config?.partner ? { 'x-partner': config.partner } : {}),
  };
}
