/**
 * Key-account (大客户) selection on several weighted criteria, with a dynamic review between
 * periods (last year's largest customer is not necessarily next year's).
 *
 * Each criterion is normalised to 0–1 (1 = best) across the accounts scored together:
 * - 'min-max' (default): (v − min)/(max − min), or (max − v)/(max − min) when lower is better.
 *   Keeps distances (an account twice as far ahead gets twice the points) but one outlier
 *   squeezes the rest.
 * - 'rank': (mid-rank − 1)/(n − 1), lower-is-better criteria ranked reversed. Robust to
 *   outliers, keeps only order.
 * A criterion on which all accounts are equal gives every account 0.5 (no information).
 *
 * Weights are relative (any positive total; they are rescaled to sum to 1). Score = 100 ×
 * Σ weight × normalised value, so the per-criterion contributions add up to the score and a
 * UI can explain it. Rank 1 is best; equal scores share a rank (1, 2, 2, 4). The key tier is
 * the accounts ranked within the top ⌈share × n⌉ (default share 0.2, the 20/80 rule), so an
 * account tied at the boundary is included.
 */
import { fail, ok, type MeasureResult } from './measure-result.ts';
import { midRanks } from './statistics.ts';

export type CriterionDirection = 'higher-is-better' | 'lower-is-better';

export interface KeyAccountCriterion {
  readonly id: string;
  readonly weight: number;
  readonly direction: CriterionDirection;
}

/**
 * Defaults from the texts' selection criteria: sales, volume, arrears (欠款, lower is better),
 * purchase cycle in days (shorter is better), growth. Weights are a starting point to tune.
 */
export const DEFAULT_KEY_ACCOUNT_CRITERIA: readonly KeyAccountCriterion[] = [
  { id: 'sales', weight: 35, direction: 'higher-is-better' },
  { id: 'volume', weight: 15, direction: 'higher-is-better' },
  { id: 'arrears', weight: 20, direction: 'lower-is-better' },
  { id: 'purchaseCycleDays', weight: 10, direction: 'lower-is-better' },
  { id: 'growth', weight: 20, direction: 'higher-is-better' },
];

export type KeyAccountNormalisation = 'min-max' | 'rank';

export interface AccountCriteriaValues {
  readonly accountId: string;
  /** One finite number per criterion id. */
  readonly values: Readonly<Record<string, number>>;
}

export interface KeyAccountOptions {
  readonly criteria?: readonly KeyAccountCriterion[];
  readonly normalisation?: KeyAccountNormalisation;
  /** Share of accounts in the key tier, 0–1; default 0.2. */
  readonly keyAccountShare?: number;
}

export interface CriterionContribution {
  readonly criterionId: string;
  readonly value: number;
  /** 0–1, 1 = best among the accounts scored. */
  readonly normalised: number;
  /** Rescaled weight, the weights summing to 1. */
  readonly weight: number;
  /** Points of the 0–100 score: 100 × weight × normalised. */
  readonly contribution: number;
}

export type KeyAccountTier = 'key' | 'standard';

export interface KeyAccountScore {
  readonly accountId: string;
  /** 0–100 */
  readonly score: number;
  readonly rank: number;
  readonly tier: KeyAccountTier;
  /** In criteria order. */
  readonly contributions: readonly CriterionContribution[];
}

export interface KeyAccountScoring {
  readonly normalisation: KeyAccountNormalisation;
  /** Criteria with rescaled weights. */
  readonly criteria: readonly KeyAccountCriterion[];
  readonly keyAccountShare: number;
  readonly keyAccountCount: number;
  /** Best first (rank, then accountId). */
  readonly accounts: readonly KeyAccountScore[];
}

const SCORE_TOLERANCE = 1e-9;

function normalise(
  values: readonly number[],
  direction: CriterionDirection,
  method: KeyAccountNormalisation,
): number[] {
  const oriented = direction === 'higher-is-better' ? values : values.map((v) => -v);
  const n = oriented.length;
  if (method === 'rank') {
    if (n < 2) return oriented.map(() => 0.5);
    const ranks = midRanks(oriented);
    const allTied = ranks.every((r) => r === ranks[0]);
    return ranks.map((r) => (allTied ? 0.5 : (r - 1) / (n - 1)));
  }
  const min = Math.min(...oriented);
  const max = Math.max(...oriented);
  return oriented.map((v) => (max > min ? (v - min) / (max - min) : 0.5));
}

/**
 * Scores, ranks and tiers accounts on weighted criteria.
 *
 * @example
 * const r = scoreKeyAccounts(
 *   [
 *     { accountId: 'acme', values: { sales: 900_000_00, arrears: 0 } },
 *     { accountId: 'globex', values: { sales: 300_000_00, arrears: 50_000_00 } },
 *   ],
 *   {
 *     criteria: [
 *       { id: 'sales', weight: 70, direction: 'higher-is-better' },
 *       { id: 'arrears', weight: 30, direction: 'lower-is-better' },
 *     ],
 *   },
 * );
 * // r.ok && r.value.accounts[0] → { accountId: 'acme', score: 100, rank: 1, tier: 'key', … }
 */
export function scoreKeyAccounts(
  accounts: readonly AccountCriteriaValues[],
  options: KeyAccountOptions = {},
): MeasureResult<KeyAccountScoring> {
  const criteria = options.criteria ?? DEFAULT_KEY_ACCOUNT_CRITERIA;
  const method = options.normalisation ?? 'min-max';
  const share = options.keyAccountShare ?? 0.2;
  if (criteria.length === 0)
    return fail('invalid-option', 'at least one criterion is needed', 'options.criteria');
  if (method !== 'min-max' && method !== 'rank')
    return fail('invalid-option', "normalisation is 'min-max' or 'rank'", 'options.normalisation');
  if (!(share >= 0 && share <= 1))
    return fail(
      'invalid-option',
      'keyAccountShare must be between 0 and 1',
      'options.keyAccountShare',
    );
  const ids = new Set<string>();
  let totalWeight = 0;
  for (const [i, c] of criteria.entries()) {
    if (ids.has(c.id))
      return fail('invalid-option', `duplicate criterion ${c.id}`, `options.criteria[${i}].id`);
    ids.add(c.id);
    if (!(Number.isFinite(c.weight) && c.weight >= 0))
      return fail(
        'invalid-option',
        'weights must be finite and ≥ 0',
        `options.criteria[${i}].weight`,
      );
    if (c.direction !== 'higher-is-better' && c.direction !== 'lower-is-better')
      return fail('invalid-option', 'unknown direction', `options.criteria[${i}].direction`);
    totalWeight += c.weight;
  }
  if (!(totalWeight > 0))
    return fail('invalid-option', 'weights must not all be 0', 'options.criteria');
  const seen = new Set<string>();
  for (const [i, a] of accounts.entries()) {
    if (seen.has(a.accountId))
      return fail(
        'invalid-input',
        `duplicate accountId ${a.accountId}`,
        `accounts[${i}].accountId`,
      );
    seen.add(a.accountId);
    for (const c of criteria) {
      const v = a.values[c.id];
      if (v === undefined || !Number.isFinite(v))
        return fail(
          'invalid-input',
          `missing or non-finite value for ${c.id}`,
          `accounts[${i}].values.${c.id}`,
        );
    }
  }
  const scaled = criteria.map((c) => ({ ...c, weight: c.weight / totalWeight }));
  const normalisedByCriterion = scaled.map((c) =>
    normalise(
      accounts.map((a) => a.values[c.id] ?? 0),
      c.direction,
      method,
    ),
  );
  const scored = accounts.map((a, i) => {
    const contributions = scaled.map((c, k): CriterionContribution => {
      const normalised = normalisedByCriterion[k]?.[i] ?? 0;
      return {
        criterionId: c.id,
        value: a.values[c.id] ?? 0,
        normalised,
        weight: c.weight,
        contribution: 100 * c.weight * normalised,
      };
    });
    return {
      accountId: a.accountId,
      score: contributions.reduce((s, c) => s + c.contribution, 0),
      contributions,
    };
  });
  scored.sort((x, y) =>
    Math.abs(y.score - x.score) > SCORE_TOLERANCE
      ? y.score - x.score
      : x.accountId < y.accountId
        ? -1
        : 1,
  );
  const n = scored.length;
  const keyAccountCount = n === 0 ? 0 : Math.ceil(share * n - 1e-12);
  let rank = 0;
  let previousScore = Number.POSITIVE_INFINITY;
  const ranked = scored.map((s, i): KeyAccountScore => {
    if (Math.abs(previousScore - s.score) > SCORE_TOLERANCE) rank = i + 1;
    previousScore = s.score;
    return { ...s, rank, tier: rank <= keyAccountCount ? 'key' : 'standard' };
  });
  return ok({
    normalisation: method,
    criteria: scaled,
    keyAccountShare: share,
    keyAccountCount: ranked.filter((a) => a.tier === 'key').length,
    accounts: ranked,
  });
}

export interface KeyAccountReview {
  /** Key now, not key before (including accounts new to the scoring); by current rank. */
  readonly entered: readonly {
    readonly accountId: string;
    readonly previousRank: number | null;
    readonly currentRank: number;
  }[];
  /** Key before, not key now (null current rank: no longer scored); by previous rank. */
  readonly left: readonly {
    readonly accountId: string;
    readonly previousRank: number;
    readonly currentRank: number | null;
  }[];
  /** Key in both; rankChange > 0 means the account moved up. By current rank. */
  readonly stayed: readonly {
    readonly accountId: string;
    readonly previousRank: number;
    readonly currentRank: number;
    readonly rankChange: number;
  }[];
}

/**
 * Dynamic review: which key accounts entered, left or stayed between two scorings.
 *
 * @example
 * const criteria = [{ id: 'sales', weight: 1, direction: 'higher-is-better' as const }];
 * const options = { criteria, keyAccountShare: 0.5 };
 * const lastYear = scoreKeyAccounts(
 *   [{ accountId: 'a', values: { sales: 9 } }, { accountId: 'b', values: { sales: 1 } }],
 *   options,
 * );
 * const thisYear = scoreKeyAccounts(
 *   [{ accountId: 'a', values: { sales: 2 } }, { accountId: 'b', values: { sales: 8 } }],
 *   options,
 * );
 * if (lastYear.ok && thisYear.ok) reviewKeyAccounts(lastYear.value, thisYear.value);
 * // → entered: b; left: a (a key account to win back, 挽回); stayed: none
 */
export function reviewKeyAccounts(
  previous: KeyAccountScoring,
  current: KeyAccountScoring,
): KeyAccountReview {
  const prev = new Map(previous.accounts.map((a) => [a.accountId, a]));
  const curr = new Map(current.accounts.map((a) => [a.accountId, a]));
  const entered: { accountId: string; previousRank: number | null; currentRank: number }[] = [];
  const stayed: {
    accountId: string;
    previousRank: number;
    currentRank: number;
    rankChange: number;
  }[] = [];
  for (const a of current.accounts) {
    if (a.tier !== 'key') continue;
    const before = prev.get(a.accountId);
    if (before?.tier === 'key')
      stayed.push({
        accountId: a.accountId,
        previousRank: before.rank,
        currentRank: a.rank,
        rankChange: before.rank - a.rank,
      });
    else
      entered.push({
        accountId: a.accountId,
        previousRank: before?.rank ?? null,
        currentRank: a.rank,
      });
  }
  const left = previous.accounts
    .filter((a) => a.tier === 'key' && curr.get(a.accountId)?.tier !== 'key')
    .map((a) => ({
      accountId: a.accountId,
      previousRank: a.rank,
      currentRank: curr.get(a.accountId)?.rank ?? null,
    }));
  return { entered, left, stayed };
}
