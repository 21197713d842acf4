// The points history of the staff's and the member's pages: a redemption is one item with the
// lots it spent inside, never split across pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { loyaltyApi } from '../../../test/loyalty-api.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

interface Item {
  id: string;
  at: string;
  kind: string;
  points: number;
  debit: string;
  credit: string;
  lotId: string | null;
  redemptionId: string | null;
  rewardName: string | null;
  explanation: Record<string, unknown>;
  lots: {
    entryId: string;
    lotId: string | null;
    points: number;
    earnedAt: string | null;
    expiresAt: string | null;
  }[];
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** A member with lots of 26, 73 and 50 points (oldest first), a 100-point reward, a link. */
async function memberWithLots() {
  const tenant = await newTenant(t);
  const api = loyaltyApi(t, tenant);
  const programId = await api.createProgram({ expiry: { kind: 'rolling', months: 12 } });
  let customerId = '';
  for (const [index, amount] of [2_600, 7_300, 5_000].entries())
    customerId = await api.event({
      id: `lot-${index}`,
      type: 'purchase',
      customerExternalId: 'history-1',
      occurredAt: daysAgo(30 - index * 10),
      currency: 'CNY',
      amount,
    });
  const reward = await api.call<{ id: string }>(
    'POST',
    `/v1/loyalty/programs/${programId}/rewards`,
    { name: '5 美元代金券', pointsCost: 100 },
  );
  const { token } = await api.call<{ token: string }>(
    'POST',
    `/v1/loyalty/programs/${programId}/members/${customerId}/link`,
    {},
  );
  const redeem = (key: string, body: object = { rewardId: reward.id }) =>
    api.call<{ id: string; lots: { lotId: string; points: number }[] }>(
      'POST',
      `/v1/loyalty/programs/${programId}/redemptions`,
      { customerId, idempotencyKey: key, ...body },
    );
  const staffPage = (query: string) =>
    api.call<Page>(
      'GET',
      `/v1/loyalty/programs/${programId}/members/${customerId}/entries?${query}`,
    );
  return { api, programId, customerId, rewardId: reward.id, token, redeem, staffPage };
}

describe('a member’s points history', () => {
  it('shows a redemption over three lots as one −100 item naming the reward, with its lots', async () => {
    const { token, rewardId, redeem, staffPage } = await memberWithLots();
    const redemption = await redeem('history-redeem-1');
    expect(redemption.lots.map((lot) => lot.points)).toEqual([26, 73, 1]);

    const staff = await staffPage('limit=20');
    expect(staff.items.map((item) => [item.kind, item.points])).toEqual([
      ['redeem', 100],
      ['earn', 50],
      ['earn', 73],
      ['earn', 26],
    ]);
    const [redeemed, ...earnings] = staff.items;
    expect(redeemed).toMatchObject({
      redemptionId: redemption.id,
      debit: 'member_available',
      lotId: null,
      rewardName: '5 美元代金券',
      explanation: { why: 'redemption', rewardId },
    });
    // The lots it spent, soonest-expiring first, each with its entry, when it was earned and
    // when its points would have expired.
    expect(redeemed!.lots.map(({ lotId, points }) => ({ lotId, points }))).toEqual(redemption.lots);
    for (const lot of redeemed!.lots) {
      expect(earnings.find((earning) => earning.lotId === lot.lotId)?.lots).toEqual([]);
      expect(Date.parse(lot.expiresAt!) - Date.parse(lot.earnedAt!)).toBeGreaterThan(360 * DAY);
    }
    expect(redeemed!.lots.map((lot) => lot.earnedAt)).toEqual(
      [...redeemed!.lots.map((lot) => lot.earnedAt)].sort(),
    );
    // Other entries are themselves: their lot, no reward, no lots inside.
    expect(earnings.every((e) => e.lotId && e.rewardName === null && e.lots.length === 0)).toBe(
      true,
    );

    // The member's page and its older history: the same item (the reward named).
    const page = await t.app.inject({
      method: 'GET',
      url: `/v1/public/loyalty/member?token=${token}`,
    });
    expect(page.statusCode, page.body).toBe(200);
    const history = (page.json() as { history: Item[] }).history;
    expect(history.map((item) => item.points)).toEqual([100, 50, 73, 26]);
    expect(history[0]).toEqual(redeemed);
  });

  it('pages through whole items: a redemption’s entries are never split across pages', async () => {
    const { api, programId, customerId, token, redeem, staffPage } = await memberWithLots();
    // Eleven lots of 9 points and redemptions of 20 (three lots each) between them.
    for (let index = 0; index < 11; index += 1)
      await api.event({
        id: `small-${index}`,
        type: 'purchase',
        customerExternalId: 'history-1',
        occurredAt: daysAgo(9 - index * 0.5),
        currency: 'CNY',
        amount: 900,
      });
    for (let index = 0; index < 5; index += 1) await redeem(`points-${index}`, { points: 43 });
    const ledger = await t.database.db
      .selectFrom('loyalty_entries')
      .select(['id', 'redemption_id'])
      .where('program_id', '=', programId)
      .where('customer_id', '=', customerId)
      .execute();
    const redemptions = new Set(ledger.flatMap((entry) => entry.redemption_id ?? []));
    expect(redemptions.size).toBe(5);
    // 3 + 11 earnings and 5 redemptions: 19 items.
    for (const limit of [1, 2, 3, 7]) {
      const pages = [await staffPage(`limit=${limit}`)];
      while (pages.at(-1)!.nextCursor)
        pages.push(await staffPage(`limit=${limit}&cursor=${pages.at(-1)!.nextCursor}`));
      const memberPages: Page[] = [];
      const first = await t.app.inject({
        method: 'GET',
        url: `/v1/public/loyalty/member?token=${token}&historyLimit=${limit}`,
      });
      const opened = first.json() as { history: Item[]; historyNextCursor: string | null };
      memberPages.push({ items: opened.history, nextCursor: opened.historyNextCursor });
      while (memberPages.at(-1)!.nextCursor) {
        const next = await t.app.inject({
          method: 'GET',
          url: `/v1/public/loyalty/member/history?token=${token}&limit=${limit}&cursor=${memberPages.at(-1)!.nextCursor}`,
        });
        expect(next.statusCode, next.body).toBe(200);
        memberPages.push(next.json() as Page);
      }
      for (const paged of [pages, memberPages]) {
        const items = paged.flatMap((p) => p.items);
        expect(items).toHaveLength(19);
        for (const p of paged.slice(0, -1)) expect(p.items).toHaveLength(limit);
        // Every ledger entry exactly once: an item's own, or one of a redemption's lots.
        const seen = items.flatMap((item) =>
          item.redemptionId ? item.lots.map((lot) => lot.entryId) : [item.id],
        );
        expect(seen.sort()).toEqual(ledger.map((entry) => entry.id).sort());
        // One item per redemption, holding all its points.
        const spent = items.filter((item) => item.redemptionId);
        expect(spent.map((item) => item.redemptionId).sort()).toEqual([...redemptions].sort());
        expect(spent.filter((item) => item.points === 43)).toHaveLength(5);
        expect(
          spent.every((item) => item.lots.reduce((sum, lot) => sum + lot.points, 0) === 43),
        ).toBe(true);
        // Newest first.
        const times = items.map((item) => Date.parse(item.at));
        expect(times).toEqual([...times].sort((a, b) => b - a));
      }
    }
  });

  it('reads a cursor given out before redemptions were grouped', async () => {
    const { staffPage } = await memberWithLots();
    const all = await staffPage('limit=10');
    const second = all.items[1]!;
    const old = Buffer.from(JSON.stringify({ at: second.at, id: second.id })).toString('base64url');
    const after = await staffPage(`limit=10&cursor=${old}`);
    expect(after.items.map((item) => item.id)).toEqual(all.items.slice(2).map((item) => item.id));
  });
});
