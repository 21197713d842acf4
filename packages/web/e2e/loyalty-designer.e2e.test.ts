import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Locator, Page, Route } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { logIn, loseFirstAnswer, newPage, openLoggedIn, screenshot } from './browser.ts';

// The program designer against the real server, on an empty tenant: create a program, give it
// tiers, rules (tried in the dry run, then published), a reward with coupons (then edited and
// switched off) and a partner.
let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let programPath = '';

beforeAll(async () => {
  server = await startE2eServer();
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** Picks an option of an antd Select by the text it shows. */
async function choose(target: Page, selectId: string, option: string) {
  await target.locator(`#${selectId}`).click();
  await target
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: option })
    .first()
    .click();
}

/** antd puts a space between the two characters of a two-character Chinese button label. */
const label = (text: string) => new RegExp(text.split('').join('\\s?'));

/** What has the focus: its id, else its role and text, for a readable failure. */
function focused(target: Page) {
  return target.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'body';
    return active.id || `${active.getAttribute('role') ?? active.tagName}: ${active.textContent}`;
  });
}

const hasFocus = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

async function openTab(name: string) {
  await page.getByRole('tab', { name }).click();
}

describe('loyalty program designer in a real browser', () => {
  test('create a program from the empty loyalty page: the name is required, Enter submits', async () => {
    await page.goto('/loyalty');
    await page.getByTestId('loyalty-empty').getByRole('button', { name: '新建计划' }).click();
    await page.waitForURL(/\/loyalty\/programs\/new$/);
    const name = page.locator('#program_name');
    await expect.poll(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    await name.press('Enter');
    await expect
      .poll(() => page.getByTestId('program-create').innerText())
      .toContain('请填写计划名称');
    await name.fill('星享会员');
    await page.locator('#program_pendingDays').fill('0');
    await screenshot(page, 'loyalty-designer-create');
    await name.press('Enter');
    await page.waitForURL(/\/loyalty\/programs\/[0-9a-f-]{36}\?tab=rules$/);
    programPath = new URL(page.url()).pathname;
    expect(await page.getByTestId('designer-header').innerText()).toContain('星享会员');
    expect(await page.getByTestId('designer-header').innerText()).toContain('规则 v1');
    // The first rule: 1 point per ¥1.
    await expect
      .poll(() => page.getByTestId('rule-summary').first().innerText())
      .toContain('每消费 ¥1.00 得 1 积分');
    expect(errors).toEqual([]);
  });

  test('tiers: what the server refuses is shown next to the field, in Chinese, then saved', async () => {
    await openTab('会员等级');
    await page.locator('#tiers_enabled').click();
    await page.getByRole('button', { name: '添加等级' }).click();
    // The new level keeps the first level's code: the server answers with the field.
    await page.locator('#tiers_tiers_levels_1_code').fill('member');
    await page.locator('#tiers_tiers_levels_1_name').fill('金卡');
    await page.locator('#tiers_tiers_levels_1_threshold').fill('1000');
    await page.locator('#tiers_tiers_levels_1_privileges_earnMultiplier').fill('1.5');
    // A value the form lets through but the API's schema refuses (the request is changed on
    // its way): the field's error is in Chinese, worded from its reason, not zod's English.
    const api = `**/v1${programPath}`;
    const negativeThreshold = async (route: Route) => {
      const body = route.request().postDataJSON() as {
        tiers?: { levels?: { threshold: number }[] };
      } | null;
      const level = body?.tiers?.levels?.[1];
      if (route.request().method() !== 'PATCH' || !level) return route.continue();
      level.threshold = -1;
      return route.continue({ postData: JSON.stringify(body) });
    };
    await page.route(api, negativeThreshold);
    await page.getByRole('button', { name: label('保存') }).click();
    const thresholdItem = page
      .locator('.ant-form-item')
      .filter({ has: page.locator('#tiers_tiers_levels_1_threshold') });
    await expect.poll(() => thresholdItem.innerText()).toContain('不能小于 0');
    await page.unroute(api, negativeThreshold);
    await page.getByRole('button', { name: label('保存') }).click();
    const codeItem = page
      .locator('.ant-form-item')
      .filter({ has: page.locator('#tiers_tiers_levels_1_code') });
    await expect.poll(() => codeItem.innerText()).toContain('不能重复');
    expect(await codeItem.innerText()).not.toContain('duplicate');
    await screenshot(page, 'loyalty-designer-tier-error');
    // Switching the language words the field's error again.
    await page.locator('.app-header').getByText('English').click();
    await expect.poll(() => codeItem.innerText()).toContain('Given more than once');
    await page.locator('.app-header').getByText('中文').click();
    await expect.poll(() => codeItem.innerText()).toContain('不能重复');
    await page.locator('#tiers_tiers_levels_1_code').fill('gold');
    await page.getByRole('button', { name: label('保存') }).click();
    await page.getByText('已保存').first().waitFor();
    const program = await server.call<{ tiers: { levels: { code: string; threshold: number }[] } }>(
      'GET',
      `/v1${programPath}`,
    );
    expect(program.tiers.levels.map((level) => [level.code, level.threshold])).toEqual([
      ['member', 0],
      ['gold', 100_000],
    ]);
    expect(errors).toEqual([]);
  });

  test('rules: add a weekend multiplier, dry run a purchase, see why, publish version 2', async () => {
    await openTab('积分规则');
    await page.getByRole('button', { name: '倍数规则' }).click();
    const card = page.getByTestId('rule-card').nth(1);
    await page.locator('#rules_earnRules_1_name').fill('周末双倍');
    await card.getByLabel('周六').check();
    await card.getByLabel('周日').check();
    await expect.poll(() => card.getByTestId('rule-summary').innerText()).toContain('×2');
    await page.getByTestId('rules-dirty').waitFor();

    // ¥100 on Saturday 9 May 2026 at 10:00 in the program's zone, as a gold member.
    const dryRun = page.getByTestId('dry-run');
    await page.locator('#dryRun_event_amount').fill('100');
    const when = page.locator('#dryRun_event_occurredAt');
    await when.click();
    await when.fill('2026-05-09 10:00');
    await when.press('Enter');
    await choose(page, 'dryRun_tier', '金卡');
    await dryRun.getByRole('button', { name: label('试算') }).click();
    const result = page.getByTestId('dry-run-result');
    await expect.poll(() => page.getByTestId('dry-run-points').innerText()).toContain('300');
    const step = await page.getByTestId('dry-run-step').first().innerText();
    expect(step).toContain('消费积分 (base)');
    expect(step).toContain('基础积分：100');
    // Why, in Chinese from the explanation's numbers (the server's words are English).
    expect(step).toContain('× 2，来自 周末双倍 (r1)（星期六）');
    expect(step).toContain('× 1.5，来自 等级 金卡 特权');
    expect(step).toContain('消费 ¥100.00，每 ¥1.00 得 1 分');
    expect(step).not.toMatch(/on Sat|spent on/);
    expect(step).toContain('= 300 积分');
    expect(await result.innerText()).toContain('草稿规则');
    await screenshot(page, 'loyalty-designer-dry-run');

    await page.getByRole('button', { name: '发布为第 2 版' }).click();
    await page.getByText('已发布第 2 版').waitFor();
    await expect.poll(() => page.getByTestId('designer-header').innerText()).toContain('规则 v2');
    const versions = page.getByTestId('rule-versions');
    await expect.poll(() => versions.innerText()).toContain('v2');
    expect(await versions.innerText()).toContain('v1');
    expect(await versions.innerText()).toContain('当前');
    const published = await server.call<{
      earnRules: { id: string; kind: string; weekdays?: number[] }[];
    }>('GET', `/v1${programPath}`);
    expect(published.earnRules).toMatchObject([
      { id: 'base', kind: 'spend' },
      { id: 'r1', kind: 'multiplier', weekdays: [0, 6] },
    ]);
    // The published rules give the same answer.
    await dryRun.getByRole('button', { name: label('试算') }).click();
    await expect.poll(() => result.innerText()).toContain('规则 v2');
    expect(await page.getByTestId('dry-run-points').innerText()).toContain('300');
    expect(errors).toEqual([]);
  });

  test('rewards: add a reward, then generate its coupon pool', async () => {
    await openTab('奖励与券码');
    // The header's button: once the empty list has loaded, its empty state offers a second one.
    await page.getByRole('button', { name: '新建奖励' }).first().click();
    await page.locator('#reward_name').fill('免费咖啡');
    await page.locator('#reward_pointsCost').fill('200');
    await page.locator('#reward_stock').fill('10');
    await page.locator('#reward_pointsCost').press('Enter');
    const table = page.getByTestId('rewards-table');
    await expect.poll(() => table.innerText()).toContain('免费咖啡');
    expect(await table.innerText()).toContain('200');
    await table.getByRole('button', { name: label('券码') }).click();
    const drawer = page.getByTestId('coupons-drawer');
    // Opened to add codes: how many has the focus, its 100 selected, so typing replaces it.
    const count = page.locator('#coupons_count');
    await expect.poll(() => count.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('5');
    expect(await count.inputValue()).toBe('5');
    await page.locator('#coupons_prefix').fill('cafe');
    await page.locator('#coupons_length').fill('10');
    // The server makes the codes: the browser asks for them, once per batch (a key).
    const sent = page.waitForRequest(
      (request) => request.method() === 'POST' && request.url().endsWith('/coupons'),
    );
    await drawer.getByRole('button', { name: '加入券码池' }).click();
    expect((await sent).postDataJSON()).toMatchObject({
      generate: { count: 5, prefix: 'cafe', length: 10 },
      idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await expect
      .poll(() => page.getByTestId('coupons-added').innerText())
      .toContain('新增 5 个，0 个已存在；当前可发放 5 个');
    const generated = (
      await drawer.getByTestId('coupons-generated').locator('textarea').inputValue()
    ).split('\n');
    expect(generated).toHaveLength(5);
    for (const code of generated) expect(code).toMatch(/^CAFE-[A-HJ-NP-Z2-9]{10}$/);
    await expect
      .poll(() => drawer.getByTestId('coupons-table').locator('tbody tr.ant-table-row').count())
      .toBe(5);
    const listed = await drawer.getByTestId('coupons-table').innerText();
    for (const code of generated) expect(listed).toContain(code);
    await expect.poll(() => drawer.getByTestId('coupon-counts').innerText()).toContain('5');
    await screenshot(page, 'loyalty-designer-coupons');
    await page.locator('.ant-drawer-close').click();
    expect(errors).toEqual([]);
  });

  test('rewards: edit a reward, then switch it off', async () => {
    const table = page.getByTestId('rewards-table');
    const row = table.locator('tbody tr.ant-table-row').filter({ hasText: '免费咖啡' });
    await row.getByRole('button', { name: label('编辑') }).click();
    const name = page.locator('#reward_name');
    await expect.poll(() => name.inputValue()).toBe('免费咖啡');
    expect(await page.locator('#reward_stock').inputValue()).toBe('10');
    await name.fill('大杯咖啡');
    await page.locator('#reward_pointsCost').fill('250');
    await page.locator('#reward_pointsCost').press('Enter');
    // The saved reward in the table, rather than the toast saying so: a toast lasts 3 s, and
    // under a loaded CI machine it once came and went unseen.
    await expect.poll(() => table.innerText(), { timeout: 30_000 }).toContain('大杯咖啡');
    expect(await table.innerText()).toContain('250');

    const edited = table.locator('tbody tr.ant-table-row').filter({ hasText: '大杯咖啡' });
    await edited.getByRole('button', { name: label('停用') }).click();
    await page.getByText('已停用奖励“大杯咖啡”：会员无法再兑换').waitFor();
    await edited.getByRole('button', { name: label('启用') }).waitFor();
    await screenshot(page, 'loyalty-designer-reward-off');
    const programId = programPath.split('/').pop() ?? '';
    const { items } = await server.call<{
      items: { name: string; pointsCost: number; stock: number | null; active: boolean }[];
    }>('GET', `/v1/loyalty/programs/${programId}/rewards`);
    expect(items).toMatchObject([{ name: '大杯咖啡', pointsCost: 250, stock: 10, active: false }]);
    expect(errors).toEqual([]);
  });

  test('partners: add one, its API key is shown once, its settlement is empty', async () => {
    await openTab('合作伙伴');
    // The header's button (the empty list offers a second one once loaded).
    await page.getByRole('button', { name: '添加合作伙伴' }).first().click();
    await page.locator('#partner_name').fill('蓝天航空');
    await page.locator('#partner_name').press('Enter');
    const key = page.getByTestId('partner-api-key');
    await key.waitFor();
    expect((await key.innerText()).length).toBeGreaterThan(20);
    await screenshot(page, 'loyalty-designer-partner-key');
    await page.getByRole('button', { name: '我已复制' }).click();
    const table = page.getByTestId('partners-table');
    await expect.poll(() => table.innerText()).toContain('蓝天航空');
    await table.getByRole('button', { name: label('结算') }).click();
    await expect
      .poll(() => page.getByTestId('partner-settlement').innerText())
      .toContain('无需结算');
    // Among the account's API keys, the partner's says it is a partner's, not an agent's.
    const designer = page.url();
    await page.goto('/settings/api-keys');
    const keyRow = page.locator('tr', { hasText: '蓝天航空' });
    await expect.poll(() => keyRow.innerText()).toContain('合作伙伴');
    expect(await keyRow.innerText()).not.toContain('专员');
    await page.goto(designer);
    expect(errors).toEqual([]);
  });

  test('in English, and read-only for a viewer', async () => {
    await page.locator('.app-header').getByText('English').click();
    await expect.poll(() => page.getByRole('tab', { name: 'Earning rules' }).count()).toBe(1);
    await openTab('Earning rules');
    await expect
      .poll(() => page.getByTestId('rule-summary').first().innerText())
      .toContain('Earn 1 per CN¥1.00 spent');
    await screenshot(page, 'loyalty-designer-rules-en');
    expect(await page.getByTestId('designer-header').innerText()).toMatch(/Rules v\d/);
    // The dry run's member field says what it takes in full, not cut off ("Search a cust…").
    const placeholder = page.getByTestId('dry-run').getByText('Search (optional)');
    expect(await placeholder.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.locator('.app-header').getByText('中文').click();
    await page.getByRole('tab', { name: '积分规则' }).waitFor();
    expect(errors).toEqual([]);

    const viewer = { email: 'viewer@e2e.fidelis.test', password: 'viewer password 123' };
    await server.call('POST', '/v1/users', { ...viewer, name: '只读用户', role: 'viewer' });
    const other = await newPage(browser, server.url);
    try {
      await logIn(other.page, viewer);
      await other.page.goto(`${programPath}?tab=rules`);
      await other.page.getByTestId('designer-readonly').waitFor();
      await other.page.getByTestId('rule-card').first().waitFor();
      expect(await other.page.getByRole('button', { name: /发布为第/ }).count()).toBe(0);
      expect(await other.page.locator('#rules_earnRules_0_points').isDisabled()).toBe(true);
      // The dry run only reads: a viewer may still try a purchase.
      await other.page.locator('#dryRun_event_amount').fill('50');
      await other.page
        .getByTestId('dry-run')
        .getByRole('button', { name: label('试算') })
        .click();
      await expect.poll(() => other.page.getByTestId('dry-run-points').innerText()).toMatch(/\d/);
      await other.page.goto('/loyalty/programs/new');
      await other.page.getByText('只有所有者和经理可以创建会员计划。').waitFor();
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
  });

  test('new program: a second click after a lost answer creates the program once', async () => {
    const programsPost = (url: URL) => url.pathname === '/v1/loyalty/programs';
    // The server does the work; its first answer never reaches the page.
    const lost = await loseFirstAnswer(page, programsPost, errors);
    try {
      await page.goto('/loyalty/programs/new');
      await page.locator('#program_name').fill('断线重试计划');
      await page.locator('#program_name').press('Enter');
      await expect
        .poll(() => page.getByTestId('program-create').innerText())
        .toContain('无法连接服务器');
      await page.locator('#program_name').press('Enter');
      await page.waitForURL(/\/loyalty\/programs\/[0-9a-f-]{36}\?tab=rules$/);
    } finally {
      await lost.stop();
    }
    expect(lost.keys).toHaveLength(2);
    expect(lost.keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(lost.keys[1]).toBe(lost.keys[0]);
    const { items } = await server.call<{ items: { id: string; name: string }[] }>(
      'GET',
      '/v1/loyalty/programs',
    );
    const made = items.filter((program) => program.name === '断线重试计划');
    expect(made).toHaveLength(1);
    expect(page.url()).toContain(made[0]!.id);
    expect(errors).toEqual([]);
  });

  test('coupons: marking a code used after a lost answer uses it once, with the same key', async () => {
    // A member redeems a coffee: the pool's one code is issued to them.
    const programId = programPath.split('/').pop()!;
    const order = await server.call<{ customerId: string }>('POST', '/v1/events', {
      id: 'coupon-order-1',
      type: 'purchase',
      customerExternalId: 'coupon-buyer',
      occurredAt: new Date().toISOString(),
      currency: 'CNY',
      amount: 100_000,
    });
    const rewardsUrl = `/v1/loyalty/programs/${programId}/rewards`;
    const coffee = await server.call<{ id: string }>('POST', rewardsUrl, {
      name: '核销测试咖啡',
      pointsCost: 10,
    });
    await server.call('POST', `${rewardsUrl}/${coffee.id}/coupons`, { codes: ['E2E-USE-0001'] });
    const redeemed = await server.call<{ coupon: { code: string } }>(
      'POST',
      `/v1/loyalty/programs/${programId}/redemptions`,
      { customerId: order.customerId, rewardId: coffee.id, idempotencyKey: 'e2e-coffee-1' },
    );
    const code = redeemed.coupon.code;

    const usePost = (url: URL) => url.pathname.endsWith(`/coupons/${code}/use`);
    // The server does the work; its first answer never reaches the page.
    const lost = await loseFirstAnswer(page, usePost, errors);
    await page.goto(programPath);
    await openTab('奖励与券码');
    const table = page.getByTestId('rewards-table');
    const row = table.locator('tbody tr.ant-table-row').filter({ hasText: '核销测试咖啡' });
    await row.getByRole('button', { name: label('券码') }).click();
    const drawer = page.getByTestId('coupons-drawer');
    const codeRow = drawer.locator('tbody tr.ant-table-row').filter({ hasText: code });
    const markUsed = async () => {
      await codeRow.getByRole('button', { name: label('核销') }).click();
      await page
        .locator('.ant-popconfirm:visible')
        .getByRole('button', { name: label('核销') })
        .click();
    };
    try {
      await markUsed();
      await page.locator('.ant-message').getByText('无法连接服务器').waitFor();
      await markUsed();
      await page.locator('.ant-message').getByText('券码已核销').waitFor();
    } finally {
      await lost.stop();
    }
    expect(lost.keys).toHaveLength(2);
    expect(lost.keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(lost.keys[1]).toBe(lost.keys[0]);
    const { items } = await server.call<{ items: { code: string; status: string }[] }>(
      'GET',
      `/v1/loyalty/programs/${programId}/rewards/${coffee.id}/coupons?q=${code}`,
    );
    expect(items).toEqual([expect.objectContaining({ code, status: 'used' })]);
    await page.locator('.ant-drawer-close').click();
    expect(errors).toEqual([]);
  });
});

// Where the focus goes when a new program's designer opens and after each "add" in it.
describe('the loyalty program designer with the keyboard', () => {
  test('a program just created opens with the focus on its first tab, not nowhere', async () => {
    await page.goto('/loyalty/programs/new');
    await page.locator('#program_name').fill('键盘会员');
    await page.locator('#program_pendingDays').fill('0');
    await page.locator('#program_name').press('Enter');
    await page.waitForURL(/\/loyalty\/programs\/[0-9a-f-]{36}\?tab=rules$/);
    const rulesTab = page.getByRole('tab', { name: '积分规则' });
    await expect.poll(() => hasFocus(rulesTab)).toBe(true);
    // Tab goes on into the page, not back to the top of the document.
    await page.keyboard.press('Tab');
    expect(await focused(page)).not.toBe('body');
    expect(errors).toEqual([]);
  });

  test('each earning rule added takes the focus into its card, at its name', async () => {
    await page.getByRole('button', { name: '倍数规则' }).click();
    await expect.poll(() => focused(page)).toBe('rules_earnRules_1_name');
    await page.keyboard.type('周末双倍');
    expect(await page.locator('#rules_earnRules_1_name').inputValue()).toBe('周末双倍');
    await page.getByRole('button', { name: '行为规则' }).click();
    await expect.poll(() => focused(page)).toBe('rules_earnRules_2_name');
    expect(errors).toEqual([]);
  });

  test('a line added to the dry run takes the focus at its SKU', async () => {
    const dryRun = page.getByTestId('dry-run');
    await dryRun.getByRole('button', { name: '添加明细' }).click();
    await expect.poll(() => focused(page)).toBe('dryRun_event_lines_0_sku');
    await dryRun.getByRole('button', { name: '添加明细' }).click();
    await expect.poll(() => focused(page)).toBe('dryRun_event_lines_1_sku');
    expect(errors).toEqual([]);
  });

  test('"Add tier" takes the focus to the new tier\'s name', async () => {
    await page.getByRole('tab', { name: '会员等级' }).click();
    await page.locator('#tiers_enabled').click();
    await page.getByRole('button', { name: '添加等级' }).click();
    await expect.poll(() => focused(page)).toBe('tiers_tiers_levels_1_name');
    await page.keyboard.type('金卡');
    await page.getByRole('button', { name: '添加等级' }).click();
    await expect.poll(() => focused(page)).toBe('tiers_tiers_levels_2_name');
    expect(await page.locator('#tiers_tiers_levels_1_name').inputValue()).toBe('金卡');
    await page.getByRole('button', { name: '放弃修改' }).click();
    expect(errors).toEqual([]);
  });

  test('a new reward or partner opens its form at the name', async () => {
    await page.getByRole('tab', { name: '奖励与券码' }).click();
    await page.getByRole('button', { name: '新建奖励' }).first().click();
    await expect.poll(() => focused(page)).toBe('reward_name');
    await page.keyboard.press('Escape');
    await page.locator('#reward_name').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: '合作伙伴' }).click();
    await page.getByRole('button', { name: '添加合作伙伴' }).first().click();
    await expect.poll(() => focused(page)).toBe('partner_name');
    await page.keyboard.press('Escape');
    await page.locator('#partner_name').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });
});
