import { describe, expect, it, vi } from 'vitest';
import type { TierChange } from '@fidelis/contracts';
import type { LoyaltyEntry } from './loyalty.api.ts';

// The app's i18n module sets the page's language on import (a browser's document): the bundles
// register into a plain instance here instead, with the app's own strings.
const i18n = await vi.hoisted(async () =>
  (await import('../../i18n/plain-i18n.ts')).plainI18n('en'),
);
vi.mock('../../i18n/i18n.ts', () => ({ i18n }));
await import('./loyalty.i18n.ts');
const {
  entryKind,
  entrySign,
  explainEntry,
  explainTierChange,
  lotsToShow,
  ruleNames,
  spentLotLines,
  lotsTitle,
} = await import('./entry-explanation.ts');

const entry = (kind: string, explanation: Record<string, unknown>): LoyaltyEntry =>
  ({
    id: '0',
    kind,
    points: 10,
    at: '2026-11-23T04:00:00Z',
    debit: 'program_issued',
    credit: 'member_available',
    eventId: null,
    explanation,
  }) as LoyaltyEntry;

const earning = entry('earn', {
  eventId: 'order-1',
  rulesVersion: 3,
  steps: [
    {
      ruleId: 'base',
      kind: 'spend',
      description: '1 per 100 spent on 4296',
      basis: { kind: 'spend', points: 1, per: 100, amount: 4296, matchingLines: false },
      basePoints: 42,
      multipliers: [
        {
          ruleId: 'weekend',
          factor: 2,
          reason: 'on Saturday, tier gold',
          conditions: [
            { kind: 'weekday', weekday: 6 },
            { kind: 'tier', tier: 'gold' },
          ],
        },
      ],
      cappedBy: '50 per day',
      cap: { period: 'day', limit: 50 },
      points: 50,
    },
  ],
  notes: ['min: spend 4296 is below the minimum 10000'],
  belowMinimum: [{ ruleId: 'min', amount: 4296, minimum: 10000 }],
});

function explain(e: LoyaltyEntry, locale: 'zh-CN' | 'en') {
  return explainEntry(e, {
    t: i18n.getFixedT(locale),
    locale,
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    tierName: (code) => (code === 'gold' ? '金卡' : code),
    ruleName: ruleNames({ earnRules: [{ id: 'base', name: '消费积分' }, { id: 'min' }] }),
  });
}

describe('ledger entries explained in the user’s language', () => {
  it('words an earning from its numbers, not from the server’s English', () => {
    const zh = explain(earning, 'zh-CN');
    // The rule by its name (by its id when it has none), then spend, rate and points apart.
    expect(zh[0]).toBe(
      '消费积分：消费 ¥42.96，每 ¥1.00 得 1 分 → 基础 42 分 ×2（星期六、等级 金卡） 受上限 每位会员每天最多 50 分 限制 = 50 分',
    );
    expect(zh[1]).toBe('min：消费 ¥42.96 未达最低消费 ¥100.00');
    expect(zh[2]).toBe('事件 order-1 · 规则 v3');
    expect(zh.join(' ')).not.toMatch(/per 100 spent|below the minimum|Saturday/);
    const en = explain(earning, 'en');
    expect(en[0]).toBe(
      '消费积分: CN¥42.96 spent at 1 per CN¥1.00 → 42 base points ×2 (on Saturday, tier 金卡) capped by at most 50 per member per day = 50 points',
    );
  });

  it('leaves the rule, the event and the rules version off a member’s own page', () => {
    const member = (locale: 'zh-CN' | 'en') =>
      explainEntry(earning, {
        t: i18n.getFixedT(locale),
        locale,
        currency: 'CNY',
        forStaff: false,
        ruleName: () => '消费积分',
      });
    expect(member('zh-CN')[0]).toMatch(/^消费 ¥42\.96，每 ¥1\.00 得 1 分 → 基础 42 分/);
    expect(member('en')[0]).toMatch(/^CN¥42\.96 spent at 1 per CN¥1\.00 → 42 base points/);
    expect(member('zh-CN')[1]).toBe('消费 ¥42.96 未达最低消费 ¥100.00');
    for (const lines of [member('zh-CN'), member('en')]) {
      expect(lines.join(' ')).not.toMatch(/order-1|v3|消费积分|base ·/);
    }
  });

  it('words a tier privilege with the tier’s own name apart from the text around it', () => {
    const gold = entry('earn', {
      steps: [
        {
          ruleId: 'base',
          basis: { kind: 'spend', points: 1, per: 100, amount: 2598, matchingLines: false },
          basePoints: 25,
          multipliers: [
            {
              ruleId: 'tier:gold',
              factor: 1.5,
              reason: 'Gold privilege',
              conditions: [{ kind: 'tierPrivilege', tier: 'gold' }],
            },
          ],
          points: 37,
        },
      ],
    });
    const c = { currency: 'USD', tierName: () => '金卡 Gold', forStaff: false } as const;
    expect(explainEntry(gold, { ...c, t: i18n.getFixedT('zh-CN'), locale: 'zh-CN' })).toEqual([
      '消费 US$25.98，每 US$1.00 得 1 分 → 基础 25 分 ×1.5（等级权益：金卡 Gold） = 37 分',
    ]);
    expect(explainEntry(gold, { ...c, t: i18n.getFixedT('en'), locale: 'en' })).toEqual([
      '$25.98 spent at 1 per $1.00 → 25 base points ×1.5 (金卡 Gold privilege) = 37 points',
    ]);
  });

  it('tells a reward redemption from points redeemed as such', () => {
    expect(entryKind({ kind: 'redeem', explanation: { rewardId: 'r-1' } })).toBe('redeem');
    expect(entryKind({ kind: 'redeem', explanation: { rewardId: null } })).toBe('redeemPoints');
    expect(entryKind({ kind: 'earn', explanation: {} })).toBe('earn');
    const t = i18n.getFixedT('zh-CN');
    expect(t('loyalty.entry.kinds.redeemPoints')).toBe('积分抵扣');
    expect(t('loyalty.entry.kinds.adjust')).toBe(t('loyalty.adjust.button'));
  });

  it('keeps the English of entries written before the numbers were stored', () => {
    const old = entry('earn', {
      eventId: 'order-0',
      rulesVersion: 1,
      steps: [
        {
          ruleId: 'base',
          kind: 'spend',
          description: '1 per 100 spent on 500',
          basePoints: 5,
          multipliers: [{ ruleId: 'm', factor: 2, reason: 'always' }],
          cappedBy: null,
          points: 10,
        },
      ],
      notes: [],
    });
    expect(explain(old, 'zh-CN')[0]).toBe(
      '消费积分：1 per 100 spent on 500 → 基础 5 分 ×2（always） = 10 分',
    );
    const reason = entry('release', { lotId: 'l', reason: 'pending period of 7 days ended' });
    expect(explain(reason, 'zh-CN')).toEqual(['pending period of 7 days ended']);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'reverse',
      {
        why: 'refund',
        refundOf: 'order-1',
        refundedAmount: 1000,
        negative: 30,
        clawedBack: [],
        note: 'x',
      },
      '退款 ¥10.00（订单 order-1）；其中 30 分已被使用，记为负余额',
      'Refund of CN¥10.00 (order order-1); 30 of its points were already spent: booked as a negative balance',
    ],
    [
      'reverse',
      { why: 'refund', refundOf: 'o', refundedAmount: 1, negative: 0, clawedBack: [{}] },
      '退款 ¥0.01（订单 o）；已使用的积分从其他批次扣回',
      'Refund of CN¥0.01 (order o); points already spent were taken back from other lots',
    ],
    [
      'release',
      { why: 'pending_ended', pendingDays: 1 },
      '1 天待生效期已结束',
      'Pending period of 1 day ended',
    ],
    [
      'expire',
      { why: 'expiry_date', expiresAt: '2026-11-22T16:00:00Z' },
      '于 2026年11月23日 到期',
      'Expired on Nov 23, 2026',
    ],
    [
      'expire',
      { why: 'inactivity', inactiveMonths: 12 },
      '连续 12 个月无活动',
      'No activity for 12 months',
    ],
    [
      'earn',
      { why: 'birthday', tier: 'gold' },
      '等级生日礼：金卡',
      'Birthday gift of the 金卡 tier',
    ],
    [
      'earn',
      { why: 'referral', side: 'referrer', code: 'AB12' },
      '推荐奖励：您推荐的客户完成首笔合格消费（推荐码 AB12）',
      'Referral reward: a customer you referred made a first qualifying purchase (code AB12)',
    ],
    [
      'reverse',
      { why: 'referral_self', side: 'referrer', code: 'AB12' },
      '推荐奖励收回：推荐人与被推荐人已合并为同一客户',
      'Referral reward taken back: the referrer and the referee were merged into one customer',
    ],
    [
      'redeem',
      { why: 'redemption' },
      '优先使用最早到期的积分',
      'Soonest-expiring points spent first',
    ],
    [
      'merge',
      { why: 'merge', fromCustomerId: 'c-1' },
      '由客户 c-1 合并转入',
      'Merged from customer c-1',
    ],
    // On the member's own page the duplicate record is not named.
    [
      'merge',
      { why: 'merge' },
      '由您的另一份会员记录合并转入',
      'Merged in from another record of yours',
    ],
    [
      'adjust',
      { why: 'adjustment', adjustment: 'service_recovery', note: '配送延误' },
      '人工补发：服务补救——配送延误',
      'Credited by hand: service recovery — 配送延误',
    ],
    [
      'adjust',
      { why: 'adjustment', adjustment: 'correction', note: null },
      '人工补发：更正',
      'Credited by hand: correction',
    ],
    [
      'partner_earn',
      { why: 'partner', reference: 'P-9' },
      '合作方发放（单号 P-9）',
      'Awarded by a partner (reference P-9)',
    ],
  ])('%s %j', (kind, explanation, zh, en) => {
    expect(explain(entry(kind, explanation), 'zh-CN')).toEqual([zh]);
    expect(explain(entry(kind, explanation), 'en')).toEqual([en]);
  });
});

describe('tier changes explained in the user’s language', () => {
  const change = (
    kind: TierChange['kind'],
    from: string | null,
    to: string | null,
    why: TierChange['why'],
  ): TierChange => ({
    at: '2026-11-23T04:00:00Z',
    kind,
    from,
    to,
    reason: 'the server’s English',
    why,
    eventId: null,
  });
  const words = (c: TierChange, locale: 'zh-CN' | 'en') =>
    explainTierChange(c, {
      t: i18n.getFixedT(locale),
      locale,
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      tierName: (code) =>
        ({ gold: '金卡', silver: '银卡', platinum: '白金卡 Platinum' })[code] ?? code,
    });

  // The windows reviews measured: calendar 2025 in Shanghai, and 2026 up to a grace end.
  const year2025 = { start: '2024-12-31T16:00:00Z', end: '2025-12-31T16:00:00Z' };
  const january = { start: '2025-12-31T16:00:00Z', end: '2026-01-30T16:00:00Z' };
  const spend = (value: number) => ({ metric: 'spend' as const, value });

  it.each<[TierChange, string, string]>([
    [
      change('upgrade', 'silver', 'gold', {
        why: 'reached',
        metric: 'spend',
        value: 61_050,
        threshold: 60_000,
      }),
      '定级周期内消费 ¥610.50，达到金卡门槛 ¥600.00',
      'Reached 金卡 (needs CN¥600.00) with spend of CN¥610.50 in the qualifying period',
    ],
    [
      change('upgrade', null, 'silver', {
        why: 'reached',
        metric: 'purchases',
        value: 1,
        threshold: 1,
      }),
      '定级周期内消费 1 次，达到银卡门槛 1',
      'Reached 银卡 (needs 1) with 1 purchase in the qualifying period',
    ],
    [
      // A name in Latin letters stands apart from the Chinese around it.
      change('upgrade', 'silver', 'platinum', {
        why: 'reached',
        metric: 'spend',
        value: 50_000,
        threshold: 50_000,
      }),
      '定级周期内消费 ¥500.00，达到白金卡 Platinum 门槛 ¥500.00',
      'Reached 白金卡 Platinum (needs CN¥500.00) with spend of CN¥500.00 in the qualifying period',
    ],
    [
      change('upgrade', null, 'member', {
        why: 'reached',
        metric: 'spend',
        value: 5_112,
        threshold: 0,
      }),
      '加入 member（无门槛）',
      'Joined member (no threshold)',
    ],
    [
      change('downgrade', 'gold', 'silver', { why: 'refund', metric: 'points', value: 1_200 }),
      '退款后获得 1,200 积分，不再满足金卡，撤销升级',
      'After a refund, 1,200 points earned no longer holds 金卡: the upgrade is undone',
    ],
    [
      change('retain', 'gold', 'gold', { why: 'kept', metric: 'visits', value: 12 }),
      '定级评审：到店 12 天，保持等级',
      'Review: 12 visits keeps the tier',
    ],
    [
      change('grace', 'gold', 'gold', {
        why: 'grace',
        metric: 'spend',
        value: 0,
        graceUntil: '2027-01-30T16:00:00Z',
      }),
      '定级评审：消费 ¥0.00，未达保级要求，宽限至 2027年1月31日',
      'Review: spend of CN¥0.00 is below the tier; kept until Jan 31, 2027',
    ],
    [
      change('downgrade', 'silver', null, { why: 'below', metric: 'spend', value: 500 }),
      '定级评审：消费 ¥5.00，未达保级要求，调整为无等级',
      'Review: spend of CN¥5.00 is below the tier; now No tier',
    ],
    [
      change('retain', 'gold', 'gold', { ...spend(719_169), why: 'kept', window: year2025 }),
      '定级评审（2025年1月1日至2025年12月31日）：消费 ¥7,191.69，保持等级',
      'Review of Jan 1, 2025 – Dec 31, 2025: spend of CN¥7,191.69 keeps the tier',
    ],
    [
      change('downgrade', 'gold', 'silver', { ...spend(500), why: 'below', window: january }),
      '定级评审（2026年1月1日至2026年1月30日）：消费 ¥5.00，未达保级要求，调整为银卡',
      'Review of Jan 1, 2026 – Jan 30, 2026: spend of CN¥5.00 is below the tier; now 银卡',
    ],
    [
      change('upgrade', 'silver', 'gold', { why: 'merged', customerId: 'c-2' }),
      '保留被合并客户 c-2 的更高等级',
      'Kept the higher tier of merged customer c-2',
    ],
    [
      change('merge', 'gold', null, { why: 'mergedInto', customerId: 'c-1' }),
      '已合并至客户 c-1',
      'Merged into customer c-1',
    ],
    [change('upgrade', null, 'gold', null), 'the server’s English', 'the server’s English'],
  ])('%j', (c, zh, en) => {
    expect(words(c, 'zh-CN')).toBe(zh);
    expect(words(c, 'en')).toBe(en);
  });
});

describe('entrySign: which way points went, from the member’s side', () => {
  it.each([
    ['program_issued', 'member_pending', 1],
    ['program_issued', 'member_available', 1],
    ['member_pending', 'member_available', 0],
    ['member_available', 'program_redeemed', -1],
    ['member_available', 'program_expired', -1],
    ['member_available', 'program_issued', -1],
    ['member_merge', 'member_available', 0],
  ] as const)('%s → %s: %i', (debit, credit, sign) => {
    expect(entrySign({ debit, credit })).toBe(sign);
  });
});

describe('a redemption over several lots: one item, its lots inside', () => {
  const lot = (points: number, earnedAt: string, expiresAt: string | null) => ({
    entryId: `e-${points}`,
    lotId: `l-${points}`,
    points,
    earnedAt,
    expiresAt,
  });
  const redemption = {
    ...entry('redeem', {
      why: 'redemption',
      rewardId: 'r-1',
      rule: 'soonest-expiring lots first',
    }),
    points: 100,
    lots: [
      lot(26, '2026-01-03T02:00:00Z', '2027-01-03T02:00:00Z'),
      lot(73, '2026-02-10T02:00:00Z', '2027-02-10T02:00:00Z'),
      lot(1, '2026-03-01T02:00:00Z', null),
    ],
  };
  const c = (locale: 'zh-CN' | 'en') => ({
    t: i18n.getFixedT(locale),
    locale,
    timeZone: 'Asia/Shanghai',
  });

  it('says how many lots it spent, soonest-expiring first', () => {
    expect(explainEntry(redemption, c('zh-CN'))).toEqual(['优先使用最早到期的积分，共用 3 个批次']);
    expect(explainEntry(redemption, c('en'))).toEqual([
      'Soonest-expiring points spent first, from 3 lots',
    ]);
    // One lot: as before.
    expect(explainEntry({ ...redemption, lots: redemption.lots.slice(0, 1) }, c('en'))).toEqual([
      'Soonest-expiring points spent first',
    ]);
  });

  it('lists each lot with its points, when it was earned and when it would have expired', () => {
    expect(spentLotLines(redemption, c('zh-CN'))).toEqual([
      '26 分：2026年1月3日获得，原定 2027年1月3日到期',
      '73 分：2026年2月10日获得，原定 2027年2月10日到期',
      '1 分：2026年3月1日获得，不会过期',
    ]);
    expect(spentLotLines(redemption, c('en'))).toEqual([
      '26 points, earned Jan 3, 2026, would have expired Jan 3, 2027',
      '73 points, earned Feb 10, 2026, would have expired Feb 10, 2027',
      '1 point, earned Mar 1, 2026, without expiry',
    ]);
    expect(spentLotLines({ lots: [] }, c('en'))).toEqual([]);
  });
});

describe('an expiry or a merge of several lots: one item, its lots inside', () => {
  const lot = (points: number, lotId: string | null, expiresAt: string | null) => ({
    entryId: `e-${points}`,
    lotId,
    points,
    earnedAt: lotId ? '2025-12-31T16:00:00Z' : null,
    expiresAt,
  });
  const expiry = {
    ...entry('expire', {
      why: 'expiry_date',
      lotId: 'l-20',
      expiresAt: '2026-12-31T16:00:00Z',
      reason: 'lot reached its expiry date',
    }),
    points: 55,
    lots: [lot(20, 'l-20', '2026-12-31T16:00:00Z'), lot(35, 'l-35', '2026-12-31T16:00:00Z')],
  };
  const merge = {
    ...entry('merge', { why: 'merge', fromCustomerId: 'c-2', reason: 'merged from c-2' }),
    points: 42,
    lots: [lot(12, 'l-12', '2026-12-31T16:00:00Z'), lot(34, 'l-34', null), lot(4, null, null)],
  };
  const c = (locale: 'zh-CN' | 'en') => ({
    t: i18n.getFixedT(locale),
    locale,
    timeZone: 'Asia/Shanghai',
    forStaff: false,
  });

  it('says how many lots expired, and lists each with its date', () => {
    expect(explainEntry(expiry, c('zh-CN'))).toEqual(['2 个批次到期']);
    expect(explainEntry(expiry, c('en'))).toEqual(['2 lots reached their expiry date']);
    expect(lotsTitle(expiry, c('zh-CN'))).toBe('过期的 2 个批次');
    expect(lotsTitle(expiry, c('en'))).toBe('The 2 lots that expired');
    expect(spentLotLines(expiry, c('zh-CN'))).toEqual([
      '20 分：2026年1月1日获得，2027年1月1日到期',
      '35 分：2026年1月1日获得，2027年1月1日到期',
    ]);
    expect(spentLotLines(expiry, c('en'))).toEqual([
      '20 points, earned Jan 1, 2026, expiring Jan 1, 2027',
      '35 points, earned Jan 1, 2026, expiring Jan 1, 2027',
    ]);
    // One lot: its date, as before.
    expect(explainEntry({ ...expiry, lots: expiry.lots.slice(0, 1) }, c('en'))).toEqual([
      'Expired on Jan 1, 2027',
    ]);
  });

  it('names a merge’s lots as merged, a debt as in no lot', () => {
    expect(explainEntry(merge, c('zh-CN'))).toEqual(['由客户 c-2 合并转入']);
    expect(lotsTitle(merge, c('zh-CN'))).toBe('合并的 3 个批次');
    expect(lotsTitle(merge, c('en'))).toBe('The 3 lots merged');
    expect(spentLotLines(merge, c('zh-CN'))).toEqual([
      '12 分：2026年1月1日获得，2027年1月1日到期',
      '34 分：2026年1月1日获得，不会过期',
      '4 分欠分，不属于任何批次',
    ]);
    expect(spentLotLines(merge, c('en'))).toEqual([
      '12 points, earned Jan 1, 2026, expires Jan 1, 2027',
      '34 points, earned Jan 1, 2026, without expiry',
      '4 points owed, in no lot',
    ]);
  });

  it('keeps a redemption’s wording', () => {
    expect(lotsTitle({ kind: 'redeem', lots: expiry.lots }, c('en'))).toBe('The 2 lots it spent');
  });
});

describe('lotsToShow: no row for a purchase that earned no points', () => {
  it.each([
    { points: [], shown: [], zeroPoint: 0 },
    { points: [10, 0, 5], shown: [10, 5], zeroPoint: 1 },
    { points: [0, 0], shown: [], zeroPoint: 2 },
  ])('$points', ({ points, shown, zeroPoint }) => {
    const result = lotsToShow(points.map((p) => ({ points: p })));
    expect(result.shown.map((lot) => lot.points)).toEqual(shown);
    expect(result.zeroPoint).toBe(zeroPoint);
  });
});
