import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EXPIRY_GROUP,
  groupHistoryRows,
  historyGroupKey,
  readHistoryPage,
  spendOrder,
  type HistoryRow,
} from './history-items.ts';

const at = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-02T00:00:00Z');
const row = (id: string, redemption: string | null = null): HistoryRow => ({
  id,
  at,
  kind: redemption ? 'redeem' : 'earn',
  redemption_id: redemption,
  explanation: {},
});
const duplicate = '0190a4c2-7a5b-7c3d-8e9f-0a1b2c3d4e5f';
const other = '0190a4c2-7a5b-7c3d-8e9f-0a1b2c3d4e60';
const expiry = (id: string, when = at): HistoryRow => ({
  ...row(id),
  at: when,
  kind: 'expire',
  explanation: { why: 'expiry_date' },
});
const merge = (id: string, from: unknown = duplicate): HistoryRow => ({
  ...row(id),
  kind: 'merge',
  explanation: { why: 'merge', fromCustomerId: from },
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
    // An expiry: the expire entries of one instant; another instant is another expiry.
    { rows: [expiry('x1'), expiry('x2'), expiry('x3')], groups: ['x1+x2+x3'] },
    { rows: [expiry('x1', later), expiry('x2'), expiry('x3')], groups: ['x1', 'x2+x3'] },
    { rows: [expiry('x1'), row('e'), expiry('x2')], groups: ['x1', 'e', 'x2'] },
    // A merge: the merge entries of one customer merged away; two customers are two merges.
    { rows: [merge('m1'), merge('m2'), merge('n1', other)], groups: ['m1+m2', 'n1'] },
    // Merge entries written without a customer id (or a malformed one) stay apart.
    { rows: [merge('m1', null), merge('m2', null)], groups: ['m1', 'm2'] },
    { rows: [merge('m1', 'dup-1'), merge('m2', 'dup-1')], groups: ['m1', 'm2'] },
    {
      rows: [expiry('x1'), merge('m1'), merge('m2'), row('a1', 'A')],
      groups: ['x1', 'm1+m2', 'a1'],
    },
  ])('$groups', ({ rows, groups }) => {
    expect(ids(groupHistoryRows(rows))).toEqual(groups);
  });

  it('keys each kind of item as the repository orders it', () => {
    expect(historyGroupKey(row('e'))).toBe('e');
    expect(historyGroupKey(row('a1', 'A'))).toBe('A');
    expect(historyGroupKey(expiry('x1'))).toBe(EXPIRY_GROUP);
    expect(historyGroupKey(merge('m1'))).toBe(duplicate);
    expect(historyGroupKey(merge('m1', duplicate.toUpperCase()))).toBe(duplicate.toUpperCase());
    expect(historyGroupKey(merge('m1', 42))).toBe('m1');
  });
});

describe('readHistoryPage', () => {
  /**
   * A history of items of 1–5 entries — redemptions, expiries (a day apart), merges — and
   * single entries, read `batch` rows at a time.
   */
  const kinds = ['single', 'redemption', 'expiry', 'merge'] as const;
  const history = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.constantFrom(...kinds)), {
      maxLength: 30,
    })
    .map((items) =>
      items.flatMap(([size, kind], item) =>
        Array.from({ length: kind === 'single' ? 1 : size }, (_, lot): HistoryRow => {
          const id = `${item}.${lot}`;
          if (kind === 'redemption') return row(id, `R${item}`);
          if (kind === 'expiry') return expiry(id, new Date(at.getTime() - item * 86_400_000));
          if (kind === 'merge') return merge(id, `${duplicate.slice(0, -2)}${10 + item}`);
          return row(id);
        }),
      ),
    );

  it('pages through whole items: every entry once, no item split', async () => {
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
        // One item per generated item: each redemption, expiry and merge whole.
        expect(items.map((group) => group[0]!.id.split('.')[0])).toEqual([
          ...new Set(rows.map((r) => r.id.split('.')[0])),
        ]);
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
