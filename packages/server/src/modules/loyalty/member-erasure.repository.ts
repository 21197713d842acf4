// What erasing a customer (PIPL art. 47, GDPR art. 17) changes in the loyalty tables: the
// points, lots and entries stay as anonymous facts; the free text staff wrote about the person
// goes. Set-based: two statements whatever the number of programs.
import { sql } from 'kysely';
import { anyOf } from '../../db/sql-lists.ts';
import type { LoyaltyDb } from './loyalty.repository.ts';

/**
 * Takes the staff's note out of these customers' points adjustments (the entries' explanation
 * keeps the reason, the points and the rest; the ledger's trigger lets exactly this update
 * through, migration 0313) and returns the ids of the tenant's programs, which key the
 * customers' loyalty entries of the audit log (`programId:customerId`). Running it again
 * changes nothing.
 */
export async function eraseMemberNotes(
  db: LoyaltyDb,
  tenantId: string,
  customerIds: readonly string[],
): Promise<{ programIds: string[]; notesErased: number }> {
  const programIds = (
    await db
      .selectFrom('loyalty_programs')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute()
  ).map((row) => row.id);
  if (programIds.length === 0 || customerIds.length === 0) return { programIds, notesErased: 0 };
  const result = await sql`
    update loyalty_entries set explanation = explanation - 'note'
    where tenant_id = ${tenantId} and program_id = ${anyOf(programIds, 'uuid')}
      and customer_id = ${anyOf([...customerIds], 'uuid')} and explanation ? 'note'
  `.execute(db);
  return { programIds, notesErased: Number(result.numAffectedRows ?? 0) };
}
