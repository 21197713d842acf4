// Earning rules' pure core: what an event earns under a rule set, and why. The dry run calls
// this with no writes; the ledger calls it with the member's tier and cap usage, then books
// exactly the points (and per-line attribution) it returns.
// `EarnBasis` and `MultiplierCondition` are the API's shapes: the explanation is stored and
// answered as evaluated.
import type { EarnBasis, EarnRule, FieldError, MultiplierCondition } from '@fidelis/contracts';
import { apportion, type Result } from './ledger.ts';
import { localDate, weekdayName } from './time-zone.ts';

export interface EarnLine {
  lineNo: number;
  sku: string | null;
  category: string | null;
  quantity: number;
  amount: number;
}

export type EarnEvent =
  | { type: 'purchase'; occurredAt: Date; amount: number; lines: EarnLine[] }
  | { type: 'action'; occurredAt: Date; action: string; customAction: string | null };

export type CapPeriod = 'day' | 'week' | 'month' | 'budget';

export interface EarnInput {
  rules: readonly EarnRule[];
  rulesVersion: number;
  timeZone: string;
  event: EarnEvent;
  tier: { code: string; earnMultiplier: number } | null;
  segments: readonly string[];
  /** Points a rule already awarded in a cap period (key from `capKeys`). */
  capUsed: (ruleId: string, key: string) => number;
}

export interface EarnStep {
  ruleId: string;
  kind: string;
  description: string;
  basis: EarnBasis;
  basePoints: number;
  multipliers: {
    ruleId: string;
    factor: number;
    reason: string;
    conditions: MultiplierCondition[];
  }[];
  cappedBy: string | null;
  /** The cap that lowered the points, as numbers (`cappedBy` in words). */
  cap: { period: CapPeriod; limit: number } | null;
  points: number;
}

export interface EarnResult {
  points: number;
  rulesVersion: number;
  steps: EarnStep[];
  notes: string[];
  /** Spend rules skipped because the purchase was below their minimum (in `notes` in words). */
  belowMinimum: { ruleId: string; amount: number; minimum: number }[];
  /** The points attributed to each purchase line (they add up to `points`); refunds use them. */
  lines: { lineNo: number; points: number; amount: number; quantity: number }[];
  /** Cap usage to add: one row per (rule, period key). */
  usage: { ruleId: string; key: string; points: number }[];
}

const pad = (value: number) => String(value).padStart(2, '0');

/** Period keys an award at `at` counts against: day, ISO-ish week (Monday start), month, budget. */
export function capKeys(at: Date, timeZone: string): Record<CapPeriod, string> {
  const { year, month, day, weekday } = localDate(at, timeZone);
  const monday = new Date(Date.UTC(year, month - 1, day - ((weekday + 6) % 7)));
  return {
    day: `d:${year}-${pad(month)}-${pad(day)}`,
    week: `w:${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`,
    month: `m:${year}-${pad(month)}`,
    budget: 'total',
  };
}

/** Gives every rule an id and checks the set; errors name the offending field. */
export function normalizeRules(
  rules: readonly EarnRule[],
  tierCodes: readonly string[] | null,
): Result<EarnRule[], FieldError[]> {
  const errors: FieldError[] = [];
  const taken = new Set(rules.map((rule) => rule.id).filter((value) => value !== undefined));
  let next = 1;
  const withIds = rules.map((rule) => {
    if (rule.id) return rule;
    while (taken.has(`r${next}`)) next += 1;
    const ruleId = `r${next}`;
    taken.add(ruleId);
    return { ...rule, id: ruleId };
  });
  const seen = new Set<string>();
  withIds.forEach((rule, index) => {
    const at = `earnRules[${index}]`;
    if (rule.id && seen.has(rule.id))
      errors.push({ field: `${at}.id`, message: 'duplicate rule id', reason: 'duplicate' });
    if (rule.id) seen.add(rule.id);
    if (rule.kind === 'action' && rule.customAction && rule.action !== 'custom')
      errors.push({
        field: `${at}.customAction`,
        message: 'only for action "custom"',
        reason: 'only_for',
        params: { field: 'action', value: 'custom' },
      });
    if (rule.kind === 'multiplier') {
      if (rule.from && rule.to && Date.parse(rule.from) >= Date.parse(rule.to))
        errors.push({
          field: `${at}.to`,
          message: 'must be after from',
          reason: 'must_be_after',
          params: { other: 'from' },
        });
      for (const [position, target] of (rule.appliesTo ?? []).entries()) {
        const found = withIds.find((candidate) => candidate.id === target);
        if (!found || found.kind === 'multiplier')
          errors.push({
            field: `${at}.appliesTo[${position}]`,
            message: `no earning rule ${target} in this set`,
            reason: 'not_found',
          });
      }
      for (const [position, tier] of (rule.tiers ?? []).entries()) {
        if (!tierCodes?.includes(tier))
          errors.push({
            field: `${at}.tiers[${position}]`,
            message: `the program has no tier ${tier}`,
            reason: 'not_found',
          });
      }
    }
  });
  return errors.length > 0 ? { ok: false, error: errors } : { ok: true, value: withIds };
}

function lineMatches(line: EarnLine, skus?: string[], categories?: string[]): boolean {
  if (!skus && !categories) return true;
  return (
    (skus !== undefined && line.sku !== null && skus.includes(line.sku)) ||
    (categories !== undefined && line.category !== null && categories.includes(line.category))
  );
}

function multiplierApplies(
  rule: Extract<EarnRule, { kind: 'multiplier' }>,
  targetId: string,
  input: EarnInput,
): MultiplierCondition[] | null {
  if (rule.appliesTo && !rule.appliesTo.includes(targetId)) return null;
  const at = input.event.occurredAt.getTime();
  const conditions: MultiplierCondition[] = [];
  if (rule.from) {
    if (at < Date.parse(rule.from)) return null;
    conditions.push({ kind: 'from', at: rule.from });
  }
  if (rule.to) {
    if (at >= Date.parse(rule.to)) return null;
    conditions.push({ kind: 'until', at: rule.to });
  }
  const local = localDate(input.event.occurredAt, input.timeZone);
  if (rule.weekdays) {
    if (!rule.weekdays.includes(local.weekday)) return null;
    conditions.push({ kind: 'weekday', weekday: local.weekday });
  }
  if (rule.monthDays) {
    if (!rule.monthDays.includes(local.day)) return null;
    conditions.push({ kind: 'monthDay', day: local.day });
  }
  if (rule.tiers) {
    if (!input.tier || !rule.tiers.includes(input.tier.code)) return null;
    conditions.push({ kind: 'tier', tier: input.tier.code });
  }
  if (rule.segments) {
    const hit = rule.segments.find((segment) => input.segments.includes(segment));
    if (!hit) return null;
    conditions.push({ kind: 'segment', segment: hit });
  }
  return conditions;
}

/** A multiplier's conditions in English, as `reason` has always worded them. */
function conditionsText(conditions: readonly MultiplierCondition[]): string {
  if (conditions.length === 0) return 'always';
  return conditions
    .map((condition) => {
      switch (condition.kind) {
        case 'from':
          return `from ${condition.at}`;
        case 'until':
          return `until ${condition.at}`;
        case 'weekday':
          return `on ${weekdayName(condition.weekday)}`;
        case 'monthDay':
          return `member day ${condition.day}`;
        case 'tier':
          return `tier ${condition.tier}`;
        case 'segment':
          return `segment ${condition.segment}`;
        case 'tierPrivilege':
          return `tier ${condition.tier} privilege`;
      }
    })
    .join(', ');
}

/**
 * What an event earns and why. Each earning rule gives base points; every multiplier whose
 * conditions hold (and the tier's earn multiplier) multiplies them; the product is rounded
 * down; caps then limit what the rule may still award in its day/week/month and budget.
 */
export function evaluateEarning(input: EarnInput): EarnResult {
  const { event } = input;
  const steps: EarnStep[] = [];
  const notes: string[] = [];
  const belowMinimum: EarnResult['belowMinimum'] = [];
  const usage: EarnResult['usage'] = [];
  const lines =
    event.type === 'purchase'
      ? event.lines.length > 0
        ? event.lines
        : [{ lineNo: 0, sku: null, category: null, quantity: 1, amount: event.amount }]
      : [];
  const linePoints = new Map<number, number>(lines.map((line) => [line.lineNo, 0]));
  const keys = capKeys(event.occurredAt, input.timeZone);

  for (const rule of input.rules) {
    const ruleId = rule.id ?? '?';
    let base: number;
    let weights: { lineNo: number; weight: number }[] = [];
    let description: string;
    let basis: EarnBasis;
    if (rule.kind === 'spend' && event.type === 'purchase') {
      if (rule.minSpend !== undefined && event.amount < rule.minSpend) {
        notes.push(`${ruleId}: spend ${event.amount} is below the minimum ${rule.minSpend}`);
        belowMinimum.push({ ruleId, amount: event.amount, minimum: rule.minSpend });
        continue;
      }
      const filtered = rule.skus !== undefined || rule.categories !== undefined;
      const matching = lines.filter((line) => lineMatches(line, rule.skus, rule.categories));
      const amount = filtered
        ? matching.reduce((acc, line) => acc + line.amount, 0)
        : Math.max(0, event.amount);
      base = Math.floor(amount / rule.per) * rule.points;
      weights = matching.map((line) => ({ lineNo: line.lineNo, weight: line.amount }));
      description = `${rule.points} per ${rule.per} spent on ${amount}${filtered ? ' (matching lines)' : ''}`;
      basis = {
        kind: 'spend',
        points: rule.points,
        per: rule.per,
        amount,
        matchingLines: filtered,
      };
    } else if (rule.kind === 'item' && event.type === 'purchase') {
      const matching = lines.filter((line) => lineMatches(line, rule.skus, rule.categories));
      const quantity = matching.reduce((acc, line) => acc + line.quantity, 0);
      base = quantity * rule.points;
      weights = matching.map((line) => ({ lineNo: line.lineNo, weight: line.quantity }));
      description = `${rule.points} per item × ${quantity}`;
      basis = { kind: 'item', points: rule.points, quantity };
    } else if (rule.kind === 'action' && event.type === 'action') {
      if (rule.action !== event.action) continue;
      if (rule.customAction && rule.customAction !== event.customAction) continue;
      base = rule.points;
      description = `${rule.points} for ${event.action}${event.customAction ? ` (${event.customAction})` : ''}`;
      basis = {
        kind: 'action',
        points: rule.points,
        action: event.action,
        customAction: event.customAction,
      };
    } else {
      continue;
    }
    if (base <= 0) continue;

    const multipliers: EarnStep['multipliers'] = [];
    for (const candidate of input.rules) {
      if (candidate.kind !== 'multiplier') continue;
      const conditions = multiplierApplies(candidate, ruleId, input);
      if (conditions)
        multipliers.push({
          ruleId: candidate.id ?? '?',
          factor: candidate.factor,
          reason: conditionsText(conditions),
          conditions,
        });
    }
    if (input.tier && input.tier.earnMultiplier !== 1) {
      const conditions: MultiplierCondition[] = [{ kind: 'tierPrivilege', tier: input.tier.code }];
      multipliers.push({
        ruleId: `tier:${input.tier.code}`,
        factor: input.tier.earnMultiplier,
        reason: conditionsText(conditions),
        conditions,
      });
    }
    // Multiply in integer thousandths so 1.1 × 1.1 does not drift in floating point.
    const scaled = multipliers.reduce(
      (acc, multiplier) => (acc * Math.round(multiplier.factor * 1000)) / 1000,
      base,
    );
    let points = Math.floor(scaled + 1e-9);
    let cappedBy: string | null = null;
    let cap: EarnStep['cap'] = null;
    if (rule.cap) {
      const limits: [CapPeriod, number | undefined][] = [
        ['day', rule.cap.perDay],
        ['week', rule.cap.perWeek],
        ['month', rule.cap.perMonth],
        ['budget', rule.cap.budget],
      ];
      for (const [period, limit] of limits) {
        if (limit === undefined) continue;
        const left = Math.max(0, limit - input.capUsed(ruleId, keys[period]));
        if (points > left) {
          points = left;
          cappedBy = period === 'budget' ? `budget ${limit}` : `${limit} per ${period}`;
          cap = { period, limit };
        }
      }
    }
    steps.push({
      ruleId,
      kind: rule.kind,
      description,
      basis,
      basePoints: base,
      multipliers,
      cappedBy,
      cap,
      points,
    });
    if (points <= 0) continue;
    if (rule.cap) {
      const periods: [CapPeriod, number | undefined][] = [
        ['day', rule.cap.perDay],
        ['week', rule.cap.perWeek],
        ['month', rule.cap.perMonth],
        ['budget', rule.cap.budget],
      ];
      for (const [period, limit] of periods)
        if (limit !== undefined) usage.push({ ruleId, key: keys[period], points });
    }
    if (weights.length > 0) {
      const parts = apportion(
        points,
        weights.map((w) => w.weight),
      );
      weights.forEach((w, index) =>
        linePoints.set(w.lineNo, (linePoints.get(w.lineNo) ?? 0) + (parts[index] ?? 0)),
      );
    }
  }
  const total = steps.reduce((acc, step) => acc + step.points, 0);
  if (steps.length === 0) notes.push('no earning rule matched this event');
  return {
    points: total,
    rulesVersion: input.rulesVersion,
    steps,
    notes,
    belowMinimum,
    lines: lines.map((line) => ({
      lineNo: line.lineNo,
      points: linePoints.get(line.lineNo) ?? 0,
      amount: line.amount,
      quantity: line.quantity,
    })),
    usage,
  };
}
