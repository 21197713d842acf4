import { z } from 'zod';
import {
  clientKey,
  currency,
  fieldError,
  id,
  instant,
  ledgerEventIdPrefixes,
  problem,
  storedInstant,
} from './common.ts';
import { importEncodings } from './customers.ts';

/**
 * Events: what passes between a business and its customers, appended to the timeline.
 * Each event carries a client-chosen `id` that is its idempotency key: the same id with the
 * same body is recorded once; with a different body it is refused (409 IDEMPOTENCY_CONFLICT).
 */

export const eventId = z
  .string()
  .min(1)
  .max(200)
  .describe('Client-chosen event id, unique per tenant: the idempotency key');

/**
 * A new event's id: a purchase's points are kept under its id, beside the ledger's own event
 * ids, so it may not begin with one of theirs (`partner:`, `adjust:`, …). Events stored before
 * keep their ids (`eventId` reads them, and names the purchase a refund refunds).
 */
const newEventId = clientKey(ledgerEventIdPrefixes).describe(
  'Client-chosen event id, unique per tenant: the idempotency key; not beginning with partner:, adjust:, action:, birthday: or referral: (the loyalty ledger’s own ids)',
);

const money = z
  .number()
  .int({ error: 'an integer amount in minor units (cents, 分): 12.50 is 1250' })
  .min(0)
  .max(1e15)
  .describe('Amount in integer minor units (fen, cents); never negative');

const shortText = (max: number) => z.string().min(1).max(max);

export const eventTypes = ['purchase', 'refund', 'interaction'] as const;
export const eventType = z.enum(eventTypes);
export type EventType = z.infer<typeof eventType>;

export const interactionChannels = [
  'phone',
  'email',
  'wechat',
  'sms',
  'visit',
  'social',
  'app',
  'other',
] as const;

const customerRef = {
  customerId: id.optional().describe('The customer, by Fidelis id'),
  customerExternalId: shortText(200)
    .optional()
    .describe('The customer, by your id; an unknown one is created'),
};

export const purchaseLineInput = z.strictObject({
  sku: shortText(100),
  category: shortText(100).optional(),
  quantity: z.number().int().min(1).max(1_000_000),
  amount: money.describe('Line amount in minor units'),
});

export const refundLineInput = z.strictObject({
  lineNo: z.number().int().min(1).describe('The purchase line refunded (1-based)'),
  quantity: z.number().int().min(0).max(1_000_000).default(0),
  amount: money.describe('Refunded on this line, in minor units'),
});

export const purchaseInput = z.strictObject({
  id: newEventId,
  type: z.literal('purchase'),
  ...customerRef,
  occurredAt: instant,
  currency,
  amount: money.describe('Order total in minor units'),
  lines: z.array(purchaseLineInput).max(500).optional(),
  channel: shortText(50).optional().describe('Sales channel, e.g. `store`, `online`'),
  store: shortText(100).optional(),
});

export const refundInput = z.strictObject({
  id: newEventId,
  type: z.literal('refund'),
  refundOf: eventId.describe('The purchase refunded (its event id)'),
  occurredAt: instant,
  currency: currency.optional().describe('If given, must be the purchase currency'),
  amount: money.describe('Refunded in minor units, positive; the purchase limits it'),
  lines: z.array(refundLineInput).max(500).optional(),
  channel: shortText(50).optional(),
  store: shortText(100).optional(),
});

export const interactionInput = z.strictObject({
  id: newEventId,
  type: z.literal('interaction'),
  ...customerRef,
  occurredAt: instant,
  channel: z.enum(interactionChannels),
  direction: z.enum(['in', 'out']),
  subject: shortText(200).optional(),
  staffMember: shortText(100).optional(),
  outcome: shortText(200).optional(),
  notes: z.string().max(4000).optional(),
});

function oneCustomerRef(
  event: { type: string; customerId?: string | undefined; customerExternalId?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (event.type === 'refund') return;
  const given =
    Number(event.customerId !== undefined) + Number(event.customerExternalId !== undefined);
  if (given !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['customerId'],
      message: 'give exactly one of customerId and customerExternalId',
      params: { reason: 'exactly_one_of', fields: 'customerId, customerExternalId' },
    });
  }
}

export const eventInput = z
  .discriminatedUnion('type', [purchaseInput, refundInput, interactionInput])
  .superRefine(oneCustomerRef)
  .describe('An event: a purchase, a refund or an interaction');
export type EventInput = z.infer<typeof eventInput>;
export type PurchaseInput = z.infer<typeof purchaseInput>;
export type RefundInput = z.infer<typeof refundInput>;
export type InteractionInput = z.infer<typeof interactionInput>;

export const eventLine = z.object({
  lineNo: z
    .number()
    .int()
    .describe('Purchase line number; for a refund line, the purchase line it refunds'),
  sku: z.string(),
  category: z.string().nullable(),
  quantity: z.number().int().describe('Negative on refunds'),
  amount: z.number().int().describe('Minor units; negative on refunds'),
});

/** An event as recorded: what POST /v1/events answers and the timeline lists. */
export const event = z
  .object({
    id: eventId,
    type: eventType,
    customerId: id,
    occurredAt: storedInstant,
    recordedAt: storedInstant,
    currency: z.string().nullable(),
    amount: z
      .number()
      .int()
      .nullable()
      .describe('Minor units, signed: purchases positive, refunds negative; null for interactions'),
    channel: z.string().nullable(),
    store: z.string().nullable(),
    refundOf: z.string().nullable(),
    lines: z.array(eventLine),
    direction: z.enum(['in', 'out']).optional(),
    subject: z.string().optional(),
    staffMember: z.string().optional(),
    outcome: z.string().optional(),
    notes: z.string().optional(),
  })
  .meta({ id: 'Event' });
export type Event = z.infer<typeof event>;

export const eventBatch = z.strictObject({
  events: z
    // Items are checked one by one (each an EventInput), so one malformed item fails alone.
    .array(z.unknown())
    .min(1)
    .max(1000)
    .describe('Up to 1000 events (each an EventInput); each is accepted or refused on its own'),
});

export const eventBatchResult = z.object({
  results: z.array(
    z.object({
      index: z.number().int().describe('Position in the request'),
      id: z.string().nullable(),
      status: z.enum(['created', 'duplicate', 'error']),
      error: problem.optional(),
    }),
  ),
});
export type EventBatchResult = z.infer<typeof eventBatchResult>;

export const timelineQuery = z.strictObject({
  cursor: z.string().max(500).optional().describe('Opaque cursor from the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  types: z
    .string()
    .regex(/^(purchase|refund|interaction)(,(purchase|refund|interaction))*$/)
    .optional()
    .describe('Comma-separated event types, e.g. `purchase,refund`'),
});

export const timeline = z.object({
  items: z.array(event),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null at the end'),
});

export const overviewQuery = z.strictObject({
  asOf: instant.optional().describe('The day the overview is computed for; default now'),
  currency: currency.optional().describe('Revenue currency; default the most used one'),
});

export const overview = z
  .object({
    asOf: storedInstant,
    timeZone: z.string(),
    currency: z.string().nullable(),
    totalCustomers: z.number().int(),
    activeCustomers90d: z
      .number()
      .int()
      .describe('Customers with a purchase or interaction in the 90 days up to asOf'),
    orders: z.number().int().describe('Purchases in the 24 months'),
    revenue: z.number().int().describe('Net of refunds, minor units, in the 24 months'),
    averageOrderValue: z.number().int().nullable().describe('Gross purchases / orders'),
    months: z.array(
      z.object({
        month: z.string().describe('YYYY-MM in the tenant time zone'),
        revenue: z.number().int().describe('Net of refunds, minor units'),
        orders: z.number().int(),
        averageOrderValue: z.number().int().nullable(),
        newCustomers: z.number().int().describe('First purchase ever in this month'),
        returningCustomers: z.number().int().describe('Bought this month, first purchase earlier'),
      }),
    ),
  })
  .meta({ id: 'Overview' });
export type Overview = z.infer<typeof overview>;

export const amountUnits = ['major', 'minor'] as const;

export const eventImportQuery = z.strictObject({
  amountUnit: z.enum(amountUnits).default('major'),
  encoding: z
    .enum(importEncodings)
    .default('auto')
    .describe('auto: UTF-8 when the whole file is, else GBK/GB18030 (what Chinese Excel saves)'),
  skipInvalid: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Import the valid events and report the rest (default: all or nothing)'),
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Check everything and report what the valid events would do; write nothing'),
});

export const eventImportResult = z.object({
  dryRun: z.boolean(),
  encoding: z.enum(['utf8', 'gb18030']).describe('The encoding the file was read in'),
  rows: z.number().int(),
  events: z.number().int().describe('Distinct events in the file'),
  created: z.number().int(),
  duplicates: z.number().int(),
  customersCreated: z.number().int(),
  errors: z.array(fieldError.extend({ line: z.number().int().describe('CSV line') })),
});
export type EventImportResult = z.infer<typeof eventImportResult>;
