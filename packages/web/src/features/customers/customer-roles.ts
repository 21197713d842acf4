import type { Role } from '@fidelis/contracts';

// What the API lets each role do with customers (packages/server/src/modules/platform/permissions.ts):
// the UI only hides what would be refused anyway.

/** `customers:write`: create, edit, merge, tags, consent. */
export const canWriteCustomers = (role: Role): boolean =>
  role === 'owner' || role === 'manager' || role === 'agent';

/** `customers:erase`: erase a customer's personal data. */
export const canEraseCustomers = (role: Role): boolean => role === 'owner' || role === 'manager';

/** `platform:admin`: define the tenant's custom customer attributes. */
export const canDefineAttributes = (role: Role): boolean => role === 'owner';
