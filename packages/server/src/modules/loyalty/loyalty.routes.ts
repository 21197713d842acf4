import { z } from 'zod';
import {
  actionAward,
  balanceAt,
  customerLoyalty,
  dryRunRequest,
  earnExplanation,
  id,
  instant,
  ledgerCheck,
  liability,
  loyaltyHistoryEntry,
  noQuery,
  pointsAdjusted,
  pointsAdjustment,
  loyaltyMemberList,
  loyaltyMemberExportQuery,
  loyaltyMemberListQuery,
  tierChange,
  loyaltyJobRun,
  loyaltyLot,
  loyaltyProgram,
  loyaltyProgramCreate,
  loyaltyProgramUpdate,
  loyaltyRulesUpdate,
  memberLink,
  memberLoyalty,
  page,
  pageQuery,
  programStats,
  publicMemberHistoryQuery,
  publicMemberPage,
  publicMemberPageQuery,
  publicRedemption,
  publicRedemptionCreate,
  redemption,
  coupon,
  couponUpload,
  couponsAdded,
  couponList,
  couponListQuery,
  partner,
  partnerCreate,
  partnerCreated,
  partnerSettlement,
  partnerTransaction,
  walletEntry,
  walletSpend,
  redemptionCreate,
  referral,
  referralCode,
  referralCreate,
  reward,
  rewardListed,
  rewardListQuery,
  rewardCreate,
  rewardUpdate,
  storedInstant,
  ruleVersion,
} from '@fidelis/contracts';
import type { FidelisApp } from '../../http/fastify.ts';
import { contextOf } from '../../http/fastify.ts';
import { refuseBody } from '../../http/no-body.ts';
import { answerOncePerKey, enqueueJob, idempotencyKeyHeader } from '../platform/index.ts';
import * as programs from './programs.service.ts';
import type { LoyaltyServiceDb } from './programs.service.ts';
import * as service from './loyalty.service.ts';
import type { HasPurchased, ResolveCustomer, ShareContact } from './loyalty.service.ts';
import { registerNotificationRoutes } from './notifications.routes.ts';
import { normalCouponCode } from './coupon-codes.ts';
import {
  exportMembersCsv,
  listMembers,
  type DescribeCustomers,
  type SearchCustomers,
} from './member-list.service.ts';

export interface LoyaltyRouteDeps {
  db: LoyaltyServiceDb;
  /** Whether a customer id belongs to the tenant (the customers module answers). */
  resolveCustomer: ResolveCustomer;
  /** The customers a search finds, for the member list's `q` (the customers module answers). */
  searchCustomers: SearchCustomers;
  /** The names of a page of members (the customers module answers). */
  describeCustomers: DescribeCustomers;
  /** Whether two customers share an email or phone: one person twice (the customers module). */
  shareContact: ShareContact;
  /** Whether a customer (or one merged into it) ever bought: the activity module answers. */
  hasPurchased: HasPurchased;
  /** Where members reach the server (PUBLIC_URL); unset: the address each request came to. */
  publicUrl?: string | undefined;
}

const programParams = z.strictObject({ programId: id });
const memberParams = z.strictObject({ programId: id, customerId: id });
const tags = ['loyalty'];

export function registerLoyaltyRoutes(app: FidelisApp, deps: LoyaltyRouteDeps): void {
  const { db, resolveCustomer } = deps;
  const customers = { search: deps.searchCustomers, describe: deps.describeCustomers };
  const publicBase = deps.publicUrl?.replace(/\/+$/, '');

  app.post('/v1/loyalty/programs', {
    schema: {
      tags,
      summary: 'Create a loyalty program (earning rules, pending period, expiry, tiers)',
      description:
        'With an `Idempotency-Key` header a retry answers the first result (header `idempotent-replayed`); the same key with another body is a 409 IDEMPOTENCY_CONFLICT.',
      querystring: noQuery,
      headers: idempotencyKeyHeader,
      body: loyaltyProgramCreate,
      response: { 201: loyaltyProgram },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request, reply) => {
      const context = contextOf(request);
      return answerOncePerKey(db, request, reply, { scope: 'loyalty.programs.create' }, (trx) =>
        programs.createProgram(trx, context, request.body),
      );
    },
  });

  app.get('/v1/loyalty/programs', {
    schema: {
      tags,
      summary: 'List the tenant’s loyalty programs',
      querystring: noQuery,
      response: { 200: z.object({ items: z.array(loyaltyProgram) }) },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) => ({
      items: await programs.listProgramViews(db, contextOf(request)),
    }),
  });

  app.get('/v1/loyalty/programs/:programId', {
    schema: {
      tags,
      summary: 'A loyalty program with its current earning rules',
      params: programParams,
      querystring: noQuery,
      response: { 200: loyaltyProgram },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      programs.getProgram(db, contextOf(request), request.params.programId),
  });

  app.patch('/v1/loyalty/programs/:programId', {
    schema: {
      tags,
      summary: 'Change a program’s settings (status, pending days, expiry, tiers …)',
      params: programParams,
      querystring: noQuery,
      body: loyaltyProgramUpdate,
      response: { 200: loyaltyProgram },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request) =>
      programs.updateProgramSettings(
        db,
        contextOf(request),
        request.params.programId,
        request.body,
      ),
  });

  app.put('/v1/loyalty/programs/:programId/rules', {
    schema: {
      tags,
      summary: 'Publish a new version of the earning rules',
      params: programParams,
      querystring: noQuery,
      body: loyaltyRulesUpdate,
      response: { 200: loyaltyProgram },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request) =>
      programs.replaceRules(
        db,
        contextOf(request),
        request.params.programId,
        request.body.earnRules,
      ),
  });

  app.get('/v1/loyalty/programs/:programId/rules/versions', {
    schema: {
      tags,
      summary: 'Every published version of the earning rules, newest first',
      params: programParams,
      querystring: noQuery,
      response: { 200: z.object({ items: z.array(ruleVersion) }) },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) => ({
      items: await programs.listRuleVersionViews(db, contextOf(request), request.params.programId),
    }),
  });

  app.post('/v1/loyalty/programs/:programId/dry-run', {
    schema: {
      tags,
      summary: 'What would this purchase or action earn, and why (no writes)',
      params: programParams,
      querystring: noQuery,
      body: dryRunRequest,
      response: { 200: earnExplanation },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      programs.dryRun(db, contextOf(request), request.params.programId, request.body),
  });

  app.post('/v1/loyalty/programs/:programId/members', {
    schema: {
      tags,
      summary: 'Enrol a customer explicitly',
      params: programParams,
      querystring: noQuery,
      body: z.strictObject({ customerId: id }),
      response: { 201: memberLoyalty },
    },
    config: { permission: 'loyalty:operate' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.enrolMember(
            db,
            contextOf(request),
            request.params.programId,
            request.body.customerId,
            resolveCustomer,
          ),
        ),
  });

  app.get('/v1/loyalty/programs/:programId/members', {
    schema: {
      tags,
      summary: 'List a program’s members: search, filter by tier, sort by points or activity',
      description:
        'Members not merged away, `sort` first (default `-available`: most points first), ' +
        'ties by customer id. `q` searches like the customer list (name, pinyin, initials, ' +
        'phone, email, external id; the members among the first 1,000 customers it finds); ' +
        '`tier` is a tier code or `none`, and a code the program’s tiers do not have is a 400. ' +
        'Keyset pagination: pass `nextCursor` as `cursor` with the same `sort` (a cursor of ' +
        'another sort is a 400). Every sort reads all of the program’s members: no index on ' +
        'balances, so that a member’s updates stay HOT.',
      params: programParams,
      querystring: loyaltyMemberListQuery,
      response: { 200: loyaltyMemberList },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      listMembers(db, contextOf(request), request.params.programId, request.query, customers),
  });

  app.get('/v1/loyalty/programs/:programId/members/export.csv', {
    schema: {
      tags,
      summary: 'Export a program’s members as CSV (the list’s filters and order; UTF-8, BOM)',
      params: programParams,
      querystring: loyaltyMemberExportQuery,
      produces: ['text/csv'],
    },
    config: { permission: 'loyalty:read' },
    handler: async (request, reply) => {
      const csv = await exportMembersCsv(
        db,
        contextOf(request),
        request.params.programId,
        request.query,
        customers,
      );
      void reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="members.csv"');
      return reply.send(csv);
    },
  });

  app.get('/v1/loyalty/programs/:programId/members/:customerId', {
    schema: {
      tags,
      summary: 'A member’s balance, tier and progress in a program',
      params: memberParams,
      querystring: noQuery,
      response: { 200: memberLoyalty },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.getMember(
        db,
        contextOf(request),
        request.params.programId,
        request.params.customerId,
      ),
  });

  app.get('/v1/loyalty/programs/:programId/members/:customerId/entries', {
    schema: {
      tags,
      summary:
        'A member’s points history, newest first, each with its explanation: a ledger entry, or a redemption’s entries (one per lot) as one item',
      params: memberParams,
      querystring: pageQuery,
      response: { 200: page(loyaltyHistoryEntry) },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.listMemberEntries(
        db,
        contextOf(request),
        request.params.programId,
        request.params.customerId,
        request.query,
      ),
  });

  app.get('/v1/loyalty/programs/:programId/members/:customerId/lots', {
    schema: {
      tags,
      summary: 'A member’s point lots with expiry, expiry warnings and tier history',
      params: memberParams,
      querystring: z.strictObject({ open: z.enum(['true', 'false']).default('false') }),
      response: {
        200: z.object({
          items: z.array(loyaltyLot),
          warnings: z.array(
            z.object({
              lotId: id,
              points: z.number().int(),
              expiresAt: storedInstant,
              warnedAt: storedInstant,
            }),
          ),
          tierChanges: z.array(tierChange).describe('The newest 100, newest first'),
        }),
      },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.listMemberLots(
        db,
        contextOf(request),
        request.params.programId,
        request.params.customerId,
        request.query.open === 'true',
      ),
  });

  app.get('/v1/loyalty/programs/:programId/members/:customerId/balance', {
    schema: {
      tags,
      summary: 'A member’s balance at any instant, from the ledger',
      params: memberParams,
      querystring: z.strictObject({ at: instant.optional() }),
      response: { 200: balanceAt },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.balanceAt(
        db,
        contextOf(request),
        request.params.programId,
        request.params.customerId,
        request.query.at ? new Date(request.query.at) : new Date(),
      ),
  });

  app.post('/v1/loyalty/programs/:programId/members/:customerId/link', {
    schema: {
      tags,
      summary: 'A signed link to the member’s public page',
      params: memberParams,
      querystring: noQuery,
      body: z.strictObject({ days: z.number().int().min(1).max(365).default(30) }),
      response: { 201: memberLink },
    },
    config: { permission: 'loyalty:operate' },
    handler: async (request, reply) => {
      const link = await service.createMemberLink(
        db,
        contextOf(request),
        request.params.programId,
        request.params.customerId,
        request.body.days,
      );
      const base = publicBase ?? `${request.protocol}://${request.host}`;
      return reply.status(201).send({ ...link, url: `${base}${link.path}` });
    },
  });

  // One redeemer for the staff and the member routes: they share its group commit.
  const redeem = service.createRedeemer(db);
  const publicRoute = { public: true, rateLimit: { max: 60, timeWindow: '1 minute' } };

  app.get('/v1/public/loyalty/member', {
    schema: {
      tags,
      summary: 'The public member page behind a signed link (no login)',
      querystring: publicMemberPageQuery,
      response: { 200: publicMemberPage },
    },
    config: publicRoute,
    handler: async (request) =>
      service.publicMemberPage(db, request.query.token, request.query.historyLimit),
  });

  app.get('/v1/public/loyalty/member/history', {
    schema: {
      tags,
      summary: 'The member’s older history behind a signed link, newest first (no login)',
      querystring: publicMemberHistoryQuery,
      response: { 200: page(loyaltyHistoryEntry) },
    },
    config: publicRoute,
    handler: async (request) => service.publicMemberHistory(db, request.query),
  });

  app.post('/v1/public/loyalty/member/redemptions', {
    schema: {
      tags,
      summary: 'The member behind a signed link redeems a reward (no login; idempotent by key)',
      querystring: noQuery,
      body: publicRedemptionCreate,
      response: { 201: publicRedemption },
    },
    config: publicRoute,
    handler: async (request, reply) => {
      const outcome = await service.redeemFromMemberPage(db, redeem, request.body, request.id);
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(outcome.result);
    },
  });

  app.post('/v1/loyalty/programs/:programId/actions', {
    schema: {
      tags,
      summary: 'Award an action’s points (signup, review, birthday …), once per key',
      params: programParams,
      querystring: noQuery,
      body: actionAward,
      response: {
        201: z.object({
          points: z.number().int(),
          explanation: z.record(z.string(), z.unknown()),
          replayed: z.boolean(),
        }),
      },
    },
    config: { permission: 'loyalty:operate' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.awardActionPoints(
            db,
            contextOf(request),
            request.params.programId,
            request.body,
            resolveCustomer,
          ),
        ),
  });

  app.post('/v1/loyalty/programs/:programId/members/:customerId/adjustments', {
    schema: {
      tags,
      summary: 'Credit points by hand: service recovery, goodwill, correction (once per key)',
      description:
        'Owners and managers only. The points are available at once and expire as the program’s points do; they count as earned but are not the member’s activity (no tier qualification). Audited with the reason and note; the same key with the same body replays the first result, with another body (points, reason, note) it is a 409 IDEMPOTENCY_CONFLICT.',
      params: memberParams,
      querystring: noQuery,
      body: pointsAdjustment,
      response: { 201: pointsAdjusted },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request, reply) => {
      const outcome = await service.adjustMemberPoints(
        db,
        contextOf(request),
        request.params.programId,
        request.params.customerId,
        request.body,
        resolveCustomer,
      );
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(outcome);
    },
  });

  app.post('/v1/loyalty/programs/:programId/redemptions', {
    schema: {
      tags,
      summary: 'Redeem points (idempotent by idempotencyKey; soonest-expiring points first)',
      params: programParams,
      querystring: noQuery,
      body: redemptionCreate,
      response: { 201: redemption },
    },
    config: { permission: 'loyalty:operate' },
    handler: async (request, reply) => {
      const outcome = await redeem(contextOf(request), request.params.programId, request.body);
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(outcome.result);
    },
  });

  app.post('/v1/loyalty/programs/:programId/members/:customerId/referral-code', {
    schema: {
      tags,
      summary: 'The member’s referral code (created on first request)',
      params: memberParams,
      querystring: noQuery,
      response: { 201: referralCode },
    },
    config: { permission: 'loyalty:operate' },
    preValidation: refuseBody,
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.referralCodeFor(
            db,
            contextOf(request),
            request.params.programId,
            request.params.customerId,
            resolveCustomer,
          ),
        ),
  });

  app.post('/v1/loyalty/programs/:programId/referrals', {
    schema: {
      tags,
      summary: 'Record that a new customer was referred (both rewarded after their first purchase)',
      params: programParams,
      querystring: noQuery,
      body: referralCreate,
      response: { 201: referral },
    },
    config: { permission: 'loyalty:operate' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.createReferral(
            db,
            contextOf(request),
            request.params.programId,
            request.body,
            resolveCustomer,
            deps.shareContact,
            deps.hasPurchased,
          ),
        ),
  });

  app.get('/v1/loyalty/programs/:programId/rewards', {
    schema: {
      tags,
      summary: 'The rewards catalog',
      description:
        'With `customerId`, each reward also says how many more times that member may redeem it (`leftForMember`), so a counter can show a reward they reached the limit of as unavailable.',
      params: programParams,
      querystring: rewardListQuery,
      response: { 200: z.object({ items: z.array(rewardListed) }) },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.listRewards(db, contextOf(request), request.params.programId, request.query),
  });

  app.post('/v1/loyalty/programs/:programId/rewards', {
    schema: {
      tags,
      summary: 'Add a reward (points cost, stock, per-member limit, tiers, validity)',
      description:
        'With an `Idempotency-Key` header a retry answers the first result (header `idempotent-replayed`); the same key with another body is a 409 IDEMPOTENCY_CONFLICT. A key is the program’s: the same key on another program is another request.',
      params: programParams,
      querystring: noQuery,
      headers: idempotencyKeyHeader,
      body: rewardCreate,
      response: { 201: reward },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request, reply) => {
      const context = contextOf(request);
      const { programId } = request.params;
      return answerOncePerKey(
        db,
        request,
        reply,
        { scope: `loyalty.rewards.create:${programId}` },
        (trx) => service.createReward(trx, context, programId, request.body),
      );
    },
  });

  app.patch('/v1/loyalty/programs/:programId/rewards/:rewardId', {
    schema: {
      tags,
      summary: 'Change a reward (cost, stock, limits, tiers, validity) or switch it off',
      params: z.strictObject({ programId: id, rewardId: id }),
      querystring: noQuery,
      body: rewardUpdate,
      response: { 200: reward },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request) =>
      service.updateReward(
        db,
        contextOf(request),
        request.params.programId,
        request.params.rewardId,
        request.body,
      ),
  });

  app.post('/v1/loyalty/programs/:programId/rewards/:rewardId/coupons', {
    schema: {
      tags,
      summary: 'Add single-use codes to a reward’s coupon pool: given, or generated by the server',
      params: z.strictObject({ programId: id, rewardId: id }),
      querystring: noQuery,
      body: couponUpload,
      response: { 201: couponsAdded },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request, reply) => {
      const outcome = await service.addCoupons(
        db,
        contextOf(request),
        request.params.programId,
        request.params.rewardId,
        request.body,
      );
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(outcome.result);
    },
  });

  app.get('/v1/loyalty/programs/:programId/rewards/:rewardId/coupons', {
    schema: {
      tags,
      summary: 'A reward’s coupon pool: codes by status and prefix, and counts',
      params: z.strictObject({ programId: id, rewardId: id }),
      querystring: couponListQuery,
      response: { 200: couponList },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.listCoupons(
        db,
        contextOf(request),
        request.params.programId,
        request.params.rewardId,
        request.query,
      ),
  });

  app.post('/v1/loyalty/programs/:programId/coupons/:code/use', {
    schema: {
      tags,
      summary: 'Use an issued coupon (once; not after it expires)',
      description:
        'A second use is a 409 CONFLICT (`already_used`). With an `Idempotency-Key` header the till’s retry after a lost answer gets the first 200 again (header `idempotent-replayed`) instead.',
      params: z.strictObject({ programId: id, code: z.string().min(4).max(64) }),
      querystring: noQuery,
      headers: idempotencyKeyHeader,
      response: { 200: coupon },
    },
    config: { permission: 'loyalty:operate' },
    preValidation: refuseBody,
    handler: async (request, reply) => {
      const context = contextOf(request);
      const { programId, code } = request.params;
      return answerOncePerKey(
        db,
        request,
        reply,
        // One scope for a code however it was typed: a retry in another case replays.
        { scope: `loyalty.coupons.use:${programId}:${normalCouponCode(code)}`, status: 200 },
        (trx) => service.redeemCoupon(trx, context, programId, code),
      );
    },
  });

  app.post('/v1/loyalty/programs/:programId/partners', {
    schema: {
      tags,
      summary: 'Add a partner organisation (returns its API key once)',
      params: programParams,
      querystring: noQuery,
      body: partnerCreate,
      response: { 201: partnerCreated },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.createPartner(
            db,
            contextOf(request),
            request.params.programId,
            request.body,
          ),
        ),
  });

  app.get('/v1/loyalty/programs/:programId/partners', {
    schema: {
      tags,
      summary: 'The program’s partner organisations',
      params: programParams,
      querystring: noQuery,
      response: { 200: z.object({ items: z.array(partner) }) },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.listPartners(db, contextOf(request), request.params.programId),
  });

  app.post('/v1/loyalty/programs/:programId/partner-transactions', {
    schema: {
      tags,
      summary: 'A partner earns or burns points (partner API keys only; once per reference)',
      params: programParams,
      querystring: noQuery,
      body: partnerTransaction,
      response: {
        201: z.object({
          type: z.enum(['earn', 'burn']),
          points: z.number().int(),
          replayed: z.boolean(),
        }),
      },
    },
    config: { permission: 'loyalty:operate', partner: 'only' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.recordPartnerTransaction(
            db,
            contextOf(request),
            request.params.programId,
            request.body,
            resolveCustomer,
          ),
        ),
  });

  app.get('/v1/loyalty/programs/:programId/partners/:partnerId/settlement', {
    schema: {
      tags,
      summary: 'Settlement report: points a partner issued and points burned at it',
      params: z.strictObject({ programId: id, partnerId: id }),
      querystring: z.strictObject({ from: instant.optional(), to: instant.optional() }),
      response: { 200: partnerSettlement },
    },
    config: { permission: 'loyalty:read', partner: 'also' },
    handler: async (request) =>
      service.partnerSettlement(
        db,
        contextOf(request),
        request.params.programId,
        request.params.partnerId,
        request.query,
      ),
  });

  app.get('/v1/loyalty/programs/:programId/members/:customerId/wallet', {
    schema: {
      tags,
      summary: 'The member’s cashback wallet: balance and entries, newest first, paged',
      params: memberParams,
      querystring: pageQuery,
      response: {
        200: z.object({
          currency: z.string(),
          balance: z.number().int(),
          ledgerBalance: z.number().int().describe('Σ of the wallet entries: equals balance'),
          items: z.array(walletEntry),
          nextCursor: z.string().nullable(),
        }),
      },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.walletOf(
        db,
        contextOf(request),
        request.params.programId,
        request.params.customerId,
        request.query,
      ),
  });

  app.post('/v1/loyalty/programs/:programId/members/:customerId/wallet/spend', {
    schema: {
      tags,
      summary: 'Spend money from the cashback wallet (idempotent; never below zero)',
      params: memberParams,
      querystring: noQuery,
      body: walletSpend,
      response: {
        201: z.object({
          amount: z.number().int(),
          balance: z.number().int(),
          replayed: z.boolean(),
          currency: z.string(),
        }),
      },
    },
    config: { permission: 'loyalty:operate' },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.spendFromWallet(
            db,
            contextOf(request),
            request.params.programId,
            request.params.customerId,
            request.body,
          ),
        ),
  });

  app.get('/v1/loyalty/programs/:programId/liability', {
    schema: {
      tags,
      summary: 'Outstanding points, expected breakage and their cost',
      params: programParams,
      querystring: noQuery,
      response: { 200: liability },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.programLiability(db, contextOf(request), request.params.programId),
  });

  app.get('/v1/loyalty/programs/:programId/stats', {
    schema: {
      tags,
      summary: 'Dashboard: points issued/redeemed/expired per month, tiers, top rewards',
      params: programParams,
      querystring: noQuery,
      response: { 200: programStats },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.programStats(db, contextOf(request), request.params.programId),
  });

  app.post('/v1/loyalty/programs/:programId/ledger-check', {
    schema: {
      tags,
      summary: 'Prove cached balances equal the ledger (and rebuild them from it)',
      params: programParams,
      querystring: noQuery,
      response: { 200: ledgerCheck },
    },
    config: { permission: 'loyalty:design' },
    preValidation: refuseBody,
    handler: async (request) =>
      service.checkAndRebuildBalances(db, contextOf(request).tenantId, request.params.programId),
  });

  app.post('/v1/loyalty/jobs', {
    schema: {
      tags,
      summary: 'Queue a loyalty job (release pending, expire, warn, tier review, rebuild)',
      description:
        'With an `Idempotency-Key` header a retry answers the job the first request queued (header `idempotent-replayed`) instead of queuing it again.',
      querystring: noQuery,
      headers: idempotencyKeyHeader,
      body: loyaltyJobRun.extend({ programId: id.optional() }),
      response: { 202: z.object({ jobId: id }) },
    },
    config: { permission: 'loyalty:design' },
    handler: async (request, reply) => {
      const context = contextOf(request);
      const { programId, kind, asOf } = request.body;
      if (programId) await programs.getProgram(db, context, programId);
      return answerOncePerKey(
        db,
        request,
        reply,
        { scope: 'loyalty.jobs.request', status: 202 },
        async (trx) => ({
          jobId: await enqueueJob(trx, {
            tenantId: context.tenantId,
            kind,
            payload: { ...(programId ? { programId } : {}), ...(asOf ? { asOf } : {}) },
          }),
        }),
      );
    },
  });

  app.get('/v1/customers/:customerId/loyalty', {
    schema: {
      tags,
      summary: 'A customer’s balances, tiers and progress in every program',
      params: z.strictObject({ customerId: id }),
      querystring: noQuery,
      response: { 200: customerLoyalty },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) =>
      service.customerLoyalty(db, contextOf(request), request.params.customerId, resolveCustomer),
  });

  registerNotificationRoutes(app, db);
}
