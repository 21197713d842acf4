import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { logIn, newPage, openLoggedIn, screenshot } from './browser.ts';

// Settings → audit log against the real server: the owner reads the changes made through the
// API newest first, filters them (in the address, kept by a reload), opens an update to see its
// field before and after, reads it in English; the customer's 360 page shows their history; a
// manager sees the log too, an agent neither the menu entry nor the page.
let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let customerId = '';

const manager = { email: 'wang@e2e.fidelis.test', password: 'wang password 123' };
const agent = { email: 'lina@e2e.fidelis.test', password: 'lina password 123' };

beforeAll(async () => {
  server = await startE2eServer();
  await server.call('POST', '/v1/users', { ...manager, name: '王经理', role: 'manager' });
  await server.call('POST', '/v1/users', { ...agent, name: '李娜', role: 'agent' });
  const customer = await server.call<{ id: string }>('POST', '/v1/customers', {
    kind: 'person',
    name: '陈静',
    occupation: '教师',
    tags: ['VIP'],
  });
  customerId = customer.id;
  await server.call('PATCH', `/v1/customers/${customerId}`, { occupation: '校长' });
  await server.call('POST', '/v1/api-keys', { name: '收银台 1 号', role: 'agent' });
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

const rows = (target: Page, testId = 'audit-table') =>
  target.getByTestId(testId).locator('tbody tr.ant-table-row');
/** The action column of each row, top to bottom. */
const actions = (target: Page, testId = 'audit-table') =>
  rows(target, testId).locator('td:nth-child(4)').allInnerTexts();

async function choose(target: Page, testId: string, option: string) {
  await target.getByTestId(testId).click();
  await target
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${option}$`) })
    .click();
  // Closed before the next select opens: two open lists would both offer "客户".
  await expect.poll(() => target.locator('.ant-select-dropdown:visible').count()).toBe(0);
}

/** Opens the Settings menu: the navigation, with its settings entries shown. */
async function openSettings(target: Page) {
  const nav = target.getByRole('navigation');
  await nav.getByText('设置').click();
  return nav;
}

/** Logs another user in, in a browser of their own, with the Settings menu open. */
async function as(
  login: { email: string; password: string },
  walk: (target: Page, settings: Locator) => Promise<void>,
) {
  const other = await newPage(browser, server.url);
  try {
    await logIn(other.page, login);
    await walk(other.page, await openSettings(other.page));
    expect(other.errors).toEqual([]);
  } finally {
    await other.context.close();
  }
}

describe('the audit log in a real browser', () => {
  test('the owner opens it from Settings and reads the changes newest first', async () => {
    await page.goto('/');
    await (await openSettings(page)).getByRole('link', { name: '操作日志' }).click();
    await page.waitForURL(/\/settings\/audit-log$/);
    await page.getByRole('heading', { name: '操作日志' }).waitFor();
    await expect
      .poll(async () => (await actions(page)).slice(0, 3))
      .toEqual(['创建 API 密钥', '更新客户', '新建客户']);
    const first = rows(page).first();
    // Who: the owner's API key the changes went through, by its name.
    expect(await first.innerText()).toContain('API 密钥 Initial owner key');
    // What: the customer by name, linked to their page, the id on focus (and in the opened row).
    const customerRow = rows(page).nth(1);
    const customerLink = customerRow.getByRole('link', { name: '陈静' });
    expect(await customerLink.getAttribute('href')).toBe(`/customers/${customerId}`);
    expect(await customerRow.innerText()).toContain('客户');
    expect(await customerRow.innerText()).not.toContain(customerId);
    await customerLink.focus();
    await page.locator('.ant-tooltip:visible').getByText(`编号：${customerId}`).waitFor();
    // The key by its name (it has no page of its own).
    expect(await first.getByTestId('audit-target-name').innerText()).toBe('收银台 1 号');
    // The owner may also pick a user.
    await page.getByTestId('audit-user').waitFor();
    await screenshot(page, 'audit-log');
    expect(errors).toEqual([]);
  });

  test('filters by action and by kind of thing, in the address, kept by a reload', async () => {
    await page.goto('/settings/audit-log');
    await rows(page).first().waitFor();
    // The filters are reached by Tab, one after the other.
    await page.getByTestId('audit-entity-type').locator('input').focus();
    await page.keyboard.press('Tab');
    await expect
      .poll(() =>
        page.evaluate(() =>
          Boolean(document.activeElement?.closest('[data-testid="audit-action"]')),
        ),
      )
      .toBe(true);
    // The action select is searched: type part of the action's name.
    await page.getByTestId('audit-action').click();
    await page.keyboard.type('更新客');
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '更新客户' })
      .click();
    await page.waitForURL(/action=customer\.update/);
    await expect.poll(() => actions(page)).toEqual(['更新客户']);
    await page.reload();
    await expect.poll(() => actions(page)).toEqual(['更新客户']);
    expect(await page.getByTestId('audit-action').innerText()).toContain('更新客户');

    // Opened from the keyboard: its button is reached by Tab and named by the action.
    const expand = page.getByRole('button', { name: '查看更改：更新客户' });
    await expand.focus();
    await page.keyboard.press('Enter');
    const change = page.getByTestId('audit-change');
    await change.waitFor();
    const fields = change.getByTestId('audit-change-fields').locator('tbody tr');
    // Only the field that changed, before and after.
    await expect
      .poll(() => fields.allInnerTexts())
      .toEqual([expect.stringMatching(/职业\s+教师\s+校长/)]);
    expect(await change.getByTestId('audit-request-id').innerText()).toMatch(/\S{6,}/);
    await page.getByRole('button', { name: '收起更改：更新客户' }).press('Space');
    // antd keeps a closed row's content, hidden.
    await expect.poll(() => change.isVisible()).toBe(false);

    // Another action, and the kind of thing: customers only.
    await choose(page, 'audit-action', '全部操作');
    await choose(page, 'audit-entity-type', '客户');
    await page.waitForURL((url) => url.searchParams.get('entityType') === 'customer');
    expect(new URL(page.url()).searchParams.get('action')).toBeNull();
    await expect.poll(() => actions(page)).toEqual(['更新客户', '新建客户']);
    await page.reload();
    await expect.poll(() => actions(page)).toEqual(['更新客户', '新建客户']);

    // A creation shows every field it was given.
    await rows(page).nth(1).click();
    await expect
      .poll(() => page.getByTestId('audit-change-fields').locator('tbody tr').allInnerTexts())
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(/名称\s+陈静/),
          expect.stringMatching(/职业\s+教师/),
        ]),
      );
    await screenshot(page, 'audit-log-creation');

    // A user, found by the server as their name is typed: 王经理 changed nothing.
    await page.getByTestId('audit-user').click();
    await page.keyboard.type('王');
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: manager.email })
      .click();
    await page.waitForURL((url) => url.searchParams.get('actorType') === 'user');
    await page.getByTestId('audit-empty').getByText('没有符合筛选条件的更改').waitFor();
    await page.getByTestId('audit-clear-filters').click();
    await expect.poll(() => new URL(page.url()).search).toBe('');

    // Nothing matches: said so, and one button clears every filter.
    const search = page.getByLabel('按编号搜索');
    await search.fill('no-such-id');
    await search.press('Enter');
    await page.waitForURL(/entityId=no-such-id/);
    await page.getByTestId('audit-empty').getByText('没有符合筛选条件的更改').waitFor();
    await page.getByTestId('audit-clear-filters').click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await expect.poll(() => rows(page).count()).toBeGreaterThanOrEqual(5);
    expect(await search.inputValue()).toBe('');
    expect(errors).toEqual([]);
  });

  test('a period of days: to is the end of the last day chosen', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(),
    );
    await page.goto('/settings/audit-log?entityType=customer');
    await rows(page).first().waitFor();
    // Today, chosen as the first and the last day in the date panel. The panel shows the
    // browser's month and the next side by side, so Shanghai's day is in one of them; the days
    // of a neighbouring month a panel shows greyed carry the same title, hence in-view only.
    const asked = page.waitForRequest((request) => request.url().includes('to='));
    await page.getByRole('textbox', { name: '开始日期' }).click();
    const cell = page.locator(
      `.ant-picker-dropdown:visible td.ant-picker-cell-in-view[title="${today}"]`,
    );
    await cell.click();
    await cell.click();
    await page.waitForURL((url) => url.searchParams.get('to') === today);
    expect(new URL(page.url()).searchParams.get('from')).toBe(today);
    // Sent as the instants of the day in Shanghai: to is the next day's midnight, exclusive.
    const sent = new URL((await asked).url()).searchParams;
    expect(Date.parse(sent.get('to')!) - Date.parse(sent.get('from')!)).toBe(86_400_000);
    expect(sent.get('from')).toBe(new Date(`${today}T00:00:00+08:00`).toISOString());
    await expect.poll(() => actions(page)).toEqual(['更新客户', '新建客户']);
    await page.reload();
    await expect.poll(() => actions(page)).toEqual(['更新客户', '新建客户']);
    await page.goto('/settings/audit-log?from=2020-01-01&to=2020-01-31');
    await page.getByTestId('audit-empty').waitFor();
    expect(errors).toEqual([]);
  });

  test('in English: labels and actions', async () => {
    await page.goto('/settings/audit-log');
    await rows(page).first().waitFor();
    await page.locator('.app-header').getByText('English').click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await expect
      .poll(async () => (await actions(page)).slice(0, 3))
      .toEqual(['API key created', 'Customer updated', 'Customer created']);
    expect(await page.getByTestId('audit-table').locator('thead').innerText()).toMatch(
      /Time\s+Who\s+Action\s+What/,
    );
    // The id of what changed, in English too.
    await rows(page).nth(1).getByRole('link', { name: '陈静' }).hover();
    await page.locator('.ant-tooltip:visible').getByText(`ID: ${customerId}`).waitFor();
    await page.getByRole('button', { name: 'Show the change: Customer updated' }).click();
    await page.getByTestId('audit-change').getByText('Occupation').waitFor();
    await screenshot(page, 'audit-log-en');
    await page.locator('.app-header').getByText('中文').click();
    await page.getByRole('heading', { name: '操作日志' }).waitFor();
    expect(errors).toEqual([]);
  });

  test("the customer's 360 page shows their change history", async () => {
    await page.goto(`/customers/${customerId}`);
    const history = page.getByTestId('change-history');
    await history.getByText('变更记录').waitFor();
    await expect
      .poll(() => actions(page, 'customer-change-history'))
      .toEqual(['更新客户', '新建客户']);
    // A change made here appears there.
    await server.call('PATCH', `/v1/customers/${customerId}`, { notes: '喜欢茶叶' });
    await page.reload();
    await expect
      .poll(() => actions(page, 'customer-change-history'))
      .toEqual(['更新客户', '更新客户', '新建客户']);
    await history.getByRole('button', { name: '查看更改：更新客户' }).first().click();
    await history.getByText('喜欢茶叶').waitFor();
    await screenshot(page, 'customer-change-history');
    expect(errors).toEqual([]);
  });

  test('an erased customer is not named: their entries show the id', async () => {
    const erased = await server.call<{ id: string }>('POST', '/v1/customers', {
      kind: 'person',
      name: '赵敏',
    });
    await server.call('DELETE', `/v1/customers/${erased.id}`);
    await page.goto(`/settings/audit-log?entityId=${erased.id}`);
    await expect.poll(() => actions(page)).toEqual(['清除个人数据', '新建客户']);
    expect(await page.getByTestId('audit-table').innerText()).not.toContain('赵敏');
    await expect
      .poll(() => rows(page).locator('.audit-entity-id').allInnerTexts())
      .toEqual([erased.id, erased.id]);
    expect(errors).toEqual([]);
  });

  test('a manager reads it without the user filter; an agent sees neither menu nor page', async () => {
    await as(manager, async (target, settings) => {
      await settings.getByRole('link', { name: '操作日志' }).click();
      await target.waitForURL(/\/settings\/audit-log$/);
      await expect.poll(async () => (await actions(target)).length).toBeGreaterThan(3);
      // Managers may not list users: the kind of actor only.
      await target.getByTestId('audit-actor-type').waitFor();
      expect(await target.getByTestId('audit-user').count()).toBe(0);
      await choose(target, 'audit-actor-type', 'API 密钥');
      await target.waitForURL(/actorType=api_key/);
      // The users, the customer's creation and update, the key: all through the owner's key.
      const who = () => rows(target).locator('td:nth-child(3)').allInnerTexts();
      await expect
        .poll(async () => new Set(await who()))
        .toEqual(new Set(['API 密钥 Initial owner key']));
      expect((await who()).length).toBeGreaterThanOrEqual(5);
    });

    await as(agent, async (target, settings) => {
      await settings.getByRole('link', { name: '用户' }).waitFor();
      expect(await settings.getByRole('link', { name: '操作日志' }).count()).toBe(0);
      await target.goto('/settings/audit-log');
      await target.getByText('只有所有者和经理可以查看操作日志').waitFor();
      await target.goto(`/customers/${customerId}`);
      // The page drawn as far as its timeline (a customer without events: its filter only).
      await target.locator('.timeline-filter').waitFor();
      expect(await target.getByTestId('change-history').count()).toBe(0);
    });
  });
});
