import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { RequestContext } from '../http/request-context.ts';
import { eraseEventTexts, type ActivityTables } from '../modules/activity/index.ts';
import {
  customerIdsOf,
  eraseCustomer,
  resolveMergedCustomerId,
  type CustomersTables,
} from '../modules/customers/index.ts';
import { eraseMemberNotes, type LoyaltyTables } from '../modules/loyalty/index.ts';
import {
  redactAudit,
  redactIdempotentResults,
  type PlatformTables,
} from '../modules/platform/index.ts';

function narrow<Tables>(db: Kysely<Database>): Kysely<Tables> {
  return db as unknown as Kysely<Tables>;
}

/**
 * Erasure at the customer's request across the modules, in one transaction: the customers
 * module wipes the profile of the customer and of every customer merged into it; the timeline
 * keeps the interactions' facts but loses their free text; the stored result of the request
 * that created the customer (an Idempotency-Key's replay) keeps only the id and answers 410;
 * the audit log keeps who changed what and when, and which fields, without the values; the
 * loyalty ledger keeps the points but loses the notes staff wrote on adjustments.
 * Erasing again changes nothing more.
 */
export async function eraseCustomerFlow(
  db: Kysely<Database>,
  context: RequestContext,
  id: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { tenantId } = context;
    await eraseCustomer(narrow<CustomersTables & PlatformTables>(trx), context, id);
    const survivor = (await resolveMergedCustomerId(narrow(trx), tenantId, id)) ?? id;
    const ids = await customerIdsOf(narrow<CustomersTables>(trx), tenantId, survivor);
    await eraseEventTexts(narrow<ActivityTables>(trx), tenantId, ids);
    await redactAudit(narrow<PlatformTables>(trx), {
      tenantId,
      entityType: 'customer',
      entityIds: ids,
      keep: 'customer.erase',
    });
    // Loyalty keeps the points as anonymous facts; the notes staff wrote on the person's points
    // adjustments go, and so do the values of the audit entries of their memberships and
    // referrals (keyed `programId:customerId`), which hold those notes too.
    const { programIds } = await eraseMemberNotes(narrow<LoyaltyTables>(trx), tenantId, ids);
    const memberKeys = programIds.flatMap((programId) => ids.map((id) => `${programId}:${id}`));
    for (const entityType of ['loyalty_member', 'loyalty_referral']) {
      await redactAudit(narrow<PlatformTables>(trx), {
        tenantId,
        entityType,
        entityIds: memberKeys,
        keep: 'customer.erase',
      });
    }
    await redactIdempotentResults(narrow<PlatformTables>(trx), {
      tenantId,
      scope: 'customers.create',
      ids,
      status: 410,
    });
  });
}
