import { describe, expect, it } from 'vitest';
import { readCdnowPurchases } from '../../bench/cdnow-data.ts';
import { RFM_SEGMENT_IDS, scoreRfm, summarisePurchases, summariseRfmGrid } from './rfm.ts';

// The CDNOW master file (23,570 customers, the demo tenant's data): half the customers bought
// once, so the frequency column is one huge tie at its bottom. Scored at the file's last day.
describe('RFM on the CDNOW master file', () => {
  const columns = readCdnowPurchases('CDNOW_master.txt');
  const purchases = Array.from({ length: columns.day.length }, (_, i) => ({
    customerId: String(columns.customerId[i]),
    day: Number(columns.day[i]),
    amount: Math.round(Number(columns.amount[i]) * 100),
  }));
  const asOf = Math.max(...purchases.map((p) => p.day));
  const result = scoreRfm(summarisePurchases(purchases, asOf), { asOf });
  if (!result.ok) throw new Error(result.error.message);
  const customers = result.value.customers;
  const grid = summariseRfmGrid(result.value);
  const count = (score: (c: (typeof customers)[number]) => number) =>
    [1, 2, 3, 4, 5].map((s) => customers.filter((c) => score(c) === s).length);

  it('puts every one-time buyer, and only them, in F = 1', () => {
    const once = customers.filter((c) => c.frequency === 1).length;
    expect(once).toBe(11_908);
    expect(count((c) => c.frequencyScore)[0]).toBe(once);
  });

  it('uses every FM score with at least a tenth of the customers', () => {
    expect(customers).toHaveLength(23_570);
    const fm = count((c) => c.frequencyMonetaryScore);
    for (const n of fm) expect(n).toBeGreaterThan(2_357);
    // the heat map's FM = 1 column is the sum of its cells
    const column = grid.cells.filter((c) => c.frequencyMonetaryScore === 1);
    expect(column.reduce((n, c) => n + c.customers, 0)).toBe(fm[0]);
  });

  it('keeps recency and spend in near-equal fifths (few ties)', () => {
    for (const n of [...count((c) => c.recencyScore), ...count((c) => c.monetaryScore)])
      expect(n / customers.length).toBeCloseTo(0.2, 1);
  });

  it('gives plausible segments', () => {
    const bySegment = Object.fromEntries(grid.segments.map((s) => [s.segment, s.customers]));
    expect(Object.values(bySegment).reduce((a, b) => a + b, 0)).toBe(23_570);
    // Every CDNOW customer made the first purchase in Jan–Mar 1997, 15 months before asOf: the
    // one-time buyers are all long gone (R 1–3), so nobody is new or promising (R 4–5, FM 1).
    expect([bySegment.new, bySegment.promising]).toEqual([0, 0]);
    for (const segment of RFM_SEGMENT_IDS)
      if (segment !== 'new' && segment !== 'promising')
        expect(bySegment[segment], segment).toBeGreaterThan(100);
    // the old one-time buyers are lost or hibernating, the recent repeat buyers champions
    expect((bySegment.lost ?? 0) + (bySegment.hibernating ?? 0)).toBeGreaterThan(6_000);
    expect(bySegment.champions).toBeGreaterThan(4_000);
  });
});
