import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Page,
  type Route,
} from 'playwright-core';
import { screenshotDir, type E2eServer } from './e2e-server.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** Uncaught page errors and console errors, except the failed requests a test provokes on purpose. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // Chromium logs every 4xx answer; the app handles them (401 before login, 422 on a bad import).
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    errors.push(`console: ${text}`);
  });
  return errors;
}

export async function newPage(
  browser: Browser,
  baseURL: string,
  options: { width?: number; height?: number; locale?: string; mobile?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: options.width ?? 1366, height: options.height ?? 900 },
    locale: options.locale ?? 'zh-CN',
    ...(options.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page, errors: collectPageErrors(page) };
}

export async function screenshot(
  page: Page,
  name: string,
  file?: string,
  fullPage = true,
): Promise<string> {
  const target = file ?? path.join(screenshotDir, `${name}.png`);
  await mkdir(path.dirname(target), { recursive: true });
  await page.screenshot({ path: target, fullPage });
  return target;
}

export async function logIn(page: Page, login: { email: string; password: string }) {
  await page.goto('/login');
  await page.locator('#login_email').fill(login.email);
  await page.locator('#login_password').fill(login.password);
  await page.locator('#login_password').press('Enter');
  await page.locator('[data-testid="tenant-name"]').waitFor();
}

/** Chromium with one page logged in to the server as its owner: how most browser tests begin. */
export async function openLoggedIn(
  server: E2eServer,
): Promise<{ browser: Browser; context: BrowserContext; page: Page; errors: string[] }> {
  const browser = await launchChromium();
  const opened = await newPage(browser, server.url);
  await logIn(opened.page, server.login);
  return { browser, ...opened };
}

/**
 * Loses the answer to the first POST to `url`: the server does the work, the page sees a reset
 * connection; later POSTs pass. `keys` holds each POST's Idempotency-Key; `stop` removes the
 * route and, from `errors`, the reset Chromium logs because it was told to fake one.
 */
export async function loseFirstAnswer(page: Page, url: (url: URL) => boolean, errors: string[]) {
  const keys: string[] = [];
  let lose = true;
  const handler = async (route: Route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    keys.push((await route.request().allHeaders())['idempotency-key'] ?? '');
    if (!lose) return route.fallback();
    lose = false;
    await route.fetch();
    await route.abort('connectionreset');
  };
  await page.route(url, handler);
  return {
    keys,
    stop: async () => {
      await page.unroute(url, handler);
      const unexpected = errors.filter((error) => !error.includes('net::ERR_CONNECTION_RESET'));
      errors.splice(0, errors.length, ...unexpected);
    },
  };
}
