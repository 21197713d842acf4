import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Permission } from '@fidelis/contracts';
import type { RequestContext } from './request-context.ts';
import { AppError } from './app-error.ts';

/** The Fastify instance every route module receives: zod schemas type the handlers. */
export type FidelisApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook for every /v1 route that is not public. */
    auth: RequestContext | null;
  }
  interface FastifyContextConfig {
    /** What the caller's role must allow. Routes under /v1 without it are open to any signed-in caller. */
    permission?: Permission;
    /** No authentication (login, health, public member and survey pages). */
    public?: boolean;
    /**
     * Open to a partner organisation's API key, which may call nothing else (the route itself
     * keeps the partner to its own program and records): `also` beside staff with the
     * permission, `only` to partner keys (staff get 403 FORBIDDEN).
     */
    partner?: 'also' | 'only';
    /**
     * The body is a batch whose items the route checks one by one, each accepted or refused on
     * its own: the NUL-character check (nul-characters.ts) leaves the body to it.
     */
    itemsCheckedAlone?: boolean;
  }
}

/** The caller's tenant and identity; routes that are not public always have one. */
export function contextOf(request: FastifyRequest): RequestContext {
  if (!request.auth)
    throw new AppError('UNAUTHENTICATED', 'Authenticate with a bearer API key or a session.');
  return request.auth;
}
