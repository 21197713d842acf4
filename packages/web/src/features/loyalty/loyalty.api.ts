import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  adjustmentReasons,
  coupon,
  couponList,
  couponsAdded,
  earnExplanation,
  EarnRule,
  ExpiryPolicy,
  LoyaltyProgram,
  liability,
  loyaltyEntry,
  loyaltyHistoryEntry,
  loyaltyMemberList,
  loyaltyMemberSorts,
  memberLink,
  partner,
  partnerCreated,
  partnerSettlement,
  publicMemberPage,
  publicRedemption,
  redemption,
  reward,
  rewardListed,
  ruleVersion,
  TierChange,
  TierConfig,
  walletEntry,
} from '@fidelis/contracts';
import { api, apiRequest } from '../../api/api-client.ts';

// Reply shapes from the contracts' schemas, as types only (no zod in the bundle).
type Parsed<T extends { parse: (value: unknown) => unknown }> = ReturnType<T['parse']>;
export type RuleVersion = Parsed<typeof ruleVersion>;
export type EarnExplanation = Parsed<typeof earnExplanation>;
export type ProgramMember = Parsed<typeof loyaltyMemberList>['items'][number];
export type MemberSort = (typeof loyaltyMemberSorts)[number];
export type RewardDetail = Parsed<typeof reward>;
export type RewardListed = Parsed<typeof rewardListed>;
export type Redemption = Parsed<typeof redemption>;
export type AdjustmentReason = (typeof adjustmentReasons)[number];
export type Coupon = Parsed<typeof coupon>;
export type CouponList = Parsed<typeof couponList>;
export type CouponsAdded = Parsed<typeof couponsAdded>;
/** Either `codes` or `generate` (the server makes the codes); the key makes a retry safe. */
export type CouponUpload = (
  { codes: string[] } | { generate: { count: number; prefix?: string; length: number } }
) & { expiresAt?: string; idempotencyKey: string };
export type Partner = Parsed<typeof partner>;
export type PartnerCreated = Parsed<typeof partnerCreated>;
export type PartnerSettlement = Parsed<typeof partnerSettlement>;
export type MemberLink = Parsed<typeof memberLink>;
export type PublicMemberPage = Parsed<typeof publicMemberPage>;
export type PublicRedemption = Parsed<typeof publicRedemption>;
export type WalletEntry = Parsed<typeof walletEntry>;
export type { EarnRule, ExpiryPolicy, LoyaltyProgram, TierConfig };

export type Liability = Parsed<typeof liability>;

export interface ProgramStats {
  programId: string;
  months: { month: string; issued: number; redeemed: number; expired: number; reversed: number }[];
  tiers: { code: string | null; members: number }[];
  topRewards: { rewardId: string; name: string; redemptions: number; points: number }[];
}

export type Reward = RewardDetail;

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

export type LoyaltyEntry = Parsed<typeof loyaltyEntry>;
/** An item of a member's history: an entry, or a redemption's entries with its lots inside. */
export type LoyaltyHistoryEntry = Parsed<typeof loyaltyHistoryEntry>;

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

/** The catalog; for a member, each reward with how many more times they may redeem it. */
export const useRewards = (programId: string, customerId?: string) =>
  useQuery({
    queryKey: ['loyalty', programId, 'rewards', ...(customerId ? [customerId] : [])],
    queryFn: ({ signal }) =>
      api.get<{ items: RewardListed[] }>(
        `${base(programId)}/rewards`,
        customerId ? { customerId } : undefined,
        signal,
      ),
  });

/** What the members list is filtered and sorted by (kept in the page's address). */
export interface MemberFilters {
  q: string;
  /** A tier code, `none` for members without a tier, '' for all. */
  tier: string;
  /** Days: only members with points expiring that soon; '' for all. */
  expiring: string;
  sort: MemberSort;
}

/** The members list's filters as the API takes them (the list and its CSV export). */
function memberQuery(filters: MemberFilters): Record<string, string> {
  return {
    sort: filters.sort,
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(filters.tier ? { tier: filters.tier } : {}),
    ...(filters.expiring ? { expiringWithin: filters.expiring } : {}),
  };
}

/** Where the browser downloads every member the filters select, as CSV. */
export const membersExportUrl = (programId: string, filters: MemberFilters) =>
  `${base(programId)}/members/export.csv?${new URLSearchParams(memberQuery(filters)).toString()}`;

export const useProgramMembers = (programId: string, filters: MemberFilters) =>
  useInfiniteQuery({
    queryKey: ['loyalty', programId, 'members', filters],
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      api.get<{ items: ProgramMember[]; nextCursor: string | null }>(
        `${base(programId)}/members`,
        { limit: 50, ...memberQuery(filters), ...(pageParam ? { cursor: pageParam } : {}) },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
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
      api.get<{ items: LoyaltyLot[]; tierChanges: TierChange[] }>(
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
      api.get<{ items: LoyaltyHistoryEntry[]; nextCursor: string | null }>(
        `${base(programId)}/members/${encodeURIComponent(customerId)}/entries`,
        { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });

export interface MemberWallet {
  currency: string;
  balance: number;
  ledgerBalance: number;
  /** A page of entries, newest first. */
  items: WalletEntry[];
  nextCursor: string | null;
}

const walletKey = (programId: string, customerId: string) =>
  ['loyalty', programId, 'wallet', customerId] as const;

export const useMemberWallet = (programId: string, customerId: string, enabled: boolean) =>
  useInfiniteQuery({
    queryKey: walletKey(programId, customerId),
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      api.get<MemberWallet>(
        `${base(programId)}/members/${encodeURIComponent(customerId)}/wallet`,
        { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });

export function useSpendWallet(programId: string, customerId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { amount: number; idempotencyKey: string }) =>
      api.post<{ amount: number; balance: number; replayed: boolean; currency: string }>(
        `${base(programId)}/members/${encodeURIComponent(customerId)}/wallet/spend`,
        input,
      ),
    // The member view carries the balance too.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: walletKey(programId, customerId) }),
        queryClient.invalidateQueries({ queryKey: ['loyalty', 'customer', customerId] }),
      ]),
  });
}

/** Staff redeem for a member at the counter: a reward, or points as such. */
export function useRedeem(programId: string, customerId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { idempotencyKey: string } & ({ rewardId: string } | { points: number })) =>
      api.post<Redemption>(`${base(programId)}/redemptions`, { customerId, ...input }),
    // The balance, lots, history, stock and the dashboard's figures all moved.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['loyalty', programId] }),
        queryClient.invalidateQueries({ queryKey: ['loyalty', 'customer', customerId] }),
      ]),
  });
}

/** Owners and managers credit points by hand (service recovery, goodwill, correction). */
export function useAdjustPoints(programId: string, customerId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      points: number;
      reason: AdjustmentReason;
      note?: string;
      idempotencyKey: string;
    }) =>
      api.post<{ points: number; replayed: boolean; balance: { available: number } }>(
        `${base(programId)}/members/${encodeURIComponent(customerId)}/adjustments`,
        input,
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['loyalty', programId] }),
        queryClient.invalidateQueries({ queryKey: ['loyalty', 'customer', customerId] }),
      ]),
  });
}

// Designer: programs, rules, tiers, rewards, coupons, partners -----------------------------------

export const programKey = (programId: string) => ['loyalty', programId, 'program'] as const;

export const useProgram = (programId: string) =>
  useQuery({
    queryKey: programKey(programId),
    queryFn: ({ signal }) => api.get<LoyaltyProgram>(base(programId), undefined, signal),
  });

export const useRuleVersions = (programId: string) =>
  useQuery({
    queryKey: ['loyalty', programId, 'rule-versions'],
    queryFn: ({ signal }) =>
      api.get<{ items: RuleVersion[] }>(`${base(programId)}/rules/versions`, undefined, signal),
  });

/** The body of POST /v1/loyalty/programs (the fields the designer sets). */
export interface ProgramCreate {
  name: string;
  currency: string;
  timeZone: string;
  earnRules: EarnRule[];
  pendingDays: number;
  expiry: ExpiryPolicy;
  expiryWarningDays: number;
  refundPolicy: 'clawback' | 'negative';
  pointValueMinor: number;
  cashback: { rateBasisPoints: number } | null;
}

export type ProgramUpdate = Partial<
  Pick<
    LoyaltyProgram,
    | 'name'
    | 'status'
    | 'pendingDays'
    | 'expiry'
    | 'expiryWarningDays'
    | 'refundPolicy'
    | 'tiers'
    | 'referral'
    | 'cashback'
    | 'pointValueMinor'
  >
>;

/** After a change to a program, everything shown about it may differ. */
function useProgramChanged(programId: string) {
  const queryClient = useQueryClient();
  return (program?: LoyaltyProgram) => {
    if (program) queryClient.setQueryData(programKey(programId), program);
    void queryClient.invalidateQueries({ queryKey: ['loyalty'] });
  };
}

export function useCreateProgram() {
  const queryClient = useQueryClient();
  return useMutation({
    // The key makes a resubmit after a lost answer replay the program it made, not make another.
    mutationFn: ({ input, idempotencyKey }: { input: ProgramCreate; idempotencyKey: string }) =>
      apiRequest<LoyaltyProgram>('POST', '/v1/loyalty/programs', {
        json: input,
        headers: { 'idempotency-key': idempotencyKey },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['loyalty', 'programs'] }),
  });
}

export function useUpdateProgram(programId: string) {
  const changed = useProgramChanged(programId);
  return useMutation({
    mutationFn: (input: ProgramUpdate) => api.patch<LoyaltyProgram>(base(programId), input),
    onSuccess: changed,
  });
}

export function usePublishRules(programId: string) {
  const changed = useProgramChanged(programId);
  return useMutation({
    mutationFn: (earnRules: EarnRule[]) =>
      api.put<LoyaltyProgram>(`${base(programId)}/rules`, { earnRules }),
    onSuccess: changed,
  });
}

export interface DryRunInput {
  customerId?: string;
  event:
    | {
        type: 'purchase';
        occurredAt?: string;
        amount: number;
        lines?: { sku?: string; category?: string; quantity: number; amount: number }[];
      }
    | { type: 'action'; occurredAt?: string; action: string; customAction?: string };
  tier?: string;
  segments?: string[];
  earnRules?: EarnRule[];
}

export function useDryRun(programId: string) {
  return useMutation({
    mutationFn: (input: DryRunInput) =>
      api.post<EarnExplanation>(`${base(programId)}/dry-run`, input),
  });
}

export interface RewardCreate {
  name: string;
  description?: string;
  pointsCost: number;
  stock?: number;
  perMemberLimit?: number;
  tiers?: string[];
  validFrom?: string;
  validTo?: string;
}

/** A reward's changes: the fields given change; null clears a limit, the tiers or a date. */
export interface RewardUpdate {
  name?: string;
  description?: string | null;
  pointsCost?: number;
  stock?: number | null;
  addStock?: number;
  perMemberLimit?: number | null;
  tiers?: string[] | null;
  validFrom?: string | null;
  validTo?: string | null;
  active?: boolean;
}

export function useUpdateReward(programId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rewardId, input }: { rewardId: string; input: RewardUpdate }) =>
      api.patch<Reward>(`${base(programId)}/rewards/${encodeURIComponent(rewardId)}`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['loyalty', programId, 'rewards'] }),
  });
}

export function useCreateReward(programId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: RewardCreate; idempotencyKey: string }) =>
      apiRequest<Reward>('POST', `${base(programId)}/rewards`, {
        json: input,
        headers: { 'idempotency-key': idempotencyKey },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['loyalty', programId, 'rewards'] }),
  });
}

const couponsKey = (programId: string, rewardId: string) =>
  ['loyalty', programId, 'coupons', rewardId] as const;

export const COUPON_PAGE = 50;

export const useCoupons = (
  programId: string,
  rewardId: string,
  filter: { status?: Coupon['status'] | undefined; q?: string | undefined },
) =>
  useInfiniteQuery({
    queryKey: [...couponsKey(programId, rewardId), filter],
    enabled: rewardId !== '',
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      api.get<CouponList>(
        `${base(programId)}/rewards/${encodeURIComponent(rewardId)}/coupons`,
        { limit: COUPON_PAGE, status: filter.status, q: filter.q, cursor: pageParam },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });

export function useAddCoupons(programId: string, rewardId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CouponUpload) =>
      api.post<CouponsAdded>(
        `${base(programId)}/rewards/${encodeURIComponent(rewardId)}/coupons`,
        input,
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: couponsKey(programId, rewardId) }),
  });
}

export function useMarkCouponUsed(programId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // The key makes a retry after a lost answer get the first answer, not "already used".
    mutationFn: ({ code, idempotencyKey }: { code: string; idempotencyKey: string }) =>
      apiRequest<Coupon>('POST', `${base(programId)}/coupons/${encodeURIComponent(code)}/use`, {
        headers: { 'idempotency-key': idempotencyKey },
      }),
    onSuccess: (used) =>
      queryClient.invalidateQueries({ queryKey: couponsKey(programId, used.rewardId) }),
  });
}

export const usePartners = (programId: string) =>
  useQuery({
    queryKey: ['loyalty', programId, 'partners'],
    queryFn: ({ signal }) =>
      api.get<{ items: Partner[] }>(`${base(programId)}/partners`, undefined, signal),
  });

export function useCreatePartner(programId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string }) =>
      api.post<PartnerCreated>(`${base(programId)}/partners`, input),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: ['loyalty', programId, 'partners'] }),
  });
}

export const useSettlement = (
  programId: string,
  partnerId: string,
  range: { from?: string | undefined; to?: string | undefined },
) =>
  useQuery({
    queryKey: ['loyalty', programId, 'settlement', partnerId, range],
    queryFn: ({ signal }) =>
      api.get<PartnerSettlement>(
        `${base(programId)}/partners/${encodeURIComponent(partnerId)}/settlement`,
        { from: range.from, to: range.to },
        signal,
      ),
  });

// Members' signed links and the public page ----------------------------------------------------

export function useCreateMemberLink(programId: string, customerId: string) {
  return useMutation({
    mutationFn: (days: number) =>
      api.post<MemberLink>(`${base(programId)}/members/${encodeURIComponent(customerId)}/link`, {
        days,
      }),
  });
}

/** How many history entries the member page shows at first, and loads with each "more". */
const memberHistoryPage = 20;

export const usePublicMemberPage = (token: string) =>
  useQuery({
    queryKey: ['public-member', token],
    enabled: token.length >= 10,
    queryFn: ({ signal }) =>
      api.get<PublicMemberPage>(
        '/v1/public/loyalty/member',
        { token, historyLimit: memberHistoryPage },
        signal,
      ),
  });

/**
 * The member's points history, a page at a time: the first page is the one the member page
 * brought; "more" pages on by its cursor. Under the page's key, so whatever reloads the page
 * (a redemption) reloads the history too.
 */
export const usePublicMemberHistory = (token: string, page: PublicMemberPage, loadedAt: number) =>
  useInfiniteQuery({
    queryKey: ['public-member', token, 'history'],
    initialPageParam: null as string | null,
    initialData: {
      pages: [{ items: page.history, nextCursor: page.historyNextCursor }],
      pageParams: [null],
    },
    initialDataUpdatedAt: loadedAt,
    queryFn: ({ signal, pageParam }) =>
      api.get<{ items: PublicMemberPage['history']; nextCursor: string | null }>(
        '/v1/public/loyalty/member/history',
        { token, limit: memberHistoryPage, ...(pageParam ? { cursor: pageParam } : {}) },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });

/** The member redeems a reward through their link; the page reloads whatever the outcome. */
export function usePublicRedeem(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // Keyed public-member: a 401 here (a lapsed link) is not the staff session's (app.tsx).
    mutationKey: ['public-member', 'redeem'],
    mutationFn: (input: { rewardId: string; idempotencyKey: string }) =>
      api.post<PublicRedemption>('/v1/public/loyalty/member/redemptions', { token, ...input }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['public-member', token] }),
  });
}
