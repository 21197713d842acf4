import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { openLoggedIn, screenshot } from './browser.ts';
import { seedShop, type Seeded } from './seed-data.ts';

// A number field never changes what was typed: antd's InputNumber clamped -5 to 1 and 5000000 to
// 1,000,000 and rounded 1.6 to 2 as the field lost the focus, and the form sent that. Here a
// value out of bounds stays in the field, the field says why, and nothing is sent.
let server: E2eServer;
let seeded: Seeded;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let programId = '';

beforeAll(async () => {
  server = await startE2eServer();
  seeded = await seedShop(server);
  ({ browser, context, page, errors } = await openLoggedIn(server));
  const program = await server.call<{ id: string }>('POST', '/v1/loyalty/programs', {
    name: 'Number Rewards',
    currency: 'CNY',
    earnRules: [{ kind: 'spend', points: 1, per: 100 }],
    pendingDays: 0,
  });
  programId = program.id;
  // A purchase makes 张伟 a member, with the 360 page's 人工补发.
  await server.call('POST', '/v1/events', {
    id: 'number-fields-1',
    type: 'purchase',
    customerId: seeded.zhangWei.id,
    occurredAt: new Date().toISOString(),
    currency: 'CNY',
    amount: 10_000,
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

async function available(customerId: string): Promise<number> {
  const loyalty = await server.call<{ programs: { programId: string; available: number }[] }>(
    'GET',
    `/v1/customers/${customerId}/loyalty`,
  );
  return loyalty.programs.find((member) => member.programId === programId)?.available ?? 0;
}

describe('number fields keep what was typed', () => {
  test('人工补发: -5, 1.6 and 5000000 are refused on the field and credit nothing; 300 credits 300', async () => {
    const customerId = seeded.zhangWei.id;
    const before = await available(customerId);
    await page.goto(`/customers/${customerId}`);
    await page.getByTestId('adjust-button').click();
    const form = page.getByTestId('adjust-form');
    const points = page.getByTestId('adjust-points');
    const pointsItem = form.locator('.ant-form-item').filter({ has: points });
    for (const [typed, says] of [
      ['-5', '不能小于 1'],
      ['1.6', '请输入整数'],
      ['5000000', '不能大于 1,000,000'],
    ] as const) {
      await points.fill(typed);
      // Leaving the field was where antd rewrote it.
      await points.press('Tab');
      await expect.poll(() => pointsItem.innerText()).toContain(says);
      expect(await points.inputValue()).toBe(typed);
      await form.getByRole('button', { name: '确认补发' }).click();
      await points.press('Enter');
      await expect.poll(() => pointsItem.innerText()).toContain(says);
      expect(await points.inputValue()).toBe(typed);
      expect(await form.isVisible()).toBe(true);
      expect(await available(customerId)).toBe(before);
    }
    await screenshot(page, 'number-fields-adjust-refused');
    await points.fill('300');
    await expect.poll(() => pointsItem.locator('.ant-form-item-explain-error').count()).toBe(0);
    await points.press('Enter');
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => available(customerId)).toBe(before + 300);
    expect(errors).toEqual([]);
  });

  test('the designer: a pending period of 400 or 1.5 days is refused on the field, not saved as 365 or 2', async () => {
    await page.goto(`/loyalty/programs/${programId}?tab=settings`);
    const days = page.locator('#settings_pendingDays');
    await days.waitFor();
    const daysItem = page.locator('.ant-form-item').filter({ has: days });
    const saved = async () =>
      (await server.call<{ pendingDays: number }>('GET', `/v1/loyalty/programs/${programId}`))
        .pendingDays;
    const before = await saved();
    for (const [typed, says] of [
      ['400', '不能大于 365'],
      ['1.5', '请输入整数'],
      ['-1', '不能小于 0'],
    ] as const) {
      await days.fill(typed);
      await days.press('Tab');
      await expect.poll(() => daysItem.innerText()).toContain(says);
      expect(await days.inputValue()).toBe(typed);
      await days.press('Enter');
      await expect.poll(() => daysItem.innerText()).toContain(says);
      expect(await days.inputValue()).toBe(typed);
      expect(await saved()).toBe(before);
    }
    await screenshot(page, 'number-fields-designer-refused');
    // ↑ and ↓ still step within the bounds: from 365 up stays 365, as the user sees.
    await days.fill('365');
    await days.press('ArrowUp');
    expect(await days.inputValue()).toBe('365');
    await days.fill('30');
    await days.press('Enter');
    await expect.poll(saved).toBe(30);
    expect(errors).toEqual([]);
  });

  test('the member link: 400 days is refused on the field and signs no link; 7 days signs one', async () => {
    await page.goto(`/customers/${seeded.zhangWei.id}`);
    await page.getByTestId('member-link-button').click();
    const url = page.getByTestId('member-link-url');
    await expect.poll(() => url.inputValue()).toContain('/member?token=');
    const first = await url.inputValue();
    const days = page.locator('#member-link-days');
    await days.fill('400');
    await days.press('Enter');
    const modal = page.locator('.ant-modal');
    await expect.poll(() => modal.innerText()).toContain('不能大于 365');
    await days.press('Tab');
    expect(await days.inputValue()).toBe('400');
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    expect(await url.inputValue()).toBe(first);
    await days.fill('7');
    expect(await modal.innerText()).not.toContain('不能大于 365');
    await days.press('Enter');
    await expect.poll(() => url.inputValue()).not.toBe(first);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });
});
