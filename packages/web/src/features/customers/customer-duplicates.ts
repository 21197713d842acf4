// Other customers who may be the one being entered: they have one of the same emails or phones.
// The server lets customers share them (families share a phone), so the form only warns.
import type { Customer, CustomerKind } from '../../api/api-types.ts';

export type ContactKind = 'email' | 'phone';

/** One email or phone to look for. */
export interface ContactCheck {
  kind: ContactKind;
  /** As the server stores it (see `normalizeContact`). */
  value: string;
}

/** A row of the form's email or phone list (its `ContactValues`). */
interface ContactRow {
  value?: string;
}

/** The form's lists, as `Form.useWatch` gives them (a row may not be there yet). */
interface Contacts {
  emails?: readonly (ContactRow | undefined)[] | undefined;
  phones?: readonly (ContactRow | undefined)[] | undefined;
}
type Found = Pick<Customer, 'id' | 'kind' | 'emails' | 'phones'>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The value the server stores for a typed email or phone, or null where it would refuse it: the
 * same rules as its `normalizeEmail` and `normalizePhone`. Emails are lower-cased; phones keep
 * their digits and a leading `+`, so `138 0013-8000` is `13800138000`.
 */
export function normalizeContact(kind: ContactKind, input: string): string | null {
  if (kind === 'email') {
    const value = input.normalize('NFKC').trim().toLowerCase();
    return EMAIL.test(value) && value.length <= 320 ? value : null;
  }
  const trimmed = input.normalize('NFKC').trim();
  const plus = trimmed.startsWith('+') ? '+' : '';
  const rest = plus ? trimmed.slice(1) : trimmed;
  if (!/^[\d\s\-().]+$/.test(rest)) return null;
  const digits = rest.replace(/\D/g, '');
  return digits.length >= 5 && digits.length <= 20 ? plus + digits : null;
}

/**
 * What two contacts are compared by, and what is searched for: a phone with China's +86 is the
 * same phone without it. (Searched without it, the server finds both `13800138000` and
 * `+8613800138000`.)
 */
export function contactKey(check: ContactCheck): string {
  return check.kind === 'phone' && check.value.startsWith('+86')
    ? check.value.slice(3)
    : check.value;
}

/** Two checks with one id look for the same contact. */
export const checkId = (check: ContactCheck) => `${check.kind}:${contactKey(check)}`;

function* checksOf(values: Contacts): Generator<ContactCheck> {
  for (const [kind, rows] of [
    ['phone', values.phones],
    ['email', values.emails],
  ] as const) {
    for (const row of rows ?? []) {
      const value = normalizeContact(kind, row?.value ?? '');
      if (value !== null) yield { kind, value };
    }
  }
}

/**
 * The distinct valid phones and emails in the form, less those the customer already had when it
 * was opened (`saved`): a phone shared with the family should not warn at every edit.
 */
export function contactsToCheck(values: Contacts, saved: Contacts): ContactCheck[] {
  const had = new Set([...checksOf(saved)].map(checkId));
  const checks = new Map<string, ContactCheck>();
  for (const check of checksOf(values)) {
    const id = checkId(check);
    if (!had.has(id) && !checks.has(id)) checks.set(id, check);
  }
  return [...checks.values()];
}

export function sameChecks(a: readonly ContactCheck[], b: readonly ContactCheck[]): boolean {
  return a.length === b.length && a.every((check, i) => checkId(check) === checkId(b[i]!));
}

/** Whether `customer` has the contact exactly (the search also finds prefixes, names and ids). */
export function hasContact(
  customer: Pick<Customer, 'emails' | 'phones'>,
  check: ContactCheck,
): boolean {
  const list = check.kind === 'email' ? customer.emails : customer.phones;
  const key = contactKey(check);
  return list.some((contact) => {
    const value = normalizeContact(check.kind, contact.value) ?? contact.value;
    return contactKey({ kind: check.kind, value }) === key;
  });
}

export interface LikelyDuplicate<C extends Found = Customer> {
  customer: C;
  /** The form's contacts this customer has too. */
  matched: ContactCheck[];
}

/**
 * The customers found for each contact that have it exactly and are of the form's kind (only
 * those can be merged), other than the customer being edited (`selfId`): one entry per
 * customer, in the order found.
 */
export function likelyDuplicatesOf<C extends Found>(
  found: readonly { check: ContactCheck; customers: readonly C[] }[],
  form: { kind: CustomerKind; selfId: string | null },
): LikelyDuplicate<C>[] {
  const byId = new Map<string, LikelyDuplicate<C>>();
  for (const { check, customers } of found) {
    for (const customer of customers) {
      if (customer.id === form.selfId || customer.kind !== form.kind) continue;
      if (!hasContact(customer, check)) continue;
      const entry = byId.get(customer.id) ?? { customer, matched: [] };
      entry.matched.push(check);
      byId.set(customer.id, entry);
    }
  }
  return [...byId.values()];
}

/**
 * What tells two customers of one name apart, "C001 · 13800138000 · wang.wei@example.cn" (empty
 * when there is nothing): the external id as `externalId` words it, then the primary phone and
 * email, or only the first of them with `oneContact`.
 */
export function customerDetails(
  customer: Pick<Customer, 'externalId' | 'phone' | 'email'>,
  {
    externalId = (id) => id,
    oneContact = false,
  }: { externalId?: (id: string) => string; oneContact?: boolean } = {},
): string {
  const contacts = oneContact
    ? [customer.phone ?? customer.email]
    : [customer.phone, customer.email];
  return [customer.externalId ? externalId(customer.externalId) : null, ...contacts]
    .filter(Boolean)
    .join(' · ');
}
