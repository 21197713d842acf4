import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { loyaltyApi, runJobNow, tierLevel } from '../../test/loyalty-api.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const DAY = 86_400_000;

interface NotificationBody {
  id: string;
  customerId: string;
  points: number;
  expiresAt: string;
  channel: string | null;
  status: string;
  message: string;
}

describe('expiry notifications outbox', () => {
  it('one per member and date, on the consented channel; listed, delivered, on the member page', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    const programId = await api.createProgram({
      expiry: { kind: 'rolling', months: 12 },
      expiryWarningDays: 30,
      timeZone: 'Asia/Shanghai',
    });
    const granted = { status: 'granted' };
    await api.createCustomer({
      name: 'Sms',
      externalId: 'n-sms',
      phone: '13900000001',
      email: 'sms@x.cn',
      preferredChannel: 'sms',
      consent: { sms: granted, email: granted },
    });
    await api.createCustomer({
      name: 'Mail',
      externalId: 'n-mail',
      email: 'mail@x.cn',
      preferredChannel: 'wechat',
      consent: { email: granted },
    });
    await api.createCustomer({ name: 'Quiet', externalId: 'n-quiet', email: 'q@x.cn' });
    // Earned 350 days ago at noon in Shanghai: they expire in about 15 days, inside the 30-day
    // warning period (and a second later is the same day there).
    const earned = Math.floor((Date.now() - 350 * DAY) / DAY) * DAY + 4 * 3_600_000;
    const buy = (id: string, customerExternalId: string, amount: number, at = earned) =>
      api.event({
        id,
        type: 'purchase',
        customerExternalId,
        occurredAt: new Date(at).toISOString(),
        currency: 'CNY',
        amount,
      });
    const sms = await buy('n-1', 'n-sms', 10_000);
    await buy('n-2', 'n-sms', 2_000, earned + 1000);
    const mail = await buy('n-3', 'n-mail', 5_000);
    const quiet = await buy('n-4', 'n-quiet', 3_000);
    await buy('n-5', 'n-mail', 90_000, Date.now()); // expires in a year: no warning

    await runJobNow(t, tenant.tenantId, 'loyalty.sweep');
    const list = (query: string) =>
      api.call<{ items: NotificationBody[]; nextCursor: string | null }>(
        'GET',
        `/v1/loyalty/notifications?${query}`,
      );
    const pending = (await list('status=pending')).items;
    expect(pending.map((n) => [n.customerId, n.channel, n.points]).sort()).toEqual(
      [
        [sms, 'sms', 120],
        [mail, 'email', 50],
      ].sort(),
    );
    const forSms = pending.find((n) => n.customerId === sms)!;
    const day = new Date(forSms.expiresAt).toLocaleDateString('sv-SE', {
      timeZone: 'Asia/Shanghai',
    });
    expect(forSms.message).toBe(`120 points expire on ${day}`);
    expect((await list('status=suppressed')).items).toEqual([
      expect.objectContaining({ customerId: quiet, channel: null, points: 30 }),
    ]);

    // Warned once: another run (the job again, or the next sweep) makes nothing new.
    await runJobNow(t, tenant.tenantId, 'loyalty.expiry-warnings');
    await runJobNow(t, tenant.tenantId, 'loyalty.sweep');
    const all = await list('limit=200');
    expect(all.items).toHaveLength(3);
    const first = await list('limit=2');
    const second = await list(`limit=2&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items].map((n) => n.id)).toEqual(all.items.map((n) => n.id));
    expect(second.nextCursor).toBeNull();

    const deliver = (id: string, status = 200) =>
      api.call<NotificationBody>('POST', `/v1/loyalty/notifications/${id}/delivered`, {}, status);
    const sent = await deliver(forSms.id);
    expect(sent).toMatchObject({ status: 'sent', sentAt: expect.any(String) });
    expect(await deliver(forSms.id)).toEqual(sent);
    await deliver((await list('status=suppressed')).items[0]!.id, 409);
    expect((await list('status=pending')).items.map((n) => n.customerId)).toEqual([mail]);

    // The member page says it, with the points still there.
    const link = await api.call<{ token: string }>(
      'POST',
      `/v1/loyalty/programs/${programId}/members/${sms}/link`,
      { days: 1 },
    );
    await api.call('POST', `/v1/loyalty/programs/${programId}/redemptions`, {
      customerId: sms,
      points: 20,
      idempotencyKey: 'n-redeem',
    });
    const page = await t.app.inject({
      method: 'GET',
      url: `/v1/public/loyalty/member?token=${link.token}`,
    });
    expect(page.json()).toMatchObject({
      expiryNotices: [
        { points: 100, expiresAt: forSms.expiresAt, message: `100 points expire on ${day}` },
      ],
    });
  });
});

describe('birthday gifts', () => {
  it('give a gift tier’s points on the member’s birthday, once a year', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    const programId = await api.createProgram({
      timeZone: 'America/New_York',
      pendingDays: 30,
      tiers: {
        metric: 'spend',
        window: { kind: 'calendar', period: 'year' },
        graceDays: 0,
        downgrade: 'oneLevel',
        levels: [tierLevel('member', 0), tierLevel('gold', 50_000, { birthdayGiftPoints: 300 })],
      },
    });
    const asOf = new Date();
    const today = asOf.toLocaleDateString('sv-SE', { timeZone: 'America/New_York' }).slice(5);
    const tomorrow = new Date(asOf.getTime() + DAY)
      .toLocaleDateString('sv-SE', { timeZone: 'America/New_York' })
      .slice(5);
    const customers: Record<string, string> = {};
    for (const [key, birthday, amount] of [
      ['gold', `1990-${today}`, 60_000],
      ['member', `1991-${today}`, 1_000],
      ['later', `1992-${tomorrow}`, 60_000],
    ] as const) {
      await api.createCustomer({ name: key, externalId: `b-${key}`, birthday });
      customers[key] = await api.event({
        id: `b-${key}-order`,
        type: 'purchase',
        customerExternalId: `b-${key}`,
        occurredAt: new Date(asOf.getTime() - DAY).toISOString(),
        currency: 'CNY',
        amount,
      });
    }
    const gifts = async (customerId: string) =>
      (await api.entries(programId, customerId)).filter(
        (entry) => entry.explanation.reason === 'birthday gift of tier gold',
      );
    await runJobNow(t, tenant.tenantId, 'loyalty.birthday-gifts', { asOf: asOf.toISOString() });
    await runJobNow(t, tenant.tenantId, 'loyalty.birthday-gifts', { asOf: asOf.toISOString() });
    const [gift] = await gifts(customers.gold!);
    expect(await gifts(customers.gold!)).toHaveLength(1);
    expect(gift).toMatchObject({
      kind: 'earn',
      points: 300,
      credit: 'member_available',
      explanation: { why: 'birthday', tier: 'gold' },
    });
    expect(await api.member(programId, customers.gold!)).toMatchObject({
      available: 300,
      pending: 600,
    });
    expect(await gifts(customers.member!)).toEqual([]);
    expect(await gifts(customers.later!)).toEqual([]);
    // The same day a year later gives again.
    const nextYear = new Date(asOf.getTime() + 365 * DAY);
    const sameDay = nextYear.toLocaleDateString('sv-SE', { timeZone: 'America/New_York' });
    const asOfNextYear = sameDay.endsWith(today) ? nextYear : new Date(nextYear.getTime() + DAY);
    await runJobNow(t, tenant.tenantId, 'loyalty.birthday-gifts', {
      asOf: asOfNextYear.toISOString(),
    });
    expect(await gifts(customers.gold!)).toHaveLength(2);
    expect(await api.ledgerCheck(programId)).toMatchObject({ mismatches: [], accountsSum: 0 });
  });
});

describe('tier reviews', () => {
  it('keep an earned tier, then grant grace, then lower it one level; the member page tells it', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    const level = (code: string, name: string, threshold: number) => ({
      ...tierLevel(code, threshold),
      name,
    });
    const programId = await api.createProgram({
      timeZone: 'UTC',
      tiers: {
        metric: 'spend',
        window: { kind: 'calendar', period: 'year' },
        graceDays: 30,
        downgrade: 'oneLevel',
        levels: [
          level('gold', '金卡', 60_000),
          level('member', '会员', 0),
          level('silver', '银卡', 10_000),
        ],
      },
    });
    const customerId = await api.event({
      id: 'review-1',
      type: 'purchase',
      customerExternalId: 'review-a',
      occurredAt: '2024-06-01T10:00:00Z',
      currency: 'CNY',
      amount: 70_000,
    });
    const review = (asOf: string) => runJobNow(t, tenant.tenantId, 'loyalty.tier-review', { asOf });
    const tierOf = async () => (await api.member(programId, customerId)).tier?.code;
    // 2024's spend still earns gold at its end: kept for 2025.
    await review('2025-01-02T00:00:00Z');
    expect(await tierOf()).toBe('gold');
    // Nothing spent in 2025: kept through the grace period, then one level down.
    await review('2026-01-02T00:00:00Z');
    expect(await tierOf()).toBe('gold');
    await review('2026-01-20T00:00:00Z'); // still in grace: nothing changes
    await review('2026-02-05T00:00:00Z');
    expect(await tierOf()).toBe('silver');

    const { tierChanges } = await api.call<{ tierChanges: unknown[] }>(
      'GET',
      `/v1/loyalty/programs/${programId}/members/${customerId}/lots`,
    );
    const upgrade = {
      kind: 'upgrade',
      from: null,
      to: 'gold',
      why: { why: 'reached', metric: 'spend', value: 70_000, threshold: 60_000 },
      eventId: 'review-1',
    };
    const grace = {
      at: '2026-01-02T00:00:00.000Z',
      kind: 'grace',
      from: 'gold',
      to: 'gold',
      why: { why: 'grace', metric: 'spend', value: 0, graceUntil: '2026-01-31T00:00:00.000Z' },
    };
    const lowered = {
      at: '2026-02-05T00:00:00.000Z',
      kind: 'downgrade',
      from: 'gold',
      to: 'silver',
      why: { why: 'below', metric: 'spend', value: 0 },
      eventId: null,
    };
    const kept = {
      at: '2025-01-02T00:00:00.000Z',
      kind: 'retain',
      from: 'gold',
      to: 'gold',
      why: { why: 'kept', metric: 'spend', value: 70_000 },
    };
    expect(tierChanges).toMatchObject([lowered, grace, kept, upgrade]);

    // The member's own page: the tiers by name, lowest first, and the same tier history as
    // the staff's (the review that kept gold too: a member wants to know it was kept).
    const { token } = await api.call<{ token: string }>(
      'POST',
      `/v1/loyalty/programs/${programId}/members/${customerId}/link`,
      {},
    );
    const page = await t.app.inject({
      method: 'GET',
      url: `/v1/public/loyalty/member?token=${token}`,
    });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({
      tier: { code: 'silver', name: '银卡' },
      tiers: [
        { code: 'member', name: '会员', threshold: 0 },
        { code: 'silver', name: '银卡', threshold: 10_000 },
        { code: 'gold', name: '金卡', threshold: 60_000 },
      ],
      tierChanges: [lowered, grace, kept, upgrade],
    });
  });
});
