import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupHistoryRows, readHistoryPage, spendOrder, type HistoryRow } from './history-items.ts';

const at = new Date('2026-01-01T00:00:00Z');
const row = (id: string, redemption: string | null = null): HistoryRow => ({
  id,
  at,
  redemption_id: redemption,
});
const ids = (groups: HistoryRow[][]) => groups.map((group) => group.map((r) => r.id).join('+'));

describe('groupHistoryRows', () => {
  it.each([
    { rows: [], groups: [] },
    { rows: [row('e')], groups: ['e'] },
    { rows: [row('a1', 'A'), row('a2', 'A'), row('a3', 'A')], groups: ['a1+a2+a3'] },
    { rows: [row('e'), row('a1', 'A'), row('a2', 'A'), row('f')], groups: ['e', 'a1+a2', 'f'] },
    { rows: [row('a1', 'A'), row('b1', 'B'), row('b2', 'B')], groups: ['a1', 'b1+b2'] },
    // Entries without a redemption are never put together.
    { rows: [row('e'), row('f')], groups: ['e', 'f'] },
  ])('$groups', ({ rows, groups }) => {
    expect(ids(groupHistoryRows(rows))).toEqual(groups);
  });
});

describe('readHistoryPage', () => {
  /** A history of redemptions of 1–5 lots and single entries, read `batch` rows at a time. */
  const history = fc
    .array(fc.integer({ min: 1, max: 5 }), { maxLength: 30 })
    .map((sizes) =>
      sizes.flatMap((size, item) =>
        Array.from({ length: size }, (_, lot) =>
          row(`${item}.${lot}`, size > 1 || item % 2 ? `R${item}` : null),
        ),
      ),
    );

  it('pages through whole items: every entry once, no redemption split', async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.integer({ min: 1, max: 7 }), async (rows, limit) => {
        const read = async (after: HistoryRow | undefined, batch: number) => {
          const from = after ? rows.indexOf(after) + 1 : 0;
          return rows.slice(from, from + batch);
        };
        const pages: HistoryRow[][][] = [];
        let after: HistoryRow | undefined;
        for (;;) {
          const page = await readHistoryPage((next, batch) => read(next ?? after, batch), limit);
          pages.push(page.groups);
          if (!page.last) break;
          after = page.last;
        }
        const items = pages.flat();
        expect(items.flat()).toEqual(rows);
        expect(ids(items)).toEqual(ids(groupHistoryRows(rows)));
        for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
        expect(pages.at(-1)!.length).toBeLessThanOrEqual(limit);
      }),
    );
  });
});

describe('spendOrder', () => {
  const lot = (name: string, earnedAt: string | null, expiresAt: string | null) => ({
    name,
    earnedAt,
    expiresAt,
  });
  it.each([
    {
      lots: [
        lot('late', '2026-03-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z'),
        lot('soon', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'),
      ],
      order: ['soon', 'late'],
    },
    {
      lots: [
        lot('never', '2025-01-01T00:00:00.000Z', null),
        lot('expiring', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'),
      ],
      order: ['expiring', 'never'],
    },
    {
      // Same expiry (end of the year): the older lot first.
      lots: [
        lot('newer', '2026-05-01T00:00:00.000Z', '2026-12-31T16:00:00.000Z'),
        lot('older', '2026-02-01T00:00:00.000Z', '2026-12-31T16:00:00.000Z'),
      ],
      order: ['older', 'newer'],
    },
  ])('$order', ({ lots, order }) => {
    expect(spendOrder(lots).map((l) => l.name)).toEqual(order);
  });
});
