// Bulk customer resolution for the activity module's transaction import (kept in its own file
// so the customers module's own files stay untouched; written by the activity engineer).
import { sql, type Kysely } from 'kysely';
import { newId } from '../../db/ids.ts';
import { anyOf } from '../../db/sql-lists.ts';
import type { RequestContext } from '../../http/request-context.ts';
import type { CustomersTables } from './customers.table.ts';
import { auditCreatedByEvents, externalIdHash } from './customer-refs.ts';
import { nameKeys } from '../../text/name-keys.ts';

/**
 * Resolves many external ids at once — a fixed handful of statements whatever their number
 * (JSON parameters, no parameter lists) — creating the unknown ones as people named by the
 * external id when `createMissing`. Returns external id → customer id (the survivor of a
 * merge); erased and (without `createMissing`) unknown external ids are absent.
 *
 * @example
 * const ids = await resolveExternalIdsBulk(trx, context, ['cdnow-00001', 'cdnow-00002'], {
 *   createMissing: true,
 * });
 * ids.get('cdnow-00001'); // '0193…'
 */
export async function resolveExternalIdsBulk(
  db: Kysely<CustomersTables>,
  context: RequestContext,
  externalIds: readonly string[],
  options: { createMissing: boolean },
): Promise<Map<string, string>> {
  const tenantId = context.tenantId;
  const wanted = [...new Set(externalIds.filter((id) => id !== ''))];
  const resolved = new Map<string, string>();
  if (wanted.length === 0) return resolved;
  const readBack = async (ids: readonly string[]) => {
    const { rows } = await sql<{
      external_id: string;
      id: string;
      merged_into: string | null;
      erased_at: Date | null;
    }>`
      select external_id, id, merged_into, erased_at from customers
       where tenant_id = ${tenantId}
         and external_id = ${anyOf(ids, 'text')}`.execute(db);
    for (const row of rows) {
      if (row.erased_at === null) resolved.set(row.external_id, row.merged_into ?? row.id);
    }
    return new Set(rows.map((row) => row.external_id));
  };
  const found = await readBack(wanted);
  let missing = wanted.filter((id) => !found.has(id));
  if (missing.length === 0 || !options.createMissing) return resolved;

  // An erased customer's external id must not come back through an import.
  const hashes = new Map(missing.map((id) => [externalIdHash(id), id]));
  const { rows: erased } = await sql<{ hash: string }>`
    select erased_external_id_hash as hash from customers
     where tenant_id = ${tenantId}
       and erased_external_id_hash = ${anyOf([...hashes.keys()], 'text')}`.execute(db);
  const erasedIds = new Set(erased.map((row) => hashes.get(row.hash)));
  missing = missing.filter((id) => !erasedIds.has(id));
  if (missing.length === 0) return resolved;

  const rows = missing.map((externalId) => {
    const keys = nameKeys(externalId, 'person');
    return {
      tenant_id: tenantId,
      id: newId(),
      name: externalId,
      sort_key: keys.sortKey,
      search_text: `${keys.searchText} ${externalId.toLowerCase()}`,
      external_id: externalId,
    };
  });
  // Sorted, so concurrent imports insert shared new ids in one order and never deadlock.
  rows.sort((a, b) => (a.external_id < b.external_id ? -1 : a.external_id > b.external_id ? 1 : 0));
  const { rows: created } = await sql<{ external_id: string; id: string }>`
    insert into customers (tenant_id, id, kind, name, sort_key, search_text, external_id,
                           interests, attributes, source)
    select tenant_id, id, 'person', name, sort_key, search_text, external_id, '[]', '{}', 'event'
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
        tenant_id uuid, id uuid, name text, sort_key text, search_text text, external_id text)
    on conflict do nothing
    returning external_id, id`.execute(db);
  for (const row of created) resolved.set(row.external_id, row.id);
  await auditCreatedByEvents(db, context, created);
  // Planner statistics of a table that just grew a lot (autovacuum comes later), so the next
  // lookups of this tenant's customers (a re-import, the events' joins) plan on real counts.
  if (created.length >= 1_000) await sql`analyze customers`.execute(db);
  // Read back only those a concurrent import created first. (Reading back all new rows cost
  // 35 s for 23,570 of them when the planner's statistics predated the tenant: a nested loop
  // over the whole tenant per id.)
  const taken = missing.filter((id) => !resolved.has(id));
  if (taken.length > 0) await readBack(taken);
  return resolved;
}
