type RandomSource = Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string };

/**
 * A key for one write the user meant once (a confirmed redemption, a submitted form): a retry
 * of that write sends the same key, so the server does it once. `crypto.randomUUID` exists only
 * in secure contexts (HTTPS, localhost), and a member page can be opened over plain HTTP on a
 * shop's network: there a version 4 UUID is made from `getRandomValues`, which exists everywhere.
 */
export function newIdempotencyKey(random: RandomSource = crypto): string {
  if (typeof random.randomUUID === 'function') return random.randomUUID();
  const bytes = random.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
