import type { TFunction } from 'i18next';
import type { AuditEntry } from '@fidelis/contracts';
import { startOfDayIn } from '../../i18n/zoned-date.ts';

/** The actions the server writes, in the groups the action filter shows them in. */
export const auditActionGroups = [
  {
    group: 'customers',
    actions: [
      'customer.create',
      'customer.update',
      'customer.consent',
      'customer.merge',
      'customer.erase',
      'customer.import',
      'customer.member.add',
      'customer.member.remove',
      'customer.tag',
      'customer.untag',
      'customer_attribute.create',
      'customer_attribute.update',
      'customer_attribute.delete',
    ],
  },
  {
    group: 'loyalty',
    actions: [
      'loyalty.program.created',
      'loyalty.program.updated',
      'loyalty.rules.published',
      'loyalty.member.enrolled',
      'loyalty.points.adjusted',
      'loyalty.points.redeemed',
      'loyalty.action.awarded',
      'loyalty.wallet.spent',
      'loyalty.reward.created',
      'loyalty.reward.updated',
      'loyalty.coupons.added',
      'loyalty.coupon.used',
      'loyalty.referral.created',
      'loyalty.referral_code.created',
      'loyalty.partner.created',
      'loyalty.notification.delivered',
    ],
  },
  { group: 'data', actions: ['events.imported', 'scores.run_requested'] },
  {
    group: 'account',
    actions: [
      'user.created',
      'user.updated',
      'api_key.created',
      'api_key.revoked',
      'tenant.created',
    ],
  },
] as const;

const knownActions = new Set<string>(auditActionGroups.flatMap((group) => group.actions));

/** The kinds of thing entries are about, as the entity filter lists them. */
export const auditEntityTypes = [
  'customer',
  'customer_attribute',
  'loyalty_program',
  'loyalty_member',
  'loyalty_reward',
  'loyalty_coupon',
  'loyalty_redemption',
  'loyalty_referral',
  'loyalty_partner',
  'loyalty_notification',
  'event',
  'job',
  'user',
  'api_key',
  'tenant',
] as const;

const knownEntityTypes = new Set<string>(auditEntityTypes);

/** "Customer updated" / "更新客户"; an action this UI does not know yet as the server wrote it. */
export function actionLabel(t: TFunction, action: string): string {
  return knownActions.has(action) ? t(`audit.actions.${action.replaceAll('.', '_')}`) : action;
}

export function entityTypeLabel(t: TFunction, entityType: string): string {
  return knownEntityTypes.has(entityType) ? t(`audit.entities.${entityType}`) : entityType;
}

/** The fields entries name most, in words (audit.i18n.ts); any other as its key. */
export function fieldLabel(t: TFunction, field: string): string {
  return field ? t(`audit.fields.${field}`, { defaultValue: field }) : field;
}

/**
 * Where the UI words the values of the enumerations entries hold, by field: a user's role reads
 * "Agent" / "专员", not `agent`. Values it has no word for, and every other field, as stored.
 */
const valueWords: Record<string, string> = {
  role: 'roles',
  kind: 'customers.kinds',
  gender: 'customer360.genders',
  source: 'customer360.sources',
  preferredChannel: 'timeline.channels',
  locale: 'users.locales',
};

export function valueLabel(t: TFunction, field: string, value: string | null): string | null {
  const words = valueWords[field];
  if (value === null || !words) return value;
  return t(`${words}.${value}`, { defaultValue: value });
}

/**
 * Where the page of an entry's entity is, when the UI has one; for a loyalty record of one
 * customer (a redemption, a referral, a coupon used …), which has no page of its own, the
 * customer's, named by the entry's `customerId`.
 */
export function entityPath(
  entry: Pick<AuditEntry, 'entityType' | 'entityId'> & Partial<Pick<AuditEntry, 'after'>>,
): string | null {
  const id = entry.entityId;
  if (!id) return null;
  const customerId = (entry.after as { customerId?: unknown } | null | undefined)?.customerId;
  if (entry.entityType.startsWith('loyalty_') && typeof customerId === 'string' && customerId)
    return `/customers/${encodeURIComponent(customerId)}`;
  switch (entry.entityType) {
    case 'customer':
      return `/customers/${encodeURIComponent(id)}`;
    case 'loyalty_program':
      return `/loyalty/programs/${encodeURIComponent(id)}`;
    case 'loyalty_member': {
      // programId:customerId: the member is the customer, on their 360 page.
      const customerId = id.split(':')[1];
      return customerId ? `/customers/${encodeURIComponent(customerId)}` : null;
    }
    default:
      return null;
  }
}

/** A value as one line: text as it is, anything else as compact JSON; nothing as null. */
export function compactValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export interface ChangeRow {
  field: string;
  before: string | null;
  after: string | null;
}

/**
 * What an entry changed, field by field: for an update the fields whose value differs, for a
 * creation every field given a value (its after), for a removal every field it had (its
 * before). An erased customer's entries keep only which fields were taken out.
 */
export type Change =
  | { kind: 'fields'; rows: ChangeRow[]; hasBefore: boolean; hasAfter: boolean }
  | { kind: 'erased'; fields: string[] };

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErased(value: unknown): value is { erased: true; fields?: unknown } {
  return isFields(value) && value.erased === true;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isFields(value) && Object.keys(value).length === 0;
}

export function changeOf(entry: Pick<AuditEntry, 'before' | 'after'>): Change {
  const { before, after } = entry;
  if (isErased(before) || isErased(after)) {
    const fields = [before, after].flatMap((side) =>
      isErased(side) && Array.isArray(side.fields) ? side.fields.map(String) : [],
    );
    return { kind: 'erased', fields: [...new Set(fields)] };
  }
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;
  if (isFields(before) && isFields(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const rows = keys
      .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .map((key) => ({
        field: key,
        before: compactValue(before[key]),
        after: compactValue(after[key]),
      }));
    return { kind: 'fields', rows, hasBefore, hasAfter };
  }
  const only = hasAfter ? after : before;
  if (isFields(only) && !(hasBefore && hasAfter)) {
    const rows = Object.entries(only)
      .filter(([, value]) => !isEmpty(value))
      .map(([field, value]) => ({
        field,
        before: hasBefore ? compactValue(value) : null,
        after: hasAfter ? compactValue(value) : null,
      }));
    return { kind: 'fields', rows, hasBefore, hasAfter };
  }
  // Something other than a record of fields (a list, a number): one row of the whole value.
  const rows =
    hasBefore || hasAfter
      ? [{ field: '', before: compactValue(before), after: compactValue(after) }]
      : [];
  return { kind: 'fields', rows, hasBefore, hasAfter };
}

/**
 * A period of whole days in the tenant's zone as the API's instants: `to` is exclusive, so it
 * is the start of the day after the last day chosen.
 */
export function periodInstants(
  fromDay: string,
  toDay: string,
  timeZone: string,
): { from?: string; to?: string } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  return {
    ...(day.test(fromDay) ? { from: startOfDayIn(fromDay, timeZone) } : {}),
    ...(day.test(toDay) ? { to: startOfDayIn(toDay, timeZone, 1) } : {}),
  };
}
