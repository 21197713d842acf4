import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything the process reads from its environment, read once at start. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** Whether repeated statements are prepared on the PostgreSQL server (see db/prepared-statements.ts). */
  preparedStatements: boolean;
  dataDir: string;
  logLevel: string;
  rateLimitPerMinute: number;
  webDist: string;
  publicUrl: string | undefined;
  secureCookies: boolean;
  /** How often the periodic loyalty jobs run (release, expiry, warnings, tiers); 0 = never. */
  loyaltyJobsEveryMinutes: number;
}

/**
 * A setting in the environment that cannot be used; its message names the variable, and
 * `setting` and `value` let the CLI say the same in the operator's language.
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
    readonly value?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A postgres:// URL, checked at start: a typo was a stack trace with the URL (and password) in it. */
function databaseUrlOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:')
    throw new ConfigError(
      'DATABASE_URL must be a PostgreSQL address such as postgres://user:pass@host:5432/fidelis',
      'DATABASE_URL',
    );
  return text;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a port number, not ${env.PORT}`, 'PORT', env.PORT);
  const loyaltyJobsEveryMinutes = Number(env.LOYALTY_JOBS_EVERY_MINUTES ?? 10);
  if (!Number.isFinite(loyaltyJobsEveryMinutes) || loyaltyJobsEveryMinutes < 0)
    throw new ConfigError(
      `LOYALTY_JOBS_EVERY_MINUTES must be a number of minutes (0 = off), not ${env.LOYALTY_JOBS_EVERY_MINUTES}`,
      'LOYALTY_JOBS_EVERY_MINUTES',
      env.LOYALTY_JOBS_EVERY_MINUTES,
    );
  const prepared = env.DATABASE_PREPARED_STATEMENTS ?? 'true';
  if (prepared !== 'true' && prepared !== 'false')
    throw new ConfigError(
      `DATABASE_PREPARED_STATEMENTS must be true or false, not ${prepared}`,
      'DATABASE_PREPARED_STATEMENTS',
      prepared,
    );
  const publicUrl = env.PUBLIC_URL || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(publicUrl))
    throw new ConfigError(
      `PUBLIC_URL must be an http(s) address such as https://loyalty.example.com, not ${publicUrl}`,
      'PUBLIC_URL',
      publicUrl,
    );
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: databaseUrlOf(env.DATABASE_URL),
    preparedStatements: prepared === 'true',
    dataDir: path.resolve(env.FIDELIS_DATA_DIR ?? './data'),
    logLevel: env.LOG_LEVEL ?? 'info',
    rateLimitPerMinute: Number(env.RATE_LIMIT_PER_MINUTE ?? 6000),
    webDist: path.resolve(env.FIDELIS_WEB_DIST ?? path.join(repoRoot, 'packages/web/dist')),
    publicUrl,
    secureCookies: env.SECURE_COOKIES === 'true',
    loyaltyJobsEveryMinutes,
  };
}
