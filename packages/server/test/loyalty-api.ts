import { expect } from 'vitest';
import type { Job } from '../src/modules/platform/index.ts';
import { jobHandlers } from '../src/jobs/job-handlers.ts';
import type { newTenant, TestApp } from './test-app.ts';

type Tenant = Awaited<ReturnType<typeof newTenant>>;

export interface MemberBody {
  programId: string;
  customerId: string;
  available: number;
  pending: number;
  debt: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  wallet: number;
  tier: { code: string; privileges: Record<string, unknown> } | null;
  progress: { value: number } | null;
}

export interface EntryBody {
  kind: string;
  points: number;
  debit: string;
  credit: string;
  lotId: string | null;
  eventId: string | null;
  explanation: Record<string, unknown>;
}

/**
 * The loyalty API as tests outside the loyalty module drive it (flows, jobs): each call goes
 * through HTTP and fails the test on an unexpected status.
 */
export function loyaltyApi(t: TestApp, tenant: Tenant) {
  async function call<T>(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    status: number | readonly number[] = [200, 201, 202],
  ): Promise<T> {
    const res = await t.app.inject({
      method,
      url,
      headers: tenant.auth,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    const expected = typeof status === 'number' ? [status] : status;
    expect(expected, `${method} ${url}: ${res.body}`).toContain(res.statusCode);
    return (res.body ? res.json() : null) as T;
  }
  return {
    call,
    async createProgram(body: Record<string, unknown>): Promise<string> {
      const created = await call<{ id: string }>('POST', '/v1/loyalty/programs', {
        name: 'Points',
        currency: 'CNY',
        earnRules: [{ kind: 'spend', points: 1, per: 100 }],
        pendingDays: 0,
        ...body,
      });
      return created.id;
    },
    async createCustomer(body: Record<string, unknown>): Promise<string> {
      return (await call<{ id: string }>('POST', '/v1/customers', { kind: 'person', ...body })).id;
    },
    /** Records one event; returns the id of the customer it was recorded under. */
    async event(body: Record<string, unknown>): Promise<string> {
      return (await call<{ customerId: string }>('POST', '/v1/events', body)).customerId;
    },
    async members(customerId: string): Promise<MemberBody[]> {
      return (await call<{ programs: MemberBody[] }>('GET', `/v1/customers/${customerId}/loyalty`))
        .programs;
    },
    async member(programId: string, customerId: string): Promise<MemberBody> {
      return call('GET', `/v1/loyalty/programs/${programId}/members/${customerId}`);
    },
    async entries(programId: string, customerId: string): Promise<EntryBody[]> {
      const url = `/v1/loyalty/programs/${programId}/members/${customerId}/entries?limit=200`;
      return (await call<{ items: EntryBody[] }>('GET', url)).items;
    },
    async ledgerCheck(programId: string) {
      return call<{ mismatches: unknown[]; accountsSum: number; members: number }>(
        'POST',
        `/v1/loyalty/programs/${programId}/ledger-check`,
      );
    },
  };
}

/** Runs a background job's handler now, in the test, as a worker would have. */
export async function runJobNow(
  t: TestApp,
  tenantId: string,
  kind: string,
  payload: Record<string, unknown> = {},
) {
  const job: Job = {
    id: '00000000-0000-7000-8000-000000000000',
    tenantId,
    kind,
    status: 'running',
    payload,
    progress: 0,
    progressTotal: null,
    message: null,
    result: null,
    error: null,
    errorCode: null,
    errorParams: null,
    attempts: 1,
    createdAt: new Date().toISOString(),
    finishedAt: null,
  };
  const handler = jobHandlers[kind];
  if (!handler) throw new Error(`no handler for ${kind}`);
  return handler(t.database.db, job, async () => {});
}

/** A tier level for a test program: no privileges but those given. */
export function tierLevel(
  code: string,
  threshold: number,
  privileges: Partial<{
    earnMultiplier: number;
    exclusiveRewards: boolean;
    priorityService: boolean;
    birthdayGiftPoints: number;
    earlyAccess: boolean;
  }> = {},
) {
  return {
    code,
    name: code,
    threshold,
    privileges: {
      earnMultiplier: 1,
      exclusiveRewards: false,
      priorityService: false,
      birthdayGiftPoints: 0,
      earlyAccess: false,
      ...privileges,
    },
  };
}
