/**
 * Loyalty: programs, versioned earning rules with explanations, tiers, the double-entry
 * points ledger (lots with pending periods and expiry, soonest-expiring spent first),
 * redemptions idempotent by key, rewards, liability, jobs and signed member links.
 *
 * Other code reaches it through these exports; the events flow calls
 * `applyEventsToPrograms` inside the transaction that recorded the events.
 *
 * @example
 * const programs = await loadActivePrograms(trx, context.tenantId);
 * await applyEventsToPrograms(trx, programs, [
 *   { id: 'order-1', type: 'purchase', customerId, occurredAt: new Date(), currency: 'CNY',
 *     amount: 12_800, lines: [], refundOf: null, refundedLines: null },
 * ]); // 128 points with { kind: 'spend', points: 1, per: 100 }
 */
export type { LoyaltyTables } from './loyalty.table.ts';
export { loyaltyMigrations } from './loyalty.migrations.ts';
export {
  createProgram,
  loadProgram,
  loadActivePrograms,
  loadActiveProgramsCached,
  tenantsWithActivePrograms,
  type Program,
  type LoyaltyServiceDb,
} from './programs.service.ts';
export {
  applyEventsToPrograms,
  redeemPoints,
  awardAction,
  releasePending,
  expirePoints,
  warnExpiringPoints,
  reviewTiers,
  nextTierReview,
  birthdayGiftDays,
  awardBirthdayGifts,
  type LoyaltyEventInput,
  type RedemptionResult,
} from './ledger.service.ts';
export {
  runLoyaltyJob,
  checkAndRebuildBalances,
  createReward,
  redeem,
  membersHolding,
  analyzeLoyaltyTables,
  programLiability,
  customerLoyalty,
  customerPrivileges,
  type ResolveCustomer,
  type CustomerPrivileges,
  type LoyaltyJobKind,
} from './loyalty.service.ts';
export { NOTIFICATION_CHANNELS, type ChooseChannels } from './notifications.service.ts';
export { mergeLoyaltyMembers } from './member-merge.service.ts';
export { eraseMemberNotes } from './member-erasure.repository.ts';
export {
  loyaltyRecordNames,
  namedLoyaltyRecords,
  type NamedLoyaltyRecord,
} from './record-names.repository.ts';
export { registerLoyaltyRoutes, type LoyaltyRouteDeps } from './loyalty.routes.ts';
