import type { Kysely } from 'kysely';
import type { EventImportResult } from '@fidelis/contracts';
import type { DatabaseHandle } from '../db/connect.ts';
import { createGroupCommit } from '../db/group-commit.ts';
import type { Database } from '../db/database.ts';
import { applyRecordedEventsToLoyalty } from './loyalty.flow.ts';
import type { RequestContext } from '../http/request-context.ts';
import {
  importTransactions,
  recordEvents,
  type ActivityRouteDeps,
  type ActivityTables,
  type EventCustomerRef,
  type EventOutcome,
  type RecordEventsResult,
  type RecordedEvent,
  type TransactionImportOptions,
} from '../modules/activity/index.ts';
import {
  countCustomers,
  customerIdsOf,
  readCustomerRefs,
  resolveCustomerRefs,
  type CustomerRef,
  resolveExternalIdsBulk,
  resolveMergedCustomerId,
  type CustomersTables,
} from '../modules/customers/index.ts';

/** A module sees only its own tables; the composed database holds them all. */
function narrow<Tables>(db: Kysely<Database>): Kysely<Tables> {
  return db as unknown as Kysely<Tables>;
}

/**
 * Records events: resolve their customers (creating unknown external ids), append the events,
 * and let other modules react to the newly recorded ones — all in one transaction, so a
 * failure anywhere records nothing.
 *
 * With `readAhead` (the server's read-ahead pool; the embedded database has none), the
 * customers the events name are read on another connection while the transaction begins:
 * one round trip less inside it. The transaction still creates what the read did not find.
 */
export async function recordEventsFlow(
  db: Kysely<Database>,
  context: RequestContext,
  raws: readonly unknown[],
  options: { readAhead?: Kysely<Database> | undefined } = {},
): Promise<RecordEventsResult> {
  const early = options.readAhead
    ? readCustomerRefs(
        narrow<CustomersTables>(options.readAhead),
        context.tenantId,
        customerRefsOf(raws),
      ).catch(
        // The transaction reads for itself then (and meets the same error if it persists).
        () => undefined,
      )
    : undefined;
  return db.transaction().execute(async (trx) => {
    const result = await recordEvents(narrow<ActivityTables>(trx), context, raws, async (refs) =>
      resolveCustomerRefs(narrow<CustomersTables>(trx), context, refs, {
        createMissing: true,
        readAhead: await early,
      }),
    );
    await reactToRecordedEvents(trx, context, result.recorded);
    return result;
  });
}

/** The customers raw (not yet validated) events name; what is not a string names nothing. */
function customerRefsOf(raws: readonly unknown[]): CustomerRef[] {
  const refs: CustomerRef[] = [];
  for (const raw of raws) {
    if (typeof raw !== 'object' || raw === null) continue;
    const { customerId, customerExternalId } = raw as Record<string, unknown>;
    if (typeof customerId === 'string') refs.push({ customerId });
    else if (typeof customerExternalId === 'string') refs.push({ customerExternalId });
  }
  return refs;
}

/**
 * Where other modules react to newly recorded events (never duplicates), inside the
 * transaction that recorded them: e.g. loyalty earning points on purchases.
 */
async function reactToRecordedEvents(
  trx: Kysely<Database>,
  context: RequestContext,
  recorded: readonly RecordedEvent[],
): Promise<void> {
  if (recorded.length === 0) return;
  await applyRecordedEventsToLoyalty(trx, context, recorded);
}

/** Carries a dry run's result out of the transaction it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: EventImportResult) {
    super('dry run');
  }
}

/**
 * Imports a CSV of transactions in one bulk transaction (COPY), all or nothing by default; a
 * dry run does it all, customers included, and rolls it back.
 */
export async function importTransactionsFlow(
  database: DatabaseHandle,
  context: RequestContext,
  csv: Uint8Array,
  options: TransactionImportOptions,
): Promise<EventImportResult> {
  try {
    return await database.bulkTransaction(async (trx, copyCsv) => {
      const customersDb = narrow<CustomersTables>(trx);
      const before = await countCustomers(customersDb, context.tenantId);
      const result = await importTransactions(trx, copyCsv, context, csv, options, (refs) =>
        resolveManyCustomerRefs(customersDb, context, refs),
      );
      const after = await countCustomers(customersDb, context.tenantId);
      const imported = { ...result, customersCreated: after - before };
      if (options.dryRun) throw new DryRunRollback(imported);
      return imported;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}

/**
 * Resolves the many references of an import: external ids set-based (creating the unknown
 * ones), Fidelis ids in chunks that keep parameter lists small.
 */
async function resolveManyCustomerRefs(
  db: Kysely<CustomersTables>,
  context: RequestContext,
  refs: readonly EventCustomerRef[],
): Promise<(string | null)[]> {
  const externalIds = refs.flatMap((ref) =>
    ref.customerId === undefined && ref.customerExternalId ? [ref.customerExternalId] : [],
  );
  const byExternalId = await resolveExternalIdsBulk(db, context, externalIds, {
    createMissing: true,
  });
  const idRefs = refs.filter((ref) => ref.customerId !== undefined);
  const byId = new Map<string, string | null>();
  for (let start = 0; start < idRefs.length; start += 5000) {
    const chunk = idRefs.slice(start, start + 5000);
    const resolved = await resolveCustomerRefs(db, context, chunk, { createMissing: false });
    chunk.forEach((ref, i) => byId.set(ref.customerId!, resolved[i] ?? null));
  }
  return refs.map((ref) =>
    ref.customerId !== undefined
      ? (byId.get(ref.customerId) ?? null)
      : (byExternalId.get(ref.customerExternalId ?? '') ?? null),
  );
}

/**
 * Single events of one caller share transactions under load (group commit): what arrived
 * while the previous transaction ran is recorded in the next one, up to 500 events, with at
 * most two transactions of a caller in flight, the second only once 16 events wait (else the
 * second slot records a stream of one-event transactions: earning from single purchases
 * +20 %, docs/performance.md). A lone event still runs at once.
 */
function singleEventRecorder(db: Kysely<Database>, readAhead: Kysely<Database> | undefined) {
  const submit = createGroupCommit<{ context: RequestContext; raw: unknown }, EventOutcome>(
    async (items) => {
      const { outcomes } = await recordEventsFlow(
        db,
        items[0]!.context,
        items.map((item) => item.raw),
        { readAhead },
      );
      return outcomes;
    },
    { maxBatch: 500, maxInFlight: 2, minBeside: 16 },
  );
  return (context: RequestContext, raw: unknown) =>
    submit(`${context.tenantId}/${context.actor.type}/${context.actor.id ?? ''}`, {
      context,
      raw,
    });
}

/** The event routes' dependencies on the flows and on the customers module. */
export function activityRouteDeps(database: DatabaseHandle): ActivityRouteDeps {
  const db = database.db;
  const readAhead = database.readAhead;
  return {
    db,
    recordEvents: (context, raws) => recordEventsFlow(db, context, raws, { readAhead }),
    recordEvent: singleEventRecorder(db, readAhead),
    importTransactions: (context, csv, options) =>
      importTransactionsFlow(database, context, csv, options),
    timelineCustomers: (context) => ({
      resolve: (customerId) =>
        resolveMergedCustomerId(narrow<CustomersTables>(db), context.tenantId, customerId),
      idsOf: (survivorId) =>
        customerIdsOf(narrow<CustomersTables>(db), context.tenantId, survivorId),
    }),
    countCustomers: (context) => countCustomers(narrow<CustomersTables>(db), context.tenantId),
  };
}
