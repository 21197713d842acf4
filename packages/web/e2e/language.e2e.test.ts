import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { launchChromium, logIn, newPage } from './browser.ts';

// Which language a person sees before they choose one: their browser's on the login page, then
// the language the owner set for their user; a choice made with the switch beats both.
let server: E2eServer;
let browser: Browser;

const english = { email: 'tom@e2e.fidelis.test', password: 'tom password 123' };

beforeAll(async () => {
  server = await startE2eServer();
  await server.call('POST', '/v1/users', {
    ...english,
    name: 'Tom',
    role: 'agent',
    locale: 'en',
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the language before anyone chooses one', () => {
  test('an English browser gets the login page in English, a Chinese one in Chinese', async () => {
    const inEnglish = await newPage(browser, server.url, { locale: 'en-US' });
    const inChinese = await newPage(browser, server.url, { locale: 'zh-CN' });
    try {
      await inEnglish.page.goto('/login');
      await inEnglish.page.getByRole('button', { name: 'Log in' }).waitFor();
      expect(await inEnglish.page.locator('html').getAttribute('lang')).toBe('en');
      await inChinese.page.goto('/login');
      await inChinese.page.getByRole('button', { name: /^登\s?录$/ }).waitFor();
      expect(inEnglish.errors).toEqual([]);
      expect(inChinese.errors).toEqual([]);
    } finally {
      await inEnglish.context.close();
      await inChinese.context.close();
    }
  });

  test('a user whose language is English sees English after logging in from a Chinese browser, until they choose', async () => {
    const { context, page, errors } = await newPage(browser, server.url, { locale: 'zh-CN' });
    try {
      await logIn(page, english);
      await page.getByRole('menuitem', { name: 'Customers' }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await page.reload();
      await page.getByRole('menuitem', { name: 'Customers' }).waitFor();
      // Their own choice in the switch wins, and is remembered.
      await page.locator('.app-header').getByText('中文').click();
      await page.getByRole('menuitem', { name: '客户', exact: true }).waitFor();
      await page.reload();
      await page.getByRole('menuitem', { name: '客户', exact: true }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('an empty dashboard says the next step: import people first, then send purchases', async () => {
    const { context, page, errors } = await newPage(browser, server.url, { locale: 'en-US' });
    try {
      await logIn(page, english);
      await page
        .getByTestId('dashboard-empty')
        .getByRole('button', { name: 'Import customers' })
        .waitFor();
      await server.call('POST', '/v1/customers', { kind: 'person', name: 'First Customer' });
      await page.reload();
      const empty = page.getByTestId('dashboard-empty');
      await empty.getByText(/no purchases yet/).waitFor();
      expect(await empty.innerText()).toContain('POST /v1/events');
      expect(
        await empty.getByRole('link', { name: 'API documentation' }).getAttribute('href'),
      ).toBe('/docs');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
