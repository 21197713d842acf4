import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { sql } from 'kysely';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { DatabaseHandle } from './db/connect.ts';
import type { Config } from './config.ts';
import { handleError, problemOf } from './http/problem.ts';
import { accessExtensionsOf, createAuthenticateHook } from './http/authenticate.ts';
import { refuseNulCharacters } from './http/nul-characters.ts';
import { rateLimitKey } from './http/rate-limit-key.ts';
import type { FidelisApp } from './http/fastify.ts';
import { registerPlatformRoutes } from './modules/platform/index.ts';
import { registerCustomersRoutes } from './modules/customers/index.ts';
import { registerActivityRoutes } from './modules/activity/index.ts';
import { registerScoresRoutes } from './modules/scores/index.ts';
import { scoresRouteDeps } from './flows/score-customers.flow.ts';
import { activityRouteDeps } from './flows/record-events.flow.ts';
import { registerLoyaltyRoutes } from './modules/loyalty/index.ts';
import { loyaltyRouteDeps } from './flows/loyalty.flow.ts';
import { customersRouteDeps } from './flows/merge-customers.flow.ts';
import { auditTargetNames } from './flows/audit-log.flow.ts';

export interface AppDeps {
  database: DatabaseHandle;
  config: Pick<Config, 'logLevel' | 'rateLimitPerMinute' | 'webDist' | 'secureCookies'> &
    Partial<Pick<Config, 'publicUrl'>>;
}

/** Builds the HTTP application: API under /v1, OpenAPI at /docs, the web UI at /. */
export async function buildApp(deps: AppDeps): Promise<FidelisApp> {
  const { database, config } = deps;
  const db = database.db;
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.decorateRequest('auth', null);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: rateLimitKey,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fidelis API',
        version: '1',
        description:
          'Customer commitment, trust and loyalty. Authenticate with `Authorization: Bearer <API key>`. ' +
          'Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    // Each operation also says who may call it (x-permission, x-partner, security: []).
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const access = accessExtensionsOf(input.route.config);
      return { ...transformed, schema: { ...transformed.schema, ...access } };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', createAuthenticateHook(db));
  app.addHook('preValidation', refuseNulCharacters);

  // Unlike every /v1 route, the probes (and /docs above) have no `querystring: noQuery`: they
  // take no input, and load balancers and monitors add cache-busters (`?_=1733580000`); a 400
  // would take a healthy server out of service. docs/errors.md says so; the sweep checks it.
  app.get('/health', { config: { public: true }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/ready',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(db);
        return { status: 'ready', database: database.engine };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: database.engine });
      }
    },
  );

  registerPlatformRoutes(app, {
    db,
    secureCookies: config.secureCookies,
    auditTargetNames: auditTargetNames(database.db),
  });
  registerCustomersRoutes(app, customersRouteDeps(database));
  registerActivityRoutes(app, activityRouteDeps(database));
  registerLoyaltyRoutes(app, loyaltyRouteDeps(database, config.publicUrl));
  registerScoresRoutes(app, scoresRouteDeps(db));

  const indexHtml = path.join(config.webDist, 'index.html');
  if (existsSync(indexHtml)) {
    await app.register(fastifyStatic, {
      root: config.webDist,
      prefix: '/',
      // Files are looked up per request, so a rebuild under a running server serves its new
      // assets; a path that is no file falls through to the not-found handler below.
      wildcard: true,
      // The build writes .br and .gz beside each text asset (vite.config.ts).
      preCompressed: true,
      setHeaders: (reply, filePath) => reply.header('cache-control', cacheControlOf(filePath)),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const wantsPage =
      request.method === 'GET' &&
      !request.url.startsWith('/v1') &&
      request.headers.accept?.includes('text/html');
    if (wantsPage && existsSync(indexHtml)) return reply.type('text/html').sendFile('index.html');
    return reply
      .status(404)
      .type('application/problem+json')
      .send(
        problemOf(
          'ROUTE_NOT_FOUND',
          `No route ${request.method} ${request.url.split('?')[0]}.`,
          request.id,
        ),
      );
  });
  return app;
}

/**
 * Vite names every file under assets/ by a hash of its content, so a browser may keep it for a
 * year without asking; index.html (which names the current assets) is checked on every load.
 */
export function cacheControlOf(filePath: string): string {
  return filePath.split(path.sep).includes('assets')
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}
