import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { launchChromium, logIn, newPage, screenshot } from './browser.ts';

// The public member page: staff copy a member's signed link on the 360 page, the member opens
// it on a phone without logging in. A changed or missing token gets an error page.
let server: E2eServer;
let browser: Browser;
let customerId = '';
let programId = '';
let memberUrl = '';
/** A member with 45 purchases (the long history test's). */
let regularId = '';

const phone = { width: 390, height: 844, mobile: true };
/** The program's calendar year now (its tiers' qualifying window). */
const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(
  new Date(),
);

/** Waits for antd's dialogs to finish opening or closing, so a screenshot shows them still. */
async function settled(page: Page) {
  const moving = '[class*="-zoom-enter"], [class*="-zoom-appear"], [class*="-zoom-leave"]';
  await expect.poll(() => page.locator(moving).count()).toBe(0);
}

beforeAll(async () => {
  server = await startE2eServer();
  browser = await launchChromium();
  const program = await server.call<{ id: string }>('POST', '/v1/loyalty/programs', {
    name: '星享会员',
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    earnRules: [{ kind: 'spend', id: 'base', name: '消费积分', points: 1, per: 100 }],
    pendingDays: 0,
    expiry: { kind: 'rolling', months: 12 },
    tiers: {
      metric: 'spend',
      window: { kind: 'calendar', period: 'year' },
      levels: [
        { code: 'member', name: '普通会员', threshold: 0 },
        {
          code: 'silver',
          name: '银卡',
          threshold: 100_000,
          privileges: { earnMultiplier: 1.25, priorityService: true },
        },
      ],
    },
  });
  const customer = await server.call<{ id: string }>('POST', '/v1/customers', {
    kind: 'person',
    name: '张伟',
  });
  customerId = customer.id;
  // ¥456.78 at 1 point per yuan: 456 points.
  await server.call('POST', '/v1/events', {
    id: 'member-page-order-1',
    type: 'purchase',
    customerId,
    occurredAt: new Date().toISOString(),
    currency: 'CNY',
    amount: 45_678,
  });
  const coffee = await server.call<{ id: string }>(
    'POST',
    `/v1/loyalty/programs/${program.id}/rewards`,
    { name: '免费咖啡', description: '任意中杯饮品', pointsCost: 200 },
  );
  await server.call('POST', `/v1/loyalty/programs/${program.id}/rewards`, {
    name: '精美雨伞',
    pointsCost: 5_000,
    stock: 20,
  });
  await server.call('POST', `/v1/loyalty/programs/${program.id}/rewards`, {
    name: '银卡专享礼盒',
    pointsCost: 100,
    tiers: ['silver'],
  });
  await server.call('POST', `/v1/loyalty/programs/${program.id}/redemptions`, {
    customerId,
    rewardId: coffee.id,
    idempotencyKey: 'member-page-coffee',
  });
  programId = program.id;
  // From now on the coffee hands out a coupon: the member's own redemption gets this one.
  await server.call('POST', `/v1/loyalty/programs/${program.id}/rewards/${coffee.id}/coupons`, {
    codes: ['COFFEE-8888'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the public member page in a real browser', () => {
  test('staff copy the member link on the customer 360 page', async () => {
    const { context, page, errors } = await newPage(browser, server.url);
    try {
      await logIn(page, server.login);
      await page.goto(`/customers/${customerId}`);
      await page.getByTestId('member-link-button').click();
      const url = page.getByTestId('member-link-url');
      await expect.poll(() => url.inputValue()).toContain('/member?token=');
      memberUrl = await url.inputValue();
      expect(memberUrl.startsWith(`${server.url}/member?token=`)).toBe(true);
      expect(await page.locator('.ant-modal').innerText()).toContain('有效期至');
      // What staff change next is how long the link lasts: the days field has the focus, its
      // number selected, so typing replaces it.
      const days = page.locator('#member-link-days');
      await expect.poll(() => days.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.type('7');
      expect(await days.inputValue()).toBe('7');
      await page.keyboard.press('Escape');
      await settled(page);
      // Opened again, the field has the focus again.
      await page.getByTestId('member-link-button').click();
      await expect.poll(() => days.evaluate((el) => el === document.activeElement)).toBe(true);
      await expect.poll(() => url.inputValue()).toContain('/member?token=');
      await screenshot(page, 'member-link', undefined, false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a member opens it on a phone, in the browser’s language, without logging in', async () => {
    const { context, page, errors } = await newPage(browser, server.url, {
      ...phone,
      locale: 'en-US',
    });
    try {
      await page.goto(memberUrl);
      const available = page.getByTestId('member-page-available');
      await expect.poll(() => available.innerText()).toBe('256');
      expect(new URL(page.url()).pathname).toBe('/member');
      expect(await page.getByTestId('member-page-program').innerText()).toBe('星享会员');
      const balance = await page.getByTestId('member-page-balance').innerText();
      expect(balance).toContain('Points available');
      expect(balance).toContain('456');
      const tier = await page.getByTestId('member-page-tier').innerText();
      expect(tier).toContain('普通会员');
      expect(tier).toContain('Spend CN¥543.22 more to reach 银卡.');
      // The calendar year's last day, not the first instant after it (Jan 1).
      expect(tier).toContain(`CN¥456.78 spent in the current period (through Dec 31, ${year}).`);
      const story = await page.getByTestId('member-page-tier-changes').innerText();
      expect(story).toContain('Your tier history');
      expect(story).toContain('Upgrade');
      expect(story).toContain('Joined 普通会员 (no threshold)');
      expect(await page.getByTestId('member-page-expiry').innerText()).toContain(
        '256 points expire on',
      );
      const rewards = page.getByTestId('member-reward');
      // The silver-only reward is not offered to a member.
      expect(await rewards.count()).toBe(2);
      expect(await rewards.nth(0).innerText()).toContain('免费咖啡');
      expect(await rewards.nth(0).innerText()).toContain('You can redeem this');
      expect(await rewards.nth(1).innerText()).toContain('精美雨伞');
      expect(await rewards.nth(1).innerText()).toContain('4,744 points to go');
      const entries = page.getByTestId('member-entry');
      expect(await entries.count()).toBe(2);
      expect(await entries.nth(0).innerText()).toContain('Reward redeemed');
      expect(await entries.nth(0).innerText()).toContain('−200');
      expect(await entries.nth(0).innerText()).toContain('免费咖啡');
      const earned = await entries.nth(1).innerText();
      expect(earned).toContain('Points earned');
      expect(earned).toContain('+456');
      // Why, in the member's words: the spend and the rate, without the rule, the event's id or
      // the rules version (what staff see on the 360 page).
      expect(earned).toContain('CN¥456.78 spent at 1 per CN¥1.00 → 456 base points');
      expect(earned).not.toMatch(/\bbase:|消费积分/);
      expect(earned).not.toContain('member-page-order-1');
      expect(earned).not.toMatch(/rules v\d/);
      // The coffee gave no coupon then: nothing to list yet.
      expect(await page.getByTestId('member-page-coupons').innerText()).toContain(
        'No coupons yet.',
      );
      // Made for the phone: nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );
      await screenshot(page, 'member-page-en');

      await page.getByText('中文', { exact: true }).click();
      await expect
        .poll(() => page.getByTestId('member-page-balance').innerText())
        .toContain('可用积分');
      expect(await page.getByTestId('member-page-tier').innerText()).toContain(
        '再消费 ¥543.22 即可升级为银卡。',
      );
      expect(await page.getByTestId('member-page-tier').innerText()).toContain(
        `本期已消费 ¥456.78（统计至 ${year}年12月31日）。`,
      );
      expect(await rewards.nth(0).innerText()).toContain('积分足够，可兑换');
      expect(await rewards.nth(1).innerText()).toContain('还差 4,744 积分');
      expect(await entries.nth(0).innerText()).toContain('兑换奖励');
      await screenshot(page, 'member-page-zh');
      // The choice is remembered: a reload stays in Chinese.
      await page.reload();
      await expect
        .poll(() => page.getByTestId('member-page-balance').innerText())
        .toContain('可用积分');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the member redeems a reward: confirmed once, the coupon and the new balance', async () => {
    const { context, page, errors } = await newPage(browser, server.url, {
      ...phone,
      locale: 'zh-CN',
    });
    try {
      const sent: unknown[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().includes('/member/redemptions'))
          sent.push(request.postDataJSON());
      });
      await page.goto(memberUrl);
      const available = page.getByTestId('member-page-available');
      await expect.poll(() => available.innerText()).toBe('256');
      const coffee = page.getByRole('button', { name: '兑换 免费咖啡' });
      const umbrella = page.getByRole('button', { name: '兑换 精美雨伞' });
      expect(await coffee.isEnabled()).toBe(true);
      // Not enough points: the button is off and the reward says why.
      expect(await umbrella.isDisabled()).toBe(true);
      expect(await page.getByTestId('member-reward').nth(1).innerText()).toContain(
        '还差 4,744 积分',
      );

      await coffee.click();
      const confirmation = page.getByTestId('member-redeem-confirmation');
      await confirmation.waitFor();
      expect(await confirmation.innerText()).toContain('将扣除 200 积分，兑换后剩余 56 积分。');
      await settled(page);
      await screenshot(page, 'member-page-redeem-confirm', undefined, false);
      // A double tap sends at most the same request twice: one key, one redemption.
      await page.getByRole('button', { name: '确认兑换' }).dblclick();
      const result = page.getByTestId('member-redeem-result');
      await result.waitFor();
      expect(await result.innerText()).toContain('已兑换免费咖啡');
      expect(await result.innerText()).toContain('当前可用积分 56。');
      expect(await page.getByTestId('member-coupon-code').innerText()).toBe('COFFEE-8888');
      expect(sent.length).toBeGreaterThanOrEqual(1);
      const keys = new Set(sent.map((body) => (body as { idempotencyKey: string }).idempotencyKey));
      expect(keys.size).toBe(1);
      expect(sent[0]).toMatchObject({ rewardId: expect.any(String), token: expect.any(String) });
      await settled(page);
      await screenshot(page, 'member-page-redeemed', undefined, false);

      await page.getByRole('button', { name: /完\s?成/ }).click();
      await expect.poll(() => available.innerText()).toBe('56');
      const entries = page.getByTestId('member-entry');
      await expect.poll(() => entries.count()).toBe(3);
      expect(await entries.nth(0).innerText()).toContain('兑换奖励');
      expect(await entries.nth(0).innerText()).toContain('−200');
      // 56 points left: the coffee is out of reach now.
      expect(await coffee.isDisabled()).toBe(true);
      expect(await page.getByTestId('member-reward').nth(0).innerText()).toContain('还差 144 积分');
      // The dialog is closed, the code stays on the page, with a copy button.
      const coupons = page.getByTestId('member-coupon');
      await expect.poll(() => coupons.count()).toBe(1);
      const listed = await coupons.nth(0).innerText();
      expect(listed).toContain('COFFEE-8888');
      expect(listed).toContain('免费咖啡');
      expect(listed).toContain('可使用');
      expect(listed).toContain('领取于');
      expect(await page.getByTestId('member-coupon-item-code').innerText()).toBe('COFFEE-8888');
      await coupons.nth(0).locator('.ant-typography-copy').click();
      await expect
        .poll(() => coupons.nth(0).locator('.ant-typography-copy-success').count())
        .toBe(1);
      const member = await server.call<{ available: number; lifetimeRedeemed: number }>(
        'GET',
        `/v1/loyalty/programs/${programId}/members/${customerId}`,
      );
      expect(member).toMatchObject({ available: 56, lifetimeRedeemed: 400 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );
      await expect.poll(() => page.locator('.ant-modal:visible').count()).toBe(0);
      await screenshot(page, 'member-page-after-redeem');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a long points history shows its newest 20 and loads the earlier ones on request', async () => {
    // 45 purchases of another member, a minute apart, the newest first: ¥1, ¥2 … ¥45.
    const regular = await server.call<{ id: string }>('POST', '/v1/customers', {
      kind: 'person',
      name: '李娜',
    });
    regularId = regular.id;
    const now = Date.now();
    await server.call('POST', '/v1/events:batch', {
      events: Array.from({ length: 45 }, (_, index) => ({
        id: `member-page-history-${index}`,
        type: 'purchase',
        customerId: regular.id,
        occurredAt: new Date(now - (index + 1) * 60_000).toISOString(),
        currency: 'CNY',
        amount: 100 * (index + 1),
      })),
    });
    const link = await server.call<{ url: string }>(
      'POST',
      `/v1/loyalty/programs/${programId}/members/${regular.id}/link`,
      {},
    );
    const { context, page, errors } = await newPage(browser, server.url, {
      ...phone,
      locale: 'en-US',
    });
    try {
      await page.goto(link.url);
      const entries = page.getByTestId('member-entry');
      await expect.poll(() => entries.count()).toBe(20);
      expect(await entries.nth(0).innerText()).toContain('+1');
      expect(await entries.nth(19).innerText()).toContain('+20');
      const more = page.getByRole('button', { name: 'Show earlier entries' });
      await more.click();
      await expect.poll(() => entries.count()).toBe(40);
      expect(await entries.nth(20).innerText()).toContain('+21');
      await more.click();
      await expect.poll(() => entries.count()).toBe(45);
      expect(await entries.nth(44).innerText()).toContain('+45');
      // At the end there is nothing more to load.
      await expect.poll(() => more.count()).toBe(0);
      expect(errors).toEqual([]);

      await page.getByText('中文', { exact: true }).click();
      await page.reload();
      await expect.poll(() => entries.count()).toBe(20);
      expect(await page.getByTestId('member-history-more').innerText()).toBe('查看更早的记录');
      await screenshot(page, 'member-page-history-more');
    } finally {
      await context.close();
    }
  });

  test('staff see that member’s 45 point lots 20 a page on the customer 360 page', async () => {
    const { context, page, errors } = await newPage(browser, server.url);
    try {
      await logIn(page, server.login);
      await page.goto(`/customers/${regularId}`);
      const lots = page.getByTestId('member-lots');
      const rows = lots.locator('tbody tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(20);
      // 45 lots: three pages, not nine.
      const pages = page.locator('.ant-table-wrapper').filter({ has: lots });
      expect(await pages.locator('.ant-pagination-item').allInnerTexts()).toEqual(['1', '2', '3']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a changed or missing token shows a clear error page', async () => {
    const { context, page, errors } = await newPage(browser, server.url, phone);
    try {
      const token = new URL(memberUrl).searchParams.get('token') ?? '';
      const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
      await page.goto(`/member?token=${forged}`);
      const invalid = page.getByTestId('member-page-invalid');
      await invalid.waitFor();
      expect(await invalid.innerText()).toContain('链接无效');
      expect(await invalid.innerText()).toContain('请向商家索取新的会员页链接');
      expect(await page.getByTestId('member-page-balance').count()).toBe(0);
      await screenshot(page, 'member-page-invalid');
      await page.goto('/member');
      await invalid.waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
