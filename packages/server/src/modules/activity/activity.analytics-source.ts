import { sql, type Kysely } from 'kysely';
import type { ActivityTables } from './activity.table.ts';

/**
 * A tenant's purchase history as columns, for the analytics scoring job: one entry per purchase
 * not fully refunded, with its net amount (purchase minus its refunds, minor units; 0 for a free
 * purchase), dated by the day it
 * happened in `timeZone` (days since 1970-01-01). Customers are a dictionary: row i belongs to
 * `customers[customerIndex[i]]`.
 */
export interface PurchaseHistory {
  readonly customers: string[];
  readonly customerIndex: Int32Array;
  readonly day: Int32Array;
  readonly amount: Float64Array;
  /** The currency of the purchases read (the most frequent one when several are present). */
  readonly currency: string | null;
  /** Purchases left out: fully refunded, or in another currency than `currency`. */
  readonly skipped: number;
}

const PAGE = 50_000;

/**
 * Reads every purchase of a tenant up to `until` (inclusive day in `timeZone`), in pages of 50,000
 * rows by event id so a tenant of millions of purchases never sits in memory as row objects.
 * `onPage` reports rows read so far.
 *
 * @example
 * const history = await readPurchaseHistory(db, tenantId, { timeZone: 'Asia/Shanghai' });
 * history.customers[history.customerIndex[0]!]; // the first purchase's customer id
 */
export async function readPurchaseHistory(
  db: Kysely<ActivityTables>,
  tenantId: string,
  options: { timeZone?: string; untilDay?: number; onPage?: (rows: number) => void } = {},
): Promise<PurchaseHistory> {
  const timeZone = options.timeZone ?? 'UTC';
  const currencies = await db
    .selectFrom('events')
    .select(['currency', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('type', '=', 'purchase')
    .groupBy('currency')
    .orderBy('n', 'desc')
    .execute();
  const currency = currencies[0]?.currency ?? null;
  let otherCurrency = 0;
  for (const row of currencies.slice(1)) otherCurrency += Number(row.n);

  const refunds = new Map<string, number>();
  const refundRows = await db
    .selectFrom('events')
    .select(['refund_of', (eb) => eb.fn.sum<number>('amount').as('refunded')])
    .where('tenant_id', '=', tenantId)
    .where('type', '=', 'refund')
    .groupBy('refund_of')
    .execute();
  for (const row of refundRows) {
    if (row.refund_of !== null) refunds.set(row.refund_of, Number(row.refunded));
  }

  const dayExpression = sql<number>`((occurred_at at time zone ${timeZone})::date - date '1970-01-01')`;
  const dictionary = new Map<string, number>();
  const customers: string[] = [];
  let capacity = 1024;
  let customerIndex = new Int32Array(capacity);
  let day = new Int32Array(capacity);
  let amount = new Float64Array(capacity);
  let size = 0;
  let skipped = otherCurrency;
  let after: string | null = null;
  let read = 0;
  for (;;) {
    let query = db
      .selectFrom('events')
      .select(['id', 'customer_id', 'amount', dayExpression.as('day')])
      .where('tenant_id', '=', tenantId)
      .where('type', '=', 'purchase')
      .orderBy('id')
      .limit(PAGE);
    if (currency !== null) query = query.where('currency', '=', currency);
    if (options.untilDay !== undefined) query = query.where(dayExpression, '<=', options.untilDay);
    if (after !== null) query = query.where('id', '>', after);
    const rows = await query.execute();
    for (const row of rows) {
      const refunded = refunds.get(row.id);
      const net = Number(row.amount ?? 0) + (refunded ?? 0);
      // A refund that leaves nothing undoes the purchase; a free purchase (a gift, a promotion)
      // still is one: it makes its customer a buyer from that day, as on the dashboard.
      if (net < 0 || (net === 0 && refunded !== undefined && refunded < 0)) {
        skipped++;
        continue;
      }
      let code = dictionary.get(row.customer_id);
      if (code === undefined) {
        code = customers.length;
        dictionary.set(row.customer_id, code);
        customers.push(row.customer_id);
      }
      if (size === capacity) {
        capacity *= 2;
        customerIndex = grow(customerIndex, new Int32Array(capacity));
        day = grow(day, new Int32Array(capacity));
        amount = grow(amount, new Float64Array(capacity));
      }
      customerIndex[size] = code;
      day[size] = Number(row.day);
      amount[size] = net;
      size++;
    }
    read += rows.length;
    options.onPage?.(read);
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]?.id ?? null;
  }
  return {
    customers,
    customerIndex: customerIndex.slice(0, size),
    day: day.slice(0, size),
    amount: amount.slice(0, size),
    currency,
    skipped,
  };
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
