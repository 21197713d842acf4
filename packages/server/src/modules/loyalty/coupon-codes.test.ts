import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, newCouponCodes, randomCode } from './coupon-codes.ts';

describe('coupon codes', () => {
  it('uses only the alphabet without 0/O/1/I', () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[01IO]/);
    expect(randomCode(1000)).toMatch(/^[A-HJ-NP-Z2-9]{1000}$/);
  });

  it('draws every character of the alphabet', () => {
    expect(new Set(randomCode(5000)).size).toBe(32);
  });

  it.each([
    { prefix: '', length: 6, pattern: /^[A-HJ-NP-Z2-9]{6}$/ },
    { prefix: 'vip', length: 8, pattern: /^VIP-[A-HJ-NP-Z2-9]{8}$/ },
    { prefix: 'Cafe2', length: 16, pattern: /^CAFE2-[A-HJ-NP-Z2-9]{16}$/ },
  ])('prefix "$prefix", $length characters', ({ prefix, length, pattern }) => {
    const codes = newCouponCodes(500, prefix, length);
    expect(codes).toHaveLength(500);
    expect(new Set(codes).size).toBe(500);
    for (const code of codes) expect(code).toMatch(pattern);
  });

  it('never returns a code it was told is taken', () => {
    // One character: 32 possible codes, 30 taken, so the two left are all it can give.
    const all = [...CODE_ALPHABET].map((char) => `X-${char}`);
    const taken = new Set(all.slice(2));
    expect(newCouponCodes(2, 'x', 1, taken).sort()).toEqual(all.slice(0, 2).sort());
  });
});
