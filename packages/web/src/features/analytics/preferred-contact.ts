import type { ValueAtRisk } from '@fidelis/contracts';

type Reachable = Pick<ValueAtRisk['items'][number], 'phone' | 'email' | 'preferredChannel'>;

/**
 * The contact to use first: the email for a customer who prefers email, otherwise the phone
 * (calls, SMS and WeChat all reach a Chinese customer by their mobile number), and whichever
 * exists when the preferred one is missing. Null when the customer left neither.
 *
 * @example
 * preferredContact({ phone: '13800138000', email: 'a@example.com', preferredChannel: 'email' });
 * // { kind: 'email', value: 'a@example.com', href: 'mailto:a@example.com' }
 */
export function preferredContact(
  customer: Reachable,
): { kind: 'phone' | 'email'; value: string; href: string } | null {
  const phone = customer.phone
    ? { kind: 'phone' as const, value: customer.phone, href: `tel:${customer.phone}` }
    : null;
  const email = customer.email
    ? { kind: 'email' as const, value: customer.email, href: `mailto:${customer.email}` }
    : null;
  return customer.preferredChannel === 'email' ? (email ?? phone) : (phone ?? email);
}
