// Codes people read out loud and type in at the till: coupon and referral codes.
import { randomInt } from 'node:crypto';

/** No 0/O or 1/I, which are mistaken for each other. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `length` characters of CODE_ALPHABET, each drawn uniformly by the CSPRNG. */
export function randomCode(length: number): string {
  let code = '';
  for (let index = 0; index < length; index++)
    code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * `count` different codes `PREFIX-XXXXXXXX` (no dash without a prefix; the prefix is
 * upper-cased), none of them in `taken`.
 */
export function newCouponCodes(
  count: number,
  prefix: string,
  length: number,
  taken: ReadonlySet<string> = new Set(),
): string[] {
  if (count > CODE_ALPHABET.length ** length - taken.size)
    throw new RangeError(`fewer than ${count} codes of ${length} characters are left`);
  const head = prefix ? `${prefix.toUpperCase()}-` : '';
  const codes = new Set<string>();
  while (codes.size < count) {
    const code = head + randomCode(length);
    if (!taken.has(code)) codes.add(code);
  }
  return [...codes];
}

/**
 * A coupon code as stored and looked up: without surrounding spaces, upper-case (the
 * generated codes are; a cashier may type `qa01-abcd`).
 */
export function normalCouponCode(code: string): string {
  return code.trim().toUpperCase();
}
