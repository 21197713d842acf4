/**
 * The rule that keeps refunds honest: what has been refunded of a purchase — in total and
 * per line, amount and quantity, over every refund so far — never exceeds what was bought.
 * Pure: the caller loads the purchase and its earlier refunds (under a row lock) and applies
 * the refunds of a batch one after the other, feeding each result into the next check.
 */
import type { FieldErrorParams, FieldErrorReason } from '@fidelis/contracts';

export interface LineTotals {
  quantity: number;
  amount: number;
}

export interface RefundablePurchase {
  /** ISO 4217: the messages name it beside the amounts. */
  currency: string;
  amount: number;
  lines: ReadonlyMap<number, LineTotals>;
}

export interface Refunded {
  amount: number;
  lines: ReadonlyMap<number, LineTotals>;
}

export interface RefundRequest {
  amount: number;
  lines?: readonly { lineNo: number; quantity: number; amount: number }[] | undefined;
}

export type RefundCheck =
  | { ok: true; refunded: Refunded }
  | {
      ok: false;
      code: 'VALIDATION_FAILED' | 'REFUND_EXCEEDS_PURCHASE';
      message: string;
      field: string;
      /** Why, for a client to put in its own words (see `fieldErrorReasons`). */
      reason: FieldErrorReason;
      params?: FieldErrorParams;
    };

export const nothingRefunded: Refunded = { amount: 0, lines: new Map() };

export function checkRefund(
  purchase: RefundablePurchase,
  before: Refunded,
  refund: RefundRequest,
): RefundCheck {
  if (refund.amount <= 0) {
    return {
      ok: false,
      code: 'VALIDATION_FAILED',
      field: 'amount',
      message: 'must be positive',
      reason: 'too_small',
      params: { origin: 'number', minimum: 0, bound: 'exclusive' },
    };
  }
  const lines = new Map(before.lines);
  if (refund.lines && refund.lines.length > 0) {
    let sum = 0;
    const seen = new Set<number>();
    for (const [index, line] of refund.lines.entries()) {
      const field = `lines[${index}]`;
      const bought = purchase.lines.get(line.lineNo);
      if (!bought) {
        return {
          ok: false,
          code: 'VALIDATION_FAILED',
          field: `${field}.lineNo`,
          message: `the purchase has no line ${line.lineNo}`,
          reason: 'not_found',
        };
      }
      if (seen.has(line.lineNo)) {
        return {
          ok: false,
          code: 'VALIDATION_FAILED',
          field: `${field}.lineNo`,
          message: `line ${line.lineNo} is named twice`,
          reason: 'duplicate',
        };
      }
      seen.add(line.lineNo);
      const earlier = lines.get(line.lineNo) ?? { quantity: 0, amount: 0 };
      const after = {
        quantity: earlier.quantity + line.quantity,
        amount: earlier.amount + line.amount,
      };
      if (after.amount > bought.amount) {
        return {
          ok: false,
          code: 'REFUND_EXCEEDS_PURCHASE',
          field: `${field}.amount`,
          message: `line ${line.lineNo}: refunds would total ${after.amount} ${purchase.currency} (minor units), more than the line's ${bought.amount}; ${bought.amount - earlier.amount} ${purchase.currency} left to refund`,
          reason: 'too_big',
          params: { origin: 'number', maximum: bought.amount - earlier.amount },
        };
      }
      if (after.quantity > bought.quantity) {
        return {
          ok: false,
          code: 'REFUND_EXCEEDS_PURCHASE',
          field: `${field}.quantity`,
          message: `line ${line.lineNo}: ${after.quantity} returned in all would exceed the ${bought.quantity} bought`,
          reason: 'too_big',
          params: { origin: 'number', maximum: bought.quantity - earlier.quantity },
        };
      }
      lines.set(line.lineNo, after);
      sum += line.amount;
    }
    if (sum !== refund.amount) {
      return {
        ok: false,
        code: 'VALIDATION_FAILED',
        field: 'amount',
        message: `must equal the sum of the refunded lines (${sum})`,
        reason: 'must_equal',
        params: { expected: sum },
      };
    }
  }
  const total = before.amount + refund.amount;
  if (total > purchase.amount) {
    return {
      ok: false,
      code: 'REFUND_EXCEEDS_PURCHASE',
      field: 'amount',
      message: `refunds would total ${total} ${purchase.currency} (minor units), more than the purchase's ${purchase.amount}; ${purchase.amount - before.amount} ${purchase.currency} left to refund`,
      reason: 'too_big',
      params: { origin: 'number', maximum: purchase.amount - before.amount },
    };
  }
  return { ok: true, refunded: { amount: total, lines } };
}
