import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { parse as parseUuid, stringify as stringifyUuid } from 'uuid';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

// scrypt from Node's crypto (no native dependency); N=2^15, r=8, p=1 (OWASP's minimum is 2^17
// for N with r=8 when memory allows; 2^15 keeps a login near 50 ms on 2 cores).
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(
    password.normalize('NFKC'),
    Buffer.from(salt, 'base64url'),
    expected.length,
    {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: SCRYPT.maxmem,
    },
  );
  return timingSafeEqual(actual, expected);
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * A bearer credential that names its tenant and record: `PREFIX_<tenant+id, base64url>.<secret>`.
 * Lookups then go by (tenant_id, id), the shape every key in the database has; the secret is
 * stored only as a SHA-256 hash (it is 256 random bits, so a slow hash adds nothing).
 */
export interface Credential {
  tenantId: string;
  id: string;
  secret: string;
}

export function issueCredential(
  prefix: string,
  tenantId: string,
  id: string,
): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  const ids = Buffer.concat([
    Buffer.from(parseUuid(tenantId)),
    Buffer.from(parseUuid(id)),
  ]).toString('base64url');
  return { token: `${prefix}_${ids}.${secret}`, hash: sha256(secret) };
}

export function parseCredential(prefix: string, token: string): Credential | null {
  if (!token.startsWith(`${prefix}_`)) return null;
  const parts = token.slice(prefix.length + 1).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const ids = Buffer.from(parts[0], 'base64url');
  if (ids.length !== 32) return null;
  return {
    tenantId: stringifyUuid(ids.subarray(0, 16)),
    id: stringifyUuid(ids.subarray(16, 32)),
    secret: parts[1],
  };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(sha256(secret));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}
