import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import type { RequestContext } from '../http/request-context.ts';
import {
  customerIdsOf,
  mergeCustomers,
  type CustomersRouteDeps,
  type CustomersTables,
} from '../modules/customers/index.ts';
import { mergeLoyaltyMembers, type LoyaltyTables } from '../modules/loyalty/index.ts';
import type { PlatformTables } from '../modules/platform/index.ts';
import { eraseCustomerFlow } from './erase-customer.flow.ts';

function narrow<Tables>(db: Kysely<Database>): Kysely<Tables> {
  return db as unknown as Kysely<Tables>;
}

/**
 * Merges a duplicate customer into a survivor and, in the same transaction, moves the
 * loyalty memberships of every customer merged into the survivor (the duplicate, and those
 * merged into it before) to the survivor. A retry answers the same and moves nothing twice.
 */
export async function mergeCustomersFlow(
  db: Kysely<Database>,
  context: RequestContext,
  survivorId: string,
  duplicateId: string,
) {
  return db.transaction().execute(async (trx) => {
    // The same transaction, seen with the customers module's tables (Kysely's transaction
    // type of the wider schema does not narrow by itself).
    const customer = await mergeCustomers(
      narrow<CustomersTables & PlatformTables>(trx),
      context,
      survivorId,
      duplicateId,
    );
    const ids = await customerIdsOf(narrow<CustomersTables>(trx), context.tenantId, customer.id);
    await mergeLoyaltyMembers(narrow<LoyaltyTables>(trx), context.tenantId, customer.id, ids);
    return customer;
  });
}

/** The customers routes' dependencies on the flows. */
export function customersRouteDeps(database: DatabaseHandle): CustomersRouteDeps {
  return {
    db: database.db,
    database,
    mergeCustomers: (context, survivorId, duplicateId) =>
      mergeCustomersFlow(database.db, context, survivorId, duplicateId),
    eraseCustomer: (context, id) => eraseCustomerFlow(database.db, context, id),
  };
}
