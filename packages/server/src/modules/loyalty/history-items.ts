/**
 * A member's points history as people read it: a redemption spends lot by lot (one ledger
 * entry per lot), and is one item of the history with its lots inside. Pure: the rows come
 * from the repository in history order, newest first, a redemption's entries side by side.
 */

/** The fields of a ledger entry the grouping reads. */
export interface HistoryRow {
  id: string;
  at: Date;
  redemption_id: string | null;
}

/**
 * What keeps a history item's entries together in the order: the redemption for a
 * redemption's entries (they share its instant), the entry itself otherwise.
 */
export const historyGroupKey = (row: HistoryRow): string => row.redemption_id ?? row.id;

/**
 * Consecutive rows of one redemption as one group, every other row alone, in the order given.
 *
 * @example
 * groupHistoryRows([a1, a2, b]); // [[a1, a2], [b]] when a1 and a2 share a redemption
 */
export function groupHistoryRows<Row extends HistoryRow>(rows: readonly Row[]): Row[][] {
  const groups: Row[][] = [];
  for (const row of rows) {
    const current = groups.at(-1);
    const previous = current?.at(-1);
    if (
      current &&
      previous &&
      row.redemption_id !== null &&
      previous.redemption_id === row.redemption_id
    )
      current.push(row);
    else groups.push([row]);
  }
  return groups;
}

/**
 * One page of history items from rows read `batch` at a time (`read(after)` answers the rows
 * after a row, in history order, or the first rows for `undefined`): `limit` whole items —
 * a redemption is never split across pages — and the row the next page starts after, or
 * null when there is no next page.
 */
export async function readHistoryPage<Row extends HistoryRow>(
  read: (after: Row | undefined, batch: number) => Promise<Row[]>,
  limit: number,
): Promise<{ groups: Row[][]; last: Row | null }> {
  const rows: Row[] = [];
  const batch = limit + 1;
  for (;;) {
    const more = await read(rows.at(-1), batch);
    rows.push(...more);
    const groups = groupHistoryRows(rows);
    // One group past the page closes the page's last group; a short read ends the history.
    if (groups.length > limit) {
      const page = groups.slice(0, limit);
      return { groups: page, last: page.at(-1)?.at(-1) ?? null };
    }
    if (more.length < batch) return { groups, last: null };
  }
}

/**
 * A redemption's lots in the order it spent them, as the ledger spends: soonest-expiring
 * first (lots that never expire last), then the oldest. Entry ids do not keep that order: ids
 * made within one millisecond are in no particular order.
 */
export function spendOrder<Lot extends { earnedAt: string | null; expiresAt: string | null }>(
  lots: readonly Lot[],
): Lot[] {
  const key = (at: string | null) => at ?? '\uffff';
  return [...lots].sort(
    (a, b) =>
      key(a.expiresAt).localeCompare(key(b.expiresAt)) ||
      key(a.earnedAt).localeCompare(key(b.earnedAt)),
  );
}
