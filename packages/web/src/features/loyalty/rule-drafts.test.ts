import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import type { EarnRule } from '@fidelis/contracts';
import {
  describeRule,
  draftToRule,
  newRuleDraft,
  nextRuleId,
  ruleKinds,
  ruleToDraft,
  type RuleDraft,
} from './rule-drafts.ts';

const cny = { currency: 'CNY', timeZone: 'Asia/Shanghai' };
const jpy = { currency: 'JPY', timeZone: 'Asia/Tokyo' };

// Every key with its values, so a test can see what was said without the translations.
const t = ((key: string, values?: Record<string, unknown>) =>
  values
    ? `${key}(${Object.entries(values)
        .map(([name, value]) => `${name}=${String(value)}`)
        .join(', ')})`
    : key) as unknown as TFunction;

describe('rule drafts', () => {
  it.each<[string, EarnRule, typeof cny]>([
    ['spend', { kind: 'spend', id: 'base', points: 1, per: 100 }, cny],
    [
      'spend with everything',
      {
        kind: 'spend',
        id: 'books',
        name: 'Books',
        cap: { perDay: 500, budget: 100_000 },
        points: 3,
        per: 1_000,
        minSpend: 5_000,
        skus: ['b1', 'b2'],
        categories: ['books'],
      },
      cny,
    ],
    [
      'spend in a currency without minor units',
      { kind: 'spend', id: 'r1', points: 1, per: 100 },
      jpy,
    ],
    ['item', { kind: 'item', id: 'r2', points: 10, categories: ['coffee'] }, cny],
    ['action', { kind: 'action', id: 'hi', action: 'signup', points: 100 }, cny],
    [
      'custom action',
      { kind: 'action', id: 'app', action: 'custom', customAction: 'app_download', points: 50 },
      cny,
    ],
    [
      'multiplier',
      {
        kind: 'multiplier',
        id: 'week',
        factor: 2,
        from: '2026-04-30T16:00:00.000Z',
        to: '2026-05-07T16:00:00.000Z',
        weekdays: [0, 6],
        monthDays: [8, 18],
        tiers: ['gold'],
        segments: ['VIP'],
        appliesTo: ['base'],
      },
      cny,
    ],
  ])('%s: rule → draft → the same rule', (_name, rule, context) => {
    expect(draftToRule(ruleToDraft(rule, context), context)).toEqual(rule);
  });

  it('money is shown in major units and sent in minor units', () => {
    const draft = ruleToDraft(
      { kind: 'spend', id: 'r1', points: 1, per: 250, minSpend: 5_000 },
      cny,
    );
    expect(draft).toMatchObject({ per: 2.5, minSpend: 50 });
    expect(draftToRule({ ...draft, per: 1.25 }, cny)).toMatchObject({ per: 125 });
    expect(ruleToDraft({ kind: 'spend', id: 'r1', points: 1, per: 100 }, jpy).per).toBe(100);
  });

  it('a date range is whole days in the program zone, the last day included', () => {
    const draft: RuleDraft = {
      kind: 'multiplier',
      id: 'm',
      factor: 2,
      from: '2026-05-01',
      to: '2026-05-01',
    };
    expect(draftToRule(draft, cny)).toEqual({
      kind: 'multiplier',
      id: 'm',
      factor: 2,
      from: '2026-04-30T16:00:00.000Z',
      to: '2026-05-01T16:00:00.000Z',
    });
  });

  it('leaves out empty lists, empty limits and the fields of other kinds', () => {
    const draft: RuleDraft = {
      kind: 'item',
      id: 'r3',
      name: '  ',
      points: 5,
      per: 10,
      factor: 3,
      skus: [],
      categories: [],
      weekdays: [1],
      cap: { perDay: null, perWeek: undefined },
    };
    expect(draftToRule(draft, cny)).toEqual({ kind: 'item', id: 'r3', points: 5 });
    // A custom action name goes only with the custom action.
    expect(
      draftToRule({ kind: 'action', id: 'a', action: 'review', customAction: 'x', points: 1 }, cny),
    ).toEqual({ kind: 'action', id: 'a', action: 'review', points: 1 });
  });

  it('new rules get the next free id and sensible values for each kind', () => {
    expect(nextRuleId([])).toBe('r1');
    expect(nextRuleId(['r1', 'r3', 'base'])).toBe('r2');
    for (const kind of ruleKinds) {
      const rule = draftToRule(newRuleDraft(kind, ['r1']), cny);
      expect(rule).toMatchObject({ kind, id: 'r2' });
    }
  });

  it('describes a rule with its money, conditions and limits', () => {
    const context = { ...cny, locale: 'en' };
    const spend = describeRule(
      { kind: 'spend', id: 'r1', points: 2, per: 1_000, minSpend: 5_000, cap: { perDay: 500 } },
      t,
      context,
    );
    expect(spend).toContain('per=CN¥10.00');
    expect(spend).toContain('amount=CN¥50.00');
    expect(spend).toContain('loyalty.rule.cap.perDay(points=500)');
    const multiplier = describeRule(
      { kind: 'multiplier', id: 'm', factor: 2, weekdays: [0, 6], tiers: ['gold'] },
      t,
      context,
    );
    expect(multiplier).toContain('factor=2');
    expect(multiplier).toContain('Sun');
    expect(multiplier).toContain('Sat');
    expect(multiplier).toContain('loyalty.rule.describe.tiers(tiers=gold)');
  });
});
