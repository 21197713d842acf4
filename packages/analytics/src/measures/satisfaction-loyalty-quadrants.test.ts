import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifySatisfactionLoyalty,
  LOYALTY_QUADRANT_LABELS,
  LOYALTY_QUADRANTS,
} from './satisfaction-loyalty-quadrants.ts';

const scores = [
  { customerId: 'apostle', satisfaction: 5, loyalty: 12 },
  { customerId: 'mercenary', satisfaction: 5, loyalty: 1 },
  { customerId: 'hostage', satisfaction: 2, loyalty: 10 },
  { customerId: 'defector', satisfaction: 1, loyalty: 0 },
  { customerId: 'middle', satisfaction: 4, loyalty: 5 },
];

describe('classifySatisfactionLoyalty', () => {
  it('splits at the medians by default (ties at the median count as high)', () => {
    const q = classifySatisfactionLoyalty(scores);
    if (!q.ok) throw new Error(q.error.message);
    // medians: satisfaction 4, loyalty 5 → 'middle' is high on both
    expect([q.value.satisfactionThreshold, q.value.loyaltyThreshold]).toEqual([4, 5]);
    expect(q.value.quadrants.apostles).toEqual({
      count: 2,
      share: 0.4,
      customerIds: ['apostle', 'middle'],
    });
    expect(q.value.quadrants.mercenaries.customerIds).toEqual(['mercenary']);
    expect(q.value.quadrants.hostages.customerIds).toEqual(['hostage']);
    expect(q.value.quadrants.defectors.customerIds).toEqual(['defector']);
    expect(q.value.customers[1]).toEqual({ customerId: 'mercenary', quadrant: 'mercenaries' });
  });

  it('uses fixed and mean thresholds', () => {
    const q = classifySatisfactionLoyalty(scores, {
      satisfactionThreshold: 4.5,
      loyaltyThreshold: 'mean',
    });
    // mean loyalty = 28/5 = 5.6 → 'middle' (4, 5) is a defector
    expect(q.ok && q.value.loyaltyThreshold).toBeCloseTo(5.6, 12);
    expect(q.ok && q.value.quadrants.defectors.customerIds).toEqual(['defector', 'middle']);
  });

  it('reports the satisfaction–loyalty correlation', () => {
    // hand-worked Pearson r for x = (5, 5, 2, 1, 4), y = (12, 1, 10, 0, 5):
    // Sxy = 9.8, Sxx = 13.2, Syy = 113.2 → r = 9.8/√(13.2·113.2) = 0.25352 (numpy.corrcoef agrees)
    const q = classifySatisfactionLoyalty(scores);
    expect(q.ok && q.value.correlation).toBeCloseTo(0.25352, 5);
  });

  it('handles no customers', () => {
    const q = classifySatisfactionLoyalty([]);
    expect(q.ok && q.value).toMatchObject({
      n: 0,
      satisfactionThreshold: null,
      correlation: null,
      quadrants: { apostles: { count: 0, share: null, customerIds: [] } },
    });
  });

  it('rejects non-finite input', () => {
    const q = classifySatisfactionLoyalty([
      { customerId: 'x', satisfaction: Number.NaN, loyalty: 1 },
    ]);
    expect(q.ok ? null : q.error.field).toBe('scores[0].satisfaction');
    const t = classifySatisfactionLoyalty(scores, { loyaltyThreshold: Number.POSITIVE_INFINITY });
    expect(t.ok ? null : t.error.field).toBe('options.loyaltyThreshold');
  });

  it('puts every customer in exactly one quadrant', () => {
    const row = fc.record({
      satisfaction: fc.integer({ min: 1, max: 5 }),
      loyalty: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const q = classifySatisfactionLoyalty(rows.map((r, i) => ({ customerId: `c${i}`, ...r })));
        if (!q.ok) throw new Error(q.error.message);
        const all = LOYALTY_QUADRANTS.flatMap((k) => q.value.quadrants[k].customerIds);
        expect(all.sort()).toEqual(rows.map((_, i) => `c${i}`).sort());
      }),
    );
    expect(LOYALTY_QUADRANT_LABELS.hostages.zhCN).toBe('人质');
  });
});
