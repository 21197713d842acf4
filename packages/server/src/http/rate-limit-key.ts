import type { FastifyRequest } from 'fastify';

/**
 * The bucket a request counts against. A caller the authentication hook accepted (it runs
 * first) counts against its credential — its tenant and actor —, so one client's keys and users
 * do not starve another's; everything else, public routes such as log-in included, against its
 * address. A header or cookie alone never picks the bucket: an unauthenticated caller could
 * otherwise send a fresh `Authorization: Bearer x1`, `x2`, … with each request and never be limited.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const auth = request.auth;
  if (auth) return `actor:${auth.tenantId}:${auth.actor.type}:${auth.actor.id ?? ''}`;
  return `ip:${request.ip}`;
}

/**
 * Log-in attempts for one email, whatever the address they come from: guessing one user's
 * password from many addresses is limited too. Run after body validation (preHandler).
 */
export function loginEmailKey(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
  return `login-email:${email}`;
}
