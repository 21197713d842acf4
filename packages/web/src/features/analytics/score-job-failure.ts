import type { TFunction } from 'i18next';
import type { ScoreRunFailureCode } from '@fidelis/contracts';
import { formatDate } from '../../i18n/format.ts';
import type { JobStatus } from './analytics.api.ts';

// Each failure code of the scores.compute job, to its sentence under analytics.failures
// (analytics.i18n.ts). Typed by the contract's list: a new code fails the type-check here.
const failureKeys: Record<ScoreRunFailureCode, string> = {
  nothing_to_score: 'nothingToScore',
};

/**
 * Why a scoring run failed, in the user's language: by the job's code when this UI knows it,
 * else the generic "run failed" with the server's (English) text.
 */
export function scoreJobFailure(
  job: Pick<JobStatus, 'error' | 'errorCode' | 'errorParams'>,
  t: TFunction,
  language: string,
): string {
  const code = job.errorCode ?? '';
  const key = Object.hasOwn(failureKeys, code)
    ? failureKeys[code as ScoreRunFailureCode]
    : undefined;
  if (key !== undefined) {
    const asOf = job.errorParams?.asOf;
    return t(`analytics.failures.${key}`, {
      asOf: asOf ? formatDate(asOf, language) : '',
    });
  }
  return job.error ? `${t('analytics.jobFailed')}: ${job.error}` : t('analytics.jobFailed');
}
