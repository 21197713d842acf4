// What other modules read about many customers at once (set-based, chunked): tags for
// segment rules, reachable channels for notifications, birthdays for gifts.
import type { Kysely } from 'kysely';
import type { CustomersTables } from './customers.table.ts';

type CustomersDb = Kysely<CustomersTables>;

const CHUNK = 1000;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < rows.length; index += CHUNK)
    out.push(rows.slice(index, index + CHUNK));
  return out;
}

/** Each customer's tags (customers without tags are absent), in a query per 1,000 ids. */
export async function findTagsOf(
  db: CustomersDb,
  tenantId: string,
  customerIds: readonly string[],
): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  for (const part of chunks([...new Set(customerIds)])) {
    const rows = await db
      .selectFrom('customer_tags')
      .select(['customer_id', 'tag'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', 'in', part)
      .orderBy('customer_id')
      .orderBy('tag')
      .execute();
    for (const row of rows) {
      const list = tags.get(row.customer_id);
      if (list) list.push(row.tag);
      else tags.set(row.customer_id, [row.tag]);
    }
  }
  return tags;
}
