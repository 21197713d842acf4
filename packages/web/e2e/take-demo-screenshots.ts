// README screenshots of the demo tenant. Start the demo first (`npm start`), then:
//   BASE_URL=http://localhost:3000 npx tsx packages/web/e2e/take-demo-screenshots.ts
import path from 'node:path';
import { repoRoot } from './e2e-server.ts';
import { launchChromium, logIn, newPage, screenshot } from './browser.ts';

const baseUrl = process.env.BASE_URL ?? 'http://localhost:3000';
const target = path.join(repoRoot, 'docs/screenshots');
const browser = await launchChromium();
try {
  const { page } = await newPage(browser, baseUrl, { width: 1440, height: 900 });
  await logIn(page, { email: 'demo@fidelis.local', password: 'fidelis-demo' });
  await page.goto('/');
  await page.locator('[data-testid="chart"] canvas').nth(1).waitFor({ timeout: 120_000 });
  await page.waitForTimeout(1500);
  await screenshot(page, 'dashboard', path.join(target, 'dashboard.png'), false);
  await page.goto('/customers');
  await page.locator('[data-testid="customer-table"] tbody tr.ant-table-row').nth(10).waitFor();
  await screenshot(page, 'customers', path.join(target, 'customers.png'), false);
  await page.goto('/analytics');
  await page.waitForTimeout(4000);
  await screenshot(page, 'analytics', path.join(target, 'analytics.png'), false);
  console.log(`Saved screenshots to ${target}`);
} finally {
  await browser.close();
}
