/**
 * A member's points history as people read it: a redemption spends lot by lot, an expiry run
 * expires lot by lot and a merge moves lot by lot (one ledger entry per lot), and each is one
 * item of the history with its lots inside. Pure: the rows come from the repository in history
 * order, newest first, an item's entries side by side (the repository orders by the same key).
 */

/** The fields of a ledger entry the grouping reads. */
export interface HistoryRow {
  id: string;
  at: Date;
  kind: string;
  redemption_id: string | null;
  explanation: Record<string, unknown>;
}

/**
 * The group of every expiry entry: a sweep expires a member's due lots at one instant (the
 * sweep's `asOf`), and the entries record nothing else of the run, so an expiry is the member's
 * expire entries of one instant.
 */
export const EXPIRY_GROUP = '00000000-0000-0000-0000-000000000000';

/** A uuid, case aside (as a regular expression both JavaScript and PostgreSQL read). */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const UUID = new RegExp(UUID_PATTERN, 'i');

/**
 * What keeps a history item's entries together in the order (they share an instant besides):
 * the redemption for a redemption's entries, `EXPIRY_GROUP` for an expiry's, the customer
 * merged away for a merge's (one merge per duplicate), the entry itself otherwise. The
 * repository's `listHistoryEntries` orders by the same key in SQL.
 */
export function historyGroupKey(row: HistoryRow): string {
  if (row.redemption_id) return row.redemption_id;
  if (row.kind === 'expire') return EXPIRY_GROUP;
  const from = row.explanation.fromCustomerId;
  if (row.kind === 'merge' && typeof from === 'string' && UUID.test(from)) return from;
  return row.id;
}

/**
 * Consecutive rows of one item (same instant, same `historyGroupKey`) as one group, every
 * other row alone, in the order given.
 *
 * @example
 * groupHistoryRows([a1, a2, b]); // [[a1, a2], [b]] when a1 and a2 share a redemption
 */
export function groupHistoryRows<Row extends HistoryRow>(rows: readonly Row[]): Row[][] {
  const groups: Row[][] = [];
  let previousKey: string | null = null;
  for (const row of rows) {
    const key = historyGroupKey(row);
    const current = groups.at(-1);
    const previous = current?.at(-1);
    if (current && previous && key === previousKey && previous.at.getTime() === row.at.getTime())
      current.push(row);
    else groups.push([row]);
    previousKey = key;
  }
  return groups;
}

/**
 * One page of history items from rows read `batch` at a time (`read(after)` answers the rows
 * after a row, in history order, or the first rows for `undefined`): `limit` whole items —
 * a redemption, an expiry or a merge is never split across pages — and the row the next page starts after, or
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
 * A group's lots in the order a redemption spends them (an expiry's and a merge's likewise):
 * soonest-expiring first (lots that never expire last), then the oldest. Entry ids do not keep
 * that order: ids made within one millisecond are in no particular order.
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
