import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  attributeDefinition,
  attributeDefinitionCreate,
  attributeDefinitionPatch,
  attributeDeleteQuery,
  attributeKeyParams,
  attributeUsage,
  consentChannel,
  consentHistory,
  consentPut,
  consentState,
  customer,
  customerCreate,
  customerExportQuery,
  customerImportQuery,
  customerImportReport,
  customerListQuery,
  customerPage,
  customerPatch,
  id,
  member,
  memberCreate,
  memberList,
  memberListQuery,
  mergeRequest,
  noQuery,
  problem,
  tagsBody,
  tagsResult,
} from '@fidelis/contracts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FidelisApp } from '../../http/fastify.ts';
import type { RequestContext } from '../../http/request-context.ts';
import { AppError } from '../../http/app-error.ts';
import { problemOf } from '../../http/problem.ts';
import { entityTagOf, parseIfMatch } from '../../http/entity-tags.ts';
import { contextOf } from '../../http/fastify.ts';
import { refuseBody } from '../../http/no-body.ts';
import type { DatabaseHandle } from '../../db/connect.ts';
import { runIdempotent } from '../platform/index.ts';
import * as service from './customers.service.ts';
import type { CustomersServiceDb } from './customers.service.ts';
import { importCustomers, parseImportOptions, type ImportOptions } from './customer-import.ts';
import { exportCustomersCsv } from './customer-export.ts';
import { CustomerVersionMismatch } from './customers.errors.ts';

const params = z.strictObject({ id });
const tags = ['customers'];
const errors = { 400: problem, 404: problem, 409: problem, 410: problem, 422: problem };
/** Imports take large files; everything else keeps the app's 1 MiB limit. */
const IMPORT_BODY_LIMIT = 512 * 1024 * 1024;

/** A customer reply's ETag: its version, so a client can send it back in If-Match. */
function tagged<T extends { version: number }>(
  reply: { header(name: string, value: string): unknown },
  body: T,
): T {
  void reply.header('etag', entityTagOf(body.version));
  return body;
}

/** The versions an If-Match header accepts; undefined when any will do (no header, or `*`). */
function expectedVersionsOf(header: string | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  const parsed = parseIfMatch(header);
  if (!parsed.ok) {
    throw new AppError('VALIDATION_FAILED', 'The If-Match header is not valid.', [
      {
        field: 'headers.if-match',
        message: parsed.error,
        reason: 'invalid_format',
        params: { format: 'entity_tag' },
      },
    ]);
  }
  return parsed.value === 'any' ? undefined : parsed.value;
}

export interface CustomersRouteDeps {
  db: CustomersServiceDb;
  database: Pick<DatabaseHandle, 'bulkTransaction'>;
  /** The merge with what other modules do in its transaction (loyalty moves the points). */
  mergeCustomers: (
    context: RequestContext,
    survivorId: string,
    duplicateId: string,
  ) => Promise<z.infer<typeof customer>>;
  /** Erasure with what other modules hold of the person (the timeline's free text …). */
  eraseCustomer: (context: RequestContext, id: string) => Promise<void>;
}

export function registerCustomersRoutes(app: FidelisApp, deps: CustomersRouteDeps): void {
  const { db } = deps;

  app.post('/v1/customers', {
    schema: {
      tags,
      summary: 'Create a customer (send an Idempotency-Key header to retry safely)',
      querystring: noQuery,
      body: customerCreate,
      headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
      response: { 201: customer, ...errors },
    },
    config: { permission: 'customers:write' },
    handler: async (request, reply) => {
      const context = contextOf(request);
      const key = request.headers['idempotency-key'];
      if (!key) {
        const created = await service.createCustomer(db, context, request.body);
        return reply.status(201).send(tagged(reply, created));
      }
      const result = await runIdempotent(
        db,
        { tenantId: context.tenantId, scope: 'customers.create', key, body: request.body },
        async (trx) => ({
          status: 201,
          body: await service.createCustomer(trx, context, request.body),
        }),
      );
      // The customer this key created was erased since: its data is gone (PIPL/GDPR).
      if (result.status === 410)
        throw new AppError('CUSTOMER_ERASED', 'The customer this key created has been erased.');
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(result.status).send(tagged(reply, result.body));
    },
  });

  app.get('/v1/customers', {
    schema: {
      tags,
      summary: 'List and search customers',
      description:
        '`q` searches names (also by pinyin `zhangsan` and initials `zs`, tolerating typos), ' +
        'phones, emails and external ids. Keyset pagination: pass `nextCursor` as `cursor`.',
      querystring: customerListQuery,
      response: { 200: customerPage, 400: problem },
    },
    config: { permission: 'customers:read' },
    handler: async (request) => service.listCustomers(db, contextOf(request), request.query),
  });

  app.get('/v1/customers/export.csv', {
    schema: {
      tags,
      summary: 'Export customers as CSV (same filters as the list; UTF-8, BOM for Excel)',
      querystring: customerExportQuery,
      produces: ['text/csv'],
    },
    config: { permission: 'customers:read' },
    handler: async (request, reply) => {
      const { bom, ...query } = request.query;
      // Check the filters before the first byte goes out: a bad one is still a clean 400.
      await service.customerFilterOf(db, contextOf(request).tenantId, query);
      void reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="customers.csv"');
      return reply.send(exportCustomersCsv(db, contextOf(request), query, { bom: bom === 'true' }));
    },
  });

  app.get('/v1/customers/:id', {
    schema: {
      tags,
      summary: 'A customer (a merged id answers with the customer it was merged into)',
      description: 'The `ETag` header carries the customer’s version (`"7"`) for If-Match.',
      params,
      querystring: noQuery,
      response: { 200: customer, 404: problem, 410: problem },
    },
    config: { permission: 'customers:read' },
    handler: async (request, reply) => {
      const found = await service.getCustomer(db, contextOf(request), request.params.id);
      if (found.id !== request.params.id) {
        void reply.header('content-location', `/v1/customers/${found.id}`);
      }
      return tagged(reply, found);
    },
  });

  app.patch('/v1/customers/:id', {
    schema: {
      tags,
      summary: 'Change a customer (null clears a field; lists replace; attributes merge)',
      description:
        'Send `If-Match` with the ETag of the customer you read (`"7"`) to change it only if ' +
        'nobody changed it since: otherwise 412 CUSTOMER_VERSION_MISMATCH and nothing changes; ' +
        'the 412 carries the customer’s current version as its `ETag`. ' +
        'Without If-Match the change is made whatever the version.',
      params,
      headers: z.object({
        'if-match': z
          .string()
          .optional()
          .describe('"7", W/"7", 7, a comma-separated list of these, or *'),
      }),
      querystring: noQuery,
      body: customerPatch,
      response: { 200: customer, ...errors, 412: problem },
    },
    config: { permission: 'customers:write' },
    handler: async (request, reply) => {
      const expectedVersions = expectedVersionsOf(request.headers['if-match']);
      try {
        const updated = await service.updateCustomer(
          db,
          contextOf(request),
          request.params.id,
          request.body,
          { expectedVersions },
        );
        return tagged(reply, updated);
      } catch (error) {
        // The version it is at (RFC 9110 §15.5.13 lets a 412 say so): a client can tell whether
        // its edit is stale without reading the customer again.
        if (error instanceof CustomerVersionMismatch) {
          void reply.header('etag', entityTagOf(error.currentVersion));
        }
        throw error;
      }
    },
  });

  app.delete('/v1/customers/:id', {
    schema: {
      tags,
      summary: 'Erase a customer’s personal data (PIPL/GDPR); the anonymous record remains',
      params,
      querystring: noQuery,
      response: { 204: z.null(), 404: problem },
    },
    config: { permission: 'customers:erase' },
    preValidation: refuseBody,
    handler: async (request, reply) => {
      await deps.eraseCustomer(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/v1/customers/:id/merge', {
    schema: {
      tags,
      summary: 'Merge a duplicate into this customer, keeping all history',
      params,
      querystring: noQuery,
      body: mergeRequest,
      response: { 200: customer, ...errors },
    },
    config: { permission: 'customers:write' },
    handler: async (request, reply) =>
      tagged(
        reply,
        await deps.mergeCustomers(contextOf(request), request.params.id, request.body.duplicateId),
      ),
  });

  app.post('/v1/customers/:id/tags', {
    schema: {
      tags,
      summary: 'Add tags',
      params,
      querystring: noQuery,
      body: tagsBody,
      response: { 200: tagsResult, ...errors },
    },
    config: { permission: 'customers:write' },
    handler: async (request) =>
      service.addCustomerTags(db, contextOf(request), request.params.id, request.body.tags),
  });

  app.delete('/v1/customers/:id/tags', {
    schema: {
      tags,
      summary: 'Remove tags',
      params,
      querystring: noQuery,
      body: tagsBody,
      response: { 200: tagsResult, ...errors },
    },
    config: { permission: 'customers:write' },
    handler: async (request) =>
      service.addCustomerTags(db, contextOf(request), request.params.id, request.body.tags, true),
  });

  app.put('/v1/customers/:id/consent/:channel', {
    schema: {
      tags,
      summary: 'Record consent to be contacted on a channel (granted or withdrawn)',
      params: z.strictObject({ id, channel: consentChannel }),
      querystring: noQuery,
      body: consentPut,
      response: { 200: consentState, ...errors },
    },
    config: { permission: 'customers:write' },
    handler: async (request) =>
      service.setConsent(
        db,
        contextOf(request),
        request.params.id,
        request.params.channel,
        request.body,
      ),
  });

  app.get('/v1/customers/:id/consent', {
    schema: {
      tags,
      summary: 'Consent per channel now, and the history of decisions',
      params,
      querystring: noQuery,
      response: { 200: consentHistory, 404: problem, 410: problem },
    },
    config: { permission: 'customers:read' },
    handler: async (request) => service.getConsent(db, contextOf(request), request.params.id),
  });

  app.get('/v1/customers/:id/members', {
    schema: {
      tags,
      summary:
        'An organisation’s people, or the organisations a person belongs to, by name; `q` searches them',
      params,
      querystring: memberListQuery,
      response: { 200: memberList, 400: problem, 404: problem, 410: problem },
    },
    config: { permission: 'customers:read' },
    handler: async (request) =>
      service.listMembers(db, contextOf(request), request.params.id, request.query),
  });

  app.post('/v1/customers/:id/members', {
    schema: {
      tags,
      summary: 'Link a person to this organisation with a role',
      params,
      querystring: noQuery,
      body: memberCreate,
      response: { 201: member, ...errors },
    },
    config: { permission: 'customers:write' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await service.addMember(db, contextOf(request), request.params.id, request.body)),
  });

  app.delete('/v1/customers/:id/members/:personId', {
    schema: {
      tags,
      summary: 'Unlink a person from this organisation',
      params: z.strictObject({ id, personId: id }),
      querystring: noQuery,
      response: { 204: z.null(), 404: problem },
    },
    config: { permission: 'customers:write' },
    preValidation: refuseBody,
    handler: async (request, reply) => {
      await service.removeMember(
        db,
        contextOf(request),
        request.params.id,
        request.params.personId,
      );
      return reply.status(204).send(null);
    },
  });

  app.get('/v1/customer-attributes', {
    schema: {
      tags,
      summary: 'The tenant’s custom attribute definitions',
      querystring: noQuery,
      response: { 200: z.object({ items: z.array(attributeDefinition) }) },
    },
    config: { permission: 'customers:read' },
    handler: async (request) => ({
      items: await service.listAttributeDefinitions(db, contextOf(request)),
    }),
  });

  app.post('/v1/customer-attributes', {
    schema: {
      tags,
      summary: 'Define a custom attribute (string, number, boolean, date or enum)',
      querystring: noQuery,
      body: attributeDefinitionCreate,
      response: { 201: attributeDefinition, 400: problem, 409: problem },
    },
    config: { permission: 'platform:admin' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await service.createAttributeDefinition(db, contextOf(request), request.body)),
  });

  app.patch('/v1/customer-attributes/:key', {
    schema: {
      tags,
      summary: 'Change a custom attribute’s labels, or add options to an enum',
      description:
        'The key and the type cannot change (400 VALIDATION_FAILED on `key` or `type`, ' +
        'reason `immutable`). `options` is the whole list: an option customers hold cannot be ' +
        'left out (409 CONFLICT, each such option and how many customers hold it under ' +
        '`errors`: reason `in_use`, params `value` and `count`).',
      params: attributeKeyParams,
      querystring: noQuery,
      body: attributeDefinitionPatch,
      response: { 200: attributeDefinition, 400: problem, 404: problem, 409: problem },
    },
    config: { permission: 'platform:admin' },
    handler: async (request) =>
      service.updateAttributeDefinition(db, contextOf(request), request.params.key, request.body),
  });

  app.delete('/v1/customer-attributes/:key', {
    schema: {
      tags,
      summary: 'Delete a custom attribute',
      description:
        'Refused with 409 CONFLICT while customers hold a value of it, unless `force=true`: ' +
        'then their values are removed in the same transaction (each such customer moves on a ' +
        'version). All or nothing. Deleting a key that is not (or no longer) defined is 404.',
      params: attributeKeyParams,
      querystring: attributeDeleteQuery,
      response: { 204: z.null(), 404: problem, 409: problem },
    },
    config: { permission: 'platform:admin' },
    preValidation: refuseBody,
    handler: async (request, reply) => {
      await service.deleteAttributeDefinition(db, contextOf(request), request.params.key, {
        force: request.query.force === 'true',
      });
      return reply.status(204).send(null);
    },
  });

  app.get('/v1/customer-attributes/:key/usage', {
    schema: {
      tags,
      summary: 'How many customers hold a value of a custom attribute (per option for an enum)',
      params: attributeKeyParams,
      querystring: noQuery,
      response: { 200: attributeUsage, 404: problem },
    },
    config: { permission: 'customers:read' },
    handler: async (request) =>
      service.getAttributeUsage(db, contextOf(request), request.params.key),
  });

  // The CSV body is read as a stream, so its parser lives in a scope of its own.
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // Fastify enforces no body limit on a stream: the import counts the bytes it reads, and a
    // declared length over the limit is refused here, before a byte is read (or imported).
    const raw = (
      request: { headers: { 'content-length'?: string | undefined } },
      payload: NodeJS.ReadableStream,
      done: (e: AppError | null, b?: unknown) => void,
    ) => {
      if (Number(request.headers['content-length']) > IMPORT_BODY_LIMIT) {
        done(
          new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${IMPORT_BODY_LIMIT} bytes.`),
        );
        return;
      }
      done(null, payload);
    };
    scope.addContentTypeParser(['text/csv', 'application/octet-stream', 'text/plain'], raw);
    scope.post('/v1/customers/imports', {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import customers from CSV (UTF-8 or GBK; all-or-nothing by default)',
        description:
          'Body: the CSV file (`content-type: text/csv`). Rows with a known external id update ' +
          'that customer, so a re-import never duplicates. Errors name the CSV line and field. ' +
          'Send `accept: application/x-ndjson` to receive progress lines before the report.',
        querystring: customerImportQuery,
        response: { 200: customerImportReport, 400: problem, 413: problem, 422: problem },
      },
      config: { permission: 'customers:write' },
      handler: async (request, reply) => {
        const options = parseImportOptions(request.query);
        const body = request.body as NodeJS.ReadableStream | undefined;
        const context = contextOf(request);
        if (request.headers.accept?.includes('application/x-ndjson')) {
          return reply.type('application/x-ndjson').send(
            // A stream is sent as is, past the 200 schema: the last line carries the report.
            importWithProgress(deps.database, context, body, options, request.id) as never,
          );
        }
        return importCustomers(deps.database, context, body, options);
      },
    });
  });
}

/**
 * NDJSON: `{"type":"progress","rows":N}` lines while the import runs, then one
 * `{"type":"result","status":200|422,"body":…}` line with the report or the problem.
 */
function importWithProgress(
  database: Pick<DatabaseHandle, 'bulkTransaction'>,
  context: RequestContext,
  body: NodeJS.ReadableStream | undefined,
  options: ImportOptions,
  requestId: string,
): Readable {
  const out = new Readable({ read() {} });
  const line = (value: unknown) => out.push(`${JSON.stringify(value)}\n`);
  importCustomers(database, context, body, {
    ...options,
    onProgress: (rows, phase) => line({ type: 'progress', phase, rows }),
  })
    .then((report) => line({ type: 'result', status: 200, body: report }))
    .catch((error: unknown) => {
      const problemBody =
        error instanceof AppError
          ? problemOf(error.code, error.message, requestId, error.errors)
          : problemOf('INTERNAL', 'The import failed on our side.', requestId);
      line({ type: 'result', status: problemBody.status, body: problemBody });
    })
    .finally(() => out.push(null));
  return out;
}
