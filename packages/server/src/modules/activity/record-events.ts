import type { Kysely } from 'kysely';
import { eventInput, type Event, type EventInput, type RefundInput } from '@fidelis/contracts';
import { AppError, type FieldError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import { fieldErrorOfIssue, fieldOfPath } from '../../http/validation-issues.ts';
import { nulFieldError, pathOfNul } from '../../http/nul-characters.ts';
import { hashRequest } from '../platform/index.ts';
import * as repo from './activity.repository.ts';
import type { ActivityTables } from './activity.table.ts';
import { checkRefund, nothingRefunded, type LineTotals, type Refunded } from './refund-limits.ts';
import { toEvent } from './event-view.ts';

/** A customer reference as events carry it; resolved by the caller (the customers module). */
export interface EventCustomerRef {
  customerId?: string;
  customerExternalId?: string;
}

/** Resolves references to customer ids (null: unknown), creating unknown external ids. */
export type ResolveCustomers = (refs: readonly EventCustomerRef[]) => Promise<(string | null)[]>;

export interface RecordedLine {
  lineNo: number;
  sku: string;
  category: string | null;
  quantity: number;
  amount: number;
}

/**
 * An event newly recorded (never a duplicate): what other modules react to. `amount` is
 * signed (refunds negative); `lines` are a purchase's lines; `refundedLines` are the purchase
 * lines a refund gives back, with positive quantity and amount.
 */
export interface RecordedEvent {
  id: string;
  type: 'purchase' | 'refund' | 'interaction';
  customerId: string;
  occurredAt: Date;
  currency: string | null;
  amount: number | null;
  lines: RecordedLine[];
  refundOf: string | null;
  refundedLines: RecordedLine[];
}

export type EventOutcome =
  | { status: 'created'; id: string; event: Event }
  | { status: 'duplicate'; id: string }
  | { status: 'error'; id: string | null; error: AppError };

export interface RecordEventsResult {
  /** One per input, in input order. */
  outcomes: EventOutcome[];
  /** The events this call recorded, in input order. */
  recorded: RecordedEvent[];
}

type Db = Kysely<ActivityTables>;

/** Parses one event of a batch; a bad one is an error value, not an exception. */
export function parseEvent(
  raw: unknown,
): { ok: true; value: EventInput } | { ok: false; id: string | null; error: AppError } {
  const parsed = eventInput.safeParse(raw);
  const rawId = (raw as { id?: unknown } | null)?.id;
  if (parsed.success) {
    const nul = pathOfNul(raw);
    if (nul === null) return { ok: true, value: parsed.data };
    return {
      ok: false,
      id: typeof rawId === 'string' && !rawId.includes('\u0000') ? rawId : null,
      error: new AppError('VALIDATION_FAILED', 'The event is not valid.', [
        nulFieldError(fieldOfPath(nul, '(event)')),
      ]),
    };
  }
  const errors: FieldError[] = parsed.error.issues.map((issue) => {
    const { code, path, message, ...details } = issue;
    return fieldErrorOfIssue({ code, path, message, details }, raw, '(event)');
  });
  return {
    ok: false,
    id: typeof rawId === 'string' ? rawId : null,
    error: new AppError('VALIDATION_FAILED', 'The event is not valid.', errors),
  };
}

/**
 * A created outcome whose API view is built when asked: a single event's answer shows it, a
 * batch's answer only the status, and building it for 1,000 events was about 5 % of a batch's CPU.
 */
function created(id: string, view: () => Event): EventOutcome {
  let event: Event | undefined;
  return {
    status: 'created',
    id,
    get event() {
      return (event ??= view());
    },
  };
}

interface Pending {
  index: number;
  input: EventInput;
  hash: string;
}

interface PurchaseFacts {
  customerId: string;
  currency: string;
  amount: number;
  occurredAt: Date;
  lines: Map<number, LineTotals & { sku: string; category: string | null }>;
}

/**
 * Records events in one transaction, set-based: a few statements per batch whatever its size
 * (lock the purchases refunds name, read the ids already taken, resolve customers, one
 * multi-row INSERT … ON CONFLICT DO NOTHING per table, read back the ids a concurrent call
 * took). Each event succeeds or fails on its own. Call it inside a transaction.
 */
export async function recordEvents(
  trx: Db,
  context: RequestContext,
  raws: readonly unknown[],
  resolveCustomers: ResolveCustomers,
): Promise<RecordEventsResult> {
  const tenantId = context.tenantId;
  const outcomes: (EventOutcome | undefined)[] = new Array(raws.length);
  const fail = (index: number, id: string | null, error: AppError) => {
    outcomes[index] = { status: 'error', id, error };
  };

  // 1. Parse; within the batch, a repeated id is a duplicate or a conflict of its first use.
  const pending: Pending[] = [];
  const repeats: Pending[] = [];
  const firstById = new Map<string, Pending>();
  for (const [index, raw] of raws.entries()) {
    const parsed = parseEvent(raw);
    if (!parsed.ok) {
      fail(index, parsed.id, parsed.error);
      continue;
    }
    const item = { index, input: parsed.value, hash: hashRequest(parsed.value) };
    const first = firstById.get(item.input.id);
    if (first) {
      repeats.push(item);
      continue;
    }
    firstById.set(item.input.id, item);
    pending.push(item);
  }

  // 2. Lock the purchases named by refunds before reading anything else, so the reads that
  // follow see every refund committed before us (READ COMMITTED takes a new snapshot).
  const refundTargets = [
    ...new Set(pending.flatMap((p) => (p.input.type === 'refund' ? [p.input.refundOf] : []))),
  ];
  const lockedPurchases =
    refundTargets.length > 0 ? await repo.lockPurchases(trx, tenantId, refundTargets) : [];

  // 3. Ids already recorded: duplicates or conflicts.
  const ids = pending.map((p) => p.input.id);
  // Without refunds there is nothing to check against stored events before inserting: the
  // insert itself (ON CONFLICT DO NOTHING) tells new from known, which saves a round trip.
  const preRead = refundTargets.length > 0;
  const existing = preRead && ids.length > 0 ? await repo.findEventHashes(trx, tenantId, ids) : [];
  const hashById = new Map(existing.map((row) => [row.id, row.request_hash]));
  const fresh: Pending[] = [];
  for (const item of pending) {
    const storedHash = hashById.get(item.input.id);
    if (storedHash === undefined) fresh.push(item);
    else if (storedHash === item.hash)
      outcomes[item.index] = { status: 'duplicate', id: item.input.id };
    else fail(item.index, item.input.id, conflict(item.input.id));
  }

  // 4. Customers of purchases and interactions (refunds take the purchase's).
  const needCustomer = fresh.filter((item) => item.input.type !== 'refund');
  const customerIds =
    needCustomer.length > 0
      ? await resolveCustomers(
          needCustomer.map(({ input }) => {
            const ref = input as { customerId?: string; customerExternalId?: string };
            return ref.customerId !== undefined
              ? { customerId: ref.customerId }
              : { customerExternalId: ref.customerExternalId ?? '' };
          }),
        )
      : [];
  const customerOf = new Map<number, string>();
  needCustomer.forEach((item, position) => {
    const customerId = customerIds[position] ?? null;
    if (customerId === null) {
      const ref = item.input as { customerId?: string; customerExternalId?: string };
      fail(
        item.index,
        item.input.id,
        new AppError(
          'EVENT_CUSTOMER_UNKNOWN',
          ref.customerId !== undefined
            ? `No customer ${ref.customerId} in this tenant.`
            : `The customer ${ref.customerExternalId ?? ''} is unknown or erased.`,
          [
            {
              field: ref.customerId !== undefined ? 'customerId' : 'customerExternalId',
              message: 'unknown customer',
              reason: 'not_found',
            },
          ],
        ),
      );
    } else customerOf.set(item.index, customerId);
  });

  // 5. Purchases refunds may name: those locked in the database, and those of this batch.
  const purchases = new Map<string, PurchaseFacts>();
  const refunded = new Map<string, Refunded>();
  const lockedIds = lockedPurchases.filter((row) => row.type === 'purchase').map((row) => row.id);
  if (lockedIds.length > 0) {
    const purchaseLines = await repo.findLines(trx, tenantId, lockedIds);
    const linesOf = new Map<string, PurchaseFacts['lines']>();
    for (const line of purchaseLines) {
      const map = linesOf.get(line.event_id) ?? new Map();
      map.set(line.line_no, {
        quantity: line.quantity,
        amount: line.amount,
        sku: line.sku,
        category: line.category,
      });
      linesOf.set(line.event_id, map);
    }
    for (const row of lockedPurchases) {
      if (row.type !== 'purchase') continue;
      purchases.set(row.id, {
        customerId: row.customer_id,
        currency: row.currency ?? '',
        amount: row.amount ?? 0,
        occurredAt: new Date(row.occurred_at),
        lines: linesOf.get(row.id) ?? new Map(),
      });
    }
    const soFar = await repo.findRefundedSoFar(trx, tenantId, lockedIds);
    const lineSoFar = new Map<string, Map<number, LineTotals>>();
    for (const line of soFar.lines) {
      if (line.refund_of === null) continue;
      const map = lineSoFar.get(line.refund_of) ?? new Map<number, LineTotals>();
      map.set(line.line_no, { quantity: Number(line.quantity), amount: Number(line.amount) });
      lineSoFar.set(line.refund_of, map);
    }
    for (const id of lockedIds) {
      const total = soFar.totals.find((row) => row.refund_of === id);
      refunded.set(id, {
        amount: Number(total?.amount ?? 0),
        lines: lineSoFar.get(id) ?? new Map(),
      });
    }
  }
  for (const item of fresh) {
    if (item.input.type !== 'purchase' || !customerOf.has(item.index)) continue;
    purchases.set(item.input.id, {
      customerId: customerOf.get(item.index)!,
      currency: item.input.currency,
      amount: item.input.amount,
      occurredAt: new Date(item.input.occurredAt),
      lines: new Map(
        (item.input.lines ?? []).map((line, i) => [
          i + 1,
          {
            quantity: line.quantity,
            amount: line.amount,
            sku: line.sku,
            category: line.category ?? null,
          },
        ]),
      ),
    });
  }

  // 6. Build the rows; refunds are checked one after the other against the running totals.
  const eventRows: repo.NewEventRow[] = [];
  const lineRows: repo.NewEventLineRow[] = [];
  const recordedByIndex = new Map<number, RecordedEvent>();
  for (const item of fresh) {
    if (outcomes[item.index]) continue;
    const { input } = item;
    const occurredAt = new Date(input.occurredAt);
    if (input.type === 'refund') {
      const checked = checkRefundOf(input, purchases, refunded);
      if (!checked.ok) {
        fail(item.index, input.id, checked.error);
        continue;
      }
      const { purchase, lines } = checked;
      refunded.set(input.refundOf, checked.refunded);
      eventRows.push(
        baseRow(tenantId, item, {
          customer_id: purchase.customerId,
          currency: purchase.currency,
          amount: -input.amount,
          refund_of: input.refundOf,
          payload: '{}',
        }),
      );
      for (const line of lines) {
        lineRows.push({
          tenant_id: tenantId,
          event_id: input.id,
          line_no: line.lineNo,
          sku: line.sku,
          category: line.category,
          quantity: -line.quantity,
          amount: -line.amount,
        });
      }
      recordedByIndex.set(item.index, {
        id: input.id,
        type: 'refund',
        customerId: purchase.customerId,
        occurredAt,
        currency: purchase.currency,
        amount: -input.amount,
        lines: [],
        refundOf: input.refundOf,
        refundedLines: lines,
      });
      continue;
    }
    const customerId = customerOf.get(item.index)!;
    if (input.type === 'purchase') {
      const lines = (input.lines ?? []).map((line, i) => ({
        lineNo: i + 1,
        sku: line.sku,
        category: line.category ?? null,
        quantity: line.quantity,
        amount: line.amount,
      }));
      eventRows.push(
        baseRow(tenantId, item, {
          customer_id: customerId,
          currency: input.currency,
          amount: input.amount,
          refund_of: null,
          payload: '{}',
        }),
      );
      for (const line of lines) {
        lineRows.push({
          tenant_id: tenantId,
          event_id: input.id,
          line_no: line.lineNo,
          sku: line.sku,
          category: line.category,
          quantity: line.quantity,
          amount: line.amount,
        });
      }
      recordedByIndex.set(item.index, {
        id: input.id,
        type: 'purchase',
        customerId,
        occurredAt,
        currency: input.currency,
        amount: input.amount,
        lines,
        refundOf: null,
        refundedLines: [],
      });
      continue;
    }
    const {
      id: _id,
      type: _type,
      occurredAt: _at,
      channel,
      customerId: _c,
      customerExternalId: _e,
      ...details
    } = input;
    eventRows.push(
      baseRow(tenantId, item, {
        customer_id: customerId,
        currency: null,
        amount: null,
        refund_of: null,
        payload: JSON.stringify(details),
        channel,
      }),
    );
    recordedByIndex.set(item.index, {
      id: input.id,
      type: 'interaction',
      customerId,
      occurredAt,
      currency: null,
      amount: null,
      lines: [],
      refundOf: null,
      refundedLines: [],
    });
  }

  // 7. Insert; an id a concurrent call recorded meanwhile is skipped and classified below.
  const inserted = await repo.insertEvents(trx, eventRows, lineRows);
  const insertedIds = new Set(inserted.ids);
  const recordedAt = inserted.recordedAt;
  const recheck = eventRows.filter((row) => !insertedIds.has(row.id)).map((row) => row.id);
  const unknownCustomer = preRead
    ? []
    : fresh.filter((item) => {
        const outcome = outcomes[item.index];
        return outcome?.status === 'error' && outcome.error.code === 'EVENT_CUSTOMER_UNKNOWN';
      });
  recheck.push(...unknownCustomer.map((item) => item.input.id));
  if (recheck.length > 0) {
    const stored = await repo.findEventHashes(trx, tenantId, recheck);
    for (const row of stored) hashById.set(row.id, row.request_hash);
  }
  // An event already recorded is a duplicate or a conflict, whatever its customer now resolves to.
  for (const item of unknownCustomer) {
    const storedHash = hashById.get(item.input.id);
    if (storedHash === item.hash) outcomes[item.index] = { status: 'duplicate', id: item.input.id };
    else if (storedHash !== undefined) fail(item.index, item.input.id, conflict(item.input.id));
  }
  const recorded: RecordedEvent[] = [];
  const linesByEvent = new Map<string, repo.NewEventLineRow[]>();
  for (const line of lineRows) {
    const list = linesByEvent.get(line.event_id) ?? [];
    list.push(line);
    linesByEvent.set(line.event_id, list);
  }
  const rowById = new Map(eventRows.map((row) => [row.id, row]));
  for (const item of fresh) {
    if (outcomes[item.index]) continue;
    const id = item.input.id;
    if (insertedIds.has(id)) {
      const row = rowById.get(id)!;
      outcomes[item.index] = created(id, () =>
        toEvent(
          {
            id,
            type: row.type,
            customer_id: row.customer_id,
            occurred_at: new Date(row.occurred_at),
            recorded_at: recordedAt,
            currency: row.currency ?? null,
            amount: row.amount ?? null,
            channel: row.channel ?? null,
            store: row.store ?? null,
            refund_of: row.refund_of ?? null,
            payload: JSON.parse(row.payload) as Record<string, unknown>,
          },
          (linesByEvent.get(id) ?? []).map((line) => ({
            line_no: line.line_no,
            sku: line.sku,
            category: line.category ?? null,
            quantity: line.quantity,
            amount: line.amount,
          })),
        ),
      );
      const event = recordedByIndex.get(item.index);
      if (event) recorded.push(event);
    } else if (hashById.get(id) === item.hash) {
      outcomes[item.index] = { status: 'duplicate', id };
    } else {
      fail(item.index, id, conflict(id));
    }
  }
  // A repeated id within the batch is judged against what is now stored under that id.
  for (const item of repeats) {
    const id = item.input.id;
    const storedHash = insertedIds.has(id) ? firstById.get(id)!.hash : hashById.get(id);
    if (storedHash === item.hash) outcomes[item.index] = { status: 'duplicate', id };
    else if (storedHash !== undefined) fail(item.index, id, conflict(id));
    else {
      const first = outcomes[firstById.get(id)!.index];
      outcomes[item.index] =
        first?.status === 'error' ? { ...first } : { status: 'error', id, error: conflict(id) };
    }
  }
  return { outcomes: outcomes.map((outcome) => outcome!), recorded };
}

function conflict(id: string): AppError {
  return new AppError(
    'IDEMPOTENCY_CONFLICT',
    `The event id ${id} was recorded before with a different body.`,
    [{ field: 'id', message: 'reused with a different body', reason: 'reused' }],
  );
}

function baseRow(
  tenantId: string,
  item: Pending,
  fields: Pick<
    repo.NewEventRow,
    'customer_id' | 'currency' | 'amount' | 'refund_of' | 'payload'
  > & {
    channel?: string | undefined;
  },
): repo.NewEventRow {
  const input = item.input;
  const channel =
    fields.channel ??
    ('channel' in input && input.type !== 'interaction' ? input.channel : undefined);
  return {
    tenant_id: tenantId,
    id: input.id,
    type: input.type,
    customer_id: fields.customer_id,
    occurred_at: input.occurredAt,
    currency: fields.currency ?? null,
    amount: fields.amount ?? null,
    channel: channel ?? null,
    store: input.type !== 'interaction' ? (input.store ?? null) : null,
    refund_of: fields.refund_of ?? null,
    payload: fields.payload,
    request_hash: item.hash,
  };
}

function checkRefundOf(
  input: RefundInput,
  purchases: Map<string, PurchaseFacts>,
  refunded: Map<string, Refunded>,
):
  | { ok: true; purchase: PurchaseFacts; refunded: Refunded; lines: RecordedLine[] }
  | { ok: false; error: AppError } {
  const purchase = purchases.get(input.refundOf);
  if (!purchase) {
    return {
      ok: false,
      error: new AppError(
        'REFUND_TARGET_NOT_FOUND',
        `No purchase ${input.refundOf} to refund in this tenant.`,
        [{ field: 'refundOf', message: 'no such purchase', reason: 'not_found' }],
      ),
    };
  }
  // Money cannot come back before it was paid: such a refund is a wrong date.
  if (new Date(input.occurredAt).getTime() < purchase.occurredAt.getTime()) {
    return {
      ok: false,
      error: new AppError('VALIDATION_FAILED', 'A refund cannot precede its purchase.', [
        {
          field: 'occurredAt',
          message: `must not be before the purchase (${purchase.occurredAt.toISOString()})`,
          reason: 'must_be_after',
          params: { other: 'refundOf' },
        },
      ]),
    };
  }
  if (input.currency !== undefined && input.currency !== purchase.currency) {
    return {
      ok: false,
      error: new AppError('VALIDATION_FAILED', `The purchase was in ${purchase.currency}.`, [
        {
          field: 'currency',
          message: `must be the purchase currency ${purchase.currency}`,
          reason: 'must_equal',
          params: { expected: purchase.currency },
        },
      ]),
    };
  }
  const checked = checkRefund(purchase, refunded.get(input.refundOf) ?? nothingRefunded, input);
  if (!checked.ok) {
    return {
      ok: false,
      error: new AppError(checked.code, checked.message, [
        {
          field: checked.field,
          message: checked.message,
          reason: checked.reason,
          ...(checked.params ? { params: checked.params } : {}),
        },
      ]),
    };
  }
  const lines = (input.lines ?? []).map((line) => {
    const bought = purchase.lines.get(line.lineNo)!;
    return {
      lineNo: line.lineNo,
      sku: bought.sku,
      category: bought.category,
      quantity: line.quantity,
      amount: line.amount,
    };
  });
  return { ok: true, purchase, refunded: checked.refunded, lines };
}
