import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EarnRule } from '@fidelis/contracts';
import { capKeys, evaluateEarning, normalizeRules, type EarnInput } from './earning-rules.ts';

const at = new Date('2026-11-23T04:00:00Z'); // Monday 12:00 in Shanghai

function input(rules: EarnRule[], overrides: Partial<EarnInput> = {}): EarnInput {
  return {
    rules,
    rulesVersion: 1,
    timeZone: 'Asia/Shanghai',
    event: {
      type: 'purchase',
      occurredAt: at,
      amount: 10_000,
      lines: [
        { lineNo: 1, sku: 'A', category: 'books', quantity: 2, amount: 6_000 },
        { lineNo: 2, sku: 'B', category: 'music', quantity: 1, amount: 4_000 },
      ],
    },
    tier: null,
    segments: [],
    capUsed: () => 0,
    ...overrides,
  };
}

describe('evaluateEarning', () => {
  it.each<{ name: string; rules: EarnRule[]; extra?: Partial<EarnInput>; points: number }>([
    {
      name: '1 point per 100 minor units',
      rules: [{ kind: 'spend', id: 's', points: 1, per: 100 }],
      points: 100,
    },
    {
      name: 'spend rounds down',
      rules: [{ kind: 'spend', id: 's', points: 1, per: 300 }],
      points: 33,
    },
    {
      name: 'minimum spend not reached',
      rules: [{ kind: 'spend', id: 's', points: 1, per: 100, minSpend: 20_000 }],
      points: 0,
    },
    {
      name: 'per category',
      rules: [{ kind: 'spend', id: 's', points: 2, per: 100, categories: ['music'] }],
      points: 80,
    },
    { name: 'per item', rules: [{ kind: 'item', id: 'i', points: 5, skus: ['A'] }], points: 10 },
    {
      name: 'weekday multiplier (Monday)',
      rules: [
        { kind: 'spend', id: 's', points: 1, per: 100 },
        { kind: 'multiplier', id: 'm', factor: 2, weekdays: [1] },
      ],
      points: 200,
    },
    {
      name: 'weekday multiplier does not apply on Tuesday',
      rules: [
        { kind: 'spend', id: 's', points: 1, per: 100 },
        { kind: 'multiplier', id: 'm', factor: 2, weekdays: [2] },
      ],
      points: 100,
    },
    {
      name: 'tier privilege and tier multiplier stack',
      rules: [
        { kind: 'spend', id: 's', points: 1, per: 100 },
        { kind: 'multiplier', id: 'm', factor: 1.5, tiers: ['gold'] },
      ],
      extra: { tier: { code: 'gold', earnMultiplier: 1.1 } },
      points: 165,
    },
    {
      name: 'daily cap with usage so far',
      rules: [{ kind: 'spend', id: 's', points: 1, per: 100, cap: { perDay: 120 } }],
      extra: { capUsed: () => 50 },
      points: 70,
    },
    {
      name: 'segment multiplier needs the segment',
      rules: [
        { kind: 'spend', id: 's', points: 1, per: 100 },
        { kind: 'multiplier', id: 'm', factor: 3, segments: ['vip'] },
      ],
      extra: { segments: ['vip'] },
      points: 300,
    },
  ])('$name → $points', ({ rules, extra, points }) => {
    expect(evaluateEarning(input(rules, extra)).points).toBe(points);
  });

  it('explains each step: rule, base, multipliers, cap', () => {
    const result = evaluateEarning(
      input(
        [
          { kind: 'spend', id: 's', points: 1, per: 100, cap: { perDay: 150 } },
          { kind: 'multiplier', id: 'double', factor: 2, monthDays: [23] },
        ],
        {},
      ),
    );
    expect(result.steps).toEqual([
      {
        ruleId: 's',
        kind: 'spend',
        description: '1 per 100 spent on 10000',
        basis: { kind: 'spend', points: 1, per: 100, amount: 10000, matchingLines: false },
        basePoints: 100,
        multipliers: [
          {
            ruleId: 'double',
            factor: 2,
            reason: 'member day 23',
            conditions: [{ kind: 'monthDay', day: 23 }],
          },
        ],
        cappedBy: '150 per day',
        cap: { period: 'day', limit: 150 },
        points: 150,
      },
    ]);
    expect(result.belowMinimum).toEqual([]);
    expect(result.lines).toEqual([
      { lineNo: 1, points: 90, amount: 6000, quantity: 2 },
      { lineNo: 2, points: 60, amount: 4000, quantity: 1 },
    ]);
    expect(result.usage).toEqual([{ ruleId: 's', key: 'd:2026-11-23', points: 150 }]);
  });

  it('gives the numbers behind the words: basis, every condition, tier privilege, minimum spend', () => {
    const result = evaluateEarning(
      input(
        [
          { kind: 'spend', id: 'min', points: 5, per: 100, minSpend: 20_000 },
          { kind: 'spend', id: 'cd', points: 2, per: 100, categories: ['music'] },
          { kind: 'item', id: 'each', points: 3 },
          {
            kind: 'multiplier',
            id: 'vipdays',
            factor: 1.5,
            from: '2026-11-01T00:00:00Z',
            to: '2026-12-01T00:00:00Z',
            segments: ['vip'],
            tiers: ['gold'],
          },
        ],
        { segments: ['vip'], tier: { code: 'gold', earnMultiplier: 2 } },
      ),
    );
    expect(result.belowMinimum).toEqual([{ ruleId: 'min', amount: 10_000, minimum: 20_000 }]);
    expect(result.notes).toEqual(['min: spend 10000 is below the minimum 20000']);
    const [cd, each] = result.steps;
    expect(cd?.basis).toEqual({
      kind: 'spend',
      points: 2,
      per: 100,
      amount: 4000,
      matchingLines: true,
    });
    expect(each?.basis).toEqual({ kind: 'item', points: 3, quantity: 3 });
    expect(cd?.multipliers).toEqual([
      {
        ruleId: 'vipdays',
        factor: 1.5,
        reason: 'from 2026-11-01T00:00:00Z, until 2026-12-01T00:00:00Z, tier gold, segment vip',
        conditions: [
          { kind: 'from', at: '2026-11-01T00:00:00Z' },
          { kind: 'until', at: '2026-12-01T00:00:00Z' },
          { kind: 'tier', tier: 'gold' },
          { kind: 'segment', segment: 'vip' },
        ],
      },
      {
        ruleId: 'tier:gold',
        factor: 2,
        reason: 'tier gold privilege',
        conditions: [{ kind: 'tierPrivilege', tier: 'gold' }],
      },
    ]);
    const action = evaluateEarning(
      input(
        [{ kind: 'action', id: 'rev', action: 'custom', customAction: 'unboxing', points: 20 }],
        {
          event: { type: 'action', occurredAt: at, action: 'custom', customAction: 'unboxing' },
        },
      ),
    );
    expect(action.steps[0]?.basis).toEqual({
      kind: 'action',
      points: 20,
      action: 'custom',
      customAction: 'unboxing',
    });
  });

  it('awards action rules only for their action', () => {
    const rules: EarnRule[] = [
      { kind: 'action', id: 'rev', action: 'review', points: 20 },
      { kind: 'spend', id: 's', points: 1, per: 100 },
    ];
    const event = { type: 'action' as const, occurredAt: at, action: 'review', customAction: null };
    expect(evaluateEarning(input(rules, { event })).points).toBe(20);
    expect(evaluateEarning(input(rules, { event: { ...event, action: 'signup' } })).points).toBe(0);
  });

  it('line points always add up to the total and caps are never exceeded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (amounts, per, cap, used, factor) => {
          const lines = amounts.map((amount, index) => ({
            lineNo: index + 1,
            sku: `s${index}`,
            category: null,
            quantity: 1,
            amount,
          }));
          const total = amounts.reduce((a, b) => a + b, 0);
          const result = evaluateEarning(
            input(
              [
                { kind: 'spend', id: 's', points: 3, per, cap: { perMonth: cap } },
                { kind: 'multiplier', id: 'm', factor },
              ],
              {
                event: { type: 'purchase', occurredAt: at, amount: total, lines },
                capUsed: () => used,
              },
            ),
          );
          expect(result.lines.reduce((a, line) => a + line.points, 0)).toBe(result.points);
          expect(result.points).toBeLessThanOrEqual(Math.max(0, cap - used));
          expect(result.points).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe('capKeys', () => {
  it('uses the program time zone and Monday weeks', () => {
    // 2026-11-22T20:00Z is Monday 04:00 on 23 Nov in Shanghai, still Sunday in UTC.
    expect(capKeys(new Date('2026-11-22T20:00:00Z'), 'Asia/Shanghai')).toEqual({
      day: 'd:2026-11-23',
      week: 'w:2026-11-23',
      month: 'm:2026-11',
      budget: 'total',
    });
    expect(capKeys(new Date('2026-11-22T20:00:00Z'), 'UTC').week).toBe('w:2026-11-16');
  });
});

describe('normalizeRules', () => {
  it('assigns ids and rejects bad references with the field', () => {
    const ok = normalizeRules([{ kind: 'spend', points: 1, per: 100 }], null);
    expect(ok).toEqual({ ok: true, value: [{ kind: 'spend', points: 1, per: 100, id: 'r1' }] });
    const bad = normalizeRules(
      [
        { kind: 'spend', id: 'a', points: 1, per: 100 },
        { kind: 'multiplier', factor: 2, appliesTo: ['nope'], tiers: ['gold'] },
      ],
      ['silver'],
    );
    expect(bad).toEqual({
      ok: false,
      error: [
        {
          field: 'earnRules[1].appliesTo[0]',
          message: 'no earning rule nope in this set',
          reason: 'not_found',
        },
        {
          field: 'earnRules[1].tiers[0]',
          message: 'the program has no tier gold',
          reason: 'not_found',
        },
      ],
    });
  });
});
