import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './e2e-server.ts';
import { newPage, openLoggedIn } from './browser.ts';
import { seedShop, type Seeded } from './seed-data.ts';

// What a screen reader reads in the Chinese UI: no aria-label or title in English, antd's own
// controls included (its icons are named after their shape: "down", "search", "close"). Each
// page is walked with its popups open (a select's options, a modal, a drawer, a date panel).
let server: E2eServer;
let seeded: Seeded;
let programId = '';
let giftId = '';
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

/** Latin words that are names in any language: the product, and the measures by their acronym. */
const productNames = ['Fidelis', 'NPS', 'CSV', 'RFM', 'CLV', 'API', 'VIP'];

/**
 * Every aria-label and title made only of Latin letters (and spaces or hyphens) outside the
 * allow-list. Text inside an element marked as English (the language switch's "English") is
 * right as it is, and what is hidden from screen readers is not read.
 */
function englishNames(target: Page): Promise<string[]> {
  return target.evaluate((allowed) => {
    const found: string[] = [];
    for (const element of document.querySelectorAll('[aria-label], [title]')) {
      if (element.closest('[aria-hidden="true"]')) continue;
      if (element.closest('[lang]')?.getAttribute('lang')?.startsWith('en')) continue;
      for (const attribute of ['aria-label', 'title']) {
        const value = element.getAttribute(attribute)?.trim() ?? '';
        if (!/^[A-Za-z][A-Za-z\s-]*$/.test(value) || allowed.includes(value)) continue;
        // The nearest antd component around it says where it comes from.
        const owner = element.parentElement?.closest('[class*="ant-"]')?.className ?? '';
        found.push(`${attribute}="${value}" on <${element.tagName.toLowerCase()}> in ${owner}`);
      }
    }
    return [...new Set(found)];
  }, productNames);
}

/** Waits for antd's popups to finish opening or closing. */
async function settled(target: Page) {
  const moving =
    '[class*="-zoom-enter"], [class*="-zoom-appear"], [class*="-zoom-leave"], [class*="-slide-up-enter"], [class*="-slide-up-leave"], [class*="-panel-motion"]';
  await expect.poll(() => target.locator(moving).count()).toBe(0);
}

/** Opens the first visible select on the page (so its options and icons are drawn), then closes it. */
async function openSelect(target: Page, selector = '.ant-select:visible') {
  await target.locator(selector).first().click();
  await target.locator('.ant-select-dropdown:visible').first().waitFor();
}

async function closePopups(target: Page) {
  await target.keyboard.press('Escape');
  await settled(target);
}

beforeAll(async () => {
  server = await startE2eServer();
  seeded = await seedShop(server);
  const program = await server.call<{ id: string }>('POST', '/v1/loyalty/programs', {
    name: '星享会员',
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    earnRules: [{ kind: 'spend', id: 'base', name: '消费积分', points: 1, per: 100 }],
    pendingDays: 0,
    tiers: {
      metric: 'points',
      window: { kind: 'rolling', months: 12 },
      levels: [
        { code: 'member', name: '普通会员', threshold: 0 },
        { code: 'gold', name: '金卡会员', threshold: 1000 },
      ],
    },
  });
  programId = program.id;
  // Eleven rewards: the catalog pages by ten, so its pagination shows.
  for (let i = 1; i <= 11; i += 1) {
    const reward = await server.call<{ id: string }>(
      'POST',
      `/v1/loyalty/programs/${programId}/rewards`,
      { name: `礼品 ${i}`, pointsCost: 100 * i },
    );
    if (i === 1) giftId = reward.id;
  }
  // The cheapest hands out a coupon: the member page shows its code, to copy.
  await server.call('POST', `/v1/loyalty/programs/${programId}/rewards/${giftId}/coupons`, {
    codes: ['GIFT-0001'],
  });
  await server.call('POST', '/v1/events', {
    id: 'names-order-1',
    type: 'purchase',
    customerId: seeded.zhangWei.id,
    occurredAt: new Date().toISOString(),
    currency: 'CNY',
    amount: 123_456,
  });
  await server.call('POST', '/v1/customer-attributes', {
    key: 'level',
    labelZh: '会员等级',
    labelEn: 'Level',
    type: 'string',
  });
  ({ browser, context, page, errors } = await openLoggedIn(server));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('names screen readers read in the Chinese UI', () => {
  const walks: [string, string, (target: Page) => Promise<void>][] = [
    ['dashboard', '/', async (target) => target.getByTestId('stat-total-customers').waitFor()],
    [
      'customer list, with a search typed and the kind select open',
      '/customers',
      async (target) => {
        await target
          .locator('[data-testid="customer-table"] tbody tr.ant-table-row')
          .first()
          .waitFor();
        await target.getByLabel('搜索客户').fill('张');
        await openSelect(target, '.filters .ant-select');
      },
    ],
    [
      'customer 360, with the edit drawer and its date panel open',
      `/customers/{zhangWei}`,
      async (target) => {
        await target.getByTestId('timeline').waitFor();
        await target.getByRole('button', { name: /编\s?辑/ }).click();
        await target.locator('.ant-drawer .ant-picker').first().click();
        await target.locator('.ant-picker-dropdown:visible').first().waitFor();
      },
    ],
    [
      'customer 360, with the more menu and the merge dialog open',
      `/customers/{zhangWei}`,
      async (target) => {
        await target.getByTestId('timeline').waitFor();
        await target.getByRole('button', { name: /更\s?多/ }).click();
        await target.getByRole('menuitem').first().waitFor();
        expect(await englishNames(target)).toEqual([]);
        await target.getByRole('menuitem', { name: /合并/ }).click();
        await target.locator('.ant-modal-wrap:visible .ant-modal').waitFor();
      },
    ],
    [
      'program designer: rewards, with the toast after switching one off and on',
      `/loyalty/programs/{program}?tab=rewards`,
      async (target) => {
        const rows = target.getByTestId('rewards-table').locator('.ant-table-row');
        await rows
          .first()
          .getByRole('button', { name: /^停\s?用$/ })
          .click();
        await target.locator('.ant-message-notice').first().waitFor();
        expect(await englishNames(target)).toEqual([]);
        await rows
          .first()
          .getByRole('button', { name: /^启\s?用$/ })
          .click();
        await expect.poll(() => target.locator('.ant-message-notice').count()).toBe(2);
      },
    ],
    [
      'customer import',
      '/import',
      async (target) => target.locator('.ant-upload').first().waitFor(),
    ],
    [
      'analytics',
      '/analytics',
      async (target) =>
        target.locator('.ant-tabs, [data-testid="analytics-empty"]').first().waitFor(),
    ],
    ['loyalty', '/loyalty', async (target) => target.getByTestId('loyalty-rewards').waitFor()],
    [
      'program members, with a filter open',
      `/loyalty/programs/{program}/members`,
      async (target) => {
        await target.locator('.filters .ant-select').first().waitFor();
        await openSelect(target, '.filters .ant-select');
      },
    ],
    [
      'program designer: settings',
      `/loyalty/programs/{program}?tab=settings`,
      async (target) => target.locator('form').first().waitFor(),
    ],
    [
      'program designer: rules',
      `/loyalty/programs/{program}?tab=rules`,
      async (target) => target.locator('form').first().waitFor(),
    ],
    [
      'program designer: tiers',
      `/loyalty/programs/{program}?tab=tiers`,
      async (target) => target.locator('form').first().waitFor(),
    ],
    [
      'program designer: rewards, paged, with the new reward dialog and its date panel open',
      `/loyalty/programs/{program}?tab=rewards`,
      async (target) => {
        await target.locator('.ant-pagination').waitFor();
        await target.getByRole('button', { name: '新建奖励' }).click();
        await target.locator('.ant-modal-wrap:visible .ant-picker').first().click();
        await target.locator('.ant-picker-dropdown:visible').first().waitFor();
      },
    ],
    [
      'program designer: referral',
      `/loyalty/programs/{program}?tab=referral`,
      async (target) => target.locator('[role="tab"][aria-selected="true"]').waitFor(),
    ],
    [
      'program designer: partners',
      `/loyalty/programs/{program}?tab=partners`,
      async (target) => target.getByTestId('partners-table').waitFor(),
    ],
    [
      'API keys, with the create dialog open',
      '/settings/api-keys',
      async (target) => {
        await target.locator('.ant-table-row').first().waitFor();
        await target.getByRole('button', { name: '创建密钥' }).click();
        await target.locator('.ant-modal-wrap:visible .ant-modal').waitFor();
        await openSelect(target, '.ant-modal-wrap .ant-select');
      },
    ],
    [
      'users, with the create dialog open',
      '/settings/users',
      async (target) => {
        await target.locator('.ant-table-row').first().waitFor();
        await target.getByRole('button', { name: '添加用户' }).click();
        await target.locator('.ant-modal-wrap:visible .ant-modal').waitFor();
      },
    ],
    [
      'customer attributes, with the type filter open',
      '/settings/attributes',
      async (target) => {
        await target.getByTestId('attribute-table').locator('.ant-table-row').first().waitFor();
        await target.locator('.ant-table-filter-trigger').first().click();
        await target.locator('.ant-table-filter-dropdown:visible').waitFor();
      },
    ],
    [
      'audit log, with a change opened and the action select open',
      '/settings/audit-log',
      async (target) => {
        const rows = target.getByTestId('audit-table').locator('tbody tr.ant-table-row');
        await rows.first().waitFor();
        await target
          .getByRole('button', { name: /^查看更改：/ })
          .first()
          .click();
        await target.getByTestId('audit-change').first().waitFor();
        await openSelect(target, '[data-testid="audit-action"]');
      },
    ],
  ];

  test.each(walks)('%s', async (_name, path, walk) => {
    await page.goto(path.replace('{zhangWei}', seeded.zhangWei.id).replace('{program}', programId));
    await page.getByTestId('tenant-name').waitFor();
    await walk(page);
    await settled(page);
    expect(await englishNames(page)).toEqual([]);
    // A search box's button, an icon only, is named for what it does.
    const searchButtons = await page
      .locator('.ant-input-search-button')
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
    expect(searchButtons.filter((label) => label !== '搜索')).toEqual([]);
    await closePopups(page);
    expect(errors).toEqual([]);
  });

  // Pages seen without logging in, in a browser of their own.
  async function asGuest(walk: (target: Page) => Promise<void>) {
    const guest = await newPage(browser, server.url);
    try {
      await walk(guest.page);
      expect(guest.errors).toEqual([]);
    } finally {
      await guest.context.close();
    }
  }

  test('login, with a wrong password refused and the password shown', async () => {
    await asGuest(async (target) => {
      await target.goto('/login');
      await target.locator('#login_email').fill(server.login.email);
      await target.locator('#login_password').fill('wrong password');
      await target.locator('#login_password').press('Enter');
      await target.getByRole('alert').waitFor();
      expect(await englishNames(target)).toEqual([]);
      await target.getByRole('img', { name: '显示密码' }).click();
      await target.getByRole('img', { name: '隐藏密码' }).waitFor();
      await settled(target);
      expect(await englishNames(target)).toEqual([]);
    });
  });

  test('the public member page: the redeem dialog, its result with a coupon, a broken link', async () => {
    const link = await server.call<{ url: string }>(
      'POST',
      `/v1/loyalty/programs/${programId}/members/${seeded.zhangWei.id}/link`,
      { days: 7 },
    );
    const url = new URL(link.url, server.url);
    await asGuest(async (target) => {
      await target.goto(`${url.pathname}${url.search}`);
      const cheapest = target.getByTestId('member-reward').first();
      await cheapest.waitFor();
      await settled(target);
      expect(await englishNames(target)).toEqual([]);
      await cheapest.getByRole('button').click();
      await target.getByTestId('member-redeem-confirmation').waitFor();
      await settled(target);
      expect(await englishNames(target)).toEqual([]);
      await target
        .locator('.ant-modal-wrap:visible')
        .getByRole('button', { name: '确认兑换' })
        .click();
      const result = target.getByTestId('member-redeem-result');
      await result.waitFor();
      await settled(target);
      expect(await englishNames(target)).toEqual([]);
      // Copied, the button shows a tick: that icon too says nothing in English.
      await result.getByRole('button', { name: '复制' }).click();
      await result.locator('.ant-typography-copy-success').waitFor();
      expect(await englishNames(target)).toEqual([]);
      await target
        .locator('.ant-modal-wrap:visible')
        .getByRole('button', { name: /^完\s?成$/ })
        .click();
      await settled(target);
      await target.getByTestId('member-coupon').first().waitFor();
      expect(await englishNames(target)).toEqual([]);

      await target.goto('/member?token=this-link-was-never-signed');
      await target.getByTestId('member-page-invalid').waitFor();
      expect(await englishNames(target)).toEqual([]);
    });
  });

  test('antd speaks the language the user switches to, and back', async () => {
    // The rewards catalog's page arrows are named by antd's locale: "下一页", then "Next Page".
    await page.goto(`/loyalty/programs/${programId}?tab=rewards`);
    const next = page.locator('.ant-pagination-next');
    await expect.poll(() => next.getAttribute('title')).toBe('下一页');
    await page.locator('.app-header').getByText('English').click();
    await expect.poll(() => next.getAttribute('title')).toBe('Next Page');
    await page.getByRole('button', { name: 'New reward' }).click();
    const dialog = page.locator('.ant-modal-wrap:visible .ant-modal');
    await expect
      .poll(() => dialog.locator('.ant-modal-close').getAttribute('aria-label'))
      .toBe('Close');
    await closePopups(page);
    await page.locator('.app-header').getByText('中文').click();
    await expect.poll(() => next.getAttribute('title')).toBe('下一页');
    expect(await englishNames(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
