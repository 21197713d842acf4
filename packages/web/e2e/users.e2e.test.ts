import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { logIn, newPage, openLoggedIn, screenshot } from './browser.ts';

// Settings → users against the real server: the owner changes a role, disables a user (whose
// open session ends at once and whose login is refused) and enables them again.
let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

interface User {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
}

const agent = { email: 'lina@e2e.fidelis.test', password: 'lina password 123' };

beforeAll(async () => {
  server = await startE2eServer();
  await server.call('POST', '/v1/users', { ...agent, name: '李娜', role: 'agent' });
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** antd puts a space between the two characters of a two-character Chinese button label. */
const label = (text: string) => new RegExp(`^${text.split('').join('\\s?')}$`);

async function userByEmail(email: string): Promise<User> {
  const { items } = await server.call<{ items: User[] }>('GET', '/v1/users');
  const found = items.find((user) => user.email === email);
  if (!found) throw new Error(`no user ${email}`);
  return found;
}

describe('users in a real browser', () => {
  test('the owner changes a role, disables a user (logged out, login refused) and enables them again', async () => {
    // Li Na is logged in elsewhere.
    const other = await newPage(browser, server.url);
    try {
      await logIn(other.page, agent);

      await page.goto('/settings/users');
      const row = page.locator('tr.ant-table-row', { hasText: agent.email });
      await row.waitFor();
      // Her own row: no role select, no disable button, marked as hers.
      const own = page.locator('tr.ant-table-row', { hasText: server.login.email });
      expect(await own.innerText()).toContain('我');
      expect(await own.locator('.ant-select').count()).toBe(0);
      expect(await own.getByRole('button').count()).toBe(0);

      await row.locator('.ant-select').click();
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .filter({ hasText: '经理' })
        .click();
      await expect.poll(async () => (await userByEmail(agent.email)).role).toBe('manager');
      await expect.poll(() => row.locator('.ant-select').innerText()).toContain('经理');

      // Buttons by their text: a button's accessible name keeps "loading" while its spinner's
      // exit animation runs, which in a headless browser can outlast the test's patience.
      const action = (text: string) => row.locator('button', { hasText: label(text) });
      await action('停用').click();
      await page.locator('.ant-popconfirm button', { hasText: label('停用') }).click();
      await expect.poll(() => row.innerText()).toContain('已停用');
      expect(await userByEmail(agent.email)).toMatchObject({ role: 'manager', disabled: true });
      await page.locator('.ant-message').getByText('已停用 李娜').waitFor();
      await expect.poll(() => page.locator('.ant-popconfirm:visible').count()).toBe(0);
      await screenshot(page, 'users-disabled');

      // Her open session has ended: the next page sends her to the login page.
      await other.page.goto('/customers');
      await other.page.waitForURL(/\/login/);
      // And the right password no longer lets her in.
      await other.page.locator('#login_email').fill(agent.email);
      await other.page.locator('#login_password').fill(agent.password);
      await other.page.locator('#login_password').press('Enter');
      await expect
        .poll(() => other.page.getByRole('alert').innerText())
        .toContain('邮箱或密码错误');
      expect(other.page.url()).toContain('/login');

      await action('启用').click();
      await page.locator('.ant-popconfirm button', { hasText: label('启用') }).click();
      await expect.poll(() => row.innerText()).toContain('正常');
      expect(await userByEmail(agent.email)).toMatchObject({ disabled: false });
      await logIn(other.page, agent);
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
    expect(errors).toEqual([]);
  });

  test('the list is searched by name or email; no match says so', async () => {
    await page.goto('/settings/users');
    const rows = page.locator('tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    const search = page.getByLabel('搜索用户');
    await search.fill('LINA@');
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining('李娜')]);
    await search.fill('李');
    await expect.poll(() => rows.count()).toBe(1);
    await search.fill('没有这个人');
    await expect.poll(() => rows.count()).toBe(0);
    expect(await page.locator('.ant-table-placeholder').innerText()).toContain(
      '没有与“没有这个人”匹配的用户',
    );
    // The clear button, named in Chinese, shows everyone again.
    await page.getByRole('button', { name: '清除' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(errors).toEqual([]);
  });
});
