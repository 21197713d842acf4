import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { loyaltyApi, runJobNow, tierLevel } from '../../test/loyalty-api.ts';
import type { Kysely } from 'kysely';
import {
  applyEventsToPrograms,
  loadActivePrograms,
  mergeLoyaltyMembers,
  type LoyaltyTables,
} from '../modules/loyalty/index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const DAY = 86_400_000;

describe('customer merge moves loyalty', () => {
  it('the survivor holds both memberships, the ledger stays exact, refunds still reverse', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    const cny = await api.createProgram({
      pendingDays: 30,
      expiry: { kind: 'rolling', months: 12 },
      cashback: { rateBasisPoints: 250 },
      referral: { referrerPoints: 20, refereePoints: 10, minSpend: 0 },
      tiers: {
        metric: 'spend',
        window: { kind: 'rolling', months: 12 },
        graceDays: 0,
        downgrade: 'oneLevel',
        levels: [tierLevel('member', 0), tierLevel('silver', 10_000), tierLevel('gold', 60_000)],
      },
    });
    const usd = await api.createProgram({ currency: 'USD', refundPolicy: 'negative' });
    const now = Date.now();
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const buy = (id: string, customer: string, amount: number, daysAgo: number, currency = 'CNY') =>
      api.event({
        id,
        type: 'purchase',
        customerExternalId: customer,
        occurredAt: at(daysAgo),
        currency,
        amount,
      });
    const refund = (refundOf: string, amount: number) =>
      api.event({ id: `${refundOf}-refund`, type: 'refund', refundOf, occurredAt: at(0), amount });
    const redeem = (programId: string, customerId: string, points: number, key: string) =>
      api.call('POST', `/v1/loyalty/programs/${programId}/redemptions`, {
        customerId,
        points,
        idempotencyKey: key,
      });

    const survivor = await buy('m-s1', 'm-survivor', 20_000, 40);
    const duplicate = await buy('m-d1', 'm-duplicate', 40_000, 40);
    await buy('m-d2', 'm-duplicate', 10_000, 1); // still pending
    await redeem(cny, duplicate, 50, 'm-d-redeem');
    const { code } = await api.call<{ code: string }>(
      'POST',
      `/v1/loyalty/programs/${cny}/members/${duplicate}/referral-code`,
    );
    // In USD the duplicate owes points: bought, spent, refunded (policy negative).
    await buy('m-s3', 'm-survivor', 30_000, 5, 'USD');
    await buy('m-d3', 'm-duplicate', 10_000, 5, 'USD');
    await redeem(usd, duplicate, 100, 'm-d-redeem-usd');
    await refund('m-d3', 10_000);
    expect(await api.member(usd, duplicate)).toMatchObject({ available: -100, debt: 100 });
    expect(await api.member(cny, survivor)).toMatchObject({ available: 200, wallet: 500 });
    expect(await api.member(cny, duplicate)).toMatchObject({
      available: 350,
      pending: 100,
      wallet: 1_250,
      tier: { code: 'silver' },
    });

    const merge = () =>
      api.call<{ id: string }>('POST', `/v1/customers/${survivor}/merge`, {
        duplicateId: duplicate,
      });
    expect((await merge()).id).toBe(survivor);

    const merged = await api.member(cny, survivor);
    expect(merged).toMatchObject({
      available: 550,
      pending: 100,
      debt: 0,
      wallet: 1_750,
      lifetimeEarned: 700,
      lifetimeRedeemed: 50,
      tier: { code: 'gold' },
    });
    expect(await api.member(usd, survivor)).toMatchObject({ available: 200, debt: 100 });
    expect(await api.member(cny, duplicate)).toMatchObject({ available: 0, pending: 0, wallet: 0 });
    // The merged id's loyalty answers with the survivor's membership.
    expect((await api.members(duplicate)).map((m) => [m.customerId, m.available])).toEqual(
      (await api.members(survivor)).map((m) => [m.customerId, m.available]),
    );
    const mergeEntries = () =>
      t.database.db
        .selectFrom('loyalty_entries')
        .select(['debit_account', 'credit_account', 'points'])
        .where('program_id', '=', cny)
        .where('customer_id', '=', survivor)
        .where('kind', '=', 'merge')
        .execute();
    const moves = await mergeEntries();
    expect(moves.map((e) => [e.debit_account, e.credit_account, Number(e.points)]).sort()).toEqual([
      ['member_merge', 'member_available', 350],
      ['member_merge', 'member_pending', 100],
    ]);
    // The history reads them as one item, the lots inside.
    const merges = (await api.entries(cny, survivor)).filter((entry) => entry.kind === 'merge');
    expect(merges.map((entry) => entry.points)).toEqual([450]);
    expect(merges[0]?.explanation).toMatchObject({
      why: 'merge',
      reason: `merged from ${duplicate}`,
      fromCustomerId: duplicate,
    });
    // The tier histories: the duplicate's silver ends in the merge; the combined spend lifts
    // the survivor to gold.
    const tierChanges = async (customerId: string) =>
      (
        await api.call<{ tierChanges: unknown[] }>(
          'GET',
          `/v1/loyalty/programs/${cny}/members/${customerId}/lots`,
        )
      ).tierChanges;
    expect((await tierChanges(duplicate))[0]).toMatchObject({
      kind: 'merge',
      from: 'silver',
      to: null,
      why: { why: 'mergedInto', customerId: survivor },
    });
    expect((await tierChanges(survivor))[0]).toMatchObject({
      kind: 'upgrade',
      from: 'silver',
      to: 'gold',
      why: { why: 'reached', metric: 'spend', value: 70_000, threshold: 60_000 },
    });
    for (const programId of [cny, usd])
      expect(await api.ledgerCheck(programId)).toMatchObject({
        mismatches: [],
        accountsSum: 0,
        orphans: { lots: 0, entries: 0, redemptions: 0 },
      });
    // The rebuild the check ran kept the survivor's lifetime figures; one member is left.
    expect(await api.member(cny, survivor)).toMatchObject({ lifetimeEarned: 700 });
    expect(await api.call('GET', `/v1/loyalty/programs/${cny}/liability`)).toMatchObject({
      members: 1,
      outstandingPoints: 650,
    });

    // Retried: the same answer, nothing moved twice.
    expect((await merge()).id).toBe(survivor);
    expect(
      await mergeLoyaltyMembers(t.database.db, tenant.tenantId, survivor, [duplicate]),
    ).toEqual([]);
    expect(await mergeEntries()).toHaveLength(2);

    // The duplicate's purchase refunded after the merge: reversed from the survivor, whose
    // combined spend no longer holds gold.
    await refund('m-d1', 40_000);
    expect(await api.member(cny, survivor)).toMatchObject({
      available: 150,
      wallet: 750,
      lifetimeEarned: 300,
      tier: { code: 'silver' },
    });
    // Its pending points become available on time, for the survivor.
    await runJobNow(t, tenant.tenantId, 'loyalty.release-pending', { asOf: at(-31) });
    expect(await api.member(cny, survivor)).toMatchObject({ available: 250, pending: 0 });
    // Its referral code refers for the survivor.
    const newcomer = await api.createCustomer({ name: 'N', externalId: 'm-new' });
    expect(
      await api.call('POST', `/v1/loyalty/programs/${cny}/referrals`, {
        code,
        customerId: newcomer,
      }),
    ).toMatchObject({ referrerId: survivor, code });
    for (const programId of [cny, usd])
      expect(await api.ledgerCheck(programId)).toMatchObject({
        mismatches: [],
        accountsSum: 0,
        orphans: { lots: 0, entries: 0, redemptions: 0 },
      });

    // Merged again into a third customer: everything follows, one level deep.
    const third = await buy('m-t1', 'm-third', 1_000, 40);
    await api.call('POST', `/v1/customers/${third}/merge`, { duplicateId: survivor });
    expect(await api.member(cny, third)).toMatchObject({
      available: 260,
      lifetimeEarned: 310,
      tier: { code: 'silver' },
    });
    expect(await api.member(usd, third)).toMatchObject({ available: 200, debt: 100 });
    const tombstones = await t.database.db
      .selectFrom('loyalty_members')
      .select(['customer_id', 'merged_into'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('program_id', '=', cny)
      .where('merged_into', 'is not', null)
      .orderBy('customer_id')
      .execute();
    expect(tombstones.map((row) => row.merged_into)).toEqual([third, third]);
    for (const programId of [cny, usd])
      expect(await api.ledgerCheck(programId)).toMatchObject({
        mismatches: [],
        accountsSum: 0,
        orphans: { lots: 0, entries: 0, redemptions: 0 },
      });
    expect(await api.member(cny, third)).toMatchObject({ available: 260, lifetimeEarned: 310 });

    // An event for a merged customer that raced its merge earns on the old membership; the
    // next sweep moves it on.
    const db = t.database.db as unknown as Kysely<LoyaltyTables>;
    const programs = await loadActivePrograms(db, tenant.tenantId);
    await db.transaction().execute((trx) =>
      applyEventsToPrograms(trx, programs, [
        {
          id: 'm-race',
          type: 'purchase',
          customerId: survivor,
          occurredAt: new Date(now - 40 * DAY),
          currency: 'CNY',
          amount: 2_000,
          lines: [],
          refundOf: null,
          refundedLines: null,
        },
      ]),
    );
    expect(await api.member(cny, survivor)).toMatchObject({ available: 20, wallet: 50 });
    await runJobNow(t, tenant.tenantId, 'loyalty.sweep', { asOf: at(0) });
    expect(await api.member(cny, survivor)).toMatchObject({ available: 0, wallet: 0 });
    expect(await api.member(cny, third)).toMatchObject({
      available: 280,
      wallet: 25 + 750 + 50,
      lifetimeEarned: 330,
    });
    expect(await api.ledgerCheck(cny)).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });

    // A redemption naming a merged id spends the survivor's points; its retry replays it.
    const viaOldId = await redeem(cny, duplicate, 10, 'm-old-id');
    expect(viaOldId).toMatchObject({ customerId: third, points: 10 });
    expect(await redeem(cny, duplicate, 10, 'm-old-id')).toEqual(viaOldId);
    expect(await api.member(cny, third)).toMatchObject({ available: 270 });
    expect(await api.ledgerCheck(cny)).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });
  });
  it('actions, enrolment and partner points naming a merged customer go to the survivor', async () => {
    const tenant = await newTenant(t);
    const api = loyaltyApi(t, tenant);
    const programId = await api.createProgram({
      earnRules: [
        { kind: 'spend', points: 1, per: 100 },
        { kind: 'action', action: 'review', points: 20 },
      ],
    });
    const buy = (id: string, customer: string) =>
      api.event({
        id,
        type: 'purchase',
        customerExternalId: customer,
        occurredAt: new Date().toISOString(),
        currency: 'CNY',
        amount: 1_000,
      });
    const survivor = await buy('a-s1', 'a-survivor');
    const duplicate = await buy('a-d1', 'a-duplicate');
    await api.call('POST', `/v1/customers/${survivor}/merge`, { duplicateId: duplicate });

    const award = () =>
      api.call<{ points: number; replayed: boolean }>(
        'POST',
        `/v1/loyalty/programs/${programId}/actions`,
        { customerId: duplicate, action: 'review', idempotencyKey: 'a-review' },
      );
    expect(await award()).toMatchObject({ points: 20, replayed: false });
    expect(await award()).toMatchObject({ points: 20, replayed: true });
    const enrolled = await api.call<{ customerId: string }>(
      'POST',
      `/v1/loyalty/programs/${programId}/members`,
      { customerId: duplicate },
    );
    expect(enrolled.customerId).toBe(survivor);
    const { apiKey } = await api.call<{ apiKey: string }>(
      'POST',
      `/v1/loyalty/programs/${programId}/partners`,
      { name: 'Airline' },
    );
    const partner = await t.app.inject({
      method: 'POST',
      url: `/v1/loyalty/programs/${programId}/partner-transactions`,
      headers: { authorization: `Bearer ${apiKey}` },
      payload: { customerId: duplicate, type: 'earn', points: 500, reference: 'flight-1' },
    });
    expect(partner.statusCode, partner.body).toBe(201);

    // 10 + 10 bought, 20 for the review, 500 from the partner: all the survivor's.
    expect(await api.member(programId, survivor)).toMatchObject({ available: 540 });
    const tombstone = await t.database.db
      .selectFrom('loyalty_members')
      .select(['available', 'merged_into'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('customer_id', '=', duplicate)
      .executeTakeFirstOrThrow();
    expect(tombstone).toMatchObject({ available: 0, merged_into: survivor });
    expect(await api.ledgerCheck(programId)).toMatchObject({
      mismatches: [],
      accountsSum: 0,
      orphans: { lots: 0, entries: 0, redemptions: 0 },
    });
  });
});
