import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureNps } from './nps.ts';

const answers = (promoters: number, passives: number, detractors: number): number[] => [
  ...Array<number>(promoters).fill(10),
  ...Array<number>(passives).fill(8),
  ...Array<number>(detractors).fill(3),
];

describe('measureNps', () => {
  // Hand-worked with Var = (p_p + p_d − (p_p − p_d)²)/n (Rocks 2016, eq. for the Wald interval):
  // 50/30/20 of 100 → NPS 30, Var = (0.5 + 0.2 − 0.09)/100 = 0.0061, SE = 7.8102 points,
  // 95% CI = 30 ± 1.959964 × 7.8102 = [14.692, 45.308].
  it.each([
    [50, 30, 20, 30, 7.81025, 14.69219, 45.30781],
    // 1 promoter, 1 passive, 1 detractor: NPS 0, Var = 2/3 / 3, SE = 47.14 → CI ±92.39
    [1, 1, 1, 0, 47.14045, -92.39359, 92.39359],
    // all promoters: the Wald variance is 0, the interval collapses (documented)
    [12, 0, 0, 100, 0, 100, 100],
    // all detractors, clipped at −100
    [0, 0, 5, -100, 0, -100, -100],
  ])('%d/%d/%d → NPS %d, SE %d, CI [%d, %d]', (p, m, d, nps, se, lo, hi) => {
    const r = measureNps(answers(p, m, d));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.nps).toBeCloseTo(nps, 10);
    expect(r.value.standardError).toBeCloseTo(se, 4);
    expect(r.value.confidenceInterval?.lower).toBeCloseTo(lo, 4);
    expect(r.value.confidenceInterval?.upper).toBeCloseTo(hi, 4);
  });

  it('classifies 9–10, 7–8 and 0–6 and keeps the distribution', () => {
    const r = measureNps([0, 6, 7, 8, 9, 10]);
    expect(r.ok && [r.value.promoters, r.value.passives, r.value.detractors]).toEqual([2, 2, 2]);
    expect(r.ok && r.value.distribution.map((d) => d.count)).toEqual([
      1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
    ]);
  });

  it('uses the requested confidence level', () => {
    const r = measureNps(answers(50, 30, 20), { confidenceLevel: 0.9 });
    // z(0.95) = 1.644854
    expect(r.ok && r.value.confidenceInterval?.lower).toBeCloseTo(30 - 1.644854 * 7.81025, 3);
  });

  it('returns nulls for no answers', () => {
    const r = measureNps([]);
    expect(
      r.ok && [r.value.n, r.value.nps, r.value.standardError, r.value.confidenceInterval],
    ).toEqual([0, null, null, null]);
  });

  it.each([
    [[11], {}, 'scores[0]'],
    [[5, 7.5], {}, 'scores[1]'],
    [[5], { confidenceLevel: 1 }, 'options.confidenceLevel'],
  ])('rejects %j', (scores, options, field) => {
    const r = measureNps(scores, options);
    expect(r.ok ? null : r.error.field).toBe(field);
  });

  it('has an interval within [−100, 100] that contains the score', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 200 }),
        (scores) => {
          const r = measureNps(scores);
          if (!r.ok || r.value.nps === null || r.value.confidenceInterval === null)
            throw new Error('unexpected');
          const { lower, upper } = r.value.confidenceInterval;
          expect(lower).toBeGreaterThanOrEqual(-100);
          expect(upper).toBeLessThanOrEqual(100);
          expect(lower).toBeLessThanOrEqual(r.value.nps + 1e-9);
          expect(upper).toBeGreaterThanOrEqual(r.value.nps - 1e-9);
        },
      ),
    );
  });
});
