/**
 * Customers: people and organisations, their contacts, tags, typed attributes, consent,
 * organisation members, CSV import/export, merge and erasure.
 *
 * Other modules reference customers by id. Facts recorded against a customer that is later
 * merged keep the old id: read a timeline with `customerIdsOf(db, tenantId, survivorId)`.
 *
 * @example
 * const [id] = await resolveCustomerRefs(db, context, [{ customerExternalId: 'crm-42' }], {
 *   createMissing: true,
 * });
 * const ids = await customerIdsOf(db, context.tenantId, id!); // [survivor, ...merged]
 */
export type { CustomersTables } from './customers.table.ts';
export { customersMigrations } from './customers.migrations.ts';
export {
  resolveCustomerRefs,
  readCustomerRefs,
  countCustomers,
  customerIdsOf,
  resolveMergedCustomerId,
  type CustomerRef,
  type CustomerRefsRead,
} from './customer-refs.ts';
export { registerCustomersRoutes, type CustomersRouteDeps } from './customers.routes.ts';
export { importCustomers, type ImportOptions } from './customer-import.ts';
export {
  getCustomer,
  listCustomers,
  createCustomer,
  updateCustomer,
  eraseCustomer,
  mergeCustomers,
} from './customers.service.ts';
export { resolveExternalIdsBulk } from './customers.bulk.ts';
export {
  channelsToReach,
  describeCustomers,
  describeCustomerReach,
  type CustomerReach,
  customersShareContact,
  findCustomersBornOn,
  findTagsOf,
  customerSearch,
} from './customer-lookups.ts';
