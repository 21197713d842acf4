// Tiers' pure core: qualification windows, immediate upgrades, downgrades only at a review
// (period end) and after a grace period, and a member's progress to the next tier.
import type { TierChangeWhy, TierConfig } from '@fidelis/contracts';
import { addDays, addMonths, localDate, periodStart, zonedMidnight } from './time-zone.ts';

export type TierLevel = TierConfig['levels'][number];

export interface TierState {
  code: string | null;
  since: Date | null;
  /** When the tier is next reviewed (its qualification window ends). */
  reviewAt: Date | null;
  /** Set when a review found the tier no longer earned: kept until then. */
  graceUntil: Date | null;
  /** The tier the member carried into the current window; a refund never drops below it. */
  baseCode: string | null;
}

export const noTier: TierState = {
  code: null,
  since: null,
  reviewAt: null,
  graceUntil: null,
  baseCode: null,
};

export function sortedLevels(config: TierConfig): TierLevel[] {
  return [...config.levels].sort((a, b) => a.threshold - b.threshold);
}

function rank(config: TierConfig, code: string | null): number {
  if (code === null) return -1;
  return sortedLevels(config).findIndex((level) => level.code === code);
}

export function levelOf(config: TierConfig, code: string | null): TierLevel | null {
  return config.levels.find((level) => level.code === code) ?? null;
}

/** The highest tier a metric value qualifies for. */
export function qualifiedLevel(config: TierConfig, value: number): TierLevel | null {
  let found: TierLevel | null = null;
  for (const level of sortedLevels(config)) if (value >= level.threshold) found = level;
  return found;
}

/** The qualification window containing `at`: [start, end). */
export function windowOf(
  config: TierConfig,
  at: Date,
  enrolledAt: Date,
  timeZone: string,
): { start: Date; end: Date } {
  const window = config.window;
  if (window.kind === 'rolling') return { start: addMonths(at, -window.months), end: at };
  if (window.kind === 'calendar')
    return {
      start: periodStart(at, window.period, timeZone),
      end: periodStart(at, window.period, timeZone, 1),
    };
  // Anniversary: the member's year, from the last anniversary of enrolment.
  const enrolled = localDate(enrolledAt, timeZone);
  const now = localDate(at, timeZone);
  let start = zonedMidnight(now.year, enrolled.month, enrolled.day, timeZone);
  if (start.getTime() > at.getTime())
    start = zonedMidnight(now.year - 1, enrolled.month, enrolled.day, timeZone);
  const startLocal = localDate(start, timeZone);
  return {
    start,
    end: zonedMidnight(startLocal.year + 1, enrolled.month, enrolled.day, timeZone),
  };
}

/** When a tier reached at `at` is reviewed: the end of its window (rolling: a window later). */
export function reviewDateOf(
  config: TierConfig,
  at: Date,
  enrolledAt: Date,
  timeZone: string,
): Date {
  if (config.window.kind === 'rolling') return addMonths(at, config.window.months);
  return windowOf(config, at, enrolledAt, timeZone).end;
}

/**
 * The window a review due at `reviewAt` measures, [start, end): the one that ended then (rolling:
 * the months before it); at the end of a grace period, the new window up to that day.
 */
export function reviewedWindowOf(
  config: TierConfig,
  reviewAt: Date,
  enrolledAt: Date,
  timeZone: string,
): { start: Date; end: Date } {
  const start =
    config.window.kind === 'rolling'
      ? addMonths(reviewAt, -config.window.months)
      : windowOf(config, new Date(reviewAt.getTime() - 1), enrolledAt, timeZone).start;
  return { start, end: reviewAt };
}

/** "2025-01-01–2025-12-31": a window's days in the program time zone, for the English reason. */
function windowText(window: { start: Date; end: Date }, timeZone: string): string {
  const day = (at: Date) => {
    const { year, month, day } = localDate(at, timeZone);
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  };
  return `${day(window.start)}–${day(new Date(window.end.getTime() - 1))}`;
}

export type TierChange =
  | { kind: 'none'; state: TierState }
  | {
      kind: 'upgrade' | 'downgrade' | 'grace' | 'retain';
      state: TierState;
      /** In English, for API users and logs; `why` holds the same as numbers. */
      reason: string;
      why: TierChangeWhy;
    };

/**
 * After qualifying activity: upgrade at once when the value reaches a higher tier. After a
 * refund: undo an upgrade the refunded purchase made (never below the tier carried into the
 * window). Downgrades for lack of activity happen only at reviews, with their grace: a
 * purchase never lowers a tier, even when a rolling window has since let older activity go.
 */
export function tierAfterActivity(
  config: TierConfig,
  state: TierState,
  value: number,
  at: Date,
  enrolledAt: Date,
  timeZone: string,
  cause: 'activity' | 'refund' = 'activity',
): TierChange {
  const qualified = qualifiedLevel(config, value);
  const current = rank(config, state.code);
  const target = qualified ? rank(config, qualified.code) : -1;
  if (qualified && target > current) {
    return {
      kind: 'upgrade',
      reason: `${config.metric} ${value} reached ${qualified.code} (${qualified.threshold})`,
      why: { why: 'reached', metric: config.metric, value, threshold: qualified.threshold },
      state: {
        code: qualified.code,
        since: at,
        reviewAt: reviewDateOf(config, at, enrolledAt, timeZone),
        graceUntil: null,
        baseCode: state.code === null ? null : (state.baseCode ?? state.code),
      },
    };
  }
  if (cause === 'refund' && target < current) {
    // A refund lowered the value: take back the upgrade it paid for.
    const floor = rank(config, state.baseCode);
    const newRank = Math.max(target, floor);
    if (newRank < current) {
      const level = sortedLevels(config)[newRank] ?? null;
      return {
        kind: 'downgrade',
        reason: `refund lowered ${config.metric} to ${value}: the upgrade to ${state.code} is undone`,
        why: { why: 'refund', metric: config.metric, value },
        state: {
          code: level?.code ?? null,
          since: level ? at : null,
          reviewAt: level ? reviewDateOf(config, at, enrolledAt, timeZone) : null,
          graceUntil: null,
          baseCode: state.baseCode,
        },
      };
    }
  }
  return { kind: 'none', state };
}

/**
 * A review at the end of the tier's window, with `value` measured over `window`
 * (`reviewedWindowOf`), which its explanation names. Kept if still earned; otherwise kept
 * through the grace period, then lowered one level or to the tier the value qualifies for.
 */
export function tierAtReview(
  config: TierConfig,
  state: TierState,
  value: number,
  now: Date,
  enrolledAt: Date,
  timeZone: string,
  window: { start: Date; end: Date },
): TierChange {
  if (state.code === null || !state.reviewAt || now.getTime() < state.reviewAt.getTime())
    return { kind: 'none', state };
  const current = rank(config, state.code);
  const qualified = qualifiedLevel(config, value);
  const target = qualified ? rank(config, qualified.code) : -1;
  const nextReview = reviewDateOf(config, now, enrolledAt, timeZone);
  const measured = { metric: config.metric, value };
  const reviewed = { start: window.start.toISOString(), end: window.end.toISOString() };
  const over = `${config.metric} ${value} over ${windowText(window, timeZone)}`;
  if (target >= current) {
    return {
      kind: 'retain',
      reason: `${over} keeps ${state.code}`,
      why: { why: 'kept', ...measured, window: reviewed },
      state: {
        ...state,
        reviewAt: nextReview,
        graceUntil: null,
        baseCode: state.code,
      },
    };
  }
  if (config.graceDays > 0 && state.graceUntil === null) {
    const graceUntil = addDays(state.reviewAt, config.graceDays);
    if (now.getTime() < graceUntil.getTime())
      return {
        kind: 'grace',
        reason: `${over} is below ${state.code}; kept until ${graceUntil.toISOString()}`,
        why: { why: 'grace', ...measured, graceUntil: graceUntil.toISOString(), window: reviewed },
        state: { ...state, graceUntil, reviewAt: graceUntil },
      };
  }
  const newRank = config.downgrade === 'oneLevel' ? current - 1 : target;
  const level = newRank >= 0 ? (sortedLevels(config)[newRank] ?? null) : null;
  return {
    kind: 'downgrade',
    reason: `${over} is below ${state.code}: now ${level?.code ?? 'no tier'}`,
    why: { why: 'below', ...measured, window: reviewed },
    state: {
      code: level?.code ?? null,
      since: level ? now : null,
      reviewAt: level ? nextReview : null,
      graceUntil: null,
      baseCode: level?.code ?? null,
    },
  };
}

export function progressOf(
  config: TierConfig,
  state: TierState,
  value: number,
): { nextTier: TierLevel | null; remaining: number } {
  const levels = sortedLevels(config);
  const current = rank(config, state.code);
  const nextTier =
    levels.find((level, index) => index > current && level.threshold > value) ?? null;
  return { nextTier, remaining: nextTier ? Math.max(0, nextTier.threshold - value) : 0 };
}
