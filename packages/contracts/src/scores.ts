import { z } from 'zod';
import { calendarDate, id, page, pageQuery, storedDate, storedInstant } from './common.ts';
import { consentChannel } from './customers.ts';

/**
 * Customer scores: RFM, P(alive), expected purchases, CLV and churn risk per customer, computed
 * by the background job `scores.compute` from the tenant's purchases (BG/NBD + Gamma-Gamma
 * fitted on all history up to `asOf`), plus the aggregates the analytics dashboards draw.
 * Amounts are in the tenant's currency, integer minor units.
 */

export const rfmSegments = [
  'champions',
  'loyal',
  'potential-loyalist',
  'new',
  'promising',
  'need-attention',
  'about-to-sleep',
  'at-risk',
  'cant-lose',
  'hibernating',
  'lost',
] as const;
export const rfmSegment = z.enum(rfmSegments);
export type RfmSegment = z.infer<typeof rfmSegment>;

export const churnRisks = ['low', 'medium', 'high'] as const;
export const churnRisk = z
  .enum(churnRisks)
  .describe('1 − P(alive) banded: low < 0.3 ≤ medium < 0.7 ≤ high');
export type ChurnRisk = z.infer<typeof churnRisk>;

export const scoreRunCreate = z.strictObject({
  asOf: calendarDate
    .optional()
    .describe('Last day of history used (UTC); default yesterday in the tenant time zone'),
  horizonWeeks: z
    .number()
    .int()
    .min(1)
    .max(520)
    .default(52)
    .describe('Horizon of expected purchases and CLV, in weeks'),
  annualDiscountRate: z.number().min(0).max(1).default(0.1).describe('Yearly discount rate of CLV'),
  margin: z.number().min(0).max(1).default(1).describe('Share of spend kept as margin'),
});
export type ScoreRunCreate = z.infer<typeof scoreRunCreate>;

export const scoreRunAccepted = z.object({
  jobId: id.describe('Follow progress at GET /v1/jobs/{jobId}'),
});

const fitted = z.object({
  params: z.record(z.string(), z.number()),
  logLikelihood: z.number(),
  standardErrors: z.record(z.string(), z.number()).nullable(),
  customers: z.number(),
  converged: z.boolean(),
});

/**
 * What a scoring run could not do, as a stable code (the web translates by it). A newer server
 * may add codes: show `message` for a code you do not know.
 */
export const scoreRunWarningCodes = [
  'bgnbd_not_fitted',
  'bgnbd_not_converged',
  'gamma_gamma_not_fitted',
  'customers_not_scored',
  'no_tracking_curve',
  'no_concentration',
] as const;
export type ScoreRunWarningCode = (typeof scoreRunWarningCodes)[number];

/**
 * Why a `scores.compute` job failed when the failure is an expected one: the job's `errorCode`
 * (its `errorParams` carry the facts). `nothing_to_score`: no purchase up to the run's as-of
 * day (yesterday by default), `errorParams.asOf`. A newer server may add codes.
 */
export const scoreRunFailureCodes = ['nothing_to_score'] as const;
export type ScoreRunFailureCode = (typeof scoreRunFailureCodes)[number];

export const scoreRunWarning = z
  .object({
    // Open-ended on purpose: a client built against this list keeps working when a newer
    // server adds a code.
    code: z
      .string()
      .describe(
        `One of ${scoreRunWarningCodes.join(', ')}; more may be added. Runs stored before ` +
          'codes existed whose sentence matched none of them carry `unrecognised`.',
      ),
    message: z.string().describe('The warning in English, as in `warnings`'),
    detail: z.string().optional().describe("The model's own reason, in English"),
  })
  .meta({ id: 'ScoreRunWarning' });
export type ScoreRunWarning = z.infer<typeof scoreRunWarning>;

export const scoreRun = z
  .object({
    id,
    computedAt: storedInstant,
    asOf: storedDate,
    currency: z.string(),
    horizonWeeks: z.number().int(),
    annualDiscountRate: z.number(),
    margin: z.number(),
    customers: z.number().int(),
    purchases: z.number().int(),
    bgnbd: fitted.nullable().describe('null when nobody has bought twice yet'),
    gammagamma: fitted.nullable(),
    durationsMs: z.record(z.string(), z.number()),
    // `warnings` (English sentences) predates the codes and stays for integrators who read
    // it; `structuredWarnings` says the same, one entry per sentence, in the same order.
    warnings: z
      .array(z.string())
      .describe('What the run could not do, in English; `structuredWarnings` has the codes'),
    structuredWarnings: z.array(scoreRunWarning),
  })
  .meta({ id: 'ScoreRun' });
export type ScoreRun = z.infer<typeof scoreRun>;

export const customerScore = z
  .object({
    customerId: id,
    runId: id,
    computedAt: storedInstant,
    recencyScore: z.number().int().min(1).max(5),
    frequencyScore: z.number().int().min(1).max(5),
    monetaryScore: z.number().int().min(1).max(5),
    segment: rfmSegment,
    frequency: z.number().int().describe('Repeat purchase days (x)'),
    recencyWeeks: z.number().describe('Weeks from first to last purchase (t_x)'),
    ageWeeks: z.number().describe('Weeks from first purchase to asOf (T)'),
    purchases: z.number().int().describe('Purchases up to asOf'),
    totalSpend: z.number().int().describe('Net spend up to asOf, minor units'),
    monetary: z.number().int().describe('Mean repeat purchase value, minor units'),
    lastPurchaseOn: storedDate,
    pAlive: z.number().min(0).max(1).nullable(),
    expectedPurchases: z.number().nullable().describe('Over the run horizon'),
    expectedSpend: z.number().int().nullable().describe('Expected value of one future purchase'),
    clv: z.number().int().nullable().describe('Discounted expected margin over the horizon'),
    valueAtRisk: z.number().int().nullable().describe('(1 − P(alive)) × CLV if still alive'),
    churnRisk: churnRisk.nullable(),
  })
  .meta({ id: 'CustomerScore' });
export type CustomerScore = z.infer<typeof customerScore>;

export const scoresQuery = pageQuery.extend({
  segment: rfmSegment.optional(),
  churnRisk: churnRisk.optional(),
  sort: z.enum(['clv', 'p_alive']).default('clv').describe('Always descending'),
});
export type ScoresQuery = z.infer<typeof scoresQuery>;
export const scoresPage = page(customerScore);

export const rfmGrid = z.object({
  runId: id,
  asOf: storedDate,
  cells: z.array(
    z.object({
      recencyScore: z.number().int(),
      frequencyMonetaryScore: z.number().int(),
      segment: rfmSegment,
      customers: z.number().int(),
      revenue: z.number().int(),
    }),
  ),
  segments: z.array(
    z.object({
      segment: rfmSegment,
      customers: z.number().int(),
      revenue: z.number().int(),
      averageClv: z.number().nullable(),
    }),
  ),
  currency: z.string(),
});
export type RfmGridResponse = z.infer<typeof rfmGrid>;

export const clvDistributionQuery = z.strictObject({
  buckets: z.coerce
    .number()
    .int()
    .min(2)
    .max(100)
    .default(20)
    .describe('At most this many buckets'),
});
export const clvDistribution = z.object({
  runId: id,
  currency: z.string(),
  customers: z.number().int(),
  total: z.number().int().describe('Sum of CLV, minor units'),
  buckets: z.array(
    z.object({ from: z.number().int(), to: z.number().int(), customers: z.number().int() }),
  ),
});
export type ClvDistribution = z.infer<typeof clvDistribution>;

export const valueAtRiskQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const valueAtRisk = z.object({
  runId: id,
  currency: z.string(),
  items: z.array(
    z.object({
      customerId: id,
      name: z.string().nullable(),
      phone: z.string().nullable().describe("The customer's primary phone"),
      email: z.string().nullable().describe("The customer's primary email"),
      preferredChannel: consentChannel
        .nullable()
        .describe('How the customer prefers to be contacted'),
      segment: rfmSegment,
      pAlive: z.number(),
      clv: z.number().int(),
      valueAtRisk: z.number().int(),
      totalSpend: z.number().int(),
      lastPurchaseOn: storedDate,
    }),
  ),
});
export type ValueAtRisk = z.infer<typeof valueAtRisk>;

export const cohortRetention = z.object({
  runId: id,
  asOf: storedDate,
  cohorts: z.array(
    z.object({
      cohort: z.string().describe('First purchase month YYYY-MM'),
      size: z.number().int(),
      rates: z.array(z.number().nullable()).describe('Share active in month k after the first'),
    }),
  ),
  averageRates: z.array(z.number().nullable()),
});
export type CohortRetention = z.infer<typeof cohortRetention>;

export const revenueConcentration = z.object({
  runId: id,
  customers: z.number().int(),
  gini: z.number().nullable(),
  top20RevenueShare: z.number().nullable(),
  customerShareFor80PercentRevenue: z.number().nullable(),
  curve: z.array(z.object({ customerShare: z.number(), revenueShare: z.number() })),
});
export type RevenueConcentrationResponse = z.infer<typeof revenueConcentration>;

export const modelTracking = z.object({
  run: scoreRun,
  weeks: z.array(
    z.object({
      week: z.number().int(),
      endsOn: storedDate,
      actual: z.number().describe('Cumulative repeat purchases'),
      predicted: z.number(),
    }),
  ),
});
export type ModelTracking = z.infer<typeof modelTracking>;
