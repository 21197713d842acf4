import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { launchChromium, newPage, screenshot } from './browser.ts';
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
  browser = await launchChromium();
  ({ context, page, errors } = await newPage(browser, server.url));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('the web UI in a real browser', () => {
  test('login: a wrong password is refused inline, Enter submits, then the shell shows the tenant', async () => {
    await page.goto('/customers');
    // Not logged in: sent to the login page, remembering where to go next.
    await page.waitForURL(/\/login\?next=%2Fcustomers/);
    const email = page.locator('#login_email');
    await expect.poll(() => email.evaluate((el) => el === document.activeElement)).toBe(true);
    await email.fill(server.login.email);
    await page.locator('#login_password').fill('wrong password');
    await page.locator('#login_password').press('Enter');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('邮箱或密码错误');
    await screenshot(page, '01-login-error');

    await page.locator('#login_password').fill(server.login.password);
    await page.locator('#login_password').press('Enter');
    await page.waitForURL(/\/customers$/);
    expect(await page.getByTestId('tenant-name').innerText()).toBe('Fidelis 体验店');
    expect(errors).toEqual([]);
  });

  test('dashboard shows the figures and both charts', async () => {
    await page.goto('/');
    const total = page.getByTestId('stat-total-customers');
    await expect.poll(() => total.innerText()).toContain(String(seeded.customers.length + 1));
    await expect.poll(() => page.locator('[data-testid="chart"] canvas').count()).toBe(2);
    const text = await page.locator('main, .app-content').first().innerText();
    expect(text).toContain('近 90 天活跃客户');
    expect(text).toContain('¥');
    await screenshot(page, '02-dashboard');
    expect(errors).toEqual([]);
  });

  test('customer list: search by Chinese name and by Latin text, load more, open the 360 page', async () => {
    await page.goto('/customers');
    const rows = page.locator('[data-testid="customer-table"] tbody tr.ant-table-row');
    // 29 customers, pages of 25: "load more" fetches the rest.
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => rows.count()).toBe(seeded.customers.length + 1);

    const search = page.getByLabel('搜索客户');
    await search.fill('张伟');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('张伟');
    expect(page.url()).toContain('q=%E5%BC%A0%E4%BC%9F');

    await search.fill('alice');
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining('Alice Smith')]);

    await search.fill('没有这个人');
    await expect.poll(() => page.getByTestId('customers-empty').count()).toBe(1);
    // No match: one click clears the search (and any filter) and shows everyone again.
    await page.getByTestId('customers-clear-filters').click();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(25);
    expect(await search.inputValue()).toBe('');
    expect(page.url()).not.toContain('q=');

    await search.fill('张伟');
    await expect.poll(() => rows.count()).toBe(1);
    await screenshot(page, '03-customer-search');
    await rows.first().click();
    await page.waitForURL(new RegExp(`/customers/${seeded.zhangWei.id}$`));
    expect(errors).toEqual([]);
  });

  test('customer list: the search and tag boxes follow the address when the navigation clears it', async () => {
    await page.goto(`/customers?q=${encodeURIComponent('张')}&tag=vip`);
    const search = page.getByLabel('搜索客户');
    const tag = page.getByLabel('标签', { exact: true });
    await expect.poll(() => search.inputValue()).toBe('张');
    expect(await tag.inputValue()).toBe('vip');
    // The navigation's link to the list: everyone, and boxes that say so.
    await page.getByRole('menuitem', { name: '客户', exact: true }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await expect.poll(() => tag.inputValue()).toBe('');
    expect(await search.inputValue()).toBe('');
    // …and stay so: no write of the old search waits to bring it back.
    await page.waitForTimeout(500);
    expect(new URL(page.url()).search).toBe('');
    // Back: the filtered list, and its boxes, again.
    await page.goBack();
    await expect.poll(() => tag.inputValue()).toBe('vip');
    await expect.poll(() => search.inputValue()).toBe('张');
    // What is being typed in the tag box stays until Enter applies it.
    await tag.fill('newsletter');
    await page.waitForTimeout(500);
    expect(await tag.inputValue()).toBe('newsletter');
    await tag.press('Enter');
    await page.waitForURL(/tag=newsletter/);
    expect(errors).toEqual([]);
  });

  test('customer list: sorted by name (pinyin) or creation from the column headers, kept in the address', async () => {
    await page.goto('/customers');
    const rows = page.locator('[data-testid="customer-table"] tbody tr.ant-table-row');
    const firstName = () => rows.first().locator('td').first().innerText();
    await expect.poll(() => rows.count()).toBe(25);
    const header = (title: string) =>
      page.locator('[data-testid="customer-table"] thead th', { hasText: title });
    // Newest first unless asked: the header says so.
    expect(await header('创建时间').getAttribute('aria-sort')).toBe('descending');

    await header('姓名').click();
    await page.waitForURL(/sort=name/);
    await expect.poll(firstName).toBe('Alice Smith');
    await header('姓名').click();
    await page.waitForURL(/sort=-name/);
    await expect.poll(firstName).toBe('朱琳'); // zhu lin, after zhou jie
    expect(await header('姓名').getAttribute('aria-sort')).toBe('descending');
    await page.reload();
    await expect.poll(firstName).toBe('朱琳');
    // Pages of a sort continue in that sort.
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => rows.count()).toBe(seeded.customers.length + 1);
    await expect.poll(() => rows.last().locator('td').first().innerText()).toBe('Alice Smith');

    await header('创建时间').click();
    await page.waitForURL(/sort=created/);
    await expect.poll(() => header('创建时间').getAttribute('aria-sort')).toBe('ascending');
    expect(await header('姓名').getAttribute('aria-sort')).toBeNull();
    expect(errors).toEqual([]);
  });

  test('customer 360: profile, tags, consent, and the timeline with amounts in yuan', async () => {
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('张伟');
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    const events = page.getByTestId('timeline-event');
    await expect.poll(() => events.count()).toBeGreaterThan(3);
    const timelineText = await timeline.innerText();
    expect(timelineText).toContain('咨询会员积分');
    expect(timelineText).toMatch(/¥\d{2,3}\.\d{2}/);
    expect(timelineText).toContain('退款');
    // Only the interactions: one call.
    await page.locator('.timeline-filter').getByText('互动', { exact: true }).click();
    await expect.poll(() => events.count()).toBe(1);
    expect(await events.first().innerText()).toContain('咨询会员积分');
    await page.locator('.timeline-filter').getByText('全部', { exact: true }).click();
    await expect.poll(() => events.count()).toBeGreaterThan(3);
    const body = await page.locator('.app-content').innerText();
    expect(body).toContain('13800138000');
    expect(body).toContain('VIP');
    // The organisation he belongs to, with his title there.
    expect(body).toContain('星辰科技有限公司');
    expect(body).toContain('采购经理');

    // Add a tag with the keyboard, then remove it.
    await page.getByRole('button', { name: '添加标签' }).click();
    await page.getByLabel('新标签').fill('回头客');
    await page.getByLabel('新标签').press('Enter');
    const tags = page.getByTestId('tags-panel');
    await expect.poll(() => tags.innerText()).toContain('回头客');
    const after = await server.call<{ tags: string[] }>(
      'GET',
      `/v1/customers/${seeded.zhangWei.id}`,
    );
    expect(after.tags).toContain('回头客');
    await screenshot(page, '04-customer-360');
    await page.getByLabel('移除标签 回头客').click();
    await expect.poll(() => tags.innerText()).not.toContain('回头客');
    expect(errors).toEqual([]);
  });

  test('customer 360 of a key account: its people a page at a time, found by name or role', async () => {
    const organization = seeded.organization;
    // 24 more of the shop's people join 张伟 there, every eighth in finance: 25, pages of 20.
    for (const [i, person] of seeded.customers.slice(1, 25).entries()) {
      await server.call('POST', `/v1/customers/${organization.id}/members`, {
        personId: person.id,
        ...(i % 8 === 0 ? { role: '财务' } : {}),
      });
    }
    await page.goto(`/customers/${organization.id}`);
    const panel = page.getByTestId('members-panel');
    const items = panel.getByTestId('member-item');
    await expect.poll(() => items.count()).toBe(20);
    await panel.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => items.count()).toBe(25);
    expect(await panel.getByRole('button', { name: '加载更多' }).count()).toBe(0);

    const search = panel.getByLabel('搜索成员');
    await search.fill('李娜');
    await expect.poll(() => items.allInnerTexts()).toEqual([expect.stringContaining('李娜')]);
    // By role: the three in finance (李娜, 周杰, 何平), in pinyin order.
    await search.fill('财务');
    await expect
      .poll(() => items.allInnerTexts())
      .toEqual([
        expect.stringContaining('何平'),
        expect.stringContaining('李娜'),
        expect.stringContaining('周杰'),
      ]);
    await screenshot(page, '04b-customer-360-members');
    await search.fill('没有这个人');
    await expect.poll(() => panel.innerText()).toContain('没有符合搜索的结果');
    // Cleared, the list is back as it was, both pages.
    await search.fill('');
    await expect.poll(() => items.count()).toBe(25);
    // One of them opens on their own page.
    await items.getByRole('link', { name: '李娜' }).click();
    await page.waitForURL(new RegExp(`/customers/${seeded.customers[1]!.id}$`));
    expect(errors).toEqual([]);
  });

  test('import: a CSV with a bad line shows the line and field; skip-invalid imports the rest', async () => {
    await page.goto('/import');
    const csv =
      '姓名,手机,邮箱,外部编号\n测试甲,13811112222,jia@example.cn,IMP001\n测试乙,13811113333,not-an-email,IMP002\n';
    await page.locator('input[type="file"]').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await page.getByTestId('import-submit').click();
    const report = page.getByTestId('import-errors');
    await report.waitFor();
    const cells = await report
      .locator('tbody tr.ant-table-row')
      .first()
      .locator('td')
      .allInnerTexts();
    expect(cells[0]).toBe('3');
    // The field by its name in the UI's language.
    expect(cells[1]).toBe('邮箱');
    // Worded from the server's reason (invalid_format, format email), not its English message.
    expect(cells[2]).toBe('邮箱地址格式不正确');
    // A dry run counts rows apart from problems: what the valid row would do, the invalid one,
    // and never says it imported.
    const dryRun = await page.getByTestId('import-report').innerText();
    expect(dryRun).toMatch(/将新建\s*1/);
    expect(dryRun).toMatch(/无效行\s*1/);
    expect(dryRun).not.toContain('未导入任何数据');
    await screenshot(page, '05-import-errors');

    // For real, all or nothing: refused, with the same line reported, and nobody imported.
    await page.getByLabel('试运行（只校验，不做任何修改）').uncheck();
    await page.getByTestId('import-submit').click();
    await expect
      .poll(() => page.getByTestId('import-report').innerText())
      .toMatch(/未导入任何数据/);
    await expect
      .poll(() => report.locator('tbody tr.ant-table-row td').first().innerText())
      .toBe('3');
    const none = await server.call<{ items: unknown[] }>('GET', '/v1/customers?q=IMP001');
    expect(none.items).toEqual([]);

    // A quote left open: the parser's English never shows, the line is worded in Chinese.
    await page.locator('input[type="file"]').setInputFiles({
      name: 'broken.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('姓名,外部编号\n测试丙,IMP003\n"测试丁,IMP004\n测试戊,"x"y\n', 'utf8'),
    });
    await page.getByLabel('试运行（只校验，不做任何修改）').check();
    await page.getByTestId('import-submit').click();
    await expect
      .poll(() => page.getByTestId('import-report').innerText())
      .toContain('无法按 CSV 读取');
    const broken = await page.getByTestId('import-report').innerText();
    expect(broken).toContain('（整行）');
    expect(broken).not.toMatch(/malformed|Invalid Closing Quote|\(row\)/);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await page.getByLabel('试运行（只校验，不做任何修改）').uncheck();

    await page.getByLabel('跳过无效行').check();
    await page.getByTestId('import-submit').click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/新建\s*1/);
    await screenshot(page, '06-import-done');
    const found = await server.call<{ items: { name: string }[] }>(
      'GET',
      `/v1/customers?q=${encodeURIComponent('测试甲')}`,
    );
    expect(found.items.map((c) => c.name)).toEqual(['测试甲']);
    expect(errors).toEqual([]);
  });

  test('language: switching to English changes the text and survives a reload', async () => {
    await page.goto('/customers');
    await page.getByRole('navigation').getByText('客户', { exact: true }).waitFor();
    await page.locator('.app-header').getByText('English').click();
    await page.getByRole('navigation').getByText('Customers', { exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await page.getByRole('navigation').getByText('Customers', { exact: true }).waitFor();
    await page.getByLabel('Search customers').waitFor();
    await screenshot(page, '07-english');
    // Back to Chinese for whoever comes next.
    await page.locator('.app-header').getByText('中文').click();
    await page.getByRole('navigation').getByText('客户', { exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  test('a module still to come shows a proper "coming soon" page', async () => {
    await page.goto('/feedback');
    await expect.poll(() => page.locator('.app-content').innerText()).toContain('即将推出');
    expect(errors).toEqual([]);
  });

  test('an unknown address: a 404 page in Chinese, and no navigation item lit', async () => {
    await page.goto('/nope');
    await expect.poll(() => page.locator('.app-content').innerText()).toContain('页面不存在');
    // antd's 404 picture carries an English <title> ("No Found"): not used.
    expect(await page.locator('.app-content svg title').allInnerTexts()).not.toContain('No Found');
    expect(await page.locator('.ant-menu-item-selected').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  test('a phone-sized screen hides the navigation behind the menu button', async () => {
    const small = await newPage(browser, server.url, { width: 390, height: 844 });
    try {
      await small.page.goto('/customers');
      await small.page.locator('#login_email').fill(server.login.email);
      await small.page.locator('#login_password').fill(server.login.password);
      await small.page.locator('#login_password').press('Enter');
      await small.page.getByLabel('搜索客户').waitFor();
      const menuItem = small.page.getByRole('navigation').getByText('导入', { exact: true });
      expect(await menuItem.isVisible()).toBe(false);
      await small.page.getByRole('button', { name: '显示或隐藏导航' }).click();
      await menuItem.waitFor({ state: 'visible' });
      await screenshot(small.page, '08-phone-navigation');
      // A tap beside the navigation closes it; the menu button opens it again.
      await small.page.getByTestId('nav-backdrop').click({ position: { x: 370, y: 400 } });
      await menuItem.waitFor({ state: 'hidden' });
      await small.page.getByRole('button', { name: '显示或隐藏导航' }).click();
      await menuItem.click();
      await small.page.waitForURL(/\/import$/);
      await menuItem.waitFor({ state: 'hidden' });
      // Nothing wider than the screen (once the navigation has finished sliding away).
      await expect
        .poll(() =>
          small.page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          ),
        )
        .toBeLessThanOrEqual(0);
      expect(small.errors).toEqual([]);
    } finally {
      await small.context.close();
    }
  });

  test('settings: create an API key (secret shown once), then revoke it', async () => {
    await page.goto('/settings/api-keys');
    await page.getByRole('button', { name: '创建密钥' }).first().click();
    await page.getByLabel('名称').fill('网上商城');
    await page.getByLabel('名称').press('Enter');
    const secret = page.getByTestId('api-key-secret');
    await secret.waitFor();
    const key = await secret.innerText();
    expect(key.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: '我已复制' }).click();
    const row = page.locator('tr', { hasText: '网上商城' });
    await row.waitFor();
    expect(await row.innerText()).toContain('有效');
    await row.getByRole('button', { name: /^吊\s?销$/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /^吊\s?销$/ })
      .click();
    await expect.poll(() => row.innerText()).toContain('已吊销');

    // A key revoked elsewhere meanwhile: the refusal says so in Chinese, not in the server's English.
    await page.getByRole('button', { name: '创建密钥' }).first().click();
    await page.getByLabel('名称').fill('旧收银台');
    await page.getByLabel('名称').press('Enter');
    await page.getByTestId('api-key-secret').waitFor();
    await page.getByRole('button', { name: '我已复制' }).click();
    const stale = page.locator('tr', { hasText: '旧收银台' });
    await stale.waitFor();
    const keys = await server.call<{ items: { id: string; name: string }[] }>(
      'GET',
      '/v1/api-keys',
    );
    const id = keys.items.find((item) => item.name === '旧收银台')!.id;
    await server.call('DELETE', `/v1/api-keys/${id}`);
    await stale.getByRole('button', { name: /^吊\s?销$/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /^吊\s?销$/ })
      .click();
    const toast = page.locator('.ant-message-notice').last();
    await expect.poll(() => toast.innerText()).toContain('未找到');
    expect(await toast.innerText()).not.toContain('No active');
    // The list reloads and shows it revoked.
    await expect.poll(() => stale.innerText()).toContain('已吊销');

    // The server searches the keys by name or by the characters shown of the key, any case.
    const rows = page.locator('tr.ant-table-row');
    const search = page.getByLabel('搜索密钥');
    await search.fill(key.slice(-6).toUpperCase());
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining('网上商城')]);
    await search.fill('收银');
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining('旧收银台')]);
    await page.waitForURL(/q=/);
    // Only active keys: both of these are revoked.
    await page.getByLabel('按状态筛选', { exact: true }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '有效' })
      .click();
    await page.waitForURL(/status=active/);
    const empty = page.getByTestId('api-keys-empty');
    await expect.poll(() => empty.innerText()).toContain('没有符合条件的密钥');
    await empty.getByRole('button', { name: '清除筛选' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    expect(await search.inputValue()).toBe('');
    expect(errors).toEqual([]);
  });
});
