// Loyalty use cases behind the routes: members' balances and history, redemptions, actions,
// rewards, liability, dashboards, ledger checks, signed member links, jobs.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { newId } from '../../db/ids.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { z } from 'zod';
import type {
  actionAward,
  pointsAdjusted,
  pointsAdjustment,
  customerPrivileges as customerPrivilegesSchema,
  liability,
  memberCoupon,
  memberLoyalty,
  coupon,
  couponsAdded,
  couponUpload,
  couponListQuery,
  partnerCreate,
  partnerTransaction,
  publicRedemption,
  publicRedemptionCreate,
  walletSpend,
  redemptionCreate,
  referral,
  referralCreate,
  reward,
  rewardCreate,
  rewardUpdate,
  LoyaltyHistoryEntry,
  TierChange,
} from '@fidelis/contracts';
import {
  createApiKey,
  customerContext,
  decodeCursor,
  encodeCursor,
  hashRequest,
  recordAudit,
  recordAudits,
  runIdempotent,
} from '../platform/index.ts';
import { AppError, type FieldError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import * as repo from './loyalty.repository.ts';
import * as merges from './member-merge.repository.ts';
import { rehomeStrandedMembers } from './member-merge.service.ts';
import type { LoyaltyDb, MemberRow, RewardRow } from './loyalty.repository.ts';
import {
  awardAction,
  expirePoints,
  memberStatus,
  partnerEarn,
  adjustPoints,
  spendWallet,
  redeemPoints,
  redeemPointsBatch,
  RedemptionKeysNeeded,
  RedemptionRace,
  MemberMerged,
  releasePending,
  reviewTiers,
  warnExpiringPoints,
  type RedemptionOutcome,
  type RedemptionResult,
} from './ledger.service.ts';
import { createGroupCommit } from '../../db/group-commit.ts';
import { memberHistoryItems } from './member-history.service.ts';
import { levelOf, sortedLevels } from './tiers.ts';
import { newCouponCodes, normalCouponCode, randomCode } from './coupon-codes.ts';
import { expiryNotices, warnAndNotify, type ChooseChannels } from './notifications.service.ts';
import {
  loadActivePrograms,
  loadActiveProgramsCached,
  loadProgram,
  type LoyaltyServiceDb,
  type Program,
} from './programs.service.ts';

type MemberLoyalty = z.infer<typeof memberLoyalty>;

async function memberView(
  db: LoyaltyDb,
  program: Program,
  row: MemberRow,
  now = new Date(),
): Promise<MemberLoyalty> {
  const status = await memberStatus(db, program, row, now);
  return {
    programId: program.id,
    programName: program.name,
    customerId: row.customer_id,
    enrolledAt: row.enrolled_at.toISOString(),
    available: Number(row.available),
    pending: Number(row.pending),
    debt: Number(row.debt),
    lifetimeEarned: Number(row.lifetime_earned),
    lifetimeRedeemed: Number(row.lifetime_redeemed),
    lifetimeExpired: Number(row.lifetime_expired),
    wallet: Number(row.wallet_balance),
    ...status,
  };
}

/**
 * The customer's id in the caller's tenant — its survivor's when it was merged into another —
 * or null when there is no such customer (or it was erased).
 */
export type ResolveCustomer = (tenantId: string, customerId: string) => Promise<string | null>;

/** Whether two customers share an email or phone (the customers module answers). */
export type ShareContact = (tenantId: string, a: string, b: string) => Promise<boolean>;

/**
 * Whether the customer — or a customer merged into it — has any recorded purchase, in or
 * before any program (the activity module answers, with the customers module's merges).
 */
export type HasPurchased = (tenantId: string, customerId: string) => Promise<boolean>;

/** The customer a request names, as it stands now (merged → survivor); 404 when unknown. */
async function requireCustomer(
  resolveCustomer: ResolveCustomer,
  tenantId: string,
  customerId: string,
  field?: string,
): Promise<string> {
  const resolved = await resolveCustomer(tenantId, customerId);
  if (!resolved)
    throw new AppError(
      'CUSTOMER_NOT_FOUND',
      `No customer ${customerId}.`,
      field ? [{ field, message: 'unknown customer' }] : [],
    );
  return resolved;
}

export async function customerLoyalty(
  db: LoyaltyDb,
  context: RequestContext,
  customerId: string,
  resolveCustomer: ResolveCustomer,
): Promise<{ programs: MemberLoyalty[]; privileges: CustomerPrivileges }> {
  await requireCustomer(resolveCustomer, context.tenantId, customerId);
  const rows = await repo.findMemberships(db, context.tenantId, customerId);
  const programs: MemberLoyalty[] = [];
  for (const found of rows) {
    const program = await loadProgram(db, context.tenantId, found.program_id);
    // A membership merged away answers with the survivor's, which holds it now.
    const row = found.merged_into ? await requireMember(db, program, found.merged_into) : found;
    programs.push(await memberView(db, program, row));
  }
  return { programs, privileges: privilegesOf(programs.map((program) => program.tier)) };
}

export type CustomerPrivileges = z.infer<typeof customerPrivilegesSchema>;

function privilegesOf(
  tiers: readonly ({ privileges: CustomerPrivileges } | null)[],
): CustomerPrivileges {
  const any = (flag: keyof CustomerPrivileges) => tiers.some((tier) => tier?.privileges[flag]);
  return {
    priorityService: any('priorityService'),
    earlyAccess: any('earlyAccess'),
    exclusiveRewards: any('exclusiveRewards'),
  };
}

/**
 * What a customer's current tiers grant in any of the tenant's programs: priority service,
 * early access, exclusive rewards. For other modules (a service queue, a launch).
 *
 * @example
 * const { priorityService } = await customerPrivileges(db, tenantId, customerId);
 */
export async function customerPrivileges(
  db: LoyaltyDb,
  tenantId: string,
  customerId: string,
): Promise<CustomerPrivileges> {
  const tiers = [];
  for (const row of await repo.findMemberships(db, tenantId, customerId)) {
    const program = await loadProgram(db, tenantId, row.program_id);
    const level = program.tiers && row.tier_since ? levelOf(program.tiers, row.tier_code) : null;
    tiers.push(level);
  }
  return privilegesOf(tiers);
}

async function requireMember(db: LoyaltyDb, program: Program, customerId: string) {
  const row = await repo.findMember(db, program.tenantId, program.id, customerId);
  if (!row)
    throw new AppError('NOT_FOUND', `The customer ${customerId} is not a member of this program.`);
  return row;
}

export async function getMember(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  customerId: string,
): Promise<MemberLoyalty> {
  const program = await loadProgram(db, context.tenantId, programId);
  return memberView(db, program, await requireMember(db, program, customerId));
}

/** Explicit enrolment (members are also enrolled by their first qualifying event). */
export async function enrolMember(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  requestedId: string,
  resolveCustomer: ResolveCustomer,
): Promise<MemberLoyalty> {
  const program = await loadProgram(db, context.tenantId, programId);
  const customerId = await requireCustomer(
    resolveCustomer,
    context.tenantId,
    requestedId,
    'customerId',
  );
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    await repo.ensureMembers(trx, context.tenantId, programId, [
      { customerId, enrolledAt: new Date() },
    ]);
    await recordAudit(trx, context, {
      action: 'loyalty.member.enrolled',
      entityType: 'loyalty_member',
      entityId: `${programId}:${customerId}`,
    });
    return memberView(trx, program, await requireMember(trx, program, customerId));
  });
}

export async function listMemberEntries(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  customerId: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const program = await loadProgram(db, context.tenantId, programId);
  await requireMember(db, program, customerId);
  return memberHistoryItems(db, program, customerId, query);
}

export async function listMemberLots(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  customerId: string,
  openOnly: boolean,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  await requireMember(db, program, customerId);
  const rows = await repo.listLots(db, context.tenantId, programId, customerId, openOnly);
  return {
    items: rows.map((row) => ({
      id: row.id,
      points: Number(row.points),
      remaining: Number(row.remaining),
      status: row.status as 'pending' | 'available' | 'closed',
      earnedAt: row.earned_at.toISOString(),
      availableAt: row.available_at.toISOString(),
      expiresAt: row.expires_at?.toISOString() ?? null,
      eventId: row.event_id,
    })),
    warnings: (await repo.listExpiryWarnings(db, context.tenantId, programId, customerId)).map(
      (warning) => ({
        lotId: warning.lot_id,
        points: Number(warning.points),
        expiresAt: warning.expires_at.toISOString(),
        warnedAt: warning.created_at.toISOString(),
      }),
    ),
    tierChanges: (await repo.listTierChanges(db, context.tenantId, programId, customerId)).map(
      tierChangeView,
    ),
  };
}

function tierChangeView(
  change: Awaited<ReturnType<typeof repo.listTierChanges>>[number],
): TierChange {
  return {
    at: change.at.toISOString(),
    kind: change.kind,
    from: change.from_code,
    to: change.to_code,
    reason: change.reason,
    why: change.why,
    eventId: change.event_id,
  };
}

/** A member's balances at any past instant, from the ledger alone. */
export async function balanceAt(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  customerId: string,
  at: Date,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  await requireMember(db, program, customerId);
  const balance = await repo.balanceFromEntries(db, context.tenantId, programId, customerId, at);
  return {
    at: at.toISOString(),
    available: Number(balance.available),
    pending: Number(balance.pending),
    lifetimeEarned: Number(balance.earned),
  };
}

function rewardView(row: RewardRow): z.infer<typeof reward> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    pointsCost: Number(row.points_cost),
    stock: row.stock === null ? null : Number(row.stock),
    perMemberLimit: row.per_member_limit,
    tiers: row.tiers,
    validFrom: row.valid_from?.toISOString() ?? null,
    validTo: row.valid_to?.toISOString() ?? null,
    active: row.active,
    createdAt: row.created_at.toISOString(),
  };
}

export async function createReward(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof rewardCreate>,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  checkRewardTiers(program, input.tiers);
  checkRewardValidity(
    input.validFrom ? new Date(input.validFrom) : null,
    input.validTo ? new Date(input.validTo) : null,
  );
  const id = newId();
  return inTransaction(db, async (trx: LoyaltyServiceDb) => {
    await repo.insertReward(trx, {
      tenant_id: context.tenantId,
      program_id: programId,
      id,
      name: input.name,
      description: input.description ?? null,
      points_cost: input.pointsCost,
      stock: input.stock ?? null,
      per_member_limit: input.perMemberLimit ?? null,
      tiers: input.tiers ? JSON.stringify(input.tiers) : null,
      valid_from: input.validFrom ? new Date(input.validFrom) : null,
      valid_to: input.validTo ? new Date(input.validTo) : null,
    });
    await recordAudit(trx, context, {
      action: 'loyalty.reward.created',
      entityType: 'loyalty_reward',
      entityId: id,
      after: input,
    });
    const row = await repo.findReward(trx, context.tenantId, programId, id);
    if (!row) throw new Error('reward vanished after insert');
    return rewardView(row);
  });
}

/** Fresh planner statistics for the ledger's tables: call after writing many rows at once. */
export async function analyzeLoyaltyTables(db: LoyaltyServiceDb): Promise<void> {
  await repo.analyzeLedger(db);
}

/**
 * Members who hold at least `minAvailable` points and have not been active since `idleSince`
 * (by customer id, at most `limit`): whom a win-back offer or a catalog reminder could reach.
 */
export async function membersHolding(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  options: { minAvailable: number; idleSince: Date; limit: number },
): Promise<{ customerId: string; available: number; tier: string | null; lastActivityAt: Date }[]> {
  const rows = await repo.findMembersHolding(db, context.tenantId, programId, options);
  return rows.map((row) => ({
    customerId: row.customer_id,
    available: Number(row.available),
    tier: row.tier_code,
    // Filtered on it: never null here.
    lastActivityAt: row.last_activity_at ?? options.idleSince,
  }));
}

function checkRewardTiers(program: Program, tiers: readonly string[] | null | undefined): void {
  for (const [index, tier] of (tiers ?? []).entries())
    if (!program.tiers?.levels.some((level) => level.code === tier))
      throw new AppError('VALIDATION_FAILED', 'Unknown tier.', [
        {
          field: `tiers[${index}]`,
          message: `the program has no tier ${tier}`,
          reason: 'not_found',
        },
      ]);
}

function checkRewardValidity(validFrom: Date | null, validTo: Date | null): void {
  if (validFrom && validTo && validFrom >= validTo)
    throw new AppError('VALIDATION_FAILED', 'validTo must be after validFrom.', [
      {
        field: 'validTo',
        message: 'must be after validFrom',
        reason: 'must_be_after',
        params: { other: 'validFrom' },
      },
    ]);
}

/** `PATCH …/rewards/{rewardId}`: changes the fields given, under the reward's row lock. */
export async function updateReward(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  rewardId: string,
  input: z.infer<typeof rewardUpdate>,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  if (input.stock !== undefined && input.addStock !== undefined)
    throw new AppError('VALIDATION_FAILED', 'Give stock or addStock, not both.', [
      {
        field: 'addStock',
        message: 'not together with stock',
        reason: 'conflicts_with',
        params: { other: 'stock' },
      },
    ]);
  checkRewardTiers(program, input.tiers);
  const instantOrNull = (value: string | null) => (value === null ? null : new Date(value));
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    const row = await repo.lockReward(trx, context.tenantId, programId, rewardId);
    if (!row) throw new AppError('NOT_FOUND', `No reward ${rewardId} in this program.`);
    if (input.addStock !== undefined && row.stock === null)
      throw new AppError('VALIDATION_FAILED', 'The reward’s stock is unlimited.', [
        { field: 'addStock', message: 'the stock is unlimited: set stock instead' },
      ]);
    const validFrom =
      input.validFrom === undefined ? row.valid_from : instantOrNull(input.validFrom);
    const validTo = input.validTo === undefined ? row.valid_to : instantOrNull(input.validTo);
    checkRewardValidity(validFrom, validTo);
    const changes: repo.RewardChanges = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.pointsCost !== undefined ? { points_cost: input.pointsCost } : {}),
      ...(input.stock !== undefined ? { stock: input.stock } : {}),
      ...(input.addStock !== undefined ? { stock: Number(row.stock) + input.addStock } : {}),
      ...(input.perMemberLimit !== undefined ? { per_member_limit: input.perMemberLimit } : {}),
      ...(input.tiers !== undefined
        ? { tiers: input.tiers === null ? null : JSON.stringify(input.tiers) }
        : {}),
      ...(input.validFrom !== undefined ? { valid_from: validFrom } : {}),
      ...(input.validTo !== undefined ? { valid_to: validTo } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    };
    await repo.updateReward(trx, context.tenantId, programId, rewardId, changes);
    const updated = await repo.findReward(trx, context.tenantId, programId, rewardId);
    if (!updated) throw new Error('reward vanished after update');
    const before = rewardView(row);
    const after = rewardView(updated);
    await recordAudit(trx, context, {
      action: 'loyalty.reward.updated',
      entityType: 'loyalty_reward',
      entityId: rewardId,
      before,
      after,
    });
    return after;
  });
}

/** The catalog; for a member (`customerId`), with how many more times they may redeem each. */
export async function listRewards(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  query: { customerId?: string | undefined } = {},
) {
  await loadProgram(db, context.tenantId, programId);
  const rows = await repo.listRewards(db, context.tenantId, programId);
  const { customerId } = query;
  if (customerId === undefined) return { items: rows.map(rewardView) };
  return {
    items: await Promise.all(
      rows.map(async (row) => ({
        ...rewardView(row),
        leftForMember: await leftForMember(db, context.tenantId, customerId, row),
      })),
    ),
  };
}

/**
 * How many more times a member may redeem a reward; null without a per-member limit. Only
 * limited rewards are counted (a query each): most have no limit.
 */
async function leftForMember(
  db: LoyaltyDb,
  tenantId: string,
  customerId: string,
  row: RewardRow,
): Promise<number | null> {
  if (row.per_member_limit === null) return null;
  const redeemed = await repo.countMemberRedemptions(
    db,
    tenantId,
    row.program_id,
    customerId,
    row.id,
  );
  return Math.max(0, row.per_member_limit - redeemed);
}

/** A reward refused for this redemption: the reason and its params word it in the web and CLI. */
function rewardProblem(
  message: string,
  reason: NonNullable<FieldError['reason']>,
  params?: FieldError['params'],
): AppError {
  return new AppError('REWARD_UNAVAILABLE', message, [
    { field: 'rewardId', message, reason, ...(params ? { params } : {}) },
  ]);
}

/** The tiers a reward is for, by their names (a code the program no longer has, as it is). */
function tierNames(program: Program, codes: readonly string[]): string {
  const levels = program.tiers?.levels ?? [];
  return codes.map((code) => levels.find((level) => level.code === code)?.name ?? code).join(', ');
}

/** `POST …/redemptions`: 201 first time, the same result on an identical retry. */
export async function redeem(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof redemptionCreate>,
  now = new Date(),
): Promise<{ result: RedemptionResult; replayed: boolean }> {
  const program = await loadProgram(db, context.tenantId, programId);
  let reward: RewardRow | undefined;
  if (input.rewardId) {
    reward = await repo.findReward(db, context.tenantId, programId, input.rewardId);
    if (!reward) throw rewardProblem(`No reward ${input.rewardId} in this program.`, 'not_found');
    if (input.points !== undefined && input.points !== Number(reward.points_cost))
      throw new AppError('VALIDATION_FAILED', 'points must equal the reward’s cost.', [
        {
          field: 'points',
          message: `the reward costs ${reward.points_cost}`,
          reason: 'must_equal',
          params: { expected: Number(reward.points_cost) },
        },
      ]);
  }
  const points = input.points ?? (reward ? Number(reward.points_cost) : undefined);
  if (points === undefined)
    throw new AppError('VALIDATION_FAILED', 'Give points or a rewardId.', [
      { field: 'points', message: 'required without rewardId', reason: 'required' },
    ]);
  // The body as sent: a reward's cost may change before the client retries.
  const requestHash = redemptionHash(
    input.customerId,
    input.points ?? null,
    input.rewardId ?? null,
  );
  const found = reward;
  // A customer merged into another redeems from the survivor's membership (which took its
  // points); the request keeps its own hash, so a retry naming the old id replays.
  const attempt = (customerId: string) =>
    db.transaction().execute(async (trx: LoyaltyServiceDb) => {
      const outcome = await redeemPoints(
        trx,
        program,
        {
          customerId,
          points,
          idempotencyKey: input.idempotencyKey,
          rewardId: input.rewardId ?? null,
          requestHash,
          ...(found
            ? {
                checkReward: async (member: MemberRow, redemptionId: string) => {
                  // The reward as it is now, locked: an edit or a switch-off made since it was
                  // read above is seen, and one made now waits for this redemption.
                  const current = await repo.lockReward(trx, context.tenantId, programId, found.id);
                  if (!current?.active)
                    throw rewardProblem('The reward is not active.', 'inactive');
                  if (Number(current.points_cost) !== points)
                    throw rewardProblem(
                      `The reward now costs ${current.points_cost} points.`,
                      'must_equal',
                      { expected: Number(current.points_cost) },
                    );
                  if (current.valid_from && now < current.valid_from)
                    throw rewardProblem('The reward is not available yet.', 'not_started', {
                      at: current.valid_from.toISOString(),
                    });
                  if (current.valid_to && now >= current.valid_to)
                    throw rewardProblem('The reward is no longer available.', 'ended', {
                      at: current.valid_to.toISOString(),
                    });
                  if (
                    current.tiers &&
                    !(member.tier_code && current.tiers.includes(member.tier_code))
                  ) {
                    const tiers = tierNames(program, current.tiers);
                    throw rewardProblem(`The reward is for tiers ${tiers} only.`, 'tier_required', {
                      tiers,
                    });
                  }
                  if (current.per_member_limit !== null) {
                    // Counted under the member lock; this redemption's own claim is included.
                    const used = await repo.countMemberRedemptions(
                      trx,
                      context.tenantId,
                      programId,
                      customerId,
                      found.id,
                    );
                    if (used > current.per_member_limit)
                      throw rewardProblem(
                        `At most ${current.per_member_limit} per member.`,
                        'per_member_limit',
                        { limit: current.per_member_limit, redeemed: used - 1 },
                      );
                  }
                  if (!(await repo.takeRewardStock(trx, context.tenantId, programId, found.id)))
                    throw rewardProblem('The reward is out of stock.', 'out_of_stock');
                  const pool = await repo.countAvailableCoupons(
                    trx,
                    context.tenantId,
                    programId,
                    found.id,
                  );
                  if (pool.total === 0) return null;
                  const issued = await repo.issueCoupon(
                    trx,
                    context.tenantId,
                    programId,
                    found.id,
                    customerId,
                    redemptionId,
                    now,
                  );
                  // No code to hand out: out of stock for the member, as a stock of 0 would be.
                  if (!issued)
                    throw rewardProblem(
                      'No coupon codes are left for this reward.',
                      'out_of_stock',
                    );
                  return { code: issued.code, expiresAt: issued.expires_at?.toISOString() ?? null };
                },
              }
            : {}),
        },
        now,
      );
      if (!outcome.replayed)
        await recordAudit(
          trx,
          context,
          redemptionAudit(outcome.result, customerId, input.rewardId ?? null),
        );
      return outcome;
    });
  let customerId = input.customerId;
  for (let hops = 0; ; hops++) {
    try {
      return await attempt(customerId);
    } catch (error) {
      if (!(error instanceof MemberMerged) || hops >= 10) throw error;
      customerId = error.survivorId;
    }
  }
}

type RedemptionInput = z.infer<typeof redemptionCreate>;

/**
 * Redemptions of points alone (no reward) through group commit: concurrent requests on one
 * program share a transaction (`redeemPointsBatch`), each succeeding or failing on its own; a
 * lone request is a batch of one (a round trip fewer than the one-at-a-time path), and a second
 * transaction starts beside a running one once 16 wait (as for events, `minBeside`). A batch
 * first runs without reading its keys (they are new but for retries); if one was stored
 * already, or a redemption was refused (it may be a retry owed its first answer), it runs
 * again reading them. Every request of a batch that met a concurrent claim of
 * its key or a merged member takes the one-at-a-time path, and reward redemptions always do
 * (stock, limits and coupons).
 */
export function createRedeemer(db: LoyaltyServiceDb) {
  const single = async (
    context: RequestContext,
    programId: string,
    input: RedemptionInput,
  ): Promise<RedemptionOutcome> => {
    try {
      return { ok: true, ...(await redeem(db, context, programId, input)) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error };
      throw error;
    }
  };
  const submit = createGroupCommit<
    { context: RequestContext; programId: string; input: RedemptionInput },
    RedemptionOutcome
  >(
    async (items) => {
      const [first] = items;
      // The active programs cached for earning spare the batch a round trip (a program changed
      // in another process is seen within 2 s); any other program is read.
      const { tenantId } = first!.context;
      const program =
        (await loadActiveProgramsCached(db, tenantId)).find((p) => p.id === first!.programId) ??
        (await loadProgram(db, tenantId, first!.programId));
      const plain = items.map(({ input }) => ({
        customerId: input.customerId,
        points: input.points!,
        idempotencyKey: input.idempotencyKey,
        requestHash: redemptionHash(input.customerId, input.points!, null),
      }));
      const inOneTransaction = (readKeys: boolean) =>
        db.transaction().execute(async (trx: LoyaltyServiceDb) => {
          const outcomes = await redeemPointsBatch(trx, program, plain, { readKeys });
          await recordAudits(
            trx,
            outcomes.flatMap((outcome, i) =>
              outcome.ok && !outcome.replayed
                ? [
                    {
                      context: items[i]!.context,
                      change: redemptionAudit(outcome.result, items[i]!.input.customerId, null),
                    },
                  ]
                : [],
            ),
          );
          return outcomes;
        });
      try {
        // Keys are new but for retries: first without reading them, then reading them.
        return await inOneTransaction(false).catch(async (error: unknown) => {
          if (error instanceof RedemptionKeysNeeded) return inOneTransaction(true);
          throw error;
        });
      } catch (error) {
        if (!(error instanceof RedemptionRace)) throw error;
        const outcomes: RedemptionOutcome[] = [];
        for (const item of items)
          outcomes.push(await single(item.context, item.programId, item.input));
        return outcomes;
      }
    },
    { maxBatch: 200, maxInFlight: 2, minBeside: 16 },
  );
  return async (
    context: RequestContext,
    programId: string,
    input: RedemptionInput,
  ): Promise<{ result: RedemptionResult; replayed: boolean }> => {
    const outcome =
      input.rewardId || input.points === undefined
        ? await single(context, programId, input)
        : await submit(`${context.tenantId}/${programId}`, { context, programId, input });
    if (!outcome.ok) throw outcome.error;
    return outcome;
  };
}

/** A redemption through the one redeemer of the process (see `createRedeemer`). */
export type Redeem = ReturnType<typeof createRedeemer>;

function redemptionHash(
  customerId: string,
  points: number | null,
  rewardId: string | null,
): string {
  return hashRequest({ customerId, points, rewardId });
}

function redemptionAudit(result: RedemptionResult, customerId: string, rewardId: string | null) {
  return {
    action: 'loyalty.points.redeemed',
    entityType: 'loyalty_redemption',
    entityId: result.id,
    after: { customerId, points: result.points, rewardId },
  };
}

export async function awardActionPoints(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof actionAward>,
  resolveCustomer: ResolveCustomer,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  const customerId = await requireCustomer(
    resolveCustomer,
    context.tenantId,
    input.customerId,
    'customerId',
  );
  const { idempotencyKey, ...request } = input;
  // The key answers its first result only for the same body (another action or customer is a
  // 409); the lot of the key (`action:<key>`) keeps the award once besides.
  const outcome = await runIdempotent(
    db,
    {
      tenantId: context.tenantId,
      scope: 'loyalty.action.award',
      key: `${programId}:${idempotencyKey}`,
      body: { programId, ...request },
    },
    async (trx: LoyaltyServiceDb) => {
      const awarded = await awardAction(trx, program, {
        customerId,
        action: input.action,
        customAction: input.customAction ?? null,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
        idempotencyKey,
      });
      if (!awarded.replayed)
        await recordAudit(trx, context, {
          action: 'loyalty.action.awarded',
          entityType: 'loyalty_member',
          entityId: `${programId}:${customerId}`,
          after: { action: input.action, points: awarded.points },
        });
      return { status: 201, body: awarded };
    },
  );
  return { ...outcome.body, replayed: outcome.replayed || outcome.body.replayed };
}

/**
 * Staff credit points by hand (service recovery, goodwill, correction), once per key; audited
 * with the reason and note.
 */
export async function adjustMemberPoints(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  customerId: string,
  input: z.infer<typeof pointsAdjustment>,
  resolveCustomer: ResolveCustomer,
): Promise<z.infer<typeof pointsAdjusted>> {
  const program = await loadProgram(db, context.tenantId, programId);
  const survivor = await requireCustomer(resolveCustomer, context.tenantId, customerId);
  const { idempotencyKey, ...request } = input;
  // Same key, same body: the first result; another reason, note or customer is a 409 too (the
  // lot of the key checks the customer and points besides).
  const outcome = await runIdempotent(
    db,
    {
      tenantId: context.tenantId,
      scope: 'loyalty.points.adjust',
      key: `${programId}:${idempotencyKey}`,
      body: { programId, customerId, ...request },
    },
    async (trx: LoyaltyServiceDb) => ({
      status: 201,
      body: await adjustMemberPointsIn(trx, context, program, survivor, input),
    }),
  );
  return { ...outcome.body, replayed: outcome.replayed || outcome.body.replayed };
}

async function adjustMemberPointsIn(
  trx: LoyaltyServiceDb,
  context: RequestContext,
  program: Program,
  survivor: string,
  input: z.infer<typeof pointsAdjustment>,
): Promise<z.infer<typeof pointsAdjusted>> {
  const outcome = await adjustPoints(trx, program, {
    customerId: survivor,
    points: input.points,
    reason: input.reason,
    note: input.note ?? null,
    idempotencyKey: input.idempotencyKey,
    actorId: context.actor.id,
    at: new Date(),
  });
  if (!outcome.replayed)
    await recordAudit(trx, context, {
      action: 'loyalty.points.adjusted',
      entityType: 'loyalty_member',
      entityId: `${program.id}:${survivor}`,
      after: { points: outcome.points, reason: input.reason, note: input.note ?? null },
    });
  const member = await repo.findMember(trx, context.tenantId, program.id, survivor);
  return {
    ...outcome,
    balance: { available: Number(member?.available ?? 0), pending: Number(member?.pending ?? 0) },
  };
}

/** Outstanding points, their cost, and the breakage to expect from history. */
export async function programLiability(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
): Promise<z.infer<typeof liability>> {
  const now = new Date();
  const program = await loadProgram(db, context.tenantId, programId);
  const counts = await repo.memberCounts(db, context.tenantId, programId);
  const totals = await repo.programTotals(db, context.tenantId, programId);
  const outstanding = Number(counts.available) + Number(counts.pending);
  const redeemed = Number(totals.redeemed);
  const expired = Number(totals.expired);
  const settled = redeemed + expired;
  const breakageRate = settled > 0 ? expired / settled : 0;
  const expectedBreakage = Math.round(Math.max(0, outstanding) * breakageRate);
  return {
    programId,
    asOf: now.toISOString(),
    members: Number(counts.members),
    outstandingPoints: outstanding,
    pendingPoints: Number(counts.pending),
    issuedPoints: Number(totals.issued) - Number(totals.reversed),
    redeemedPoints: redeemed,
    expiredPoints: expired,
    breakageRate,
    expectedBreakagePoints: expectedBreakage,
    liabilityMinor: Math.round(
      Math.max(0, outstanding - expectedBreakage) * program.pointValueMinor,
    ),
    currency: program.currency,
    expiringSoon: await repo.expiringTotals(db, context.tenantId, programId, now, [30, 60, 90]),
  };
}

export async function programStats(db: LoyaltyDb, context: RequestContext, programId: string) {
  const program = await loadProgram(db, context.tenantId, programId);
  const since = new Date(Date.now() - 730 * 86_400_000);
  const months = await repo.monthlyMovements(
    db,
    context.tenantId,
    programId,
    program.timeZone,
    since,
  );
  return {
    programId,
    months: months.map((month) => ({
      month: month.month,
      issued: Number(month.issued),
      redeemed: Number(month.redeemed),
      expired: Number(month.expired),
      reversed: Number(month.reversed),
    })),
    tiers: (await repo.tierDistribution(db, context.tenantId, programId)).map((row) => ({
      code: row.tier_code,
      members: Number(row.members),
    })),
    topRewards: (await repo.topRewards(db, context.tenantId, programId)).map((row) => ({
      rewardId: row.id,
      name: row.name,
      redemptions: Number(row.redemptions),
      points: Number(row.points),
    })),
  };
}

/**
 * Proves cached balances equal the sum of the entries: lists the members that differ, then
 * rebuilds every member's cache from the ledger; counts ledger rows without a member.
 */
export async function checkAndRebuildBalances(
  db: LoyaltyServiceDb,
  tenantId: string,
  programId: string,
) {
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    await loadProgram(trx, tenantId, programId);
    const mismatches = await repo.findBalanceMismatches(trx, tenantId, programId);
    await repo.rebuildBalances(trx, tenantId, programId);
    const sums = await repo.accountsSum(trx, tenantId, programId);
    const counts = await repo.memberCounts(trx, tenantId, programId);
    const orphans = await repo.countOrphans(trx, tenantId, programId);
    return {
      programId,
      members: Number(counts.members),
      mismatches: mismatches.map((row) => ({
        customerId: row.customer_id,
        cached: { available: Number(row.cached_available), pending: Number(row.cached_pending) },
        ledger: { available: Number(row.ledger_available), pending: Number(row.ledger_pending) },
      })),
      accountsSum: sums.reduce((acc, row) => acc + Number(row.balance), 0),
      orphans,
    };
  });
}

export const loyaltyJobs = {
  'loyalty.rehome-merged': rehomeStrandedMembers,
  'loyalty.release-pending': releasePending,
  'loyalty.expire-points': expirePoints,
  'loyalty.expiry-warnings': warnExpiringPoints,
  'loyalty.tier-review': reviewTiers,
} as const;
export type LoyaltyJobKind = keyof typeof loyaltyJobs | 'loyalty.rebuild-balances';

/**
 * Runs one loyalty job over a tenant's active programs (or one program) in chunks, each its
 * own transaction, reporting progress; returns what it did per program.
 */
export async function runLoyaltyJob(
  db: LoyaltyServiceDb,
  tenantId: string,
  kind: LoyaltyJobKind,
  options: {
    programId?: string | undefined;
    asOf?: Date | undefined;
    progress?: (done: number, message: string) => Promise<void>;
    /** With it, the expiry warnings also make their notifications (the outbox). */
    chooseChannels?: ChooseChannels | undefined;
  } = {},
): Promise<Record<string, number>> {
  const asOf = options.asOf ?? new Date();
  const programs = options.programId
    ? [await loadProgram(db, tenantId, options.programId)]
    : await loadActivePrograms(db, tenantId);
  const done: Record<string, number> = {};
  for (const program of programs) {
    if (kind === 'loyalty.rebuild-balances') {
      const check = await checkAndRebuildBalances(db, tenantId, program.id);
      done[program.id] = check.mismatches.length;
      continue;
    }
    const work =
      kind === 'loyalty.expiry-warnings' && options.chooseChannels
        ? warnAndNotify(options.chooseChannels)
        : loyaltyJobs[kind];
    let total = 0;
    let retries = 0;
    for (;;) {
      let count: number;
      try {
        count = await db.transaction().execute((trx: LoyaltyServiceDb) => work(trx, program, asOf));
      } catch (error) {
        // A deadlock with a concurrent writer aborts only this chunk: run it again.
        if ((error as { code?: string }).code === '40P01' && retries < 5) {
          retries += 1;
          continue;
        }
        throw error;
      }
      total += count;
      await options.progress?.(total, `${kind} ${program.name}: ${total}`);
      // Warnings are one statement; the others work through due rows in chunks.
      if (count === 0 || kind === 'loyalty.expiry-warnings') break;
    }
    done[program.id] = total;
  }
  return done;
}

// Signed member links -------------------------------------------------------------------------

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** A link a member can open without logging in: HMAC-signed (program, customer, expiry). */
export async function createMemberLink(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  customerId: string,
  days: number,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  await requireMember(db, program, customerId);
  const expiresAt = new Date(Date.now() + days * 86_400_000);
  const payload = Buffer.from(
    JSON.stringify({ t: context.tenantId, p: programId, c: customerId, e: expiresAt.getTime() }),
  ).toString('base64url');
  const token = `${payload}.${sign(program.memberPageSecret, payload)}`;
  // The route makes the address absolute: it knows where members reach the server.
  return { token, path: `/member?token=${token}`, expiresAt: expiresAt.toISOString() };
}

/** The program and member a signed member link names, if it is intact and unexpired. */
async function openMemberLink(db: LoyaltyDb, token: string, now: Date) {
  const invalid = () =>
    new AppError('UNAUTHENTICATED', 'The member link is invalid or has expired.');
  const [payload, signature] = token.split('.');
  if (!payload || !signature) throw invalid();
  let claims: { t: string; p: string; c: string; e: number };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw invalid();
  }
  if (typeof claims.e !== 'number' || claims.e < now.getTime()) throw invalid();
  if (![claims.t, claims.p, claims.c].every((value) => /^[0-9a-f-]{36}$/.test(String(value))))
    throw invalid();
  const row = await repo.findProgram(db, claims.t, claims.p);
  if (!row) throw invalid();
  const expected = Buffer.from(sign(row.member_page_secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  const program = await loadProgram(db, claims.t, claims.p);
  const member = await repo.findMember(db, claims.t, claims.p, claims.c);
  if (!member) throw invalid();
  return { program, member, expiresAt: new Date(claims.e) };
}

export async function publicMemberPage(
  db: LoyaltyDb,
  token: string,
  historyLimit = memberPageHistory,
  now = new Date(),
) {
  const { program, member, expiresAt } = await openMemberLink(db, token, now);
  const { tenantId, id: programId } = program;
  const customerId = member.customer_id;
  const view = await memberView(db, program, member, now);
  const offered = (await repo.listRewards(db, tenantId, programId)).filter(
    (candidate) =>
      candidate.active &&
      (!candidate.valid_to || candidate.valid_to > now) &&
      (!candidate.tiers ||
        (member.tier_code !== null && candidate.tiers.includes(member.tier_code))),
  );
  const rewards = await Promise.all(
    offered.map(async (row) => ({
      ...rewardView(row),
      leftForMember: await leftForMember(db, tenantId, customerId, row),
    })),
  );
  const history = await memberHistoryPage(db, program, customerId, { limit: historyLimit });
  const coupons = await repo.listMemberCoupons(
    db,
    tenantId,
    programId,
    customerId,
    memberPageCoupons + 1,
  );
  // A member's own tier story: upgrades, downgrades, grace periods and the reviews that kept
  // the tier (the member wants to know it was kept) — not a merge's bookkeeping, which names
  // customer ids.
  const tierChanges = (await repo.listTierChanges(db, tenantId, programId, customerId))
    .filter((change) => change.kind !== 'merge')
    .slice(0, memberPageTierChanges)
    .map(tierChangeView);
  return {
    programName: program.name,
    currency: program.currency,
    timeZone: program.timeZone,
    available: view.available,
    pending: view.pending,
    debt: view.debt,
    lifetimeEarned: view.lifetimeEarned,
    linkExpiresAt: expiresAt.toISOString(),
    tier: view.tier,
    tiers: (program.tiers ? sortedLevels(program.tiers) : []).map(({ code, name, threshold }) => ({
      code,
      name,
      threshold,
    })),
    tierChanges,
    progress: view.progress,
    nextExpiry: view.nextExpiry,
    expiryNotices: await expiryNotices(db, program, customerId, now),
    rewards,
    history: history.items,
    historyNextCursor: history.nextCursor,
    coupons: coupons.slice(0, memberPageCoupons).map((row) => memberCouponView(row, now)),
    moreCoupons: coupons.length > memberPageCoupons,
    // A wallet left over after cashback was switched off is still the member's money.
    wallet: program.cashback || view.wallet !== 0 ? view.wallet : null,
  };
}

/** `GET /v1/public/loyalty/member/history`: the member's entries after `cursor`, newest first. */
export async function publicMemberHistory(
  db: LoyaltyDb,
  query: { token: string; cursor?: string | undefined; limit: number },
  now = new Date(),
) {
  const { program, member } = await openMemberLink(db, query.token, now);
  return memberHistoryPage(db, program, member.customer_id, query);
}

/** A page of a member's history as the member may read it, and the cursor of the next. */
async function memberHistoryPage(
  db: LoyaltyDb,
  program: Program,
  customerId: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const page = await memberHistoryItems(db, program, customerId, query);
  return { ...page, items: page.items.map(forTheMember) };
}

/**
 * An entry as its member may read it: a credit by hand keeps its reason but not the staff's
 * note or who gave it (internal words, and a user id); points merged in from a duplicate record
 * do not name that record's customer id.
 */
function forTheMember(entry: LoyaltyHistoryEntry): LoyaltyHistoryEntry {
  if (entry.explanation.why === 'adjustment') {
    const { note: _note, by: _by, ...explanation } = entry.explanation;
    return { ...entry, explanation };
  }
  if (entry.explanation.why === 'merge') {
    const { fromCustomerId: _from, reason: _reason, ...explanation } = entry.explanation;
    return { ...entry, explanation };
  }
  return entry;
}

/** How far ahead of the server's clock a reported time may lie: tills' and partners' clocks drift. */
const CLOCK_SKEW_MINUTES = 15;

/** How many of a member's coupons their page lists (the newest). */
const memberPageCoupons = 50;
/** How many entries a member's page lists (the newest) unless it asks for another number. */
const memberPageHistory = 50;
/** How many tier changes a member's page lists (the newest). */
const memberPageTierChanges = 20;

/** A member's own coupon: usable until used or past its expiry (as `useCoupon` decides). */
function memberCouponView(
  row: Awaited<ReturnType<typeof repo.listMemberCoupons>>[number],
  now: Date,
): z.infer<typeof memberCoupon> {
  return {
    code: row.code,
    rewardName: row.name,
    status:
      row.status === 'used'
        ? 'used'
        : row.expires_at !== null && row.expires_at <= now
          ? 'expired'
          : 'usable',
    issuedAt: row.issued_at.toISOString(),
    usedAt: row.used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
  };
}

/**
 * `POST /v1/public/loyalty/member/redemptions`: the member behind a signed link redeems a
 * reward for themself. The link names the tenant, program and customer; the redemption is the
 * staff API's (`redeem` from `createRedeemer`: stock, limits, tiers, coupons, idempotency), in
 * the customer's name in the audit log.
 */
export async function redeemFromMemberPage(
  db: LoyaltyDb,
  redeem: Redeem,
  input: z.infer<typeof publicRedemptionCreate>,
  requestId: string | null,
  now = new Date(),
): Promise<{ result: z.infer<typeof publicRedemption>; replayed: boolean }> {
  const { program, member } = await openMemberLink(db, input.token, now);
  const { result, replayed } = await redeem(
    customerContext(program.tenantId, member.customer_id, requestId),
    program.id,
    {
      customerId: member.customer_id,
      rewardId: input.rewardId,
      idempotencyKey: input.idempotencyKey,
    },
  );
  const { id, rewardId, points, createdAt, balance, coupon } = result;
  return {
    result: { id, rewardId: rewardId ?? input.rewardId, points, createdAt, balance, coupon },
    replayed,
  };
}

// Referrals ---------------------------------------------------------------------------------

function requireScheme(program: Program) {
  if (!program.referral)
    throw new AppError('CONFLICT', 'The program has no referral scheme.', [
      {
        field: 'referral',
        message: 'set the program’s referral scheme first',
        reason: 'not_configured',
      },
    ]);
  return program.referral;
}

/** The member's referral code (made on first request; always the same afterwards). */
export async function referralCodeFor(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  requestedId: string,
  resolveCustomer: ResolveCustomer,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  requireScheme(program);
  const customerId = await requireCustomer(resolveCustomer, context.tenantId, requestedId);
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    await repo.ensureMembers(trx, context.tenantId, programId, [
      { customerId, enrolledAt: new Date() },
    ]);
    let row = await repo.findReferralCodeOf(trx, context.tenantId, programId, customerId);
    if (!row) {
      await repo.insertReferralCode(trx, {
        tenant_id: context.tenantId,
        program_id: programId,
        code: randomCode(8),
        customer_id: customerId,
      });
      row = await repo.findReferralCodeOf(trx, context.tenantId, programId, customerId);
      await recordAudit(trx, context, {
        action: 'loyalty.referral_code.created',
        entityType: 'loyalty_member',
        entityId: `${programId}:${customerId}`,
      });
    }
    if (!row) throw new Error('referral code vanished after insert');
    return { code: row.code, customerId };
  });
}

function referralView(row: {
  referrer_id: string;
  referee_id: string;
  code: string;
  status: string;
  qualifying_event_id: string | null;
  created_at: Date;
}): z.infer<typeof referral> {
  return {
    referrerId: row.referrer_id,
    refereeId: row.referee_id,
    code: row.code,
    status: row.status === 'rewarded' ? 'rewarded' : 'pending',
    qualifyingEventId: row.qualifying_event_id,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * A new customer signs up with a referrer's code. Both sides earn when the referee's first
 * qualifying purchase arrives (and lose it again if that purchase is fully refunded).
 * Self-referral and referring an existing customer are refused: one who has bought before,
 * even before the program existed or without earning (the timeline, not the lots, tells).
 */
export async function createReferral(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof referralCreate>,
  resolveCustomer: ResolveCustomer,
  shareContact: ShareContact,
  hasPurchased: HasPurchased,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  requireScheme(program);
  const customerId = await requireCustomer(
    resolveCustomer,
    context.tenantId,
    input.customerId,
    'customerId',
  );
  const code = await repo.findReferralCode(db, context.tenantId, programId, input.code);
  if (!code)
    throw new AppError('VALIDATION_FAILED', 'Unknown referral code.', [
      { field: 'code', message: 'no member has this code', reason: 'not_found' },
    ]);
  // A code of a customer merged away refers for the survivor.
  const referrerId = await merges.survivingMember(
    db,
    context.tenantId,
    programId,
    code.customer_id,
  );
  // The same person under a second record (the same email or phone) is a self-referral too.
  if (referrerId === customerId || (await shareContact(context.tenantId, referrerId, customerId)))
    throw new AppError('VALIDATION_FAILED', 'Members cannot refer themselves.', [
      { field: 'customerId', message: 'self-referral is not allowed', reason: 'self_not_allowed' },
    ]);
  // Every purchase lot comes from a recorded purchase of the customer or of one merged into it,
  // so the timeline answers for the lots too.
  if (await hasPurchased(context.tenantId, customerId))
    throw new AppError('VALIDATION_FAILED', 'Referrals are for new customers.', [
      { field: 'customerId', message: 'has bought before' },
    ]);
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    await repo.ensureMembers(trx, context.tenantId, programId, [
      { customerId, enrolledAt: new Date() },
    ]);
    const inserted = await repo.insertReferral(trx, {
      tenant_id: context.tenantId,
      program_id: programId,
      referee_id: customerId,
      referrer_id: referrerId,
      code: code.code,
    });
    const row = await repo.findReferral(trx, context.tenantId, programId, customerId);
    if (!row) throw new Error('referral vanished after insert');
    if (!inserted && row.referrer_id !== referrerId)
      throw new AppError('CONFLICT', 'The customer was already referred by someone else.', [
        { field: 'customerId', message: 'already referred', reason: 'already_used' },
      ]);
    if (inserted)
      await recordAudit(trx, context, {
        action: 'loyalty.referral.created',
        entityType: 'loyalty_referral',
        entityId: `${programId}:${customerId}`,
        after: { referrerId, code: code.code },
      });
    return referralView(row);
  });
}

// Coupons -----------------------------------------------------------------------------------

type CouponsAdded = z.infer<typeof couponsAdded>;

/**
 * Adds codes to a reward's coupon pool, the caller's (`codes`) or new ones the server makes
 * (`generate`); redeeming the reward then hands out one code each. With an idempotencyKey a
 * retry answers the first result: generating twice would otherwise make a second set.
 */
export async function addCoupons(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  rewardId: string,
  input: z.infer<typeof couponUpload>,
): Promise<{ result: CouponsAdded; replayed: boolean }> {
  await loadProgram(db, context.tenantId, programId);
  if (!(await repo.findReward(db, context.tenantId, programId, rewardId)))
    throw new AppError('NOT_FOUND', `No reward ${rewardId} in this program.`);
  const { idempotencyKey, ...request } = input;
  const work = (trx: LoyaltyServiceDb) => addCouponsIn(trx, context, programId, rewardId, request);
  if (idempotencyKey === undefined)
    return { result: await db.transaction().execute(work), replayed: false };
  const outcome = await runIdempotent(
    db,
    {
      tenantId: context.tenantId,
      scope: 'loyalty.coupons.add',
      key: idempotencyKey,
      body: { programId, rewardId, ...request },
    },
    async (trx) => ({ status: 201, body: await work(trx) }),
  );
  return { result: outcome.body, replayed: outcome.replayed };
}

async function addCouponsIn(
  trx: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  rewardId: string,
  input: Omit<z.infer<typeof couponUpload>, 'idempotencyKey'>,
): Promise<CouponsAdded> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  const insert = (codes: readonly string[]) =>
    repo.insertCoupons(trx, context.tenantId, programId, rewardId, codes, expiresAt);
  let result: CouponsAdded;
  if (input.generate) {
    const { count, prefix = '', length } = input.generate;
    // Codes are unique per program: a drawn code the program already has is skipped (insert
    // … on conflict do nothing) and another drawn in its place.
    const added: string[] = [];
    const tried = new Set<string>();
    for (let round = 0; added.length < count; round++) {
      if (round === 10)
        throw new AppError('CONFLICT', 'Could not draw enough new codes: use more characters.', [
          {
            field: 'generate.length',
            message: `too few new codes of ${length} characters are left`,
            reason: 'exhausted',
            params: { length },
          },
        ]);
      const drawn = newCouponCodes(count - added.length, prefix, length, tried);
      for (const code of drawn) tried.add(code);
      added.push(...(await insert(drawn)));
    }
    result = { added: added.length, duplicates: 0, available: 0, codes: added };
  } else {
    // The business's own codes in upper case, as generated ones are: a code differing only by
    // case from one given beside it or one the program has is a duplicate.
    const given = input.codes ?? [];
    const added = (await insert([...new Set(given.map(normalCouponCode))])).length;
    result = { added, duplicates: given.length - added, available: 0 };
  }
  await recordAudit(trx, context, {
    action: 'loyalty.coupons.added',
    entityType: 'loyalty_reward',
    entityId: rewardId,
    after: { added: result.added, generated: input.generate !== undefined },
  });
  const pool = await repo.countAvailableCoupons(trx, context.tenantId, programId, rewardId);
  return { ...result, available: pool.available };
}

function couponView(
  row: NonNullable<Awaited<ReturnType<typeof repo.findCoupon>>>,
): z.infer<typeof coupon> {
  return {
    code: row.code,
    rewardId: row.reward_id,
    status: row.status as 'available' | 'issued' | 'used',
    customerId: row.customer_id,
    issuedAt: row.issued_at?.toISOString() ?? null,
    usedAt: row.used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
  };
}

/** A reward's coupon pool: codes in code order (filtered, keyset-paged) and counts by status. */
export async function listCoupons(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  rewardId: string,
  query: z.infer<typeof couponListQuery>,
  now = new Date(),
) {
  await loadProgram(db, context.tenantId, programId);
  if (!(await repo.findReward(db, context.tenantId, programId, rewardId)))
    throw new AppError('NOT_FOUND', `No reward ${rewardId} in this program.`);
  const after = query.cursor ? decodeCursor(query.cursor, { code: 'text' }).code : undefined;
  const rows = await repo.listCoupons(db, context.tenantId, programId, rewardId, {
    status: query.status,
    prefix: query.q,
    ...(after !== undefined ? { after } : {}),
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit).map(couponView);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ code: last.code }) : null,
    counts: await repo.countCouponsByStatus(db, context.tenantId, programId, rewardId, now),
  };
}

/**
 * Marks an issued coupon used, once; a second use or an expired code is a 409. The code is
 * found whatever its case and surrounding spaces (a cashier types it).
 */
export async function redeemCoupon(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  code: string,
  now = new Date(),
) {
  await loadProgram(db, context.tenantId, programId);
  const given = code.trim();
  return inTransaction(db, async (trx: LoyaltyServiceDb) => {
    const found = await repo.findCoupon(trx, context.tenantId, programId, given);
    if (!found) throw new AppError('NOT_FOUND', `No coupon ${given}.`);
    if (!(await repo.useCoupon(trx, context.tenantId, programId, found.code, now))) {
      const problem: FieldError =
        found.status === 'used'
          ? { field: 'code', message: 'already used', reason: 'already_used' }
          : found.status === 'available'
            ? { field: 'code', message: 'not issued to anyone', reason: 'not_issued' }
            : { field: 'code', message: 'expired', reason: 'expired' };
      throw new AppError('CONFLICT', `The coupon cannot be used: ${problem.message}.`, [problem]);
    }
    await recordAudit(trx, context, {
      action: 'loyalty.coupon.used',
      entityType: 'loyalty_coupon',
      entityId: found.code,
    });
    const after = await repo.findCoupon(trx, context.tenantId, programId, found.code);
    if (!after) throw new Error('coupon vanished');
    return couponView(after);
  });
}

// Partners ----------------------------------------------------------------------------------

/** A partner organisation, with an API key of its own (shown once). */
export async function createPartner(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof partnerCreate>,
) {
  await loadProgram(db, context.tenantId, programId);
  const id = newId();
  const row = await db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    await repo.insertPartner(trx, {
      tenant_id: context.tenantId,
      program_id: programId,
      id,
      name: input.name,
    });
    await recordAudit(trx, context, {
      action: 'loyalty.partner.created',
      entityType: 'loyalty_partner',
      entityId: id,
      after: input,
    });
    return repo.findPartner(trx, context.tenantId, programId, id);
  });
  if (!row) throw new Error('partner vanished after insert');
  // Its own transaction (the platform's); a failure here leaves a partner without a key,
  // which the next call can fix.
  const key = await createApiKey(db, context, {
    name: `Partner ${input.name}`,
    role: 'agent',
    partnerId: id,
  });
  return {
    id,
    programId,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    apiKey: key.key,
  };
}

export async function listPartners(db: LoyaltyDb, context: RequestContext, programId: string) {
  await loadProgram(db, context.tenantId, programId);
  return {
    items: (await repo.listPartners(db, context.tenantId, programId)).map((row) => ({
      id: row.id,
      programId,
      name: row.name,
      createdAt: row.created_at.toISOString(),
    })),
  };
}

/**
 * A partner earns (issues) or burns (takes in payment) the tenant's points, with its own API
 * key; once per partner reference. Burns never overdraw, like redemptions.
 */
export async function recordPartnerTransaction(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof partnerTransaction>,
  resolveCustomer: ResolveCustomer,
) {
  const partnerId = context.actor.partnerId;
  if (!partnerId)
    throw new AppError('FORBIDDEN', 'Only a partner’s API key may record partner transactions.');
  // The partner first: another program is refused alike whether it exists or not.
  if (!(await repo.findPartner(db, context.tenantId, programId, partnerId)))
    throw new AppError('FORBIDDEN', 'This partner does not belong to the program.');
  const program = await loadProgram(db, context.tenantId, programId);
  const customerId = await requireCustomer(
    resolveCustomer,
    context.tenantId,
    input.customerId,
    'customerId',
  );
  // Points move when the partner reports them: a backdated earning would change balances and
  // settlements already read, a post-dated one balances not yet reached. The partner's own date
  // is kept with the entry; it may not lie ahead of the clock (beyond a few minutes' skew).
  const at = new Date();
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : null;
  if (occurredAt && occurredAt.getTime() > at.getTime() + CLOCK_SKEW_MINUTES * 60_000)
    throw new AppError('VALIDATION_FAILED', 'occurredAt lies in the future.', [
      {
        field: 'occurredAt',
        message: `must not be later than ${CLOCK_SKEW_MINUTES} minutes from now`,
        reason: 'in_future',
        params: { toleranceMinutes: CLOCK_SKEW_MINUTES },
      },
    ]);
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    if (input.type === 'earn') {
      const outcome = await partnerEarn(trx, program, {
        partnerId,
        customerId,
        points: input.points,
        reference: input.reference,
        at,
        occurredAt,
      });
      return { type: input.type, points: outcome.points, replayed: outcome.replayed };
    }
    const outcome = await redeemPoints(trx, program, {
      customerId,
      points: input.points,
      idempotencyKey: `partner:${partnerId}:${input.reference}`,
      rewardId: null,
      requestHash: hashRequest({ customerId: input.customerId, points: input.points, partnerId }),
      partnerId,
    });
    return { type: input.type, points: outcome.result.points, replayed: outcome.replayed };
  });
}

/** What the partner owes the tenant and the tenant owes the partner, between two instants. */
export async function partnerSettlement(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  partnerId: string,
  range: { from?: string | undefined; to?: string | undefined },
) {
  // A partner's key reads its own settlement only; another's, or one in another program, is as
  // if it did not exist: decided before the program is loaded, whose existence would show.
  const partnerKey = context.actor.partnerId !== null;
  const partnerFound = () => repo.findPartner(db, context.tenantId, programId, partnerId);
  const noPartner = new AppError('NOT_FOUND', `No partner ${partnerId} in this program.`);
  if (partnerKey && (context.actor.partnerId !== partnerId || !(await partnerFound())))
    throw noPartner;
  const program = await loadProgram(db, context.tenantId, programId);
  if (!partnerKey && !(await partnerFound())) throw noPartner;
  const from = range.from ? new Date(range.from) : null;
  const to = range.to ? new Date(range.to) : null;
  const totals = await repo.partnerTotals(db, context.tenantId, programId, partnerId, from, to);
  const earned = Number(totals.earned);
  const burned = Number(totals.burned);
  return {
    partnerId,
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    earnedPoints: earned,
    burnedPoints: burned,
    netPoints: burned - earned,
    netMinor: Math.round((burned - earned) * program.pointValueMinor),
    currency: program.currency,
    transactions: Number(totals.transactions),
  };
}

// Wallet ------------------------------------------------------------------------------------

export async function spendFromWallet(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  customerId: string,
  input: z.infer<typeof walletSpend>,
) {
  const program = await loadProgram(db, context.tenantId, programId);
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    const outcome = await spendWallet(trx, program, {
      customerId,
      amount: input.amount,
      idempotencyKey: input.idempotencyKey,
      requestHash: hashRequest({ customerId, amount: input.amount }),
    });
    if (!outcome.replayed)
      await recordAudit(trx, context, {
        action: 'loyalty.wallet.spent',
        entityType: 'loyalty_member',
        entityId: `${programId}:${customerId}`,
        after: { amount: input.amount },
      });
    return { ...outcome, currency: program.currency };
  });
}

/** The wallet's entries, newest first, and the balance from the entries and from the cache. */
export async function walletOf(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  customerId: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const program = await loadProgram(db, context.tenantId, programId);
  const member = await requireMember(db, program, customerId);
  const after = query.cursor
    ? decodeCursor(query.cursor, { at: 'instant', id: 'uuid' })
    : undefined;
  const rows = await repo.listWalletEntries(db, context.tenantId, programId, customerId, {
    limit: query.limit + 1,
    after,
  });
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    currency: program.currency,
    balance: Number(member.wallet_balance),
    ledgerBalance: await repo.walletFromEntries(db, context.tenantId, programId, customerId),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ at: last.at.toISOString(), id: last.id })
        : null,
    items: items.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      kind: row.kind as 'cashback' | 'reverse' | 'spend' | 'merge',
      debit: row.debit_account,
      credit: row.credit_account,
      amount: Number(row.amount),
      eventId: row.event_id,
      explanation: row.explanation,
    })),
  };
}
