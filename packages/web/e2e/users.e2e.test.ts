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
  const { items } = await server.call<{ items: User[] }>(
    'GET',
    `/v1/users?q=${encodeURIComponent(email)}`,
  );
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
    expect(await page.getByTestId('users-empty').innerText()).toContain('没有符合条件的用户');
    // The clear button, named in Chinese, shows everyone again.
    await page.getByRole('button', { name: '清除', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(errors).toEqual([]);
  });

  test('a chain’s many users: the server searches, filters (kept in the address) and pages them', async () => {
    const pad = (i: number) => String(i).padStart(2, '0');
    // 30 staff beside the owner and Li Na: more than one page of 25. Every third an analyst.
    for (let i = 1; i <= 30; i += 1) {
      const created = await server.call<User>('POST', '/v1/users', {
        email: `staff${pad(i)}@e2e.fidelis.test`,
        name: `店员${pad(i)}`,
        role: i % 3 === 0 ? 'analyst' : 'agent',
        password: 'a long enough password',
      });
      if (i === 3 || i === 6)
        await server.call('PATCH', `/v1/users/${created.id}`, { disabled: true });
    }
    await page.goto('/settings/users');
    const rows = page.locator('tr.ant-table-row');
    const names = async () => (await rows.locator('td:first-child').allInnerTexts()).sort();
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => rows.count()).toBe(32);
    await page.getByText('已显示全部 32 位用户').waitFor();
    expect(new Set(await names()).size).toBe(32);

    // A role and a status, each kept in the address.
    const choose = async (filter: string, option: string) => {
      await page.getByLabel(filter, { exact: true }).click();
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .filter({ hasText: label(option) })
        .click();
    };
    await choose('按角色筛选', '分析师');
    await page.waitForURL(/role=analyst/);
    await expect.poll(() => rows.count()).toBe(10);
    await choose('按状态筛选', '已停用');
    await page.waitForURL(/status=disabled/);
    await expect.poll(names).toEqual(['店员03', '店员06']);
    await screenshot(page, 'users-filtered');
    // A reload, or a shared link, keeps them.
    await page.reload();
    await expect.poll(names).toEqual(['店员03', '店员06']);
    await page.getByLabel('搜索用户').fill('STAFF06@');
    await page.waitForURL(/q=STAFF06/);
    await expect.poll(names).toEqual(['店员06']);

    // Nothing matches: the list says so and clears every filter at once.
    await page.getByLabel('搜索用户').fill('staff2');
    await expect.poll(() => page.getByTestId('users-empty').count()).toBe(1);
    await page.getByRole('button', { name: '清除筛选' }).click();
    await expect.poll(() => rows.count()).toBe(25);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByLabel('搜索用户').inputValue()).toBe('');

    // The server searches every user, not just the page shown: 店员29 is on the second page.
    await page.getByLabel('搜索用户').fill('店员2');
    await expect
      .poll(names)
      .toEqual([
        '店员20',
        '店员21',
        '店员22',
        '店员23',
        '店员24',
        '店员25',
        '店员26',
        '店员27',
        '店员28',
        '店员29',
      ]);
    // A user disabled here leaves a list of enabled users on its own.
    await choose('按状态筛选', '正常');
    await expect.poll(() => rows.count()).toBe(10);
    const row = rows.filter({ hasText: '店员29' });
    await row.locator('button', { hasText: label('停用') }).click();
    await page.locator('.ant-popconfirm button', { hasText: label('停用') }).click();
    await expect.poll(() => rows.count()).toBe(9);
    expect(await names()).not.toContain('店员29');
    expect(errors).toEqual([]);
  });

  test('an email already used is said on the Email field, in Chinese and in English, not as someone else’s change', async () => {
    /** Adds a user with the owner's email from `on`, and returns the Email field's error. */
    async function addTaken(
      on: Page,
      words: { create: string; name: string; email: string; password: string },
    ) {
      await on.goto('/settings/users');
      await on.getByRole('button', { name: words.create }).first().click();
      const dialog = on.getByRole('dialog');
      await dialog.getByLabel(words.name, { exact: true }).fill('重复的人');
      await dialog.getByLabel(words.email, { exact: true }).fill(server.login.email);
      await dialog.getByLabel(words.password, { exact: true }).fill('a long enough password');
      await dialog.getByLabel(words.password, { exact: true }).press('Enter');
      const email = dialog.locator('.ant-form-item', { has: on.locator('#email') });
      const explain = email.locator('.ant-form-item-explain-error');
      await explain.waitFor();
      return { dialog, explain };
    }
    const before = (await server.call<{ items: User[] }>('GET', '/v1/users?limit=100')).items;

    const zh = await addTaken(page, {
      create: '添加用户',
      name: '姓名',
      email: '邮箱',
      password: '初始密码',
    });
    expect(await zh.explain.innerText()).toBe('该邮箱已被使用');
    await screenshot(page, 'users-email-taken');
    const zhText = await zh.dialog.innerText();
    expect(zhText).not.toContain('其他人已同时修改');
    expect(zhText).not.toContain('email:');
    expect(await zh.dialog.locator('code').count()).toBe(0);
    // Typing another email takes the server's word off the field.
    await zh.dialog.getByLabel('邮箱', { exact: true }).fill('someone-new@e2e.fidelis.test');
    await expect.poll(() => zh.explain.count()).toBe(0);
    await page.keyboard.press('Escape');

    const english = { email: 'ann@e2e.fidelis.test', password: 'ann password 123' };
    await server.call('POST', '/v1/users', {
      ...english,
      name: 'Ann',
      role: 'owner',
      locale: 'en',
    });
    const inEnglish = await newPage(browser, server.url, { locale: 'en' });
    try {
      await logIn(inEnglish.page, english);
      const en = await addTaken(inEnglish.page, {
        create: 'Add user',
        name: 'Name',
        email: 'Email',
        password: 'Initial password',
      });
      expect(await en.explain.innerText()).toBe('This email is already used');
      const enText = await en.dialog.innerText();
      expect(enText).not.toMatch(/someone else|meantime/i);
      expect(await en.dialog.locator('code').count()).toBe(0);
      expect(inEnglish.errors).toEqual([]);
    } finally {
      await inEnglish.context.close();
    }
    // Nobody was added but Ann.
    const after = (await server.call<{ items: User[] }>('GET', '/v1/users?limit=100')).items;
    expect(after.map((user) => user.email).sort()).toEqual(
      [...before.map((user) => user.email), english.email].sort(),
    );
    expect(errors).toEqual([]);
  });
});
