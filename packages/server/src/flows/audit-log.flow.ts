// The audit log's names for what other modules own: the platform lists the entries, this flow
// names the customers, loyalty members and referrals (by their customer) and the loyalty
// records of a page, one query per kind of thing on it.
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { describeCustomers, type CustomersTables } from '../modules/customers/index.ts';
import {
  loyaltyRecordNames,
  namedLoyaltyRecords,
  type LoyaltyTables,
  type NamedLoyaltyRecord,
} from '../modules/loyalty/index.ts';
import { isUuid, type AuditTargetNames } from '../modules/platform/index.ts';

/** The customer an entry of this type is about (members and referrals: `programId:customerId`). */
const customerOf: Record<string, (entityId: string) => string | undefined> = {
  customer: (id) => id,
  loyalty_member: (id) => id.split(':')[1],
  loyalty_referral: (id) => id.split(':')[1],
};

const isNamedLoyaltyRecord = (type: string): type is NamedLoyaltyRecord =>
  (namedLoyaltyRecords as readonly string[]).includes(type);

/**
 * Names other modules' entities on a page of audit entries, as they are now: a customer by the
 * name their record holds (an erased customer's is empty, so none), a program, reward or
 * partner by its name; anything deleted, of another tenant, or without a name stays unnamed.
 */
export function auditTargetNames(db: Kysely<Database>): AuditTargetNames {
  return async (tenantId, idsByType) => {
    const customerIds = new Set<string>();
    const loyaltyIds: Partial<Record<NamedLoyaltyRecord, readonly string[]>> = {};
    for (const [type, ids] of idsByType) {
      const toCustomer = customerOf[type];
      if (toCustomer)
        for (const id of ids) {
          const customerId = toCustomer(id);
          if (customerId && isUuid(customerId)) customerIds.add(customerId);
        }
      else if (isNamedLoyaltyRecord(type)) loyaltyIds[type] = ids.filter(isUuid);
    }
    const [customers, loyalty] = await Promise.all([
      describeCustomers(db as unknown as Kysely<CustomersTables>, tenantId, [...customerIds]),
      loyaltyRecordNames(db as unknown as Kysely<LoyaltyTables>, tenantId, loyaltyIds),
    ]);
    const names = new Map<string, ReadonlyMap<string, string>>(loyalty);
    for (const [type, ids] of idsByType) {
      const toCustomer = customerOf[type];
      if (!toCustomer) continue;
      const named = new Map<string, string>();
      for (const id of ids) {
        const name = customers.get(toCustomer(id) ?? '')?.name;
        if (name) named.set(id, name);
      }
      names.set(type, named);
    }
    return names;
  };
}
