import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { TierChange, TierChangeWhy } from '@fidelis/contracts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;

export interface LoyaltyProgramsTable {
  tenant_id: string;
  id: string;
  name: string;
  currency: string;
  time_zone: string;
  status: string;
  pending_days: number;
  expiry: Json<Record<string, unknown>>;
  expiry_warning_days: number;
  refund_policy: string;
  tiers: ColumnType<unknown, string | null, string | null>;
  point_value_minor: ColumnType<number, number, number>;
  referral: ColumnType<unknown, string | null | undefined, string | null>;
  cashback: ColumnType<unknown, string | null | undefined, string | null>;
  rules_version: number;
  member_page_secret: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LoyaltyRuleVersionsTable {
  tenant_id: string;
  program_id: string;
  version: number;
  rules: Json<unknown[]>;
  created_at: CreatedAt;
}

export interface LoyaltyMembersTable {
  tenant_id: string;
  program_id: string;
  customer_id: string;
  enrolled_at: ColumnType<Date, Date | string, never>;
  available: Generated<number>;
  pending: Generated<number>;
  debt: Generated<number>;
  lifetime_earned: Generated<number>;
  lifetime_redeemed: Generated<number>;
  lifetime_expired: Generated<number>;
  wallet_balance: Generated<number>;
  tier_code: string | null;
  tier_since: Date | null;
  tier_review_at: Date | null;
  tier_grace_until: Date | null;
  tier_base_code: string | null;
  last_activity_at: Date | null;
  /** Set when the customer was merged into another: the survivor holds the membership now. */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LoyaltyLotsTable {
  tenant_id: string;
  program_id: string;
  id: string;
  customer_id: string;
  /** Purchase id, `action:<key>` … ; unique per program: each event earns once. */
  event_id: string | null;
  source: string;
  points: number;
  remaining: number;
  status: string;
  earned_at: Date;
  available_at: Date;
  expires_at: Date | null;
  spend: number;
  refunded_spend: number;
  cashback: Generated<number>;
  reversed_points: number;
  /** Per line: lineNo, amount, points, refunded, reversed. */
  lines: Json<LotLine[]>;
  /** Cap usage this lot consumed, per rule and period key (undone by refunds). */
  rule_usage: Json<{ ruleId: string; key: string; points: number }[]>;
}

export interface LotLine {
  lineNo: number;
  amount: number;
  points: number;
  refunded: number;
  reversed: number;
  /** Units bought and refunded (absent on lots stored before 2026-12-07: money alone counts). */
  quantity?: number;
  refundedQuantity?: number;
}

export interface LoyaltyEntriesTable {
  tenant_id: string;
  program_id: string;
  id: string;
  customer_id: string;
  at: Date;
  kind: string;
  debit_account: string;
  credit_account: string;
  points: number;
  lot_id: string | null;
  event_id: string | null;
  redemption_id: string | null;
  partner_id: string | null;
  explanation: Json<Record<string, unknown>>;
}

export interface LoyaltyRefundsTable {
  tenant_id: string;
  program_id: string;
  refund_event_id: string;
  lot_id: string;
  customer_id: string;
  amount: number;
  points: number;
  at: Date;
}

export interface LoyaltyRuleUsageTable {
  tenant_id: string;
  program_id: string;
  rule_id: string;
  /** The member, or the nil uuid for a rule's budget over all members. */
  customer_id: string;
  period_key: string;
  points: number;
}

export interface LoyaltyRedemptionsTable {
  tenant_id: string;
  program_id: string;
  id: string;
  customer_id: string;
  idempotency_key: string;
  request_hash: string;
  points: number;
  reward_id: string | null;
  response: ColumnType<unknown, string | null, string | null>;
  created_at: Date;
}

export interface LoyaltyRewardsTable {
  tenant_id: string;
  program_id: string;
  id: string;
  name: string;
  description: string | null;
  points_cost: number;
  stock: number | null;
  per_member_limit: number | null;
  tiers: ColumnType<string[] | null, string | null, string | null>;
  valid_from: Date | null;
  valid_to: Date | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface LoyaltyTierChangesTable {
  tenant_id: string;
  program_id: string;
  id: string;
  customer_id: string;
  at: Date;
  kind: TierChange['kind'];
  from_code: string | null;
  to_code: string | null;
  reason: string;
  /** Null for changes recorded before migration 0312. */
  why: ColumnType<TierChangeWhy | null, string, never>;
  event_id: string | null;
}

export interface LoyaltyExpiryWarningsTable {
  tenant_id: string;
  program_id: string;
  lot_id: string;
  customer_id: string;
  points: number;
  expires_at: Date;
  created_at: CreatedAt;
  /** The notification that told the member; null until one was made. */
  notification_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The outbox of messages to members: made by the jobs, delivered by whoever consumes it. */
export interface LoyaltyNotificationsTable {
  tenant_id: string;
  program_id: string;
  id: string;
  customer_id: string;
  kind: string;
  points: number;
  expires_at: Date;
  /** Chosen from the customer's preferred channel and consent; null: nowhere to send it. */
  channel: string | null;
  /** `pending`, `sent`, or `suppressed` (no channel the customer consented to). */
  status: string;
  created_at: CreatedAt;
  sent_at: Date | null;
}

export interface LoyaltyReferralCodesTable {
  tenant_id: string;
  program_id: string;
  code: string;
  customer_id: string;
  created_at: CreatedAt;
}

export interface LoyaltyReferralsTable {
  tenant_id: string;
  program_id: string;
  referee_id: string;
  referrer_id: string;
  code: string;
  status: string;
  qualifying_event_id: string | null;
  created_at: CreatedAt;
}

export interface LoyaltyCouponsTable {
  tenant_id: string;
  program_id: string;
  code: string;
  reward_id: string;
  status: ColumnType<string, string | undefined, string>;
  customer_id: string | null;
  redemption_id: string | null;
  issued_at: Date | null;
  used_at: Date | null;
  expires_at: Date | null;
}

export interface LoyaltyPartnersTable {
  tenant_id: string;
  program_id: string;
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface LoyaltyWalletEntriesTable {
  tenant_id: string;
  program_id: string;
  id: string;
  customer_id: string;
  at: Date;
  kind: string;
  debit_account: string;
  credit_account: string;
  amount: number;
  event_id: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  explanation: Json<Record<string, unknown>>;
}

export interface LoyaltyTables {
  loyalty_programs: LoyaltyProgramsTable;
  loyalty_rule_versions: LoyaltyRuleVersionsTable;
  loyalty_members: LoyaltyMembersTable;
  loyalty_lots: LoyaltyLotsTable;
  loyalty_entries: LoyaltyEntriesTable;
  loyalty_refunds: LoyaltyRefundsTable;
  loyalty_rule_usage: LoyaltyRuleUsageTable;
  loyalty_redemptions: LoyaltyRedemptionsTable;
  loyalty_rewards: LoyaltyRewardsTable;
  loyalty_tier_changes: LoyaltyTierChangesTable;
  loyalty_expiry_warnings: LoyaltyExpiryWarningsTable;
  loyalty_notifications: LoyaltyNotificationsTable;
  loyalty_referral_codes: LoyaltyReferralCodesTable;
  loyalty_referrals: LoyaltyReferralsTable;
  loyalty_coupons: LoyaltyCouponsTable;
  loyalty_partners: LoyaltyPartnersTable;
  loyalty_wallet_entries: LoyaltyWalletEntriesTable;
}
