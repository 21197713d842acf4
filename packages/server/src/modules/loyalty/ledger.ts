// The points ledger's pure core: accounts, transfers, lots and the plans that move points
// between them. No I/O and no clock: the service locks a member, loads its lots, asks these
// functions for a plan, and writes the plan's transfers and lot changes in one transaction.
//
// Like TigerBeetle, every movement is a transfer that debits one account and credits another
// by a positive amount; balances are derived (credits − debits), so the sum of every account
// is always zero and a member's balance always equals the sum of its entries.

/** Ledger accounts. Member accounts are per (program, customer); the others per program. */
export const accounts = [
  'program_issued',
  'member_pending',
  'member_available',
  'program_redeemed',
  'program_expired',
  'partner_settlement',
] as const;
export type Account = (typeof accounts)[number];

export interface Transfer {
  debit: Account;
  credit: Account;
  /** Always a positive integer. */
  points: number;
  /** The lot the points come from or go to; null for a shortfall booked as a negative balance. */
  lotId: string | null;
}

export interface Lot {
  id: string;
  /** Points the lot was awarded with. */
  points: number;
  /** Points still unspent, unexpired, unreversed. */
  remaining: number;
  status: 'pending' | 'available' | 'closed';
  /** Epoch ms; null = never expires by date. */
  expiresAt: number | null;
  earnedAt: number;
}

export interface MemberLedger {
  available: number;
  pending: number;
  /**
   * Points reversed after they were spent, under the `negative` refund policy: the member
   * owes them, `available` already shows them, and the next points to become available pay
   * them back. Invariant: available = Σ remaining of available lots − debt.
   */
  debt: number;
  lots: Lot[];
}

export type RefundPolicy = 'negative' | 'clawback';

export interface Plan {
  transfers: Transfer[];
  /** New `remaining` (and status) of every lot the plan touches. */
  lots: { id: string; remaining: number; status: Lot['status'] }[];
  debt: number;
  available: number;
  pending: number;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Soonest-expiring first; lots that never expire last; then oldest first, then by id. */
export function compareLotsForSpending(a: Lot, b: Lot): number {
  const ax = a.expiresAt ?? Number.POSITIVE_INFINITY;
  const bx = b.expiresAt ?? Number.POSITIVE_INFINITY;
  if (ax !== bx) return ax < bx ? -1 : 1;
  if (a.earnedAt !== b.earnedAt) return a.earnedAt - b.earnedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Takes `points` from available lots, soonest-expiring first. Never takes more than a lot holds. */
export function allocateLots(
  lots: readonly Lot[],
  points: number,
  status: Lot['status'] = 'available',
): { allocations: { lotId: string; points: number }[]; shortfall: number } {
  const candidates = lots
    .filter((lot) => lot.status === status && lot.remaining > 0)
    .sort(compareLotsForSpending);
  const allocations: { lotId: string; points: number }[] = [];
  let left = points;
  for (const lot of candidates) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    allocations.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return { allocations, shortfall: left };
}

function assertPoints(points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0)
    throw new RangeError(`points must be a positive integer, got ${points}`);
}

function emptyPlan(member: MemberLedger): Plan {
  return {
    transfers: [],
    lots: [],
    debt: member.debt,
    available: member.available,
    pending: member.pending,
  };
}

/** Pays debt back from a lot that just became available; no transfer (available already shows it). */
function settleDebt(plan: Plan, lot: { id: string; remaining: number; status: Lot['status'] }) {
  const settled = Math.min(plan.debt, lot.remaining);
  if (settled === 0) return lot;
  plan.debt -= settled;
  const remaining = lot.remaining - settled;
  return { id: lot.id, remaining, status: remaining === 0 ? ('closed' as const) : lot.status };
}

/** Awards a new lot: to pending when it has a pending period, else straight to available. */
export function planEarn(
  member: MemberLedger,
  lot: { id: string; points: number; pending: boolean },
  source: Account = 'program_issued',
): Plan {
  assertPoints(lot.points);
  const plan = emptyPlan(member);
  if (lot.pending) {
    plan.transfers.push({
      debit: source,
      credit: 'member_pending',
      points: lot.points,
      lotId: lot.id,
    });
    plan.pending += lot.points;
    plan.lots.push({ id: lot.id, remaining: lot.points, status: 'pending' });
  } else {
    plan.transfers.push({
      debit: source,
      credit: 'member_available',
      points: lot.points,
      lotId: lot.id,
    });
    plan.available += lot.points;
    plan.lots.push(settleDebt(plan, { id: lot.id, remaining: lot.points, status: 'available' }));
  }
  return plan;
}

/** A pending lot's return window closed: its remaining points become available. */
export function planRelease(member: MemberLedger, lotId: string): Plan {
  const plan = emptyPlan(member);
  const lot = member.lots.find((candidate) => candidate.id === lotId);
  if (!lot || lot.status !== 'pending') return plan;
  if (lot.remaining > 0) {
    plan.transfers.push({
      debit: 'member_pending',
      credit: 'member_available',
      points: lot.remaining,
      lotId,
    });
    plan.pending -= lot.remaining;
    plan.available += lot.remaining;
  }
  plan.lots.push(
    settleDebt(plan, {
      id: lotId,
      remaining: lot.remaining,
      status: lot.remaining > 0 ? 'available' : 'closed',
    }),
  );
  return plan;
}

/** Spends points, soonest-expiring lots first; refuses to take the balance below zero. */
export function planRedemption(
  member: MemberLedger,
  points: number,
  sink: Account = 'program_redeemed',
): Result<Plan, { code: 'INSUFFICIENT_POINTS'; available: number }> {
  assertPoints(points);
  if (member.available < points)
    return { ok: false, error: { code: 'INSUFFICIENT_POINTS', available: member.available } };
  const { allocations, shortfall } = allocateLots(member.lots, points);
  // available = Σ lots − debt ≥ points, so the lots always cover it.
  if (shortfall > 0) throw new Error('ledger invariant broken: lots do not cover the balance');
  const plan = emptyPlan(member);
  for (const allocation of allocations) {
    plan.transfers.push({
      debit: 'member_available',
      credit: sink,
      points: allocation.points,
      lotId: allocation.lotId,
    });
    const lot = member.lots.find((candidate) => candidate.id === allocation.lotId);
    const remaining = (lot?.remaining ?? 0) - allocation.points;
    plan.lots.push({
      id: allocation.lotId,
      remaining,
      status: remaining === 0 ? 'closed' : 'available',
    });
  }
  plan.available -= points;
  return { ok: true, value: plan };
}

/** Expires what is left of a lot. */
export function planExpiry(member: MemberLedger, lotId: string): Plan {
  const plan = emptyPlan(member);
  const lot = member.lots.find((candidate) => candidate.id === lotId);
  if (!lot || lot.status === 'closed') return plan;
  let remaining = lot.remaining;
  if (lot.status === 'available') {
    // Points the member owes (debt) are paid from this lot before the rest expires.
    const settled = Math.min(plan.debt, remaining);
    plan.debt -= settled;
    remaining -= settled;
  }
  if (remaining > 0) {
    const from: Account = lot.status === 'pending' ? 'member_pending' : 'member_available';
    plan.transfers.push({ debit: from, credit: 'program_expired', points: remaining, lotId });
    if (from === 'member_pending') plan.pending -= remaining;
    else plan.available -= remaining;
  }
  plan.lots.push({ id: lotId, remaining: 0, status: 'closed' });
  return plan;
}

export interface ReversalOutcome {
  plan: Plan;
  /** Points taken back from the refunded purchase's own lot. */
  fromLot: number;
  /** Points taken from other lots because the purchase's points were already spent. */
  clawedBack: { lotId: string; points: number }[];
  /** Points booked as a negative balance (debt) because nothing was left to take. */
  negative: number;
}

/**
 * Takes back `points` earned by a lot (a refund). First from the lot itself; what was already
 * spent is handled by the program's policy — `clawback` takes it from the member's other lots
 * (soonest-expiring first, then pending ones), `negative` books it as debt — and whatever
 * still cannot be covered becomes debt too. Never silently dropped: the outcome says where
 * every point came from.
 */
export function planReversal(
  member: MemberLedger,
  lotId: string,
  points: number,
  policy: RefundPolicy,
  sink: Account = 'program_issued',
): ReversalOutcome {
  assertPoints(points);
  const plan = emptyPlan(member);
  const lot = member.lots.find((candidate) => candidate.id === lotId);
  let left = points;
  let fromLot = 0;
  if (lot && lot.status !== 'closed' && lot.remaining > 0) {
    fromLot = Math.min(lot.remaining, left);
    const from: Account = lot.status === 'pending' ? 'member_pending' : 'member_available';
    plan.transfers.push({ debit: from, credit: sink, points: fromLot, lotId });
    if (from === 'member_pending') plan.pending -= fromLot;
    else plan.available -= fromLot;
    const remaining = lot.remaining - fromLot;
    plan.lots.push({ id: lotId, remaining, status: remaining === 0 ? 'closed' : lot.status });
    left -= fromLot;
  }
  const clawedBack: { lotId: string; points: number }[] = [];
  if (left > 0 && policy === 'clawback') {
    const others = member.lots.filter((candidate) => candidate.id !== lotId);
    // The debt already owed has a claim on available lots before this claw-back does.
    const reserved = allocateLots(others, member.debt);
    const free = others.map((candidate) => {
      const taken = reserved.allocations.find((a) => a.lotId === candidate.id)?.points ?? 0;
      return { ...candidate, remaining: candidate.remaining - taken };
    });
    for (const status of ['available', 'pending'] as const) {
      if (left === 0) break;
      const { allocations } = allocateLots(free, left, status);
      for (const allocation of allocations) {
        const other = others.find((candidate) => candidate.id === allocation.lotId);
        if (!other) continue;
        const from: Account = status === 'pending' ? 'member_pending' : 'member_available';
        plan.transfers.push({
          debit: from,
          credit: sink,
          points: allocation.points,
          lotId: other.id,
        });
        if (from === 'member_pending') plan.pending -= allocation.points;
        else plan.available -= allocation.points;
        const remaining = other.remaining - allocation.points;
        plan.lots.push({
          id: other.id,
          remaining,
          status: remaining === 0 ? 'closed' : other.status,
        });
        clawedBack.push(allocation);
        left -= allocation.points;
      }
    }
  }
  const negative = left;
  if (negative > 0) {
    plan.transfers.push({ debit: 'member_available', credit: sink, points: negative, lotId: null });
    plan.available -= negative;
    plan.debt += negative;
  }
  return { plan, fromLot, clawedBack, negative };
}

/** Applies a plan to an in-memory member (the model the property tests check the service against). */
export function applyPlan(member: MemberLedger, plan: Plan, newLots: Lot[] = []): MemberLedger {
  const lots = [...member.lots, ...newLots].map((lot) => {
    const change = plan.lots.find((candidate) => candidate.id === lot.id);
    return change ? { ...lot, remaining: change.remaining, status: change.status } : lot;
  });
  return { available: plan.available, pending: plan.pending, debt: plan.debt, lots };
}

/** Balances derived from transfers: credits − debits per account. */
export function balancesOf(transfers: readonly Transfer[]): Record<Account, number> {
  const balances = Object.fromEntries(accounts.map((account) => [account, 0])) as Record<
    Account,
    number
  >;
  for (const transfer of transfers) {
    balances[transfer.credit] += transfer.points;
    balances[transfer.debit] -= transfer.points;
  }
  return balances;
}

/**
 * Splits `total` over `weights` in proportion, as integers that add up to `total` exactly
 * (largest remainder). Used to attribute a purchase's points to its lines.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + Math.max(0, weight), 0);
  if (sum === 0 || weights.length === 0)
    return weights.map((_, index) => (index === 0 ? total : 0));
  const exact = weights.map((weight) => (total * Math.max(0, weight)) / sum);
  const floors = exact.map(Math.floor);
  let left = total - floors.reduce((acc, value) => acc + value, 0);
  const order = exact
    .map((value, index) => ({ index, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    floors[index] = (floors[index] ?? 0) + 1;
    left -= 1;
  }
  return floors;
}

/**
 * How many of a line's points a refund takes back, given everything refunded of that line so
 * far: proportional to the money refunded, rounded up so partial refunds can never farm
 * points, and exactly all of them once the line is fully refunded. Cumulative, so many small
 * refunds reverse the same total as one big one.
 */
export function pointsToReverse(
  linePoints: number,
  lineAmount: number,
  refundedBefore: number,
  refundedNow: number,
): number {
  return linePointsToReverse(
    { points: linePoints, amount: lineAmount, quantity: 0 },
    { amount: refundedBefore, quantity: 0 },
    { amount: refundedNow, quantity: 0 },
  );
}

/** What of a purchase line has been refunded: money and units. */
export interface LineRefunded {
  amount: number;
  quantity: number;
}

/**
 * How many of a line's points a refund takes back, by money or by units, whichever returns the
 * larger share: points per item were earned by units, so a free item given back (amount 0)
 * must still return its points. Rounded up and cumulative like `pointsToReverse`; all of them
 * once the line's money or its units are all refunded. A line stored without its quantity
 * (`quantity` 0) goes by money alone.
 */
export function linePointsToReverse(
  line: { points: number; amount: number; quantity: number },
  before: LineRefunded,
  now: LineRefunded,
): number {
  if (line.points <= 0) return 0;
  const share = (refunded: LineRefunded) => {
    const all =
      (line.amount > 0 && refunded.amount >= line.amount) ||
      (line.quantity > 0 && refunded.quantity >= line.quantity);
    if (all) return line.points;
    const byMoney = line.amount > 0 ? Math.ceil((line.points * refunded.amount) / line.amount) : 0;
    const byUnits =
      line.quantity > 0 ? Math.ceil((line.points * refunded.quantity) / line.quantity) : 0;
    return Math.max(byMoney, byUnits);
  };
  const after = { amount: before.amount + now.amount, quantity: before.quantity + now.quantity };
  return Math.max(0, share(after) - share(before));
}

/**
 * How much of a capped rule's usage a lot gives back once `reversed` of its `lotPoints` are
 * reversed: the rule's share of what was reversed, rounded down, and all of it once the lot is
 * fully reversed. Cumulative, so refunds restore at most what the rule used, however many.
 */
export function capUsageRestored(used: number, lotPoints: number, reversed: number): number {
  if (used <= 0 || lotPoints <= 0 || reversed <= 0) return 0;
  if (reversed >= lotPoints) return used;
  return Math.floor((used * reversed) / lotPoints);
}
