import type { TFunction } from 'i18next';
import { formatNumber } from '../../i18n/format.ts';
import type { LoyaltyEntry } from './loyalty.api.ts';

interface Step {
  ruleId?: string;
  kind?: string;
  description?: string;
  basePoints?: number;
  multipliers?: { ruleId: string; factor: number; reason: string }[];
  cappedBy?: string | null;
  points?: number;
}

/** The entry's explanation in words: the rules and multipliers for an earning, the refund for a reversal. */
export function explainEntry(entry: LoyaltyEntry, t: TFunction, locale: string): string[] {
  const e = entry.explanation;
  const lines: string[] = [];
  const steps = Array.isArray(e.steps) ? (e.steps as Step[]) : [];
  for (const step of steps) {
    const parts = [
      [step.ruleId, step.description].filter(Boolean).join(' · '),
      typeof step.basePoints === 'number'
        ? t('loyalty.entry.base', { points: formatNumber(step.basePoints, locale) })
        : '',
      ...(step.multipliers ?? []).map((m) =>
        t('loyalty.entry.multiplier', { factor: m.factor, reason: m.reason }),
      ),
      step.cappedBy ? t('loyalty.entry.cappedBy', { cap: step.cappedBy }) : '',
      typeof step.points === 'number' ? `= ${formatNumber(step.points, locale)}` : '',
    ].filter(Boolean);
    lines.push(parts.join(' '));
  }
  if (typeof e.refundOf === 'string') lines.push(t('loyalty.entry.refundOf', { id: e.refundOf }));
  for (const key of ['note', 'rule', 'reason', 'description'] as const)
    if (typeof e[key] === 'string') lines.push(e[key]);
  if (Array.isArray(e.notes))
    for (const note of e.notes) if (typeof note === 'string') lines.push(note);
  const meta = [
    typeof e.eventId === 'string' ? t('loyalty.entry.event', { id: e.eventId }) : '',
    typeof e.rulesVersion === 'number'
      ? t('loyalty.entry.rulesVersion', { version: e.rulesVersion })
      : '',
  ].filter(Boolean);
  if (meta.length) lines.push(meta.join(' · '));
  return lines;
}
