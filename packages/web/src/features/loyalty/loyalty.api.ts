import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { LoyaltyProgram } from '@fidelis/contracts';
import { api } from '../../api/api-client.ts';

export interface Liability {
  programId: string;
  asOf: string;
  members: number;
  outstandingPoints: number;
  pendingPoints: number;
  issuedPoints: number;
  redeemedPoints: number;
  expiredPoints: number;
  breakageRate: number;
  expectedBreakagePoints: number;
  liabilityMinor: number;
  currency: string;
}

export interface ProgramStats {
  programId: string;
  months: { month: string; issued: number; redeemed: number; expired: number; reversed: number }[];
  tiers: { code: string | null; members: number }[];
  topRewards: { rewardId: string; name: string; redemptions: number; points: number }[];
}

export interface Reward {
  id: string;
  name: string;
  description: string | null;
  pointsCost: number;
  stock: number | null;
  perMemberLimit: number | null;
  tiers: string[] | null;
  active: boolean;
}

export interface MemberLoyalty {
  programId: string;
  programName: string;
  customerId: string;
  available: number;
  pending: number;
  debt: number;
  lifetimeEarned: number;
  wallet: number;
  tier: { code: string; name: string; since: string } | null;
  progress: {
    metric: 'points' | 'spend' | 'purchases' | 'visits';
    value: number;
    nextTier: { code: string; name: string; threshold: number } | null;
    remaining: number;
  } | null;
  nextExpiry: { at: string; points: number } | null;
}

export interface LoyaltyLot {
  id: string;
  points: number;
  remaining: number;
  status: 'pending' | 'available' | 'closed';
  earnedAt: string;
  availableAt: string;
  expiresAt: string | null;
  eventId: string | null;
}

export interface LoyaltyEntry {
  id: string;
  at: string;
  kind: string;
  points: number;
  eventId: string | null;
  explanation: Record<string, unknown>;
}

const base = (programId: string) => `/v1/loyalty/programs/${encodeURIComponent(programId)}`;

export const usePrograms = () =>
  useQuery({
    queryKey: ['loyalty', 'programs'],
    queryFn: ({ signal }) =>
      api.get<{ items: LoyaltyProgram[] }>('/v1/loyalty/programs', undefined, signal),
  });

export const useLiability = (programId: string) =>
  useQuery({
    queryKey: ['loyalty', programId, 'liability'],
    queryFn: ({ signal }) => api.get<Liability>(`${base(programId)}/liability`, undefined, signal),
  });

export const useStats = (programId: string) =>
  useQuery({
    queryKey: ['loyalty', programId, 'stats'],
    queryFn: ({ signal }) => api.get<ProgramStats>(`${base(programId)}/stats`, undefined, signal),
  });

export const useRewards = (programId: string) =>
  useQuery({
    queryKey: ['loyalty', programId, 'rewards'],
    queryFn: ({ signal }) =>
      api.get<{ items: Reward[] }>(`${base(programId)}/rewards`, undefined, signal),
  });

export const useCustomerLoyalty = (customerId: string) =>
  useQuery({
    queryKey: ['loyalty', 'customer', customerId],
    queryFn: ({ signal }) =>
      api.get<{ programs: MemberLoyalty[] }>(
        `/v1/customers/${encodeURIComponent(customerId)}/loyalty`,
        undefined,
        signal,
      ),
  });

export const useMemberLots = (programId: string, customerId: string) =>
  useQuery({
    queryKey: ['loyalty', programId, 'lots', customerId],
    queryFn: ({ signal }) =>
      api.get<{ items: LoyaltyLot[] }>(
        `${base(programId)}/members/${encodeURIComponent(customerId)}/lots`,
        undefined,
        signal,
      ),
  });

export const useMemberEntries = (programId: string, customerId: string) =>
  useInfiniteQuery({
    queryKey: ['loyalty', programId, 'entries', customerId],
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      api.get<{ items: LoyaltyEntry[]; nextCursor: string | null }>(
        `${base(programId)}/members/${encodeURIComponent(customerId)}/entries`,
        { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
