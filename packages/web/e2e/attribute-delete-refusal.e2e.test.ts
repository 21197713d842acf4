import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { openLoggedIn } from './browser.ts';

// Deleting an attribute a customer was given a value of since the delete dialog counted: the
// server refuses (409 CONFLICT, reason in_use) and the dialog says so in its own words, counts
// again and asks again, rather than "someone else changed this".
let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await startE2eServer();
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('an attribute delete refused in a real browser', () => {
  test('a value given since the count: the dialog counts again and asks again', async () => {
    await server.call('POST', '/v1/customer-attributes', {
      key: 'store',
      labelZh: '常去门店',
      labelEn: 'Favourite store',
      type: 'string',
    });
    await page.goto('/settings/attributes');
    const modal = () => page.locator('.ant-modal-wrap:visible .ant-modal');
    const dialog = () => page.getByTestId('attribute-delete');
    await page.getByRole('button', { name: '删除“常去门店”' }).click();
    await expect.poll(() => dialog().innerText()).toContain('没有客户填写此属性');

    await server.call('POST', '/v1/customers', {
      kind: 'person',
      name: '李娜',
      attributes: { store: '静安店' },
    });
    await modal()
      .getByRole('button', { name: /^删\s?除$/ })
      .click();
    await expect
      .poll(() => dialog().innerText())
      .toContain('期间有客户填写了此属性，上方人数已更新，请重新确认。');
    await expect.poll(() => dialog().innerText()).toContain('有 1 位客户填写了此属性');
    expect(await dialog().innerText()).not.toContain('其他人已同时修改');
    expect(await modal().getByRole('checkbox').isChecked()).toBe(false);
    const held = await server.call<{ items: { key: string }[] }>('GET', '/v1/customer-attributes');
    expect(held.items.map((item) => item.key)).toEqual(['store']);
    expect(errors).toEqual([]);
  });
});
