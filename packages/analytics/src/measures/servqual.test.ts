import { describe, expect, it } from 'vitest';
import {
  analyseServqual,
  SERVQUAL_DIMENSION_LABELS,
  SERVQUAL_DIMENSIONS,
  SERVQUAL_ITEMS,
  type ServqualResponse,
} from './servqual.ts';

const byItem = (f: (n: number) => number | null): (number | null)[] =>
  Array.from({ length: 22 }, (_, i) => f(i + 1));

describe('SERVQUAL items', () => {
  it('has the 22 items of PZB 1988 in five dimensions (4, 5, 4, 4, 5)', () => {
    expect(SERVQUAL_ITEMS.map((i) => i.number)).toEqual(
      Array.from({ length: 22 }, (_, i) => i + 1),
    );
    const counts = SERVQUAL_DIMENSIONS.map(
      (d) => SERVQUAL_ITEMS.filter((i) => i.dimension === d).length,
    );
    expect(counts).toEqual([4, 5, 4, 4, 5]);
    expect(SERVQUAL_ITEMS[4]).toMatchObject({ number: 5, dimension: 'reliability' });
    expect(SERVQUAL_ITEMS[17]).toMatchObject({ number: 18, dimension: 'empathy' });
    expect(SERVQUAL_ITEMS.filter((i) => i.negativelyWorded1988).map((i) => i.number)).toEqual([
      10, 11, 12, 13, 18, 19, 20, 21, 22,
    ]);
    expect(SERVQUAL_DIMENSION_LABELS.empathy.zhCN).toBe('移情性');
    for (const i of SERVQUAL_ITEMS) expect(i.en.length * i.zhCN.length).toBeGreaterThan(0);
  });
});

describe('analyseServqual', () => {
  // Hand-worked: r1 expects 6 everywhere and perceives 5 / 4 / 6 / 7 / 5 by dimension, so its
  // dimension gaps are −1, −2, 0, +1, −1: unweighted −3/5 = −0.6, weighted with its own points
  // (10, 40, 20, 20, 10) = (−10 − 80 + 0 + 20 − 10)/100 = −0.8. r2 expects and perceives 7
  // everywhere but skipped perception item 1: all gaps 0 (tangibles from items 2–4).
  const dimensionPerception = [5, 5, 5, 5, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 7, 7, 7, 5, 5, 5, 5, 5];
  const responses: ServqualResponse[] = [
    {
      respondentId: 'r1',
      expectations: byItem(() => 6),
      perceptions: byItem((n) => dimensionPerception[n - 1] ?? null),
      weights: { tangibles: 10, reliability: 40, responsiveness: 20, assurance: 20, empathy: 10 },
    },
    {
      respondentId: 'r2',
      expectations: byItem(() => 7),
      perceptions: byItem((n) => (n === 1 ? null : 7)),
    },
  ];
  const result = analyseServqual(responses);
  if (!result.ok) throw new Error(result.error.message);
  const a = result.value;

  it('scores each respondent', () => {
    expect(a.respondents[0]).toMatchObject({
      dimensionGaps: {
        tangibles: -1,
        reliability: -2,
        responsiveness: 0,
        assurance: 1,
        empathy: -1,
      },
      unweightedGap: -0.6,
      weightedGap: -0.8,
    });
    expect(a.respondents[1]?.itemGaps[0]).toBeNull();
    expect(a.respondents[1]).toMatchObject({ unweightedGap: 0, weightedGap: 0 });
  });

  it('aggregates items, dimensions and totals', () => {
    expect(a.items[0]).toEqual({
      number: 1,
      dimension: 'tangibles',
      meanExpectation: 6.5,
      meanPerception: 5,
      meanGap: -1,
      n: 1,
    });
    expect(a.items[4]).toMatchObject({
      meanExpectation: 6.5,
      meanPerception: 5.5,
      meanGap: -1,
      n: 2,
    });
    expect(a.dimensionGaps).toEqual({
      tangibles: -0.5,
      reliability: -1,
      responsiveness: 0,
      assurance: 0.5,
      empathy: -0.5,
    });
    expect(a.unweightedGap).toBeCloseTo(-0.3, 12);
    expect(a.weightedGap).toBeCloseTo(-0.4, 12);
    expect(a.meanWeights).toEqual({
      tangibles: 15,
      reliability: 30,
      responsiveness: 20,
      assurance: 20,
      empathy: 15,
    });
    expect(a.dimensionExpectations.tangibles).toBe(6.5);
    expect(a.n).toBe(2);
  });

  it('reverse-keys listed items', () => {
    const r = analyseServqual(
      [{ respondentId: 'x', expectations: byItem(() => 2), perceptions: byItem(() => 3) }],
      { reverseItems: [10] },
    );
    // item 10: E 2 → 6, P 3 → 5, gap −1 instead of +1
    expect(r.ok && r.value.respondents[0]?.itemGaps.slice(8, 11)).toEqual([1, -1, 1]);
  });

  it('leaves totals null when a dimension is unanswered, and handles no respondents', () => {
    const r = analyseServqual([
      {
        respondentId: 'x',
        expectations: byItem((n) => (n <= 4 ? null : 5)),
        perceptions: byItem(() => 5),
      },
    ]);
    expect(
      r.ok && [r.value.respondents[0]?.dimensionGaps.tangibles, r.value.unweightedGap],
    ).toEqual([null, null]);
    const empty = analyseServqual([]);
    expect(
      empty.ok && [empty.value.n, empty.value.unweightedGap, empty.value.items[0]?.meanGap],
    ).toEqual([0, null, null]);
  });

  it.each([
    [
      { respondentId: 'x', expectations: byItem(() => 5).slice(1), perceptions: byItem(() => 5) },
      'responses[0].expectations',
    ],
    [
      {
        respondentId: 'x',
        expectations: byItem(() => 5),
        perceptions: byItem((n) => (n === 3 ? 8 : 5)),
      },
      'responses[0].perceptions[2]',
    ],
    [
      {
        respondentId: 'x',
        expectations: byItem(() => 5),
        perceptions: byItem(() => 5),
        weights: { tangibles: 50, reliability: 50, responsiveness: 50, assurance: 0, empathy: 0 },
      },
      'responses[0].weights',
    ],
  ])('rejects bad response %#', (response, field) => {
    const r = analyseServqual([response]);
    expect(r.ok ? null : r.error.field).toBe(field);
  });
});
