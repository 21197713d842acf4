import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { launchChromium, logIn, newPage, screenshot } from './browser.ts';

// The points history at a glance: a reward redeemed from three lots is one −100 row naming the
// reward (the lots folded inside) on the staff's 360 page and on the member's page, and so is
// an expiry of three lots; a purchase that earned no points is no row of the lots table; the
// program's chart adds up to its card.
let server: E2eServer;
let browser: Browser;
let customerId = '';
let memberUrl = '';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

beforeAll(async () => {
  server = await startE2eServer();
  browser = await launchChromium();
  const program = await server.call<{ id: string }>('POST', '/v1/loyalty/programs', {
    name: '积分俱乐部',
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    earnRules: [{ kind: 'spend', id: 'base', name: '消费积分', points: 1, per: 100 }],
    pendingDays: 0,
    expiry: { kind: 'rolling', months: 12 },
  });
  const customer = await server.call<{ id: string }>('POST', '/v1/customers', {
    kind: 'person',
    name: '王芳',
  });
  customerId = customer.id;
  // Lots of 26, 73 and 62 points, oldest first, and ¥0.05 that earns nothing.
  for (const [index, amount] of [2_600, 7_300, 6_200, 5].entries())
    await server.call('POST', '/v1/events', {
      id: `history-order-${index}`,
      type: 'purchase',
      customerId,
      occurredAt: daysAgo(40 - index * 10),
      currency: 'CNY',
      amount,
    });
  // ¥12 of the last order refunded: 12 points taken back.
  await server.call('POST', '/v1/events', {
    id: 'history-refund-1',
    type: 'refund',
    refundOf: 'history-order-2',
    occurredAt: daysAgo(5),
    amount: 1_200,
  });
  const voucher = await server.call<{ id: string }>(
    'POST',
    `/v1/loyalty/programs/${program.id}/rewards`,
    { name: '5 美元代金券', pointsCost: 100 },
  );
  await server.call('POST', `/v1/loyalty/programs/${program.id}/redemptions`, {
    customerId,
    rewardId: voucher.id,
    idempotencyKey: 'history-voucher-1',
  });
  const link = await server.call<{ url: string }>(
    'POST',
    `/v1/loyalty/programs/${program.id}/members/${customerId}/link`,
    {},
  );
  memberUrl = link.url;
});

/**
 * The history's rows (five: three earnings, the refund, the voucher), and the voucher's one
 * row: −100, naming the reward, explained as spending three lots, no row per lot.
 */
async function voucherRow(entries: Locator): Promise<Locator> {
  await expect.poll(() => entries.count()).toBe(5);
  const redeemed = entries.filter({ hasText: '兑换奖励' });
  expect(await redeemed.count()).toBe(1);
  const text = await redeemed.innerText();
  expect(text).toContain('−100');
  expect(text).toContain('5 美元代金券');
  expect(text).toContain('优先使用最早到期的积分，共用 3 个批次');
  expect(text).not.toMatch(/−(26|73|1)(?!\d)/);
  return redeemed;
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the points history tells the truth at a glance', () => {
  test('the 360 page: one −100 row for the voucher, its three lots inside; no 0-point lot', async () => {
    const { context, page, errors } = await newPage(browser, server.url);
    try {
      await logIn(page, server.login);
      await page.goto(`/customers/${customerId}`);
      const redeemed = await voucherRow(page.getByTestId('loyalty-entry'));
      // The lots it spent, folded until asked for; the keyboard opens them.
      const lots = redeemed.getByTestId('spent-lots');
      expect(await lots.innerText()).toContain('使用的 3 个批次');
      await lots.getByRole('button').focus();
      await page.keyboard.press('Enter');
      const lines = lots.locator('li');
      await expect.poll(() => lines.count()).toBe(3);
      const spent = await lines.allInnerTexts();
      expect(spent.map((line) => line.split('：')[0])).toEqual(['26 分', '73 分', '1 分']);
      expect(spent[0]).toMatch(/获得，原定 .+到期$/);

      // The lots table: the three lots that earned, not the ¥0.05 purchase's lot of 0 points.
      const rows = page.getByTestId('member-lots').locator('tbody tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(3);
      // Newest first, each with the points it earned.
      expect(await rows.locator('td:nth-child(2)').allInnerTexts()).toEqual(['62', '73', '26']);
      expect(await page.getByTestId('member-zero-lots').innerText()).toBe(
        '另有 1 笔消费未获得积分，未列出；其消费额仍计入等级',
      );
      await screenshot(page, 'loyalty-history-redemption');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the member’s page: one −100 row naming the voucher, with the lots it spent', async () => {
    const { context, page, errors } = await newPage(browser, server.url, {
      width: 390,
      height: 844,
      mobile: true,
    });
    try {
      await page.goto(memberUrl);
      const redeemed = await voucherRow(page.getByTestId('member-entry'));
      await redeemed.getByTestId('spent-lots').getByRole('button').click();
      await expect.poll(() => redeemed.locator('li').count()).toBe(3);
      // No row for the purchase that earned nothing.
      expect(await page.getByTestId('member-page-history').innerText()).not.toContain('+0');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the loyalty page: the chart counts refunds apart, adding up to “Issued”', async () => {
    const { context, page, errors } = await newPage(browser, server.url);
    try {
      await logIn(page, server.login);
      await page.goto('/loyalty');
      // 26 + 73 + 62 issued, 12 taken back by the refund: 149 net, as the card counts.
      await expect.poll(() => page.getByTestId('liability-issued').innerText()).toContain('149');
      const totals = page.getByTestId('stats-totals');
      await expect.poll(() => totals.innerText()).toContain('发放 161 − 退款收回 12 = 净发放 149');
      await screenshot(page, 'loyalty-history-stats');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  // Last: it adds a program with tiers, which the loyalty page above would otherwise show.
  test('a review that kept the tier is in the tier history of both pages', async () => {
    const program = await server.call<{ id: string }>('POST', '/v1/loyalty/programs', {
      name: '金卡俱乐部',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
      pendingDays: 0,
      tiers: {
        metric: 'spend',
        window: { kind: 'calendar', period: 'year' },
        levels: [
          { code: 'member', name: '普通会员', threshold: 0 },
          { code: 'gold', name: '金卡 Gold', threshold: 50_000 },
        ],
      },
    });
    const customer = await server.call<{ id: string }>('POST', '/v1/customers', {
      kind: 'person',
      name: '李娜',
    });
    // The program's calendar year now (its tiers' window).
    const year = Number(
      new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(
        new Date(),
      ),
    );
    await server.call('POST', '/v1/events', {
      id: 'tier-order-1',
      type: 'purchase',
      customerId: customer.id,
      occurredAt: `${year - 1}-06-01T04:00:00Z`,
      currency: 'CNY',
      amount: 60_000,
    });
    // The review at the end of last year: ¥600 still earns gold, so gold is kept.
    await server.call('POST', '/v1/loyalty/jobs', {
      kind: 'loyalty.tier-review',
      programId: program.id,
      asOf: `${year}-01-02T00:00:00Z`,
    });
    const lotsUrl = `/v1/loyalty/programs/${program.id}/members/${customer.id}/lots`;
    await expect
      .poll(
        async () =>
          (await server.call<{ tierChanges: { kind: string }[] }>('GET', lotsUrl)).tierChanges.map(
            (change) => change.kind,
          ),
        { timeout: 15_000 },
      )
      .toEqual(['retain', 'upgrade']);
    const link = await server.call<{ url: string }>(
      'POST',
      `/v1/loyalty/programs/${program.id}/members/${customer.id}/link`,
      {},
    );
    const { context, page, errors } = await newPage(browser, server.url);
    try {
      await logIn(page, server.login);
      await page.goto(`/customers/${customer.id}`);
      const staff = page.getByTestId('tier-change');
      await expect.poll(() => staff.count()).toBe(2);
      expect(await staff.first().innerText()).toContain('保级');
      await page.goto(link.url);
      const member = page.getByTestId('member-page-tier-changes').locator('li');
      await expect.poll(() => member.count()).toBe(2);
      const kept = await member.first().innerText();
      expect(kept).toContain('保级');
      expect(kept).toContain('¥600.00');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  // After the loyalty page's test too: it adds a program.
  test('an expiry of three lots is one −149 row on both pages, its lots inside', async () => {
    const program = await server.call<{ id: string }>('POST', '/v1/loyalty/programs', {
      name: '过期俱乐部',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
      pendingDays: 0,
      expiry: { kind: 'rolling', months: 12 },
    });
    const customer = await server.call<{ id: string }>('POST', '/v1/customers', {
      kind: 'person',
      name: '赵敏',
    });
    for (const [index, amount] of [2_600, 7_300, 5_000].entries())
      await server.call('POST', '/v1/events', {
        id: `expiry-order-${index}`,
        type: 'purchase',
        customerId: customer.id,
        occurredAt: daysAgo(30 - index * 10),
        currency: 'CNY',
        amount,
      });
    // The sweep a year and more from now: all three lots expire at one instant.
    await server.call('POST', '/v1/loyalty/jobs', {
      kind: 'loyalty.expire-points',
      programId: program.id,
      asOf: new Date(Date.now() + 400 * DAY).toISOString(),
    });
    const memberApi = `/v1/loyalty/programs/${program.id}/members/${customer.id}`;
    await expect
      .poll(async () => (await server.call<{ available: number }>('GET', memberApi)).available, {
        timeout: 15_000,
      })
      .toBe(0);
    const link = await server.call<{ url: string }>('POST', `${memberApi}/link`, {});
    /**
     * The expiry's one row: −149, three lots, no row per lot (the 360 page lists the customer's
     * other programs too, which earned from the same purchases: the member's page has 4 rows).
     */
    async function expiryRow(entries: Locator, rows?: number): Promise<Locator> {
      await expect.poll(() => entries.filter({ hasText: '−149' }).count()).toBe(1);
      if (rows !== undefined) expect(await entries.count()).toBe(rows);
      const expired = entries.filter({ hasText: '−149' });
      const text = await expired.innerText();
      expect(text).toContain('3 个批次到期');
      expect(text).toContain('过期的 3 个批次');
      expect(await entries.filter({ hasText: /−(26|73|50)(?!\d)/ }).count()).toBe(0);
      return expired;
    }
    const { context, page, errors } = await newPage(browser, server.url);
    try {
      await logIn(page, server.login);
      await page.goto(`/customers/${customer.id}`);
      const staff = await expiryRow(page.getByTestId('loyalty-entry'));
      const lots = staff.getByTestId('spent-lots');
      await lots.getByRole('button').focus();
      await page.keyboard.press('Enter');
      const lines = lots.locator('li');
      await expect.poll(() => lines.count()).toBe(3);
      const expiredLots = await lines.allInnerTexts();
      expect(expiredLots.map((line) => line.split('：')[0])).toEqual(['26 分', '73 分', '50 分']);
      expect(expiredLots[0]).toMatch(/获得，.+到期$/);
      await screenshot(page, 'loyalty-history-expiry');
      await page.goto(link.url);
      const member = await expiryRow(page.getByTestId('member-entry'), 4);
      await member.getByTestId('spent-lots').getByRole('button').click();
      await expect.poll(() => member.locator('li').count()).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
