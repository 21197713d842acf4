// Earning rules as the designer's form holds them, and back. The form shows money in major units
// (yuan) and date ranges as calendar days in the program's time zone (the last day included);
// the API takes minor units and instants (`to` excluded). Field names stay the API's, so a
// server error on `earnRules[2].per` lands next to that field.
import type { TFunction } from 'i18next';
import type { EarnRule } from '@fidelis/contracts';
import { formatMoney, formatNumber, majorToMinor, minorToMajor } from '../../i18n/format.ts';
import { dateIn, startOfDayIn } from '../../i18n/zoned-date.ts';

export type RuleKind = EarnRule['kind'];
export type ActionKind = Extract<EarnRule, { kind: 'action' }>['action'];
export type MultiplierRule = Extract<EarnRule, { kind: 'multiplier' }>;

export const ruleKinds: readonly RuleKind[] = ['spend', 'item', 'action', 'multiplier'];
// The contracts' `actionKinds`, repeated so the web bundle needs no zod; `complete` below fails
// to compile when the contracts add a kind that is missing here.
export const actionKinds = [
  'signup',
  'referral',
  'review',
  'survey_answered',
  'birthday',
  'profile_completed',
  'custom',
] as const satisfies readonly ActionKind[];
const complete: Exclude<ActionKind, (typeof actionKinds)[number]> extends never ? true : never =
  true;
void complete;

/** The actions as options of a select, in the UI's language. */
export function actionOptions(t: TFunction) {
  return actionKinds.map((value) => ({ value, label: t(`loyalty.rule.actions.${value}`) }));
}

type Optional<T> = T | null | undefined;

export interface CapDraft {
  perDay?: Optional<number>;
  perWeek?: Optional<number>;
  perMonth?: Optional<number>;
  budget?: Optional<number>;
}

/** One rule in the form: every kind's fields on one object, so switching kind keeps values. */
export interface RuleDraft {
  kind: RuleKind;
  id: string;
  name?: Optional<string>;
  points?: Optional<number>;
  /** Spend per `points`, in major units. */
  per?: Optional<number>;
  /** In major units. */
  minSpend?: Optional<number>;
  skus?: Optional<string[]>;
  categories?: Optional<string[]>;
  action?: Optional<ActionKind>;
  customAction?: Optional<string>;
  factor?: Optional<number>;
  /** First day, YYYY-MM-DD in the program's zone. */
  from?: Optional<string>;
  /** Last day included, YYYY-MM-DD in the program's zone. */
  to?: Optional<string>;
  weekdays?: Optional<number[]>;
  monthDays?: Optional<number[]>;
  tiers?: Optional<string[]>;
  segments?: Optional<string[]>;
  appliesTo?: Optional<string[]>;
  cap?: Optional<CapDraft>;
}

export interface RuleContext {
  currency: string;
  timeZone: string;
}

export function ruleToDraft(rule: EarnRule, context: RuleContext): RuleDraft {
  const draft: RuleDraft = { kind: rule.kind, id: rule.id ?? '', name: rule.name ?? null };
  if (rule.cap) draft.cap = { ...rule.cap };
  switch (rule.kind) {
    case 'spend':
      draft.points = rule.points;
      draft.per = minorToMajor(rule.per, context.currency);
      draft.minSpend =
        rule.minSpend === undefined ? null : minorToMajor(rule.minSpend, context.currency);
      draft.skus = rule.skus ?? [];
      draft.categories = rule.categories ?? [];
      break;
    case 'item':
      draft.points = rule.points;
      draft.skus = rule.skus ?? [];
      draft.categories = rule.categories ?? [];
      break;
    case 'action':
      draft.points = rule.points;
      draft.action = rule.action;
      draft.customAction = rule.customAction ?? null;
      break;
    case 'multiplier':
      draft.factor = rule.factor;
      draft.from = rule.from ? dateIn(rule.from, context.timeZone) : null;
      // `to` is the first instant no longer covered: the last day is the one before it.
      draft.to = rule.to ? dateIn(rule.to, context.timeZone, -1) : null;
      draft.weekdays = rule.weekdays ?? [];
      draft.monthDays = rule.monthDays ?? [];
      draft.tiers = rule.tiers ?? [];
      draft.segments = rule.segments ?? [];
      draft.appliesTo = rule.appliesTo ?? [];
      break;
  }
  return draft;
}

const present = <T>(value: Optional<T>): value is T =>
  value !== null && value !== undefined && value !== '';
const list = <T>(value: Optional<T[]>): T[] | undefined =>
  value && value.length > 0 ? value : undefined;

/** Only the keys that have a value: the API's rule objects are strict. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

function capOf(cap: Optional<CapDraft>): EarnRule['cap'] {
  if (!cap) return undefined;
  const value = compact({
    perDay: present(cap.perDay) ? cap.perDay : undefined,
    perWeek: present(cap.perWeek) ? cap.perWeek : undefined,
    perMonth: present(cap.perMonth) ? cap.perMonth : undefined,
    budget: present(cap.budget) ? cap.budget : undefined,
  });
  return Object.keys(value).length > 0 ? value : undefined;
}

/** The API's rule for a draft; fields the kind does not have are left out. */
export function draftToRule(draft: RuleDraft, context: RuleContext): EarnRule {
  const common = {
    id: draft.id.trim() || undefined,
    name: present(draft.name) ? draft.name.trim() || undefined : undefined,
    cap: capOf(draft.cap),
  };
  const money = (value: Optional<number>) =>
    present(value) ? majorToMinor(value, context.currency) : undefined;
  switch (draft.kind) {
    case 'spend':
      return compact({
        kind: 'spend',
        ...common,
        points: draft.points ?? 0,
        per: money(draft.per) ?? 0,
        minSpend: money(draft.minSpend),
        skus: list(draft.skus),
        categories: list(draft.categories),
      });
    case 'item':
      return compact({
        kind: 'item',
        ...common,
        points: draft.points ?? 0,
        skus: list(draft.skus),
        categories: list(draft.categories),
      });
    case 'action':
      return compact({
        kind: 'action',
        ...common,
        action: draft.action ?? 'signup',
        customAction:
          draft.action === 'custom' && present(draft.customAction)
            ? draft.customAction.trim()
            : undefined,
        points: draft.points ?? 0,
      });
    case 'multiplier':
      return compact({
        kind: 'multiplier',
        ...common,
        factor: draft.factor ?? 1,
        from: present(draft.from) ? startOfDayIn(draft.from, context.timeZone) : undefined,
        to: present(draft.to) ? startOfDayIn(draft.to, context.timeZone, 1) : undefined,
        weekdays: list(draft.weekdays && [...draft.weekdays].sort((a, b) => a - b)),
        monthDays: list(draft.monthDays && [...draft.monthDays].sort((a, b) => a - b)),
        tiers: list(draft.tiers),
        segments: list(draft.segments),
        appliesTo: list(draft.appliesTo),
      });
  }
}

/** The first free id of the form r1, r2 … (the server names unnamed rules the same way). */
export function nextRuleId(taken: readonly string[]): string {
  let next = 1;
  while (taken.includes(`r${next}`)) next += 1;
  return `r${next}`;
}

/** A new rule of a kind with sensible starting values. */
export function newRuleDraft(kind: RuleKind, taken: readonly string[]): RuleDraft {
  const id = nextRuleId(taken);
  switch (kind) {
    case 'spend':
      return { kind, id, points: 1, per: 1, skus: [], categories: [] };
    case 'item':
      return { kind, id, points: 10, skus: [], categories: [] };
    case 'action':
      return { kind, id, points: 100, action: 'signup' };
    case 'multiplier':
      return {
        kind,
        id,
        factor: 2,
        weekdays: [],
        monthDays: [],
        tiers: [],
        segments: [],
        appliesTo: [],
      };
  }
}

/** Sunday … Saturday in the UI's language (0 = Sunday, as the API counts). */
export function weekdayNames(locale: string): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  // 2023-01-01 was a Sunday.
  return Array.from({ length: 7 }, (_, day) => format.format(new Date(Date.UTC(2023, 0, 1 + day))));
}

export interface DescribeContext extends RuleContext {
  locale: string;
}

function joinList(values: readonly string[], locale: string): string {
  return new Intl.ListFormat(locale, { style: 'short', type: 'conjunction' }).format(values);
}

/** The limits of a rule in words, or '' without limits. */
export function describeCap(cap: EarnRule['cap'], t: TFunction, locale: string): string {
  if (!cap) return '';
  const n = (value: number) => formatNumber(value, locale);
  const parts = (['perDay', 'perWeek', 'perMonth', 'budget'] as const)
    .filter((key) => cap[key] !== undefined)
    .map((key) => t(`loyalty.rule.cap.${key}`, { points: n(cap[key] ?? 0) }));
  return parts.length ? joinList(parts, locale) : '';
}

/** What a multiplier's conditions say, e.g. "Sat, Sun · tier gold". */
export function describeConditions(rule: MultiplierRule, t: TFunction, context: DescribeContext) {
  const { locale } = context;
  const parts: string[] = [];
  if (rule.from || rule.to)
    parts.push(
      t('loyalty.rule.describe.dates', {
        from: rule.from ? dateIn(rule.from, context.timeZone) : '…',
        to: rule.to ? dateIn(rule.to, context.timeZone, -1) : '…',
      }),
    );
  if (rule.weekdays?.length) {
    const names = weekdayNames(locale);
    parts.push(
      joinList(
        rule.weekdays.map((day) => names[day] ?? String(day)),
        locale,
      ),
    );
  }
  if (rule.monthDays?.length)
    parts.push(t('loyalty.rule.describe.monthDays', { days: rule.monthDays.join(', ') }));
  if (rule.tiers?.length)
    parts.push(t('loyalty.rule.describe.tiers', { tiers: joinList(rule.tiers, locale) }));
  if (rule.segments?.length)
    parts.push(t('loyalty.rule.describe.segments', { segments: joinList(rule.segments, locale) }));
  if (rule.appliesTo?.length)
    parts.push(t('loyalty.rule.describe.appliesTo', { rules: joinList(rule.appliesTo, locale) }));
  return parts.length ? parts.join(' · ') : t('loyalty.rule.describe.always');
}

/** A rule in one sentence in the UI's language. */
export function describeRule(rule: EarnRule, t: TFunction, context: DescribeContext): string {
  const { locale, currency } = context;
  const n = (value: number) => formatNumber(value, locale);
  const money = (minor: number) => formatMoney(minor, currency, locale);
  let text: string;
  switch (rule.kind) {
    case 'spend': {
      text = t('loyalty.rule.describe.spend', { points: n(rule.points), per: money(rule.per) });
      const scope = [
        ...(rule.skus?.length
          ? [t('loyalty.rule.describe.skus', { skus: rule.skus.join(', ') })]
          : []),
        ...(rule.categories?.length
          ? [t('loyalty.rule.describe.categories', { categories: rule.categories.join(', ') })]
          : []),
      ];
      if (scope.length) text += ` (${scope.join(' / ')})`;
      if (rule.minSpend !== undefined)
        text += `, ${t('loyalty.rule.describe.minSpend', { amount: money(rule.minSpend) })}`;
      break;
    }
    case 'item': {
      const scope = [...(rule.skus ?? []), ...(rule.categories ?? [])];
      text = t('loyalty.rule.describe.item', {
        points: n(rule.points),
        scope: scope.length ? scope.join(', ') : t('loyalty.rule.describe.anyItem'),
      });
      break;
    }
    case 'action':
      text = t('loyalty.rule.describe.action', {
        points: n(rule.points),
        action:
          rule.action === 'custom' && rule.customAction
            ? rule.customAction
            : t(`loyalty.rule.actions.${rule.action}`),
      });
      break;
    case 'multiplier':
      text = t('loyalty.rule.describe.multiplier', {
        factor: rule.factor,
        conditions: describeConditions(rule, t, context),
      });
      break;
  }
  const cap = describeCap(rule.cap, t, locale);
  return cap ? `${text}; ${cap}` : text;
}

/** `true` when a rule's `to` (exclusive instant) is in the past. */
export function hasEnded(rule: EarnRule, now = Date.now()): boolean {
  return rule.kind === 'multiplier' && rule.to !== undefined && Date.parse(rule.to) <= now;
}
