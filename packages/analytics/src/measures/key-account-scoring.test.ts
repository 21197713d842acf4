import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  reviewKeyAccounts,
  scoreKeyAccounts,
  type AccountCriteriaValues,
  type KeyAccountCriterion,
} from './key-account-scoring.ts';

const criteria: KeyAccountCriterion[] = [
  { id: 'sales', weight: 60, direction: 'higher-is-better' },
  { id: 'arrears', weight: 40, direction: 'lower-is-better' },
];
const accounts: AccountCriteriaValues[] = [
  { accountId: 'A', values: { sales: 100, arrears: 0 } },
  { accountId: 'B', values: { sales: 50, arrears: 10 } },
  { accountId: 'C', values: { sales: 0, arrears: 20 } },
  { accountId: 'D', values: { sales: 100, arrears: 20 } },
];

describe('scoreKeyAccounts', () => {
  it('scores with min-max normalisation (hand-worked)', () => {
    // sales → A 1, B .5, C 0, D 1; arrears (lower better) → A 1, B .5, C 0, D 0
    // scores: A 60 + 40 = 100, B 30 + 20 = 50, C 0, D 60
    const r = scoreKeyAccounts(accounts, { criteria });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.accounts.map((a) => [a.accountId, a.score, a.rank, a.tier])).toEqual([
      ['A', 100, 1, 'key'],
      ['D', 60, 2, 'standard'],
      ['B', 50, 3, 'standard'],
      ['C', 0, 4, 'standard'],
    ]);
    expect(r.value.keyAccountCount).toBe(1);
    expect(r.value.accounts[1]?.contributions).toEqual([
      { criterionId: 'sales', value: 100, normalised: 1, weight: 0.6, contribution: 60 },
      { criterionId: 'arrears', value: 20, normalised: 0, weight: 0.4, contribution: 0 },
    ]);
  });

  it('scores with rank normalisation (hand-worked)', () => {
    // sales mid-ranks C 1, B 2, A 3.5, D 3.5 → (r − 1)/3; arrears reversed: C, D 1.5, B 3, A 4
    // A = 60·(2.5/3) + 40·1 = 90, D = 50 + 40·(0.5/3) = 56.67, B = 20 + 26.67 = 46.67, C = 6.67
    const r = scoreKeyAccounts(accounts, { criteria, normalisation: 'rank', keyAccountShare: 0.5 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.accounts.map((a) => a.accountId)).toEqual(['A', 'D', 'B', 'C']);
    expect(r.value.accounts.map((a) => a.score)).toEqual([
      expect.closeTo(90, 10),
      expect.closeTo(170 / 3, 10),
      expect.closeTo(140 / 3, 10),
      expect.closeTo(20 / 3, 10),
    ]);
    expect(r.value.accounts.map((a) => a.tier)).toEqual(['key', 'key', 'standard', 'standard']);
  });

  it('shares ranks on ties and keeps tied accounts at the boundary in the key tier', () => {
    const tied = [
      { accountId: 'x', values: { sales: 5, arrears: 0 } },
      { accountId: 'y', values: { sales: 5, arrears: 0 } },
      { accountId: 'z', values: { sales: 1, arrears: 0 } },
    ];
    const r = scoreKeyAccounts(tied, { criteria, keyAccountShare: 0.2 });
    // arrears all equal → 0.5 each (20 points); x and y tie at rank 1, both key
    expect(r.ok && r.value.accounts.map((a) => [a.accountId, a.rank, a.tier, a.score])).toEqual([
      ['x', 1, 'key', 80],
      ['y', 1, 'key', 80],
      ['z', 3, 'standard', 20],
    ]);
  });

  it('uses the default criteria (sales, volume, arrears, purchase cycle, growth)', () => {
    const r = scoreKeyAccounts([
      {
        accountId: 'good',
        values: { sales: 10, volume: 10, arrears: 0, purchaseCycleDays: 7, growth: 0.3 },
      },
      {
        accountId: 'poor',
        values: { sales: 1, volume: 1, arrears: 5, purchaseCycleDays: 90, growth: -0.1 },
      },
    ]);
    expect(r.ok && r.value.accounts.map((a) => [a.accountId, a.score])).toEqual([
      ['good', 100],
      ['poor', 0],
    ]);
  });

  it.each([
    [[{ accountId: 'a', values: { sales: 1 } }], { criteria }, 'accounts[0].values.arrears'],
    [accounts, { criteria: [] }, 'options.criteria'],
    [accounts, { criteria, keyAccountShare: 2 }, 'options.keyAccountShare'],
    [
      accounts,
      { criteria: [{ id: 'sales', weight: -1, direction: 'higher-is-better' as const }] },
      'options.criteria[0].weight',
    ],
    [
      [...accounts, { accountId: 'A', values: { sales: 1, arrears: 1 } }],
      { criteria },
      'accounts[4].accountId',
    ],
  ])('rejects bad input %#', (input, options, field) => {
    const r = scoreKeyAccounts(input, options);
    expect(r.ok ? null : r.error.field).toBe(field);
  });

  it('has contributions that add up to a score within 0–100', () => {
    const row = fc.record({
      sales: fc.integer({ min: 0, max: 1000 }),
      arrears: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 20 }),
        fc.constantFrom('min-max' as const, 'rank' as const),
        (rows, normalisation) => {
          const r = scoreKeyAccounts(
            rows.map((values, i) => ({ accountId: `a${i}`, values })),
            { criteria, normalisation },
          );
          if (!r.ok) throw new Error(r.error.message);
          for (const a of r.value.accounts) {
            expect(a.score).toBeGreaterThanOrEqual(0);
            expect(a.score).toBeLessThanOrEqual(100 + 1e-9);
            expect(a.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(a.score, 9);
          }
          expect(r.value.keyAccountCount).toBeGreaterThanOrEqual(Math.ceil(0.2 * rows.length));
        },
      ),
    );
  });
});

describe('reviewKeyAccounts', () => {
  it('lists entered, left and stayed key accounts', () => {
    const lastYear = scoreKeyAccounts(accounts, { criteria, keyAccountShare: 0.5 });
    const thisYear = scoreKeyAccounts(
      [
        { accountId: 'A', values: { sales: 100, arrears: 0 } },
        { accountId: 'B', values: { sales: 95, arrears: 0 } },
        { accountId: 'D', values: { sales: 40, arrears: 20 } },
        { accountId: 'E', values: { sales: 20, arrears: 0 } },
      ],
      { criteria, keyAccountShare: 0.5 },
    );
    if (!lastYear.ok || !thisYear.ok) throw new Error('setup');
    expect(reviewKeyAccounts(lastYear.value, thisYear.value)).toEqual({
      entered: [{ accountId: 'B', previousRank: 3, currentRank: 2 }],
      left: [{ accountId: 'D', previousRank: 2, currentRank: 4 }],
      stayed: [{ accountId: 'A', previousRank: 1, currentRank: 1, rankChange: 0 }],
    });
  });
});
