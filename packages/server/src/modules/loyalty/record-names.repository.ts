// The names of loyalty records by id, for what reads them elsewhere (the audit log's page).
import { anyOf } from '../../db/sql-lists.ts';
import type { LoyaltyDb } from './loyalty.repository.ts';

/** The loyalty records that have a name, by the audit log's entity type. */
const namedTables = {
  loyalty_program: 'loyalty_programs',
  loyalty_reward: 'loyalty_rewards',
  loyalty_partner: 'loyalty_partners',
} as const;

export type NamedLoyaltyRecord = keyof typeof namedTables;

export const namedLoyaltyRecords = Object.keys(namedTables) as NamedLoyaltyRecord[];

/**
 * The current names of a tenant's programs, rewards and partners, one query per kind asked
 * for; ids of no record of the tenant (another tenant's, a deleted one) are absent.
 *
 * @example
 * const names = await loyaltyRecordNames(db, tenantId, { loyalty_program: [programId] });
 * names.get('loyalty_program')?.get(programId); // 'Members club'
 */
export async function loyaltyRecordNames(
  db: LoyaltyDb,
  tenantId: string,
  ids: Partial<Record<NamedLoyaltyRecord, readonly string[]>>,
): Promise<Map<NamedLoyaltyRecord, Map<string, string>>> {
  const kinds = namedLoyaltyRecords.filter((kind) => (ids[kind]?.length ?? 0) > 0);
  const found = await Promise.all(
    kinds.map((kind) =>
      db
        .selectFrom(namedTables[kind])
        .select(['id', 'name'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', anyOf([...new Set(ids[kind])], 'uuid'))
        .execute(),
    ),
  );
  return new Map(
    kinds.map((kind, i) => [kind, new Map(found[i]!.map((row) => [row.id, row.name]))]),
  );
}
