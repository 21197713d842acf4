import { describe, expect, it } from 'vitest';
import { trendTotals } from './points-trend.ts';

describe('trendTotals', () => {
  it.each([
    { months: [], totals: { issued: 0, reversed: 0, netIssued: 0, redeemed: 0, expired: 0 } },
    {
      // The demo's: the bars of issued points sum to 3,566,931, refunds took 12 back, and the
      // liability's "Issued" (net of refunds) says 3,566,919.
      months: [
        { month: '2026-10', issued: 3_000_000, reversed: 5, redeemed: 100, expired: 7 },
        { month: '2026-11', issued: 566_931, reversed: 7, redeemed: 0, expired: 0 },
      ],
      totals: { issued: 3_566_931, reversed: 12, netIssued: 3_566_919, redeemed: 100, expired: 7 },
    },
  ])('$totals.netIssued', ({ months, totals }) => {
    expect(trendTotals(months)).toEqual(totals);
  });
});
