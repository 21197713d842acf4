import type { TFunction } from 'i18next';
import type {
  EarnExplanationStep,
  MultiplierCondition,
  TierChange,
  TierConfig,
} from '@fidelis/contracts';
import { formatDate, formatLastDay, formatMoney, formatNumber } from '../../i18n/format.ts';
import type { LoyaltyEntry, LoyaltyHistoryEntry } from './loyalty.api.ts';

/** What wording an explanation needs beyond the entry: money and dates as the program keeps them. */
export interface ExplainContext {
  t: TFunction;
  locale: string;
  /** The program's currency; amounts are shown as plain minor units without it. */
  currency?: string | undefined;
  timeZone?: string | undefined;
  /** A tier's name by its code (the code itself when not given or unknown). */
  tierName?: ((code: string) => string) | undefined;
  /**
   * Staff see which rule gave the points, the event and the rules version; a member's own page
   * leaves them out (false).
   */
  forStaff?: boolean | undefined;
  /** A rule's name by its id (the id itself when not given, or the rule has no name). */
  ruleName?: ((id: string) => string) | undefined;
}

/** A rule's name by its id in a program (the id for a rule without a name, or no longer there). */
export function ruleNames(
  program:
    { earnRules: readonly { id?: string | undefined; name?: string | undefined }[] } | undefined,
): (id: string) => string {
  return (id) => program?.earnRules.find((rule) => rule.id === id)?.name ?? id;
}

/** A tier's name by its code in a program (the code itself for a tier it no longer has). */
export function tierNames(
  program: { tiers: { levels: readonly { code: string; name: string }[] } | null } | undefined,
): (code: string) => string {
  return (code) => program?.tiers?.levels.find((level) => level.code === code)?.name ?? code;
}

/**
 * Ledger explanations as the server writes them: every step of an earning, and a `why` code
 * with its numbers for everything else. Entries written before the numbers were stored carry
 * the same in English only (`description`, `reason`, `note`); those are shown as they are.
 */
type Step = Partial<EarnExplanationStep>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function weekdayName(weekday: number, locale: string): string {
  // 2023-01-01 was a Sunday: weekday 0 as the server counts.
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2023, 0, 1 + weekday)),
  );
}

function conditionText(condition: MultiplierCondition, c: ExplainContext): string {
  const { t, locale } = c;
  const tier = (code: string) => c.tierName?.(code) ?? code;
  switch (condition.kind) {
    case 'from':
      return t('loyalty.entry.condition.from', {
        date: formatDate(condition.at, locale, c.timeZone),
      });
    case 'until':
      return t('loyalty.entry.condition.until', {
        date: formatDate(condition.at, locale, c.timeZone),
      });
    case 'weekday':
      return t('loyalty.entry.condition.weekday', { day: weekdayName(condition.weekday, locale) });
    case 'monthDay':
      return t('loyalty.entry.condition.monthDay', { day: condition.day });
    case 'tier':
      return t('loyalty.entry.condition.tier', { tier: tier(condition.tier) });
    case 'segment':
      return t('loyalty.entry.condition.segment', { segment: condition.segment });
    case 'tierPrivilege':
      return t('loyalty.entry.condition.tierPrivilege', { tier: tier(condition.tier) });
  }
}

const ruleLabel = (id: string, c: ExplainContext) => c.ruleName?.(id) ?? id;

const money = (minor: number, c: ExplainContext) =>
  c.currency ? formatMoney(minor, c.currency, c.locale) : formatNumber(minor, c.locale);

/** What a step's base points were computed from, in words. */
export function basisText(basis: NonNullable<Step['basis']>, c: ExplainContext): string {
  const { t, locale } = c;
  const n = (value: number) => formatNumber(value, locale);
  switch (basis.kind) {
    case 'spend':
      return t(
        basis.matchingLines ? 'loyalty.entry.basis.spendLines' : 'loyalty.entry.basis.spend',
        {
          points: n(basis.points),
          per: money(basis.per, c),
          amount: money(basis.amount, c),
        },
      );
    case 'item':
      return t('loyalty.entry.basis.item', {
        points: n(basis.points),
        quantity: n(basis.quantity),
      });
    case 'action':
      return t('loyalty.entry.basis.action', {
        points: n(basis.points),
        action:
          basis.action === 'custom' && basis.customAction
            ? basis.customAction
            : t(`loyalty.rule.actions.${basis.action}`, { defaultValue: basis.action }),
      });
  }
}

/** The cap that lowered a step's points, in words. */
export function capText(cap: NonNullable<Step['cap']>, c: ExplainContext): string {
  const key = { day: 'perDay', week: 'perWeek', month: 'perMonth', budget: 'budget' }[cap.period];
  return c.t(`loyalty.rule.cap.${key}`, { points: formatNumber(cap.limit, c.locale) });
}

/** Why a multiplier applied, in words (its English `reason` when written without conditions). */
export function multiplierReason(
  multiplier: { reason: string; conditions?: MultiplierCondition[] | undefined },
  c: ExplainContext,
): string {
  const { conditions } = multiplier;
  if (!conditions) return multiplier.reason;
  if (conditions.length === 0) return c.t('loyalty.entry.condition.always');
  return conditions.map((condition) => conditionText(condition, c)).join(c.t('loyalty.entry.and'));
}

/** One earning step in words: the rule, its basis, multipliers with their reasons, cap, points. */
export function explainStep(step: Step, c: ExplainContext): string {
  const { t, locale } = c;
  const n = (value: number) => formatNumber(value, locale);
  const basis = step.basis ? basisText(step.basis, c) : (step.description ?? '');
  const parts = [
    c.forStaff !== false && step.ruleId
      ? t('loyalty.entry.ruleStep', { rule: ruleLabel(step.ruleId, c), basis })
      : basis,
    typeof step.basePoints === 'number'
      ? t('loyalty.entry.base', { points: n(step.basePoints) })
      : '',
    ...(step.multipliers ?? []).map((m) =>
      t('loyalty.entry.multiplier', { factor: m.factor, reason: multiplierReason(m, c) }),
    ),
    step.cap
      ? t('loyalty.entry.cappedBy', { cap: capText(step.cap, c) })
      : step.cappedBy
        ? t('loyalty.entry.cappedBy', { cap: step.cappedBy })
        : '',
    typeof step.points === 'number' ? t('loyalty.entry.result', { points: n(step.points) }) : '',
  ].filter(Boolean);
  return parts.join(' ');
}

/** Why an earning awarded nothing from some rules (spend below a minimum, no rule matched). */
export function earningNotes(
  explanation: { steps?: unknown; notes?: unknown; belowMinimum?: unknown },
  c: ExplainContext,
): string[] {
  const below = explanation.belowMinimum;
  if (!Array.isArray(below)) {
    // Written before the numbers were stored: the English notes.
    return Array.isArray(explanation.notes)
      ? explanation.notes.filter((note): note is string => typeof note === 'string')
      : [];
  }
  const lines = (below as { ruleId: string; amount: number; minimum: number }[]).map((item) =>
    c.t(c.forStaff === false ? 'loyalty.entry.belowMinimumOf' : 'loyalty.entry.belowMinimum', {
      rule: ruleLabel(item.ruleId, c),
      amount: money(item.amount, c),
      minimum: money(item.minimum, c),
    }),
  );
  const steps = Array.isArray(explanation.steps) ? explanation.steps : [];
  if (steps.length === 0) lines.push(c.t('loyalty.entry.noRule'));
  return lines;
}

/** The line a `why` code stands for, or null for an explanation written without one. */
function whyText(e: Record<string, unknown>, c: ExplainContext, lots: number): string | null {
  const { t, locale } = c;
  const n = (value: number) => formatNumber(value, locale);
  const tier = (code: string | null) => (code ? (c.tierName?.(code) ?? code) : '');
  switch (str(e.why)) {
    case 'refund': {
      const negative = num(e.negative) ?? 0;
      const clawedBack = Array.isArray(e.clawedBack) ? e.clawedBack.length : 0;
      const refunded = num(e.refundedAmount);
      return [
        t('loyalty.entry.why.refund', {
          amount: refunded === null ? '' : money(refunded, c),
          order: str(e.refundOf) ?? '',
        }),
        negative > 0
          ? t('loyalty.entry.why.refundNegative', { points: n(negative) })
          : clawedBack > 0
            ? t('loyalty.entry.why.refundClawedBack')
            : t('loyalty.entry.why.refundOwnLot'),
      ].join(t('loyalty.entry.separator'));
    }
    case 'referral':
      return t(e.side === 'referrer' ? 'loyalty.entry.why.referrer' : 'loyalty.entry.why.referee', {
        code: str(e.code) ?? '',
      });
    case 'referral_refunded':
      return t('loyalty.entry.why.referralRefunded', { order: str(e.refundOf) ?? '' });
    case 'referral_self':
      return t('loyalty.entry.why.referralSelf');
    case 'redemption':
      return lots > 1
        ? t('loyalty.entry.why.redemptionLots', { count: lots })
        : t('loyalty.entry.why.redemption');
    case 'pending_ended':
      return t('loyalty.entry.why.pendingEnded', { count: num(e.pendingDays) ?? 0 });
    case 'expiry_date': {
      const at = str(e.expiresAt);
      // An expiry of several lots: each lot's date is in its line.
      if (lots > 1) return t('loyalty.entry.why.expiryLots', { count: lots });
      return at
        ? t('loyalty.entry.why.expiryDate', { date: formatDate(at, locale, c.timeZone) })
        : t('loyalty.entry.why.expiry');
    }
    case 'inactivity':
      return t('loyalty.entry.why.inactivity', { count: num(e.inactiveMonths) ?? 0 });
    case 'birthday':
      return t('loyalty.entry.why.birthday', { tier: tier(str(e.tier)) });
    case 'merge': {
      // The member's own page is not told the duplicate record's id.
      const from = str(e.fromCustomerId);
      return from ? t('loyalty.entry.why.merge', { id: from }) : t('loyalty.entry.why.mergeIn');
    }
    case 'adjustment': {
      const reason = t(`loyalty.adjust.reasons.${str(e.adjustment) ?? 'goodwill'}`);
      const note = str(e.note);
      return note
        ? t('loyalty.entry.why.adjustmentNote', { reason, note })
        : t('loyalty.entry.why.adjustment', { reason });
    }
    case 'partner':
      return str(e.reference)
        ? t('loyalty.entry.why.partnerReference', { reference: str(e.reference) })
        : t('loyalty.entry.why.partner');
    default:
      return null;
  }
}

/** The entry's explanation in words: the rules and multipliers for an earning, the refund for a reversal. */
export function explainEntry(
  entry: LoyaltyEntry & Partial<Pick<LoyaltyHistoryEntry, 'lots'>>,
  c: ExplainContext,
): string[] {
  const { t } = c;
  const e = entry.explanation;
  const lines: string[] = [];
  const steps = Array.isArray(e.steps) ? (e.steps as Step[]) : [];
  for (const step of steps) lines.push(explainStep(step, c));
  const why = whyText(e, c, entry.lots?.length ?? 0);
  if (why !== null) {
    lines.push(why);
  } else {
    if (typeof e.refundOf === 'string') lines.push(t('loyalty.entry.refundOf', { id: e.refundOf }));
    for (const key of ['note', 'rule', 'reason', 'description'] as const)
      if (typeof e[key] === 'string') lines.push(e[key]);
  }
  if (steps.length > 0 || Array.isArray(e.notes)) lines.push(...earningNotes(e, c));
  if (c.forStaff === false) return lines;
  const meta = [
    typeof e.eventId === 'string' ? t('loyalty.entry.event', { id: e.eventId }) : '',
    typeof e.rulesVersion === 'number'
      ? t('loyalty.entry.rulesVersion', { version: e.rulesVersion })
      : '',
  ].filter(Boolean);
  if (meta.length) lines.push(meta.join(' · '));
  return lines;
}

/** The wording of a history item's lots by its kind: a redemption's, an expiry's, a merge's. */
const lotWords = {
  redeem: { title: 'lotsSpent', line: 'lotSpent', noExpiry: 'lotSpentNoExpiry' },
  expire: { title: 'lotsExpired', line: 'lotExpired', noExpiry: 'lotExpiredNoDate' },
  merge: { title: 'lotsMerged', line: 'lotMerged', noExpiry: 'lotMergedNoExpiry' },
} as const;
const wordsOf = (kind: string) => lotWords[kind as keyof typeof lotWords] ?? lotWords.redeem;

/** The title of a history item's folded lots: "The 3 lots it spent", "The 3 lots that expired". */
export function lotsTitle(entry: Pick<LoyaltyHistoryEntry, 'kind' | 'lots'>, c: ExplainContext) {
  return c.t(`loyalty.entry.${wordsOf(entry.kind).title}`, { count: entry.lots.length });
}

/**
 * The lots inside a history item, one line each, in the order a redemption spends them: "26
 * points, earned Nov 8, 2026, would have expired Nov 8, 2027" for a redemption, "…, expiring
 * Nov 8, 2027" for an expiry, "…, expires Nov 8, 2027" for a merge. None for other entries.
 */
export function spentLotLines(
  entry: Pick<LoyaltyHistoryEntry, 'lots'> & Partial<Pick<LoyaltyHistoryEntry, 'kind'>>,
  c: ExplainContext,
) {
  const { t, locale } = c;
  const words = wordsOf(entry.kind ?? 'redeem');
  const date = (at: string | null) => (at ? formatDate(at, locale, c.timeZone) : '—');
  return entry.lots.map((lot) =>
    t(
      // A merge moves a debt (or points no lot holds) beside the lots.
      `loyalty.entry.${lot.lotId === null && entry.kind === 'merge' ? 'lotNone' : lot.expiresAt ? words.line : words.noExpiry}`,
      {
        count: lot.points,
        points: formatNumber(lot.points, locale),
        earned: date(lot.earnedAt),
        expires: date(lot.expiresAt),
      },
    ),
  );
}

/**
 * The lots a lots table lists, and how many it leaves out: a purchase that earned no points
 * (below the minimum spend, say) keeps a lot of 0 points on the server — its spend counts
 * toward the tier, and it makes earning exactly-once — which says nothing as a row.
 */
export function lotsToShow<Lot extends { points: number }>(
  lots: readonly Lot[],
): { shown: Lot[]; zeroPoint: number } {
  const shown = lots.filter((lot) => lot.points !== 0);
  return { shown, zeroPoint: lots.length - shown.length };
}

/**
 * +, − or neither, from the member's side of a ledger entry: points reaching the member's
 * accounts, leaving them, or moving between them (pending → available, a merge). An entry's
 * `points` are always positive; the accounts say which way they went.
 */
export function entrySign(entry: { debit: string; credit: string }): 1 | -1 | 0 {
  const toMember = entry.credit.startsWith('member_');
  const fromMember = entry.debit.startsWith('member_');
  if (toMember && !fromMember) return 1;
  if (fromMember && !toMember) return -1;
  return 0;
}

/**
 * What kind of entry to name: a redemption is a reward's only when it names one; points
 * redeemed as such (at the counter, a discount) are `redeemPoints`.
 */
export function entryKind(entry: { kind: string; explanation: Record<string, unknown> }): string {
  return entry.kind === 'redeem' && typeof entry.explanation.rewardId !== 'string'
    ? 'redeemPoints'
    : entry.kind;
}

/** The sign written before an entry's points: "+", "−" or nothing. */
export const signText = (sign: 1 | -1 | 0): string => ({ 1: '+', [-1]: '−', 0: '' })[sign];

/** A tier by its name, "no tier" for none. */
export function tierLabel(code: string | null, c: ExplainContext): string {
  return code === null ? c.t('loyalty.member.noTier') : (c.tierName?.(code) ?? code);
}

/** A tier metric's amount: money for spend, a plain count otherwise. */
export function metricAmount(
  metric: TierConfig['metric'],
  value: number,
  c: ExplainContext,
): string {
  return metric === 'spend' ? money(value, c) : formatNumber(value, c.locale);
}

/** A tier metric's value in words: "spent ¥120.00", "3 purchases". */
export function metricText(metric: TierConfig['metric'], value: number, c: ExplainContext): string {
  return c.t(`loyalty.metric.${metric}`, { value: metricAmount(metric, value, c), count: value });
}

/** "Review of Jan 1, 2025 – Dec 31, 2025": the days a review measured (older reviews: "Review"). */
function reviewText(window: { start: string; end: string } | undefined, c: ExplainContext) {
  if (!window) return c.t('loyalty.tierChange.why.review');
  return c.t('loyalty.tierChange.why.reviewOf', {
    from: formatDate(window.start, c.locale, c.timeZone),
    to: formatLastDay(window.end, c.locale, c.timeZone),
  });
}

/**
 * A name set into a Chinese sentence: apart from the characters beside it where it begins or
 * ends in Latin letters or digits ("达到金卡 Gold 门槛", not "金卡 Gold门槛"). `settle` the
 * sentence then, for a space left before punctuation or at the end.
 */
export function nameInSentence(name: string, locale: string): string {
  if (!locale.startsWith('zh')) return name;
  const latin = (char: string | undefined) => char !== undefined && /[A-Za-z0-9]/.test(char);
  return `${latin(name.at(0)) ? ' ' : ''}${name}${latin(name.at(-1)) ? ' ' : ''}`;
}

/** A sentence with `nameInSentence` names: no space at its ends or beside Chinese punctuation. */
export function settle(sentence: string): string {
  return sentence
    .replace(/ +(?=[，。：；、！？（）]|$)/g, '')
    .replace(/(?<=[，。：；、！？（）]|^) +/g, '')
    .replace(/ {2,}/g, ' ');
}

/** Why a member's tier changed, in words; changes recorded before `why` keep their English. */
export function explainTierChange(change: TierChange, c: ExplainContext): string {
  const w = change.why;
  if (!w) return change.reason;
  return settle(tierChangeWords(change, w, c));
}

function tierChangeWords(
  change: TierChange,
  w: NonNullable<TierChange['why']>,
  c: ExplainContext,
): string {
  const { t } = c;
  const tier = (code: string | null) => nameInSentence(tierLabel(code, c), c.locale);
  switch (w.why) {
    case 'reached':
      // The entry tier: any activity qualifies, a threshold of ¥0.00 says nothing.
      if (w.threshold === 0) return t('loyalty.tierChange.why.joined', { tier: tier(change.to) });
      return t('loyalty.tierChange.why.reached', {
        metric: metricText(w.metric, w.value, c),
        tier: tier(change.to),
        threshold: metricAmount(w.metric, w.threshold, c),
      });
    case 'refund':
      return t('loyalty.tierChange.why.refund', {
        metric: metricText(w.metric, w.value, c),
        tier: tier(change.from),
      });
    case 'kept':
      return t('loyalty.tierChange.why.kept', {
        review: reviewText(w.window, c),
        metric: metricText(w.metric, w.value, c),
      });
    case 'grace':
      return t('loyalty.tierChange.why.grace', {
        review: reviewText(w.window, c),
        metric: metricText(w.metric, w.value, c),
        date: formatDate(w.graceUntil, c.locale, c.timeZone),
      });
    case 'below':
      return t('loyalty.tierChange.why.below', {
        review: reviewText(w.window, c),
        metric: metricText(w.metric, w.value, c),
        tier: tier(change.to),
      });
    case 'merged':
      return t('loyalty.tierChange.why.merged', { id: w.customerId });
    case 'mergedInto':
      return t('loyalty.tierChange.why.mergedInto', { id: w.customerId });
  }
}
