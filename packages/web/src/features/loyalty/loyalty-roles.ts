import type { Role } from '@fidelis/contracts';

// What the API lets each role do with loyalty (packages/server/src/modules/platform/permissions.ts):
// the UI only hides what would be refused anyway.

/** `loyalty:design`: create and change programs, rules, tiers, rewards, partners. */
export const canDesignLoyalty = (role: Role): boolean => role === 'owner' || role === 'manager';

/** `loyalty:operate`: member links, redemptions, using coupons. */
export const canOperateLoyalty = (role: Role): boolean =>
  role === 'owner' || role === 'manager' || role === 'agent';
