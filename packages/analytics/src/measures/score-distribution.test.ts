import { describe, expect, it } from 'vitest';
import { tallyScores } from './score-distribution.ts';

describe('tallyScores', () => {
  it('lists every scale point', () => {
    const t = tallyScores([1, 2, 2], 1, 3);
    expect(t.ok && t.value).toEqual([
      { score: 1, count: 1, share: 1 / 3 },
      { score: 2, count: 2, share: 2 / 3 },
      { score: 3, count: 0, share: 0 },
    ]);
  });
  it('has null shares without answers', () => {
    const t = tallyScores([], 0, 1);
    expect(t.ok && t.value).toEqual([
      { score: 0, count: 0, share: null },
      { score: 1, count: 0, share: null },
    ]);
  });
  it.each([[[1, 4]], [[1, 2.5]], [[Number.NaN]]])('rejects %j on 1–3', (scores) => {
    const t = tallyScores(scores, 1, 3);
    expect(t.ok ? null : t.error.code).toBe('invalid-input');
  });
});
