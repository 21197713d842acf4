// The only code that queries the loyalty tables. Every function takes `db` (or a transaction)
// first and the tenant next; writes are set-based (one statement per table per batch).
import {
  sql,
  type Expression,
  type Insertable,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SqlBool,
} from 'kysely';
import { anyOf } from '../../db/sql-lists.ts';
import { EXPIRY_GROUP, UUID_PATTERN } from './history-items.ts';
import type {
  LotLine,
  LoyaltyEntriesTable,
  LoyaltyLotsTable,
  LoyaltyMembersTable,
  LoyaltyProgramsTable,
  LoyaltyRedemptionsTable,
  LoyaltyRewardsTable,
  LoyaltyTables,
  LoyaltyTierChangesTable,
} from './loyalty.table.ts';

export type LoyaltyDb = Kysely<LoyaltyTables>;
export type ProgramRow = Selectable<LoyaltyProgramsTable>;
export type MemberRow = Selectable<LoyaltyMembersTable>;
export type LotRow = Selectable<LoyaltyLotsTable>;
export type EntryRow = Selectable<LoyaltyEntriesTable>;
export type RewardRow = Selectable<LoyaltyRewardsTable>;

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const CHUNK = 1000;

function chunks<T>(rows: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < rows.length; index += size) out.push(rows.slice(index, index + size));
  return out;
}

// Programs ----------------------------------------------------------------------------------

export async function insertProgram(
  db: LoyaltyDb,
  row: Omit<
    ProgramRow,
    'created_at' | 'updated_at' | 'expiry' | 'tiers' | 'referral' | 'cashback'
  > & {
    expiry: string;
    tiers: string | null;
    referral: string | null;
    cashback: string | null;
  },
  rules: string,
): Promise<void> {
  await db.insertInto('loyalty_programs').values(row).execute();
  await db
    .insertInto('loyalty_rule_versions')
    .values({ tenant_id: row.tenant_id, program_id: row.id, version: row.rules_version, rules })
    .execute();
}

export async function findProgram(
  db: LoyaltyDb,
  tenantId: string,
  id: string,
): Promise<ProgramRow | undefined> {
  return db
    .selectFrom('loyalty_programs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listPrograms(db: LoyaltyDb, tenantId: string): Promise<ProgramRow[]> {
  return db
    .selectFrom('loyalty_programs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Programs with their current rules, in one round trip (the hot path of every event). */
export async function findProgramsWithRules(
  db: LoyaltyDb,
  tenantId: string,
  filter: { id: string } | { status: 'active' },
) {
  let query = db
    .selectFrom('loyalty_programs as p')
    .innerJoin('loyalty_rule_versions as v', (join) =>
      join
        .onRef('v.tenant_id', '=', 'p.tenant_id')
        .onRef('v.program_id', '=', 'p.id')
        .onRef('v.version', '=', 'p.rules_version'),
    )
    .selectAll('p')
    .select('v.rules as current_rules')
    .where('p.tenant_id', '=', tenantId);
  query =
    'id' in filter
      ? query.where('p.id', '=', filter.id)
      : query.where('p.status', '=', filter.status);
  return query.orderBy('p.id').execute();
}

export async function listActivePrograms(db: LoyaltyDb, tenantId: string): Promise<ProgramRow[]> {
  return db
    .selectFrom('loyalty_programs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
}

/** Tenants with at least one active program, in id order. */
export async function findTenantsWithActivePrograms(db: LoyaltyDb): Promise<string[]> {
  const rows = await db
    .selectFrom('loyalty_programs')
    .select('tenant_id')
    .distinct()
    .where('status', '=', 'active')
    .orderBy('tenant_id')
    .execute();
  return rows.map((row) => row.tenant_id);
}

export async function updateProgram(
  db: LoyaltyDb,
  tenantId: string,
  id: string,
  changes: Partial<{
    name: string;
    status: string;
    pending_days: number;
    expiry: string;
    expiry_warning_days: number;
    refund_policy: string;
    tiers: string | null;
    referral: string | null;
    cashback: string | null;
    point_value_minor: number;
    rules_version: number;
  }>,
): Promise<void> {
  await db
    .updateTable('loyalty_programs')
    .set({ ...changes, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** Locks the program row: rule changes serialize, so versions never collide. */
export async function lockProgram(db: LoyaltyDb, tenantId: string, id: string) {
  return db
    .selectFrom('loyalty_programs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function findRules(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  version: number,
): Promise<unknown[]> {
  const row = await db
    .selectFrom('loyalty_rule_versions')
    .select('rules')
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.rules ?? [];
}

export async function insertRuleVersion(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  version: number,
  rules: string,
): Promise<void> {
  await db
    .insertInto('loyalty_rule_versions')
    .values({ tenant_id: tenantId, program_id: programId, version, rules })
    .execute();
}

export async function listRuleVersions(db: LoyaltyDb, tenantId: string, programId: string) {
  return db
    .selectFrom('loyalty_rule_versions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .orderBy('version', 'desc')
    .execute();
}

// Members -----------------------------------------------------------------------------------

/** A member row as enrolment creates it: no tier, no activity yet. */
function newMember(
  tenantId: string,
  programId: string,
  member: { customerId: string; enrolledAt: Date },
) {
  return {
    tenant_id: tenantId,
    program_id: programId,
    customer_id: member.customerId,
    enrolled_at: member.enrolledAt,
    tier_code: null,
    tier_since: null,
    tier_review_at: null,
    tier_grace_until: null,
    tier_base_code: null,
    last_activity_at: null,
  };
}

/** Enrols members that are not yet (first qualifying event or explicit); existing ones untouched. */
export async function ensureMembers(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  members: readonly { customerId: string; enrolledAt: Date }[],
): Promise<void> {
  for (const part of chunks(members)) {
    await db
      .insertInto('loyalty_members')
      .values(part.map((member) => newMember(tenantId, programId, member)))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * Enrols these customers and returns their member rows locked, in one statement: new rows are
 * ours until we commit, and a row a concurrent call inserted first is taken by a no-op update
 * (which locks it). Inserted in customer order, so two calls never deadlock.
 */
export async function enrolAndLockMembers(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  members: readonly { customerId: string; enrolledAt: Date }[],
): Promise<MemberRow[]> {
  const rows: MemberRow[] = [];
  const sorted = [...members].sort((a, b) =>
    a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0,
  );
  for (const part of chunks(sorted)) {
    rows.push(
      ...(await db
        .insertInto('loyalty_members')
        .values(part.map((member) => newMember(tenantId, programId, member)))
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'program_id', 'customer_id'])
            .doUpdateSet({ customer_id: (eb) => eb.ref('excluded.customer_id') }),
        )
        .returningAll()
        .execute()),
    );
  }
  return rows;
}

/**
 * Locks the members' balance rows, in customer order so two batches never deadlock: every
 * change to a member's points happens under this lock, in the transaction that writes it.
 */
export async function lockMembers(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerIds: readonly string[],
): Promise<MemberRow[]> {
  const rows: MemberRow[] = [];
  const sorted = [...customerIds].sort();
  for (const part of chunks(sorted)) {
    rows.push(
      ...(await db
        .selectFrom('loyalty_members')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('program_id', '=', programId)
        .where('customer_id', '=', anyOf(part, 'uuid'))
        .orderBy('customer_id')
        // NO KEY UPDATE: serializes balance changes without blocking foreign-key checks.
        .forNoKeyUpdate()
        .execute()),
    );
  }
  return rows;
}

export async function findMember(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
): Promise<MemberRow | undefined> {
  return db
    .selectFrom('loyalty_members')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
}

export async function findMemberships(db: LoyaltyDb, tenantId: string, customerId: string) {
  return db
    .selectFrom('loyalty_members as m')
    .innerJoin('loyalty_programs as p', (join) =>
      join.onRef('p.tenant_id', '=', 'm.tenant_id').onRef('p.id', '=', 'm.program_id'),
    )
    .selectAll('m')
    .select(['p.name as program_name'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.customer_id', '=', customerId)
    .orderBy('m.program_id')
    .execute();
}

export interface MemberUpdate {
  customerId: string;
  available: number;
  pending: number;
  debt: number;
  earned: number;
  redeemed: number;
  expired: number;
  walletDelta: number;
  tier: {
    code: string | null;
    since: Date | null;
    reviewAt: Date | null;
    graceUntil: Date | null;
    baseCode: string | null;
  };
  lastActivityAt: Date | null;
}

// Lots --------------------------------------------------------------------------------------

export async function findLotsByEvent(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  eventIds: readonly string[],
): Promise<LotRow[]> {
  const rows: LotRow[] = [];
  for (const part of chunks(eventIds)) {
    rows.push(
      ...(await db
        .selectFrom('loyalty_lots')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('program_id', '=', programId)
        .where('event_id', '=', anyOf(part, 'text'))
        .execute()),
    );
  }
  return rows;
}

export async function findOpenLots(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerIds: readonly string[],
): Promise<LotRow[]> {
  const rows: LotRow[] = [];
  for (const part of chunks(customerIds)) {
    rows.push(
      ...(await db
        .selectFrom('loyalty_lots')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('program_id', '=', programId)
        .where('customer_id', '=', anyOf(part, 'uuid'))
        .where('status', '<>', 'closed')
        .execute()),
    );
  }
  return rows;
}

/** What counts towards tiers, per lot, since `from` (net of refunds). */
export async function findQualifyingLots(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerIds: readonly string[],
  from: Date,
) {
  const rows: {
    id: string;
    customer_id: string;
    earned_at: Date;
    points: number;
    spend: number;
    source: string;
  }[] = [];
  for (const part of chunks(customerIds)) {
    rows.push(
      ...(await db
        .selectFrom('loyalty_lots')
        .select([
          'id',
          'customer_id',
          'earned_at',
          sql<number>`points - reversed_points`.as('points'),
          sql<number>`spend - refunded_spend`.as('spend'),
          'source',
        ])
        .where('tenant_id', '=', tenantId)
        .where('program_id', '=', programId)
        .where('customer_id', '=', anyOf(part, 'uuid'))
        .where('earned_at', '>=', from)
        .execute()),
    );
  }
  return rows;
}

export type LotInsert = Omit<LotRow, 'lines' | 'rule_usage' | 'cashback'> & {
  cashback?: number;
  lines: LotLine[];
  rule_usage: { ruleId: string; key: string; points: number }[];
};

export interface LotUpdate {
  id: string;
  remaining: number;
  status: string;
  refundedSpend: number;
  reversedPoints: number;
  lines: LotLine[] | null;
}

export async function listLots(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  openOnly: boolean,
): Promise<LotRow[]> {
  let query = db
    .selectFrom('loyalty_lots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId);
  if (openOnly) query = query.where('status', '<>', 'closed');
  return query.orderBy('earned_at', 'desc').orderBy('id', 'desc').limit(1000).execute();
}

export async function findDueLots(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  what: 'release' | 'expire',
  asOf: Date,
  limit: number,
): Promise<{ customer_id: string; id: string }[]> {
  let query = db
    .selectFrom('loyalty_lots')
    .select(['customer_id', 'id'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId);
  query =
    what === 'release'
      ? query.where('status', '=', 'pending').where('available_at', '<=', asOf)
      : query
          .where('status', '<>', 'closed')
          .where('expires_at', 'is not', null)
          .where('expires_at', '<=', asOf);
  return query.orderBy('customer_id').limit(limit).execute();
}

/** Members inactive since `before` who still hold points (inactivity expiry). */
export async function findInactiveMembers(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  before: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('loyalty_members')
    .select('customer_id')
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('last_activity_at', '<', before)
    .where((eb) => eb.or([eb('available', '>', 0), eb('pending', '>', 0)]))
    .orderBy('customer_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.customer_id);
}

export async function findMembersDueForReview(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  asOf: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('loyalty_members')
    .select('customer_id')
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('tier_review_at', '<=', asOf)
    .orderBy('customer_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.customer_id);
}

/** The soonest tier review (or grace end) of a program's members; null when none is set. */
export async function findNextTierReview(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
): Promise<Date | null> {
  const { next } = await db
    .selectFrom('loyalty_members')
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .select((eb) => eb.fn.min('tier_review_at').as('next'))
    .executeTakeFirstOrThrow();
  return next === null ? null : new Date(next);
}

/** Records expiry warnings for lots expiring before `until` (once per lot); returns how many. */
export async function insertExpiryWarnings(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  asOf: Date,
  until: Date,
): Promise<number> {
  const result = await sql`
    insert into loyalty_expiry_warnings (tenant_id, program_id, lot_id, customer_id, points, expires_at)
    select tenant_id, program_id, id, customer_id, remaining, expires_at
    from loyalty_lots
    where tenant_id = ${tenantId} and program_id = ${programId} and status <> 'closed'
      and remaining > 0 and expires_at > ${asOf} and expires_at <= ${until}
    on conflict do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function listExpiryWarnings(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
) {
  return db
    .selectFrom('loyalty_expiry_warnings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .orderBy('expires_at')
    .execute();
}

// Entries -----------------------------------------------------------------------------------

export type EntryInsert = Omit<EntryRow, 'explanation'> & { explanation: Record<string, unknown> };

/**
 * The ledger writes of one batch — new lots, lot changes, entries, member balances — in one
 * statement (data-modifying CTEs; each set travels as one JSON parameter, so a batch of any
 * size is one round trip with nothing for the client to compile per row). The foreign keys
 * of entries to lots inserted here are checked at the end of the statement, when both exist.
 * Lot changes must not name lots inserted by the same call (a CTE cannot see its siblings).
 */
/** An instant as epoch milliseconds for a JSON parameter (`to_timestamp(ms / 1000)` in SQL). */
function epochMs(value: Date | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

const lotJson = (lot: LotInsert) => ({
  ...lot,
  earned_at: epochMs(lot.earned_at),
  available_at: epochMs(lot.available_at),
  expires_at: epochMs(lot.expires_at),
});

const entryJson = (entry: EntryInsert) => ({ ...entry, at: epochMs(entry.at) });

export async function writeLedger(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  changes: {
    newLots: readonly LotInsert[];
    lotUpdates: readonly LotUpdate[];
    entries: readonly EntryInsert[];
    members: readonly MemberUpdate[];
    /**
     * Redemptions to store with their ledger rows, in the same statement. A plain insert: a key
     * already stored fails the statement with a unique violation (23505), for the caller to
     * redeem those keys another way.
     */
    redemptions?: readonly RedemptionInsert[];
  },
): Promise<void> {
  const { newLots, lotUpdates, entries, members, redemptions = [] } = changes;
  const total = newLots.length + lotUpdates.length + entries.length + members.length;
  if (total + redemptions.length === 0) return;
  // Instants travel as epoch milliseconds (`to_timestamp(ms / 1000)` below, exact to the
  // millisecond): `JSON.stringify` of a Date costs Node about 1 µs, a number almost nothing,
  // and a batch of 1,000 purchases carries 5–8 instants each (9 ms of its ~50 ms, 2026-12-07).
  const parts = [];
  if (redemptions.length > 0)
    parts.push(sql`new_redemptions as (
      insert into loyalty_redemptions (tenant_id, program_id, id, customer_id, idempotency_key,
        request_hash, points, reward_id, response, created_at)
      select tenant_id, program_id, id, customer_id, idempotency_key, request_hash, points,
             reward_id, response::jsonb, created_at
        from jsonb_to_recordset(${JSON.stringify(redemptions)}::jsonb) as r(tenant_id uuid,
          program_id uuid, id uuid, customer_id uuid, idempotency_key text, request_hash text,
          points bigint, reward_id uuid, response text, created_at timestamptz)
      returning 1)`);
  if (newLots.length > 0)
    parts.push(sql`new_lots as (
      insert into loyalty_lots (tenant_id, program_id, id, customer_id, event_id, source, points,
        remaining, status, earned_at, available_at, expires_at, spend, refunded_spend, cashback,
        reversed_points, lines, rule_usage)
      select tenant_id, program_id, id, customer_id, event_id, source, points, remaining, status,
             to_timestamp(earned_at / 1000), to_timestamp(available_at / 1000),
             to_timestamp(expires_at / 1000), spend, refunded_spend, coalesce(cashback, 0),
             reversed_points, lines, rule_usage
        from jsonb_to_recordset(${JSON.stringify(newLots.map(lotJson))}::jsonb) as r(tenant_id uuid,
          program_id uuid, id uuid, customer_id uuid, event_id text, source text, points bigint,
          remaining bigint, status text, earned_at float8, available_at float8,
          expires_at float8, spend bigint, refunded_spend bigint, cashback bigint,
          reversed_points bigint, lines jsonb, rule_usage jsonb)
      returning 1)`);
  if (lotUpdates.length > 0)
    parts.push(sql`lot_updates as (
      update loyalty_lots as l set
        remaining = v.remaining, status = v.status, refunded_spend = v."refundedSpend",
        reversed_points = v."reversedPoints", lines = coalesce(v.lines, l.lines)
      from jsonb_to_recordset(${JSON.stringify(lotUpdates)}::jsonb) as v(id uuid,
        remaining bigint, status text, "refundedSpend" bigint, "reversedPoints" bigint,
        lines jsonb)
      where l.tenant_id = ${tenantId} and l.program_id = ${programId} and l.id = v.id
      returning 1)`);
  if (entries.length > 0)
    parts.push(sql`new_entries as (
      insert into loyalty_entries (tenant_id, program_id, id, customer_id, at, kind,
        debit_account, credit_account, points, lot_id, event_id, redemption_id, partner_id,
        explanation)
      select tenant_id, program_id, id, customer_id, to_timestamp(at / 1000), kind,
             debit_account, credit_account, points, lot_id, event_id, redemption_id, partner_id,
             explanation
        from jsonb_to_recordset(${JSON.stringify(entries.map(entryJson))}::jsonb) as e(tenant_id uuid,
          program_id uuid, id uuid, customer_id uuid, at float8, kind text,
          debit_account text, credit_account text, points bigint, lot_id uuid, event_id text,
          redemption_id uuid, partner_id uuid, explanation jsonb)
      returning 1)`);
  if (members.length > 0) {
    const rows = members.map((u) => ({
      customer_id: u.customerId,
      available: u.available,
      pending: u.pending,
      debt: u.debt,
      earned: u.earned,
      redeemed: u.redeemed,
      expired: u.expired,
      wallet_delta: u.walletDelta,
      tier_code: u.tier.code,
      tier_since: epochMs(u.tier.since),
      tier_review_at: epochMs(u.tier.reviewAt),
      tier_grace_until: epochMs(u.tier.graceUntil),
      tier_base_code: u.tier.baseCode,
      last_activity_at: epochMs(u.lastActivityAt),
    }));
    parts.push(sql`member_updates as (
      update loyalty_members as m set
        available = v.available, pending = v.pending, debt = v.debt,
        lifetime_earned = m.lifetime_earned + v.earned,
        lifetime_redeemed = m.lifetime_redeemed + v.redeemed,
        lifetime_expired = m.lifetime_expired + v.expired,
        wallet_balance = m.wallet_balance + v.wallet_delta,
        tier_code = v.tier_code, tier_since = to_timestamp(v.tier_since / 1000),
        tier_review_at = to_timestamp(v.tier_review_at / 1000),
        tier_grace_until = to_timestamp(v.tier_grace_until / 1000),
        tier_base_code = v.tier_base_code,
        last_activity_at = greatest(m.last_activity_at, to_timestamp(v.last_activity_at / 1000))
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(customer_id uuid,
        available bigint, pending bigint, debt bigint, earned bigint, redeemed bigint,
        expired bigint, wallet_delta bigint, tier_code text, tier_since float8,
        tier_review_at float8, tier_grace_until float8, tier_base_code text,
        last_activity_at float8)
      where m.tenant_id = ${tenantId} and m.program_id = ${programId}
        and m.customer_id = v.customer_id
      returning 1)`);
  }
  await sql`with ${sql.join(parts, sql`, `)} select 1`.execute(db);
}

/** Newest-first keyset paging on (at, id): the rows after a page's last one. */
function olderThan(after: { at: string; id: string }) {
  return sql<SqlBool>`(at, id) < (${new Date(after.at)}, ${after.id})`;
}

/**
 * A member's entries in history order: newest first, a redemption's entries side by side (they
 * share its instant; `group` is the redemption, or the entry itself), after a position.
 */
export async function listHistoryEntries(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  options: { limit: number; after?: { at: string; group: string; id: string } | undefined },
): Promise<EntryRow[]> {
  // history-items.ts's historyGroupKey: a redemption's, an expiry's or a merge's entries side by side.
  const group = sql<string>`coalesce(redemption_id,
    case when kind = 'expire' then ${EXPIRY_GROUP}::uuid
      when kind = 'merge' and explanation->>'fromCustomerId' ~* ${UUID_PATTERN}
        then (explanation->>'fromCustomerId')::uuid end,
    id)`;
  let query = db
    .selectFrom('loyalty_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId);
  const after = options.after;
  if (after)
    query = query.where(
      sql<SqlBool>`(at, ${group}, id) < (${new Date(after.at)}, ${after.group}::uuid, ${after.id}::uuid)`,
    );
  return query
    .orderBy('at', 'desc')
    .orderBy(group, 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
}

/** A member's ledger entry by its id (a history cursor's), or undefined. */
export async function findMemberEntry(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  id: string,
): Promise<EntryRow | undefined> {
  return db
    .selectFrom('loyalty_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** When lots were earned and when they expire (or would have), by id. */
export async function findLotDates(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  lotIds: readonly string[],
): Promise<{ id: string; earned_at: Date; expires_at: Date | null }[]> {
  if (lotIds.length === 0) return [];
  return db
    .selectFrom('loyalty_lots')
    .select(['id', 'earned_at', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('id', '=', anyOf([...new Set(lotIds)], 'uuid'))
    .execute();
}

export async function findRedemptionEntries(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  redemptionId: string,
): Promise<EntryRow[]> {
  return db
    .selectFrom('loyalty_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('redemption_id', '=', redemptionId)
    .orderBy('id')
    .execute();
}

/** A member's balances from the ledger alone, at an instant. */
export async function balanceFromEntries(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  at: Date,
) {
  return sql<{ available: number; pending: number; earned: number }>`
    select
      coalesce(sum(case when credit_account = 'member_available' then points else 0 end)
        - sum(case when debit_account = 'member_available' then points else 0 end), 0)::bigint as available,
      coalesce(sum(case when credit_account = 'member_pending' then points else 0 end)
        - sum(case when debit_account = 'member_pending' then points else 0 end), 0)::bigint as pending,
      coalesce(sum(case when kind in ('earn', 'partner_earn', 'adjust') then points else 0 end)
        - sum(case when kind = 'reverse' then points else 0 end), 0)::bigint as earned
    from loyalty_entries
    where tenant_id = ${tenantId} and program_id = ${programId} and customer_id = ${customerId}
      and at <= ${at}
  `
    .execute(db)
    .then((result) => result.rows[0] ?? { available: 0, pending: 0, earned: 0 });
}

/** Every member whose cached balance differs from the sum of their entries. */
export async function findBalanceMismatches(db: LoyaltyDb, tenantId: string, programId: string) {
  const result = await sql<{
    customer_id: string;
    cached_available: number;
    cached_pending: number;
    ledger_available: number;
    ledger_pending: number;
  }>`
    with ledger as (
      select customer_id,
        sum(case when credit_account = 'member_available' then points
                 when debit_account = 'member_available' then -points else 0 end)::bigint as available,
        sum(case when credit_account = 'member_pending' then points
                 when debit_account = 'member_pending' then -points else 0 end)::bigint as pending
      from loyalty_entries
      where tenant_id = ${tenantId} and program_id = ${programId}
      group by customer_id
    )
    select m.customer_id, m.available as cached_available, m.pending as cached_pending,
      coalesce(l.available, 0)::bigint as ledger_available, coalesce(l.pending, 0)::bigint as ledger_pending
    from loyalty_members m left join ledger l on l.customer_id = m.customer_id
    where m.tenant_id = ${tenantId} and m.program_id = ${programId}
      and (m.available <> coalesce(l.available, 0) or m.pending <> coalesce(l.pending, 0))
    limit 1000
  `.execute(db);
  return result.rows;
}

/**
 * Lots, entries and redemptions whose member row does not exist. No foreign key guards them
 * (migration 0309: the ledger writes them under the member's lock); this proves it.
 */
export async function countOrphans(db: LoyaltyDb, tenantId: string, programId: string) {
  const result = await sql<{ lots: number; entries: number; redemptions: number }>`
    select
      (select count(*) from loyalty_lots r
        where r.tenant_id = ${tenantId} and r.program_id = ${programId} and not exists (
          select 1 from loyalty_members m where m.tenant_id = r.tenant_id
            and m.program_id = r.program_id and m.customer_id = r.customer_id))::int as lots,
      (select count(*) from loyalty_entries r
        where r.tenant_id = ${tenantId} and r.program_id = ${programId} and not exists (
          select 1 from loyalty_members m where m.tenant_id = r.tenant_id
            and m.program_id = r.program_id and m.customer_id = r.customer_id))::int as entries,
      (select count(*) from loyalty_redemptions r
        where r.tenant_id = ${tenantId} and r.program_id = ${programId} and not exists (
          select 1 from loyalty_members m where m.tenant_id = r.tenant_id
            and m.program_id = r.program_id and m.customer_id = r.customer_id))::int as redemptions
  `.execute(db);
  return result.rows[0] ?? { lots: 0, entries: 0, redemptions: 0 };
}

/**
 * Rebuilds every member's cached balances, debt and lifetime counters from the ledger (and
 * the lots for debt), set-based; returns how many members changed.
 */
export async function rebuildBalances(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
): Promise<number> {
  const result = await sql`
    with ledger as (
      select customer_id,
        sum(case when credit_account = 'member_available' then points
                 when debit_account = 'member_available' then -points else 0 end)::bigint as available,
        sum(case when credit_account = 'member_pending' then points
                 when debit_account = 'member_pending' then -points else 0 end)::bigint as pending,
        sum(case when kind in ('earn', 'partner_earn', 'adjust') then points
                 when kind = 'reverse' then -points else 0 end)::bigint as earned,
        sum(case when kind in ('redeem', 'partner_burn') then points else 0 end)::bigint as redeemed,
        sum(case when kind = 'expire' then points else 0 end)::bigint as expired
      from loyalty_entries
      where tenant_id = ${tenantId} and program_id = ${programId}
      group by customer_id
    ), lots as (
      select customer_id, sum(remaining)::bigint as held
      from loyalty_lots
      where tenant_id = ${tenantId} and program_id = ${programId} and status = 'available'
      group by customer_id
    ), lifetime as (
      -- A survivor's lifetime figures include those of the members merged into it.
      select coalesce(m.merged_into, m.customer_id) as customer_id,
        sum(l.earned) as earned, sum(l.redeemed) as redeemed, sum(l.expired) as expired
      from loyalty_members m join ledger l on l.customer_id = m.customer_id
      where m.tenant_id = ${tenantId} and m.program_id = ${programId}
      group by 1
    ), target as (
      select m.customer_id,
        coalesce(l.available, 0) as available, coalesce(l.pending, 0) as pending,
        greatest(coalesce(h.held, 0) - coalesce(l.available, 0), 0) as debt,
        coalesce(f.earned, 0) as earned, coalesce(f.redeemed, 0) as redeemed,
        coalesce(f.expired, 0) as expired
      from loyalty_members m
      left join ledger l on l.customer_id = m.customer_id
      left join lots h on h.customer_id = m.customer_id
      left join lifetime f on f.customer_id = m.customer_id and m.merged_into is null
      where m.tenant_id = ${tenantId} and m.program_id = ${programId}
    )
    update loyalty_members m set
      available = t.available, pending = t.pending, debt = t.debt,
      lifetime_earned = t.earned, lifetime_redeemed = t.redeemed, lifetime_expired = t.expired
    from target t
    where m.tenant_id = ${tenantId} and m.program_id = ${programId} and m.customer_id = t.customer_id
      and (m.available, m.pending, m.debt, m.lifetime_earned, m.lifetime_redeemed, m.lifetime_expired)
        is distinct from (t.available, t.pending, t.debt, t.earned, t.redeemed, t.expired)
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Σ over every account of (credits − debits): zero in a double-entry ledger. */
export async function accountsSum(db: LoyaltyDb, tenantId: string, programId: string) {
  const result = await sql<{ account: string; balance: number }>`
    select account, sum(amount)::bigint as balance from (
      select credit_account as account, points as amount from loyalty_entries
        where tenant_id = ${tenantId} and program_id = ${programId}
      union all
      select debit_account, -points from loyalty_entries
        where tenant_id = ${tenantId} and program_id = ${programId}
    ) movements group by account
  `.execute(db);
  return result.rows;
}

export async function memberCounts(db: LoyaltyDb, tenantId: string, programId: string) {
  return db
    .selectFrom('loyalty_members')
    .select([
      sql<number>`count(*)::bigint`.as('members'),
      sql<number>`coalesce(sum(available), 0)::bigint`.as('available'),
      sql<number>`coalesce(sum(pending), 0)::bigint`.as('pending'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('merged_into', 'is', null)
    .executeTakeFirstOrThrow();
}

/** Open lots (pending or available) with points left that expire in [from, until). */
function expiringLots(db: LoyaltyDb, tenantId: string, programId: string, from: Date, until: Date) {
  return db
    .selectFrom('loyalty_lots')
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('status', '<>', 'closed')
    .where('expires_at', 'is not', null)
    .where('expires_at', '>=', from)
    .where('expires_at', '<', until)
    .where('remaining', '>', 0);
}

/**
 * The points of open lots expiring from `now` to each horizon, and how many members hold them:
 * one range scan of the expiring lots' index.
 */
export async function expiringTotals(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  now: Date,
  days: readonly number[],
): Promise<{ withinDays: number; points: number; members: number }[]> {
  const horizons = days.map((d) => new Date(now.getTime() + d * 86_400_000));
  const last = new Date(Math.max(...horizons.map((until) => until.getTime())));
  const [row] = await expiringLots(db, tenantId, programId, now, last)
    .select(
      horizons.flatMap((until, i) => [
        sql<string>`coalesce(sum(remaining) filter (where expires_at < ${until}), 0)::text`.as(
          `points${i}`,
        ),
        sql<string>`count(distinct customer_id) filter (where expires_at < ${until})::text`.as(
          `members${i}`,
        ),
      ]),
    )
    .execute();
  const totals = (row ?? {}) as Record<string, string | undefined>;
  return days.map((withinDays, i) => ({
    withinDays,
    points: Number(totals[`points${i}`] ?? 0),
    members: Number(totals[`members${i}`] ?? 0),
  }));
}

export type MemberSortColumn = 'available' | 'lifetimeEarned' | 'lastActivityAt' | 'enrolledAt';

/** What each member sort orders by, and the type its key is compared as. */
const memberSortKeys: Record<
  MemberSortColumn,
  { key: RawBuilder<unknown>; type: 'bigint' | 'timestamptz' }
> = {
  available: { key: sql`available`, type: 'bigint' },
  lifetimeEarned: { key: sql`lifetime_earned`, type: 'bigint' },
  // Enrolment counts as activity: members who never bought sort by when they joined.
  lastActivityAt: { key: sql`coalesce(last_activity_at, enrolled_at)`, type: 'timestamptz' },
  enrolledAt: { key: sql`enrolled_at`, type: 'timestamptz' },
};

export interface MemberListOptions {
  sort: { by: MemberSortColumn; descending: boolean };
  /** A tier code; null: members without a tier; undefined: any. */
  tier?: string | null | undefined;
  /** Only the customers a search found: a subquery of their ids (the customers module's). */
  searched?: Expression<{ id: string }> | undefined;
  /** Only members holding points (open lots) that expire in [from, until). */
  expiring?: { from: Date; until: Date } | undefined;
  /** The previous page's last row: its `sort_key` and customer id. */
  after?: { key: string; customerId: string } | undefined;
  limit: number;
}

/**
 * A page of the program's members that were not merged away, by keyset on (sort key,
 * customer id), both in the sort's direction. `sort_key` is the key as text, exact to the
 * microsecond for instants, for the next page's `after`.
 */
export async function listMembers(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  options: MemberListOptions,
) {
  const { key, type } = memberSortKeys[options.sort.by];
  const direction = options.sort.descending ? 'desc' : 'asc';
  const keyText =
    type === 'bigint'
      ? sql<string>`${key}::text`
      : sql<string>`to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  let query = db
    .selectFrom('loyalty_members')
    .select([
      'customer_id',
      'tier_code',
      'available',
      'pending',
      'lifetime_earned',
      'enrolled_at',
      'last_activity_at',
      keyText.as('sort_key'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('merged_into', 'is', null);
  if (options.tier === null) query = query.where('tier_code', 'is', null);
  else if (options.tier !== undefined) query = query.where('tier_code', '=', options.tier);
  if (options.searched) {
    query = query.where(sql<SqlBool>`customer_id in (${options.searched})`);
  }
  const expiring = options.expiring;
  if (expiring) {
    // The expiring lots' index finds them by date; the members join them by customer.
    query = query.where(
      'customer_id',
      'in',
      expiringLots(db, tenantId, programId, expiring.from, expiring.until).select('customer_id'),
    );
  }
  const after = options.after;
  if (after) {
    const beyond = options.sort.descending ? sql`<` : sql`>`;
    const afterKey = sql`${after.key}::${sql.raw(type)}`;
    query = query.where(
      sql<SqlBool>`(${key}, customer_id) ${beyond} (${afterKey}, ${after.customerId}::uuid)`,
    );
  }
  // No index on balances or activity (they change with every purchase; an index would end the
  // members' HOT updates, migration 0311): a sort reads all of the program's members.
  return query
    .orderBy(key, direction)
    .orderBy('customer_id', direction)
    .limit(options.limit)
    .execute();
}

export async function tierDistribution(db: LoyaltyDb, tenantId: string, programId: string) {
  return db
    .selectFrom('loyalty_members')
    .select(['tier_code', sql<number>`count(*)::bigint`.as('members')])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('merged_into', 'is', null)
    .groupBy('tier_code')
    .orderBy('tier_code')
    .execute();
}

export async function monthlyMovements(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  timeZone: string,
  since: Date,
) {
  const result = await sql<{
    month: string;
    issued: number;
    redeemed: number;
    expired: number;
    reversed: number;
  }>`
    select to_char(at at time zone ${timeZone}, 'YYYY-MM') as month,
      sum(case when kind in ('earn', 'partner_earn', 'adjust') then points else 0 end)::bigint as issued,
      sum(case when kind in ('redeem', 'partner_burn') then points else 0 end)::bigint as redeemed,
      sum(case when kind = 'expire' then points else 0 end)::bigint as expired,
      sum(case when kind = 'reverse' then points else 0 end)::bigint as reversed
    from loyalty_entries
    where tenant_id = ${tenantId} and program_id = ${programId} and at >= ${since}
    group by 1 order by 1
  `.execute(db);
  return result.rows;
}

export async function programTotals(db: LoyaltyDb, tenantId: string, programId: string) {
  const result = await sql<{ issued: number; redeemed: number; expired: number; reversed: number }>`
    select
      coalesce(sum(case when kind in ('earn', 'partner_earn', 'adjust') then points else 0 end), 0)::bigint as issued,
      coalesce(sum(case when kind in ('redeem', 'partner_burn') then points else 0 end), 0)::bigint as redeemed,
      coalesce(sum(case when kind = 'expire' then points else 0 end), 0)::bigint as expired,
      coalesce(sum(case when kind = 'reverse' then points else 0 end), 0)::bigint as reversed
    from loyalty_entries where tenant_id = ${tenantId} and program_id = ${programId}
  `.execute(db);
  return result.rows[0] ?? { issued: 0, redeemed: 0, expired: 0, reversed: 0 };
}

// Refunds, cap usage, tier changes ------------------------------------------------------------

export async function findAppliedRefunds(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  refundIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(refundIds)) {
    const rows = await db
      .selectFrom('loyalty_refunds')
      .select('refund_event_id')
      .where('tenant_id', '=', tenantId)
      .where('program_id', '=', programId)
      .where('refund_event_id', 'in', part)
      .execute();
    for (const row of rows) found.add(row.refund_event_id);
  }
  return found;
}

export async function insertRefunds(
  db: LoyaltyDb,
  rows: readonly {
    tenant_id: string;
    program_id: string;
    refund_event_id: string;
    lot_id: string;
    customer_id: string;
    amount: number;
    points: number;
    at: Date;
  }[],
): Promise<void> {
  for (const part of chunks(rows, 500))
    await db.insertInto('loyalty_refunds').values(part).execute();
}

export async function findRuleUsage(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerIds: readonly string[],
  keys: readonly string[],
) {
  if (customerIds.length === 0 || keys.length === 0) return [];
  const rows = [];
  for (const part of chunks([...customerIds, NIL_UUID])) {
    rows.push(
      ...(await db
        .selectFrom('loyalty_rule_usage')
        .select(['rule_id', 'customer_id', 'period_key', 'points'])
        .where('tenant_id', '=', tenantId)
        .where('program_id', '=', programId)
        .where('customer_id', 'in', part)
        .where('period_key', 'in', [...keys])
        .forUpdate()
        .execute()),
    );
  }
  return rows;
}

export async function findRuleUsageReadOnly(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  keys: readonly string[],
) {
  return db
    .selectFrom('loyalty_rule_usage')
    .select(['rule_id', 'period_key', 'points'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', 'in', [customerId, NIL_UUID])
    .where('period_key', 'in', [...keys])
    .execute();
}

/**
 * Makes sure the budget rows of these rules exist, so that reading them `for update` locks
 * them: a row that does not exist yet locks nothing, and two transactions of different members
 * would both see an untouched budget and both spend it. Sorted, so locks come in one order.
 */
export async function ensureBudgetUsage(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  ruleIds: readonly string[],
): Promise<void> {
  if (ruleIds.length === 0) return;
  await db
    .insertInto('loyalty_rule_usage')
    .values(
      [...ruleIds].sort().map((ruleId) => ({
        tenant_id: tenantId,
        program_id: programId,
        rule_id: ruleId,
        customer_id: NIL_UUID,
        period_key: 'total',
        points: 0,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function addRuleUsage(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  rows: readonly { ruleId: string; customerId: string; key: string; points: number }[],
): Promise<void> {
  // Sorted, so two transactions take the rows' locks in the same order.
  const sorted = [...rows].sort((a, b) =>
    `${a.ruleId}|${a.customerId}|${a.key}`.localeCompare(`${b.ruleId}|${b.customerId}|${b.key}`),
  );
  for (const part of chunks(sorted, 500)) {
    await db
      .insertInto('loyalty_rule_usage')
      .values(
        part.map((row) => ({
          tenant_id: tenantId,
          program_id: programId,
          rule_id: row.ruleId,
          customer_id: row.customerId,
          period_key: row.key,
          points: row.points,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'program_id', 'rule_id', 'customer_id', 'period_key'])
          .doUpdateSet({ points: sql`loyalty_rule_usage.points + excluded.points` }),
      )
      .execute();
  }
}

export async function insertTierChanges(
  db: LoyaltyDb,
  rows: readonly Insertable<LoyaltyTierChangesTable>[],
): Promise<void> {
  for (const part of chunks(rows, 500))
    await db.insertInto('loyalty_tier_changes').values(part).execute();
}

export async function listTierChanges(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
) {
  return db
    .selectFrom('loyalty_tier_changes')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .orderBy('at', 'desc')
    .limit(100)
    .execute();
}

// Redemptions and rewards ---------------------------------------------------------------------

/** A redemption as stored, its response as JSON text (null while it is being worked out). */
export type RedemptionInsert<Response extends string | null = string> = Omit<
  LoyaltyRedemptionsTable,
  'response'
> & { response: Response };

export async function claimRedemption(
  db: LoyaltyDb,
  row: RedemptionInsert<string | null>,
): Promise<boolean> {
  const inserted = await db
    .insertInto('loyalty_redemptions')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'program_id', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findRedemptionByKey(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  key: string,
) {
  return db
    .selectFrom('loyalty_redemptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** The redemptions already stored under these keys. */
export async function findRedemptionsByKeys(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  keys: readonly string[],
) {
  if (keys.length === 0) return [];
  return db
    .selectFrom('loyalty_redemptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('idempotency_key', 'in', keys)
    .execute();
}

export async function countMemberRedemptions(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  rewardId: string,
): Promise<number> {
  const row = await db
    .selectFrom('loyalty_redemptions')
    .select(sql<number>`count(*)::bigint`.as('n'))
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .where('reward_id', '=', rewardId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertReward(
  db: LoyaltyDb,
  row: Omit<RewardRow, 'created_at' | 'active' | 'tiers'> & { tiers: string | null },
): Promise<void> {
  await db.insertInto('loyalty_rewards').values(row).execute();
}

function selectReward(db: LoyaltyDb, tenantId: string, programId: string, id: string) {
  return db
    .selectFrom('loyalty_rewards')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('id', '=', id);
}

/** Fresh planner statistics for the ledger's tables, after a bulk write (a backfill). */
export async function analyzeLedger(db: LoyaltyDb): Promise<void> {
  await sql`analyze loyalty_members, loyalty_lots, loyalty_entries`.execute(db);
}

/** Members holding at least `minAvailable` points, idle since `idleSince`, by customer id. */
export async function findMembersHolding(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  options: { minAvailable: number; idleSince: Date; limit: number },
) {
  return db
    .selectFrom('loyalty_members')
    .select(['customer_id', 'available', 'tier_code', 'last_activity_at'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('merged_into', 'is', null)
    .where('available', '>=', options.minAvailable)
    .where('last_activity_at', '<', options.idleSince)
    .orderBy('customer_id')
    .limit(options.limit)
    .execute();
}

export async function findReward(db: LoyaltyDb, tenantId: string, programId: string, id: string) {
  return selectReward(db, tenantId, programId, id).executeTakeFirst();
}

/** The reward with its row locked to the end of the transaction: edits and redemptions queue. */
export async function lockReward(db: LoyaltyDb, tenantId: string, programId: string, id: string) {
  return selectReward(db, tenantId, programId, id).forUpdate().executeTakeFirst();
}

export type RewardChanges = Partial<
  Omit<RewardRow, 'tenant_id' | 'program_id' | 'id' | 'created_at' | 'tiers'>
> & { tiers?: string | null };

export async function updateReward(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  id: string,
  changes: RewardChanges,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db
    .updateTable('loyalty_rewards')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('id', '=', id)
    .execute();
}

export async function listRewards(db: LoyaltyDb, tenantId: string, programId: string) {
  return db
    .selectFrom('loyalty_rewards')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .orderBy('points_cost')
    .orderBy('id')
    .execute();
}

export async function storeRedemptionResponse(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  id: string,
  response: unknown,
): Promise<void> {
  await db
    .updateTable('loyalty_redemptions')
    .set({ response: JSON.stringify(response) })
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('id', '=', id)
    .execute();
}

/** Takes one unit of stock if there is any left; false when sold out. */
export async function takeRewardStock(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .updateTable('loyalty_rewards')
    .set({ stock: sql`stock - 1` })
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('stock', 'is', null), eb('stock', '>', 0)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function topRewards(db: LoyaltyDb, tenantId: string, programId: string) {
  return db
    .selectFrom('loyalty_redemptions as r')
    .innerJoin('loyalty_rewards as w', (join) =>
      join
        .onRef('w.tenant_id', '=', 'r.tenant_id')
        .onRef('w.program_id', '=', 'r.program_id')
        .onRef('w.id', '=', 'r.reward_id'),
    )
    .select([
      'w.id',
      'w.name',
      sql<number>`count(*)::bigint`.as('redemptions'),
      sql<number>`sum(r.points)::bigint`.as('points'),
    ])
    .where('r.tenant_id', '=', tenantId)
    .where('r.program_id', '=', programId)
    .groupBy(['w.id', 'w.name'])
    .orderBy(sql`count(*)`, 'desc')
    .limit(10)
    .execute();
}

// Referrals ---------------------------------------------------------------------------------

export async function findReferralCodeOf(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
) {
  return db
    .selectFrom('loyalty_referral_codes')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
}

export async function findReferralCode(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  code: string,
) {
  return db
    .selectFrom('loyalty_referral_codes')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('code', '=', code)
    .executeTakeFirst();
}

/** One code per member; a concurrent second insert keeps the first. */
export async function insertReferralCode(
  db: LoyaltyDb,
  row: { tenant_id: string; program_id: string; code: string; customer_id: string },
): Promise<void> {
  await db
    .insertInto('loyalty_referral_codes')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'program_id', 'customer_id']).doNothing())
    .execute();
}

/** Records a referral; false when the referee was already referred. */
export async function insertReferral(
  db: LoyaltyDb,
  row: {
    tenant_id: string;
    program_id: string;
    referee_id: string;
    referrer_id: string;
    code: string;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('loyalty_referrals')
    .values({ ...row, status: 'pending', qualifying_event_id: null })
    .onConflict((oc) => oc.columns(['tenant_id', 'program_id', 'referee_id']).doNothing())
    .returning('referee_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findReferral(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  refereeId: string,
) {
  return db
    .selectFrom('loyalty_referrals')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('referee_id', '=', refereeId)
    .executeTakeFirst();
}

/** Referrals of these referees, or qualified by these events. */
/** Rewarded referrals whose referrer and referee are both among these customers. */
export function findRewardedReferralsAmong(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerIds: readonly string[],
) {
  return db
    .selectFrom('loyalty_referrals')
    .select(['referrer_id', 'referee_id', 'qualifying_event_id', 'code'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('status', '=', 'rewarded')
    .where('referrer_id', 'in', [...customerIds])
    .where('referee_id', 'in', [...customerIds])
    .execute();
}

export async function findReferralsFor(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  refereeIds: readonly string[],
  eventIds: readonly string[],
) {
  if (refereeIds.length === 0 && eventIds.length === 0) return [];
  return db
    .selectFrom('loyalty_referrals')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where((eb) =>
      eb.or([
        ...(refereeIds.length > 0 ? [eb('referee_id', 'in', [...refereeIds])] : []),
        ...(eventIds.length > 0 ? [eb('qualifying_event_id', 'in', [...eventIds])] : []),
      ]),
    )
    .execute();
}

export async function setReferralStatus(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  refereeId: string,
  status: 'pending' | 'rewarded',
  qualifyingEventId: string | null,
): Promise<void> {
  await db
    .updateTable('loyalty_referrals')
    .set({ status, qualifying_event_id: qualifyingEventId })
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('referee_id', '=', refereeId)
    .execute();
}

// Coupons -----------------------------------------------------------------------------------

/**
 * The codes inserted: those the program already had, in any case, are left out. `codes` are
 * upper-case (`normalCouponCode`), so two of them cannot differ only by case, and the primary
 * key catches a concurrent insert of the same code; a code stored before codes were
 * upper-cased (0314) is matched by its upper case.
 */
export async function insertCoupons(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  rewardId: string,
  codes: readonly string[],
  expiresAt: Date | null,
): Promise<string[]> {
  const added: string[] = [];
  for (const given of chunks(codes, 1000)) {
    const taken = new Set(
      (
        await db
          .selectFrom('loyalty_coupons')
          .select(sql<string>`upper(code)`.as('code'))
          .where('tenant_id', '=', tenantId)
          .where('program_id', '=', programId)
          .where(sql<string>`upper(code)`, '=', anyOf(given, 'text'))
          .execute()
      ).map((row) => row.code),
    );
    const part = given.filter((code) => !taken.has(code));
    if (part.length === 0) continue;
    const rows = await db
      .insertInto('loyalty_coupons')
      .values(
        part.map((code) => ({
          tenant_id: tenantId,
          program_id: programId,
          code,
          reward_id: rewardId,
          customer_id: null,
          redemption_id: null,
          issued_at: null,
          used_at: null,
          expires_at: expiresAt,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning('code')
      .execute();
    for (const row of rows) added.push(row.code);
  }
  return added;
}

export async function countAvailableCoupons(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  rewardId: string,
): Promise<{ total: number; available: number }> {
  const row = await db
    .selectFrom('loyalty_coupons')
    .select([
      sql<number>`count(*)::bigint`.as('total'),
      sql<number>`count(*) filter (where status = 'available')::bigint`.as('available'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('reward_id', '=', rewardId)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), available: Number(row.available) };
}

/** Hands one unexpired code of the pool to a customer; concurrent takers skip each other's. */
export async function issueCoupon(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  rewardId: string,
  customerId: string,
  redemptionId: string,
  now: Date,
) {
  const next = await db
    .selectFrom('loyalty_coupons')
    .select(['code', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('reward_id', '=', rewardId)
    .where('status', '=', 'available')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('code')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!next) return null;
  await db
    .updateTable('loyalty_coupons')
    .set({ status: 'issued', customer_id: customerId, redemption_id: redemptionId, issued_at: now })
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('code', '=', next.code)
    .execute();
  return next;
}

/**
 * A coupon by its code in any case, on the upper(code) index. Codes stored before 0314 may
 * differ only by case: the one spelled as given wins.
 */
export async function findCoupon(db: LoyaltyDb, tenantId: string, programId: string, code: string) {
  return db
    .selectFrom('loyalty_coupons')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where(sql<string>`upper(code)`, '=', code.toUpperCase())
    .orderBy(sql`code = ${code}`, 'desc')
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
}

/** Marks an issued, unexpired coupon used; false when it was not (used already, expired …). */
export async function useCoupon(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('loyalty_coupons')
    .set({ status: 'used', used_at: now })
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('code', '=', code)
    .where('status', '=', 'issued')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The coupons issued to a member, newest first, with their reward's name. */
export async function listMemberCoupons(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  limit: number,
) {
  return db
    .selectFrom('loyalty_coupons as c')
    .innerJoin('loyalty_rewards as r', (join) =>
      join
        .onRef('r.tenant_id', '=', 'c.tenant_id')
        .onRef('r.program_id', '=', 'c.program_id')
        .onRef('r.id', '=', 'c.reward_id'),
    )
    .select(['c.code', 'c.status', 'c.issued_at', 'c.used_at', 'c.expires_at', 'r.name'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.program_id', '=', programId)
    .where('c.customer_id', '=', customerId)
    .where('c.issued_at', 'is not', null)
    .$narrowType<{ issued_at: Date }>()
    .orderBy('c.issued_at', 'desc')
    .orderBy('c.code', 'desc')
    .limit(limit)
    .execute();
}

/** A reward's codes in code order, after `after`, optionally by status and code prefix. */
export async function listCoupons(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  rewardId: string,
  options: {
    status?: string | undefined;
    prefix?: string | undefined;
    after?: string;
    limit: number;
  },
) {
  let query = db
    .selectFrom('loyalty_coupons')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('reward_id', '=', rewardId);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.prefix) {
    // Any case, as lookups are (codes stored before 0314 may be lower-case).
    const escaped = options.prefix.toUpperCase().replace(/[\\%_]/g, (char) => `\\${char}`);
    query = query.where(sql<SqlBool>`upper(code) like ${`${escaped}%`}`);
  }
  if (options.after !== undefined) query = query.where('code', '>', options.after);
  return query.orderBy('code').limit(options.limit).execute();
}

/** The pool of a reward by status; `expired` counts unused codes past their expiry. */
export async function countCouponsByStatus(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  rewardId: string,
  now: Date,
) {
  const row = await db
    .selectFrom('loyalty_coupons')
    .select([
      sql<number>`count(*) filter (where status = 'available')::bigint`.as('available'),
      sql<number>`count(*) filter (where status = 'issued')::bigint`.as('issued'),
      sql<number>`count(*) filter (where status = 'used')::bigint`.as('used'),
      sql<number>`count(*) filter (where status <> 'used' and expires_at <= ${now})::bigint`.as(
        'expired',
      ),
    ])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('reward_id', '=', rewardId)
    .executeTakeFirstOrThrow();
  return {
    available: Number(row.available),
    issued: Number(row.issued),
    used: Number(row.used),
    expired: Number(row.expired),
  };
}

// Partners ----------------------------------------------------------------------------------

export async function insertPartner(
  db: LoyaltyDb,
  row: { tenant_id: string; program_id: string; id: string; name: string },
): Promise<void> {
  await db.insertInto('loyalty_partners').values(row).execute();
}

export async function findPartner(db: LoyaltyDb, tenantId: string, programId: string, id: string) {
  return db
    .selectFrom('loyalty_partners')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listPartners(db: LoyaltyDb, tenantId: string, programId: string) {
  return db
    .selectFrom('loyalty_partners')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .orderBy('created_at')
    .execute();
}

/** What a partner issued and what was burned at it, between two instants. */
export async function partnerTotals(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  partnerId: string,
  from: Date | null,
  to: Date | null,
) {
  const result = await sql<{ earned: number; burned: number; transactions: number }>`
    select
      coalesce(sum(case when kind = 'partner_earn' then points else 0 end), 0)::bigint as earned,
      coalesce(sum(case when kind = 'partner_burn' then points else 0 end), 0)::bigint as burned,
      count(distinct coalesce(redemption_id::text, event_id))::bigint as transactions
    from loyalty_entries
    where tenant_id = ${tenantId} and program_id = ${programId} and partner_id = ${partnerId}
      ${from ? sql`and at >= ${from}` : sql``}
      ${to ? sql`and at < ${to}` : sql``}
  `.execute(db);
  return result.rows[0] ?? { earned: 0, burned: 0, transactions: 0 };
}

// Wallet ------------------------------------------------------------------------------------

export type WalletEntryInsert = {
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
  explanation: Record<string, unknown>;
};

export async function insertWalletEntries(
  db: LoyaltyDb,
  rows: readonly WalletEntryInsert[],
): Promise<void> {
  for (const part of chunks(rows, 500))
    await db
      .insertInto('loyalty_wallet_entries')
      .values(part.map((row) => ({ ...row, explanation: JSON.stringify(row.explanation) })))
      .execute();
}

export async function findWalletSpend(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  key: string,
) {
  return db
    .selectFrom('loyalty_wallet_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function listWalletEntries(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  options: { limit: number; after?: { at: string; id: string } | undefined },
) {
  let query = db
    .selectFrom('loyalty_wallet_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId);
  if (options.after) query = query.where(olderThan(options.after));
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

export async function walletFromEntries(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
): Promise<number> {
  const result = await sql<{ balance: number }>`
    select coalesce(sum(case when credit_account = 'member_wallet' then amount
                             when debit_account = 'member_wallet' then -amount else 0 end), 0)::bigint as balance
    from loyalty_wallet_entries
    where tenant_id = ${tenantId} and program_id = ${programId} and customer_id = ${customerId}
  `.execute(db);
  return Number(result.rows[0]?.balance ?? 0);
}

export async function addWalletDelta(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  delta: number,
): Promise<void> {
  await db
    .updateTable('loyalty_members')
    .set({ wallet_balance: sql`wallet_balance + ${delta}` })
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .execute();
}

/**
 * Expires up to `limit` due lots of members without debt: locks their members (expiry order;
 * every other writer locks a member before touching its lots), then, in a second statement
 * that sees the lots as those writers left them, appends one `expire` entry per lot still open,
 * closes the lots and lowers the cached balances. Returns the number of lots expired. Members
 * with debt go through the general path (their debt is paid before points expire).
 */
export async function expireDueLotsSetBased(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  asOf: Date,
  limit: number,
): Promise<number> {
  // One statement reading the lots while it waited for a member's lock would see them as they
  // were before the lock's holder (a redemption, say) changed them, and expire points already
  // spent: the lock re-reads the locked member, not the lot. Hence two statements.
  const due = await sql<{ id: string }>`
    select l.id
    from loyalty_lots l
    join loyalty_members m
      on m.tenant_id = l.tenant_id and m.program_id = l.program_id and m.customer_id = l.customer_id
    where l.tenant_id = ${tenantId} and l.program_id = ${programId}
      and l.status <> 'closed' and l.expires_at is not null and l.expires_at <= ${asOf}
      and m.debt = 0
    -- Expiry order walks the partial index (expires_at, id) and stops at the limit; the members
    -- are locked in that order, so a deadlock with a concurrent writer is possible: the job
    -- retries.
    order by l.expires_at, l.id
    limit ${limit}
    for no key update of m
  `.execute(db);
  if (due.rows.length === 0) return 0;
  // One JSON parameter (both drivers send it alike) made an array once; `= any(…)` of it is
  // looked up in the primary key, where a join or `in (select …)` would hash the whole table.
  const lotIds = JSON.stringify(due.rows.map((row) => row.id));
  const result = await sql<{ lots: number }>`
    with ids as (
      select array(select jsonb_array_elements_text(${lotIds}::jsonb)::uuid) as list
    ), due as (
      select customer_id, id, remaining, status, expires_at, event_id
      from loyalty_lots
      where tenant_id = ${tenantId} and program_id = ${programId}
        and id = any((select list from ids)::uuid[]) and status <> 'closed'
    ), entries as (
      insert into loyalty_entries (tenant_id, program_id, id, customer_id, at, kind, debit_account,
        credit_account, points, lot_id, event_id, explanation)
      select ${tenantId}::uuid, ${programId}::uuid, gen_random_uuid(), customer_id, ${asOf}::timestamptz, 'expire',
        case when status = 'pending' then 'member_pending' else 'member_available' end,
        'program_expired', remaining, id, event_id,
        jsonb_build_object('why', 'expiry_date', 'lotId', id, 'reason', 'lot reached its expiry date',
          'expiresAt', expires_at)
      from due where remaining > 0
      returning 1
    ), closed as (
      -- The same rows as due (same ids, same snapshot), found by key rather than by a join the
      -- planner would hash over the whole table.
      update loyalty_lots set remaining = 0, status = 'closed'
      where tenant_id = ${tenantId} and program_id = ${programId}
        and id = any((select list from ids)::uuid[]) and status <> 'closed'
      returning 1
    ), sums as (
      select customer_id,
        sum(case when status = 'available' then remaining else 0 end) as available,
        sum(case when status = 'pending' then remaining else 0 end) as pending
      from due group by customer_id
    ), members as (
      update loyalty_members m set
        available = m.available - s.available,
        pending = m.pending - s.pending,
        lifetime_expired = m.lifetime_expired + s.available + s.pending
      from sums s
      where m.tenant_id = ${tenantId} and m.program_id = ${programId} and m.customer_id = s.customer_id
      returning 1
    )
    select (select count(*) from closed)::bigint as lots,
      (select count(*) from entries) + (select count(*) from members) as touched
  `.execute(db);
  return Number(result.rows[0]?.lots ?? 0);
}
