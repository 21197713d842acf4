// What a customer merge changes in the loyalty tables besides the ledger: whose lots, cap
// usage, redemptions, coupons, warnings, notifications and referrals they are, and the
// merged memberships' tombstones. Set-based: a few statements per program.
import { sql } from 'kysely';
import type { LoyaltyDb } from './loyalty.repository.ts';

/** Memberships of these customers not merged away yet, by program. */
export async function findOpenMemberships(
  db: LoyaltyDb,
  tenantId: string,
  customerIds: readonly string[],
) {
  if (customerIds.length === 0) return [];
  return db
    .selectFrom('loyalty_members')
    .select(['program_id', 'customer_id', 'enrolled_at'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', 'in', [...customerIds])
    .where('merged_into', 'is', null)
    .orderBy('program_id')
    .orderBy('customer_id')
    .execute();
}

/**
 * Members merged away that hold something again: an event recorded for the merged customer
 * while the merge was committing earned on the old membership. With the member they belong to.
 */
export async function findStrandedMembers(db: LoyaltyDb, tenantId: string, programId: string) {
  const rows = await sql<{ customer_id: string; merged_into: string }>`
    select m.customer_id, m.merged_into from loyalty_members m
    where m.tenant_id = ${tenantId} and m.program_id = ${programId} and m.merged_into is not null
      and (m.available <> 0 or m.pending <> 0 or m.wallet_balance <> 0 or exists (
        select 1 from loyalty_lots l
        where l.tenant_id = m.tenant_id and l.program_id = m.program_id
          and l.customer_id = m.customer_id))
    order by m.merged_into, m.customer_id
  `.execute(db);
  return rows.rows;
}

/** The member an id's membership lives under now: itself, or the member it was merged into. */
export async function survivingMember(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
): Promise<string> {
  const row = await db
    .selectFrom('loyalty_members')
    .select(['customer_id', 'merged_into'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row?.merged_into ?? customerId;
}

/** The survivor is a member since the earliest enrolment of the customers merged into it. */
export async function keepEarliestEnrolment(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  survivorId: string,
  enrolledAt: Date,
): Promise<void> {
  await sql`
    update loyalty_members set enrolled_at = least(enrolled_at, ${enrolledAt}::timestamptz)
    where tenant_id = ${tenantId} and program_id = ${programId} and customer_id = ${survivorId}
  `.execute(db);
}

/**
 * Gives the survivor everything of the merged members that is state rather than history:
 * their lots (all of them, so a later refund of their purchases finds the survivor), cap
 * usage, redemptions (per-member limits), coupons, expiry warnings and notifications, a
 * referral code when the survivor has none, and their referrals (pending referrals between
 * the merged customers themselves are dropped: nobody can refer themselves). Then marks them
 * merged, and re-points members merged into them, so merges stay one level deep.
 */
export async function moveMembershipState(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  fromIds: readonly string[],
  survivorId: string,
): Promise<void> {
  const from = sql.join(fromIds.map((id) => sql`${id}::uuid`));
  const all = sql.join([survivorId, ...fromIds].map((id) => sql`${id}::uuid`));
  const scope = sql`tenant_id = ${tenantId} and program_id = ${programId}`;
  for (const table of [
    'loyalty_lots',
    'loyalty_redemptions',
    'loyalty_coupons',
    'loyalty_expiry_warnings',
    'loyalty_notifications',
  ])
    await sql`
      update ${sql.table(table)} set customer_id = ${survivorId}
      where ${scope} and customer_id in (${from})
    `.execute(db);
  await sql`
    insert into loyalty_rule_usage (tenant_id, program_id, rule_id, customer_id, period_key, points)
    select tenant_id, program_id, rule_id, ${survivorId}::uuid, period_key, sum(points)
    from loyalty_rule_usage where ${scope} and customer_id in (${from})
    group by tenant_id, program_id, rule_id, period_key
    order by rule_id, period_key
    on conflict (tenant_id, program_id, rule_id, customer_id, period_key)
      do update set points = loyalty_rule_usage.points + excluded.points
  `.execute(db);
  await sql`
    delete from loyalty_rule_usage where ${scope} and customer_id in (${from})
  `.execute(db);
  await sql`
    update loyalty_referral_codes set customer_id = ${survivorId}
    where ${scope} and code = (
      select code from loyalty_referral_codes
      where ${scope} and customer_id in (${from}) order by created_at, code limit 1)
    and not exists (
      select 1 from loyalty_referral_codes where ${scope} and customer_id = ${survivorId})
  `.execute(db);
  await sql`
    delete from loyalty_referrals
    where ${scope} and status = 'pending' and referrer_id in (${all}) and referee_id in (${all})
  `.execute(db);
  await sql`
    update loyalty_referrals set referrer_id = ${survivorId}
    where ${scope} and referrer_id in (${from}) and referee_id <> ${survivorId}
  `.execute(db);
  await sql`
    update loyalty_referrals set referee_id = ${survivorId}
    where ${scope} and referee_id = (
      select referee_id from loyalty_referrals
      where ${scope} and referee_id in (${from}) and referrer_id <> ${survivorId}
      order by created_at, referee_id limit 1)
    and not exists (select 1 from loyalty_referrals where ${scope} and referee_id = ${survivorId})
  `.execute(db);
  await sql`
    update loyalty_members set merged_into = ${survivorId}
    where ${scope} and (customer_id in (${from}) or merged_into in (${from}))
  `.execute(db);
}
