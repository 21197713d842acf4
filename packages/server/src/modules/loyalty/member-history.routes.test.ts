// The points history of the staff's and the member's pages: a redemption, an expiry and a
// merge are each one item with the lots inside, never split across pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../../test/test-app.ts';
import { loyaltyApi, runJobNow } from '../../../test/loyalty-api.ts';

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
  const memberPage = async (query: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/public/loyalty/member?token=${token}&${query}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { history: Item[]; historyNextCursor: string | null };
  };
  /** Runs the expiry sweep as of `days` from now: every lot still open expires at that instant. */
  const expireAll = async (days = 400) => {
    const asOf = new Date(Date.now() + days * DAY).toISOString();
    await runJobNow(t, tenant.tenantId, 'loyalty.expire-points', { asOf });
    return asOf;
  };
  /** A duplicate customer with lots of the amounts given, merged into the member; its id. */
  const mergeDuplicate = async (amounts: number[]) => {
    let duplicate = '';
    for (const [index, amount] of amounts.entries())
      duplicate = await api.event({
        id: `duplicate-${index}`,
        type: 'purchase',
        customerExternalId: 'history-duplicate',
        occurredAt: daysAgo(5 - index),
        currency: 'CNY',
        amount,
      });
    await api.call('POST', `/v1/customers/${customerId}/merge`, { duplicateId: duplicate });
    return duplicate;
  };
  const ledger = () =>
    t.database.db
      .selectFrom('loyalty_entries')
      .select(['id', 'at', 'kind', 'redemption_id'])
      .where('program_id', '=', programId)
      .where('customer_id', '=', customerId)
      .execute();
  return {
    api,
    tenant,
    programId,
    customerId,
    rewardId: reward.id,
    token,
    redeem,
    staffPage,
    memberPage,
    expireAll,
    mergeDuplicate,
    ledger,
  };
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

  it('pages through whole items: a redemption’s, an expiry’s or a merge’s entries are never split across pages', async () => {
    const { api, token, redeem, staffPage, memberPage, expireAll, mergeDuplicate, ledger } =
      await memberWithLots();
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
    // A duplicate with two lots merged in, then every open lot expired at one instant.
    await mergeDuplicate([1_200, 3_400]);
    await expireAll();
    const entries = await ledger();
    const redemptions = new Set(entries.flatMap((entry) => entry.redemption_id ?? []));
    expect(redemptions.size).toBe(5);
    expect(entries.filter((entry) => entry.kind === 'merge')).toHaveLength(2);
    const expired = entries.filter((entry) => entry.kind === 'expire');
    expect(expired.length).toBeGreaterThan(5);
    // 3 + 11 earnings, 5 redemptions, a merge and an expiry: 21 items.
    for (let limit = 1; limit <= 7; limit += 1) {
      const pages = [await staffPage(`limit=${limit}`)];
      while (pages.at(-1)!.nextCursor)
        pages.push(await staffPage(`limit=${limit}&cursor=${pages.at(-1)!.nextCursor}`));
      const opened = await memberPage(`historyLimit=${limit}`);
      const memberPages: Page[] = [{ items: opened.history, nextCursor: opened.historyNextCursor }];
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
        expect(items).toHaveLength(21);
        for (const p of paged.slice(0, -1)) expect(p.items).toHaveLength(limit);
        // Every ledger entry exactly once: an item's own, or one of the lots inside an item.
        const seen = items.flatMap((item) =>
          item.lots.length > 0 ? item.lots.map((lot) => lot.entryId) : [item.id],
        );
        expect(seen.sort()).toEqual(entries.map((entry) => entry.id).sort());
        // One item per redemption, holding all its points.
        const spent = items.filter((item) => item.redemptionId);
        expect(spent.map((item) => item.redemptionId).sort()).toEqual([...redemptions].sort());
        expect(spent.filter((item) => item.points === 43)).toHaveLength(5);
        expect(
          spent.every((item) => item.lots.reduce((sum, lot) => sum + lot.points, 0) === 43),
        ).toBe(true);
        // One merge item (12 + 34 points) and one expiry item holding every lot it expired.
        const merges = items.filter((item) => item.kind === 'merge');
        expect(merges.map((item) => [item.points, item.lots.length])).toEqual([[46, 2]]);
        const expiries = items.filter((item) => item.kind === 'expire');
        expect(expiries.map((item) => item.lots.length)).toEqual([expired.length]);
        // Newest first.
        const times = items.map((item) => Date.parse(item.at));
        expect(times).toEqual([...times].sort((a, b) => b - a));
      }
    }
  });

  it('shows an expiry of three lots as one item with its lots, on both endpoints', async () => {
    const { staffPage, memberPage, expireAll } = await memberWithLots();
    const asOf = await expireAll();
    const staff = await staffPage('limit=20');
    expect(staff.items.map((item) => [item.kind, item.points, item.lots.length])).toEqual([
      ['expire', 149, 3],
      ['earn', 50, 0],
      ['earn', 73, 0],
      ['earn', 26, 0],
    ]);
    const [expiry, ...earnings] = staff.items;
    expect(expiry).toMatchObject({
      at: asOf,
      debit: 'member_available',
      credit: 'program_expired',
      lotId: null,
      redemptionId: null,
      rewardName: null,
      explanation: { why: 'expiry_date' },
    });
    // Its lots, soonest-expiring first, each the lot an earning made.
    expect(expiry!.lots.map((lot) => [lot.points, lot.lotId])).toEqual(
      [...earnings].reverse().map((earning) => [earning.points, earning.lotId]),
    );
    expect(expiry!.lots.every((lot) => lot.earnedAt && lot.expiresAt)).toBe(true);
    expect((await memberPage('')).history).toEqual(staff.items);
  });

  it('shows a merge as one item of the lots it moved, on both endpoints', async () => {
    const { staffPage, memberPage, mergeDuplicate } = await memberWithLots();
    const duplicate = await mergeDuplicate([1_200, 3_400, 800]);
    const staff = await staffPage('limit=20');
    expect(staff.items.map((item) => [item.kind, item.points, item.lots.length])).toEqual([
      ['merge', 54, 3],
      ['earn', 50, 0],
      ['earn', 73, 0],
      ['earn', 26, 0],
    ]);
    expect(staff.items[0]).toMatchObject({
      debit: 'member_merge',
      credit: 'member_available',
      lotId: null,
      rewardName: null,
      explanation: { why: 'merge', fromCustomerId: duplicate },
    });
    expect(staff.items[0]!.lots.map((lot) => lot.points)).toEqual([12, 34, 8]);
    // The member's page shows the same, without the duplicate record's customer id.
    const { fromCustomerId: _from, reason: _reason, ...forMember } = staff.items[0]!.explanation;
    expect((await memberPage('')).history).toEqual([
      { ...staff.items[0], explanation: forMember },
      ...staff.items.slice(1),
    ]);
    expect(JSON.stringify((await memberPage('')).history)).not.toContain(duplicate);
  });

  it('reads a cursor given out before redemptions were grouped', async () => {
    const { staffPage } = await memberWithLots();
    const all = await staffPage('limit=10');
    const second = all.items[1]!;
    const old = Buffer.from(JSON.stringify({ at: second.at, id: second.id })).toString('base64url');
    const after = await staffPage(`limit=10&cursor=${old}`);
    expect(after.items.map((item) => item.id)).toEqual(all.items.slice(2).map((item) => item.id));
  });

  it('reads a cursor given out before expiries were grouped: the entries after it, each once', async () => {
    const { staffPage, expireAll, ledger } = await memberWithLots();
    await expireAll();
    // That server ordered an expiry's entries by id, newest first, and put the entry itself
    // as the cursor's group: a page that ended at the second had shown the first two.
    const expired = (await ledger())
      .filter((entry) => entry.kind === 'expire')
      .map((entry) => ({ at: entry.at.toISOString(), id: entry.id }))
      .sort((a, b) => b.id.localeCompare(a.id));
    const second = expired[1]!;
    const old = Buffer.from(
      JSON.stringify({ at: second.at, group: second.id, id: second.id }),
    ).toString('base64url');
    const after = await staffPage(`limit=10&cursor=${old}`);
    expect(after.items.map((item) => [item.kind, item.points])).toEqual([
      ['expire', after.items[0]!.lots[0]!.points],
      ['earn', 50],
      ['earn', 73],
      ['earn', 26],
    ]);
    expect(after.items[0]!.lots.map((lot) => lot.entryId)).toEqual([expired[2]!.id]);
  });
});
