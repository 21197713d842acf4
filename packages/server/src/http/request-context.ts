import type { Role } from '@fidelis/contracts';

/** Who is acting, for permission checks and the audit log. */
export interface Actor {
  /** customer: the customer themself, through a signed link (id: the customer's). */
  type: 'user' | 'api_key' | 'system' | 'customer';
  id: string | null;
  role: Role;
  /** Set when an API key belongs to a loyalty partner. */
  partnerId: string | null;
}

/** What every service call knows about its caller. */
export interface RequestContext {
  tenantId: string;
  actor: Actor;
  requestId: string | null;
}
