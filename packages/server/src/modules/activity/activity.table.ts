import type { ColumnType } from 'kysely';

type Instant = ColumnType<Date, Date | string, never>;

/**
 * The timeline: append-only. Amounts are signed minor units: purchases positive, refunds
 * negative (so `sum(amount)` is net revenue), interactions null.
 */
export interface EventsTable {
  tenant_id: string;
  id: string;
  type: 'purchase' | 'refund' | 'interaction';
  customer_id: string;
  occurred_at: Instant;
  recorded_at: ColumnType<Date, Date | string | undefined, never>;
  currency: string | null;
  amount: number | null;
  channel: string | null;
  store: string | null;
  refund_of: string | null;
  /** Interaction details (direction, subject, staff member, outcome, notes). */
  payload: ColumnType<Record<string, unknown>, string, never>;
  /** Hash of the request that recorded the event: a resend with another body is a conflict. */
  request_hash: string;
}

/** Purchase lines; a refund's lines carry the purchase line number they refund, negated amounts. */
export interface EventLinesTable {
  tenant_id: string;
  event_id: string;
  line_no: number;
  sku: string;
  category: string | null;
  quantity: number;
  amount: number;
}

export interface ActivityTables {
  events: EventsTable;
  event_lines: EventLinesTable;
}
