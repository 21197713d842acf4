import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RFM_SEGMENT_RULES,
  RFM_SEGMENT_IDS,
  RFM_SEGMENT_LABELS,
  rfmSegmentFor,
  scoreQuantileBins,
  scoreRfm,
  summarisePurchases,
  summariseRfmGrid,
  type CustomerPurchaseSummary,
} from './rfm.ts';

// Hand-worked example: 10 customers, asOf = day 100. With 10 customers and 5 bins each pair
// of ranks shares a score (⌈(rank − 1) × 5 / 9⌉); the two customers with 1 purchase tie at
// ranks 1–2 and share the bin of rank 1 → score 1.
const recency = [0, 5, 10, 20, 30, 45, 60, 90, 120, 200];
const frequency = [10, 8, 1, 2, 6, 5, 9, 7, 3, 1];
const spend = [1000, 900, 50, 80, 500, 400, 950, 700, 300, 20];
const customers: CustomerPurchaseSummary[] = recency.map((r, i) => ({
  customerId: `c${i}`,
  lastPurchase: 100 - r,
  purchaseCount: frequency[i] ?? 0,
  totalSpend: spend[i] ?? 0,
}));

describe('scoreRfm', () => {
  const result = scoreRfm(customers, { asOf: 100 });
  const scored = result.ok ? result.value.customers : [];

  it.each([
    ['c0', 5, 5, 5, 5, '555', 'champions'],
    ['c1', 5, 4, 4, 4, '544', 'champions'],
    ['c2', 4, 1, 1, 1, '411', 'promising'],
    ['c3', 4, 2, 2, 2, '422', 'potential-loyalist'],
    ['c4', 3, 3, 3, 3, '333', 'need-attention'],
    ['c5', 3, 3, 3, 3, '333', 'need-attention'],
    ['c6', 2, 5, 5, 5, '255', 'cant-lose'],
    ['c7', 2, 4, 4, 4, '244', 'at-risk'],
    ['c8', 1, 2, 2, 2, '122', 'lost'],
    ['c9', 1, 1, 1, 1, '111', 'lost'],
  ])('%s: R %d F %d M %d FM %d, code %s, segment %s', (id, r, f, m, fm, code, segment) => {
    const c = scored.find((s) => s.customerId === id);
    expect(c).toMatchObject({
      recencyScore: r,
      frequencyScore: f,
      monetaryScore: m,
      frequencyMonetaryScore: fm,
      rfmCode: code,
      segment,
    });
  });

  it('reports raw values and the as-of date', () => {
    expect(result.ok && result.value.asOfDate).toBe('1970-04-11');
    expect(scored[9]).toMatchObject({ recencyDays: 200, frequency: 1, monetary: 20 });
  });

  it('rounds FM half up', () => {
    const two: CustomerPurchaseSummary[] = [
      { customerId: 'a', lastPurchase: 0, purchaseCount: 1, totalSpend: 10 },
      { customerId: 'b', lastPurchase: 0, purchaseCount: 2, totalSpend: 5 },
    ];
    const r = scoreRfm(two, { asOf: 0 });
    // 2 customers, 5 bins: the lower one scores 1, the higher 5. a: F1 M5 → 3; b: F5 M1 → 3.
    expect(r.ok && r.value.customers.map((c) => c.frequencyMonetaryScore)).toEqual([3, 3]);
    const odd = scoreRfm(two, { asOf: 0, bins: 3, segmentRules: [] });
    // 3 bins: 1 and 3; (1 + 3) / 2 = 2 for both.
    expect(odd.ok && odd.value.customers.map((c) => [c.frequencyMonetaryScore, c.segment])).toEqual(
      [
        [2, 'unclassified'],
        [2, 'unclassified'],
      ],
    );
  });

  it('labels the grid with the rules it was scored with', () => {
    const rules = [
      { segment: 'best', recency: [3, 3], frequencyMonetary: [3, 3] },
      { segment: 'rest', recency: [1, 3], frequencyMonetary: [1, 3] },
    ] as const;
    const r = scoreRfm(customers, { asOf: 100, bins: 3, segmentRules: rules });
    if (!r.ok) throw new Error(r.error.message);
    const grid = summariseRfmGrid(r.value);
    expect(grid.cells).toHaveLength(9);
    expect(grid.cells[0]).toMatchObject({
      recencyScore: 3,
      frequencyMonetaryScore: 1,
      segment: 'rest',
    });
    expect(grid.cells[2]).toMatchObject({
      recencyScore: 3,
      frequencyMonetaryScore: 3,
      segment: 'best',
    });
    expect(grid.segments.map((s) => s.segment)).toEqual(['best', 'rest']);
    expect(grid.segments.reduce((n, s) => n + s.customers, 0)).toBe(10);
  });

  it('gives an empty analysis for no customers', () => {
    const r = scoreRfm([], { asOf: 5 });
    expect(r.ok && r.value.customers).toEqual([]);
  });

  it.each([
    ['bins out of range', customers, { asOf: 100, bins: 1 }, 'options.bins'],
    ['non-default bins without rules', customers, { asOf: 100, bins: 4 }, 'options.segmentRules'],
    ['purchase after asOf', customers, { asOf: 50 }, 'customers[0].lastPurchase'],
    [
      'duplicate id',
      [...customers, { ...customers[0], customerId: 'c0' } as CustomerPurchaseSummary],
      { asOf: 100 },
      'customers[10].customerId',
    ],
    [
      'zero purchases',
      [{ customerId: 'z', lastPurchase: 1, purchaseCount: 0, totalSpend: 0 }],
      { asOf: 100 },
      'customers[0].purchaseCount',
    ],
  ])('rejects %s', (_name, input, options, field) => {
    const r = scoreRfm(input, options);
    expect(r.ok ? null : r.error.field).toBe(field);
  });

  it('scores are in range, tie-consistent and independent of input order', () => {
    const summary = fc.record({
      lastPurchase: fc.integer({ min: 0, max: 50 }),
      purchaseCount: fc.integer({ min: 1, max: 6 }),
      totalSpend: fc.integer({ min: 0, max: 300 }),
    });
    fc.assert(
      fc.property(fc.array(summary, { maxLength: 40 }), fc.integer(), (rows, seed) => {
        const input = rows.map((row, i) => ({ customerId: `k${i}`, ...row }));
        const shuffled = [...input].sort(
          (a, b) =>
            ((a.customerId.length * seed) % 7) - ((b.customerId.length * seed) % 7) ||
            b.customerId.localeCompare(a.customerId),
        );
        const a = scoreRfm(input, { asOf: 50 });
        const b = scoreRfm(shuffled, { asOf: 50 });
        if (!a.ok || !b.ok) throw new Error('unexpected failure');
        const byId = new Map(b.value.customers.map((c) => [c.customerId, c]));
        for (const c of a.value.customers) {
          expect(byId.get(c.customerId)).toEqual(c);
          for (const s of [c.recencyScore, c.frequencyScore, c.monetaryScore])
            expect(s >= 1 && s <= 5).toBe(true);
          expect(RFM_SEGMENT_IDS).toContain(c.segment);
        }
        // Monotone: more spend never gets a lower M score.
        for (const x of a.value.customers)
          for (const y of a.value.customers)
            if (x.monetary > y.monetary)
              expect(x.monetaryScore).toBeGreaterThanOrEqual(y.monetaryScore);
      }),
    );
  });
});

describe('segment rules', () => {
  it('cover every cell of the 5×5 grid as documented', () => {
    const grid = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((fm) => rfmSegmentFor(r, fm)));
    expect(grid).toEqual([
      ['new', 'potential-loyalist', 'potential-loyalist', 'champions', 'champions'],
      ['promising', 'potential-loyalist', 'potential-loyalist', 'loyal', 'loyal'],
      ['about-to-sleep', 'about-to-sleep', 'need-attention', 'loyal', 'loyal'],
      ['hibernating', 'hibernating', 'at-risk', 'at-risk', 'cant-lose'],
      ['lost', 'lost', 'at-risk', 'cant-lose', 'cant-lose'],
    ]);
    expect(new Set(DEFAULT_RFM_SEGMENT_RULES.map((r) => r.segment))).toEqual(
      new Set(RFM_SEGMENT_IDS),
    );
    expect(Object.keys(RFM_SEGMENT_LABELS).sort()).toEqual([...RFM_SEGMENT_IDS].sort());
  });

  it('accepts custom rules', () => {
    const rules = [{ segment: 'vip', recency: [3, 3], frequencyMonetary: [3, 3] }] as const;
    expect(rfmSegmentFor(3, 3, rules)).toBe('vip');
    expect(rfmSegmentFor(1, 3, rules)).toBe('unclassified');
  });
});

describe('scoreQuantileBins', () => {
  it.each([
    [[10, 20, 30, 40, 50], 5, [1, 2, 3, 4, 5]],
    [[7, 7, 7], 5, [3, 3, 3]],
    [[1, 2, 3, 4, 5, 6, 7], 5, [1, 1, 2, 3, 4, 5, 5]], // as pandas qcut(rank(method='first'))
    [[3, 1, 2], 2, [2, 1, 1]], // rank 2 sits on the boundary: lower bin
    [[1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 5, [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]], // ties share the lowest bin
    [[5, 5, 1, 5, 5], 5, [2, 2, 1, 2, 2]], // a tie at the top takes the bin of its first rank
    [[2, 2, 1, 1], 2, [2, 2, 1, 1]],
    [[4, 4], 2, [2, 2]], // everyone tied: the upper middle bin
  ])('%j into %d bins', (values, bins, expected) => {
    expect(scoreQuantileBins(values, bins)).toEqual(expected);
  });
});

describe('summariseRfmGrid', () => {
  const result = scoreRfm(customers, { asOf: 100 });
  if (!result.ok) throw new Error('setup failed');
  const grid = summariseRfmGrid(result.value);

  it('has every cell with counts and revenue', () => {
    expect(grid.cells).toHaveLength(25);
    expect(grid.cells[0]).toEqual({
      recencyScore: 5,
      frequencyMonetaryScore: 1,
      segment: 'new',
      customers: 0,
      revenue: 0,
    });
    expect(
      grid.cells.find((c) => c.recencyScore === 3 && c.frequencyMonetaryScore === 3),
    ).toMatchObject({
      customers: 2,
      revenue: 900,
    });
    expect(grid.cells.reduce((s, c) => s + c.customers, 0)).toBe(10);
    expect(grid.totalRevenue).toBe(4900);
  });

  it('summarises segments with shares', () => {
    const champions = grid.segments.find((s) => s.segment === 'champions');
    expect(champions).toEqual({
      segment: 'champions',
      customers: 2,
      revenue: 1900,
      customerShare: 0.2,
      revenueShare: 1900 / 4900,
      meanRecencyDays: 2.5,
      meanFrequency: 9,
      meanMonetary: 950,
    });
    expect(grid.segments.find((s) => s.segment === 'loyal')).toMatchObject({
      customers: 0,
      customerShare: 0,
      meanMonetary: null,
    });
    expect(grid.segments.reduce((s, x) => s + (x.customerShare ?? 0), 0)).toBeCloseTo(1, 12);
  });
});

describe('summarisePurchases', () => {
  it('summarises up to asOf', () => {
    expect(
      summarisePurchases(
        [
          { customerId: 'a', day: 10, amount: 500 },
          { customerId: 'b', day: 11, amount: 100 },
          { customerId: 'a', day: 12, amount: 300 },
          { customerId: 'a', day: 40, amount: 999 },
        ],
        30,
      ),
    ).toEqual([
      { customerId: 'a', lastPurchase: 12, purchaseCount: 2, totalSpend: 800 },
      { customerId: 'b', lastPurchase: 11, purchaseCount: 1, totalSpend: 100 },
    ]);
  });
});
