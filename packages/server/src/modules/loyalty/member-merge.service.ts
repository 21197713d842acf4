// Customer merges, loyalty's part: the merged customers' memberships end up on the survivor,
// in the transaction of the merge.
import * as repo from './loyalty.repository.ts';
import type { LoyaltyDb } from './loyalty.repository.ts';
import * as merges from './member-merge.repository.ts';
import { mergeMemberBalances } from './ledger.service.ts';
import { loadProgram, type Program } from './programs.service.ts';

/**
 * Moves the loyalty memberships of `mergedIds` to `survivorId` in every program, inside the
 * caller's transaction (the customers merge's): points, lots (pending ones still pending,
 * with their expiry), debt, wallet, lifetime counters, tier and its qualifying history, cap
 * usage, redemptions, coupons, warnings, notifications and referrals. The ledger stays
 * double-entry and append-only: the balance moves by `merge` entries explained "merged from
 * <id>". Memberships already merged are skipped, so a retried merge moves nothing twice (and
 * one made before loyalty followed merges is moved then). Returns the points moved per program.
 *
 * @example
 * await mergeLoyaltyMembers(trx, tenantId, survivorId, [duplicateId]);
 */
export async function mergeLoyaltyMembers(
  trx: LoyaltyDb,
  tenantId: string,
  survivorId: string,
  mergedIds: readonly string[],
  now: Date = new Date(),
): Promise<{ programId: string; members: number; points: number }[]> {
  const open = await merges.findOpenMemberships(
    trx,
    tenantId,
    mergedIds.filter((id) => id !== survivorId),
  );
  const byProgram = new Map<string, typeof open>();
  for (const row of open)
    byProgram.set(row.program_id, [...(byProgram.get(row.program_id) ?? []), row]);
  const moved = [];
  for (const [programId, rows] of byProgram) {
    const program = await loadProgram(trx, tenantId, programId);
    const fromIds = rows.map((row) => row.customer_id);
    const earliest = new Date(Math.min(...rows.map((row) => row.enrolled_at.getTime())));
    await repo.ensureMembers(trx, tenantId, programId, [
      { customerId: survivorId, enrolledAt: earliest },
    ]);
    await merges.keepEarliestEnrolment(trx, tenantId, programId, survivorId, earliest);
    const points = await mergeMemberBalances(trx, program, survivorId, fromIds, now);
    await merges.moveMembershipState(trx, tenantId, programId, fromIds, survivorId);
    moved.push({ programId, members: fromIds.length, points });
  }
  return moved;
}

/**
 * Moves on what members merged away hold again (an event for the merged customer that raced
 * the merge earned on the old membership): the periodic sweep's first step. Returns how many
 * members it moved.
 */
export async function rehomeStrandedMembers(
  trx: LoyaltyDb,
  program: Program,
  asOf: Date,
): Promise<number> {
  const stranded = await merges.findStrandedMembers(trx, program.tenantId, program.id);
  const bySurvivor = new Map<string, string[]>();
  for (const row of stranded)
    bySurvivor.set(row.merged_into, [...(bySurvivor.get(row.merged_into) ?? []), row.customer_id]);
  for (const [survivorId, fromIds] of bySurvivor) {
    await mergeMemberBalances(trx, program, survivorId, fromIds, asOf);
    await merges.moveMembershipState(trx, program.tenantId, program.id, fromIds, survivorId);
  }
  return stranded.length;
}
