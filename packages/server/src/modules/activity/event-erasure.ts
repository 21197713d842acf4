import { sql, type Kysely } from 'kysely';
import type { ActivityTables } from './activity.table.ts';
import { anyOf } from '../../db/sql-lists.ts';

/** What a customer or staff member may have written about the person in an interaction. */
const FREE_TEXT = ['subject', 'outcome', 'notes'] as const;

/**
 * Erasure's share of the timeline: interactions keep their facts (when, channel, direction,
 * which staff member) and lose the free text written about the person, for every id of the
 * erased customer. Purchases and refunds hold nothing personal and stay as they are. Events are
 * otherwise never changed; this is the one exception, for the law. Returns how many changed.
 */
export async function eraseEventTexts(
  db: Kysely<ActivityTables>,
  tenantId: string,
  customerIds: readonly string[],
): Promise<number> {
  if (customerIds.length === 0) return 0;
  const result = await sql`
    update events set payload = payload - ${sql.raw(`'{${FREE_TEXT.join(',')}}'::text[]`)}
    where tenant_id = ${tenantId}
      and customer_id = ${anyOf([...customerIds], 'uuid')}
      and type = 'interaction'
      and payload ?| ${sql.raw(`'{${FREE_TEXT.join(',')}}'::text[]`)}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
