/**
 * Activity: the timeline of purchases, refunds and interactions — append-only, idempotent by
 * the client's event id — plus the home overview and the bulk CSV import of transactions.
 *
 * Callers own the transaction and pass in how to resolve customers (the customers module), so
 * the `record-events` flow can add what other modules do with newly recorded events.
 *
 * @example
 * const { outcomes, recorded } = await db.transaction().execute((trx) =>
 *   recordEvents(trx, context, [{ id: 'order-1', type: 'purchase', customerExternalId: 'c-1',
 *     occurredAt: '2026-11-01T10:00:00Z', currency: 'CNY', amount: 12_50 }],
 *     (refs) => resolveCustomerRefs(trx, context, refs, { createMissing: true })),
 * );
 * // outcomes[0].status === 'created'; recorded[0].amount === 1250
 */
export type { ActivityTables } from './activity.table.ts';
export { activityMigrations } from './activity.migrations.ts';
export {
  recordEvents,
  parseEvent,
  type RecordedEvent,
  type RecordedLine,
  type RecordEventsResult,
  type EventOutcome,
  type ResolveCustomers,
  type EventCustomerRef,
} from './record-events.ts';
export {
  listTimeline,
  findEventsById,
  customersWithPurchases,
  getOverview,
  type TimelineCustomers,
} from './activity.service.ts';
export {
  importTransactions,
  importColumns,
  type TransactionImportOptions,
  type CopyCsv,
} from './transaction-import.ts';
export { registerActivityRoutes, type ActivityRouteDeps } from './activity.routes.ts';
export { eraseEventTexts } from './event-erasure.ts';
export { readPurchaseHistory, type PurchaseHistory } from './activity.analytics-source.ts';
