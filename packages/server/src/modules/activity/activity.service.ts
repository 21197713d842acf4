import type { Kysely } from 'kysely';
import type { Event, Overview } from '@fidelis/contracts';
import { AppError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import { decodeCursor, encodeCursor, findTenant, type PlatformTables } from '../platform/index.ts';
import * as repo from './activity.repository.ts';
import type { ActivityTables } from './activity.table.ts';
import { toEvent } from './event-view.ts';

type Db = Kysely<ActivityTables>;

/** What the timeline needs of the customers module, passed in by the caller. */
export interface TimelineCustomers {
  /** The id the customer now lives under (a merged one follows the merge), null if unknown. */
  resolve(customerId: string): Promise<string | null>;
  /** The survivor and every customer merged into it. */
  idsOf(survivorId: string): Promise<string[]>;
}

const eventTypes = ['purchase', 'refund', 'interaction'] as const;

/** Every event of a customer (and of customers merged into it), newest first, keyset-paged. */
export async function listTimeline(
  db: Db,
  context: RequestContext,
  customers: TimelineCustomers,
  query: {
    customerId: string;
    cursor?: string | undefined;
    limit: number;
    types?: string | undefined;
  },
): Promise<{ items: Event[]; nextCursor: string | null }> {
  const survivor = await customers.resolve(query.customerId);
  if (!survivor) {
    throw new AppError('CUSTOMER_NOT_FOUND', `No customer ${query.customerId}.`);
  }
  const customerIds = await customers.idsOf(survivor);
  if (!customerIds.includes(survivor)) customerIds.push(survivor);
  const position = query.cursor ? decodeCursor(query.cursor, { t: 'micros', i: 'text' }) : null;
  const before = position ? { occurredMicros: position.t, id: position.i } : undefined;
  const types = query.types
    ? [...new Set(query.types.split(','))].filter((type): type is (typeof eventTypes)[number] =>
        (eventTypes as readonly string[]).includes(type),
      )
    : undefined;
  const rows = await repo.findTimeline(db, {
    tenantId: context.tenantId,
    customerIds,
    types,
    before,
    limit: query.limit + 1,
  });
  const pageRows = rows.slice(0, query.limit);
  const lines = await repo.findLines(
    db,
    context.tenantId,
    pageRows.filter((row) => row.type !== 'interaction').map((row) => row.id),
  );
  const linesOf = new Map<string, repo.EventLineRow[]>();
  for (const line of lines) {
    const list = linesOf.get(line.event_id) ?? [];
    list.push(line);
    linesOf.set(line.event_id, list);
  }
  const last = pageRows.at(-1);
  return {
    items: pageRows.map((row) => toEvent(row, linesOf.get(row.id) ?? [])),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ t: String(last.occurred_micros), i: last.id })
        : null,
  };
}

/** Reads stored events by id, in the order asked (missing ids are left out). */
export async function findEventsById(
  db: Db,
  tenantId: string,
  ids: readonly string[],
): Promise<Event[]> {
  if (ids.length === 0) return [];
  const rows = await repo.findEvents(db, tenantId, ids);
  const lines = await repo.findLines(db, tenantId, ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [
          toEvent(
            row,
            lines.filter((line) => line.event_id === id),
          ),
        ]
      : [];
  });
}

/**
 * Which of the customers have ever bought: at least one purchase recorded, whether or not it
 * was refunded later. Pass a survivor with the customers merged into it to ask about a person.
 */
export async function customersWithPurchases(
  db: Db,
  tenantId: string,
  customerIds: readonly string[],
): Promise<Set<string>> {
  return new Set(await repo.findCustomersWithPurchases(db, tenantId, customerIds));
}

/**
 * The home dashboard: customers, activity in the last 90 days, and per month of the last 24
 * (in the tenant's time zone) net revenue, orders, average order value, new and returning
 * buyers. Plain aggregates over the indexed events table.
 */
export async function getOverview(
  db: Kysely<ActivityTables & PlatformTables>,
  context: RequestContext,
  countCustomers: () => Promise<number>,
  query: { asOf?: string | undefined; currency?: string | undefined },
): Promise<Overview> {
  const tenant = await findTenant(db, context.tenantId);
  const timeZone = tenant?.timeZone ?? 'UTC';
  const asOf = query.asOf ? new Date(query.asOf) : new Date();
  const since = await repo.findOverviewStart(db, timeZone, asOf);
  const currency =
    query.currency ??
    (await repo.findMainCurrency(db, context.tenantId, since, asOf)) ??
    tenant?.currency ??
    null;
  const q = { tenantId: context.tenantId, timeZone, asOf, currency };
  const totalCustomers = await countCustomers();
  const active = await repo.countActiveCustomers(
    db,
    context.tenantId,
    new Date(asOf.getTime() - 90 * 86_400_000),
    asOf,
  );
  const revenue = await repo.findMonthlyRevenue(db, q, since);
  const buyers = await repo.findNewAndReturning(db, q, since);
  const revenueOf = new Map(revenue.map((row) => [row.month, row]));
  const buyersOf = new Map(buyers.map((row) => [row.month, row]));
  const months: Overview['months'] = [];
  const start = monthParts(since, timeZone);
  for (let i = 0; i < 24; i++) {
    const total = start.year * 12 + (start.month - 1) + i;
    const month = `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
    const money = revenueOf.get(month);
    const people = buyersOf.get(month);
    const orders = Number(money?.orders ?? 0);
    months.push({
      month,
      revenue: Number(money?.revenue ?? 0),
      orders,
      averageOrderValue: orders > 0 ? Math.round(Number(money?.gross ?? 0) / orders) : null,
      newCustomers: Number(people?.new_customers ?? 0),
      returningCustomers: Number(people?.returning_customers ?? 0),
    });
  }
  const orders = months.reduce((sum, month) => sum + month.orders, 0);
  const gross = revenue.reduce((sum, row) => sum + Number(row.gross), 0);
  return {
    asOf: asOf.toISOString(),
    timeZone,
    currency,
    totalCustomers,
    activeCustomers90d: active,
    orders,
    revenue: months.reduce((sum, month) => sum + month.revenue, 0),
    averageOrderValue: orders > 0 ? Math.round(gross / orders) : null,
    months,
  };
}

function monthParts(instant: Date, timeZone: string): { year: number; month: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(instant);
  return {
    year: Number(parts.find((part) => part.type === 'year')?.value),
    month: Number(parts.find((part) => part.type === 'month')?.value),
  };
}
