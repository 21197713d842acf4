import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clvBuckets } from './clv-buckets.ts';

describe('clvBuckets', () => {
  it.each([
    // CDNOW: 99th percentile $379.80, 20 buckets asked → $20 wide up to $380, then "$380+".
    [37_980, 20, { width: 2_000, regular: 19 }],
    [10_000, 20, { width: 1_000, regular: 10 }],
    [10_001, 11, { width: 2_000, regular: 6 }],
    [45_000, 10, { width: 5_000, regular: 9 }],
    [23_000, 11, { width: 2_500, regular: 10 }],
    [7, 20, { width: 1, regular: 7 }], // never narrower than one minor unit
    [1, 20, { width: 1, regular: 1 }],
  ])('%d over %d buckets → %j', (high, buckets, expected) => {
    expect(clvBuckets(high, buckets)).toEqual(expected);
  });

  it('uses round widths, covers the 99th percentile and leaves room for the tail', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e12 }),
        fc.integer({ min: 2, max: 100 }),
        (high, n) => {
          const { width, regular } = clvBuckets(high, n);
          const mantissa = width / 10 ** Math.floor(Math.log10(width));
          expect([1, 2, 2.5, 5]).toContain(mantissa);
          expect(Number.isInteger(width)).toBe(true);
          expect(regular * width).toBeGreaterThanOrEqual(high);
          expect((regular - 1) * width).toBeLessThan(high);
          expect(regular).toBeLessThanOrEqual(n - 1);
        },
      ),
    );
  });
});
