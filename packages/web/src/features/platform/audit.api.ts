import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditActorType, AuditEntry } from '@fidelis/contracts';
import { api } from '../../api/api-client.ts';
import type { Page } from '../../api/api-types.ts';
import { periodInstants } from './audit-entries.ts';

/** The audit log's filters as the address keeps them: the period as whole days, `to` included. */
export interface AuditFilters {
  entityType: string;
  entityId: string;
  actorType: AuditActorType | '';
  actorId: string;
  action: string;
  fromDay: string;
  toDay: string;
}

export const noAuditFilters: AuditFilters = {
  entityType: '',
  entityId: '',
  actorType: '',
  actorId: '',
  action: '',
  fromDay: '',
  toDay: '',
};

export const auditKeys = {
  all: ['audit-log'] as const,
  /** `version`: what the entries' subject is at (a customer's version), so a change refetches. */
  list: (filters: AuditFilters, timeZone: string, version?: number) =>
    ['audit-log', filters, timeZone, version ?? null] as const,
};

export function listAuditLog(
  filters: AuditFilters,
  timeZone: string,
  cursor: string | null,
  limit: number,
  signal?: AbortSignal,
) {
  const { fromDay, toDay, ...exact } = filters;
  return api.get<Page<AuditEntry>>(
    '/v1/audit-log',
    { ...exact, ...periodInstants(fromDay, toDay, timeZone), cursor, limit },
    signal,
  );
}

/** The entries that match, newest first, `limit` at a time. */
export function useAuditLog(
  filters: AuditFilters,
  timeZone: string,
  options: { limit: number; version?: number },
) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filters, timeZone, options.version),
    queryFn: ({ pageParam, signal }) =>
      listAuditLog(filters, timeZone, pageParam, options.limit, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
}
