import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { logIn, loseFirstAnswer, newPage, openLoggedIn, screenshot } from './browser.ts';

// Changing customers from the 360 page: edit the profile, merge a duplicate, erase personal
// data, link and unlink an organisation's people, add tags; creating one from the list; and
// where the focus goes when the edit drawer closes. One server and one browser for the whole file.
let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

interface Created {
  id: string;
  name: string;
}
interface CustomerReply {
  id: string;
  name: string;
  kind: string;
  externalId: string | null;
  phones: { value: string; primary: boolean }[];
  emails: { value: string; primary: boolean }[];
  attributes: Record<string, unknown>;
  gender: string | null;
  occupation: string | null;
  notes: string | null;
  version: number;
}

let zhangWei: Created;
let survivor: Created;
let duplicate: Created;
let erasable: Created;
const viewer = { email: 'viewer@e2e.fidelis.test', password: 'viewer password 1' };
const english = { email: 'tom@e2e.fidelis.test', password: 'tom password 123' };

// antd puts a space between the two characters of a two-character Chinese button label.
const twoChars = (label: string) => new RegExp(`^${label[0]}\\s?${label[1]}$`);

async function createCustomer(body: Record<string, unknown>): Promise<Created> {
  return server.call<Created>('POST', '/v1/customers', { kind: 'person', ...body });
}

async function interaction(id: string, customerId: string, subject: string) {
  await server.call('POST', '/v1/events', {
    id,
    type: 'interaction',
    customerId,
    occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
    channel: 'phone',
    direction: 'in',
    subject,
  });
}

/** The toast antd shows after a change. */
const toast = () => page.locator('.ant-message');
const drawerForm = () => page.getByTestId('customer-form');
const modal = () => page.locator('.ant-modal-wrap:visible .ant-modal');

const isFocused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

interface MemberReply {
  personId: string;
  organizationId: string;
  role: string | null;
  title: string | null;
}

function membersOf(organizationId: string) {
  return server
    .call<{ items: MemberReply[] }>('GET', `/v1/customers/${organizationId}/members`)
    .then((reply) => reply.items);
}

async function openMoreAction(name: string) {
  await page.getByRole('button', { name: /更\s?多/ }).click();
  await page.getByRole('menuitem', { name }).click();
}

beforeAll(async () => {
  server = await startE2eServer();
  await server.call('POST', '/v1/customer-attributes', {
    key: 'level',
    labelZh: '会员等级',
    labelEn: 'Level',
    type: 'enum',
    options: ['普通', '金卡'],
  });
  zhangWei = await createCustomer({
    name: '张伟',
    externalId: 'C001',
    phone: '13800138000',
    email: 'zhang.wei@example.cn',
    gender: 'male',
  });
  await createCustomer({ name: '李娜', externalId: 'C002' });
  survivor = await createCustomer({ name: '王小明', externalId: 'M001', phone: '13911110000' });
  duplicate = await createCustomer({
    name: '王晓明',
    externalId: 'M002',
    email: 'xiaoming@example.cn',
  });
  await interaction('call-survivor', survivor.id, '咨询甲：会员卡');
  await interaction('call-duplicate', duplicate.id, '咨询乙：退换货');
  erasable = await createCustomer({ name: '赵六', externalId: 'E001', phone: '13700001111' });
  await server.call('POST', '/v1/users', {
    email: viewer.email,
    name: '只读用户',
    role: 'viewer',
    password: viewer.password,
  });
  await server.call('POST', '/v1/users', { ...english, name: 'Tom', role: 'agent', locale: 'en' });
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('changing customers in the web UI', () => {
  test('edit: the drawer opens filled in; change the name, add a phone, set an attribute, clear the gender; Enter saves only that', async () => {
    await page.goto(`/customers/${zhangWei.id}`);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('张伟');
    await page.getByRole('button', { name: /编\s?辑/ }).click();
    const name = page.locator('#customer_name');
    await expect.poll(() => name.inputValue()).toBe('张伟');
    await expect.poll(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('电话 1', { exact: true }).inputValue()).toBe('13800138000');
    expect(await page.getByLabel('邮箱 1', { exact: true }).inputValue()).toBe(
      'zhang.wei@example.cn',
    );
    expect(await page.locator('#customer_externalId').inputValue()).toBe('C001');

    await name.fill('张伟明');
    await page.getByRole('button', { name: '添加电话' }).click();
    await page.getByLabel('电话 2', { exact: true }).fill('010-8888 6666');
    await page.getByLabel('电话 2 的标签', { exact: true }).fill('办公室');
    // The custom attribute, typed into its searchable select.
    await page.locator('#customer_attributes_level').click();
    await page.locator('#customer_attributes_level').fill('金卡');
    await page.locator('#customer_attributes_level').press('Enter');
    // A cleared select clears the field.
    const gender = page.locator('.ant-select', { has: page.locator('#customer_gender') });
    await gender.hover();
    await gender.locator('.ant-select-clear').click();
    await screenshot(page, 'customer-edit-drawer', undefined, false);
    await name.press('Enter');

    await expect.poll(() => toast().innerText()).toContain('已保存 张伟明');
    await expect.poll(() => drawerForm().count()).toBe(0);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('张伟明');
    const body = page.locator('.app-content');
    await expect.poll(() => body.innerText()).toContain('01088886666');
    expect(await body.innerText()).toContain('办公室');
    expect(await body.innerText()).toContain('金卡');

    const saved = await server.call<CustomerReply>('GET', `/v1/customers/${zhangWei.id}`);
    expect(saved.name).toBe('张伟明');
    expect(saved.phones).toEqual([
      { value: '13800138000', label: null, primary: true },
      { value: '01088886666', label: '办公室', primary: false },
    ]);
    expect(saved.emails.map((e) => e.value)).toEqual(['zhang.wei@example.cn']);
    expect(saved.attributes).toEqual({ level: '金卡' });
    expect(saved.gender).toBeNull();
    expect(errors).toEqual([]);
  });

  test('edit: Esc closes; a bad email is refused on its field; a taken external id comes back from the server on its field', async () => {
    await page.goto(`/customers/${zhangWei.id}`);
    await page.getByRole('button', { name: /编\s?辑/ }).click();
    await drawerForm().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => drawerForm().count()).toBe(0);

    await page.getByRole('button', { name: /编\s?辑/ }).click();
    await page.getByRole('button', { name: '添加邮箱' }).click();
    const email = page.getByLabel('邮箱 2', { exact: true });
    await email.fill('not-an-email');
    await email.press('Enter');
    // antd names a field's message `<field id>_help`.
    await expect
      .poll(() => page.locator('#customer_emails_1_value_help').innerText())
      .toBe('邮箱地址格式不正确');
    await screenshot(page, 'customer-edit-invalid-email', undefined, false);
    // Nothing was sent.
    const unchanged = await server.call<CustomerReply>('GET', `/v1/customers/${zhangWei.id}`);
    expect(unchanged.emails).toHaveLength(1);

    await page.getByRole('button', { name: '移除邮箱 2' }).click();
    const externalId = page.locator('#customer_externalId');
    await externalId.fill('C002');
    await externalId.press('Enter');
    // The server's field error, worded by its reason in the UI's language.
    await expect.poll(() => page.locator('#customer_externalId_help').innerText()).toBe('已被使用');
    await expect
      .poll(() => page.getByTestId('customer-form').getByRole('alert').last().innerText())
      .toContain('已有其他客户使用此外部编号');
    // The server's English sentence is left out: the field says it in Chinese.
    expect(
      await page.getByTestId('customer-form').getByRole('alert').last().innerText(),
    ).not.toContain('Another customer');

    // Changed and not saved: Esc asks before throwing the changes away.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: twoChars('放弃') }).click();
    await expect.poll(() => drawerForm().count()).toBe(0);
    const after = await server.call<CustomerReply>('GET', `/v1/customers/${zhangWei.id}`);
    expect(after.externalId).toBe('C001');
    expect(errors).toEqual([]);
  });

  test('edit: a save after someone else changed the customer is refused; Reload shows their changes, keeps mine, and saves', async () => {
    const sun = await createCustomer({ name: '孙丽', externalId: 'C010', occupation: '护士' });
    await page.goto(`/customers/${sun.id}`);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('孙丽');
    await page.getByRole('button', { name: /编\s?辑/ }).click();
    const name = page.locator('#customer_name');
    await expect.poll(() => name.inputValue()).toBe('孙丽');
    await name.fill('孙丽华');
    // Meanwhile a colleague saves other changes (here through the API).
    await server.call('PATCH', `/v1/customers/${sun.id}`, {
      notes: '同事的备注',
      occupation: '医生',
    });
    await name.press('Enter');

    const conflict = page.getByTestId('customer-edit-conflict');
    await expect.poll(() => conflict.innerText()).toContain('其他人已修改了该客户');
    expect(await conflict.innerText()).toContain('您的修改尚未保存');
    // It is scrolled into view: it sits below the form, which is taller than the window.
    await expect
      .poll(() =>
        conflict.evaluate((el) => {
          const box = el.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= window.innerHeight;
        }),
      )
      .toBe(true);
    await screenshot(page, 'customer-edit-conflict', undefined, false);
    const untouched = await server.call<CustomerReply>('GET', `/v1/customers/${sun.id}`);
    expect(untouched).toMatchObject({ name: '孙丽', occupation: '医生', version: 2 });

    await conflict.getByRole('button', { name: '重新加载' }).click();
    await expect.poll(() => conflict.count()).toBe(0);
    await expect.poll(() => page.locator('#customer_occupation').inputValue()).toBe('医生');
    expect(await page.locator('#customer_notes').inputValue()).toBe('同事的备注');
    expect(await name.inputValue()).toBe('孙丽华');
    await name.press('Enter');

    await expect.poll(() => toast().innerText()).toContain('已保存 孙丽华');
    await expect.poll(() => drawerForm().count()).toBe(0);
    const saved = await server.call<CustomerReply>('GET', `/v1/customers/${sun.id}`);
    expect(saved).toMatchObject({
      name: '孙丽华',
      occupation: '医生',
      notes: '同事的备注',
      version: 3,
    });
    expect(errors).toEqual([]);
  });

  test('merge: find the duplicate, compare, confirm; the survivor holds both timelines', async () => {
    await page.goto(`/customers/${survivor.id}`);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('王小明');
    await openMoreAction('合并重复客户…');
    await page.getByLabel('搜索重复客户').fill('M002');
    await page.locator('.ant-select-item-option', { hasText: '王晓明 · M002' }).click();
    await expect.poll(() => page.getByTestId('merge-survivor').innerText()).toContain('王小明');
    expect(await page.getByTestId('merge-duplicate').innerText()).toContain('xiaoming@example.cn');
    const consequences = await modal().innerText();
    expect(consequences).toContain('王晓明 的消费、互动、积分和联系许可记录转到 王小明 名下');
    expect(consequences).toContain('合并后无法撤销');
    await screenshot(page, 'customer-merge', undefined, false);
    await modal()
      .getByRole('button', { name: twoChars('合并') })
      .click();

    await expect.poll(() => toast().innerText()).toContain('已将 王晓明 合并到 王小明');
    await page.waitForURL(new RegExp(`/customers/${survivor.id}$`));
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.innerText()).toContain('咨询乙：退换货');
    expect(await timeline.innerText()).toContain('咨询甲：会员卡');
    expect(await page.locator('.app-content').innerText()).toContain('xiaoming@example.cn');
    // The duplicate's id now answers with the survivor.
    const merged = await server.call<CustomerReply>('GET', `/v1/customers/${duplicate.id}`);
    expect(merged.id).toBe(survivor.id);
    expect(errors).toEqual([]);
  });

  test('erase: the button waits for the typed name; the customer leaves the list and search', async () => {
    await page.goto(`/customers/${erasable.id}`);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('赵六');
    await openMoreAction('删除个人信息');
    const erase = modal().getByRole('button', { name: twoChars('删除') });
    expect(await modal().innerText()).toContain('消费、退款和积分记录');
    expect(await erase.isDisabled()).toBe(true);
    const confirm = page.getByTestId('erase-confirm-input');
    await confirm.fill('赵');
    expect(await erase.isDisabled()).toBe(true);
    await confirm.fill('赵六');
    await expect.poll(() => erase.isDisabled()).toBe(false);
    await screenshot(page, 'customer-erase', undefined, false);
    await erase.click();

    await page.waitForURL(/\/customers$/);
    await expect.poll(() => toast().innerText()).toContain('已删除 赵六 的个人信息');
    await page.getByLabel('搜索客户').fill('赵六');
    await expect.poll(() => page.getByTestId('customers-empty').count()).toBe(1);
    await page.getByLabel('搜索客户').fill('E001');
    await expect.poll(() => page.getByTestId('customers-empty').count()).toBe(1);
    // Its old address says what happened instead of failing.
    await page.goto(`/customers/${erasable.id}`);
    await expect
      .poll(() => page.getByTestId('customer-erased').innerText())
      .toContain('该客户的个人信息已被删除');
    expect(errors).toEqual([]);
  });

  test('new customer: an organisation created from the list opens on its 360 page', async () => {
    await page.goto('/customers');
    await page.getByRole('button', { name: '新建客户' }).first().click();
    await drawerForm().waitFor();
    await drawerForm().getByText('组织', { exact: true }).click();
    await expect.poll(() => drawerForm().innerText()).toContain('组织名称');
    await page.locator('#customer_name').fill('云帆贸易有限公司');
    await page.getByRole('button', { name: '添加电话' }).click();
    await page.getByLabel('电话 1', { exact: true }).fill('021-6666 8888');
    await page.locator('#customer_externalId').fill('ORG-9');
    await page.locator('#customer_externalId').press('Enter');

    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('云帆贸易有限公司');
    expect(await page.locator('.page-header').innerText()).toContain('组织');
    const id = page.url().split('/').pop()!;
    const created = await server.call<CustomerReply>('GET', `/v1/customers/${id}`);
    expect(created).toMatchObject({
      kind: 'organization',
      externalId: 'ORG-9',
      phones: [{ value: '02166668888', primary: true }],
    });
    expect(errors).toEqual([]);
  });

  test('new customer: a second click after a lost answer creates the customer once', async () => {
    const customersPost = (url: URL) => url.pathname === '/v1/customers';
    // The server does the work; its first answer never reaches the page.
    const lost = await loseFirstAnswer(page, customersPost, errors);
    try {
      await page.goto('/customers');
      await page.getByRole('button', { name: '新建客户' }).first().click();
      await drawerForm().waitFor();
      await page.locator('#customer_name').fill('周杰伦');
      await page.locator('#customer_name').press('Enter');
      await expect
        .poll(() => drawerForm().getByRole('alert').last().innerText())
        .toContain('无法连接服务器');
      await page.getByTestId('customer-form-save').click();
      await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    } finally {
      await lost.stop();
    }

    expect(lost.keys).toHaveLength(2);
    expect(lost.keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(lost.keys[1]).toBe(lost.keys[0]);
    const found = await server.call<{ items: Created[] }>(
      'GET',
      `/v1/customers?q=${encodeURIComponent('周杰伦')}`,
    );
    const made = found.items.filter((customer) => customer.name === '周杰伦');
    expect(made).toHaveLength(1);
    expect(page.url()).toContain(made[0]!.id);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('周杰伦');
    expect(errors).toEqual([]);
  });

  test('duplicates: a new customer with a known phone names who has it, with a working link; saving still works; an edit points to the merge', async () => {
    const wangWei = await createCustomer({
      name: '王伟',
      externalId: 'C020',
      phone: '13812345678',
      email: 'wang.wei@example.cn',
    });
    const searches: string[] = [];
    const onRequest = (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname === '/v1/customers' && url.searchParams.has('q'))
        searches.push(url.searchParams.get('q')!);
    };
    page.on('request', onRequest);
    try {
      await page.goto('/customers');
      await page.getByRole('button', { name: '新建客户' }).first().click();
      await drawerForm().waitFor();
      await page.locator('#customer_name').fill('王伟');
      await page.getByRole('button', { name: '添加电话' }).click();
      const phone = page.getByLabel('电话 1', { exact: true });
      // Written otherwise than it was saved, and with +86: the same phone.
      await phone.fill('+86 138-1234-5678');
      await phone.blur();
      const warning = page.getByTestId('customer-duplicates');
      await expect.poll(() => warning.innerText()).toContain('可能是同一个人');
      const text = await warning.innerText();
      expect(text).toContain('王伟（外部编号 C020 · 13812345678 · wang.wei@example.cn）');
      expect(text).toContain('请打开已有记录');
      const open = warning.getByRole('link', { name: '打开 王伟' });
      expect(await open.getAttribute('href')).toBe(`/customers/${wangWei.id}`);
      await screenshot(page, 'customer-edit-duplicate', undefined, false);

      // The form has changes: the link asks first, and keeping them stays in the form.
      await open.click();
      await modal().getByRole('button', { name: '继续编辑' }).click();
      await expect.poll(() => modal().count()).toBe(0);
      expect(new URL(page.url()).pathname).toBe('/customers');
      // A different person after all (families share phones): the warning does not block saving.
      await page.locator('#customer_name').press('Enter');
      await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
      const id = page.url().split('/').pop()!;
      expect(id).not.toBe(wangWei.id);
      await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('王伟');
      const created = await server.call<CustomerReply>('GET', `/v1/customers/${id}`);
      expect(created.phones).toEqual([{ value: '+8613812345678', label: null, primary: true }]);

      // Editing it: its own phone is not looked up again; an email typed is, after a pause.
      await page.getByRole('button', { name: /编\s?辑/ }).click();
      await drawerForm().waitFor();
      await page.getByRole('button', { name: '添加邮箱' }).click();
      await page.getByLabel('邮箱 1', { exact: true }).fill('Wang.Wei@Example.CN');
      await expect.poll(() => warning.innerText()).toContain('王伟（外部编号 C020');
      expect(await warning.locator('li').count()).toBe(1);
      expect(await warning.innerText()).toContain('更多 → 合并重复客户…');
      // One search per distinct contact, each as the server stores it (+86 searches both ways).
      expect(searches).toEqual(['13812345678', 'wang.wei@example.cn']);

      // Opening the other customer discards this edit, after asking.
      await warning.getByRole('link', { name: '打开 王伟' }).click();
      await modal()
        .getByRole('button', { name: twoChars('放弃') })
        .click();
      await page.waitForURL(new RegExp(`/customers/${wangWei.id}$`));
      await expect.poll(() => drawerForm().count()).toBe(0);
      await expect.poll(() => page.locator('.app-content').innerText()).toContain('C020');
      const unchanged = await server.call<CustomerReply>('GET', `/v1/customers/${id}`);
      expect(unchanged.emails).toEqual([]);
    } finally {
      page.off('request', onRequest);
    }
    expect(errors).toEqual([]);
  });

  test('new customer: Enter in the birthday confirms the date only; the tags added after are saved too', async () => {
    await page.goto('/customers');
    await page.getByRole('button', { name: '新建客户' }).first().click();
    await drawerForm().waitFor();
    await page.locator('#customer_name').fill('陈静');
    const birthday = page.locator('#customer_birthday');
    await birthday.click();
    await birthday.fill('1990-05-12');
    await birthday.press('Enter');
    // Still in the form, with the date taken.
    await expect.poll(() => birthday.inputValue()).toBe('1990-05-12');
    expect(await drawerForm().count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/customers');
    const tags = page.locator('#customer_tags');
    await tags.click();
    await tags.fill('VIP');
    await tags.press('Enter');
    // The tag is taken and the field keeps the focus for the next one.
    await expect.poll(() => drawerForm().innerText()).toContain('VIP');
    expect(await isFocused(tags)).toBe(true);
    // Enter in a plain text field still submits.
    await page.locator('#customer_externalId').fill('C030');
    await page.locator('#customer_externalId').press('Enter');

    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const created = await server.call<CustomerReply & { birthday: string; tags: string[] }>(
      'GET',
      `/v1/customers/${id}`,
    );
    expect(created).toMatchObject({ name: '陈静', birthday: '1990-05-12', tags: ['VIP'] });
    expect(errors).toEqual([]);
  });

  test('new customer: Add phone and Add email put the focus in the new row', async () => {
    await page.goto('/customers');
    await page.getByRole('button', { name: '新建客户' }).first().click();
    await drawerForm().waitFor();
    const focused = (label: string) =>
      page.getByLabel(label, { exact: true }).evaluate((el) => el === document.activeElement);
    await page.getByRole('button', { name: '添加电话' }).click();
    await expect.poll(() => focused('电话 1')).toBe(true);
    await page.keyboard.type('13600001111');
    expect(await page.getByLabel('电话 1', { exact: true }).inputValue()).toBe('13600001111');
    await page.getByRole('button', { name: '添加电话' }).click();
    await expect.poll(() => focused('电话 2')).toBe(true);
    await page.getByRole('button', { name: '添加邮箱' }).click();
    await expect.poll(() => focused('邮箱 1')).toBe(true);
    // The form is left open: the next test loads its own page (Esc and discard are the edit
    // test's; here, right after "add email", they once left the drawer open in CI, unexplained).
    expect(errors).toEqual([]);
  });

  test('members: an organisation links a person with a role from its 360 page; Esc closes; a refusal shows in Chinese', async () => {
    const org = await server.call<Created>('POST', '/v1/customers', {
      kind: 'organization',
      name: '星河科技有限公司',
      externalId: 'ORG-20',
    });
    const person = await createCustomer({ name: '刘洋', externalId: 'P020' });
    await page.goto(`/customers/${org.id}`);
    const panel = page.getByTestId('members-panel');
    await expect.poll(() => panel.innerText()).toContain('尚未关联成员。');
    const addButton = panel.getByRole('button', { name: '添加成员' });

    // Esc closes without linking anyone.
    await addButton.click();
    const picker = page.getByLabel('成员', { exact: true });
    await expect.poll(() => picker.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => modal().count()).toBe(0);

    await addButton.click();
    await expect.poll(() => picker.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('P020');
    await page.locator('.ant-select-item-option', { hasText: '刘洋' }).click();
    const role = page.locator('#member_role');
    await role.fill('采购');
    await screenshot(page, 'customer-member-add', undefined, false);
    await role.press('Enter');

    await expect.poll(() => toast().innerText()).toContain('已添加 刘洋');
    await expect.poll(() => modal().count()).toBe(0);
    await expect.poll(() => panel.getByTestId('member-item').innerText()).toContain('刘洋');
    expect(await panel.getByTestId('member-item').innerText()).toContain('采购');
    const members = await server.call<{ items: { personId: string; role: string | null }[] }>(
      'GET',
      `/v1/customers/${org.id}/members`,
    );
    expect(members.items).toEqual([expect.objectContaining({ personId: person.id, role: '采购' })]);

    // The person is erased meanwhile: the server's refusal is shown in Chinese.
    const gone = await createCustomer({ name: '周敏', externalId: 'P021' });
    await addButton.click();
    await expect.poll(() => picker.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('P021');
    await page.locator('.ant-select-item-option', { hasText: '周敏' }).click();
    await server.call('DELETE', `/v1/customers/${gone.id}`);
    await page.locator('#member_role').press('Enter');
    // On the person's field, in the UI's language, not the server's English sentence.
    const refusal = page.locator('#member_personId_help');
    await expect.poll(() => refusal.count()).toBe(1);
    await expect.poll(() => refusal.innerText()).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.getByTestId('member-form').innerText()).not.toMatch(/erased|Customer/);
    await page.keyboard.press('Escape');
    await expect.poll(() => modal().count()).toBe(0);
    expect(errors).toEqual([]);
  });

  test('a viewer sees the customer but no way to change it', async () => {
    const other = await newPage(browser, server.url);
    try {
      await logIn(other.page, viewer);
      await other.page.goto(`/customers/${zhangWei.id}`);
      await expect.poll(() => other.page.getByTestId('customer-name').innerText()).toBe('张伟明');
      expect(await other.page.getByRole('button', { name: /编\s?辑/ }).count()).toBe(0);
      expect(await other.page.getByRole('button', { name: /更\s?多/ }).count()).toBe(0);
      expect(await other.page.getByRole('button', { name: '添加标签' }).count()).toBe(0);
      expect(await other.page.getByRole('button', { name: '添加成员' }).count()).toBe(0);
      await other.page.goto('/customers');
      await other.page.getByLabel('搜索客户').waitFor();
      expect(await other.page.getByRole('button', { name: '新建客户' }).count()).toBe(0);
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
  });
});

describe('organisation members in the web UI', () => {
  test('add person: a job title beside the role, reached with Tab, Enter adds; the list shows both', async () => {
    const org = await createCustomer({ kind: 'organization', name: '远航物流有限公司' });
    const person = await createCustomer({ name: '郑爽', externalId: 'P100' });
    await page.goto(`/customers/${org.id}`);
    const panel = page.getByTestId('members-panel');
    await panel.getByRole('button', { name: '添加成员' }).click();
    const picker = page.getByLabel('成员', { exact: true });
    await expect.poll(() => isFocused(picker)).toBe(true);
    await page.keyboard.type('P100');
    await page.locator('.ant-select-item-option', { hasText: '郑爽' }).click();
    const role = page.locator('#member_role');
    await role.fill('决策人');
    // The job title follows the role in the tab order, under its own label.
    await role.press('Tab');
    const title = page.getByLabel('职位', { exact: true });
    await expect.poll(() => isFocused(title)).toBe(true);
    await page.keyboard.type('采购经理');
    await screenshot(page, 'customer-member-add-title', undefined, false);
    await page.keyboard.press('Enter');

    await expect.poll(() => toast().innerText()).toContain('已添加 郑爽');
    await expect.poll(() => modal().count()).toBe(0);
    await expect
      .poll(() => panel.getByTestId('member-item').innerText())
      .toContain('采购经理 · 决策人');
    expect(await membersOf(org.id)).toEqual([
      expect.objectContaining({ personId: person.id, role: '决策人', title: '采购经理' }),
    ]);
    // The organisation's change history shows the new link at once, with its title.
    await expect
      .poll(() => page.getByTestId('customer-change-history').innerText())
      .toContain('添加组织成员');
    expect(errors).toEqual([]);
  });

  test('remove: from the organisation, by keyboard, after a confirmation; the list refreshes and the focus stays in it', async () => {
    const org = await createCustomer({ kind: 'organization', name: '青松教育集团' });
    const first = await createCustomer({ name: '艾青', externalId: 'P201' });
    const second = await createCustomer({ name: '白云', externalId: 'P202' });
    for (const person of [first, second])
      await server.call('POST', `/v1/customers/${org.id}/members`, {
        personId: person.id,
        role: '老师',
      });
    await page.goto(`/customers/${org.id}`);
    const panel = page.getByTestId('members-panel');
    await expect.poll(() => panel.getByTestId('member-item').count()).toBe(2);

    // Cancel first: nothing is removed, the focus is back on the button.
    const removeFirst = panel.getByRole('button', { name: '移除 艾青' });
    await removeFirst.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => modal().innerText()).toContain('将 艾青 移出 青松教育集团？');
    await page.keyboard.press('Escape');
    await expect.poll(() => modal().count()).toBe(0);
    await expect.poll(() => isFocused(removeFirst)).toBe(true);
    expect(await membersOf(org.id)).toHaveLength(2);

    // Enter opens the confirmation, whose Remove button has the focus: Enter again removes.
    await page.keyboard.press('Enter');
    const ok = modal().getByRole('button', { name: twoChars('移除') });
    await expect.poll(() => isFocused(ok)).toBe(true);
    await screenshot(page, 'customer-member-remove', undefined, false);
    await page.keyboard.press('Enter');

    await expect.poll(() => toast().innerText()).toContain('已将 艾青 移出 青松教育集团');
    await expect.poll(() => panel.getByTestId('member-item').count()).toBe(1);
    expect(await panel.getByTestId('member-item').innerText()).toContain('白云');
    expect((await membersOf(org.id)).map((m) => m.personId)).toEqual([second.id]);
    // The focus is not lost to the page: it is on the next person's Remove button.
    await expect.poll(() => isFocused(panel.getByRole('button', { name: '移除 白云' }))).toBe(true);
    await expect
      .poll(() => page.getByTestId('customer-change-history').innerText())
      .toContain('移除组织成员');
    expect(errors).toEqual([]);
  });

  test("remove: from the person's page, the organisation is left", async () => {
    const org = await createCustomer({ kind: 'organization', name: '晨光文具店' });
    const person = await createCustomer({ name: '高远', externalId: 'P301' });
    await server.call('POST', `/v1/customers/${org.id}/members`, { personId: person.id });
    await page.goto(`/customers/${person.id}`);
    const panel = page.getByTestId('members-panel');
    await expect.poll(() => panel.innerText()).toContain('晨光文具店');
    await panel.getByRole('button', { name: '移除 晨光文具店' }).click();
    await expect.poll(() => modal().innerText()).toContain('将 高远 移出 晨光文具店？');
    await modal()
      .getByRole('button', { name: twoChars('移除') })
      .click();
    await expect.poll(() => panel.innerText()).toContain('未关联任何组织');
    expect(await membersOf(org.id)).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('in English: the job title field and the Remove button', async () => {
    const org = await createCustomer({ kind: 'organization', name: 'Northwind Ltd' });
    const person = await createCustomer({ name: 'Ann Lee', externalId: 'P401' });
    await server.call('POST', `/v1/customers/${org.id}/members`, { personId: person.id });
    const inEnglish = await newPage(browser, server.url, { locale: 'en' });
    try {
      await logIn(inEnglish.page, english);
      await inEnglish.page.goto(`/customers/${org.id}`);
      const panel = inEnglish.page.getByTestId('members-panel');
      await panel.getByRole('button', { name: 'Remove Ann Lee' }).click();
      await expect
        .poll(() => inEnglish.page.locator('.ant-modal-wrap:visible .ant-modal').innerText())
        .toContain('Remove Ann Lee from Northwind Ltd?');
      await inEnglish.page.keyboard.press('Escape');
      await panel.getByRole('button', { name: 'Add person' }).click();
      await inEnglish.page.getByLabel('Job title', { exact: true }).waitFor();
      expect(inEnglish.errors).toEqual([]);
    } finally {
      await inEnglish.context.close();
    }
  });
});

describe('focus', () => {
  test('closing the edit drawer puts the focus back on Edit, also while the drawer is still sliding away', async () => {
    const person = await createCustomer({ name: '方圆', externalId: 'P500' });
    await page.goto(`/customers/${person.id}`);
    const edit = page.getByRole('button', { name: /编\s?辑/ });
    const name = page.locator('#customer_name');
    const panelClass = () =>
      page.evaluate(
        () => document.querySelector('.ant-drawer-content-wrapper')?.className ?? 'none',
      );
    // In order: Edit getting the focus, and the drawer's motions ending.
    await page.evaluate(() => {
      const w = window as unknown as { focusLog: string[] };
      w.focusLog = [];
      const slid = (event: Event) => {
        if ((event.target as Element).closest('.ant-drawer')) w.focusLog.push('slid');
      };
      document.addEventListener('transitionend', slid, true);
      document.addEventListener('animationend', slid, true);
    });
    await edit.evaluate((button) => {
      button.addEventListener('focus', () => {
        (window as unknown as { focusLog: string[] }).focusLog.push('focus');
      });
    });
    const openDrawer = async () => {
      await edit.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => isFocused(name)).toBe(true);
    };
    const focusLog = () =>
      page.evaluate(() => (window as unknown as { focusLog: string[] }).focusLog.join(' '));
    const clearLog = () =>
      page.evaluate(() => {
        (window as unknown as { focusLog: string[] }).focusLog = [];
      });

    // Closed at once, before it has finished sliding in: antd then never gave the focus back.
    await openDrawer();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('customer-form').count()).toBe(0);
    await expect.poll(() => isFocused(edit)).toBe(true);

    // Closed once open (Esc, or Cancel): the focus is back while the drawer slides away, not after.
    for (const close of ['Escape', 'Cancel'] as const) {
      await openDrawer();
      await expect.poll(panelClass).not.toMatch(/motion|none/);
      await clearLog();
      if (close === 'Escape') await page.keyboard.press('Escape');
      else await page.getByRole('button', { name: twoChars('取消') }).click();
      await expect.poll(() => page.getByTestId('customer-form').count()).toBe(0);
      expect(await isFocused(edit)).toBe(true);
      await expect.poll(focusLog).toMatch(/slid/);
      expect({ close, log: await focusLog() }).toEqual({
        close,
        log: expect.stringMatching(/^focus slid/),
      });
    }

    // Changed, then discarded after the question: Edit has the focus once both have gone.
    await openDrawer();
    await page.keyboard.type('改');
    await page.keyboard.press('Escape');
    await modal()
      .getByRole('button', { name: twoChars('放弃') })
      .click();
    await expect.poll(() => page.getByTestId('customer-form').count()).toBe(0);
    await expect.poll(() => modal().count()).toBe(0);
    await expect.poll(() => isFocused(edit)).toBe(true);
    expect(errors).toEqual([]);
  });

  test('add tag: Enter keeps the focus in the tag input, so the next tag can be typed at once', async () => {
    const person = await createCustomer({ name: '钱多', externalId: 'P600' });
    await page.goto(`/customers/${person.id}`);
    const tags = page.getByTestId('tags-panel');
    await tags.getByRole('button', { name: '添加标签' }).click();
    const input = page.getByLabel('新标签', { exact: true });
    await expect.poll(() => isFocused(input)).toBe(true);
    await page.keyboard.type('VIP');
    await page.keyboard.press('Enter');
    await expect.poll(() => tags.innerText()).toContain('VIP');
    await expect.poll(() => isFocused(input)).toBe(true);
    await page.keyboard.type('老客户');
    await page.keyboard.press('Enter');
    await expect.poll(() => tags.innerText()).toContain('老客户');
    await expect
      .poll(() =>
        server
          .call<{ tags: string[] }>('GET', `/v1/customers/${person.id}`)
          .then((c) => [...c.tags].sort()),
      )
      .toEqual(['VIP', '老客户'].sort());
    // Esc leaves the input; the focus goes back to Add tag.
    await page.keyboard.press('Escape');
    await expect.poll(() => isFocused(tags.getByRole('button', { name: '添加标签' }))).toBe(true);
    expect(errors).toEqual([]);
  });
});
