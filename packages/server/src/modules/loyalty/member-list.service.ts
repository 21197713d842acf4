// The program's member list for loyalty managers: paged by keyset, searchable by the customer
// search, filterable by tier, sorted by balance, lifetime points, last activity or enrolment.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Expression } from 'kysely';
import type { z } from 'zod';
import type {
  loyaltyMemberExportQuery,
  loyaltyMemberList,
  loyaltyMemberListQuery,
} from '@fidelis/contracts';
import { decodeCursor, encodeCursor } from '../platform/index.ts';
import { AppError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import * as repo from './loyalty.repository.ts';
import type { LoyaltyDb, MemberSortColumn } from './loyalty.repository.ts';
import { loadProgram, noSuchTier } from './programs.service.ts';
import { levelOf } from './tiers.ts';

type MemberListQuery = z.output<typeof loyaltyMemberListQuery>;
type MemberList = z.infer<typeof loyaltyMemberList>;

/**
 * The live customers of the tenant a search finds (not merged, not erased): a subquery of their
 * ids to filter the members by, or null when it finds none (the customers module answers).
 */
export type SearchCustomers = (
  tenantId: string,
  q: string,
) => Promise<Expression<{ id: string }> | null>;

/** Name and external id of each customer (the customers module answers). */
export type DescribeCustomers = (
  tenantId: string,
  customerIds: readonly string[],
) => Promise<Map<string, { name: string; externalId: string | null }>>;

/** What the repository's `sort_key` looks like: an integer, or an instant to the microsecond. */
const KEY: Record<MemberSortColumn, RegExp> = {
  available: /^-?\d{1,19}$/,
  lifetimeEarned: /^-?\d{1,19}$/,
  lastActivityAt: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
  enrolledAt: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
};

function invalidCursor(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, [
    { field: 'cursor', message: 'invalid cursor', reason: 'invalid_value' },
  ]);
}

/** Where the previous page ended; a cursor of another sort is refused, never reread. */
function positionOf(cursor: string, sort: MemberListQuery['sort'], by: MemberSortColumn) {
  const position = decodeCursor(cursor, { sort: 'text', key: 'text', id: 'uuid' });
  if (position.sort !== sort) throw invalidCursor('The cursor belongs to another sort order.');
  if (!KEY[by].test(position.key)) throw invalidCursor('The cursor is not one this list gave out.');
  return { key: position.key, customerId: position.id };
}

/**
 * The program's members (not merged away), `sort` first and ties by customer id, a page at a
 * time: `q` keeps those the customer search finds, `tier` those in a tier (`none`: without
 * one; a code the program's tiers do not have is a 400). Names come from the customers module
 * for the page only.
 *
 * @example
 * await listMembers(db, context, programId, { sort: '-available', tier: 'gold', limit: 50 }, deps);
 * // { items: [{ customerId, name: '张伟', tier: { code: 'gold', name: 'Gold' }, available: 3200, … }],
 * //   nextCursor: 'eyJzb3J0Ijoi…' }
 */
export async function listMembers(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  query: MemberListQuery,
  customers: { search: SearchCustomers; describe: DescribeCustomers },
): Promise<MemberList> {
  const tenantId = context.tenantId;
  const program = await loadProgram(db, tenantId, programId);
  const tier = query.tier === 'none' ? null : query.tier;
  if (tier && program.tiers && !levelOf(program.tiers, tier)) throw noSuchTier(tier);
  const sort = {
    by: query.sort.replace(/^-/, '') as MemberSortColumn,
    descending: query.sort.startsWith('-'),
  };
  const after = query.cursor ? positionOf(query.cursor, query.sort, sort.by) : undefined;
  let searched: Expression<{ id: string }> | undefined;
  if (query.q !== undefined) {
    searched = (await customers.search(tenantId, query.q)) ?? undefined;
    if (!searched) return { items: [], nextCursor: null };
  }
  const now = new Date();
  const rows = await repo.listMembers(db, tenantId, programId, {
    sort,
    tier,
    searched,
    ...(query.expiringWithin
      ? {
          expiring: {
            from: now,
            until: new Date(now.getTime() + query.expiringWithin * 86_400_000),
          },
        }
      : {}),
    after,
    limit: query.limit + 1,
  });
  const pageRows = rows.slice(0, query.limit);
  const names = await customers.describe(
    tenantId,
    pageRows.map((row) => row.customer_id),
  );
  const last = rows.length > query.limit ? pageRows.at(-1) : undefined;
  return {
    items: pageRows.map((row) => {
      const customer = names.get(row.customer_id);
      const code = row.tier_code;
      return {
        customerId: row.customer_id,
        name: customer?.name ?? '',
        externalId: customer?.externalId ?? null,
        // A code the program's tiers no longer have is named by itself.
        tier:
          code === null
            ? null
            : { code, name: (program.tiers && levelOf(program.tiers, code)?.name) ?? code },
        available: Number(row.available),
        pending: Number(row.pending),
        lifetimeEarned: Number(row.lifetime_earned),
        enrolledAt: row.enrolled_at.toISOString(),
        lastActivityAt: row.last_activity_at?.toISOString() ?? null,
      };
    }),
    nextCursor: last
      ? encodeCursor({ sort: query.sort, key: last.sort_key, id: last.customer_id })
      : null,
  };
}

const exportColumns = [
  'customerId',
  'externalId',
  'name',
  'tier',
  'tierName',
  'available',
  'pending',
  'lifetimeEarned',
  'lastActivityAt',
  'enrolledAt',
] as const;

/**
 * The members the list's filters select, all of them, as CSV (UTF-8, a BOM for Excel unless
 * `bom=false`), 1,000 per query in the list's order. The filters are checked (program, tier,
 * cursor-free) before the first byte, so a bad one is still a clean 400.
 */
export async function exportMembersCsv(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  query: z.output<typeof loyaltyMemberExportQuery>,
  customers: { search: SearchCustomers; describe: DescribeCustomers },
): Promise<Readable> {
  const { bom, ...filters } = query;
  const pageOf = (cursor: string | undefined) =>
    listMembers(
      db,
      context,
      programId,
      { ...filters, limit: 1000, ...(cursor ? { cursor } : {}) },
      customers,
    );
  const first = await pageOf(undefined);
  async function* lines(): AsyncGenerator<string> {
    yield (bom === 'true' ? '\uFEFF' : '') + stringify([[...exportColumns]]);
    let page = first;
    for (;;) {
      yield stringify(
        page.items.map((member) => [
          member.customerId,
          member.externalId ?? '',
          member.name,
          member.tier?.code ?? '',
          member.tier?.name ?? '',
          member.available,
          member.pending,
          member.lifetimeEarned,
          member.lastActivityAt ?? '',
          member.enrolledAt,
        ]),
        // A name beginning with = + - @ would run as a formula in a spreadsheet (OWASP).
        { escape_formulas: true },
      );
      if (!page.nextCursor) return;
      page = await pageOf(page.nextCursor);
    }
  }
  return Readable.from(lines());
}
