// Screenshots for the README: `npm run build && npx tsx packages/web/e2e/take-screenshots.ts`.
// Starts the real server on a temp database, seeds a small shop and saves docs/screenshots/*.png.
import path from 'node:path';
import { repoRoot, startE2eServer } from './e2e-server.ts';
import { launchChromium, logIn, newPage, screenshot } from './browser.ts';
import { seedShop } from './seed-data.ts';

const target = path.join(repoRoot, 'docs/screenshots');
const server = await startE2eServer();
const browser = await launchChromium();
try {
  const seeded = await seedShop(server);
  const { page, errors } = await newPage(browser, server.url, { width: 1440, height: 900 });
  await logIn(page, server.login);
  await page.goto('/');
  await page.locator('[data-testid="chart"] canvas').nth(1).waitFor();
  // Let the chart animation finish.
  await page.waitForTimeout(1500);
  await screenshot(page, 'dashboard', path.join(target, 'dashboard.png'), false);
  await page.goto('/customers');
  await page.locator('[data-testid="customer-table"] tbody tr.ant-table-row').nth(10).waitFor();
  await screenshot(page, 'customers', path.join(target, 'customers.png'), false);
  await page.goto(`/customers/${seeded.zhangWei.id}`);
  await page.getByTestId('timeline-event').nth(3).waitFor();
  await screenshot(page, 'customer-360', path.join(target, 'customer-360.png'), false);
  if (errors.length) throw new Error(`The pages logged errors:\n${errors.join('\n')}`);
  console.log(`Saved screenshots to ${target}`);
} finally {
  await browser.close();
  await server.close();
}
