import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { launchChromium, newPage, screenshot } from './browser.ts';
import { seedShop } from './seed-data.ts';

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
// Reads that answered 404: before the first run the page must not ask for scores at all.
const notFound: string[] = [];

beforeAll(async () => {
  server = await startE2eServer();
  await seedShop(server);
  // Eight regulars who bought every week for three months and then, a year ago, stopped:
  // the customers a value-at-risk list exists for.
  const yearAgo = Date.now() - 365 * 86_400_000;
  // The first one left a phone and prefers calls: the list says whom to call, and at what number.
  await server.call('POST', '/v1/customers', {
    kind: 'person',
    name: '流失客户1',
    externalId: '流失客户1',
    phone: '+8613800138001',
    preferredChannel: 'phone',
  });
  const events = [];
  for (let c = 0; c < 8; c++) {
    for (let week = 0; week < 12; week++) {
      events.push({
        id: `lapsed-${c}-${week}`,
        type: 'purchase',
        customerExternalId: `流失客户${c + 1}`,
        occurredAt: new Date(yearAgo - (12 - week) * 7 * 86_400_000).toISOString(),
        currency: 'CNY',
        amount: 50_000 + c * 1000,
      });
    }
  }
  await server.call('POST', '/v1/events:batch', { events });
  browser = await launchChromium();
  ({ context, page, errors } = await newPage(browser, server.url));
  page.on('response', (response) => {
    if (response.status() === 404) notFound.push(response.url());
  });
  await page.goto('/login?next=%2Fanalytics');
  await page.locator('#login_email').fill(server.login.email);
  await page.locator('#login_password').fill(server.login.password);
  await page.locator('#login_password').press('Enter');
  await page.waitForURL(/\/analytics$/);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('analytics dashboards in a real browser', () => {
  test('before the first run: an empty state; "recompute" runs the job and shows progress', async () => {
    await expect.poll(() => page.getByTestId('analytics-empty').count()).toBe(1);
    // What a run counts: purchases up to yesterday.
    expect(await page.getByTestId('analytics-empty').innerText()).toContain('截至昨天');
    expect(notFound).toEqual([]);
    await page.getByRole('button', { name: '重新计算评分' }).click();
    await expect.poll(() => page.getByText('评分已更新').count(), { timeout: 60_000 }).toBe(1);
    await expect
      .poll(() => page.getByTestId('analytics-subtitle').innerText())
      .toContain('位有购买的客户');
    // What is counted, and why the dashboard's total can be larger, on hover.
    await page.getByTestId('analytics-customers-help').hover();
    await expect
      .poll(() => page.getByRole('tooltip').innerText())
      .toContain('仪表盘的客户总数包含全部客户档案');
    await page.mouse.move(0, 0);
    expect(errors).toEqual([]);
  });

  const tabs = [
    ['RFM 分群', 'chart-rfm', 'rfm'],
    ['客户终身价值', 'chart-clv', 'clv'],
    ['同期群留存', 'chart-cohorts', 'cohorts'],
    ['二八分析', 'chart-concentration', 'concentration'],
    ['模型拟合', 'chart-tracking', 'tracking'],
  ] as const;
  test.each(tabs)('the %s dashboard draws its chart', async (label, testId, key) => {
    await page.getByRole('tab', { name: label }).click();
    await expect
      .poll(() => page.locator(`[data-testid="${testId}"] canvas`).count())
      .toBeGreaterThan(0);
    // The first tab is the default: it needs no ?tab= in the address.
    if (key !== 'rfm') expect(page.url()).toContain(`tab=${key}`);
    await screenshot(page, `analytics-${key}`);
    expect(errors).toEqual([]);
  });

  // The charts are canvas, but ECharts writes its tooltip as text in a div inside the chart.
  const hoverTooltip = async (testId: string, across: number) => {
    const chart = page.getByTestId(testId);
    await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * across, box.y + box.height / 2, { steps: 5 });
    await expect.poll(() => chart.innerText()).not.toBe('');
    return chart.innerText();
  };

  test('the 80/20 and model fit tooltips label their figures, rounded, in Chinese', async () => {
    await page.getByRole('tab', { name: '二八分析' }).click();
    // Not "44.00" and "86.88464882377325": which share of customers brings which of revenue.
    const curve = await hoverTooltip('chart-concentration', 0.4);
    expect(curve.trim()).toMatch(/^\d+(\.\d)?% 的客户 → \d+(\.\d)?% 的收入$/);
    await page.mouse.move(0, 0);

    await page.getByRole('tab', { name: '模型拟合' }).click();
    const week = await hoverTooltip('chart-tracking', 0.6);
    expect(week.trim()).toMatch(
      /^第 \d+ 周（截至 \d{4}年\d+月\d+日）\n实际重复购买: [\d,]+\nBG\/NBD 预测: [\d,]+(\.\d)?$/,
    );
    await screenshot(page, 'analytics-tracking-tooltip');
    await page.mouse.move(0, 0);
    // The parameters with three decimals, the log-likelihood grouped with one.
    expect(await page.getByTestId('tracking-params').innerText()).toMatch(
      /^BG\/NBD r = [\d,]+\.\d{3}, α = [\d,]+\.\d{3}, a = [\d,]+\.\d{3}, b = [\d,]+\.\d{3} · 对数似然 -[\d,]+\.\d$/,
    );
    expect(errors).toEqual([]);
  });

  test('the value-at-risk table lists named customers and opens the customer 360 page', async () => {
    await page.getByRole('tab', { name: '流失风险价值' }).click();
    const rows = page.locator('[data-testid="value-at-risk-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    await screenshot(page, 'analytics-risk');
    // The lapsed regulars top the list, by name, each name a link to the customer's page.
    expect(await rows.first().innerText()).toContain('流失客户');
    const links = page.locator('[data-testid="value-at-risk-table"] tbody a[href^="/customers/"]');
    expect(await links.count()).toBe(await rows.count());
    // The one who left a phone shows it, as a number to call, with the channel they prefer.
    const withPhone = rows.filter({ hasText: '流失客户1' });
    expect(await withPhone.locator('a[href="tel:+8613800138001"]').count()).toBe(1);
    expect(await withPhone.innerText()).toContain('偏好电话');
    await links.first().click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    await page.goBack();
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    await rows.first().locator('td').last().click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
  });

  test('in English the tooltips and the model fit axes speak English', async () => {
    await page.goto('/analytics?tab=concentration');
    await page.locator('.app-header').getByText('English').click();
    await page.getByRole('tab', { name: '80/20' }).waitFor();
    const curve = await hoverTooltip('chart-concentration', 0.4);
    expect(curve.trim()).toMatch(/^\d+(\.\d)?% of customers → \d+(\.\d)?% of revenue$/);
    await page.mouse.move(0, 0);
    await page.getByRole('tab', { name: 'Model fit' }).click();
    const week = await hoverTooltip('chart-tracking', 0.6);
    expect(week.trim()).toMatch(
      /^Week \d+ \(ending \w{3} \d+, \d{4}\)\nActual repeat purchases: [\d,]+\nBG\/NBD prediction: [\d,]+(\.\d)?$/,
    );
    await screenshot(page, 'analytics-tracking-en');
    expect(errors).toEqual([]);
  });
});
