import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import {
  event,
  eventBatch,
  eventBatchResult,
  eventImportQuery,
  eventImportResult,
  eventInput,
  id,
  noQuery,
  overview,
  overviewQuery,
  timeline,
  timelineQuery,
  type EventImportResult,
} from '@fidelis/contracts';
import type { FidelisApp } from '../../http/fastify.ts';
import { contextOf } from '../../http/fastify.ts';
import { problemOf } from '../../http/problem.ts';
import { AppError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import type { PlatformTables } from '../platform/index.ts';
import type { ActivityTables } from './activity.table.ts';
import * as service from './activity.service.ts';
import type { EventOutcome, RecordEventsResult } from './record-events.ts';
import type { TransactionImportOptions } from './transaction-import.ts';

/** What the event routes need from outside the module; `app.ts` wires the flows in. */
export interface ActivityRouteDeps {
  db: Kysely<ActivityTables & PlatformTables>;
  /** Records events in one transaction (the record-events flow). */
  recordEvents(context: RequestContext, raws: readonly unknown[]): Promise<RecordEventsResult>;
  /**
   * Records one event; concurrent calls of one caller may share a transaction (group commit),
   * each still succeeding or failing on its own.
   */
  recordEvent(context: RequestContext, raw: unknown): Promise<EventOutcome>;
  /** Imports a CSV of transactions (the record-events flow's import). */
  importTransactions(
    context: RequestContext,
    csv: Uint8Array,
    options: TransactionImportOptions,
  ): Promise<EventImportResult>;
  timelineCustomers(context: RequestContext): service.TimelineCustomers;
  countCustomers(context: RequestContext): Promise<number>;
}

const IMPORT_LIMIT = 256 * 1024 * 1024;

export function registerActivityRoutes(app: FidelisApp, deps: ActivityRouteDeps): void {
  const { db } = deps;

  app.post('/v1/events', {
    schema: {
      tags: ['activity'],
      summary: 'Record an event (purchase, refund or interaction); idempotent by its id',
      description:
        'The same id with the same body answers the first result again (200); with another body 409 IDEMPOTENCY_CONFLICT.',
      querystring: noQuery,
      body: eventInput,
      response: { 200: event, 201: event },
    },
    config: { permission: 'events:write' },
    handler: async (request, reply) => {
      const context = contextOf(request);
      const outcome = await deps.recordEvent(context, request.body);
      if (outcome.status === 'error') throw outcome.error;
      if (outcome.status === 'created') return reply.status(201).send(outcome.event);
      const [stored] = await service.findEventsById(db, context.tenantId, [outcome.id]);
      return reply.status(200).send(stored!);
    },
  });

  app.post('/v1/events::batch', {
    schema: {
      tags: ['activity'],
      summary: 'Record up to 1000 events; each is accepted or refused on its own',
      querystring: noQuery,
      body: eventBatch,
      response: { 200: eventBatchResult },
    },
    bodyLimit: 16 * 1024 * 1024,
    config: { permission: 'events:write', itemsCheckedAlone: true },
    handler: async (request) => {
      const context = contextOf(request);
      const { outcomes } = await deps.recordEvents(context, request.body.events);
      return {
        results: outcomes.map((outcome, index) =>
          outcome.status === 'error'
            ? {
                index,
                id: outcome.id,
                status: 'error' as const,
                error: problemOf(
                  outcome.error.code,
                  outcome.error.message,
                  request.id,
                  outcome.error.errors,
                ),
              }
            : { index, id: outcome.id, status: outcome.status },
        ),
      };
    },
  });

  app.get('/v1/customers/:id/timeline', {
    schema: {
      tags: ['activity'],
      summary: "A customer's timeline, newest first (includes customers merged into it)",
      params: z.strictObject({ id }),
      querystring: timelineQuery,
      response: { 200: timeline },
    },
    config: { permission: 'customers:read' },
    handler: async (request) => {
      const context = contextOf(request);
      return service.listTimeline(db, context, deps.timelineCustomers(context), {
        customerId: request.params.id,
        ...request.query,
      });
    },
  });

  app.get('/v1/overview', {
    schema: {
      tags: ['activity'],
      summary: 'Home dashboard: customers, activity, revenue, new and returning buyers by month',
      querystring: overviewQuery,
      response: { 200: overview },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) => {
      const context = contextOf(request);
      return service.getOverview(db, context, () => deps.countCustomers(context), request.query);
    },
  });

  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // Scoped to this plugin, so another module may parse CSV its own way.
    scope.addContentTypeParser(
      ['text/csv', 'application/csv'],
      { parseAs: 'buffer', bodyLimit: IMPORT_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post('/v1/events/imports', {
      schema: {
        tags: ['activity'],
        summary:
          'Import historical transactions from CSV (text/csv, UTF-8 or GBK), all or nothing by default',
        description:
          'Columns: event_id, customer_external_id or customer_id, occurred_at (ISO 8601 or YYYYMMDD), amount, currency, type (purchase|refund), refund_of, sku, category, quantity, channel, store. See docs/events.md.',
        querystring: eventImportQuery,
        response: { 200: eventImportResult },
      },
      bodyLimit: IMPORT_LIMIT,
      config: { permission: 'events:write' },
      handler: async (request) => {
        const body = request.body;
        if (!(body instanceof Uint8Array)) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv.');
        }
        const csv = body;
        return deps.importTransactions(contextOf(request), csv, {
          amountUnit: request.query.amountUnit,
          skipInvalid: request.query.skipInvalid === 'true',
          encoding: request.query.encoding,
          dryRun: request.query.dryRun === 'true',
        });
      },
    });
  });
}
