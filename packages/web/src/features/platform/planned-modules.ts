/** Modules on the roadmap: their navigation entries lead to a "coming soon" page. */
export const plannedModules = [
  'loyalty',
  'feedback',
  'service',
  'relationships',
  'engagement',
] as const;
export type PlannedModule = (typeof plannedModules)[number];
