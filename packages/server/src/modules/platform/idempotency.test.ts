import { describe, expect, it } from 'vitest';
import { hashRequest } from './idempotency.ts';

describe('hashRequest', () => {
  it('ignores key order and undefined members, at every depth', () => {
    expect(hashRequest({ b: 1, a: { y: [1, { d: 2, c: 3 }], x: undefined } })).toBe(
      hashRequest({ a: { y: [1, { c: 3, d: 2 }] }, b: 1 }),
    );
  });

  it('tells values, types and array order apart', () => {
    const hashes = [{ a: 1 }, { a: '1' }, { a: [1, 2] }, { a: [2, 1] }, { a: null }, { a: {} }];
    expect(new Set(hashes.map(hashRequest)).size).toBe(hashes.length);
  });

  // Hashes are stored with events and idempotency keys: a retry after an upgrade must hash the
  // same body to the same value, or it would be refused as a conflict. These are pinned.
  it('gives the hashes stored by earlier versions', () => {
    expect(
      hashRequest({
        id: 'e-1',
        type: 'purchase',
        customerExternalId: 'c-1',
        occurredAt: '2026-11-01T10:00:00Z',
        currency: 'CNY',
        amount: 1999,
        lines: [{ sku: 'SKU-1', category: 'tea', quantity: 1, amount: 1999 }],
      }),
    ).toBe('Xvg89DIudzNCdyNxyj19FHjgaqMJhA-m6fYnKLVnjyA');
    expect(
      hashRequest({
        b: [1, undefined, null, 'x', { z: 1, a: [true, false] }],
        a: undefined,
        é: 'é',
        B: 2,
        中: { 文: '客户' },
      }),
    ).toBe('I8KNIafVl3aX4HY739FVGTZ31sUwznZoIwLMJClxkpM');
    expect(hashRequest([{}])).toBe('4QgI1Dl13EAHMQUzhoSfhk8pfmxPdRnDgPPbr3BnqEA');
  });
});
