import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { ActivityTables, EventLinesTable, EventsTable } from './activity.table.ts';
import { anyOf } from '../../db/sql-lists.ts';
import { instantOfMicros, microsOf } from '../../db/sql-micros.ts';

export type ActivityDb = Kysely<ActivityTables>;
export type EventRow = Selectable<EventsTable>;
export type EventLineRow = Selectable<EventLinesTable>;
export type NewEventRow = Insertable<EventsTable>;
export type NewEventLineRow = Insertable<EventLinesTable>;

/** Locks the purchases named by refunds (in id order, so two batches never deadlock). */
export function lockPurchases(db: ActivityDb, tenantId: string, ids: readonly string[]) {
  return db
    .selectFrom('events')
    .select(['id', 'type', 'customer_id', 'currency', 'amount', 'occurred_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function findEventHashes(db: ActivityDb, tenantId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: string; request_hash: string }>`
    select id, request_hash from events
     where tenant_id = ${tenantId}
       and id = ${anyOf(ids, 'text')}`.execute(db);
  return rows;
}

export function findEvents(db: ActivityDb, tenantId: string, ids: readonly string[]) {
  return db
    .selectFrom('events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
}

export function findLines(db: ActivityDb, tenantId: string, eventIds: readonly string[]) {
  if (eventIds.length === 0) return Promise.resolve([] as EventLineRow[]);
  return db
    .selectFrom('event_lines')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('event_id', 'in', eventIds)
    .orderBy('event_id')
    .orderBy('line_no')
    .execute();
}

/** What has been refunded so far of each purchase, in total and per purchase line (positive). */
export async function findRefundedSoFar(
  db: ActivityDb,
  tenantId: string,
  purchaseIds: readonly string[],
) {
  // One after the other: inside a transaction there is one connection.
  const totals = await db
    .selectFrom('events')
    .select(['refund_of', sql<number>`coalesce(-sum(amount), 0)::bigint`.as('amount')])
    .where('tenant_id', '=', tenantId)
    .where('refund_of', 'in', purchaseIds)
    .where('type', '=', 'refund')
    .groupBy('refund_of')
    .execute();
  const lines = await db
    .selectFrom('event_lines as l')
    .innerJoin('events as e', (join) =>
      join.onRef('e.tenant_id', '=', 'l.tenant_id').onRef('e.id', '=', 'l.event_id'),
    )
    .select([
      'e.refund_of',
      'l.line_no',
      sql<number>`-sum(l.quantity)::bigint`.as('quantity'),
      sql<number>`-sum(l.amount)::bigint`.as('amount'),
    ])
    .where('e.tenant_id', '=', tenantId)
    .where('e.refund_of', 'in', purchaseIds)
    .where('e.type', '=', 'refund')
    .groupBy(['e.refund_of', 'l.line_no'])
    .execute();
  return { totals, lines };
}

/**
 * Events and their lines in one statement, the rows as JSON parameters (`jsonb_to_recordset`):
 * one round trip and a small plan whatever the batch size, no 10,000-parameter statements, the
 * same on both engines. Returns the ids actually inserted (an id already taken is skipped) and
 * when they were recorded: `now()`, the transaction's start, which the column defaults to. One
 * row back, not one per event: parsing a timestamp per row was 3 % of a batch's Node time.
 */
export async function insertEvents(
  db: ActivityDb,
  rows: readonly NewEventRow[],
  lines: readonly NewEventLineRow[],
): Promise<{ ids: string[]; recordedAt: Date }> {
  if (rows.length === 0) return { ids: [], recordedAt: new Date() };
  // Each payload travels as the JSON text it already is and is cast once in SQL: parsing it
  // back into an object here only to serialize it again cost every event an object and a parse.
  const events = JSON.stringify(rows);
  // One statement for both tables; lines only of the events this statement inserted.
  const { rows: inserted } = await sql<{ ids: string[]; recorded_at: Date }>`
    with inserted as (
      insert into events (tenant_id, id, type, customer_id, occurred_at, currency, amount, channel,
                          store, refund_of, payload, request_hash)
      select tenant_id, id, type, customer_id, occurred_at, currency, amount, channel, store,
             refund_of, payload::jsonb, request_hash
        from jsonb_to_recordset(${events}::jsonb) as r(
          tenant_id uuid, id text, type text, customer_id uuid, occurred_at timestamptz,
          currency text, amount bigint, channel text, store text, refund_of text, payload text,
          request_hash text)
      on conflict (tenant_id, id) do nothing
      returning id
    ), inserted_lines as (
      insert into event_lines (tenant_id, event_id, line_no, sku, category, quantity, amount)
      select l.tenant_id, l.event_id, l.line_no, l.sku, l.category, l.quantity, l.amount
        from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as l(
          tenant_id uuid, event_id text, line_no int, sku text, category text, quantity int,
          amount bigint)
       where l.event_id in (select id from inserted)
    )
    select coalesce(json_agg(id), '[]') as ids, now() as recorded_at from inserted`.execute(db);
  const [result] = inserted;
  return { ids: result?.ids ?? [], recordedAt: result?.recorded_at ?? new Date() };
}

/** Newest first, keyset-paged on (occurred_at, id); `before` is the last row of the previous page. */
export function findTimeline(
  db: ActivityDb,
  query: {
    tenantId: string;
    customerIds: readonly string[];
    types: readonly string[] | undefined;
    /** `occurredMicros`: microseconds since 1970 as decimal digits (beyond 2^53 after 2255). */
    before: { occurredMicros: string; id: string } | undefined;
    limit: number;
  },
) {
  let select = db
    .selectFrom('events')
    .selectAll()
    .select(microsOf('occurred_at').as('occurred_micros'))
    .where('tenant_id', '=', query.tenantId)
    .where('customer_id', 'in', query.customerIds);
  if (query.types && query.types.length > 0)
    select = select.where('type', 'in', query.types as EventRow['type'][]);
  if (query.before) {
    const at = instantOfMicros(query.before.occurredMicros);
    select = select.where(
      (eb) => eb.refTuple('occurred_at', 'id'),
      '<',
      (eb) => eb.tuple(at, query.before!.id),
    );
  }
  return select.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

/** Those of `customerIds` with at least one recorded purchase, in one statement. */
export async function findCustomersWithPurchases(
  db: ActivityDb,
  tenantId: string,
  customerIds: readonly string[],
): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const rows = await db
    .selectFrom('events')
    .select('customer_id')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', anyOf(customerIds, 'uuid'))
    .where('type', '=', 'purchase')
    .groupBy('customer_id')
    .execute();
  return rows.map((row) => row.customer_id);
}

export interface OverviewQuery {
  tenantId: string;
  timeZone: string;
  asOf: Date;
  currency: string | null;
}

/** The currency most purchases of the 24 months were made in (null without purchases). */
export async function findMainCurrency(db: ActivityDb, tenantId: string, since: Date, asOf: Date) {
  const row = await db
    .selectFrom('events')
    .select(['currency', sql<number>`count(*)`.as('n')])
    .where('tenant_id', '=', tenantId)
    .where('type', '=', 'purchase')
    .where('occurred_at', '>=', since)
    .where('occurred_at', '<=', asOf)
    .groupBy('currency')
    .orderBy('n', 'desc')
    .orderBy('currency')
    .limit(1)
    .executeTakeFirst();
  return row?.currency ?? null;
}

/** The first instant of the month 23 months before asOf's month, in the tenant's time zone. */
export async function findOverviewStart(db: ActivityDb, timeZone: string, asOf: Date) {
  const { rows } = await sql<{ start: Date }>`
    select (date_trunc('month', ${asOf}::timestamptz at time zone ${timeZone}) - interval '23 months')
      at time zone ${timeZone} as start`.execute(db);
  return rows[0]!.start;
}

export async function findMonthlyRevenue(db: ActivityDb, q: OverviewQuery, since: Date) {
  const { rows } = await sql<{
    month: string;
    revenue: number;
    gross: number;
    orders: number;
  }>`
    select to_char(date_trunc('month', occurred_at at time zone ${q.timeZone}), 'YYYY-MM') as month,
           coalesce(sum(amount), 0)::bigint as revenue,
           coalesce(sum(amount) filter (where type = 'purchase'), 0)::bigint as gross,
           count(*) filter (where type = 'purchase')::int as orders
      from events
     where tenant_id = ${q.tenantId} and type in ('purchase', 'refund')
       and currency = ${q.currency}
       and occurred_at >= ${since} and occurred_at <= ${q.asOf}
     group by 1`.execute(db);
  return rows;
}

/**
 * Buyers per month, new (first purchase ever in that month) or returning. Join-free on purpose:
 * one scan with a window for each customer's first purchase, so no plan can go quadratic.
 */
export async function findNewAndReturning(db: ActivityDb, q: OverviewQuery, since: Date) {
  const { rows } = await sql<{ month: string; new_customers: number; returning_customers: number }>`
    with purchases as (
      select customer_id, occurred_at, min(occurred_at) over (partition by customer_id) as first_at
        from events
       where tenant_id = ${q.tenantId} and type = 'purchase' and occurred_at <= ${q.asOf}
    ), buyers as (
      select distinct customer_id,
             date_trunc('month', occurred_at at time zone ${q.timeZone}) as month,
             date_trunc('month', first_at at time zone ${q.timeZone}) as first_month
        from purchases
       where occurred_at >= ${since}
    )
    select to_char(month, 'YYYY-MM') as month,
           count(*) filter (where first_month = month)::int as new_customers,
           count(*) filter (where first_month < month)::int as returning_customers
      from buyers
     group by month`.execute(db);
  return rows;
}

/** Fresh planner statistics after a bulk load, so the next queries do not plan for an empty table. */
export async function analyzeEvents(db: ActivityDb): Promise<void> {
  await sql`analyze events, event_lines`.execute(db);
}

export async function countActiveCustomers(
  db: ActivityDb,
  tenantId: string,
  since: Date,
  asOf: Date,
) {
  const row = await db
    .selectFrom('events')
    .select(sql<number>`count(distinct customer_id)::int`.as('n'))
    .where('tenant_id', '=', tenantId)
    .where('type', 'in', ['purchase', 'interaction'])
    .where('occurred_at', '>', since)
    .where('occurred_at', '<=', asOf)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
