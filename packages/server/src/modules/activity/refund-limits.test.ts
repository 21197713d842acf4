import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkRefund,
  nothingRefunded,
  type RefundablePurchase,
  type Refunded,
} from './refund-limits.ts';

const purchase: RefundablePurchase = {
  currency: 'CNY',
  amount: 3000,
  lines: new Map([
    [1, { quantity: 2, amount: 2000 }],
    [2, { quantity: 1, amount: 1000 }],
  ]),
};

describe('checkRefund', () => {
  const number = (limit: 'maximum' | 'minimum', value: number, bound?: string) => ({
    origin: 'number',
    [limit]: value,
    ...(bound ? { bound } : {}),
  });
  it.each([
    [{ amount: 3000 }, true, undefined, undefined],
    [{ amount: 3001 }, false, 'amount', ['too_big', number('maximum', 3000)]],
    [{ amount: 0 }, false, 'amount', ['too_small', number('minimum', 0, 'exclusive')]],
    [{ amount: 500, lines: [{ lineNo: 1, quantity: 1, amount: 500 }] }, true, undefined, undefined],
    [
      { amount: 500, lines: [{ lineNo: 3, quantity: 1, amount: 500 }] },
      false,
      'lines[0].lineNo',
      ['not_found', undefined],
    ],
    [
      { amount: 400, lines: [{ lineNo: 1, quantity: 1, amount: 500 }] },
      false,
      'amount',
      ['must_equal', { expected: 500 }],
    ],
    [
      { amount: 1100, lines: [{ lineNo: 2, quantity: 1, amount: 1100 }] },
      false,
      'lines[0].amount',
      ['too_big', number('maximum', 1000)],
    ],
    [
      { amount: 100, lines: [{ lineNo: 2, quantity: 2, amount: 100 }] },
      false,
      'lines[0].quantity',
      ['too_big', number('maximum', 1)],
    ],
    [
      {
        amount: 200,
        lines: [
          { lineNo: 1, quantity: 0, amount: 100 },
          { lineNo: 1, quantity: 0, amount: 100 },
        ],
      },
      false,
      'lines[1].lineNo',
      ['duplicate', undefined],
    ],
  ])('%j → ok %s', (refund, ok, field, why) => {
    const result = checkRefund(purchase, nothingRefunded, refund);
    expect(result.ok).toBe(ok);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect([result.reason, result.params]).toEqual(why);
    }
  });

  it('names the currency and what is left to refund, in total and per line', () => {
    const before: Refunded = { amount: 1000, lines: new Map([[1, { quantity: 1, amount: 1000 }]]) };
    const total = checkRefund(purchase, before, { amount: 2500 });
    expect(!total.ok && total.message).toBe(
      "refunds would total 3500 CNY (minor units), more than the purchase's 3000; 2000 CNY left to refund",
    );
    const line = checkRefund(purchase, before, {
      amount: 1500,
      lines: [{ lineNo: 1, quantity: 1, amount: 1500 }],
    });
    expect(!line.ok && line.message).toBe(
      "line 1: refunds would total 2500 CNY (minor units), more than the line's 2000; 1000 CNY left to refund",
    );
  });

  it('never lets the refunds accepted in any sequence exceed the purchase, in total or per line', () => {
    const refundArb = fc.record({
      amount: fc.integer({ min: 0, max: 2500 }),
      lines: fc.option(
        fc.array(
          fc.record({
            lineNo: fc.integer({ min: 1, max: 3 }),
            quantity: fc.integer({ min: 0, max: 2 }),
            amount: fc.integer({ min: 0, max: 1500 }),
          }),
          { maxLength: 2 },
        ),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(fc.array(refundArb, { maxLength: 12 }), (refunds) => {
        let state: Refunded = nothingRefunded;
        let total = 0;
        const perLine = new Map<number, { quantity: number; amount: number }>();
        for (const raw of refunds) {
          // Half the time make the amount match the lines, so line refunds get accepted too.
          const refund =
            raw.lines && raw.lines.length > 0
              ? { ...raw, amount: raw.lines.reduce((sum, line) => sum + line.amount, 0) }
              : raw;
          const result = checkRefund(purchase, state, refund);
          if (!result.ok) {
            expect(checkRefund(purchase, state, refund)).toEqual(result); // pure
            continue;
          }
          state = result.refunded;
          total += refund.amount;
          for (const line of refund.lines ?? []) {
            const before = perLine.get(line.lineNo) ?? { quantity: 0, amount: 0 };
            perLine.set(line.lineNo, {
              quantity: before.quantity + line.quantity,
              amount: before.amount + line.amount,
            });
          }
        }
        expect(total).toBeLessThanOrEqual(purchase.amount);
        expect(state.amount).toBe(total);
        for (const [lineNo, sum] of perLine) {
          const bought = purchase.lines.get(lineNo)!;
          expect(sum.amount).toBeLessThanOrEqual(bought.amount);
          expect(sum.quantity).toBeLessThanOrEqual(bought.quantity);
        }
      }),
      { numRuns: 500 },
    );
  });
});
