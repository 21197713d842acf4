import { describe, expect, it } from 'vitest';
import { measureCes, measureCsat } from './satisfaction-scores.ts';

describe('measureCsat', () => {
  it.each([
    // top-2-box on 1–5: 5, 4, 5 of five answers → 60%
    [[5, 4, 3, 2, 5], {}, 60, 3.8, 4],
    // top-box only
    [[5, 4, 3, 2, 5], { topBoxes: 1 }, 40, 3.8, 5],
    // 1–10 scale, top-3-box (8, 9, 10)
    [[10, 8, 7, 1], { scaleMax: 10, topBoxes: 3 }, 50, 6.5, 8],
  ])('%j %j → %d%%', (scores, options, csat, mean, from) => {
    const r = measureCsat(scores, options);
    expect(r.ok && [r.value.csat, r.value.mean, r.value.satisfiedFrom]).toEqual([csat, mean, from]);
  });

  it('returns null scores for no answers', () => {
    const r = measureCsat([]);
    expect(r.ok && [r.value.n, r.value.csat, r.value.mean]).toEqual([0, null, null]);
    expect(r.ok && r.value.distribution).toHaveLength(5);
  });

  it.each([
    [[6], {}, 'scores[0]'],
    [[1], { topBoxes: 0 }, 'options.topBoxes'],
    [[1], { scaleMin: 5, scaleMax: 5 }, 'options.scaleMax'],
  ])('rejects %j %j', (scores, options, field) => {
    const r = measureCsat(scores, options);
    expect(r.ok ? null : r.error.field).toBe(field);
  });
});

describe('measureCes', () => {
  it('summarises CES 2.0 answers (1–7, higher is easier)', () => {
    const r = measureCes([7, 6, 5, 2, 4]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.mean).toBeCloseTo(4.8, 12);
    // sample SD of 7 6 5 2 4: mean 4.8, Σd² = 14.8, s = √(14.8/4)
    expect(r.value.standardDeviation).toBeCloseTo(Math.sqrt(3.7), 12);
    expect(r.value.easyShare).toBeCloseTo(0.6, 12);
    expect(r.value.difficultShare).toBeCloseTo(0.2, 12);
    expect(r.value.distribution.map((d) => d.count)).toEqual([0, 1, 0, 1, 1, 1, 1]);
  });

  it('reverses the sides for CES 1.0 (1–5, lower is easier)', () => {
    const r = measureCes([1, 2, 5], { scaleMax: 5, higherIsEasier: false });
    expect(r.ok && [r.value.easyShare, r.value.difficultShare]).toEqual([2 / 3, 1 / 3]);
  });

  it('returns nulls for no answers', () => {
    const r = measureCes([]);
    expect(r.ok && [r.value.mean, r.value.standardDeviation, r.value.easyShare]).toEqual([
      null,
      null,
      null,
    ]);
  });
});
