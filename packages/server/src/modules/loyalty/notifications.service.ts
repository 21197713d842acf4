// Notifications to members, as an outbox: the expiry-warnings job makes one per member and
// expiry date ("N points expire on D") on the channel the customers module chooses; whoever
// delivers them (the engagement module, an integration) lists the pending ones and marks each
// delivered. Nothing here sends anything.
import { newId } from '../../db/ids.ts';
import type { z } from 'zod';
import type { loyaltyNotification, notificationListQuery } from '@fidelis/contracts';
import { decodeCursor, encodeCursor, recordAudit } from '../platform/index.ts';
import { AppError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import type { LoyaltyDb } from './loyalty.repository.ts';
import * as repo from './notifications.repository.ts';
import { warnExpiringPoints } from './ledger.service.ts';
import type { LoyaltyServiceDb, Program } from './programs.service.ts';
import { localDate } from './time-zone.ts';

/** The channels a loyalty notification may go out on, in order of preference. */
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'wechat'] as const;

/**
 * Chooses each customer's channel (null: none they consented to), reading in `trx`. The
 * customers module answers; loyalty does not see consent or contacts.
 */
export type ChooseChannels = (
  trx: LoyaltyDb,
  tenantId: string,
  customerIds: readonly string[],
) => Promise<Map<string, string | null>>;

function dayOf(at: Date, timeZone: string): string {
  const day = localDate(at, timeZone);
  return `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

function messageOf(points: number, expiresAt: Date, timeZone: string): string {
  return `${points} points expire on ${dayOf(expiresAt, timeZone)}`;
}

/**
 * Makes a notification for every (member, expiry day in the program time zone) among the
 * warnings not yet notified, dated by its earliest lot, in the caller's transaction: the
 * warnings are locked and marked, so each is told once. Returns how many it made.
 */
export async function notifyExpiringPoints(
  trx: LoyaltyDb,
  program: Program,
  asOf: Date,
  chooseChannels: ChooseChannels,
): Promise<number> {
  const warnings = await repo.lockUnnotifiedWarnings(trx, program.tenantId, program.id, asOf);
  if (warnings.length === 0) return 0;
  const groups = new Map<string, repo.NotificationInsert>();
  const marks: { lotId: string; notificationId: string }[] = [];
  for (const warning of warnings) {
    const key = `${warning.customer_id}|${dayOf(warning.expires_at, program.timeZone)}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        tenant_id: program.tenantId,
        program_id: program.id,
        id: newId(),
        customer_id: warning.customer_id,
        kind: 'points_expiring',
        points: 0,
        expires_at: warning.expires_at,
        channel: null,
        status: 'suppressed',
        sent_at: null,
      };
      groups.set(key, group);
    }
    group.points += Number(warning.points);
    if (warning.expires_at < group.expires_at) group.expires_at = warning.expires_at;
    marks.push({ lotId: warning.lot_id, notificationId: group.id });
  }
  const channels = await chooseChannels(trx, program.tenantId, [
    ...new Set(warnings.map((warning) => warning.customer_id)),
  ]);
  for (const group of groups.values()) {
    group.channel = channels.get(group.customer_id) ?? null;
    group.status = group.channel ? 'pending' : 'suppressed';
  }
  await repo.insertNotifications(trx, [...groups.values()]);
  await repo.markWarningsNotified(trx, program.tenantId, program.id, marks);
  return groups.size;
}

/** The expiry-warnings job's work when notifications are wanted: warn, then notify. */
export function warnAndNotify(chooseChannels: ChooseChannels) {
  return async (trx: LoyaltyServiceDb, program: Program, asOf: Date): Promise<number> => {
    const warned = await warnExpiringPoints(trx, program, asOf);
    await notifyExpiringPoints(trx, program, asOf, chooseChannels);
    return warned;
  };
}

type Notification = z.infer<typeof loyaltyNotification>;

function notificationView(row: repo.NotificationRow, timeZone: string): Notification {
  return {
    id: row.id,
    programId: row.program_id,
    customerId: row.customer_id,
    kind: 'points_expiring',
    points: Number(row.points),
    expiresAt: row.expires_at.toISOString(),
    channel: row.channel,
    status: row.status as Notification['status'],
    message: messageOf(Number(row.points), row.expires_at, timeZone),
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}

/** `GET /v1/loyalty/notifications`: the outbox in creation order, filtered, keyset-paged. */
export async function listNotifications(
  db: LoyaltyDb,
  context: RequestContext,
  query: z.infer<typeof notificationListQuery>,
) {
  const after = query.cursor ? decodeCursor(query.cursor, { id: 'uuid' }).id : undefined;
  const rows = await repo.listNotifications(db, context.tenantId, {
    status: query.status,
    programId: query.programId,
    customerId: query.customerId,
    after,
    limit: query.limit + 1,
  });
  const zones = await repo.programTimeZones(db, context.tenantId);
  const items = rows
    .slice(0, query.limit)
    .map((row) => notificationView(row, zones.get(row.program_id) ?? 'UTC'));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ id: last.id }) : null,
  };
}

/**
 * Marks a notification delivered. Marking it again answers the same (a retry is safe); a
 * suppressed one (no channel the customer consented to) is a 409.
 */
export async function markNotificationDelivered(
  db: LoyaltyServiceDb,
  context: RequestContext,
  id: string,
  now = new Date(),
): Promise<Notification> {
  return db.transaction().execute(async (trx: LoyaltyServiceDb) => {
    const found = await repo.findNotification(trx, context.tenantId, id);
    if (!found) throw new AppError('NOT_FOUND', `No notification ${id}.`);
    if (found.status === 'suppressed')
      throw new AppError('CONFLICT', 'The customer consented to no channel for this message.', [
        { field: 'id', message: 'suppressed: nothing may be sent', reason: 'suppressed' },
      ]);
    if (await repo.markNotificationSent(trx, context.tenantId, id, now))
      await recordAudit(trx, context, {
        action: 'loyalty.notification.delivered',
        entityType: 'loyalty_notification',
        entityId: id,
      });
    const row = await repo.findNotification(trx, context.tenantId, id);
    if (!row) throw new Error('notification vanished');
    return notificationView(
      row,
      (await repo.programTimeZones(trx, context.tenantId)).get(row.program_id) ?? 'UTC',
    );
  });
}

/** What the member page says about points about to expire: "N points expire on D". */
export async function expiryNotices(
  db: LoyaltyDb,
  program: Program,
  customerId: string,
  now: Date,
) {
  const byDay = new Map<string, { points: number; expiresAt: Date }>();
  for (const row of await repo.warnedExpiries(db, program.tenantId, program.id, customerId, now)) {
    const day = dayOf(row.expires_at, program.timeZone);
    const found = byDay.get(day);
    if (found) found.points += Number(row.points);
    else byDay.set(day, { points: Number(row.points), expiresAt: row.expires_at });
  }
  return [...byDay.values()].map((notice) => ({
    points: notice.points,
    expiresAt: notice.expiresAt.toISOString(),
    message: messageOf(notice.points, notice.expiresAt, program.timeZone),
  }));
}
