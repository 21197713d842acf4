// A member's points history as both the staff's and the member's page read it.
import type { LoyaltyHistoryEntry } from '@fidelis/contracts';
import { decodeCursor, encodeCursor } from '../platform/index.ts';
import * as repo from './loyalty.repository.ts';
import type { EntryRow, LoyaltyDb } from './loyalty.repository.ts';
import { entryView } from './ledger.service.ts';
import { historyGroupKey, readHistoryPage, spendOrder } from './history-items.ts';
import { loyaltyRecordNames } from './record-names.repository.ts';
import type { Program } from './programs.service.ts';

type Position = { at: string; group: string; id: string };

/** A cursor of this history; one of the server before redemptions were grouped reads as its entry. */
function decodeHistoryCursor(cursor: string): Position {
  try {
    return decodeCursor(cursor, { at: 'instant', group: 'uuid', id: 'uuid' });
  } catch {
    const old = decodeCursor(cursor, { at: 'instant', id: 'uuid' });
    return { ...old, group: old.id };
  }
}

const positionOf = (row: EntryRow): Position => ({
  at: row.at.toISOString(),
  group: historyGroupKey(row),
  id: row.id,
});

/**
 * The position a cursor stands for: its entry's position now, found by the entry's id, so a
 * cursor given out before an item's entries were ordered together (an expiry's, a merge's)
 * still starts after its entry; as the cursor says when the entry is not the member's.
 */
async function cursorPosition(
  db: LoyaltyDb,
  program: Program,
  customerId: string,
  cursor: string,
): Promise<Position> {
  const position = decodeHistoryCursor(cursor);
  const row = await repo.findMemberEntry(db, program.tenantId, program.id, customerId, position.id);
  return row ? positionOf(row) : position;
}

/**
 * An item of several entries: points the net sum in the direction of the first entry's
 * accounts (a merge moves lots one way and a debt the other), turned round when that is negative.
 */
function netOf(
  group: readonly EntryRow[],
): Pick<LoyaltyHistoryEntry, 'debit' | 'credit' | 'points'> {
  const first = group[0]!;
  const net = group.reduce(
    (sum, row) => sum + (row.debit_account === first.debit_account ? 1 : -1) * Number(row.points),
    0,
  );
  return net < 0
    ? { debit: first.credit_account, credit: first.debit_account, points: -net }
    : { debit: first.debit_account, credit: first.credit_account, points: net };
}

/**
 * A page of a member's history, newest first: each entry an item, except a redemption's
 * entries (one per lot spent), an expiry's (one per lot expired at one instant) and a merge's
 * (one per lot moved), each one item with the lots inside — never split across pages — and,
 * for a redemption, the reward's name.
 */
export async function memberHistoryItems(
  db: LoyaltyDb,
  program: Program,
  customerId: string,
  query: { cursor?: string | undefined; limit: number },
): Promise<{ items: LoyaltyHistoryEntry[]; nextCursor: string | null }> {
  const start = query.cursor
    ? await cursorPosition(db, program, customerId, query.cursor)
    : undefined;
  const { groups, last } = await readHistoryPage<EntryRow>(
    (after, limit) =>
      repo.listHistoryEntries(db, program.tenantId, program.id, customerId, {
        limit,
        after: after ? positionOf(after) : start,
      }),
    query.limit,
  );
  const folded = groups.filter((group) => group[0]!.id !== historyGroupKey(group[0]!));
  const lotIds = folded.flatMap((group) => group.flatMap((row) => row.lot_id ?? []));
  const rewardIds = folded.flatMap((group) => {
    const rewardId = group[0]?.redemption_id ? group[0].explanation.rewardId : undefined;
    return typeof rewardId === 'string' ? [rewardId] : [];
  });
  const [lots, names] = await Promise.all([
    repo.findLotDates(db, program.tenantId, program.id, lotIds),
    loyaltyRecordNames(db, program.tenantId, { loyalty_reward: rewardIds }),
  ]);
  const lotDates = new Map(lots.map((lot) => [lot.id, lot]));
  const rewardNames = names.get('loyalty_reward');
  const items = groups.map((group): LoyaltyHistoryEntry => {
    const first = entryView(group[0]!);
    const rewardId = first.explanation.rewardId;
    if (first.id === historyGroupKey(group[0]!)) return { ...first, rewardName: null, lots: [] };
    return {
      ...first,
      ...netOf(group),
      lotId: group.length === 1 ? first.lotId : null,
      rewardName:
        (first.redemptionId && typeof rewardId === 'string' && rewardNames?.get(rewardId)) || null,
      lots: spendOrder(
        group.map((row) => {
          const lot = row.lot_id ? lotDates.get(row.lot_id) : undefined;
          return {
            entryId: row.id,
            lotId: row.lot_id,
            points: Number(row.points),
            earnedAt: lot?.earned_at.toISOString() ?? null,
            expiresAt: lot?.expires_at?.toISOString() ?? null,
          };
        }),
      ),
    };
  });
  return { items, nextCursor: last ? encodeCursor(positionOf(last)) : null };
}
