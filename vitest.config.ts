import { defineConfig } from 'vitest/config';

// One run over every package; browser tests have their own config (npm run test:browser).
export default defineConfig({
  test: {
    projects: ['packages/analytics', 'packages/contracts', 'packages/server'],
    // Two cores; each embedded database is a worker thread of its own.
    pool: 'forks',
    maxWorkers: 2,
  },
});
