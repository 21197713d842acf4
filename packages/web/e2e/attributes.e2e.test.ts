import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { logIn, newPage, openLoggedIn, screenshot } from './browser.ts';

// Settings → customer attributes against the real server: the empty state, defining a text and
// a choice attribute (a bad key and a taken key refused on the key field), the new attributes
// in the customer 360 edit drawer at once, editing labels and options (an option a customer
// holds stays), and deleting (one a customer holds only with its values). The tests run in order
// on one tenant.
let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let customerId: string;

interface Definition {
  key: string;
  labelZh: string;
  labelEn: string;
  type: string;
  options: string[];
}

const viewer = { email: 'viewer@e2e.fidelis.test', password: 'viewer password 1' };

beforeAll(async () => {
  server = await startE2eServer();
  ({ id: customerId } = await server.call<{ id: string }>('POST', '/v1/customers', {
    kind: 'person',
    name: '张伟',
  }));
  await server.call('POST', '/v1/users', { ...viewer, name: '只读用户', role: 'viewer' });
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

async function definitions(): Promise<Definition[]> {
  return (await server.call<{ items: Definition[] }>('GET', '/v1/customer-attributes')).items;
}

const modal = () => page.locator('.ant-modal-wrap:visible .ant-modal');
const table = () => page.getByTestId('attribute-table');
const row = (key: string) => table().locator('tr.ant-table-row', { hasText: key });
const newAttribute = () => page.getByRole('button', { name: '新建属性' });

describe('customer attributes in a real browser', () => {
  test('empty state: what attributes are for, and a button to define one', async () => {
    // The edit drawer has read the (no) definitions before any exists.
    await page.goto(`/customers/${customerId}`);
    await page.getByRole('button', { name: /编\s?辑/ }).click();
    await page.locator('#customer_name').waitFor();
    expect(await page.locator('[id^="customer_attributes_"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('customer-form').count()).toBe(0);

    // Into settings through the navigation, without reloading the page.
    await page.getByRole('menuitem', { name: '设置' }).click();
    await page.getByRole('link', { name: '客户属性' }).click();
    await page.waitForURL(/\/settings\/attributes$/);
    await expect
      .poll(() => page.getByTestId('attributes-empty').innerText())
      .toContain('还没有自定义属性');
    expect(await newAttribute().count()).toBe(1);
    expect(await page.getByLabel('搜索属性').count()).toBe(0);
    await screenshot(page, 'customer-attributes-empty', undefined, false);
    expect(errors).toEqual([]);
  });

  test('a text attribute: a bad key is refused on its field; Enter creates it', async () => {
    await newAttribute().click();
    const key = page.locator('#attribute_key');
    await expect.poll(() => key.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await modal().innerText()).toContain('小写字母、数字和 _');

    await key.fill('Member-Note');
    await page.locator('#attribute_labelZh').fill('贵宾备注');
    await page.locator('#attribute_labelZh').press('Enter');
    // antd names a field's message `<field id>_help`.
    await expect
      .poll(() => page.locator('#attribute_key_help').innerText())
      .toContain('只能使用小写字母、数字和 _');
    await screenshot(page, 'customer-attribute-bad-key', undefined, false);
    expect(await definitions()).toEqual([]);

    await key.fill('vip_note');
    await key.press('Enter');
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已创建属性');
    await expect.poll(() => modal().count()).toBe(0);
    await expect.poll(() => row('vip_note').innerText()).toContain('贵宾备注');
    expect(await row('vip_note').innerText()).toContain('文本');
    // The English label, left empty, is the Chinese one.
    expect(await definitions()).toMatchObject([
      { key: 'vip_note', labelZh: '贵宾备注', labelEn: '贵宾备注', type: 'string', options: [] },
    ]);
    expect(errors).toEqual([]);
  });

  test('a choice attribute with its options; a taken key is refused on its field; Esc closes', async () => {
    await newAttribute().click();
    await page.locator('#attribute_key').fill('level');
    await page.locator('#attribute_labelZh').fill('会员等级');
    await page.locator('#attribute_labelEn').fill('Member level');
    await page.locator('.ant-select', { has: page.locator('#attribute_type') }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '单选' })
      .click();
    const options = page.locator('#attribute_options');
    await options.waitFor();
    // Enter adds an option (and does not submit); a pasted list is split at commas.
    await options.fill('普通');
    await options.press('Enter');
    await options.fill('银卡，金卡,');
    const chosen = modal().locator('.ant-select-selection-item');
    await expect.poll(() => chosen.allInnerTexts()).toEqual(['普通', '银卡', '金卡']);
    await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
    await screenshot(page, 'customer-attribute-new', undefined, false);
    await page.locator('#attribute_labelEn').press('Enter');

    await expect.poll(() => modal().count()).toBe(0);
    await expect.poll(() => row('level').innerText()).toContain('会员等级');
    const levelRow = await row('level').innerText();
    for (const text of ['Member level', '单选', '普通', '银卡', '金卡'])
      expect(levelRow).toContain(text);
    expect((await definitions()).find((d) => d.key === 'level')).toMatchObject({
      labelZh: '会员等级',
      labelEn: 'Member level',
      type: 'enum',
      options: ['普通', '银卡', '金卡'],
    });

    // The same key again: the server's refusal shows on the key.
    await newAttribute().click();
    await page.locator('#attribute_key').fill('level');
    await page.locator('#attribute_labelZh').fill('等级');
    await page.locator('#attribute_labelZh').press('Enter');
    await expect
      .poll(() => page.locator('#attribute_key_help').innerText())
      .toBe('属性 level 已存在');
    await page.keyboard.press('Escape');
    await expect.poll(() => modal().count()).toBe(0);
    expect(await definitions()).toHaveLength(2);

    // The search narrows the table to the attribute with the option.
    await page.getByLabel('搜索属性').fill('金卡');
    await expect.poll(() => table().locator('tr.ant-table-row').count()).toBe(1);
    expect(await row('level').count()).toBe(1);
    await page.getByLabel('搜索属性').fill('');
    await expect.poll(() => table().locator('tr.ant-table-row').count()).toBe(2);
    await screenshot(page, 'customer-attributes');
    expect(errors).toEqual([]);
  });

  test('the edit drawer shows the new attributes at once, each with its input', async () => {
    // Back to the customer without reloading: the drawer's cached definitions were refreshed.
    await page.goBack();
    await page.waitForURL(new RegExp(`/customers/${customerId}$`));
    await page.getByRole('button', { name: /编\s?辑/ }).click();
    const note = page.locator('#customer_attributes_vip_note');
    await note.waitFor();
    expect(await note.evaluate((el) => el.tagName === 'INPUT' && !el.closest('.ant-select'))).toBe(
      true,
    );
    const level = page.locator('.ant-select', { has: page.locator('#customer_attributes_level') });
    const choices = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    // Under load a click during the list's opening animation can miss: choose until chosen.
    for (let attempt = 0; !(await level.innerText()).includes('金卡') && attempt < 3; attempt++) {
      await level.click();
      await expect.poll(() => choices.allInnerTexts()).toEqual(['普通', '银卡', '金卡']);
      await choices.filter({ hasText: '金卡' }).click();
      await page.waitForTimeout(300);
    }
    expect(await level.innerText()).toContain('金卡');
    await note.fill('老客户');
    await note.press('Enter');
    await expect.poll(() => page.getByTestId('customer-form').count()).toBe(0);
    const saved = await server.call<{ attributes: Record<string, unknown> }>(
      'GET',
      `/v1/customers/${customerId}`,
    );
    expect(saved.attributes).toEqual({ level: '金卡', vip_note: '老客户' });
    expect(errors).toEqual([]);
  });

  test('a viewer sees the attributes but cannot define one', async () => {
    const other = await newPage(browser, server.url);
    try {
      await logIn(other.page, viewer);
      await other.page.goto('/settings/attributes');
      const rows = other.page.getByTestId('attribute-table').locator('tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await other.page.getByRole('button', { name: '新建属性' }).count()).toBe(0);
      expect(await other.page.getByRole('button', { name: /^(编辑|删除)“/ }).count()).toBe(0);
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
  });

  test('an owner edits a label and adds an option; an option a customer holds stays', async () => {
    await page.goto('/settings/attributes');
    const edit = () => row('level').getByRole('button', { name: '编辑“会员等级”' });
    const labelEn = page.locator('#attributeEdit_labelEn');
    const options = page.locator('#attributeEdit_options');
    const chosen = page
      .locator('.ant-select', { has: options })
      .locator('.ant-select-selection-item');
    await edit().click();
    await labelEn.waitFor();
    // The key and the type show, and cannot change.
    const key = page.locator('#attributeEdit_key');
    expect(await key.inputValue()).toBe('level');
    expect(await key.isDisabled()).toBe(true);
    expect(
      await page
        .locator('.ant-select-disabled', { has: page.locator('#attributeEdit_type') })
        .count(),
    ).toBe(1);
    expect(await modal().innerText()).toContain('键和类型不能修改');

    // 张伟 holds 金卡: leaving it out is refused on the options, and nothing is saved.
    await expect.poll(() => chosen.allInnerTexts()).toEqual(['普通', '银卡', '金卡']);
    await chosen.filter({ hasText: '金卡' }).locator('.ant-select-selection-item-remove').click();
    await expect.poll(() => chosen.allInnerTexts()).toEqual(['普通', '银卡']);
    await labelEn.press('Enter');
    await expect
      .poll(() => page.locator('#attributeEdit_options_help').innerText())
      .toContain('“金卡”已有 1 位客户选用，不能删除');
    await screenshot(page, 'customer-attribute-edit-held', undefined, false);
    await page.keyboard.press('Escape');
    await expect.poll(() => modal().count()).toBe(0);
    expect((await definitions()).find((d) => d.key === 'level')).toMatchObject({
      labelEn: 'Member level',
      options: ['普通', '银卡', '金卡'],
    });

    // A new English label and one more option.
    await edit().click();
    await labelEn.fill('Membership level');
    await options.fill('钻石');
    await options.press('Enter');
    await expect.poll(() => chosen.allInnerTexts()).toEqual(['普通', '银卡', '金卡', '钻石']);
    await labelEn.press('Enter');
    await expect
      .poll(() => page.locator('.ant-message').innerText())
      .toContain('已保存属性“会员等级”');
    await expect.poll(() => modal().count()).toBe(0);
    await expect.poll(() => row('level').innerText()).toContain('钻石');
    expect(await row('level').innerText()).toContain('Membership level');
    expect((await definitions()).find((d) => d.key === 'level')).toMatchObject({
      labelZh: '会员等级',
      labelEn: 'Membership level',
      type: 'enum',
      options: ['普通', '银卡', '金卡', '钻石'],
    });
    expect(errors).toEqual([]);
  });

  test('deletes an attribute nobody holds at once, and one a customer holds only with its values', async () => {
    await server.call('POST', '/v1/customer-attributes', {
      key: 'store',
      labelZh: '常去门店',
      labelEn: 'Favourite store',
      type: 'string',
    });
    await page.reload();
    const deleteButton = () => modal().getByRole('button', { name: /^删\s?除$/ });
    await row('store').getByRole('button', { name: '删除“常去门店”' }).click();
    await expect
      .poll(() => page.getByTestId('attribute-delete').innerText())
      .toContain('没有客户填写此属性');
    await deleteButton().click();
    await expect
      .poll(() => page.locator('.ant-message').innerText())
      .toContain('已删除属性“常去门店”');
    await expect.poll(() => row('store').count()).toBe(0);
    expect((await definitions()).map((d) => d.key)).toEqual(['level', 'vip_note']);

    // 张伟 holds a note: the count shows, and the values must be let go with it.
    await row('vip_note').getByRole('button', { name: '删除“贵宾备注”' }).click();
    await expect
      .poll(() => page.getByTestId('attribute-delete').innerText())
      .toContain('有 1 位客户填写了此属性');
    expect(await deleteButton().isDisabled()).toBe(true);
    await screenshot(page, 'customer-attribute-delete-held', undefined, false);
    await modal().getByText('同时清除这 1 位客户的属性值').click();
    await expect.poll(() => modal().getByRole('checkbox').isChecked()).toBe(true);
    await expect.poll(() => deleteButton().isDisabled()).toBe(false);
    await deleteButton().click();
    await expect
      .poll(() => page.locator('.ant-message').innerText())
      .toContain('已删除属性“贵宾备注”，并清除了 1 位客户的属性值');
    await expect.poll(() => row('vip_note').count()).toBe(0);
    expect((await definitions()).map((d) => d.key)).toEqual(['level']);
    const saved = await server.call<{ attributes: Record<string, unknown> }>(
      'GET',
      `/v1/customers/${customerId}`,
    );
    expect(saved.attributes).toEqual({ level: '金卡' });

    // The customer's edit drawer no longer offers it.
    await page.goto(`/customers/${customerId}`);
    await page.getByRole('button', { name: /编\s?辑/ }).click();
    await page.locator('#customer_attributes_level').waitFor();
    expect(await page.locator('#customer_attributes_vip_note').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
