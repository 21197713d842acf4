import { z } from 'zod';
import type { Kysely } from 'kysely';
import {
  apiKey,
  apiKeyCreate,
  apiKeyCreated,
  apiKeyListQuery,
  auditEntry,
  auditQuery,
  id,
  loginRequest,
  noQuery,
  page,
  pageQuery,
  session,
  user,
  userCreate,
  userListQuery,
  userPatch,
} from '@fidelis/contracts';
import type { FidelisApp } from '../../http/fastify.ts';
import { contextOf } from '../../http/fastify.ts';
import { refuseBody } from '../../http/no-body.ts';
import { AppError } from '../../http/app-error.ts';
import { loginEmailKey } from '../../http/rate-limit-key.ts';
import type { PlatformTables } from './platform.table.ts';
import * as service from './platform.service.ts';
import { SESSION_COOKIE } from './platform.service.ts';
import { findJob, JOB_STATUSES, listJobs } from './jobs.ts';

const job = z.object({
  id,
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number().int(),
  progressTotal: z.number().int().nullable(),
  message: z.string().nullable(),
  result: z.unknown(),
  error: z.string().nullable().describe('Why the job failed, in English'),
  errorCode: z
    .string()
    .nullable()
    .describe(
      'A stable code when the failure is an expected one (scores.compute: nothing_to_score); ' +
        'more may be added: show `error` for a code you do not know',
    ),
  errorParams: z
    .record(z.string(), z.string())
    .nullable()
    .describe('The facts of that failure, e.g. { asOf } for nothing_to_score'),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export function registerPlatformRoutes(
  app: FidelisApp,
  deps: {
    db: Kysely<PlatformTables>;
    secureCookies: boolean;
    /** Names other modules' entities in the audit log (flows/audit-log.flow.ts). */
    auditTargetNames: service.AuditTargetNames;
  },
): void {
  const { db } = deps;
  // Beside the per-address limit: attempts on one email from any number of addresses.
  const loginsOfEmail = app.createRateLimit({
    max: 20,
    timeWindow: '15 minutes',
    keyGenerator: loginEmailKey,
  });

  app.post('/v1/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Log in to the web UI (sets the session cookie)',
      querystring: noQuery,
      body: loginRequest,
      response: { 200: session },
    },
    config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
    preHandler: async (request, reply) => {
      const limit = await loginsOfEmail(request);
      // `isAllowed`: on the allow list (there is none); otherwise counted.
      if (limit.isAllowed || !limit.isExceeded) return;
      void reply.header('retry-after', limit.ttlInSeconds);
      throw new AppError('RATE_LIMITED', 'Too many log-in attempts for this email; retry later.');
    },
    handler: async (request, reply) => {
      const result = await service.login(db, request.body);
      void reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        maxAge: result.maxAgeSeconds,
      });
      return result.session;
    },
  });

  app.post('/v1/auth/logout', {
    schema: {
      tags: ['auth'],
      summary: 'End the session',
      querystring: noQuery,
      response: { 204: z.null() },
    },
    config: { public: true },
    preValidation: refuseBody,
    handler: async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await service.logout(db, token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.get('/v1/auth/session', {
    schema: {
      tags: ['auth'],
      summary: 'The signed-in user and tenant',
      querystring: noQuery,
      response: { 200: session },
    },
    config: { public: true },
    handler: async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const found = token ? await service.authenticateSession(db, token) : null;
      if (!found?.actor.id) throw new AppError('UNAUTHENTICATED', 'Not logged in.');
      return service.describeSession(db, found.tenantId, found.actor.id, found.csrfToken);
    },
  });

  app.get('/v1/api-keys', {
    schema: {
      tags: ['platform'],
      summary: 'API keys, newest first, a page at a time; searched and filtered if asked',
      querystring: apiKeyListQuery,
      response: { 200: page(apiKey) },
    },
    config: { permission: 'platform:admin' },
    handler: async (request) => service.listApiKeys(db, contextOf(request), request.query),
  });

  app.post('/v1/api-keys', {
    schema: {
      tags: ['platform'],
      summary: 'Create an API key (the secret is shown once)',
      querystring: noQuery,
      body: apiKeyCreate,
      response: { 201: apiKeyCreated },
    },
    config: { permission: 'platform:admin' },
    handler: async (request, reply) =>
      reply.status(201).send(await service.createApiKey(db, contextOf(request), request.body)),
  });

  app.delete('/v1/api-keys/:id', {
    schema: {
      tags: ['platform'],
      summary: 'Revoke an API key',
      params: z.strictObject({ id }),
      querystring: noQuery,
      response: { 200: apiKey },
    },
    config: { permission: 'platform:admin' },
    preValidation: refuseBody,
    handler: async (request) => service.revokeApiKey(db, contextOf(request), request.params.id),
  });

  app.get('/v1/users', {
    schema: {
      tags: ['platform'],
      summary: 'Users by name, a page at a time; searched and filtered if asked',
      querystring: userListQuery,
      response: { 200: page(user) },
    },
    config: { permission: 'platform:admin' },
    handler: async (request) => service.listUsers(db, contextOf(request), request.query),
  });

  app.post('/v1/users', {
    schema: {
      tags: ['platform'],
      summary: 'Create a user',
      querystring: noQuery,
      body: userCreate,
      response: { 201: user },
    },
    config: { permission: 'platform:admin' },
    handler: async (request, reply) =>
      reply.status(201).send(await service.createUser(db, contextOf(request), request.body)),
  });

  app.patch('/v1/users/:id', {
    schema: {
      tags: ['platform'],
      summary: 'Change a user’s name or role, or disable or re-enable them',
      params: z.strictObject({ id }),
      querystring: noQuery,
      body: userPatch,
      response: { 200: user },
    },
    config: { permission: 'platform:admin' },
    handler: async (request) =>
      service.updateUser(db, contextOf(request), request.params.id, request.body),
  });

  app.get('/v1/audit-log', {
    schema: {
      tags: ['platform'],
      summary: 'The audit log, newest first: who changed what, when, before and after',
      querystring: auditQuery,
      response: { 200: page(auditEntry) },
    },
    config: { permission: 'audit:read' },
    handler: async (request) =>
      service.listAudit(db, contextOf(request), request.query, deps.auditTargetNames),
  });

  app.get('/v1/jobs', {
    schema: {
      tags: ['platform'],
      summary: 'Background jobs, newest first (of a kind or status if asked), a page at a time',
      querystring: pageQuery.extend({
        kind: z.string().min(1).max(100).optional().describe('e.g. scores.compute'),
        status: z.enum(JOB_STATUSES).optional(),
      }),
      response: { 200: page(job) },
    },
    handler: async (request) => listJobs(db, contextOf(request).tenantId, request.query),
  });

  app.get('/v1/jobs/:id', {
    schema: {
      tags: ['platform'],
      summary: 'A background job and its progress',
      params: z.strictObject({ id }),
      querystring: noQuery,
      response: { 200: job },
    },
    handler: async (request) => {
      const found = await findJob(db, contextOf(request).tenantId, request.params.id);
      if (!found) throw new AppError('JOB_NOT_FOUND', `No job ${request.params.id}.`);
      return found;
    },
  });
}
