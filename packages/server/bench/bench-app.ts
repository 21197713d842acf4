// The whole app as the benchmarks run it: silent logs, no rate limit to speak of, no web UI.
import { buildApp } from '../src/app.ts';
import type { DatabaseHandle } from '../src/db/connect.ts';

export function buildBenchApp(database: DatabaseHandle) {
  return buildApp({
    database,
    config: {
      logLevel: 'silent',
      rateLimitPerMinute: 100_000_000,
      webDist: '/nonexistent',
      secureCookies: false,
    },
  });
}
