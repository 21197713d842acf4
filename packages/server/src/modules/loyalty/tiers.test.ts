import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TierConfig } from '@fidelis/contracts';
import {
  noTier,
  progressOf,
  qualifiedLevel,
  reviewedWindowOf,
  tierAfterActivity,
  tierAtReview,
  windowOf,
  type TierState,
} from './tiers.ts';

const privileges = {
  earnMultiplier: 1,
  exclusiveRewards: false,
  priorityService: false,
  birthdayGiftPoints: 0,
  earlyAccess: false,
};
const config: TierConfig = {
  metric: 'spend',
  window: { kind: 'calendar', period: 'year' },
  graceDays: 30,
  downgrade: 'oneLevel',
  levels: [
    { code: 'member', name: 'Member', threshold: 0, privileges },
    { code: 'silver', name: 'Silver', threshold: 10_000, privileges },
    { code: 'gold', name: 'Gold', threshold: 50_000, privileges },
  ],
};
const tz = 'Asia/Shanghai';
const enrolled = new Date('2025-03-10T02:00:00Z');

describe('windowOf', () => {
  it.each([
    {
      name: 'calendar year in Shanghai',
      config,
      at: '2026-06-01T00:00:00Z',
      start: '2025-12-31T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
    },
    {
      name: 'rolling 12 months',
      config: { ...config, window: { kind: 'rolling' as const, months: 12 } },
      at: '2026-06-15T00:00:00Z',
      start: '2025-06-15T00:00:00.000Z',
      end: '2026-06-15T00:00:00.000Z',
    },
    {
      name: 'anniversary of enrolment',
      config: { ...config, window: { kind: 'anniversary' as const } },
      at: '2026-01-05T00:00:00Z',
      start: '2025-03-09T16:00:00.000Z',
      end: '2026-03-09T16:00:00.000Z',
    },
  ])('$name', (c) => {
    const window = windowOf(c.config, new Date(c.at), enrolled, tz);
    expect(window.start.toISOString()).toBe(c.start);
    expect(window.end.toISOString()).toBe(c.end);
  });
});

describe('tier changes', () => {
  const now = new Date('2026-06-01T00:00:00Z');

  it('upgrades at once, and a refund undoes the upgrade but not the tier carried in', () => {
    const start: TierState = { ...noTier, code: 'member', baseCode: 'member', since: enrolled };
    const up = tierAfterActivity(config, start, 60_000, now, enrolled, tz);
    expect(up.kind).toBe('upgrade');
    expect(up.state.code).toBe('gold');
    expect(up).toMatchObject({
      why: { why: 'reached', metric: config.metric, value: 60_000, threshold: 50_000 },
    });
    expect(up.state.reviewAt?.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    const refunded = tierAfterActivity(config, up.state, 12_000, now, enrolled, tz, 'refund');
    expect(refunded.kind).toBe('downgrade');
    expect(refunded.state.code).toBe('silver');
    expect(refunded).toMatchObject({
      why: { why: 'refund', metric: config.metric, value: 12_000 },
    });
    const all = tierAfterActivity(config, up.state, 0, now, enrolled, tz, 'refund');
    expect(all.state.code).toBe('member');
  });

  it('a purchase never lowers a tier, though a rolling window has let older spend go', () => {
    const silver: TierState = { ...noTier, code: 'silver', baseCode: 'member', since: enrolled };
    const after = tierAfterActivity(config, silver, 100, now, enrolled, tz);
    expect(after).toEqual({ kind: 'none', state: silver });
  });

  it('downgrades at review only after the grace period, one level at a time', () => {
    const gold: TierState = {
      code: 'gold',
      since: enrolled,
      reviewAt: new Date('2026-12-31T16:00:00Z'),
      graceUntil: null,
      baseCode: 'gold',
    };
    const year2026 = reviewedWindowOf(config, gold.reviewAt!, enrolled, tz);
    expect(tierAtReview(config, gold, 0, now, enrolled, tz, year2026).kind).toBe('none');
    const review = new Date('2027-01-01T00:00:00Z');
    const grace = tierAtReview(config, gold, 1_000, review, enrolled, tz, year2026);
    expect(grace.kind).toBe('grace');
    expect(grace.state.code).toBe('gold');
    expect(grace).toMatchObject({
      why: { why: 'grace', value: 1_000, graceUntil: grace.state.graceUntil?.toISOString() },
    });
    const later = new Date('2027-02-01T00:00:00Z');
    // At the grace period's end the new year so far is measured.
    const january = reviewedWindowOf(config, grace.state.reviewAt!, enrolled, tz);
    expect(january).toEqual({
      start: new Date('2026-12-31T16:00:00Z'),
      end: grace.state.graceUntil,
    });
    const down = tierAtReview(config, grace.state, 1_000, later, enrolled, tz, january);
    expect(down).toMatchObject({
      kind: 'downgrade',
      state: { code: 'silver' },
      why: { why: 'below', metric: config.metric, value: 1_000 },
    });
    const kept = tierAtReview(config, gold, 80_000, review, enrolled, tz, year2026);
    expect(kept).toMatchObject({ kind: 'retain', why: { why: 'kept', value: 80_000 } });
    expect(kept.state.reviewAt?.toISOString()).toBe('2027-12-31T16:00:00.000Z');
  });

  it('names the window a review measured, in its why and its reason', () => {
    const gold: TierState = {
      code: 'gold',
      since: new Date('2026-03-01T00:00:00Z'),
      reviewAt: new Date('2026-12-31T16:00:00Z'),
      graceUntil: null,
      baseCode: 'gold',
    };
    // Calendar year 2026 in Shanghai: [2026-01-01 00:00, 2027-01-01 00:00) local.
    const window = reviewedWindowOf(config, gold.reviewAt!, enrolled, tz);
    expect(window).toEqual({
      start: new Date('2025-12-31T16:00:00Z'),
      end: new Date('2026-12-31T16:00:00Z'),
    });
    const kept = tierAtReview(config, gold, 80_000, gold.reviewAt!, enrolled, tz, window);
    expect(kept).toMatchObject({
      why: {
        why: 'kept',
        window: { start: '2025-12-31T16:00:00.000Z', end: '2026-12-31T16:00:00.000Z' },
      },
      reason: 'spend 80000 over 2026-01-01–2026-12-31 keeps gold',
    });
    // A rolling window: the months before the review.
    const rolling: TierConfig = { ...config, window: { kind: 'rolling', months: 12 } };
    expect(reviewedWindowOf(rolling, gold.reviewAt!, enrolled, tz)).toEqual({
      start: new Date('2025-12-31T16:00:00Z'),
      end: gold.reviewAt,
    });
  });

  it('reports progress to the next tier', () => {
    expect(progressOf(config, { ...noTier, code: 'silver' }, 20_000)).toMatchObject({
      nextTier: { code: 'gold' },
      remaining: 30_000,
    });
    expect(progressOf(config, { ...noTier, code: 'gold' }, 90_000)).toEqual({
      nextTier: null,
      remaining: 0,
    });
  });

  it('never lowers a tier through activity that does not lower the value', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 30 }), (spends) => {
        let state: TierState = noTier;
        let value = 0;
        for (const spend of spends) {
          value += spend;
          const before = state.code;
          state = tierAfterActivity(config, state, value, now, enrolled, tz).state;
          expect(qualifiedLevel(config, value)?.code ?? null).toBe(state.code);
          if (before === 'gold') expect(state.code).toBe('gold');
        }
      }),
    );
  });
});
