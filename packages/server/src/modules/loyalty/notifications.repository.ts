// The notifications outbox and the expiry warnings it is made from: the only code that
// queries loyalty_notifications.
import { sql, type Selectable } from 'kysely';
import type { LoyaltyDb } from './loyalty.repository.ts';
import type { LoyaltyNotificationsTable } from './loyalty.table.ts';

export type NotificationRow = Selectable<LoyaltyNotificationsTable>;
export type NotificationInsert = Omit<NotificationRow, 'created_at'>;

/** Warnings no notification covers yet, of lots expiring after `asOf`; locked until commit. */
export async function lockUnnotifiedWarnings(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  asOf: Date,
) {
  return db
    .selectFrom('loyalty_expiry_warnings')
    .select(['lot_id', 'customer_id', 'points', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('program_id', '=', programId)
    .where('notification_id', 'is', null)
    .where('expires_at', '>', asOf)
    .orderBy('customer_id')
    .orderBy('lot_id')
    .forUpdate()
    .execute();
}

export async function insertNotifications(
  db: LoyaltyDb,
  rows: readonly NotificationInsert[],
): Promise<void> {
  for (let index = 0; index < rows.length; index += 500)
    await db
      .insertInto('loyalty_notifications')
      .values(rows.slice(index, index + 500))
      .execute();
}

export async function markWarningsNotified(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  marks: readonly { lotId: string; notificationId: string }[],
): Promise<void> {
  for (let index = 0; index < marks.length; index += 500) {
    const values = sql.join(
      marks
        .slice(index, index + 500)
        .map((mark) => sql`(${mark.lotId}::uuid, ${mark.notificationId}::uuid)`),
    );
    await sql`
      update loyalty_expiry_warnings w set notification_id = v.notification_id
      from (values ${values}) as v(lot_id, notification_id)
      where w.tenant_id = ${tenantId} and w.program_id = ${programId} and w.lot_id = v.lot_id
    `.execute(db);
  }
}

/** A page of the tenant's notifications in id (creation) order, after `after`. */
export async function listNotifications(
  db: LoyaltyDb,
  tenantId: string,
  options: {
    status?: string | undefined;
    programId?: string | undefined;
    customerId?: string | undefined;
    after?: string | undefined;
    limit: number;
  },
): Promise<NotificationRow[]> {
  let query = db.selectFrom('loyalty_notifications').selectAll().where('tenant_id', '=', tenantId);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.programId) query = query.where('program_id', '=', options.programId);
  if (options.customerId) query = query.where('customer_id', '=', options.customerId);
  if (options.after) query = query.where('id', '>', options.after);
  return query.orderBy('id').limit(options.limit).execute();
}

export async function findNotification(
  db: LoyaltyDb,
  tenantId: string,
  id: string,
): Promise<NotificationRow | undefined> {
  return db
    .selectFrom('loyalty_notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Marks a pending notification sent; false when it was not pending. */
export async function markNotificationSent(
  db: LoyaltyDb,
  tenantId: string,
  id: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('loyalty_notifications')
    .set({ status: 'sent', sent_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Points of a member's warned lots still open, by expiry date, from `now` on. */
export async function warnedExpiries(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
  customerId: string,
  now: Date,
) {
  return db
    .selectFrom('loyalty_expiry_warnings as w')
    .innerJoin('loyalty_lots as l', (join) =>
      join
        .onRef('l.tenant_id', '=', 'w.tenant_id')
        .onRef('l.program_id', '=', 'w.program_id')
        .onRef('l.id', '=', 'w.lot_id'),
    )
    .select(['w.expires_at', sql<number>`sum(l.remaining)::bigint`.as('points')])
    .where('w.tenant_id', '=', tenantId)
    .where('w.program_id', '=', programId)
    .where('l.customer_id', '=', customerId)
    .where('l.status', '<>', 'closed')
    .where('l.remaining', '>', 0)
    .where('w.expires_at', '>', now)
    .groupBy('w.expires_at')
    .orderBy('w.expires_at')
    .execute();
}

/** The tenant's programs' time zones, for the messages' dates. */
export async function programTimeZones(db: LoyaltyDb, tenantId: string) {
  const rows = await db
    .selectFrom('loyalty_programs')
    .select(['id', 'time_zone'])
    .where('tenant_id', '=', tenantId)
    .execute();
  return new Map(rows.map((row) => [row.id, row.time_zone]));
}
