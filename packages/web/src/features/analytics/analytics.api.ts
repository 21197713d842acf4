import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ClvDistribution,
  CohortRetention,
  ModelTracking,
  RevenueConcentrationResponse,
  RfmGridResponse,
  ValueAtRisk,
} from '@fidelis/contracts';
import { api } from '../../api/api-client.ts';

export interface JobStatus {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  progressTotal: number | null;
  message: string | null;
  error: string | null;
  /** A stable code when the failure is an expected one (scores.compute: nothing_to_score). */
  errorCode: string | null;
  errorParams: Record<string, string> | null;
}

function useAnalytics<T>(
  name: string,
  path: string,
  query?: Record<string, number>,
  enabled = true,
) {
  return useQuery({
    queryKey: ['analytics', name, query],
    enabled,
    queryFn: ({ signal }) => api.get<T>(path, query, signal),
  });
}

/**
 * Whether a scoring run has ever succeeded: before one, every analytics read answers 404
 * SCORES_NOT_COMPUTED (docs/analytics.md), so the page asks this first and reads nothing else
 * until it is true. Under 'analytics' so that a finished run refreshes it.
 */
export function useScoresComputed() {
  return useQuery({
    queryKey: ['analytics', 'computed'],
    queryFn: async ({ signal }) => {
      const page = await api.get<{ items: unknown[] }>(
        '/v1/jobs',
        { kind: 'scores.compute', status: 'succeeded', limit: 1 },
        signal,
      );
      return page.items.length > 0;
    },
  });
}

export const useModelTracking = (enabled = true) =>
  useAnalytics<ModelTracking>('tracking', '/v1/analytics/model-tracking', undefined, enabled);
export const useRfmGrid = () => useAnalytics<RfmGridResponse>('rfm', '/v1/analytics/rfm-grid');
export const useClvDistribution = () =>
  useAnalytics<ClvDistribution>('clv', '/v1/analytics/clv-distribution', { buckets: 20 });
export const useValueAtRisk = () =>
  useAnalytics<ValueAtRisk>('risk', '/v1/analytics/value-at-risk', { limit: 50 });
export const useCohorts = () => useAnalytics<CohortRetention>('cohorts', '/v1/analytics/cohorts');
export const useConcentration = () =>
  useAnalytics<RevenueConcentrationResponse>('concentration', '/v1/analytics/concentration');

export function useStartScoreRun() {
  return useMutation({
    mutationFn: () => api.post<{ jobId: string }>('/v1/analytics/score-runs', {}),
  });
}

/** Polls a job every second until it ends; then refreshes every analytics query. */
export function useScoreJob(jobId: string | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ['job', jobId],
    enabled: jobId !== null,
    queryFn: async ({ signal }) => {
      const job = await api.get<JobStatus>(`/v1/jobs/${jobId}`, undefined, signal);
      if (job.status === 'succeeded') await client.invalidateQueries({ queryKey: ['analytics'] });
      return job;
    },
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'succeeded' || status === 'failed' || status === 'cancelled' ? false : 1000;
    },
  });
}
