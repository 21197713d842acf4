import { describe, expect, it } from 'vitest';
import {
  analyseKano,
  classifyKanoAnswer,
  KANO_ANSWERS,
  KANO_CATEGORY_LABELS,
  type KanoAnswer,
  type KanoResponse,
} from './kano.ts';

// The evaluation table as printed in Berger et al. (1993), rows functional, columns
// dysfunctional in the order like, must-be, neutral, live-with, dislike.
const BERGER_TABLE = ['QAAAO', 'RIIIM', 'RIIIM', 'RIIIM', 'RRRRQ'];

describe('classifyKanoAnswer', () => {
  it('reproduces the standard evaluation table', () => {
    const table = KANO_ANSWERS.map((f) =>
      KANO_ANSWERS.map((d) => classifyKanoAnswer(f, d)).join(''),
    );
    expect(table).toEqual(BERGER_TABLE);
    expect(KANO_CATEGORY_LABELS.M.en).toBe('Must-be');
  });
});

const times = (
  k: number,
  featureId: string,
  functional: KanoAnswer,
  dysfunctional: KanoAnswer,
): KanoResponse[] => Array.from({ length: k }, () => ({ featureId, functional, dysfunctional }));

describe('analyseKano', () => {
  it('computes the mode, ties and Better/Worse per feature', () => {
    const responses = [
      ...times(5, 'points-on-reviews', 'like', 'dislike'), // O
      ...times(3, 'points-on-reviews', 'neutral', 'dislike'), // M
      ...times(2, 'points-on-reviews', 'like', 'neutral'), // A
      ...times(1, 'points-on-reviews', 'neutral', 'neutral'), // I
      ...times(1, 'points-on-reviews', 'dislike', 'like'), // R
      ...times(1, 'points-on-reviews', 'like', 'like'), // Q
      ...times(2, 'birthday-gift', 'like', 'live-with'), // A
      ...times(2, 'birthday-gift', 'live-with', 'dislike'), // M
      ...times(1, 'nonsense', 'dislike', 'dislike'), // Q
    ];
    const r = analyseKano(responses);
    if (!r.ok) throw new Error(r.error.message);
    // points-on-reviews: A 2, O 5, M 3, I 1 → Better = 7/11, Worse = −8/11
    expect(r.value[0]).toEqual({
      featureId: 'points-on-reviews',
      n: 13,
      counts: { A: 2, O: 5, M: 3, I: 1, R: 1, Q: 1 },
      category: 'O',
      tiedCategories: ['O'],
      better: 7 / 11,
      worse: -8 / 11,
    });
    // A and M tie 2–2: M wins (M > O > A > I)
    expect(r.value[1]).toMatchObject({
      category: 'M',
      tiedCategories: ['M', 'A'],
      better: 0.5,
      worse: -0.5,
    });
    expect(r.value[2]).toMatchObject({ category: 'Q', better: null, worse: null });
  });

  it('reports Worse as 0 (not −0) without O and M', () => {
    const r = analyseKano(times(3, 'f', 'like', 'neutral'));
    expect(r.ok && Object.is(r.value[0]?.worse, 0)).toBe(true);
  });

  it('gives no features for no responses and rejects unknown answers', () => {
    expect(analyseKano([])).toEqual({ ok: true, value: [] });
    const bad = analyseKano([
      { featureId: 'f', functional: 'love' as KanoAnswer, dysfunctional: 'like' },
    ]);
    expect(bad.ok ? null : bad.error.field).toBe('responses[0].functional');
  });
});
