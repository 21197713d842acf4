import { LRUCache } from 'lru-cache';
// Programs: creation, changes, versioned earning rules, the dry run.
import { randomBytes } from 'node:crypto';
import { newId } from '../../db/ids.ts';
import { inTransaction } from '../../db/transaction.ts';
import { z } from 'zod';
import {
  storedEarnRule,
  expiryPolicy,
  referralScheme,
  cashbackScheme,
  tierConfig,
  type EarnRule,
  type ExpiryPolicy,
  type LoyaltyProgram,
  type LoyaltyProgramCreate,
  type TierConfig,
  type dryRunRequest,
  type loyaltyProgramUpdate,
} from '@fidelis/contracts';
import { findTenant, recordAudit, type PlatformTables } from '../platform/index.ts';
import { AppError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import type { Kysely } from 'kysely';
import * as repo from './loyalty.repository.ts';
import type { LoyaltyDb, ProgramRow } from './loyalty.repository.ts';
import type { LoyaltyTables } from './loyalty.table.ts';
import { capKeys, evaluateEarning, normalizeRules, type EarnResult } from './earning-rules.ts';
import { isValidTimeZone } from './time-zone.ts';
import { levelOf } from './tiers.ts';

export type LoyaltyServiceDb = Kysely<LoyaltyTables & PlatformTables>;

/** A program with its current rules, parsed. */
export interface Program {
  id: string;
  tenantId: string;
  name: string;
  currency: string;
  timeZone: string;
  status: 'active' | 'paused';
  pendingDays: number;
  expiry: ExpiryPolicy;
  expiryWarningDays: number;
  refundPolicy: 'negative' | 'clawback';
  tiers: TierConfig | null;
  referral: z.infer<typeof referralScheme> | null;
  cashback: z.infer<typeof cashbackScheme> | null;
  pointValueMinor: number;
  rulesVersion: number;
  rules: EarnRule[];
  memberPageSecret: string;
  createdAt: Date;
}

// Stored rules, read back: a multiplier window older versions took outside today's years loads.
const rulesSchema = z.array(storedEarnRule);

export function programOf(row: ProgramRow, rules: unknown[]): Program {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    currency: row.currency,
    timeZone: row.time_zone,
    status: row.status === 'paused' ? 'paused' : 'active',
    pendingDays: row.pending_days,
    expiry: expiryPolicy.parse(row.expiry),
    expiryWarningDays: row.expiry_warning_days,
    refundPolicy: row.refund_policy === 'negative' ? 'negative' : 'clawback',
    tiers: row.tiers === null ? null : tierConfig.parse(row.tiers),
    referral: row.referral === null ? null : referralScheme.parse(row.referral),
    cashback: row.cashback === null ? null : cashbackScheme.parse(row.cashback),
    pointValueMinor: Number(row.point_value_minor),
    rulesVersion: row.rules_version,
    rules: rulesSchema.parse(rules),
    memberPageSecret: row.member_page_secret,
    createdAt: row.created_at,
  };
}

export function programView(program: Program): LoyaltyProgram {
  return {
    id: program.id,
    name: program.name,
    currency: program.currency,
    timeZone: program.timeZone,
    status: program.status,
    earnRules: program.rules,
    rulesVersion: program.rulesVersion,
    pendingDays: program.pendingDays,
    expiry: program.expiry,
    expiryWarningDays: program.expiryWarningDays,
    refundPolicy: program.refundPolicy,
    tiers: program.tiers,
    referral: program.referral,
    cashback: program.cashback,
    pointValueMinor: program.pointValueMinor,
    createdAt: program.createdAt.toISOString(),
  };
}

export async function loadProgram(
  db: LoyaltyDb,
  tenantId: string,
  programId: string,
): Promise<Program> {
  const [row] = await repo.findProgramsWithRules(db, tenantId, { id: programId });
  if (!row) throw new AppError('PROGRAM_NOT_FOUND', `No loyalty program ${programId}.`);
  return programOf(row, row.current_rules);
}

export async function loadActivePrograms(db: LoyaltyDb, tenantId: string): Promise<Program[]> {
  const rows = await repo.findProgramsWithRules(db, tenantId, { status: 'active' });
  return rows.map((row) => programOf(row, row.current_rules));
}

/** Tenants with at least one active program: the ones the periodic loyalty jobs visit. */
export async function tenantsWithActivePrograms(db: LoyaltyDb): Promise<string[]> {
  return repo.findTenantsWithActivePrograms(db);
}

/**
 * The tenant's active programs as this process read them at most 2 s ago:
 * every recorded purchase needs them, and they change a few times a year. A change made in
 * this process is seen at once (the writers below clear the entry after they commit); one made
 * in another server process within that time. Entries name the rules version they used, so an
 * event earning under the version just replaced is still explained exactly.
 */
const activeProgramsCache = new LRUCache<string, readonly Program[]>({
  max: 10_000,
  ttl: 2_000,
});

export async function loadActiveProgramsCached(
  db: LoyaltyDb,
  tenantId: string,
): Promise<readonly Program[]> {
  const cached = activeProgramsCache.get(tenantId);
  if (cached) return cached;
  const programs = await loadActivePrograms(db, tenantId);
  activeProgramsCache.set(tenantId, programs);
  return programs;
}

/** Runs a program change, then forgets the tenant's cached active programs. */
async function changingPrograms<T>(tenantId: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    activeProgramsCache.delete(tenantId);
  }
}

function checkRules(rules: readonly EarnRule[], tiers: TierConfig | null): EarnRule[] {
  const normalized = normalizeRules(rules, tiers ? tiers.levels.map((level) => level.code) : null);
  if (!normalized.ok)
    throw new AppError('RULE_INVALID', 'The earning rules are not valid.', normalized.error);
  return normalized.value;
}

function checkTiers(tiers: TierConfig | null, field = 'tiers'): void {
  if (!tiers) return;
  const codes = new Set<string>();
  tiers.levels.forEach((level, index) => {
    if (codes.has(level.code))
      throw new AppError('RULE_INVALID', 'Tier codes must be unique.', [
        {
          field: `${field}.levels[${index}].code`,
          message: 'duplicate tier code',
          reason: 'duplicate',
        },
      ]);
    codes.add(level.code);
  });
}

export async function createProgram(
  db: LoyaltyServiceDb,
  context: RequestContext,
  input: LoyaltyProgramCreate,
): Promise<LoyaltyProgram> {
  const tenant = await findTenant(db, context.tenantId);
  const timeZone = input.timeZone ?? tenant?.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone))
    throw new AppError('VALIDATION_FAILED', 'Unknown time zone.', [
      {
        field: 'timeZone',
        message: 'not an IANA time zone',
        reason: 'invalid_format',
        params: { format: 'time_zone' },
      },
    ]);
  checkTiers(input.tiers);
  const rules = checkRules(input.earnRules, input.tiers);
  const id = newId();
  return changingPrograms(context.tenantId, () =>
    inTransaction(db, async (trx: LoyaltyServiceDb) => {
      await repo.insertProgram(
        trx,
        {
          tenant_id: context.tenantId,
          id,
          name: input.name,
          currency: input.currency,
          time_zone: timeZone,
          status: input.status,
          pending_days: input.pendingDays,
          expiry: JSON.stringify(input.expiry),
          expiry_warning_days: input.expiryWarningDays,
          refund_policy: input.refundPolicy,
          tiers: input.tiers === null ? null : JSON.stringify(input.tiers),
          referral: input.referral === null ? null : JSON.stringify(input.referral),
          cashback: input.cashback === null ? null : JSON.stringify(input.cashback),
          point_value_minor: input.pointValueMinor,
          rules_version: 1,
          member_page_secret: randomBytes(32).toString('base64url'),
        },
        JSON.stringify(rules),
      );
      const program = await loadProgram(trx, context.tenantId, id);
      await recordAudit(trx, context, {
        action: 'loyalty.program.created',
        entityType: 'loyalty_program',
        entityId: id,
        after: programView(program),
      });
      return programView(program);
    }),
  );
}

export async function listProgramViews(
  db: LoyaltyDb,
  context: RequestContext,
): Promise<LoyaltyProgram[]> {
  const rows = await repo.listPrograms(db, context.tenantId);
  return Promise.all(
    rows.map(async (row) =>
      programView(
        programOf(row, await repo.findRules(db, context.tenantId, row.id, row.rules_version)),
      ),
    ),
  );
}

export async function getProgram(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
): Promise<LoyaltyProgram> {
  return programView(await loadProgram(db, context.tenantId, programId));
}

export async function updateProgramSettings(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof loyaltyProgramUpdate>,
): Promise<LoyaltyProgram> {
  return changingPrograms(context.tenantId, () =>
    db.transaction().execute(async (trx: LoyaltyServiceDb) => {
      const row = await repo.lockProgram(trx, context.tenantId, programId);
      if (!row) throw new AppError('PROGRAM_NOT_FOUND', `No loyalty program ${programId}.`);
      const before = programOf(
        row,
        await repo.findRules(trx, context.tenantId, programId, row.rules_version),
      );
      if (input.tiers !== undefined) {
        checkTiers(input.tiers);
        // Multipliers may name tiers: they must still exist.
        checkRules(before.rules, input.tiers);
      }
      await repo.updateProgram(trx, context.tenantId, programId, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(input.pendingDays !== undefined ? { pending_days: input.pendingDays } : {}),
        ...(input.expiry !== undefined ? { expiry: JSON.stringify(input.expiry) } : {}),
        ...(input.expiryWarningDays !== undefined
          ? { expiry_warning_days: input.expiryWarningDays }
          : {}),
        ...(input.refundPolicy !== undefined ? { refund_policy: input.refundPolicy } : {}),
        ...(input.tiers !== undefined
          ? { tiers: input.tiers === null ? null : JSON.stringify(input.tiers) }
          : {}),
        ...(input.pointValueMinor !== undefined
          ? { point_value_minor: input.pointValueMinor }
          : {}),
        ...(input.referral !== undefined
          ? { referral: input.referral === null ? null : JSON.stringify(input.referral) }
          : {}),
        ...(input.cashback !== undefined
          ? { cashback: input.cashback === null ? null : JSON.stringify(input.cashback) }
          : {}),
      });
      const after = await loadProgram(trx, context.tenantId, programId);
      await recordAudit(trx, context, {
        action: 'loyalty.program.updated',
        entityType: 'loyalty_program',
        entityId: programId,
        before: programView(before),
        after: programView(after),
      });
      return programView(after);
    }),
  );
}

/** Publishes a new version of the earning rules; earlier entries keep naming the version they used. */
export async function replaceRules(
  db: LoyaltyServiceDb,
  context: RequestContext,
  programId: string,
  earnRules: EarnRule[],
): Promise<LoyaltyProgram> {
  return changingPrograms(context.tenantId, () =>
    db.transaction().execute(async (trx: LoyaltyServiceDb) => {
      const row = await repo.lockProgram(trx, context.tenantId, programId);
      if (!row) throw new AppError('PROGRAM_NOT_FOUND', `No loyalty program ${programId}.`);
      const before = programOf(
        row,
        await repo.findRules(trx, context.tenantId, programId, row.rules_version),
      );
      const rules = checkRules(earnRules, before.tiers);
      const version = row.rules_version + 1;
      await repo.insertRuleVersion(
        trx,
        context.tenantId,
        programId,
        version,
        JSON.stringify(rules),
      );
      await repo.updateProgram(trx, context.tenantId, programId, { rules_version: version });
      await recordAudit(trx, context, {
        action: 'loyalty.rules.published',
        entityType: 'loyalty_program',
        entityId: programId,
        before: { version: before.rulesVersion, earnRules: before.rules },
        after: { version, earnRules: rules },
      });
      return programView(await loadProgram(trx, context.tenantId, programId));
    }),
  );
}

export async function listRuleVersionViews(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
) {
  await loadProgram(db, context.tenantId, programId);
  const rows = await repo.listRuleVersions(db, context.tenantId, programId);
  return rows.map((row) => ({
    version: row.version,
    earnRules: rulesSchema.parse(row.rules),
    createdAt: row.created_at.toISOString(),
  }));
}

/** The 400 for a `tier` field naming a tier the program does not have. */
export function noSuchTier(code: string): AppError {
  return new AppError('VALIDATION_FAILED', 'The program has no such tier.', [
    { field: 'tier', message: `no tier ${code}`, reason: 'not_found' },
  ]);
}

/** "What would this earn, and why": evaluates the rules with no writes. */
export async function dryRun(
  db: LoyaltyDb,
  context: RequestContext,
  programId: string,
  input: z.infer<typeof dryRunRequest>,
): Promise<Omit<EarnResult, 'lines' | 'usage'>> {
  const program = await loadProgram(db, context.tenantId, programId);
  const rules = input.earnRules ? checkRules(input.earnRules, program.tiers) : program.rules;
  const member = input.customerId
    ? await repo.findMember(db, context.tenantId, programId, input.customerId)
    : undefined;
  const tierCode = input.tier ?? member?.tier_code ?? null;
  const level = program.tiers && tierCode ? levelOf(program.tiers, tierCode) : null;
  if (input.tier && !level) throw noSuchTier(input.tier);
  const occurredAt = input.event.occurredAt ? new Date(input.event.occurredAt) : new Date();
  const usage = new Map<string, number>();
  if (input.customerId) {
    const keys = Object.values(capKeys(occurredAt, program.timeZone));
    for (const row of await repo.findRuleUsageReadOnly(
      db,
      context.tenantId,
      programId,
      input.customerId,
      keys,
    ))
      usage.set(`${row.rule_id}|${row.period_key}`, Number(row.points));
  }
  const event =
    input.event.type === 'purchase'
      ? {
          type: 'purchase' as const,
          occurredAt,
          amount: input.event.amount,
          lines: (input.event.lines ?? []).map((line, index) => ({
            lineNo: index + 1,
            sku: line.sku ?? null,
            category: line.category ?? null,
            quantity: line.quantity,
            amount: line.amount,
          })),
        }
      : {
          type: 'action' as const,
          occurredAt,
          action: input.event.action,
          customAction: input.event.customAction ?? null,
        };
  const result = evaluateEarning({
    rules,
    rulesVersion: input.earnRules ? 0 : program.rulesVersion,
    timeZone: program.timeZone,
    event,
    tier: level ? { code: level.code, earnMultiplier: level.privileges.earnMultiplier } : null,
    segments: input.segments ?? [],
    capUsed: (ruleId, key) => usage.get(`${ruleId}|${key}`) ?? 0,
  });
  return {
    points: result.points,
    rulesVersion: result.rulesVersion,
    steps: result.steps,
    notes: result.notes,
    belowMinimum: result.belowMinimum,
  };
}
