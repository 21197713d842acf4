import type { Event } from '@fidelis/contracts';

export interface EventViewRow {
  id: string;
  type: 'purchase' | 'refund' | 'interaction';
  customer_id: string;
  occurred_at: Date;
  recorded_at: Date;
  currency: string | null;
  amount: number | null;
  channel: string | null;
  store: string | null;
  refund_of: string | null;
  payload: Record<string, unknown>;
}

export interface EventViewLine {
  line_no: number;
  sku: string;
  category: string | null;
  quantity: number;
  amount: number;
}

const detailKeys = ['direction', 'subject', 'staffMember', 'outcome', 'notes'] as const;

/** The API shape of a stored event: the same whether just recorded or read back later. */
export function toEvent(row: EventViewRow, lines: readonly EventViewLine[]): Event {
  const event: Event = {
    id: row.id,
    type: row.type,
    customerId: row.customer_id,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    currency: row.currency,
    amount: row.amount === null ? null : Number(row.amount),
    channel: row.channel,
    store: row.store,
    refundOf: row.refund_of,
    lines: lines.map((line) => ({
      lineNo: line.line_no,
      sku: line.sku,
      category: line.category,
      quantity: Number(line.quantity),
      amount: Number(line.amount),
    })),
  };
  if (row.type === 'interaction') {
    for (const key of detailKeys) {
      const value = row.payload[key];
      if (typeof value === 'string') (event as Record<string, unknown>)[key] = value;
    }
  }
  return event;
}
