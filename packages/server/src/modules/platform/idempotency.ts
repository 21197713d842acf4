import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { contextOf } from '../../http/fastify.ts';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../http/app-error.ts';
import * as repo from './platform.repository.ts';
import type { PlatformTables } from './platform.table.ts';

/**
 * Stable hash of a request body: key order does not matter, values do. `crypto.hash` is the
 * one-shot form of createHash/update/digest (the same digest, half the time for short input).
 */
export function hashRequest(body: unknown): string {
  return hash('sha256', canonicalJson(body), 'base64url');
}

/**
 * JSON with object keys sorted (by UTF-16 code units) and undefined members left out. Stored
 * hashes depend on this exact text, so it must never change; written with loops rather than
 * entries/filter/sort/map because every recorded event is hashed (a fifth of a batch's CPU).
 */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * Runs `work` once per (scope, key) — Stripe's idempotency keys. The same key with the same
 * body returns the first result; a different body is a 409 IDEMPOTENCY_CONFLICT. The result
 * is stored in the same transaction as the work, so a crash leaves neither or both.
 */
export async function runIdempotent<DB extends PlatformTables, T>(
  db: Kysely<DB>,
  request: { tenantId: string; scope: string; key: string; body: unknown },
  work: (trx: Kysely<DB>) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  const requestHash = hashRequest(request.body);
  const platformDb = db as unknown as Kysely<PlatformTables>;
  const replay = async (): Promise<IdempotentResult<T> | null> => {
    const found = await repo.findIdempotencyRecord(
      platformDb,
      request.tenantId,
      request.scope,
      request.key,
    );
    if (!found) return null;
    if (found.request_hash !== requestHash) {
      throw new AppError(
        'IDEMPOTENCY_CONFLICT',
        `The key ${request.key} was used before with a different request.`,
        [{ field: 'idempotencyKey', message: 'reused with a different body', reason: 'reused' }],
      );
    }
    return { status: found.status_code, body: found.response as T, replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  const outcome = await db
    .transaction()
    .execute(async (trx) => {
      const result = await work(trx as unknown as Kysely<DB>);
      const stored = await repo.insertIdempotencyRecord(trx as unknown as Kysely<PlatformTables>, {
        tenant_id: request.tenantId,
        scope: request.scope,
        key: request.key,
        request_hash: requestHash,
        status_code: result.status,
        response: JSON.stringify(result.body),
      });
      // A concurrent request with the same key won: undo ours and answer with theirs.
      if (!stored) throw new LostRace();
      return { ...result, replayed: false };
    })
    .catch(async (error: unknown) => {
      if (error instanceof LostRace) return null;
      // A concurrent request with the same key may have done the work first, so that ours
      // failed on it (an external id it took, say): the retry is owed that first result.
      const first = await replay();
      if (first) return first;
      throw error;
    });
  if (outcome) return outcome;
  const winner = await replay();
  if (!winner) throw new Error('idempotency record missing after a lost race');
  return winner;
}

class LostRace extends Error {}

/**
 * Erasure's share of the stored results: a result that was one of these records (its `id`) is
 * replaced by `{ id }` with `status` (e.g. 410), so a retry of the request that created an
 * erased customer neither shows the personal data again nor creates the person anew. The same
 * key with the same body then answers that status. Returns how many results were replaced.
 */
export async function redactIdempotentResults<DB extends PlatformTables>(
  db: Kysely<DB>,
  request: { tenantId: string; scope: string; ids: readonly string[]; status: number },
): Promise<number> {
  if (request.ids.length === 0) return 0;
  return repo.replaceIdempotencyResponses(db as unknown as Kysely<PlatformTables>, request);
}

/**
 * The optional `Idempotency-Key` header of a create: with it, a retry (after a timeout, a lost
 * answer) gets the first result instead of a second record.
 */
export const idempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Send one to retry safely: the same key and body answer the first result'),
});

/**
 * Answers a write (a create, a job's request, a coupon's use) run once per `Idempotency-Key`
 * header when the request has one (`status`, 201 by default, or the first answer again with
 * `idempotent-replayed: true`), else run as it comes. The scope names the operation and its
 * parent (the program of a reward, say), so one key used on two parents is two requests, not a
 * replay of the first; the body (none: `{}`) is what a retry must repeat.
 *
 * @example
 * handler: (request, reply) =>
 *   answerOncePerKey(db, request, reply, { scope: `loyalty.rewards.create:${programId}` },
 *     (trx) => createReward(trx, contextOf(request), programId, request.body)),
 */
export async function answerOncePerKey<DB extends PlatformTables, T>(
  db: Kysely<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { scope: string; status?: 200 | 201 | 202 },
  work: (db: Kysely<DB>) => Promise<T>,
) {
  const { scope, status = 201 } = options;
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return reply.status(status).send(await work(db));
  const result = await runIdempotent(
    db,
    { tenantId: contextOf(request).tenantId, scope, key, body: request.body ?? {} },
    async (trx) => ({ status, body: await work(trx) }),
  );
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  return reply.status(result.status).send(result.body);
}
