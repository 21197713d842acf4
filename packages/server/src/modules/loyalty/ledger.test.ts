import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allocateLots,
  applyPlan,
  apportion,
  balancesOf,
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
  type RefundPolicy,
  type Transfer,
} from './ledger.ts';

const lot = (id: string, remaining: number, expiresAt: number | null, earnedAt = 0): Lot => ({
  id,
  points: remaining,
  remaining,
  status: 'available',
  expiresAt,
  earnedAt,
});

describe('allocateLots', () => {
  it.each([
    {
      name: 'soonest-expiring first',
      lots: [lot('a', 10, 300), lot('b', 10, 100), lot('c', 10, 200)],
      points: 15,
      expected: [
        { lotId: 'b', points: 10 },
        { lotId: 'c', points: 5 },
      ],
    },
    {
      name: 'lots that never expire go last',
      lots: [lot('a', 10, null), lot('b', 10, 900)],
      points: 12,
      expected: [
        { lotId: 'b', points: 10 },
        { lotId: 'a', points: 2 },
      ],
    },
    {
      name: 'same expiry: oldest earned first',
      lots: [lot('a', 5, 100, 50), lot('b', 5, 100, 10)],
      points: 5,
      expected: [{ lotId: 'b', points: 5 }],
    },
  ])('$name', ({ lots, points, expected }) => {
    expect(allocateLots(lots, points)).toEqual({ allocations: expected, shortfall: 0 });
  });

  it('reports a shortfall instead of over-spending a lot', () => {
    expect(allocateLots([lot('a', 3, 1)], 5)).toEqual({
      allocations: [{ lotId: 'a', points: 3 }],
      shortfall: 2,
    });
  });
});

describe('apportion', () => {
  it.each([
    { total: 10, weights: [1, 1, 1], expected: [4, 3, 3] },
    { total: 7, weights: [500, 250, 250], expected: [3, 2, 2] },
    { total: 0, weights: [3, 4], expected: [0, 0] },
    { total: 5, weights: [0, 0], expected: [5, 0] },
  ])('apportion($total, $weights)', ({ total, weights, expected }) => {
    expect(apportion(total, weights)).toEqual(expected);
  });

  it('always adds up exactly and never goes negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = apportion(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          expect(parts.every((part) => part >= 0)).toBe(true);
        },
      ),
    );
  });
});

describe('pointsToReverse', () => {
  it.each([
    { points: 10, amount: 1000, before: 0, now: 1000, expected: 10 },
    { points: 10, amount: 1000, before: 0, now: 500, expected: 5 },
    { points: 3, amount: 100, before: 0, now: 1, expected: 1 },
    { points: 3, amount: 100, before: 99, now: 1, expected: 0 },
    { points: 0, amount: 100, before: 0, now: 100, expected: 0 },
  ])('$points points, $amount, refunded $before then $now', (c) => {
    expect(pointsToReverse(c.points, c.amount, c.before, c.now)).toBe(c.expected);
  });

  it('many small refunds reverse exactly what one full refund does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 30 }),
        (points, amount, pieces) => {
          let refunded = 0;
          let reversed = 0;
          for (const piece of pieces) {
            const now = Math.min(piece, amount - refunded);
            if (now <= 0) break;
            reversed += pointsToReverse(points, amount, refunded, now);
            refunded += now;
            // Never reverses less than the refunded share (no farming by partial refunds).
            expect(reversed).toBeGreaterThanOrEqual((points * refunded) / amount);
          }
          if (refunded === amount) expect(reversed).toBe(points);
          expect(reversed).toBeLessThanOrEqual(points);
        },
      ),
    );
  });
});

describe('linePointsToReverse', () => {
  it.each([
    { line: [500, 0, 5], before: [0, 0], now: [0, 5], expected: 500, why: 'free items given back' },
    {
      line: [500, 0, 5],
      before: [0, 0],
      now: [0, 2],
      expected: 200,
      why: 'two of five free items',
    },
    { line: [100, 1000, 5], before: [0, 0], now: [200, 0], expected: 20, why: 'money alone' },
    { line: [100, 1000, 5], before: [0, 0], now: [100, 2], expected: 40, why: 'units weigh more' },
    { line: [100, 1000, 5], before: [900, 0], now: [100, 0], expected: 10, why: 'the last money' },
    {
      line: [100, 1000, 0],
      before: [0, 0],
      now: [500, 3],
      expected: 50,
      why: 'no stored quantity',
    },
  ])('$why', (c) => {
    const [points, amount, quantity] = c.line as [number, number, number];
    expect(
      linePointsToReverse(
        { points, amount, quantity },
        { amount: c.before[0]!, quantity: c.before[1]! },
        { amount: c.now[0]!, quantity: c.now[1]! },
      ),
    ).toBe(c.expected);
  });

  it('never reverses more than the line earned, and all of it once everything is back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.nat(100_000), fc.nat(50)), { minLength: 1, maxLength: 20 }),
        (points, amount, quantity, pieces) => {
          const refunded = { amount: 0, quantity: 0 };
          let reversed = 0;
          for (const [money, units] of pieces) {
            const now = {
              amount: Math.min(money, amount - refunded.amount),
              quantity: Math.min(units, quantity - refunded.quantity),
            };
            reversed += linePointsToReverse({ points, amount, quantity }, refunded, now);
            refunded.amount += now.amount;
            refunded.quantity += now.quantity;
          }
          expect(reversed).toBeLessThanOrEqual(points);
          if (refunded.quantity === quantity || (amount > 0 && refunded.amount === amount))
            expect(reversed).toBe(points);
        },
      ),
    );
  });
});

describe('capUsageRestored', () => {
  it('gives a capped rule back its share of what a lot reversed, never more than it used', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(fc.integer({ min: 1, max: 2_000 }), { minLength: 1, maxLength: 20 }),
        (used, others, pieces) => {
          const lotPoints = used + others;
          let reversed = 0;
          let restored = 0;
          for (const piece of pieces) {
            const now = Math.min(piece, lotPoints - reversed);
            restored +=
              capUsageRestored(used, lotPoints, reversed + now) -
              capUsageRestored(used, lotPoints, reversed);
            reversed += now;
            expect(restored).toBeLessThanOrEqual((used * reversed) / lotPoints);
          }
          if (reversed === lotPoints) expect(restored).toBe(used);
        },
      ),
    );
  });
});

describe('plans', () => {
  const empty: MemberLedger = { available: 0, pending: 0, debt: 0, lots: [] };

  it('refuses a redemption above the balance and changes nothing', () => {
    const member = applyPlan(empty, planEarn(empty, { id: 'l1', points: 100, pending: false }), [
      lot('l1', 100, null),
    ]);
    const result = planRedemption(member, 101);
    expect(result).toEqual({ ok: false, error: { code: 'INSUFFICIENT_POINTS', available: 100 } });
  });

  it('reverses a spent purchase by clawing back from other lots, then as debt', () => {
    let member: MemberLedger = empty;
    member = applyPlan(member, planEarn(member, { id: 'p', points: 50, pending: false }), [
      lot('p', 50, 100),
    ]);
    member = applyPlan(member, planEarn(member, { id: 'q', points: 20, pending: false }), [
      lot('q', 20, 200),
    ]);
    const spent = planRedemption(member, 40);
    if (!spent.ok) throw new Error('expected ok');
    member = applyPlan(member, spent.value); // p: 10 left, q: 20
    const outcome = planReversal(member, 'p', 50, 'clawback');
    expect(outcome.fromLot).toBe(10);
    expect(outcome.clawedBack).toEqual([{ lotId: 'q', points: 20 }]);
    expect(outcome.negative).toBe(20);
    expect(outcome.plan.available).toBe(-20);
    expect(outcome.plan.debt).toBe(20);
    const negative = planReversal(member, 'p', 50, 'negative');
    expect(negative.clawedBack).toEqual([]);
    expect(negative.negative).toBe(40);
    expect(negative.plan.available).toBe(-20);
  });

  it('pays debt back from the next points that become available', () => {
    const member: MemberLedger = { available: -30, pending: 0, debt: 30, lots: [] };
    const plan = planEarn(member, { id: 'n', points: 100, pending: false });
    expect(plan.available).toBe(70);
    expect(plan.debt).toBe(0);
    expect(plan.lots).toEqual([{ id: 'n', remaining: 70, status: 'available' }]);
  });
});

// The model: random operations on one member; every invariant of the ledger checked after each.
type Op =
  | { kind: 'earn'; points: number; pending: boolean; expiresAt: number | null }
  | { kind: 'release'; pick: number }
  | { kind: 'redeem'; points: number }
  | { kind: 'expire'; pick: number }
  | { kind: 'reverse'; pick: number; points: number; policy: RefundPolicy };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('earn' as const),
    points: fc.integer({ min: 1, max: 500 }),
    pending: fc.boolean(),
    expiresAt: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 700 }) }),
  fc.record({ kind: fc.constant('expire' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('reverse' as const),
    pick: fc.nat(),
    points: fc.integer({ min: 1, max: 500 }),
    policy: fc.constantFrom<RefundPolicy>('negative', 'clawback'),
  }),
);

describe('ledger model (property)', () => {
  it('keeps balances equal to the sum of transfers, lots never over-spent, no overdraft by redemption', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        let member: MemberLedger = { available: 0, pending: 0, debt: 0, lots: [] };
        const transfers: Transfer[] = [];
        const debitedFromLot = new Map<string, number>();
        const reversedOf = new Map<string, number>();
        let counter = 0;
        for (const op of ops) {
          const before = member;
          const pick = (n: number) => member.lots[n % Math.max(1, member.lots.length)];
          if (op.kind === 'earn') {
            const id = `l${counter++}`;
            const plan = planEarn(member, { id, points: op.points, pending: op.pending });
            const newLot: Lot = {
              id,
              points: op.points,
              remaining: op.points,
              status: op.pending ? 'pending' : 'available',
              expiresAt: op.expiresAt,
              earnedAt: counter,
            };
            member = applyPlan(member, plan, [newLot]);
            transfers.push(...plan.transfers);
          } else if (op.kind === 'release') {
            const target = pick(op.pick);
            if (!target) continue;
            const plan = planRelease(member, target.id);
            member = applyPlan(member, plan);
            transfers.push(...plan.transfers);
          } else if (op.kind === 'redeem') {
            const result = planRedemption(member, op.points);
            if (!result.ok) {
              expect(before.available).toBeLessThan(op.points);
              continue;
            }
            member = applyPlan(member, result.value);
            transfers.push(...result.value.transfers);
            expect(member.available).toBeGreaterThanOrEqual(0);
          } else if (op.kind === 'expire') {
            const target = pick(op.pick);
            if (!target) continue;
            const plan = planExpiry(member, target.id);
            member = applyPlan(member, plan);
            transfers.push(...plan.transfers);
          } else {
            const target = pick(op.pick);
            if (!target) continue;
            // A refund can never reverse more than the lot earned.
            const already = reversedOf.get(target.id) ?? 0;
            const points = Math.min(op.points, target.points - already);
            if (points <= 0) continue;
            reversedOf.set(target.id, already + points);
            const outcome = planReversal(member, target.id, points, op.policy);
            expect(
              outcome.fromLot +
                outcome.negative +
                outcome.clawedBack.reduce((a, c) => a + c.points, 0),
            ).toBe(points);
            member = applyPlan(member, outcome.plan);
            transfers.push(...outcome.plan.transfers);
          }
          for (const transfer of transfers.slice(-20)) {
            expect(transfer.points).toBeGreaterThan(0);
          }
          const balances = balancesOf(transfers);
          expect(balances.member_available).toBe(member.available);
          expect(balances.member_pending).toBe(member.pending);
          expect(Object.values(balances).reduce((a, b) => a + b, 0)).toBe(0);
          const availableLots = member.lots
            .filter((candidate) => candidate.status === 'available')
            .reduce((acc, candidate) => acc + candidate.remaining, 0);
          const pendingLots = member.lots
            .filter((candidate) => candidate.status === 'pending')
            .reduce((acc, candidate) => acc + candidate.remaining, 0);
          expect(member.available).toBe(availableLots - member.debt);
          expect(member.pending).toBe(pendingLots);
          expect(member.debt).toBeGreaterThanOrEqual(0);
          for (const candidate of member.lots) {
            expect(candidate.remaining).toBeGreaterThanOrEqual(0);
            expect(candidate.remaining).toBeLessThanOrEqual(candidate.points);
          }
        }
        debitedFromLot.clear();
        for (const transfer of transfers) {
          if (transfer.lotId && transfer.debit !== 'program_issued') {
            debitedFromLot.set(
              transfer.lotId,
              (debitedFromLot.get(transfer.lotId) ?? 0) + transfer.points,
            );
          }
        }
        // Every lot is spent at most once: what left it never exceeds what it held.
        for (const candidate of member.lots) {
          const out =
            (debitedFromLot.get(candidate.id) ?? 0) -
            transfers
              .filter(
                (t) =>
                  t.lotId === candidate.id &&
                  t.debit === 'member_pending' &&
                  t.credit === 'member_available',
              )
              .reduce((acc, t) => acc + t.points, 0);
          expect(out).toBeLessThanOrEqual(candidate.points);
        }
      }),
      { numRuns: 300 },
    );
  });
});
