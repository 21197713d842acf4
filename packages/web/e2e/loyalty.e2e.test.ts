import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { openLoggedIn, screenshot } from './browser.ts';
import { seedShop, type Seeded } from './seed-data.ts';

let server: E2eServer;
let seeded: Seeded;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await startE2eServer();
  seeded = await seedShop(server);
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

const hasFocus = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

/** The program the second test creates, which the later ones add rewards to. */
async function testRewards() {
  const programs = await server.call<{ items: { id: string; name: string }[] }>(
    'GET',
    '/v1/loyalty/programs',
  );
  return programs.items.find((item) => item.name === 'Test Rewards')!;
}

describe('loyalty screens in a real browser', () => {
  test('without a program: an empty state with the request that creates one', async () => {
    await page.goto('/loyalty');
    await page.getByTestId('loyalty-empty').waitFor();
    expect(await page.getByTestId('loyalty-empty').innerText()).toContain('/v1/loyalty/programs');
    await screenshot(page, 'loyalty-empty');
    expect(errors).toEqual([]);
  });

  test('the loyalty page shows the program, its liability and its chart', async () => {
    // The seeded shop sells in CNY: the program uses the same currency.
    await server.call('POST', '/v1/loyalty/programs', {
      name: 'Test Rewards',
      currency: 'CNY',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
      pendingDays: 0,
      tiers: {
        metric: 'points',
        window: { kind: 'rolling', months: 12 },
        levels: [
          { code: 'member', name: '普通会员', threshold: 0 },
          { code: 'gold', name: '金卡会员', threshold: 1000 },
        ],
      },
    });
    // ¥1,234.56 at 1 point per yuan: 1,234 points.
    await server.call('POST', '/v1/events', {
      id: 'loyalty-e2e-1',
      type: 'purchase',
      customerId: seeded.zhangWei.id,
      occurredAt: new Date().toISOString(),
      currency: 'CNY',
      amount: 123_456,
    });
    await page.goto('/loyalty');
    await page.getByTestId('loyalty-program').waitFor();
    expect(await page.getByTestId('loyalty-program').innerText()).toContain('Test Rewards');
    await expect
      .poll(() => page.getByTestId('liability-outstanding').innerText())
      .toContain('1,234');
    expect(await page.getByTestId('loyalty-liability').innerText()).toContain('未兑付积分');
    // Nothing expires in this program: the forecast says so rather than hiding.
    expect(await page.getByTestId('liability-expiring-30').innerText()).toContain('30 天内到期');
    expect(await page.getByTestId('liability-expiring-90').innerText()).toContain('0 位会员');
    await expect
      .poll(() => page.locator('[data-testid="loyalty-stats"] canvas').count())
      .toBeGreaterThan(0);
    // Members per tier, by the tiers' names rather than their codes.
    await expect.poll(() => page.getByTestId('loyalty-tiers').innerText()).toContain('金卡会员');
    expect(await page.getByTestId('loyalty-tiers').innerText()).not.toContain('gold');
    expect(await page.getByTestId('loyalty-top-rewards').innerText()).toContain('还没有兑换记录');
    await screenshot(page, 'loyalty-program');
    expect(errors).toEqual([]);
  });

  test('the customer 360 page shows the balance and the history with its explanation', async () => {
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await page.getByTestId('customer-loyalty').waitFor();
    await expect.poll(() => page.getByTestId('member-available').innerText()).toContain('1,234');
    const entry = page.getByTestId('loyalty-entry').first();
    await entry.waitFor();
    const text = await entry.innerText();
    expect(text).toContain('+1,234');
    expect(text).toContain('获得');
    expect(text).toContain('r1');
    expect(text).toContain('loyalty-e2e-1');
    // The explanation in Chinese from its numbers, not the server's English words.
    // The rule (its id: it has no name), the spend, the rate and the points, each clause apart.
    expect(text).toContain('r1：消费 ¥1,234.56，每 ¥1.00 得 1 分 → 基础 1,234 分 = 1,234 分');
    expect(text).not.toContain('spent on');
    expect(await page.getByTestId('member-lots').innerText()).toContain('永不过期');
    // The tier history: the purchase lifted the member straight to gold, worded from numbers.
    const change = await page.getByTestId('tier-change').first().innerText();
    expect(change).toContain('升级');
    expect(change).toContain('无等级 → 金卡会员');
    expect(change).toContain('定级周期内获得 1,234 积分，达到金卡会员门槛 1,000');
    await screenshot(page, 'loyalty-customer');
    expect(errors).toEqual([]);
  });

  test('switching to English changes the labels', async () => {
    await page.locator('.app-header').getByText('English').click();
    await expect
      .poll(() => page.getByTestId('customer-loyalty').innerText())
      .toContain('Available');
    expect(await page.getByTestId('loyalty-entry').first().innerText()).toContain('Earned');
    expect(await page.getByTestId('tier-change').first().innerText()).toContain(
      'Reached 金卡会员 (needs 1,000) with 1,234 points earned in the qualifying period',
    );
    await page.goto('/loyalty');
    await expect
      .poll(() => page.getByTestId('loyalty-liability').innerText())
      .toContain('Outstanding points');
    await screenshot(page, 'loyalty-program-en');
    // Back to Chinese for whoever comes next.
    await page.locator('.app-header').getByText('中文').click();
    await page.getByRole('navigation').getByText('客户', { exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  test('top rewards: the rewards members redeem, as a chart', async () => {
    const program = await testRewards();
    const reward = await server.call<{ id: string }>(
      'POST',
      `/v1/loyalty/programs/${program.id}/rewards`,
      { name: '免费咖啡', pointsCost: 100 },
    );
    await server.call('POST', `/v1/loyalty/programs/${program.id}/redemptions`, {
      customerId: seeded.zhangWei.id,
      points: 100,
      rewardId: reward.id,
      idempotencyKey: 'loyalty-e2e-coffee',
    });
    await page.goto('/loyalty');
    const card = page.getByTestId('loyalty-top-rewards');
    await expect.poll(() => card.locator('canvas').count()).toBeGreaterThan(0);
    expect(await card.innerText()).toContain('热门奖励');
    expect(await card.innerText()).not.toContain('还没有兑换记录');
    await screenshot(page, 'loyalty-top-rewards');
    expect(errors).toEqual([]);
  });

  test('a cashback program: the wallet balance, its entries, and spending from it', async () => {
    const liNa = seeded.customers.find((customer) => customer.name === '李娜');
    if (!liNa) throw new Error('the seeded shop has 李娜');
    await server.call('POST', '/v1/loyalty/programs', {
      name: 'Cashback Club',
      currency: 'CNY',
      earnRules: [{ kind: 'spend', points: 1, per: 100 }],
      cashback: { rateBasisPoints: 500 },
    });
    // 5 % of ¥200.00: ¥10.00 into the wallet.
    await server.call('POST', '/v1/events', {
      id: 'loyalty-e2e-cashback',
      type: 'purchase',
      customerId: liNa.id,
      occurredAt: new Date().toISOString(),
      currency: 'CNY',
      amount: 20_000,
    });
    await page.goto(`/customers/${liNa.id}`);
    // Only the cashback program has a wallet section.
    const wallet = page.getByTestId('member-wallet');
    await expect.poll(() => wallet.getByTestId('wallet-balance').innerText()).toContain('¥10.00');
    expect(await wallet.count()).toBe(1);
    const entries = wallet.getByTestId('wallet-entries');
    await expect.poll(() => entries.innerText()).toContain('+¥10.00');
    expect(await entries.innerText()).toContain('返现');
    expect(await entries.innerText()).toContain('5%');

    await wallet.getByTestId('wallet-spend').click();
    const form = page.getByTestId('wallet-spend-form');
    const amount = form.getByRole('spinbutton');
    // More than the wallet holds is refused before it is sent.
    await amount.fill('12');
    await amount.press('Enter');
    await expect.poll(() => form.innerText()).toContain('超过钱包余额');
    await amount.fill('3.5');
    await amount.press('Enter');
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => wallet.getByTestId('wallet-balance').innerText()).toContain('¥6.50');
    await expect.poll(() => entries.innerText()).toContain('−¥3.50');
    expect(await entries.innerText()).toContain('使用');
    await screenshot(page, 'loyalty-customer-wallet');
    expect(errors).toEqual([]);
  });

  test('the members list: by points, by tier from the dashboard, searched, sorted, to the 360 page', async () => {
    await page.goto('/loyalty');
    await page.getByTestId('open-members').click();
    await page.waitForURL(/\/loyalty\/programs\/[^/]+\/members/);
    const table = page.getByTestId('member-table');
    const names = () => table.locator('tbody tr.ant-table-row td:first-child').allInnerTexts();
    // 张伟 holds 1,134 points after the coffee; 李娜 200 from the cashback test's purchase.
    await expect.poll(names).toEqual(['张伟', '李娜']);
    const first = await table.locator('tbody tr.ant-table-row').first().innerText();
    expect(first).toContain('金卡会员');
    expect(first).toContain('1,134');
    expect(await page.locator('.load-more').innerText()).toContain('已显示全部 2 位会员');
    await expect.poll(() => table.locator('.ant-spin-spinning').count()).toBe(0);
    await screenshot(page, 'loyalty-members');

    // Nobody's points expire in this program: a reminder list would be empty.
    await page.getByTestId('member-expiring-filter').click();
    await page.locator('.ant-select-item-option').getByText('30 天内有积分到期').click();
    await expect
      .poll(() => page.getByTestId('members-empty').innerText())
      .toContain('没有符合条件的会员');
    expect(await page.getByTestId('members-export').getAttribute('href')).toContain(
      'expiringWithin=30',
    );
    await page.getByTestId('member-expiring-filter').click();
    await page.locator('.ant-select-item-option').getByText('不限到期').click();
    await expect.poll(names).toEqual(['张伟', '李娜']);

    // Fewest points first.
    await page.getByTestId('member-sort').click();
    await page.locator('.ant-select-item-option').getByText('可用积分最少').click();
    await expect.poll(names).toEqual(['李娜', '张伟']);
    expect(page.url()).toContain('sort=available');

    // Searched by pinyin, as the customer search matches.
    await page.getByTestId('member-search').locator('input').fill('zhangwei');
    await expect.poll(names).toEqual(['张伟']);
    // The export takes the same filters, and the session's cookie fetches it.
    const href = await page.getByTestId('members-export').getAttribute('href');
    expect(href).toContain('sort=available');
    expect(href).toContain('q=zhangwei');
    const csv = await page.request.get(href!);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('张伟');
    await page.getByTestId('member-search').locator('input').fill('no such member');
    await expect
      .poll(() => page.getByTestId('members-empty').innerText())
      .toContain('没有符合条件的会员');
    // As on the customer list, the empty state offers the way back: every filter goes, the
    // sort stays.
    await page.getByRole('button', { name: '清除筛选' }).click();
    await expect.poll(names).toEqual(['李娜', '张伟']);
    expect(await page.getByTestId('member-search').locator('input').inputValue()).toBe('');
    expect(page.url()).not.toContain('q=');
    expect(page.url()).toContain('sort=available');

    // A tier's row on the dashboard opens its members.
    await page.goto('/loyalty');
    await page.getByTestId('loyalty-tiers').getByRole('link', { name: '普通会员' }).click();
    await page.waitForURL(/tier=member/);
    await expect.poll(names).toEqual(['李娜']);

    await table.locator('tbody tr.ant-table-row').first().click();
    await page.waitForURL(/\/customers\//);
    await page.getByTestId('customer-loyalty').waitFor();
    expect(errors).toEqual([]);
  });

  test('staff redeem at the counter: a reward, then points as such, never more than the member has', async () => {
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await expect.poll(() => page.getByTestId('member-available').innerText()).toContain('1,134');
    await page.getByTestId('redeem-button').click();
    const modal = page.locator('.ant-modal');
    await page.getByTestId('redeem-reward').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '免费咖啡' }).click();
    await modal.getByRole('button', { name: '确认兑换' }).click();
    const result = modal.locator('.ant-result');
    await expect.poll(() => result.innerText()).toContain('已兑换 免费咖啡，扣除 100 积分');
    expect(await result.innerText()).toContain('剩余 1,034 积分');
    await screenshot(page, 'loyalty-redeem-done');
    await modal.getByRole('button', { name: /^完\s?成$/ }).click();
    await expect.poll(() => page.getByTestId('member-available').innerText()).toContain('1,034');

    // Reopened at once, while the last dialog may still be closing: a fresh form, not the result.
    await page.getByTestId('redeem-button').click();
    await modal.getByTestId('redeem-form').waitFor();
    expect(await result.count()).toBe(0);
    // The rest from a dialog opened once that one has closed for good (its content is destroyed
    // when the closing animation ends, which a dialog reopened before it may still see).
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'hidden' });
    await page.getByTestId('redeem-button').click();
    await modal.getByTestId('redeem-form').waitFor();
    expect(await result.count()).toBe(0);
    await modal.getByText('积分抵扣').click();
    const points = page.getByTestId('redeem-points');
    await points.fill('5000');
    await points.press('Enter');
    await expect.poll(() => modal.innerText()).toContain('超过会员的可用积分');
    await points.fill('34');
    await points.press('Enter');
    await expect.poll(() => result.innerText()).toContain('已抵扣 34 积分');
    expect(await result.innerText()).toContain('剩余 1,000 积分');
    await modal.getByRole('button', { name: /^完\s?成$/ }).click();
    await expect.poll(() => page.getByTestId('member-available').innerText()).toContain('1,000');
    // Both are in the history, as points leaving the member.
    const newest = await page.getByTestId('loyalty-entry').first().innerText();
    // Points as such are a points redemption; the coffee was a reward's.
    expect(newest).toContain('积分抵扣');
    expect(newest).toContain('−34');
    const older = await page.getByTestId('loyalty-entry').nth(1).innerText();
    expect(older).toContain('兑换奖励');
    expect(older).toContain('−100');
    expect(errors).toEqual([]);
  });

  test('an owner credits points by hand after a complaint, with the reason in the history', async () => {
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await expect.poll(() => page.getByTestId('member-available').innerText()).toContain('1,000');
    await page.getByTestId('adjust-button').click();
    await page.getByTestId('adjust-points').fill('66');
    await page.getByTestId('adjust-note').fill('快递延误三天');
    await page.getByTestId('adjust-note').press('Enter');
    await page.getByTestId('adjust-form').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('member-available').innerText()).toContain('1,066');
    const newest = page.getByTestId('loyalty-entry').first();
    await expect.poll(() => newest.innerText()).toContain('人工补发：服务补救——快递延误三天');
    expect(await newest.innerText()).toContain('+66');
    expect(errors).toEqual([]);
  });

  test('in Chinese, nothing is announced in English: no number field has English step buttons, no icon an English name', async () => {
    // antd's InputNumber labels its step buttons "Increase Value" / "Decrease Value" whatever
    // the language: the number fields leave them out (↑ and ↓ still step).
    const englishSteppers = page.locator(
      '[aria-label="Increase Value"], [aria-label="Decrease Value"], .ant-input-number-action',
    );
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await page.getByTestId('member-available').waitFor();
    // Icons are named after their shape ("shopping-cart", "gift"): ours are decorative and say
    // nothing (antd's own, as in its toasts, still do).
    const iconNames = page
      .locator('.ant-layout')
      .first()
      .getByRole('img', { name: /^[a-z]+(-[a-z]+)*$/ })
      .evaluateAll((icons) => icons.map((icon) => icon.getAttribute('aria-label')));
    expect(await iconNames).toEqual([]);

    await page.getByTestId('adjust-button').click();
    const points = page.getByTestId('adjust-points');
    await points.waitFor();
    expect(await page.locator('.ant-modal .ant-input-number').count()).toBeGreaterThan(0);
    expect(await englishSteppers.count()).toBe(0);
    await points.press('ArrowUp');
    await expect.poll(() => points.inputValue()).toBe('1');
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /^取\s?消$/ })
      .click();
    await points.waitFor({ state: 'detached' });

    await page.getByTestId('redeem-button').click();
    const modal = page.locator('.ant-modal');
    // The choice between a reward and points is named in Chinese (antd: "segmented control").
    await modal.getByRole('radiogroup', { name: '兑换方式' }).getByText('积分抵扣').click();
    await page.getByTestId('redeem-points').waitFor();
    expect(await englishSteppers.count()).toBe(0);
    await page.keyboard.press('Escape');

    // The program designer: its settings are mostly numbers.
    const programs = await server.call<{ items: { id: string }[] }>('GET', '/v1/loyalty/programs');
    await page.goto(`/loyalty/programs/${programs.items[0]?.id}?tab=settings`);
    await expect.poll(() => page.locator('.ant-input-number').count()).toBeGreaterThan(2);
    expect(await englishSteppers.count()).toBe(0);
    expect(await page.getByRole('button', { name: /Increase|Decrease/ }).count()).toBe(0);
    await screenshot(page, 'loyalty-designer-settings-zh');
    expect(errors).toEqual([]);
  });

  test('the rewards card: the cheapest on offer, and the whole catalog with its search a click away', async () => {
    const program = await testRewards();
    const rewards = `/v1/loyalty/programs/${program.id}/rewards`;
    // Beside 免费咖啡 (100): five more on offer, one switched off, one not on offer yet.
    for (const [name, pointsCost] of [
      ['茶叶礼盒', 5_000],
      ['帆布袋', 300],
      ['雨伞', 3_000],
      ['保温杯', 800],
      ['会员T恤', 1_200],
    ] as const) {
      await server.call('POST', rewards, { name, pointsCost });
    }
    const coaster = await server.call<{ id: string }>('POST', rewards, {
      name: '杯垫',
      pointsCost: 50,
    });
    await server.call('PATCH', `${rewards}/${coaster.id}`, { active: false });
    await server.call('POST', rewards, {
      name: '中秋月饼',
      pointsCost: 200,
      validFrom: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });

    await page.goto(`/loyalty?program=${program.id}`);
    const card = page.getByTestId('loyalty-rewards');
    const rows = card.locator('tbody tr.ant-table-row');
    await expect
      .poll(() => rows.evaluateAll((all) => all.map((row) => row.querySelector('td')?.textContent)))
      .toEqual(['免费咖啡', '帆布袋', '保温杯', '会员T恤', '雨伞']);
    expect(await card.innerText()).toContain('可兑换的 6 个奖励中所需积分最低的 5 个');
    await screenshot(page, 'loyalty-rewards-card');

    // "All 8": the designer's rewards tab, whose search finds what the card leaves out.
    await card.getByRole('link', { name: '全部 8 个奖励' }).click();
    await page.waitForURL(new RegExp(`/loyalty/programs/${program.id}\\?tab=rewards$`));
    const table = page.getByTestId('rewards-table');
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(8);
    await page.getByLabel('搜索奖励').fill('杯');
    await expect
      .poll(() => table.locator('tbody tr.ant-table-row').allInnerTexts())
      .toEqual([expect.stringContaining('杯垫'), expect.stringContaining('保温杯')]);
    expect(errors).toEqual([]);
  });
  test('Enter in the redeem dialog picks the reward highlighted in its list and does not redeem; Enter in the points field redeems', async () => {
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await page.getByTestId('member-available').waitFor();
    const redemptions: string[] = [];
    const countRedemptions = (request: Request) => {
      if (request.method() === 'POST' && request.url().endsWith('/redemptions'))
        redemptions.push(request.url());
    };
    page.on('request', countRedemptions);
    try {
      await page.getByTestId('redeem-button').click();
      const modal = page.locator('.ant-modal');
      const select = modal.locator('#member-redeem_rewardId');
      await expect.poll(() => hasFocus(select)).toBe(true);
      // A submit of the form happens within the key press (its default action): counted here.
      await page.evaluate(() => {
        const counted = window as unknown as { submits: number };
        counted.submits = 0;
        document.addEventListener('submit', () => (counted.submits += 1), true);
      });
      const submits = () => page.evaluate(() => (window as unknown as { submits: number }).submits);
      // Enter opens the list, typing narrows it to 帆布袋, Enter picks it.
      await page.keyboard.press('Enter');
      await page.locator('.ant-select-dropdown:visible').waitFor();
      await page.keyboard.type('帆布');
      await page.keyboard.press('Enter');
      await expect.poll(() => modal.locator('.ant-select').first().innerText()).toContain('帆布袋');
      await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
      expect(await submits()).toBe(0);
      expect(redemptions).toEqual([]);
      expect(await modal.getByTestId('redeem-form').count()).toBe(1);
      expect(await hasFocus(select)).toBe(true);
      // Enter again opens the list again; the arrow and Enter pick the one after it.
      await page.keyboard.press('Enter');
      await page.locator('.ant-select-dropdown:visible').waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
      expect(await modal.locator('.ant-select').first().innerText()).not.toContain('帆布袋');
      expect(await submits()).toBe(0);
      expect(redemptions).toEqual([]);
      // Esc closes the dialog (a first Esc may go to the select, which keeps it for its list):
      // nothing was redeemed. Pressed again only while the dialog is still there, so a busy
      // machine's slow animation does not fail the test.
      await expect
        .poll(
          async () => {
            if (await modal.isVisible()) await page.keyboard.press('Escape');
            return modal.isVisible();
          },
          { interval: 500 },
        )
        .toBe(false);
      expect(redemptions).toEqual([]);

      // Enter in the points field redeems them, as in any form.
      await page.getByTestId('redeem-button').click();
      await modal.getByTestId('redeem-form').waitFor();
      await modal.getByText('积分抵扣').click();
      const points = modal.getByTestId('redeem-points');
      await points.fill('6');
      await points.press('Enter');
      await expect.poll(() => modal.locator('.ant-result').innerText()).toContain('已抵扣 6 积分');
      expect(redemptions).toHaveLength(1);
      await modal.getByRole('button', { name: /^完\s?成$/ }).click();
    } finally {
      page.off('request', countRedemptions);
    }
    expect(errors).toEqual([]);
  });

  test('a reward refused at the counter says why in Chinese; a reward at its per-member limit is off in the list', async () => {
    const program = await testRewards();
    const reward = await server.call<{ id: string }>(
      'POST',
      `/v1/loyalty/programs/${program.id}/rewards`,
      { name: '限量马克杯', pointsCost: 10, perMemberLimit: 1 },
    );
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await page.getByTestId('member-available').waitFor();
    await page.getByTestId('redeem-button').click();
    const modal = page.locator('.ant-modal');
    await page.getByTestId('redeem-reward').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '限量马克杯' }).click();
    // Meanwhile another till redeems it for the member: the limit is reached.
    await server.call('POST', `/v1/loyalty/programs/${program.id}/redemptions`, {
      customerId: seeded.zhangWei.id,
      rewardId: reward.id,
      idempotencyKey: 'loyalty-e2e-mug-1',
    });
    await modal.getByRole('button', { name: '确认兑换' }).click();
    // Under the field, the reason in the user's words (it was the server's English sentence).
    const explained = modal.locator('.ant-form-item-explain');
    await expect.poll(() => explained.innerText()).toContain('每位会员限兑 1 次，已兑换 1 次');
    expect(await modal.innerText()).not.toContain('At most');
    expect(await modal.getByRole('alert').first().innerText()).toContain('该奖励不可用');
    await screenshot(page, 'loyalty-redeem-limit-reached');
    // The list now shows the reward off, with the reason, as it does a tier or sold-out one.
    await page.getByTestId('redeem-reward').click();
    const option = page.locator('.ant-select-item-option').filter({ hasText: '限量马克杯' });
    await expect.poll(() => option.innerText()).toContain('已达兑换上限（每位会员限兑 1 次）');
    expect(await option.getAttribute('class')).toContain('ant-select-item-option-disabled');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
    await modal.getByRole('button', { name: /^取\s?消$/ }).click();
    await modal.waitFor({ state: 'hidden' });
    expect(errors).toEqual([]);
  });

  test('on the member page, a refused reward says why in the member’s words', async () => {
    const program = await testRewards();
    const reward = await server.call<{ id: string }>(
      'POST',
      `/v1/loyalty/programs/${program.id}/rewards`,
      { name: '会员徽章', pointsCost: 10, perMemberLimit: 1 },
    );
    const link = await server.call<{ token: string }>(
      'POST',
      `/v1/loyalty/programs/${program.id}/members/${seeded.zhangWei.id}/link`,
      { days: 7 },
    );
    await page.goto(`/member?token=${link.token}`);
    await page.getByRole('button', { name: '兑换 会员徽章' }).click();
    await page.getByTestId('member-redeem-confirmation').waitFor();
    // Meanwhile the member redeems it at the counter: the limit is reached.
    await server.call('POST', `/v1/loyalty/programs/${program.id}/redemptions`, {
      customerId: seeded.zhangWei.id,
      rewardId: reward.id,
      idempotencyKey: 'loyalty-e2e-badge-1',
    });
    await page.getByRole('button', { name: '确认兑换' }).click();
    await expect
      .poll(() => page.getByTestId('member-redeem-error').innerText())
      .toBe('您已兑换此奖励 1 次，每位会员限兑 1 次。');
    expect(errors).toEqual([]);
  });
});
