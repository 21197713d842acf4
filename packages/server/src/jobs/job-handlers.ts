import type { JobHandler } from './run-jobs.ts';

/** Every background job kind the workers run, by name. */
export const jobHandlers: Record<string, JobHandler> = {};
