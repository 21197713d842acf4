// Writing the ledger: events earn and reverse, redemptions spend, jobs release and expire.
// Every use case locks the members' balance rows (SELECT … FOR UPDATE, in customer order),
// asks the pure core (ledger.ts, earning-rules.ts, tiers.ts) for a plan, and writes entries,
// lots and cached balances in the caller's transaction, set-based: a batch of events costs a
// fixed number of statements, not one per event.
import { newId } from '../../db/ids.ts';
import type { z } from 'zod';
import type { loyaltyEntry, TierChangeWhy } from '@fidelis/contracts';

type LoyaltyEntry = z.infer<typeof loyaltyEntry>;
import { AppError } from '../../http/app-error.ts';
import * as repo from './loyalty.repository.ts';
import type { LoyaltyDb, LotRow, MemberRow, LotInsert, EntryInsert } from './loyalty.repository.ts';
import { NIL_UUID } from './loyalty.repository.ts';
import type { LotLine } from './loyalty.table.ts';
import {
  planEarn,
  planExpiry,
  planRedemption,
  planRelease,
  planReversal,
  pointsToReverse,
  linePointsToReverse,
  capUsageRestored,
  type Lot,
  type MemberLedger,
  type Plan,
} from './ledger.ts';
import { capKeys, evaluateEarning, type EarnEvent, type EarnResult } from './earning-rules.ts';
import {
  levelOf,
  noTier,
  progressOf,
  sortedLevels,
  tierAfterActivity,
  tierAtReview,
  reviewedWindowOf,
  windowOf,
  type TierChange,
  type TierState,
} from './tiers.ts';
import { addDays, addMonths, localDate, periodStart } from './time-zone.ts';
import type { Program } from './programs.service.ts';

/** A newly recorded purchase or refund, as the events flow hands it to loyalty. */
export interface LoyaltyEventInput {
  id: string;
  type: 'purchase' | 'refund';
  customerId: string;
  occurredAt: Date;
  currency: string;
  /** Minor units; a refund's amount is what it gives back (its sign is ignored). */
  amount: number;
  lines: {
    lineNo: number;
    sku: string | null;
    category: string | null;
    quantity: number;
    amount: number;
  }[];
  /** For a refund: the purchase it refunds. */
  refundOf: string | null;
  /** For a refund: which purchase lines, and how much of each (minor units); null = pro rata. */
  refundedLines: { lineNo: number; amount: number; quantity: number }[] | null;
  /** The customer's tags when the event arrived: what segment multipliers match. */
  segments?: readonly string[];
}

interface QualifyingRecord {
  lotId: string;
  earnedAt: number;
  points: number;
  spend: number;
  source: string;
}

interface WorkingLot extends Lot {
  row: Pick<LotRow, 'event_id' | 'spend' | 'source' | 'cashback'>;
  refundedSpend: number;
  reversedPoints: number;
  lines: LotLine[];
  ruleUsage: { ruleId: string; key: string; points: number }[];
  dirty: boolean;
  linesDirty: boolean;
}

interface WorkingMember {
  customerId: string;
  enrolledAt: Date;
  ledger: MemberLedger;
  lots: Map<string, WorkingLot>;
  earned: number;
  redeemed: number;
  expired: number;
  tier: TierState;
  lastActivityAt: Date | null;
  qualifying: QualifyingRecord[];
  changed: boolean;
  /** The balance row as locked. */
  row: MemberRow;
  /** Cashback wallet: balance when locked, and what this unit of work adds. */
  wallet: number;
  walletDelta: number;
}

/** What one unit of work appends, flushed in a few statements. */
class Batch {
  readonly entries: EntryInsert[] = [];
  readonly newLots: LotInsert[] = [];
  readonly refunds: Parameters<typeof repo.insertRefunds>[1][number][] = [];
  readonly usage = new Map<
    string,
    { ruleId: string; customerId: string; key: string; points: number }
  >();
  readonly tierChanges: Parameters<typeof repo.insertTierChanges>[1][number][] = [];
  readonly walletEntries: repo.WalletEntryInsert[] = [];
  readonly referralChanges: {
    refereeId: string;
    status: 'pending' | 'rewarded';
    eventId: string | null;
  }[] = [];
  constructor(
    readonly tenantId: string,
    readonly programId: string,
  ) {}

  addUsage(ruleId: string, customerId: string, key: string, points: number) {
    const id = `${ruleId}|${customerId}|${key}`;
    const found = this.usage.get(id);
    if (found) found.points += points;
    else this.usage.set(id, { ruleId, customerId, key, points });
  }
}

function lotOf(row: LotRow): WorkingLot {
  return {
    id: row.id,
    points: Number(row.points),
    remaining: Number(row.remaining),
    status:
      row.status === 'pending' ? 'pending' : row.status === 'available' ? 'available' : 'closed',
    expiresAt: row.expires_at ? row.expires_at.getTime() : null,
    earnedAt: row.earned_at.getTime(),
    row: {
      event_id: row.event_id,
      spend: Number(row.spend),
      source: row.source,
      cashback: Number(row.cashback),
    },
    refundedSpend: Number(row.refunded_spend),
    reversedPoints: Number(row.reversed_points),
    lines: row.lines,
    ruleUsage: row.rule_usage,
    dirty: false,
    linesDirty: false,
  };
}

function memberOf(row: MemberRow, lots: LotRow[]): WorkingMember {
  const working = new Map(lots.map((lot) => [lot.id, lotOf(lot)]));
  return {
    customerId: row.customer_id,
    enrolledAt: row.enrolled_at,
    ledger: {
      available: Number(row.available),
      pending: Number(row.pending),
      debt: Number(row.debt),
      lots: [...working.values()],
    },
    lots: working,
    earned: 0,
    redeemed: 0,
    expired: 0,
    tier: {
      code: row.tier_code,
      since: row.tier_since,
      reviewAt: row.tier_review_at,
      graceUntil: row.tier_grace_until,
      baseCode: row.tier_base_code,
    },
    lastActivityAt: row.last_activity_at,
    qualifying: [],
    changed: false,
    row,
    wallet: Number(row.wallet_balance),
    walletDelta: 0,
  };
}

type EntryKind =
  'earn' | 'release' | 'redeem' | 'expire' | 'reverse' | 'adjust' | 'partner_earn' | 'partner_burn';

/** Applies a plan to a working member and appends its transfers as entries. */
function commitPlan(
  batch: Batch,
  member: WorkingMember,
  plan: Plan,
  entry: {
    kind: EntryKind;
    at: Date;
    eventId: string | null;
    redemptionId?: string | null;
    partnerId?: string | null;
    explanation: Record<string, unknown>;
  },
): void {
  for (const transfer of plan.transfers) {
    batch.entries.push({
      tenant_id: batch.tenantId,
      program_id: batch.programId,
      id: newId(),
      customer_id: member.customerId,
      at: entry.at,
      kind: entry.kind,
      debit_account: transfer.debit,
      credit_account: transfer.credit,
      points: transfer.points,
      lot_id: transfer.lotId,
      event_id: entry.eventId,
      redemption_id: entry.redemptionId ?? null,
      partner_id: entry.partnerId ?? null,
      explanation: entry.explanation,
    });
  }
  for (const change of plan.lots) {
    const lot = member.lots.get(change.id);
    if (!lot) continue;
    lot.remaining = change.remaining;
    lot.status = change.status;
    lot.dirty = true;
  }
  member.ledger = {
    available: plan.available,
    pending: plan.pending,
    debt: plan.debt,
    lots: [...member.lots.values()],
  };
  member.changed = true;
}

function expiryOf(program: Program, earnedAt: Date): Date | null {
  const policy = program.expiry;
  if (policy.kind === 'rolling') return addMonths(earnedAt, policy.months);
  if (policy.kind === 'endOfPeriod')
    return periodStart(earnedAt, policy.period, program.timeZone, 1 + policy.extraPeriods);
  return null;
}

function metricValue(program: Program, member: WorkingMember, start: Date, end: Date): number {
  const config = program.tiers;
  if (!config) return 0;
  // Points credited by hand are the member's but not their activity: they qualify for nothing.
  const inWindow = member.qualifying.filter(
    (record) =>
      record.source !== 'adjustment' &&
      record.earnedAt >= start.getTime() &&
      record.earnedAt < end.getTime() + 1,
  );
  switch (config.metric) {
    case 'points':
      return inWindow.reduce((acc, record) => acc + record.points, 0);
    case 'spend':
      return inWindow.reduce((acc, record) => acc + record.spend, 0);
    case 'purchases':
      return inWindow.filter((record) => record.source === 'purchase' && record.spend > 0).length;
    case 'visits': {
      const days = new Set<string>();
      for (const record of inWindow) {
        if (record.source !== 'purchase' || record.spend <= 0) continue;
        const day = localDate(new Date(record.earnedAt), program.timeZone);
        days.add(`${day.year}-${day.month}-${day.day}`);
      }
      return days.size;
    }
  }
}

function recordTierChange(
  batch: Batch,
  member: WorkingMember,
  change: TierChange,
  at: Date,
  eventId: string | null,
): void {
  if (change.kind === 'none') return;
  const from = member.tier.code;
  member.tier = change.state;
  member.changed = true;
  batch.tierChanges.push({
    tenant_id: batch.tenantId,
    program_id: batch.programId,
    id: newId(),
    customer_id: member.customerId,
    at,
    kind: change.kind,
    from_code: from,
    to_code: change.state.code,
    reason: change.reason,
    why: JSON.stringify(change.why),
    event_id: eventId,
  });
}

function evaluateTierAfterActivity(
  program: Program,
  batch: Batch,
  member: WorkingMember,
  at: Date,
  eventId: string | null,
  cause: 'activity' | 'refund' = 'activity',
): void {
  if (!program.tiers) return;
  const window = windowOf(program.tiers, at, member.enrolledAt, program.timeZone);
  const value = metricValue(program, member, window.start, window.end);
  recordTierChange(
    batch,
    member,
    tierAfterActivity(
      program.tiers,
      member.tier,
      value,
      at,
      member.enrolledAt,
      program.timeZone,
      cause,
    ),
    at,
    eventId,
  );
}

/** Earliest instant any qualification window of these events can start. */
function qualifyingSince(program: Program, times: readonly Date[]): Date {
  const earliest = new Date(Math.min(...times.map((time) => time.getTime())));
  const window = program.tiers?.window;
  if (!window) return earliest;
  if (window.kind === 'rolling') return addMonths(earliest, -window.months);
  if (window.kind === 'calendar') return periodStart(earliest, window.period, program.timeZone);
  return addMonths(earliest, -13);
}

async function loadWorkingMembers(
  trx: LoyaltyDb,
  program: Program,
  customerIds: readonly string[],
  options: {
    qualifyingFrom: Date | null;
    /**
     * Customers to enrol if they are not members yet (with when). Members are locked first,
     * then the missing ones enrolled and locked in one more statement: one statement when all
     * are members already. No deadlock: a transaction inserts only after it holds every
     * existing row it needs, so it never waits for an existing row while holding a new one.
     */
    enrol?: ReadonlyMap<string, Date>;
    /**
     * Whether the work needs the members' open lots (spending, expiring, reversing). Earning
     * alone does not: its new lot is the only one it touches, and a long-standing member may
     * hold hundreds of open lots.
     */
    openLots?: boolean;
  },
): Promise<Map<string, WorkingMember>> {
  const rows = await repo.lockMembers(trx, program.tenantId, program.id, customerIds);
  if (options.enrol && options.enrol.size > 0) {
    const present = new Set(rows.map((row) => row.customer_id));
    const missing = [...options.enrol].filter(([customerId]) => !present.has(customerId));
    if (missing.length > 0) {
      rows.push(
        ...(await repo.enrolAndLockMembers(
          trx,
          program.tenantId,
          program.id,
          missing.map(([customerId, enrolledAt]) => ({ customerId, enrolledAt })),
        )),
      );
    }
  }
  // Read after the lock, in a statement of its own: under READ COMMITTED a statement that
  // waited for the lock still sees other tables as of its start, so lots read together with
  // the lock could predate the spending of the transaction it waited for.
  const lots =
    options.openLots === false
      ? []
      : await repo.findOpenLots(trx, program.tenantId, program.id, customerIds);
  const lotsBy = new Map<string, LotRow[]>();
  for (const lot of lots) {
    const list = lotsBy.get(lot.customer_id) ?? [];
    list.push(lot);
    lotsBy.set(lot.customer_id, list);
  }
  const members = new Map(
    rows.map((row) => [row.customer_id, memberOf(row, lotsBy.get(row.customer_id) ?? [])]),
  );
  if (program.tiers && options.qualifyingFrom) {
    const records = await repo.findQualifyingLots(
      trx,
      program.tenantId,
      program.id,
      customerIds,
      options.qualifyingFrom,
    );
    for (const record of records) {
      members.get(record.customer_id)?.qualifying.push({
        lotId: record.id,
        earnedAt: record.earned_at.getTime(),
        points: Number(record.points),
        spend: Number(record.spend),
        source: record.source,
      });
    }
  }
  return members;
}

async function flush(
  trx: LoyaltyDb,
  batch: Batch,
  members: Iterable<WorkingMember>,
  redemptions: readonly repo.RedemptionInsert[] = [],
) {
  const { tenantId, programId } = batch;
  const lotUpdates: repo.LotUpdate[] = [];
  const memberUpdates: repo.MemberUpdate[] = [];
  const newLotIds = new Set(batch.newLots.map((lot) => lot.id));
  for (const member of members) {
    for (const lot of member.lots.values()) {
      if (!lot.dirty) continue;
      lotUpdates.push({
        id: lot.id,
        remaining: lot.remaining,
        status: lot.status,
        refundedSpend: lot.refundedSpend,
        reversedPoints: lot.reversedPoints,
        lines: lot.linesDirty ? lot.lines : null,
      });
    }
    if (!member.changed) continue;
    memberUpdates.push({
      customerId: member.customerId,
      available: member.ledger.available,
      pending: member.ledger.pending,
      debt: member.ledger.debt,
      earned: member.earned,
      redeemed: member.redeemed,
      expired: member.expired,
      walletDelta: member.walletDelta,
      tier: member.tier,
      lastActivityAt: member.lastActivityAt,
    });
  }
  await repo.writeLedger(trx, tenantId, programId, {
    newLots: batch.newLots,
    // New lots are inserted with their final state already.
    lotUpdates: lotUpdates.filter((update) => !newLotIds.has(update.id)),
    entries: batch.entries,
    members: memberUpdates,
    redemptions,
  });
  await repo.insertWalletEntries(trx, batch.walletEntries);
  await repo.insertRefunds(trx, batch.refunds);
  if (batch.usage.size > 0)
    await repo.addRuleUsage(trx, tenantId, programId, [...batch.usage.values()]);
  await repo.insertTierChanges(trx, batch.tierChanges);
  for (const change of batch.referralChanges)
    await repo.setReferralStatus(
      trx,
      tenantId,
      programId,
      change.refereeId,
      change.status,
      change.eventId,
    );
}

function earnEventOf(event: LoyaltyEventInput): EarnEvent {
  return {
    type: 'purchase',
    occurredAt: event.occurredAt,
    amount: Math.abs(event.amount),
    lines: event.lines,
  };
}

function explanationOf(result: EarnResult, eventId: string | null): Record<string, unknown> {
  return {
    eventId,
    rulesVersion: result.rulesVersion,
    steps: result.steps,
    notes: result.notes,
    belowMinimum: result.belowMinimum,
  };
}

/** Books an earning (purchase or action) for a member: a lot, its entry, caps, tier. */
function earnFor(
  program: Program,
  batch: Batch,
  member: WorkingMember,
  event: EarnEvent,
  eventId: string,
  source: string,
  now: Date,
  usageBefore: ReadonlyMap<string, number>,
  segments: readonly string[] = [],
): { lotId: string; result: EarnResult } {
  const level = program.tiers && member.tier.code ? levelOf(program.tiers, member.tier.code) : null;
  const result = evaluateEarning({
    rules: program.rules,
    rulesVersion: program.rulesVersion,
    timeZone: program.timeZone,
    event,
    tier: level ? { code: level.code, earnMultiplier: level.privileges.earnMultiplier } : null,
    segments,
    capUsed: (ruleId, key) => {
      const id = `${ruleId}|${key === 'total' ? NIL_UUID : member.customerId}|${key}`;
      return (usageBefore.get(id) ?? 0) + (batch.usage.get(id)?.points ?? 0);
    },
  });
  const lotId = newId();
  const availableAt = addDays(event.occurredAt, program.pendingDays);
  const pending = program.pendingDays > 0 && availableAt.getTime() > now.getTime();
  const expiresAt = expiryOf(program, event.occurredAt);
  const spend = event.type === 'purchase' ? event.amount : 0;
  const lines: LotLine[] = result.lines.map((line) => ({
    lineNo: line.lineNo,
    amount: line.amount,
    points: line.points,
    refunded: 0,
    reversed: 0,
    quantity: line.quantity,
    refundedQuantity: 0,
  }));
  const lot: WorkingLot = {
    id: lotId,
    points: result.points,
    remaining: 0,
    status: 'closed',
    expiresAt: expiresAt?.getTime() ?? null,
    earnedAt: event.occurredAt.getTime(),
    row: { event_id: eventId, spend, source, cashback: 0 },
    refundedSpend: 0,
    reversedPoints: 0,
    lines,
    ruleUsage: result.usage,
    dirty: false,
    linesDirty: false,
  };
  member.lots.set(lotId, lot);
  if (result.points > 0) {
    const plan = planEarn(member.ledger, { id: lotId, points: result.points, pending });
    commitPlan(batch, member, plan, {
      kind: 'earn',
      at: event.occurredAt,
      eventId,
      explanation: explanationOf(result, eventId),
    });
    member.earned += result.points;
    for (const usage of result.usage)
      batch.addUsage(
        usage.ruleId,
        usage.key === 'total' ? NIL_UUID : member.customerId,
        usage.key,
        usage.points,
      );
  }
  if (program.cashback && spend > 0) {
    const amount = Math.floor((spend * program.cashback.rateBasisPoints) / 10_000);
    if (amount > 0) {
      lot.row.cashback = amount;
      member.walletDelta += amount;
      batch.walletEntries.push({
        tenant_id: batch.tenantId,
        program_id: batch.programId,
        id: newId(),
        customer_id: member.customerId,
        at: event.occurredAt,
        kind: 'cashback',
        debit_account: 'program_cashback',
        credit_account: 'member_wallet',
        amount,
        event_id: eventId,
        idempotency_key: null,
        request_hash: null,
        explanation: {
          eventId,
          rateBasisPoints: program.cashback.rateBasisPoints,
          spend,
          rule: `${program.cashback.rateBasisPoints / 100} % of ${spend}, rounded down`,
        },
      });
    }
  }
  batch.newLots.push({
    tenant_id: batch.tenantId,
    program_id: batch.programId,
    id: lotId,
    customer_id: member.customerId,
    event_id: eventId,
    source,
    cashback: lot.row.cashback,
    points: lot.points,
    remaining: lot.remaining,
    status: lot.status,
    earned_at: event.occurredAt,
    available_at: pending ? availableAt : event.occurredAt,
    expires_at: expiresAt,
    spend,
    refunded_spend: 0,
    reversed_points: 0,
    lines,
    rule_usage: result.usage,
  });
  lot.dirty = false;
  member.qualifying.push({
    lotId,
    earnedAt: event.occurredAt.getTime(),
    points: result.points,
    spend,
    source,
  });
  if (!member.lastActivityAt || member.lastActivityAt < event.occurredAt)
    member.lastActivityAt = event.occurredAt;
  member.changed = true;
  return { lotId, result };
}

/** Books a fixed number of points as a new lot (referral bonuses). */
function awardFixed(
  program: Program,
  batch: Batch,
  member: WorkingMember,
  award: {
    points: number;
    eventId: string;
    source: string;
    at: Date;
    explanation: Record<string, unknown>;
  },
  now: Date,
): void {
  if (award.points <= 0) return;
  const lotId = newId();
  const availableAt = addDays(award.at, program.pendingDays);
  const pending = program.pendingDays > 0 && availableAt.getTime() > now.getTime();
  const expiresAt = expiryOf(program, award.at);
  const lot: WorkingLot = {
    id: lotId,
    points: award.points,
    remaining: 0,
    status: 'closed',
    expiresAt: expiresAt?.getTime() ?? null,
    earnedAt: award.at.getTime(),
    row: { event_id: award.eventId, spend: 0, source: award.source, cashback: 0 },
    refundedSpend: 0,
    reversedPoints: 0,
    lines: [],
    ruleUsage: [],
    dirty: false,
    linesDirty: false,
  };
  member.lots.set(lotId, lot);
  const plan = planEarn(member.ledger, { id: lotId, points: award.points, pending });
  commitPlan(batch, member, plan, {
    kind: 'earn',
    at: award.at,
    eventId: award.eventId,
    explanation: award.explanation,
  });
  member.earned += award.points;
  batch.newLots.push({
    tenant_id: batch.tenantId,
    program_id: batch.programId,
    id: lotId,
    customer_id: member.customerId,
    event_id: award.eventId,
    source: award.source,
    points: award.points,
    remaining: lot.remaining,
    status: lot.status,
    earned_at: award.at,
    available_at: pending ? availableAt : award.at,
    expires_at: expiresAt,
    spend: 0,
    refunded_spend: 0,
    reversed_points: 0,
    lines: [],
    rule_usage: [],
  });
  lot.dirty = false;
  member.qualifying.push({
    lotId,
    earnedAt: award.at.getTime(),
    points: award.points,
    spend: 0,
    source: award.source,
  });
}

/** Takes back what is left to reverse of a bonus lot (a referral undone by a refund). */
function reverseBonus(
  program: Program,
  batch: Batch,
  member: WorkingMember,
  lot: WorkingLot,
  at: Date,
  explanation: Record<string, unknown>,
): number {
  const points = lot.points - lot.reversedPoints;
  if (points <= 0) return 0;
  const outcome = planReversal(member.ledger, lot.id, points, program.refundPolicy);
  commitPlan(batch, member, outcome.plan, {
    kind: 'reverse',
    at,
    eventId: typeof explanation.eventId === 'string' ? explanation.eventId : null,
    explanation: {
      ...explanation,
      policy: program.refundPolicy,
      fromLot: outcome.fromLot,
      clawedBack: outcome.clawedBack,
      negative: outcome.negative,
    },
  });
  lot.reversedPoints += points;
  lot.dirty = true;
  member.earned -= points;
  const record = member.qualifying.find((candidate) => candidate.lotId === lot.id);
  if (record) record.points = 0;
  return points;
}

/** Keeps a new lot's insert row in step with plans that touched it in the same batch. */
function syncNewLots(batch: Batch, members: Map<string, WorkingMember>) {
  for (const row of batch.newLots) {
    const lot = members.get(row.customer_id)?.lots.get(row.id);
    if (!lot) continue;
    row.remaining = lot.remaining;
    row.status = lot.status;
    row.refunded_spend = lot.refundedSpend;
    row.reversed_points = lot.reversedPoints;
    row.lines = lot.lines;
  }
}

function reverseFor(
  program: Program,
  batch: Batch,
  member: WorkingMember,
  lot: WorkingLot,
  refund: LoyaltyEventInput,
): void {
  const amount = Math.abs(refund.amount);
  let points = 0;
  const lineDetail: { lineNo: number; amount: number; points: number }[] = [];
  if (refund.refundedLines && refund.refundedLines.length > 0 && lot.lines.length > 0) {
    for (const refunded of refund.refundedLines) {
      const line = lot.lines.find((candidate) => candidate.lineNo === refunded.lineNo);
      if (!line) continue;
      const quantity = line.quantity ?? 0;
      const refundedQuantity = line.refundedQuantity ?? 0;
      const now = {
        amount: Math.min(Math.abs(refunded.amount), Math.max(0, line.amount - line.refunded)),
        quantity: Math.min(Math.abs(refunded.quantity), Math.max(0, quantity - refundedQuantity)),
      };
      const reversed = linePointsToReverse(
        { points: line.points, amount: line.amount, quantity },
        { amount: line.refunded, quantity: refundedQuantity },
        now,
      );
      line.refunded += now.amount;
      if (line.quantity !== undefined) line.refundedQuantity = refundedQuantity + now.quantity;
      line.reversed += reversed;
      points += reversed;
      lineDetail.push({ lineNo: line.lineNo, amount: now.amount, points: reversed });
    }
    lot.linesDirty = true;
  } else {
    const now = Math.min(amount, Math.max(0, lot.row.spend - lot.refundedSpend));
    points = pointsToReverse(lot.points, lot.row.spend, lot.refundedSpend, now);
  }
  points = Math.min(points, lot.points - lot.reversedPoints);
  const refundedNow = Math.min(amount, Math.max(0, lot.row.spend - lot.refundedSpend));
  const cashbackBack = pointsToReverse(
    lot.row.cashback,
    lot.row.spend,
    lot.refundedSpend,
    refundedNow,
  );
  if (cashbackBack > 0) {
    member.walletDelta -= cashbackBack;
    batch.walletEntries.push({
      tenant_id: batch.tenantId,
      program_id: batch.programId,
      id: newId(),
      customer_id: member.customerId,
      at: refund.occurredAt,
      kind: 'reverse',
      debit_account: 'member_wallet',
      credit_account: 'program_cashback',
      amount: cashbackBack,
      event_id: refund.id,
      idempotency_key: null,
      request_hash: null,
      explanation: { eventId: refund.id, refundOf: lot.row.event_id, refundedAmount: refundedNow },
    });
  }
  lot.refundedSpend += refundedNow;
  lot.reversedPoints += points;
  lot.dirty = true;
  batch.refunds.push({
    tenant_id: batch.tenantId,
    program_id: batch.programId,
    refund_event_id: refund.id,
    lot_id: lot.id,
    customer_id: member.customerId,
    amount,
    points,
    at: refund.occurredAt,
  });
  if (points > 0) {
    const outcome = planReversal(member.ledger, lot.id, points, program.refundPolicy);
    commitPlan(batch, member, outcome.plan, {
      kind: 'reverse',
      at: refund.occurredAt,
      eventId: refund.id,
      explanation: {
        why: 'refund',
        eventId: refund.id,
        refundOf: lot.row.event_id,
        refundedAmount: amount,
        lines: lineDetail,
        policy: program.refundPolicy,
        fromLot: outcome.fromLot,
        clawedBack: outcome.clawedBack,
        negative: outcome.negative,
        note:
          outcome.negative > 0
            ? `${outcome.negative} points were already spent: booked as a negative balance`
            : outcome.clawedBack.length > 0
              ? 'points already spent were taken back from other lots'
              : 'taken back from the purchase’s own points',
      },
    });
    member.earned -= points;
    // Give each capped rule back its share of the reversed points (of all the lot's points,
    // capped or not), cumulatively: refunds never restore more than the rule used.
    const byRule = new Map<string, { points: number; keys: string[] }>();
    for (const usage of lot.ruleUsage) {
      const found = byRule.get(usage.ruleId) ?? { points: usage.points, keys: [] };
      found.keys.push(usage.key);
      byRule.set(usage.ruleId, found);
    }
    for (const [ruleId, value] of byRule) {
      const share =
        capUsageRestored(value.points, lot.points, lot.reversedPoints) -
        capUsageRestored(value.points, lot.points, lot.reversedPoints - points);
      if (share <= 0) continue;
      for (const key of value.keys)
        batch.addUsage(ruleId, key === 'total' ? NIL_UUID : member.customerId, key, -share);
    }
  }
  const record = member.qualifying.find((candidate) => candidate.lotId === lot.id);
  if (record) {
    record.points = lot.points - lot.reversedPoints;
    record.spend = lot.row.spend - lot.refundedSpend;
  }
  member.changed = true;
  evaluateTierAfterActivity(program, batch, member, refund.occurredAt, refund.id, 'refund');
}

/** Cap usage so far (locked) for the rules with caps, for these members and periods. */
async function loadUsage(
  trx: LoyaltyDb,
  program: Program,
  customerIds: readonly string[],
  times: readonly Date[],
): Promise<Map<string, number>> {
  const usage = new Map<string, number>();
  if (!program.rules.some((rule) => rule.cap)) return usage;
  await repo.ensureBudgetUsage(
    trx,
    program.tenantId,
    program.id,
    program.rules.flatMap((rule) =>
      rule.cap?.budget !== undefined && rule.id !== undefined ? [rule.id] : [],
    ),
  );
  const keys = new Set<string>();
  for (const time of times)
    for (const key of Object.values(capKeys(time, program.timeZone))) keys.add(key);
  for (const row of await repo.findRuleUsage(trx, program.tenantId, program.id, customerIds, [
    ...keys,
  ]))
    usage.set(`${row.rule_id}|${row.customer_id}|${row.period_key}`, Number(row.points));
  return usage;
}

/**
 * Earns and reverses points for newly recorded purchases and refunds, in every active program
 * of the tenant, inside the caller's transaction (the one that recorded the events). Each
 * purchase earns at most once per program (a unique lot per event) and each refund applies
 * at most once, so a replayed batch changes nothing.
 */
export async function applyEventsToPrograms(
  trx: LoyaltyDb,
  programs: readonly Program[],
  events: readonly LoyaltyEventInput[],
  now: Date = new Date(),
  options: {
    /**
     * The events were recorded by the caller's transaction just now, so none can have earned
     * before (an event and its points commit together): skips that lookup.
     */
    newlyRecorded?: boolean;
  } = {},
): Promise<{ programId: string; earned: number; reversed: number }[]> {
  const summary: { programId: string; earned: number; reversed: number }[] = [];
  if (events.length === 0) return summary;
  for (const program of programs) {
    if (program.status !== 'active') continue;
    const purchases = events.filter(
      (event) => event.type === 'purchase' && event.currency === program.currency,
    );
    const refunds = events.filter((event) => event.type === 'refund' && event.refundOf);
    if (purchases.length === 0 && refunds.length === 0) continue;
    // Exactly once: skip purchases that already earned and refunds already applied.
    const earnedBefore = new Set(
      options.newlyRecorded
        ? []
        : (
            await repo.findLotsByEvent(
              trx,
              program.tenantId,
              program.id,
              purchases.map((event) => event.id),
            )
          ).map((lot) => lot.event_id),
    );
    const freshPurchases = purchases.filter((event) => !earnedBefore.has(event.id));
    const applied = await repo.findAppliedRefunds(
      trx,
      program.tenantId,
      program.id,
      refunds.map((event) => event.id),
    );
    const freshRefunds = refunds.filter((event) => !applied.has(event.id));
    const refundedIds = [...new Set(freshRefunds.map((event) => event.refundOf ?? ''))];
    const purchaseLots = new Map(
      (await repo.findLotsByEvent(trx, program.tenantId, program.id, refundedIds)).map((lot) => [
        lot.event_id ?? '',
        lot,
      ]),
    );
    const newPurchaseIds = new Set(freshPurchases.map((event) => event.id));
    const relevantRefunds = freshRefunds.filter(
      (event) => purchaseLots.has(event.refundOf ?? '') || newPurchaseIds.has(event.refundOf ?? ''),
    );
    if (freshPurchases.length === 0 && relevantRefunds.length === 0) continue;

    // Referrals: pending ones of these buyers, and rewarded ones these refunds may undo.
    const referrals = program.referral
      ? await repo.findReferralsFor(
          trx,
          program.tenantId,
          program.id,
          [...new Set(freshPurchases.map((event) => event.customerId))],
          relevantRefunds.map((event) => event.refundOf ?? ''),
        )
      : [];
    const pendingReferral = new Map(
      referrals.filter((r) => r.status === 'pending').map((r) => [r.referee_id, r]),
    );
    const rewardedReferral = new Map(
      referrals
        .filter((r) => r.status === 'rewarded' && r.qualifying_event_id)
        .map((r) => [r.qualifying_event_id ?? '', r]),
    );
    const bonusLots = new Map(
      (
        await repo.findLotsByEvent(
          trx,
          program.tenantId,
          program.id,
          [...rewardedReferral.keys()].flatMap((eventId) => [
            `referral:${eventId}:referee`,
            `referral:${eventId}:referrer`,
          ]),
        )
      ).map((lot) => [lot.event_id ?? '', lot]),
    );

    const enrol = new Map<string, Date>();
    for (const event of freshPurchases) {
      const earlier = enrol.get(event.customerId);
      if (!earlier || event.occurredAt < earlier) enrol.set(event.customerId, event.occurredAt);
    }
    const refundCustomer = (event: LoyaltyEventInput) =>
      purchaseLots.get(event.refundOf ?? '')?.customer_id ?? event.customerId;
    const referrers = [...pendingReferral.values(), ...rewardedReferral.values()].map(
      (r) => r.referrer_id,
    );
    for (const referrer of referrers) if (!enrol.has(referrer)) enrol.set(referrer, now);
    const customerIds = [
      ...new Set([
        ...freshPurchases.map((e) => e.customerId),
        ...relevantRefunds.map(refundCustomer),
        ...referrers,
      ]),
    ];
    const members = await loadWorkingMembers(trx, program, customerIds, {
      qualifyingFrom: program.tiers
        ? qualifyingSince(
            program,
            [...freshPurchases, ...relevantRefunds].map((e) => e.occurredAt),
          )
        : null,
      enrol,
      openLots: relevantRefunds.length > 0,
    });
    // Purchase lots refunded here but closed (fully spent) are not among the open lots.
    for (const lot of [...purchaseLots.values(), ...bonusLots.values()]) {
      const member = members.get(lot.customer_id);
      if (member && !member.lots.has(lot.id)) {
        member.lots.set(lot.id, lotOf(lot));
        member.ledger = { ...member.ledger, lots: [...member.lots.values()] };
      }
    }
    const batch = new Batch(program.tenantId, program.id);
    const usageBefore = await loadUsage(
      trx,
      program,
      customerIds,
      freshPurchases.map((event) => event.occurredAt),
    );
    const ordered = [...freshPurchases, ...relevantRefunds].sort(
      (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.type === 'purchase' ? -1 : 1),
    );
    let earned = 0;
    let reversed = 0;
    const lotByEvent = new Map<string, { customerId: string; lotId: string }>();
    for (const lot of purchaseLots.values())
      lotByEvent.set(lot.event_id ?? '', { customerId: lot.customer_id, lotId: lot.id });
    for (const event of ordered) {
      if (event.type === 'purchase') {
        const member = members.get(event.customerId);
        if (!member) continue;
        const { lotId, result } = earnFor(
          program,
          batch,
          member,
          earnEventOf(event),
          event.id,
          'purchase',
          now,
          usageBefore,
          event.segments,
        );
        earned += result.points;
        lotByEvent.set(event.id, { customerId: member.customerId, lotId });
        evaluateTierAfterActivity(program, batch, member, event.occurredAt, event.id);
        const referral = pendingReferral.get(member.customerId);
        const scheme = program.referral;
        if (referral && scheme && Math.abs(event.amount) >= scheme.minSpend) {
          pendingReferral.delete(member.customerId);
          const referrer = members.get(referral.referrer_id);
          const explanation = {
            why: 'referral',
            eventId: event.id,
            reason: 'first qualifying purchase of a referred customer',
            referrerId: referral.referrer_id,
            refereeId: referral.referee_id,
            code: referral.code,
          };
          awardFixed(
            program,
            batch,
            member,
            {
              points: scheme.refereePoints,
              eventId: `referral:${event.id}:referee`,
              source: 'referral',
              at: event.occurredAt,
              explanation: { ...explanation, side: 'referee' },
            },
            now,
          );
          if (referrer)
            awardFixed(
              program,
              batch,
              referrer,
              {
                points: scheme.referrerPoints,
                eventId: `referral:${event.id}:referrer`,
                source: 'referral',
                at: event.occurredAt,
                explanation: { ...explanation, side: 'referrer' },
              },
              now,
            );
          earned += scheme.refereePoints + (referrer ? scheme.referrerPoints : 0);
          batch.referralChanges.push({
            refereeId: member.customerId,
            status: 'rewarded',
            eventId: event.id,
          });
          rewardedReferral.set(event.id, {
            ...referral,
            status: 'rewarded',
            qualifying_event_id: event.id,
          });
        }
      } else {
        const target = lotByEvent.get(event.refundOf ?? '');
        if (!target) continue;
        const member = members.get(target.customerId);
        const lot = member?.lots.get(target.lotId);
        if (!member || !lot) continue;
        const before = member.earned;
        reverseFor(program, batch, member, lot, event);
        reversed += before - member.earned;
        // A qualifying purchase refunded below the scheme's minimum spend (or in full) takes
        // the referral bonus back from both sides; the referral waits for another purchase.
        const referral = rewardedReferral.get(event.refundOf ?? '');
        const netSpend = lot.row.spend - lot.refundedSpend;
        if (referral && (netSpend <= 0 || netSpend < (program.referral?.minSpend ?? 0))) {
          rewardedReferral.delete(event.refundOf ?? '');
          for (const side of ['referee', 'referrer'] as const) {
            const owner = members.get(
              side === 'referee' ? referral.referee_id : referral.referrer_id,
            );
            const bonusId = `referral:${event.refundOf ?? ''}:${side}`;
            const bonus = owner
              ? [...owner.lots.values()].find((candidate) => candidate.row.event_id === bonusId)
              : undefined;
            if (!owner || !bonus) continue;
            reversed += reverseBonus(program, batch, owner, bonus, event.occurredAt, {
              why: 'referral_refunded',
              eventId: event.id,
              refundOf: event.refundOf,
              reason: 'the referred customer’s qualifying purchase was refunded',
              side,
            });
          }
          batch.referralChanges.push({
            refereeId: referral.referee_id,
            status: 'pending',
            eventId: null,
          });
        }
      }
    }
    syncNewLots(batch, members);
    await flush(trx, batch, members.values());
    summary.push({ programId: program.id, earned, reversed });
  }
  return summary;
}

// Redemptions -------------------------------------------------------------------------------

export interface RedemptionResult {
  id: string;
  programId: string;
  customerId: string;
  points: number;
  rewardId: string | null;
  idempotencyKey: string;
  createdAt: string;
  lots: { lotId: string; points: number }[];
  balance: { available: number; pending: number };
  coupon: { code: string; expiresAt: string | null } | null;
}

/**
 * Spends a member's points, soonest-expiring lots first. Exactly once per (program, key):
 * the key is claimed first (a concurrent claim waits on the unique index), the member row is
 * locked, and the balance can never go below zero however many redemptions race.
 */
export async function redeemPoints(
  trx: LoyaltyDb,
  program: Program,
  input: {
    customerId: string;
    points: number;
    idempotencyKey: string;
    rewardId: string | null;
    requestHash: string;
    /** Set when a partner burns the points: they go to the partner settlement account. */
    partnerId?: string | null;
    /** Reward checks under the member lock; may issue a coupon for this redemption. */
    checkReward?: (
      member: MemberRow,
      redemptionId: string,
    ) => Promise<{ code: string; expiresAt: string | null } | null>;
  },
  now: Date = new Date(),
): Promise<{ result: RedemptionResult; replayed: boolean }> {
  const id = newId();
  // Lock the member first: every redemption of this member queues here, so the balance
  // check below and the write after it see no concurrent change.
  const members = await loadWorkingMembers(trx, program, [input.customerId], {
    qualifyingFrom: null,
  });
  const member = members.get(input.customerId);
  if (member?.row.merged_into) throw new MemberMerged(member.row.merged_into);
  if (!member) throw insufficientPoints(input.points, null);
  const claimed = await repo.claimRedemption(trx, {
    tenant_id: program.tenantId,
    program_id: program.id,
    id,
    customer_id: input.customerId,
    idempotency_key: input.idempotencyKey,
    request_hash: input.requestHash,
    points: input.points,
    reward_id: input.rewardId,
    response: null,
    created_at: now,
  });
  if (!claimed) {
    const existing = await repo.findRedemptionByKey(
      trx,
      program.tenantId,
      program.id,
      input.idempotencyKey,
    );
    if (!existing || existing.request_hash !== input.requestHash)
      throw redemptionConflict(input.idempotencyKey);
    return { result: existing.response as RedemptionResult, replayed: true };
  }
  const plan = planRedemption(
    member.ledger,
    input.points,
    input.partnerId ? 'partner_settlement' : 'program_redeemed',
  );
  if (!plan.ok) throw insufficientPoints(input.points, plan.error.available);
  const coupon = input.checkReward ? await input.checkReward(member.row, id) : null;
  const batch = new Batch(program.tenantId, program.id);
  const result = spendForRedemption(batch, member, plan.value, {
    id,
    points: input.points,
    idempotencyKey: input.idempotencyKey,
    rewardId: input.rewardId,
    partnerId: input.partnerId ?? null,
    coupon,
    at: now,
  });
  await flush(trx, batch, members.values());
  await repo.storeRedemptionResponse(trx, program.tenantId, program.id, id, result);
  return { result, replayed: false };
}

function redemptionConflict(key: string): AppError {
  return new AppError(
    'IDEMPOTENCY_CONFLICT',
    `The idempotency key ${key} was used before with a different request.`,
    [{ field: 'idempotencyKey', message: 'reused with a different body', reason: 'reused' }],
  );
}

/** `available` null: the customer is no member of the program. */
function insufficientPoints(requested: number, available: number | null): AppError {
  return new AppError(
    'INSUFFICIENT_POINTS',
    available === null
      ? 'The customer has no points in this program.'
      : `The member has ${available} points available; ${requested} requested.`,
    [
      {
        field: 'points',
        message: `available ${available ?? 0}`,
        reason: 'insufficient',
        params: { available: available ?? 0 },
      },
    ],
  );
}

/** Books a planned redemption on the working member and answers what the caller is shown. */
function spendForRedemption(
  batch: Batch,
  member: WorkingMember,
  plan: Plan,
  redemption: {
    id: string;
    points: number;
    idempotencyKey: string;
    rewardId: string | null;
    partnerId: string | null;
    coupon: RedemptionResult['coupon'];
    at: Date;
  },
): RedemptionResult {
  const { id, partnerId, at } = redemption;
  commitPlan(batch, member, plan, {
    kind: partnerId ? 'partner_burn' : 'redeem',
    at,
    eventId: null,
    redemptionId: id,
    partnerId,
    explanation: {
      redemptionId: id,
      ...(partnerId ? { partnerId } : {}),
      idempotencyKey: redemption.idempotencyKey,
      rewardId: redemption.rewardId,
      why: 'redemption',
      rule: 'soonest-expiring lots first',
    },
  });
  member.redeemed += redemption.points;
  if (!member.lastActivityAt || member.lastActivityAt < at) member.lastActivityAt = at;
  return {
    id,
    programId: batch.programId,
    customerId: member.customerId,
    points: redemption.points,
    rewardId: redemption.rewardId,
    idempotencyKey: redemption.idempotencyKey,
    createdAt: at.toISOString(),
    lots: plan.transfers.map((transfer) => ({
      lotId: transfer.lotId ?? '',
      points: transfer.points,
    })),
    balance: { available: member.ledger.available, pending: member.ledger.pending },
    coupon: redemption.coupon,
  };
}

export interface PlainRedemption {
  customerId: string;
  points: number;
  idempotencyKey: string;
  requestHash: string;
}

export type RedemptionOutcome =
  { ok: true; result: RedemptionResult; replayed: boolean } | { ok: false; error: AppError };

/**
 * Thrown when a batch cannot finish as one (a key claimed concurrently mid-batch, a member
 * merged into another): run the batch's items one by one.
 */
export class RedemptionRace extends Error {}

/**
 * A batch that did not read its keys cannot finish without them: a key was stored already (a
 * retry, or a concurrent claim), or a redemption was refused (it may retry one that was
 * accepted, whose first answer is owed). Run the batch again reading them.
 */
export class RedemptionKeysNeeded extends RedemptionRace {}

/** The member was merged into another customer: redeem from the survivor's membership. */
export class MemberMerged extends Error {
  constructor(readonly survivorId: string) {
    super(`merged into ${survivorId}`);
  }
}

/**
 * Redeems many plain point redemptions (no reward, no partner) in one transaction, each
 * succeeding or failing on its own — the group-commit path of single redemption requests.
 * Same guarantees as `redeemPoints`: the members are locked (in customer order), a key already
 * stored answers its first result (or IDEMPOTENCY_CONFLICT), balances never go below zero, and
 * several redemptions of one member in the batch are applied one after the other.
 *
 * With `readKeys: false` the keys are not looked up first: most are new, and the redemptions
 * are stored in the ledger statement, so the batch takes two round trips fewer. A key stored
 * already (which fails that statement) or a refused redemption then throws
 * `RedemptionKeysNeeded`, for the caller to run the batch again, in a new transaction, with
 * `readKeys: true`.
 */
export async function redeemPointsBatch(
  trx: LoyaltyDb,
  program: Program,
  inputs: readonly PlainRedemption[],
  options: { readKeys: boolean },
  now: Date = new Date(),
): Promise<RedemptionOutcome[]> {
  const outcomes: (RedemptionOutcome | undefined)[] = new Array(inputs.length);
  const members = await loadWorkingMembers(
    trx,
    program,
    [...new Set(inputs.map((input) => input.customerId))],
    { qualifyingFrom: null },
  );
  if ([...members.values()].some((member) => member.row.merged_into))
    throw new RedemptionRace('a member was merged into another customer');
  const stored = new Map(
    options.readKeys
      ? (
          await repo.findRedemptionsByKeys(trx, program.tenantId, program.id, [
            ...new Set(inputs.map((input) => input.idempotencyKey)),
          ])
        ).map((row) => [row.idempotency_key, row])
      : [],
  );
  const batch = new Batch(program.tenantId, program.id);
  const fresh = new Map<string, { hash: string; result: RedemptionResult }>();
  const rows: repo.RedemptionInsert[] = [];
  const conflict = (key: string): RedemptionOutcome => ({
    ok: false,
    error: redemptionConflict(key),
  });
  inputs.forEach((input, index) => {
    const key = input.idempotencyKey;
    const earlier = stored.get(key);
    if (earlier) {
      outcomes[index] =
        earlier.request_hash === input.requestHash
          ? { ok: true, result: earlier.response as RedemptionResult, replayed: true }
          : conflict(key);
      return;
    }
    const inBatch = fresh.get(key);
    if (inBatch) {
      outcomes[index] =
        inBatch.hash === input.requestHash
          ? { ok: true, result: inBatch.result, replayed: true }
          : conflict(key);
      return;
    }
    const member = members.get(input.customerId);
    const plan = member
      ? planRedemption(member.ledger, input.points, 'program_redeemed')
      : ({ ok: false, error: { available: 0 } } as const);
    if (!member || !plan.ok) {
      outcomes[index] = {
        ok: false,
        error: insufficientPoints(input.points, member && !plan.ok ? plan.error.available : null),
      };
      return;
    }
    const id = newId();
    const result = spendForRedemption(batch, member, plan.value, {
      id,
      points: input.points,
      idempotencyKey: key,
      rewardId: null,
      partnerId: null,
      coupon: null,
      at: now,
    });
    fresh.set(key, { hash: input.requestHash, result });
    rows.push({
      tenant_id: program.tenantId,
      program_id: program.id,
      id,
      customer_id: input.customerId,
      idempotency_key: key,
      request_hash: input.requestHash,
      points: input.points,
      reward_id: null,
      response: JSON.stringify(result),
      created_at: now,
    });
    outcomes[index] = { ok: true, result, replayed: false };
  });
  if (!options.readKeys && outcomes.some((outcome) => !outcome!.ok))
    throw new RedemptionKeysNeeded('a redemption was refused: it may be a retry');
  try {
    await flush(trx, batch, members.values(), rows);
  } catch (error) {
    // Only the redemptions' keys can collide here (every other row has a new id).
    if ((error as { code?: string }).code !== '23505') throw error;
    throw options.readKeys
      ? new RedemptionRace('an idempotency key was taken meanwhile')
      : new RedemptionKeysNeeded('an idempotency key was stored already');
  }
  return outcomes.map((outcome) => outcome!);
}

/** Awards an action rule's points (signup, review …), once per idempotency key. */
export async function awardAction(
  trx: LoyaltyDb,
  program: Program,
  input: {
    customerId: string;
    action: string;
    customAction: string | null;
    occurredAt: Date;
    idempotencyKey: string;
  },
  now: Date = new Date(),
): Promise<{ points: number; explanation: Record<string, unknown>; replayed: boolean }> {
  const eventId = `action:${input.idempotencyKey}`;
  const [existing] = await repo.findLotsByEvent(trx, program.tenantId, program.id, [eventId]);
  if (existing) {
    if (existing.customer_id !== input.customerId)
      throw new AppError('IDEMPOTENCY_CONFLICT', 'The key was used for another customer.', [
        { field: 'idempotencyKey', message: 'reused with a different body', reason: 'reused' },
      ]);
    return { points: Number(existing.points), explanation: { lotId: existing.id }, replayed: true };
  }
  const members = await loadWorkingMembers(trx, program, [input.customerId], {
    qualifyingFrom: program.tiers ? qualifyingSince(program, [input.occurredAt]) : null,
    enrol: new Map([[input.customerId, input.occurredAt]]),
  });
  const member = members.get(input.customerId);
  if (!member) throw new Error('member row vanished under lock');
  const usageBefore = await loadUsage(trx, program, [input.customerId], [input.occurredAt]);
  const batch = new Batch(program.tenantId, program.id);
  const { result } = earnFor(
    program,
    batch,
    member,
    {
      type: 'action',
      occurredAt: input.occurredAt,
      action: input.action,
      customAction: input.customAction,
    },
    eventId,
    'action',
    now,
    usageBefore,
  );
  evaluateTierAfterActivity(program, batch, member, input.occurredAt, eventId);
  syncNewLots(batch, members);
  await flush(trx, batch, members.values());
  return { points: result.points, explanation: explanationOf(result, eventId), replayed: false };
}

// Jobs --------------------------------------------------------------------------------------

/** Releases pending lots whose return window has closed, up to `limit`; returns how many. */
export async function releasePending(
  trx: LoyaltyDb,
  program: Program,
  asOf: Date,
  limit = 20_000,
): Promise<number> {
  const due = await repo.findDueLots(trx, program.tenantId, program.id, 'release', asOf, limit);
  if (due.length === 0) return 0;
  const customerIds = [...new Set(due.map((lot) => lot.customer_id))];
  const members = await loadWorkingMembers(trx, program, customerIds, { qualifyingFrom: null });
  const batch = new Batch(program.tenantId, program.id);
  for (const lot of due) {
    const member = members.get(lot.customer_id);
    if (!member) continue;
    const plan = planRelease(member.ledger, lot.id);
    commitPlan(batch, member, plan, {
      kind: 'release',
      at: asOf,
      eventId: member.lots.get(lot.id)?.row.event_id ?? null,
      explanation: {
        why: 'pending_ended',
        lotId: lot.id,
        pendingDays: program.pendingDays,
        reason: `pending period of ${program.pendingDays} days ended`,
      },
    });
  }
  await flush(trx, batch, members.values());
  return due.length;
}

/** Expires lots past their date (and, for inactivity, every lot of members idle too long). */
export async function expirePoints(
  trx: LoyaltyDb,
  program: Program,
  asOf: Date,
  limit = 20_000,
): Promise<number> {
  let targets: { customer_id: string; id: string | null }[];
  // Why, as a code with its numbers and in English words (the entry's explanation).
  let cause: Record<string, unknown>;
  if (program.expiry.kind === 'inactivity') {
    const idle = await repo.findInactiveMembers(
      trx,
      program.tenantId,
      program.id,
      addMonths(asOf, -program.expiry.months),
      limit,
    );
    targets = idle.map((customerId) => ({ customer_id: customerId, id: null }));
    cause = {
      why: 'inactivity',
      inactiveMonths: program.expiry.months,
      reason: `no activity for ${program.expiry.months} months`,
    };
  } else {
    // The common case in one statement; members with debt take the general path below.
    const fast = await repo.expireDueLotsSetBased(trx, program.tenantId, program.id, asOf, limit);
    if (fast > 0) return fast;
    targets = await repo.findDueLots(trx, program.tenantId, program.id, 'expire', asOf, limit);
    cause = { why: 'expiry_date', reason: 'lot reached its expiry date' };
  }
  if (targets.length === 0) return 0;
  const customerIds = [...new Set(targets.map((target) => target.customer_id))];
  const members = await loadWorkingMembers(trx, program, customerIds, { qualifyingFrom: null });
  const batch = new Batch(program.tenantId, program.id);
  let count = 0;
  for (const target of targets) {
    const member = members.get(target.customer_id);
    if (!member) continue;
    const lotIds = target.id ? [target.id] : [...member.lots.keys()];
    for (const lotId of lotIds) {
      const lot = member.lots.get(lotId);
      if (!lot || lot.status === 'closed') continue;
      const availableBefore = member.ledger.available + member.ledger.pending;
      const plan = planExpiry(member.ledger, lotId);
      commitPlan(batch, member, plan, {
        kind: 'expire',
        at: asOf,
        eventId: lot.row.event_id,
        explanation: {
          ...cause,
          lotId,
          expiresAt: lot.expiresAt ? new Date(lot.expiresAt).toISOString() : null,
        },
      });
      member.expired += availableBefore - (member.ledger.available + member.ledger.pending);
      count += 1;
    }
  }
  await flush(trx, batch, members.values());
  return count;
}

/** Records warnings for points expiring within the program's warning period. */
export async function warnExpiringPoints(
  trx: LoyaltyDb,
  program: Program,
  asOf: Date,
): Promise<number> {
  if (program.expiryWarningDays <= 0) return 0;
  return repo.insertExpiryWarnings(
    trx,
    program.tenantId,
    program.id,
    asOf,
    addDays(asOf, program.expiryWarningDays),
  );
}

/** When the next tier review of the program falls due (a window's or a grace period's end). */
export async function nextTierReview(trx: LoyaltyDb, program: Program): Promise<Date | null> {
  if (!program.tiers) return null;
  return repo.findNextTierReview(trx, program.tenantId, program.id);
}

/** Reviews tiers whose window ended: retain, grace, or downgrade. */
export async function reviewTiers(
  trx: LoyaltyDb,
  program: Program,
  asOf: Date,
  limit = 20_000,
): Promise<number> {
  const config = program.tiers;
  if (!config) return 0;
  const due = await repo.findMembersDueForReview(trx, program.tenantId, program.id, asOf, limit);
  if (due.length === 0) return 0;
  const since =
    config.window.kind === 'rolling'
      ? addMonths(asOf, -config.window.months - 1)
      : addMonths(asOf, -26);
  const members = await loadWorkingMembers(trx, program, due, { qualifyingFrom: since });
  const batch = new Batch(program.tenantId, program.id);
  let changed = 0;
  for (const member of members.values()) {
    const window = reviewedWindowOf(
      config,
      member.tier.reviewAt ?? asOf,
      member.enrolledAt,
      program.timeZone,
    );
    const value = metricValue(program, member, window.start, new Date(window.end.getTime() - 1));
    const change = tierAtReview(
      config,
      member.tier,
      value,
      asOf,
      member.enrolledAt,
      program.timeZone,
      window,
    );
    if (change.kind !== 'none') changed += 1;
    recordTierChange(batch, member, change, asOf, null);
  }
  await flush(trx, batch, members.values());
  return changed;
}

/**
 * The birthdays (`MM-DD`) whose tier gifts are due `asOf`, in the program time zone: today's,
 * and 29 February on the 28th of a common year. None when no tier of the program gives one.
 */
export function birthdayGiftDays(program: Program, asOf: Date): string[] {
  if (!program.tiers?.levels.some((level) => level.privileges.birthdayGiftPoints > 0)) return [];
  const { year, month, day } = localDate(asOf, program.timeZone);
  const pad = (value: number) => String(value).padStart(2, '0');
  const days = [`${pad(month)}-${pad(day)}`];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && day === 28 && !leap) days.push('02-29');
  return days;
}

/**
 * Gives each of these customers who is a member in a tier with `birthdayGiftPoints` those
 * points, once per year: the caller passes the customers whose birthday it is `asOf` (in the
 * program time zone), and the lot's event id `birthday:<customer>:<year>` makes a second run
 * of the same year give nothing. Gifts have no return window. Returns the members gifted.
 */
export async function awardBirthdayGifts(
  trx: LoyaltyDb,
  program: Program,
  customerIds: readonly string[],
  asOf: Date,
): Promise<number> {
  const config = program.tiers;
  if (!config || customerIds.length === 0) return 0;
  if (!config.levels.some((level) => level.privileges.birthdayGiftPoints > 0)) return 0;
  const year = localDate(asOf, program.timeZone).year;
  const eventOf = (customerId: string) => `birthday:${customerId}:${year}`;
  const given = new Set(
    (await repo.findLotsByEvent(trx, program.tenantId, program.id, customerIds.map(eventOf))).map(
      (lot) => lot.customer_id,
    ),
  );
  const due = customerIds.filter((customerId) => !given.has(customerId));
  if (due.length === 0) return 0;
  const members = await loadWorkingMembers(trx, program, due, { qualifyingFrom: null });
  const batch = new Batch(program.tenantId, program.id);
  const gifts = { ...program, pendingDays: 0 };
  let gifted = 0;
  for (const member of members.values()) {
    const level = member.tier.since ? levelOf(config, member.tier.code) : null;
    const points = level?.privileges.birthdayGiftPoints ?? 0;
    if (!level || points <= 0) continue;
    awardFixed(
      gifts,
      batch,
      member,
      {
        points,
        eventId: eventOf(member.customerId),
        source: 'birthday',
        at: asOf,
        explanation: {
          why: 'birthday',
          reason: `birthday gift of tier ${level.code}`,
          tier: level.code,
          year,
        },
      },
      asOf,
    );
    gifted += 1;
  }
  syncNewLots(batch, members);
  await flush(trx, batch, members.values());
  return gifted;
}

// Merges ------------------------------------------------------------------------------------

/** The clearing account points pass through when a merged member's balance moves on. */
const MERGE_ACCOUNT = 'member_merge';

/**
 * Moves the balances of members merged away (`fromIds`) to the survivor, a member already,
 * under the lock of all of them: each open lot's points, then whatever else the balance holds
 * (a debt), leave the merged member by `merge` entries into `member_merge` and come out of it
 * to the survivor, explained "merged from <id>"; the wallet likewise. The survivor adds their
 * debt and lifetime counters, keeps the higher tier, and is upgraded if the combined
 * qualification reaches a higher one; the merged members are left at zero with no tier. The
 * caller moves the lots themselves and marks the members merged. Returns the points moved.
 */
export async function mergeMemberBalances(
  trx: LoyaltyDb,
  program: Program,
  survivorId: string,
  fromIds: readonly string[],
  now: Date,
): Promise<number> {
  const members = await loadWorkingMembers(trx, program, [survivorId, ...fromIds], {
    qualifyingFrom: program.tiers ? qualifyingSince(program, [now]) : null,
  });
  const survivor = members.get(survivorId);
  if (!survivor) throw new Error(`${survivorId} must be a member before others merge into it`);
  const batch = new Batch(program.tenantId, program.id);
  // A referral between customers now merged was one person referring itself: its bonuses go.
  const selfReferrals = await repo.findRewardedReferralsAmong(trx, program.tenantId, program.id, [
    survivorId,
    ...fromIds,
  ]);
  const bonusLots = selfReferrals.length
    ? await repo.findLotsByEvent(
        trx,
        program.tenantId,
        program.id,
        selfReferrals.flatMap((referral) =>
          ['referee', 'referrer'].map(
            (side) => `referral:${referral.qualifying_event_id ?? ''}:${side}`,
          ),
        ),
      )
    : [];
  const config = program.tiers;
  const rank = (code: string | null) =>
    config ? sortedLevels(config).findIndex((level) => level.code === code) : -1;
  let moved = 0;
  for (const fromId of fromIds) {
    const from = members.get(fromId);
    if (!from || fromId === survivorId) continue;
    const explanation = {
      why: 'merge',
      reason: `merged from ${fromId}`,
      fromCustomerId: fromId,
      toCustomerId: survivorId,
    };
    const entry = (member: WorkingMember, debit: string, credit: string) => ({
      tenant_id: program.tenantId,
      program_id: program.id,
      id: newId(),
      customer_id: member.customerId,
      at: now,
      kind: 'merge',
      debit_account: debit,
      credit_account: credit,
      explanation,
    });
    // A positive amount leaves `from` and reaches the survivor; a negative one (debt) goes back.
    const transfer = (account: string, points: number, lotId: string | null) => {
      if (points === 0) return;
      const [out, into] = points > 0 ? [account, MERGE_ACCOUNT] : [MERGE_ACCOUNT, account];
      const common = { points: Math.abs(points), lot_id: lotId, event_id: null };
      batch.entries.push(
        { ...entry(from, out, into), ...common, redemption_id: null, partner_id: null },
        { ...entry(survivor, into, out), ...common, redemption_id: null, partner_id: null },
      );
    };
    let lotsAvailable = 0;
    let lotsPending = 0;
    for (const lot of from.lots.values()) {
      if (lot.status === 'closed' || lot.remaining <= 0) continue;
      const pending = lot.status === 'pending';
      transfer(pending ? 'member_pending' : 'member_available', lot.remaining, lot.id);
      if (pending) lotsPending += lot.remaining;
      else lotsAvailable += lot.remaining;
      survivor.lots.set(lot.id, lot);
    }
    transfer('member_available', from.ledger.available - lotsAvailable, null);
    transfer('member_pending', from.ledger.pending - lotsPending, null);
    moved += from.ledger.available + from.ledger.pending;
    survivor.ledger = {
      available: survivor.ledger.available + from.ledger.available,
      pending: survivor.ledger.pending + from.ledger.pending,
      debt: survivor.ledger.debt + from.ledger.debt,
      lots: [...survivor.lots.values()],
    };
    from.lots.clear();
    from.ledger = { available: 0, pending: 0, debt: 0, lots: [] };
    if (from.wallet !== 0) {
      const [out, into] =
        from.wallet > 0 ? ['member_wallet', MERGE_ACCOUNT] : [MERGE_ACCOUNT, 'member_wallet'];
      for (const [member, debit, credit] of [
        [from, out, into],
        [survivor, into, out],
      ] as const)
        batch.walletEntries.push({
          ...entry(member, debit, credit),
          amount: Math.abs(from.wallet),
          event_id: null,
          idempotency_key: null,
          request_hash: null,
        });
      survivor.walletDelta += from.wallet;
      from.walletDelta -= from.wallet;
    }
    for (const [counter, column] of [
      ['earned', 'lifetime_earned'],
      ['redeemed', 'lifetime_redeemed'],
      ['expired', 'lifetime_expired'],
    ] as const) {
      survivor[counter] += Number(from.row[column]);
      from[counter] -= Number(from.row[column]);
    }
    if (
      from.lastActivityAt &&
      (!survivor.lastActivityAt || survivor.lastActivityAt < from.lastActivityAt)
    )
      survivor.lastActivityAt = from.lastActivityAt;
    survivor.qualifying.push(...from.qualifying);
    if (config && from.tier.code !== null && rank(from.tier.code) > rank(survivor.tier.code))
      recordTierChange(
        batch,
        survivor,
        {
          kind: 'upgrade',
          state: from.tier,
          reason: `kept the tier ${from.tier.code} of merged customer ${fromId}`,
          why: { why: 'merged', customerId: fromId },
        },
        now,
        null,
      );
    if (from.tier.code !== null)
      batch.tierChanges.push({
        tenant_id: program.tenantId,
        program_id: program.id,
        id: newId(),
        customer_id: fromId,
        at: now,
        kind: 'merge',
        from_code: from.tier.code,
        to_code: null,
        reason: `merged into ${survivorId}`,
        why: JSON.stringify({ why: 'mergedInto', customerId: survivorId } satisfies TierChangeWhy),
        event_id: null,
      });
    from.tier = noTier;
    from.changed = true;
    survivor.changed = true;
  }
  if (config) {
    const window = windowOf(config, now, survivor.enrolledAt, program.timeZone);
    const value = metricValue(program, survivor, window.start, window.end);
    const change = tierAfterActivity(
      config,
      survivor.tier,
      value,
      now,
      survivor.enrolledAt,
      program.timeZone,
    );
    // Only ever up: the merged history never takes a tier away.
    if (change.kind === 'upgrade') recordTierChange(batch, survivor, change, now, null);
  }
  for (const row of bonusLots) {
    // The lot as the survivor now holds it (moved above if still open), else as stored.
    const lot = survivor.lots.get(row.id) ?? lotOf(row);
    survivor.lots.set(lot.id, lot);
    const referral = selfReferrals.find((r) =>
      row.event_id?.startsWith(`referral:${r.qualifying_event_id ?? ''}:`),
    );
    reverseBonus(program, batch, survivor, lot, now, {
      why: 'referral_self',
      reason: 'the referrer and the referee were merged: one person referred itself',
      side: row.event_id?.endsWith(':referrer') ? 'referrer' : 'referee',
      code: referral?.code ?? null,
    });
  }
  await flush(trx, batch, members.values());
  return moved;
}

export function entryView(row: repo.EntryRow): LoyaltyEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    kind: row.kind as LoyaltyEntry['kind'],
    debit: row.debit_account,
    credit: row.credit_account,
    points: Number(row.points),
    lotId: row.lot_id,
    eventId: row.event_id,
    redemptionId: row.redemption_id,
    explanation: row.explanation,
  };
}

export { noTier };

/** A member's tier, progress to the next tier, and next expiry, as of `now`. */
export async function memberStatus(
  db: LoyaltyDb,
  program: Program,
  row: MemberRow,
  now: Date = new Date(),
) {
  const lots = await repo.findOpenLots(db, program.tenantId, program.id, [row.customer_id]);
  const member = memberOf(row, lots);
  let progress = null;
  let tier = null;
  const config = program.tiers;
  if (config) {
    const window = windowOf(config, now, member.enrolledAt, program.timeZone);
    const records = await repo.findQualifyingLots(
      db,
      program.tenantId,
      program.id,
      [row.customer_id],
      window.start,
    );
    member.qualifying = records.map((record) => ({
      lotId: record.id,
      earnedAt: record.earned_at.getTime(),
      points: Number(record.points),
      spend: Number(record.spend),
      source: record.source,
    }));
    const value = metricValue(program, member, window.start, window.end);
    const next = progressOf(config, member.tier, value);
    progress = {
      metric: config.metric,
      value,
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
      nextTier: next.nextTier
        ? { code: next.nextTier.code, name: next.nextTier.name, threshold: next.nextTier.threshold }
        : null,
      remaining: next.remaining,
    };
    const level = levelOf(config, member.tier.code);
    if (level && member.tier.since)
      tier = {
        code: level.code,
        name: level.name,
        since: member.tier.since.toISOString(),
        reviewAt: member.tier.reviewAt?.toISOString() ?? null,
        privileges: level.privileges,
      };
  }
  const expiring = lots
    .filter((lot) => lot.status !== 'closed' && lot.expires_at && Number(lot.remaining) > 0)
    .sort((a, b) => (a.expires_at?.getTime() ?? 0) - (b.expires_at?.getTime() ?? 0));
  const first = expiring[0]?.expires_at ?? null;
  const nextExpiry = first
    ? {
        at: first.toISOString(),
        points: expiring
          .filter((lot) => lot.expires_at?.getTime() === first.getTime())
          .reduce((acc, lot) => acc + Number(lot.remaining), 0),
      }
    : null;
  return { tier, progress, nextExpiry };
}

/** A partner awards points it issued (the tenant's points, owed by the partner); once per reference. */
export async function partnerEarn(
  trx: LoyaltyDb,
  program: Program,
  input: {
    partnerId: string;
    customerId: string;
    points: number;
    reference: string;
    at: Date;
    /** The partner's own date of the transaction, kept for the record. */
    occurredAt: Date | null;
  },
): Promise<{ points: number; lotId: string; replayed: boolean }> {
  return creditPoints(trx, program, {
    customerId: input.customerId,
    points: input.points,
    at: input.at,
    eventId: `partner:${input.partnerId}:${input.reference}`,
    keyField: 'reference',
    source: 'partner',
    account: 'partner_settlement',
    kind: 'partner_earn',
    partnerId: input.partnerId,
    activity: true,
    explanation: {
      partnerId: input.partnerId,
      reference: input.reference,
      ...(input.occurredAt ? { occurredAt: input.occurredAt.toISOString() } : {}),
      why: 'partner',
      reason: 'awarded by a partner',
    },
  });
}

/**
 * Staff credit points by hand: service recovery after a complaint, a goodwill gesture, or a
 * correction; once per idempotency key. The points are the program's own (issued), available
 * at once and expiring as the program's points do; they count as earned but are not the
 * member's activity (no tier qualification, no reset of an inactivity clock).
 */
export async function adjustPoints(
  trx: LoyaltyDb,
  program: Program,
  input: {
    customerId: string;
    points: number;
    reason: string;
    note: string | null;
    idempotencyKey: string;
    actorId: string | null;
    at: Date;
  },
): Promise<{ points: number; lotId: string; replayed: boolean }> {
  return creditPoints(trx, program, {
    customerId: input.customerId,
    points: input.points,
    at: input.at,
    eventId: `adjust:${input.idempotencyKey}`,
    keyField: 'idempotencyKey',
    source: 'adjustment',
    account: 'program_issued',
    kind: 'adjust',
    partnerId: null,
    activity: false,
    explanation: {
      why: 'adjustment',
      adjustment: input.reason,
      note: input.note,
      by: input.actorId,
      reason: `credited by hand (${input.reason})`,
    },
  });
}

/**
 * Credits a lot of fixed points, available at once, from `account`; once per `eventId` (the
 * same customer and points replay, anything else is a conflict on `keyField`).
 */
async function creditPoints(
  trx: LoyaltyDb,
  program: Program,
  input: {
    customerId: string;
    points: number;
    at: Date;
    eventId: string;
    keyField: string;
    source: string;
    account: 'partner_settlement' | 'program_issued';
    kind: 'partner_earn' | 'adjust';
    partnerId: string | null;
    /** Whether the credit is the member's own activity (it moves the inactivity clock). */
    activity: boolean;
    explanation: Record<string, unknown>;
  },
): Promise<{ points: number; lotId: string; replayed: boolean }> {
  const { eventId } = input;
  const [existing] = await repo.findLotsByEvent(trx, program.tenantId, program.id, [eventId]);
  if (existing) {
    if (existing.customer_id !== input.customerId || Number(existing.points) !== input.points)
      throw new AppError(
        'IDEMPOTENCY_CONFLICT',
        `The ${input.keyField} was used with a different body.`,
        [{ field: input.keyField, message: 'reused with a different body', reason: 'reused' }],
      );
    return { points: input.points, lotId: existing.id, replayed: true };
  }
  const members = await loadWorkingMembers(trx, program, [input.customerId], {
    qualifyingFrom: null,
    enrol: new Map([[input.customerId, input.at]]),
  });
  const member = members.get(input.customerId);
  if (!member) throw new Error('member row vanished under lock');
  const batch = new Batch(program.tenantId, program.id);
  const lotId = newId();
  const expiresAt = expiryOf(program, input.at);
  member.lots.set(lotId, {
    id: lotId,
    points: input.points,
    remaining: 0,
    status: 'closed',
    expiresAt: expiresAt?.getTime() ?? null,
    earnedAt: input.at.getTime(),
    row: { event_id: eventId, spend: 0, source: input.source, cashback: 0 },
    refundedSpend: 0,
    reversedPoints: 0,
    lines: [],
    ruleUsage: [],
    dirty: false,
    linesDirty: false,
  });
  const plan = planEarn(
    member.ledger,
    { id: lotId, points: input.points, pending: false },
    input.account,
  );
  commitPlan(batch, member, plan, {
    kind: input.kind,
    at: input.at,
    eventId,
    partnerId: input.partnerId,
    explanation: input.explanation,
  });
  member.earned += input.points;
  if (input.activity && (!member.lastActivityAt || member.lastActivityAt < input.at))
    member.lastActivityAt = input.at;
  batch.newLots.push({
    tenant_id: program.tenantId,
    program_id: program.id,
    id: lotId,
    customer_id: input.customerId,
    event_id: eventId,
    source: input.source,
    points: input.points,
    remaining: 0,
    status: 'closed',
    earned_at: input.at,
    available_at: input.at,
    expires_at: expiresAt,
    spend: 0,
    refunded_spend: 0,
    reversed_points: 0,
    lines: [],
    rule_usage: [],
  });
  syncNewLots(batch, members);
  await flush(trx, batch, members.values());
  return { points: input.points, lotId, replayed: false };
}

/** Spends money from the member's cashback wallet; once per key, never below zero. */
export async function spendWallet(
  trx: LoyaltyDb,
  program: Program,
  input: { customerId: string; amount: number; idempotencyKey: string; requestHash: string },
  now: Date = new Date(),
): Promise<{ amount: number; balance: number; replayed: boolean }> {
  const [row] = await repo.lockMembers(trx, program.tenantId, program.id, [input.customerId]);
  const existing = await repo.findWalletSpend(
    trx,
    program.tenantId,
    program.id,
    input.idempotencyKey,
  );
  if (existing) {
    if (existing.request_hash !== input.requestHash)
      throw new AppError('IDEMPOTENCY_CONFLICT', 'The key was used with a different request.', [
        { field: 'idempotencyKey', message: 'reused with a different body', reason: 'reused' },
      ]);
    return {
      amount: Number(existing.amount),
      balance: Number(row?.wallet_balance ?? 0),
      replayed: true,
    };
  }
  // Not a member (another tenant's customer, say): 404 as the wallet's read answers, not 0 left.
  if (!row)
    throw new AppError(
      'NOT_FOUND',
      `The customer ${input.customerId} is not a member of this program.`,
    );
  const balance = Number(row.wallet_balance);
  if (balance < input.amount)
    throw new AppError('CONFLICT', `The wallet holds ${balance}; ${input.amount} requested.`, [
      {
        field: 'amount',
        message: `wallet balance ${balance}`,
        reason: 'insufficient',
        params: { available: balance },
      },
    ]);
  await repo.insertWalletEntries(trx, [
    {
      tenant_id: program.tenantId,
      program_id: program.id,
      id: newId(),
      customer_id: input.customerId,
      at: now,
      kind: 'spend',
      debit_account: 'member_wallet',
      credit_account: 'program_wallet_spent',
      amount: input.amount,
      event_id: null,
      idempotency_key: input.idempotencyKey,
      request_hash: input.requestHash,
      explanation: { idempotencyKey: input.idempotencyKey },
    },
  ]);
  await repo.addWalletDelta(trx, program.tenantId, program.id, input.customerId, -input.amount);
  return { amount: input.amount, balance: balance - input.amount, replayed: false };
}
