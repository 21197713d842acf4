import type { JobHandler } from './run-jobs.ts';
import { loyaltyJobHandlers } from '../flows/loyalty.flow.ts';
import { scoreCustomersFlow } from '../flows/score-customers.flow.ts';

/** Every background job kind the workers run, by name. */
export const jobHandlers: Record<string, JobHandler> = {
  ...loyaltyJobHandlers,
  'scores.compute': (db, job, progress) => scoreCustomersFlow(db, job, progress),
};
