import { z } from 'zod';
import {
  clientKey,
  currency,
  id,
  instant,
  minorUnits,
  page,
  pageQuery,
  partnerKeyPrefix,
  storedInstant,
} from './common.ts';

const ruleId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ or -, at most 40')
  .describe('Stable id of the rule inside the program; assigned (r1, r2 …) when omitted');
const code = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ or -, at most 40');
const points = z.number().int().min(1).max(1_000_000_000);
/** A write's key of the client's choosing; `partner:…` is for partner transactions' own keys. */
const idempotencyKey = clientKey([partnerKeyPrefix]).describe(
  'Makes a retry safe: 1–200 characters of your choosing, not beginning with partner:',
);

export const ruleCap = z
  .strictObject({
    perDay: points.optional(),
    perWeek: points.optional(),
    perMonth: points.optional(),
    budget: points.optional().describe('Points this rule may award in total, over all members'),
  })
  .describe('Limits on what the rule awards; day/week/month in the program time zone');

const ruleBase = {
  id: ruleId.optional(),
  name: z.string().min(1).max(200).optional(),
  cap: ruleCap.optional(),
};

export const actionKinds = [
  'signup',
  'referral',
  'review',
  'survey_answered',
  'birthday',
  'profile_completed',
  'custom',
] as const;

/** The earning rules, their multiplier's window (`from`, `to`) of `at`: `instant` or `storedInstant`. */
function earnRuleOf(at: typeof storedInstant) {
  return z.discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('spend'),
        ...ruleBase,
        points,
        per: z.number().int().min(1).describe('Minor units of spend that earn `points`'),
        minSpend: minorUnits.min(0).optional().describe('Purchases below this earn nothing'),
        skus: z.array(z.string().min(1).max(200)).max(1000).optional(),
        categories: z.array(z.string().min(1).max(200)).max(1000).optional(),
      })
      .describe(
        '`points` per `per` minor units spent (on matching lines if skus/categories given)',
      ),
    z
      .strictObject({
        kind: z.literal('item'),
        ...ruleBase,
        points,
        skus: z.array(z.string().min(1).max(200)).max(1000).optional(),
        categories: z.array(z.string().min(1).max(200)).max(1000).optional(),
      })
      .describe('`points` per unit (quantity) of a matching sku or category'),
    z
      .strictObject({
        kind: z.literal('action'),
        ...ruleBase,
        action: z.enum(actionKinds),
        customAction: z.string().min(1).max(100).optional(),
        points,
      })
      .describe('Fixed points for an action event (signup, review, birthday …)'),
    z
      .strictObject({
        kind: z.literal('multiplier'),
        ...ruleBase,
        factor: z.number().min(0).max(100),
        from: at.optional(),
        to: at.optional(),
        weekdays: z
          .array(z.number().int().min(0).max(6))
          .max(7)
          .optional()
          .describe('0 = Sunday, in the program time zone'),
        monthDays: z
          .array(z.number().int().min(1).max(31))
          .max(31)
          .optional()
          .describe('Member days: days of the month'),
        tiers: z.array(code).max(50).optional(),
        segments: z.array(z.string().min(1).max(100)).max(100).optional(),
        appliesTo: z
          .array(ruleId)
          .max(50)
          .optional()
          .describe('Rule ids; all earning rules if omitted'),
      })
      .describe('Multiplies what the other rules award when all its conditions hold'),
  ]);
}

export const earnRule = earnRuleOf(instant);
export type EarnRule = z.infer<typeof earnRule>;
/**
 * An earning rule as stored and answered: a multiplier's window may lie outside the years
 * `instant` takes (older versions took any), and the program must still load and answer.
 */
export const storedEarnRule = earnRuleOf(storedInstant);

export const expiryPolicy = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('rolling'), months: z.number().int().min(1).max(120) }),
  z.strictObject({
    kind: z.literal('endOfPeriod'),
    period: z.enum(['month', 'quarter', 'year']),
    extraPeriods: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(0)
      .describe(
        'Points earned in a period expire at the end of the period this many periods later',
      ),
  }),
  z.strictObject({ kind: z.literal('inactivity'), months: z.number().int().min(1).max(120) }),
]);
export type ExpiryPolicy = z.infer<typeof expiryPolicy>;

export const tierPrivileges = z.strictObject({
  earnMultiplier: z.number().min(0).max(100).default(1),
  exclusiveRewards: z.boolean().default(false),
  priorityService: z.boolean().default(false),
  birthdayGiftPoints: z.number().int().min(0).default(0),
  earlyAccess: z.boolean().default(false),
});

export const tierLevel = z.strictObject({
  code,
  name: z.string().min(1).max(100),
  threshold: z.number().int().min(0).describe('Qualifying metric needed to reach this tier'),
  privileges: tierPrivileges.default({
    earnMultiplier: 1,
    exclusiveRewards: false,
    priorityService: false,
    birthdayGiftPoints: 0,
    earlyAccess: false,
  }),
});

const tierMetric = z.enum(['points', 'spend', 'purchases', 'visits']);

export const tierConfig = z.strictObject({
  metric: tierMetric,
  window: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('rolling'), months: z.number().int().min(1).max(60) }),
    z.strictObject({ kind: z.literal('calendar'), period: z.enum(['quarter', 'year']) }),
    z.strictObject({ kind: z.literal('anniversary') }),
  ]),
  graceDays: z
    .number()
    .int()
    .min(0)
    .max(366)
    .default(0)
    .describe('Days a member keeps a tier after the review finds it no longer earned'),
  downgrade: z.enum(['oneLevel', 'toQualified']).default('oneLevel'),
  levels: z
    .array(tierLevel)
    .min(1)
    .max(20)
    .describe('Ascending thresholds; the first is usually 0'),
});
export type TierConfig = z.infer<typeof tierConfig>;

export const refundPolicy = z
  .enum(['negative', 'clawback'])
  .describe(
    'When refunded points were already spent: `negative` lets the balance go below zero (repaid by the next points); `clawback` takes them from other lots first',
  );

export const referralScheme = z
  .strictObject({
    referrerPoints: z.number().int().min(0).max(1_000_000_000),
    refereePoints: z.number().int().min(0).max(1_000_000_000),
    minSpend: minorUnits
      .min(0)
      .default(0)
      .describe('The referee’s first purchase must reach this to reward both sides'),
  })
  .describe('Both sides are rewarded after the referee’s first qualifying purchase');

export const cashbackScheme = z
  .strictObject({
    rateBasisPoints: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .describe('Cashback in hundredths of a percent of spend (250 = 2.5 %)'),
  })
  .describe('Money back to the member’s wallet on every purchase, reversed by refunds');

const programFields = {
  name: z.string().min(1).max(200),
  currency,
  timeZone: z.string().min(1).max(64).optional().describe('IANA zone; the tenant’s by default'),
  earnRules: z.array(earnRule).max(100),
  pendingDays: z.number().int().min(0).max(365).default(0),
  expiry: expiryPolicy.default({ kind: 'none' }),
  expiryWarningDays: z.number().int().min(0).max(365).default(30),
  refundPolicy: refundPolicy.default('clawback'),
  tiers: tierConfig.nullable().default(null),
  referral: referralScheme.nullable().default(null),
  cashback: cashbackScheme.nullable().default(null),
  pointValueMinor: z
    .number()
    .min(0)
    .max(1_000_000)
    .default(1)
    .describe('What one point costs the business, in minor units (for the liability)'),
  status: z.enum(['active', 'paused']).default('active'),
};

export const loyaltyProgramCreate = z.strictObject(programFields);
export type LoyaltyProgramCreate = z.infer<typeof loyaltyProgramCreate>;

export const loyaltyProgramUpdate = z.strictObject({
  name: programFields.name.optional(),
  pendingDays: z.number().int().min(0).max(365).optional(),
  expiry: expiryPolicy.optional(),
  expiryWarningDays: z.number().int().min(0).max(365).optional(),
  refundPolicy: refundPolicy.optional(),
  tiers: tierConfig.nullable().optional(),
  referral: referralScheme.nullable().optional(),
  cashback: cashbackScheme.nullable().optional(),
  pointValueMinor: z.number().min(0).max(1_000_000).optional(),
  status: z.enum(['active', 'paused']).optional(),
});

export const loyaltyRulesUpdate = z.strictObject({ earnRules: z.array(earnRule).max(100) });

export const loyaltyProgram = z
  .object({
    id,
    name: z.string(),
    currency: z.string(),
    timeZone: z.string(),
    status: z.enum(['active', 'paused']),
    earnRules: z.array(storedEarnRule),
    rulesVersion: z.number().int(),
    pendingDays: z.number().int(),
    expiry: expiryPolicy,
    expiryWarningDays: z.number().int(),
    refundPolicy,
    tiers: tierConfig.nullable(),
    referral: referralScheme.nullable(),
    cashback: cashbackScheme.nullable(),
    pointValueMinor: z.number(),
    createdAt: storedInstant,
  })
  .meta({ id: 'LoyaltyProgram' });
export type LoyaltyProgram = z.infer<typeof loyaltyProgram>;

export const ruleVersion = z.object({
  version: z.number().int(),
  earnRules: z.array(storedEarnRule),
  createdAt: storedInstant,
});

const capPeriod = z.enum(['day', 'week', 'month', 'budget']);

/** What a step's base points were computed from (its `description` says it in English). */
export const earnBasis = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('spend'),
    points: z.number().int(),
    per: z.number().int(),
    amount: z.number().int().describe('The spend counted, in minor units'),
    matchingLines: z.boolean().describe('Only the lines of the rule’s skus or categories'),
  }),
  z.object({ kind: z.literal('item'), points: z.number().int(), quantity: z.number().int() }),
  z.object({
    kind: z.literal('action'),
    points: z.number().int(),
    action: z.string(),
    customAction: z.string().nullable(),
  }),
]);

export type EarnBasis = z.infer<typeof earnBasis>;

/** One reason a multiplier applied; a multiplier without conditions always applies. */
export const multiplierCondition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('from'), at: z.string() }),
  z.object({ kind: z.literal('until'), at: z.string() }),
  z.object({ kind: z.literal('weekday'), weekday: z.number().int().describe('0 = Sunday') }),
  z.object({ kind: z.literal('monthDay'), day: z.number().int() }),
  z.object({ kind: z.literal('tier'), tier: z.string() }),
  z.object({ kind: z.literal('segment'), segment: z.string() }),
  z.object({ kind: z.literal('tierPrivilege'), tier: z.string() }),
]);
export type MultiplierCondition = z.infer<typeof multiplierCondition>;

/**
 * One step of "why did I get N points". The English `description`, `reason` and `cappedBy`
 * say in words what `basis`, `conditions` and `cap` give as numbers for other languages.
 */
export const earnExplanationStep = z.object({
  ruleId: z.string(),
  kind: z.string(),
  description: z.string(),
  basis: earnBasis,
  basePoints: z.number().int(),
  multipliers: z.array(
    z.object({
      ruleId: z.string(),
      factor: z.number(),
      reason: z.string(),
      conditions: z.array(multiplierCondition),
    }),
  ),
  cappedBy: z.string().nullable(),
  cap: z.object({ period: capPeriod, limit: z.number().int() }).nullable(),
  points: z.number().int(),
});
export type EarnExplanationStep = z.infer<typeof earnExplanationStep>;

export const earnExplanation = z
  .object({
    points: z.number().int(),
    rulesVersion: z.number().int(),
    steps: z.array(earnExplanationStep),
    notes: z.array(z.string()),
    belowMinimum: z
      .array(z.object({ ruleId: z.string(), amount: z.number().int(), minimum: z.number().int() }))
      .describe('Spend rules skipped: the purchase was below their minimum spend'),
  })
  .meta({ id: 'LoyaltyEarnExplanation' });

export const loyaltyLineInput = z.strictObject({
  sku: z.string().min(1).max(200).optional(),
  category: z.string().min(1).max(200).optional(),
  quantity: z.number().int().min(1).max(1_000_000).default(1),
  amount: minorUnits.min(0),
});

export const dryRunRequest = z.strictObject({
  customerId: id.optional().describe('Uses the member’s tier and caps used so far'),
  event: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('purchase'),
      occurredAt: instant.optional(),
      amount: minorUnits.min(0),
      lines: z.array(loyaltyLineInput).max(1000).optional(),
    }),
    z.strictObject({
      type: z.literal('action'),
      occurredAt: instant.optional(),
      action: z.enum(actionKinds),
      customAction: z.string().min(1).max(100).optional(),
    }),
  ]),
  tier: code.optional().describe('Pretend the member is in this tier'),
  segments: z.array(z.string().min(1).max(100)).max(100).optional(),
  earnRules: z
    .array(earnRule)
    .max(100)
    .optional()
    .describe('Try these rules instead of the current version (the designer preview)'),
});

export const adjustmentReasons = ['service_recovery', 'goodwill', 'correction'] as const;

/** Points credited by hand by staff, once per idempotency key. */
export const pointsAdjustment = z.strictObject({
  points: z.number().int().min(1).max(1_000_000),
  reason: z
    .enum(adjustmentReasons)
    .describe('service_recovery (after a complaint), goodwill, or correction of a mistake'),
  note: z.string().trim().min(1).max(500).optional().describe('What happened, for the history'),
  idempotencyKey,
});

export const pointsAdjusted = z.object({
  points: z.number().int(),
  lotId: id,
  replayed: z.boolean(),
  balance: z.object({ available: z.number().int(), pending: z.number().int() }),
});

export const actionAward = z.strictObject({
  customerId: id,
  action: z.enum(actionKinds),
  customAction: z.string().min(1).max(100).optional(),
  occurredAt: instant.optional(),
  idempotencyKey,
});

export const tierStatus = z.object({
  code: z.string(),
  name: z.string(),
  since: storedInstant,
  reviewAt: storedInstant.nullable(),
  privileges: tierPrivileges,
});

export const tierProgress = z.object({
  metric: tierMetric,
  value: z.number().int(),
  windowStart: storedInstant.describe('The first instant of the current qualifying window'),
  windowEnd: storedInstant.describe(
    'The instant the window ends, exclusive: its last day is the day before in the program time zone (a calendar year 2026 ends at 2027-01-01T00:00 local)',
  ),
  nextTier: z
    .object({ code: z.string(), name: z.string(), threshold: z.number().int() })
    .nullable(),
  remaining: z.number().int().describe('Metric still needed for the next tier; 0 at the top'),
});

export const memberLoyalty = z
  .object({
    programId: id,
    programName: z.string(),
    customerId: id,
    enrolledAt: storedInstant,
    available: z.number().int(),
    pending: z.number().int(),
    debt: z.number().int().describe('Points owed after refunds of spent points'),
    lifetimeEarned: z.number().int(),
    lifetimeRedeemed: z.number().int(),
    lifetimeExpired: z.number().int(),
    wallet: minorUnits.describe('Cashback wallet balance in the program currency'),
    tier: tierStatus.nullable(),
    progress: tierProgress.nullable(),
    nextExpiry: z.object({ at: storedInstant, points: z.number().int() }).nullable(),
  })
  .meta({ id: 'MemberLoyalty' });

export const customerPrivileges = z
  .object({
    priorityService: z.boolean(),
    earlyAccess: z.boolean(),
    exclusiveRewards: z.boolean(),
  })
  .describe('What the customer’s current tiers grant, in any program (for other modules)');

export const customerLoyalty = z.object({
  programs: z.array(memberLoyalty),
  privileges: customerPrivileges,
});

export const loyaltyEntry = z
  .object({
    id,
    at: storedInstant,
    kind: z.enum([
      'earn',
      'release',
      'redeem',
      'expire',
      'reverse',
      'adjust',
      'partner_earn',
      'partner_burn',
      'merge',
    ]),
    debit: z.string(),
    credit: z.string(),
    points: z.number().int(),
    lotId: id.nullable(),
    eventId: z.string().nullable(),
    redemptionId: id.nullable(),
    explanation: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'LoyaltyEntry' });
export type LoyaltyEntry = z.infer<typeof loyaltyEntry>;

/**
 * An item of a member's points history: a ledger entry, or the entries of a redemption, an
 * expiry or a merge as one item (each goes lot by lot, one entry per lot: a redemption's share
 * its id; an expiry's are the member's expire entries of one instant, the sweep's; a merge's
 * the merge entries of one customer merged away). The fields are an entry's: `id`, `at`,
 * `kind`, `debit`, `credit` and `explanation` are the item's first entry's, `points` the sum
 * (a merge's net: lots one way, a debt the other, `debit` and `credit` the way the sum went),
 * `lotId` the lot when it holds one only (null when several: see `lots`).
 */
export const loyaltyHistoryEntry = loyaltyEntry
  .extend({
    rewardName: z
      .string()
      .nullable()
      .describe('The name of the reward a redemption took (its current name); null otherwise'),
    lots: z
      .array(
        z.object({
          entryId: id.describe('The ledger entry'),
          lotId: id.nullable(),
          points: z.number().int(),
          earnedAt: storedInstant.nullable().describe('When the lot was earned'),
          expiresAt: storedInstant
            .nullable()
            .describe('When the lot’s points would have expired (null: never)'),
        }),
      )
      .describe(
        'A redemption’s, an expiry’s or a merge’s entries, one per lot it spent, expired or moved, soonest-expiring first; empty for other entries',
      ),
  })
  .meta({ id: 'LoyaltyHistoryEntry' });
export type LoyaltyHistoryEntry = z.infer<typeof loyaltyHistoryEntry>;

export const loyaltyLot = z.object({
  id,
  points: z.number().int(),
  remaining: z.number().int(),
  status: z.enum(['pending', 'available', 'closed']),
  earnedAt: storedInstant,
  availableAt: storedInstant,
  expiresAt: storedInstant.nullable(),
  eventId: z.string().nullable(),
});

/**
 * Why a member's tier changed, as numbers: the English `reason` beside it says the same in
 * words. `value` is the qualifying metric (spend in minor units) over the tier's window.
 */
/** The window a review measured. */
const reviewedWindow = z
  .object({
    start: storedInstant,
    end: storedInstant.describe('Exclusive: the last day measured is the day before'),
  })
  .optional()
  .describe('The window the review measured; missing on reviews recorded before 2026-12-08');

export const tierChangeWhy = z.discriminatedUnion('why', [
  z.object({
    why: z.literal('reached'),
    metric: tierMetric,
    value: z.number().int(),
    threshold: z.number().int(),
  }),
  z.object({
    why: z
      .literal('refund')
      .describe('A refund lowered the metric: the upgrade it paid for is undone'),
    metric: tierMetric,
    value: z.number().int(),
  }),
  z.object({
    why: z.literal('kept').describe('A review found the tier still earned'),
    metric: tierMetric,
    value: z.number().int(),
    window: reviewedWindow,
  }),
  z.object({
    why: z.literal('grace').describe('A review found the tier no longer earned: kept until then'),
    metric: tierMetric,
    value: z.number().int(),
    window: reviewedWindow,
    graceUntil: storedInstant,
  }),
  z.object({
    why: z.literal('below').describe('A review lowered the tier'),
    metric: tierMetric,
    value: z.number().int(),
    window: reviewedWindow,
  }),
  z.object({
    why: z.literal('merged').describe('Kept the higher tier of a customer merged into this one'),
    customerId: id,
  }),
  z.object({
    why: z.literal('mergedInto').describe('This customer was merged into another'),
    customerId: id,
  }),
]);
export type TierChangeWhy = z.infer<typeof tierChangeWhy>;

export const tierChange = z
  .object({
    at: storedInstant,
    kind: z.enum(['upgrade', 'downgrade', 'grace', 'retain', 'merge']),
    from: z.string().nullable().describe('Tier code before'),
    to: z.string().nullable().describe('Tier code after'),
    reason: z.string().describe('In English; `why` gives the same as numbers'),
    why: tierChangeWhy.nullable().describe('Null for changes recorded before 2026-12-07'),
    eventId: z.string().nullable(),
  })
  .meta({ id: 'LoyaltyTierChange' });
export type TierChange = z.infer<typeof tierChange>;

export const redemptionCreate = z.strictObject({
  customerId: id,
  points: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe('Defaults to the reward’s cost'),
  idempotencyKey,
  rewardId: id.optional(),
});

export const redemption = z
  .object({
    id,
    programId: id,
    customerId: id,
    points: z.number().int(),
    rewardId: id.nullable(),
    idempotencyKey: z.string(),
    createdAt: storedInstant,
    lots: z.array(z.object({ lotId: id, points: z.number().int() })),
    balance: z.object({ available: z.number().int(), pending: z.number().int() }),
    coupon: z
      .object({ code: z.string(), expiresAt: storedInstant.nullable() })
      .nullable()
      .describe('The coupon issued, when the reward hands out codes from a pool'),
  })
  .meta({ id: 'LoyaltyRedemption' });

export const balanceAt = z.object({
  at: storedInstant,
  available: z.number().int(),
  pending: z.number().int(),
  lifetimeEarned: z.number().int(),
});

export const liability = z
  .object({
    programId: id,
    asOf: storedInstant,
    members: z.number().int(),
    outstandingPoints: z.number().int().describe('Available + pending points of all members'),
    pendingPoints: z.number().int(),
    issuedPoints: z.number().int(),
    redeemedPoints: z.number().int(),
    expiredPoints: z.number().int(),
    breakageRate: z
      .number()
      .describe('Share of settled points that expired rather than being redeemed, historically'),
    expectedBreakagePoints: z.number().int(),
    liabilityMinor: z.number().int().describe('(outstanding − expected breakage) × point value'),
    currency: z.string(),
    expiringSoon: z
      .array(
        z.object({
          withinDays: z.number().int(),
          points: z.number().int(),
          members: z.number().int(),
        }),
      )
      .describe(
        'Points of open lots expiring within 30, 60 and 90 days (cumulative), and their members',
      ),
  })
  .meta({ id: 'LoyaltyLiability' });

export const reward = z
  .object({
    id,
    name: z.string(),
    description: z.string().nullable(),
    pointsCost: z.number().int(),
    stock: z.number().int().nullable().describe('Units left; null = unlimited'),
    perMemberLimit: z.number().int().nullable(),
    tiers: z.array(z.string()).nullable().describe('Only members in these tiers; null = all'),
    validFrom: storedInstant.nullable(),
    validTo: storedInstant.nullable(),
    active: z.boolean(),
    createdAt: storedInstant,
  })
  .meta({ id: 'LoyaltyReward' });

export const rewardListQuery = z.strictObject({
  customerId: id
    .optional()
    .describe('A member: each reward then says how many more times they may redeem it'),
});

/** A reward of the catalog; `leftForMember` only when the list was asked for a member. */
export const rewardListed = reward
  .extend({
    leftForMember: z
      .number()
      .int()
      .nullable()
      .optional()
      .describe(
        'With customerId: how many more times the member may redeem it; null = no per-member limit',
      ),
  })
  .meta({ id: 'LoyaltyRewardListed' });

export const rewardCreate = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  pointsCost: points,
  stock: z.number().int().min(0).optional(),
  perMemberLimit: z.number().int().min(1).optional(),
  tiers: z.array(code).max(20).optional(),
  validFrom: instant.optional(),
  validTo: instant.optional(),
});

/** A reward's changes: only the fields given change; `null` clears a limit or a date. */
export const rewardUpdate = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    pointsCost: points.optional(),
    stock: z
      .number()
      .int()
      .min(0)
      .nullable()
      .optional()
      .describe('Units left, replacing the count; null = unlimited'),
    addStock: z
      .number()
      .int()
      .min(1)
      .max(1_000_000_000)
      .optional()
      .describe('Units to add to what is left (not with stock; not to unlimited stock)'),
    perMemberLimit: z.number().int().min(1).nullable().optional(),
    tiers: z.array(code).max(20).nullable().optional(),
    validFrom: instant.nullable().optional(),
    validTo: instant.nullable().optional(),
    active: z.boolean().optional().describe('false: not redeemable and off the member page'),
  })
  .meta({ id: 'LoyaltyRewardUpdate' });

export const programStats = z.object({
  programId: id,
  months: z.array(
    z.object({
      month: z.string().describe('YYYY-MM in the program time zone'),
      issued: z.number().int(),
      redeemed: z.number().int(),
      expired: z.number().int(),
      reversed: z.number().int(),
    }),
  ),
  tiers: z.array(z.object({ code: z.string().nullable(), members: z.number().int() })),
  topRewards: z.array(
    z.object({
      rewardId: id,
      name: z.string(),
      redemptions: z.number().int(),
      points: z.number().int(),
    }),
  ),
});

export const ledgerCheck = z.object({
  programId: id,
  members: z.number().int(),
  mismatches: z
    .array(
      z.object({
        customerId: id,
        cached: z.object({ available: z.number().int(), pending: z.number().int() }),
        ledger: z.object({ available: z.number().int(), pending: z.number().int() }),
      }),
    )
    .describe('Members whose cached balance differed from the sum of their entries (rebuilt)'),
  accountsSum: z.number().int().describe('Σ of every account balance: always 0 in double entry'),
  orphans: z
    .object({
      lots: z.number().int(),
      entries: z.number().int(),
      redemptions: z.number().int(),
    })
    .describe('Rows of the ledger whose member does not exist: always 0'),
});

export const memberLink = z.object({
  token: z.string(),
  url: z
    .string()
    .describe(
      'Absolute address of the public member page: PUBLIC_URL, else the request’s own host',
    ),
  path: z.string().describe('The same page as a path on this server: /member?token=…'),
  expiresAt: storedInstant,
});

export const expiryNotice = z.object({
  points: z.number().int(),
  expiresAt: storedInstant,
  message: z.string().describe('"N points expire on D", D in the program time zone'),
});

/** A coupon issued to the member, as their page shows it (no reward or redemption ids). */
export const memberCoupon = z.object({
  code: z.string(),
  rewardName: z.string(),
  status: z
    .enum(['usable', 'used', 'expired'])
    .describe('usable: issued, not used, not past its expiry'),
  issuedAt: storedInstant,
  usedAt: storedInstant.nullable(),
  expiresAt: storedInstant.nullable(),
});

export const loyaltyMemberSorts = [
  '-available',
  'available',
  '-lifetimeEarned',
  '-lastActivityAt',
  'lastActivityAt',
  '-enrolledAt',
  'enrolledAt',
] as const;

export const loyaltyMemberListQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Name, pinyin, phone, email or external id, as the customer search matches them'),
  tier: z
    .string()
    .min(1)
    .max(50)
    .optional()
    .describe('Members in this tier (its code); `none` for members without a tier'),
  expiringWithin: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .optional()
    .describe('Only members holding points that expire within this many days from now'),
  sort: z
    .enum(loyaltyMemberSorts)
    .default('-available')
    .describe('`-` first: largest or newest first. lastActivityAt counts enrolment as activity'),
});

export const loyaltyMemberExportQuery = loyaltyMemberListQuery
  .omit({ cursor: true, limit: true })
  .extend({ bom: z.enum(['true', 'false']).default('true').describe('UTF-8 BOM for Excel') });

export const loyaltyMemberListItem = z.object({
  customerId: id,
  name: z.string().describe('The customer’s name (erased customers keep their anonymised one)'),
  externalId: z.string().nullable(),
  tier: z.object({ code: z.string(), name: z.string() }).nullable(),
  available: z.number().int(),
  pending: z.number().int(),
  lifetimeEarned: z.number().int(),
  enrolledAt: storedInstant,
  lastActivityAt: storedInstant.nullable(),
});

export const loyaltyMemberList = page(loyaltyMemberListItem).meta({ id: 'LoyaltyMemberList' });

export const publicMemberPage = z.object({
  programName: z.string(),
  currency: z.string().describe('The program currency (spend progress is in its minor units)'),
  timeZone: z.string().describe('The program time zone, for showing dates'),
  available: z.number().int(),
  pending: z.number().int(),
  debt: z.number().int().describe('Points owed after refunds of spent points'),
  lifetimeEarned: z.number().int(),
  linkExpiresAt: storedInstant.describe('When the signed link stops working'),
  tier: tierStatus.nullable(),
  tiers: z
    .array(z.object({ code: z.string(), name: z.string(), threshold: z.number().int() }))
    .describe('The program’s tiers, lowest first (empty without tiers)'),
  tierChanges: z
    .array(tierChange)
    .describe(
      'The member’s upgrades, downgrades, grace periods and reviews that kept the tier, newest first: the latest 20',
    ),
  progress: tierProgress.nullable(),
  nextExpiry: z.object({ at: storedInstant, points: z.number().int() }).nullable(),
  expiryNotices: z
    .array(expiryNotice)
    .describe('Points the member was warned about that are still there, by expiry date'),
  rewards: z.array(
    reward.extend({
      leftForMember: z
        .number()
        .int()
        .nullable()
        .describe('How many more times the member may redeem it; null = no per-member limit'),
    }),
  ),
  history: z
    .array(loyaltyHistoryEntry)
    .describe(
      'The member’s newest history items (a redemption, an expiry or a merge is one), newest first: `historyLimit` of them (50 unless asked)',
    ),
  historyNextCursor: z
    .string()
    .nullable()
    .describe(
      'Pass as `cursor` to `GET /v1/public/loyalty/member/history` for the older entries; null when `history` holds them all',
    ),
  coupons: z
    .array(memberCoupon)
    .describe('The coupons issued to the member, newest first: the latest 50'),
  moreCoupons: z.boolean().describe('The member has older coupons than those listed'),
  wallet: minorUnits
    .nullable()
    .describe(
      'Cashback wallet balance in the program currency; null when the program gives no cashback and the wallet is empty',
    ),
});

export const publicMemberPageQuery = z.strictObject({
  token: z.string().min(10).max(1000).describe('The signed member link’s token'),
  historyLimit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .describe('How many of the newest entries `history` holds'),
});

export const publicMemberHistoryQuery = pageQuery.extend({
  token: z.string().min(10).max(1000).describe('The signed member link’s token'),
});

export const publicRedemptionCreate = z.strictObject({
  token: z.string().min(10).max(1000).describe('The signed member link’s token'),
  rewardId: id,
  idempotencyKey: idempotencyKey.describe(
    'One per confirmation: a retry with it answers the first redemption',
  ),
});

/** What the member is shown of their redemption (no lots, no customer or program ids). */
export const publicRedemption = redemption
  .pick({ id: true, points: true, createdAt: true, balance: true, coupon: true })
  .extend({ rewardId: id })
  .meta({ id: 'LoyaltyPublicRedemption' });

export const loyaltyJobKinds = [
  'loyalty.release-pending',
  'loyalty.expire-points',
  'loyalty.expiry-warnings',
  'loyalty.tier-review',
  'loyalty.rebuild-balances',
  'loyalty.sweep',
  'loyalty.birthday-gifts',
  'loyalty.rehome-merged',
] as const;
export const loyaltyJobRun = z.strictObject({
  kind: z.enum(loyaltyJobKinds),
  asOf: instant.optional().describe('Run as if it were this instant (defaults to now)'),
});

export const referralCode = z.object({
  code: z.string(),
  customerId: id,
});

export const referralCreate = z.strictObject({
  code: z.string().min(4).max(40).describe('The referrer’s code'),
  customerId: id.describe('The referee (the new customer)'),
});

export const referral = z
  .object({
    referrerId: id,
    refereeId: id,
    code: z.string(),
    status: z.enum(['pending', 'rewarded']),
    qualifyingEventId: z.string().nullable(),
    createdAt: storedInstant,
  })
  .meta({ id: 'LoyaltyReferral' });

export const couponGenerate = z
  .strictObject({
    count: z.number().int().min(1).max(10_000),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9]{0,20}$/, 'letters and digits, at most 20')
      .optional()
      .describe('Upper-cased, then a dash: VIP → VIP-7KQ2M9XA'),
    length: z.number().int().min(6).max(16).default(8).describe('Random characters per code'),
  })
  .describe('Codes the server makes: random characters without 0/O/1/I, new to the program');

export const couponUpload = z
  .strictObject({
    codes: z.array(z.string().min(4).max(64)).min(1).max(10_000).optional(),
    generate: couponGenerate.optional(),
    expiresAt: instant.optional().describe('When these codes stop being usable'),
    idempotencyKey: idempotencyKey
      .optional()
      .describe('A retry with the same key and body answers the first result and adds nothing'),
  })
  .superRefine((body, ctx) => {
    if ((body.codes === undefined) === (body.generate === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [body.codes === undefined ? 'codes' : 'generate'],
        message: 'give exactly one of codes and generate',
        params: { reason: 'exactly_one_of', fields: 'codes, generate' },
      });
  })
  .describe('Either codes (your own) or generate (the server makes them), not both');

export const couponsAdded = z.object({
  added: z.number().int(),
  duplicates: z.number().int().describe('Codes given that the program already had'),
  available: z.number().int().describe('Codes of the reward’s pool waiting to be handed out'),
  codes: z
    .array(z.string())
    .optional()
    .describe('With generate: the codes made, all of them added'),
});

export const couponStatuses = ['available', 'issued', 'used'] as const;

export const coupon = z
  .object({
    code: z.string(),
    rewardId: id,
    status: z.enum(couponStatuses),
    customerId: id.nullable(),
    issuedAt: storedInstant.nullable(),
    usedAt: storedInstant.nullable(),
    expiresAt: storedInstant.nullable(),
  })
  .meta({ id: 'LoyaltyCoupon' });

export const couponListQuery = pageQuery.extend({
  status: z.enum(couponStatuses).optional(),
  q: z.string().min(1).max(64).optional().describe('Codes starting with this text'),
});

export const couponList = page(coupon).extend({
  counts: z
    .object({
      available: z.number().int(),
      issued: z.number().int(),
      used: z.number().int(),
      expired: z.number().int().describe('Codes not used that are past their expiry'),
    })
    .describe('The whole pool of the reward, whatever the filter'),
});

export const partnerCreate = z.strictObject({ name: z.string().min(1).max(200) });

export const partner = z
  .object({ id, programId: id, name: z.string(), createdAt: storedInstant })
  .meta({ id: 'LoyaltyPartner' });

export const partnerCreated = partner.extend({
  apiKey: z.string().describe('The partner’s API key (role agent): shown once'),
});

export const partnerTransaction = z.strictObject({
  type: z.enum(['earn', 'burn']),
  customerId: id,
  points: z.number().int().min(1).max(1_000_000_000),
  reference: z
    .string()
    .min(1)
    .max(200)
    .describe('The partner’s own transaction id: each is applied once'),
  occurredAt: instant
    .optional()
    .describe(
      'The partner’s own time of the transaction, kept with the entry; the points move (and count in the settlement) when recorded. At most 15 minutes ahead of the server’s clock',
    ),
});

export const partnerSettlement = z
  .object({
    partnerId: id,
    from: storedInstant.nullable(),
    to: storedInstant.nullable(),
    earnedPoints: z.number().int().describe('Points the partner issued: the partner owes them'),
    burnedPoints: z.number().int().describe('Points spent at the partner: owed to the partner'),
    netPoints: z.number().int().describe('burned − earned: positive means the tenant pays'),
    netMinor: z.number().int().describe('netPoints × point value, in minor units'),
    currency: z.string(),
    transactions: z.number().int(),
  })
  .meta({ id: 'LoyaltyPartnerSettlement' });

export const walletSpend = z.strictObject({
  amount: minorUnits.min(1),
  idempotencyKey,
});

export const walletEntry = z
  .object({
    id,
    at: storedInstant,
    kind: z.enum(['cashback', 'reverse', 'spend', 'merge']),
    debit: z.string(),
    credit: z.string(),
    amount: minorUnits,
    eventId: z.string().nullable(),
    explanation: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'LoyaltyWalletEntry' });

export const notificationStatuses = ['pending', 'sent', 'suppressed'] as const;

export const loyaltyNotification = z
  .object({
    id,
    programId: id,
    customerId: id,
    kind: z.enum(['points_expiring']),
    points: z.number().int(),
    expiresAt: storedInstant,
    channel: z
      .string()
      .nullable()
      .describe('The customer’s preferred channel if they consented to it, else another they did'),
    status: z
      .enum(notificationStatuses)
      .describe('suppressed: the customer consented to no channel it could go out on'),
    message: z.string().describe('"N points expire on D", D in the program time zone'),
    createdAt: storedInstant,
    sentAt: storedInstant.nullable(),
  })
  .meta({ id: 'LoyaltyNotification' });

export const notificationListQuery = pageQuery.extend({
  status: z.enum(notificationStatuses).optional(),
  programId: id.optional(),
  customerId: id.optional(),
});

export const notificationList = page(loyaltyNotification);
