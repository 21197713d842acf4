import { hash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { newId } from '../../db/ids.ts';
import { anyOf } from '../../db/sql-lists.ts';
import type { RequestContext } from '../../http/request-context.ts';
import type { CustomersTables } from './customers.table.ts';
import { nameKeys } from '../../text/name-keys.ts';
import { recordAudits, type PlatformTables } from '../platform/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** What an erased customer's external id leaves behind, so it cannot come back by an event. */
export function externalIdHash(externalId: string): string {
  return hash('sha256', externalId, 'hex');
}

export interface CustomerRef {
  customerId?: string | undefined;
  customerExternalId?: string | undefined;
}

interface Found {
  id: string;
  external_id: string | null;
  erased_external_id_hash: string | null;
  merged_into: string | null;
  erased_at: Date | null;
}

/** The customer rows some references name, read before the transaction that needs them. */
export interface CustomerRefsRead {
  readonly ids: ReadonlySet<string>;
  readonly externalIds: ReadonlySet<string>;
  readonly rows: readonly Found[];
}

/** The ids (lower case) and external ids that references name; invalid ids name nothing. */
function namedBy(refs: readonly CustomerRef[]) {
  const ids = new Set<string>();
  const externalIds = new Set<string>();
  for (const ref of refs) {
    if (ref.customerId !== undefined) {
      if (isUuid(ref.customerId)) ids.add(ref.customerId.toLowerCase());
    } else if (ref.customerExternalId !== undefined && ref.customerExternalId !== '') {
      externalIds.add(ref.customerExternalId);
    }
  }
  return { ids, externalIds };
}

function selectNamed(
  db: Kysely<CustomersTables>,
  tenantId: string,
  ids: ReadonlySet<string>,
  externals: readonly string[],
): Promise<Found[]> {
  return db
    .selectFrom('customers')
    .select(['id', 'external_id', 'erased_external_id_hash', 'merged_into', 'erased_at'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('id', '=', anyOf([...ids], 'uuid')),
        eb('external_id', '=', anyOf(externals, 'text')),
        eb('erased_external_id_hash', '=', anyOf(externals.map(externalIdHash), 'text')),
      ]),
    )
    .execute() as Promise<Found[]>;
}

/**
 * Reads the customers references name, outside any transaction: a caller about to open one
 * starts this beside its `begin` on another connection and hands the result to
 * `resolveCustomerRefs`, which then needs no read of its own — one round trip less on the
 * transaction's path. What it read is as current as a read inside the transaction: under
 * READ COMMITTED that statement would see the same committed rows.
 */
export async function readCustomerRefs(
  db: Kysely<CustomersTables>,
  tenantId: string,
  refs: readonly CustomerRef[],
): Promise<CustomerRefsRead> {
  const { ids, externalIds } = namedBy(refs);
  const rows =
    ids.size === 0 && externalIds.size === 0
      ? []
      : await selectNamed(db, tenantId, ids, [...externalIds]);
  return { ids, externalIds, rows };
}

function covers(read: CustomerRefsRead, ids: Set<string>, externalIds: Set<string>): boolean {
  for (const id of ids) if (!read.ids.has(id)) return false;
  for (const externalId of externalIds) if (!read.externalIds.has(externalId)) return false;
  return true;
}

/**
 * Every change is audited, these too: one audit row per customer an event or a transaction
 * import created for an unknown external id.
 */
export function auditCreatedByEvents(
  db: Kysely<CustomersTables>,
  context: RequestContext,
  created: readonly { id: string; external_id: string | null }[],
): Promise<void> {
  return recordAudits(
    db as unknown as Kysely<PlatformTables>,
    created.map((row) => ({
      context,
      change: {
        action: 'customer.create',
        entityType: 'customer',
        entityId: row.id,
        after: {
          kind: 'person',
          name: row.external_id,
          externalId: row.external_id,
          source: 'event',
        },
      },
    })),
  );
}

/**
 * Resolves references to customer ids in one round trip (two when customers are created;
 * none to read when `readAhead` already holds every customer they name).
 * A merged customer resolves to its survivor; an erased or unknown one to null. Unknown
 * external ids are created as people named by the external id when `createMissing`.
 */
export async function resolveCustomerRefs(
  db: Kysely<CustomersTables>,
  context: RequestContext,
  refs: readonly CustomerRef[],
  options: { createMissing: boolean; readAhead?: CustomerRefsRead | undefined },
): Promise<(string | null)[]> {
  const tenantId = context.tenantId;
  const { ids, externalIds } = namedBy(refs);
  if (ids.size === 0 && externalIds.size === 0) return refs.map(() => null);
  const readAhead = options.readAhead;
  const rows =
    readAhead && covers(readAhead, ids, externalIds)
      ? readAhead.rows
      : await selectNamed(db, tenantId, ids, [...externalIds]);
  const byId = new Map<string, Found>();
  const byExternal = new Map<string, Found>();
  const erasedHashes = new Set<string>();
  const remember = (row: Found) => {
    byId.set(row.id, row);
    if (row.external_id !== null) byExternal.set(row.external_id, row);
    if (row.erased_external_id_hash !== null) erasedHashes.add(row.erased_external_id_hash);
  };
  rows.forEach(remember);

  // Sorted: concurrent transactions then insert shared new ids in one order, never deadlocking.
  const missing = [...externalIds]
    .sort()
    .filter(
      (externalId) => !byExternal.has(externalId) && !erasedHashes.has(externalIdHash(externalId)),
    );
  if (options.createMissing && missing.length > 0) {
    await db
      .insertInto('customers')
      .values(
        missing.map((externalId) => {
          const keys = nameKeys(externalId, 'person');
          return {
            tenant_id: tenantId,
            id: newId(),
            kind: 'person' as const,
            name: externalId,
            sort_key: keys.sortKey,
            search_text: `${keys.searchText} ${externalId.toLowerCase()}`,
            external_id: externalId,
            erased_external_id_hash: null,
            birthday: null,
            gender: null,
            occupation: null,
            interests: '[]',
            family_notes: null,
            notes: null,
            preferred_channel: null,
            attributes: '{}',
            source: 'event',
            merged_into: null,
            merged_at: null,
            erased_at: null,
          };
        }),
      )
      // A concurrent batch may have created the same external id: keep theirs, read it back.
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'external_id'])
      .execute()
      .then((created) => auditCreatedByEvents(db, context, created));
    (await selectNamed(db, tenantId, new Set(), missing)).forEach(remember);
  }

  const resolve = (row: Found | undefined): string | null => {
    if (!row || row.erased_at !== null) return null;
    return row.merged_into ?? row.id;
  };
  return refs.map((ref) => {
    if (ref.customerId !== undefined) {
      return isUuid(ref.customerId) ? resolve(byId.get(ref.customerId.toLowerCase())) : null;
    }
    if (ref.customerExternalId === undefined || ref.customerExternalId === '') return null;
    return resolve(byExternal.get(ref.customerExternalId));
  });
}

/** Live customers of a tenant: neither merged away nor erased. */
export async function countCustomers(
  db: Kysely<CustomersTables>,
  tenantId: string,
): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('tenant_id', '=', tenantId)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * The survivor and every customer merged into it: what a timeline should read so facts
 * recorded against a duplicate before the merge still show.
 */
export async function customerIdsOf(
  db: Kysely<CustomersTables>,
  tenantId: string,
  survivorId: string,
): Promise<string[]> {
  if (!isUuid(survivorId)) return [];
  const rows = await db
    .selectFrom('customers')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', survivorId), eb('merged_into', '=', survivorId)]))
    .orderBy('id')
    .execute();
  const ids = rows.map((row) => row.id);
  // The survivor first, then the duplicates.
  return ids.includes(survivorId) ? [survivorId, ...ids.filter((id) => id !== survivorId)] : ids;
}

/** Follows a merge: the id a (possibly merged) customer id now lives under, or null if unknown. */
export async function resolveMergedCustomerId(
  db: Kysely<CustomersTables>,
  tenantId: string,
  customerId: string,
): Promise<string | null> {
  if (!isUuid(customerId)) return null;
  const row = await db
    .selectFrom('customers')
    .select(['id', 'merged_into'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', customerId)
    .executeTakeFirst();
  return row ? (row.merged_into ?? row.id) : null;
}
