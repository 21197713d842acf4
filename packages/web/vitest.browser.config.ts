import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Browser tests: the real server in-process, driven through Debian's Chromium (playwright-core).
// `npm run build` first: the server serves packages/web/dist.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    name: 'browser',
    // The browser tests, and the web's pure helpers (no DOM needed) beside their code.
    include: ['e2e/**/*.e2e.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // expect.poll waits for the page like a person would; the default 1 s is too short on a
    // busy two-core machine.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 180_000,
    // One Chromium and one embedded database at a time on two cores.
    fileParallelism: false,
    pool: 'forks',
  },
});
