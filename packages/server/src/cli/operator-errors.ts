import { CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { DataDirectoryInUseError } from '../db/connect.ts';
import { wordedByCode } from './i18n/problem-text.ts';
import { t, tIfAny } from './i18n/translate.ts';
import { CliInputError } from './output.ts';

/** Codes of a database that cannot be reached or refuses the login (node, pg and PostgreSQL's). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '3D000', // database does not exist
  '28000', // no pg_hba.conf entry / role does not exist
  '28P01', // password authentication failed
  '57P03', // the database system is starting up
]);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let at = error; at && chain.length < 5; at = (at as { cause?: unknown }).cause) {
    chain.push(at);
  }
  return chain;
}

/** DATABASE_URL without its password, for a message. */
function safeDatabaseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * What to tell an operator whose command failed through no fault of the code — a wrong flag,
 * file, setting, or a database or port not there — and the exit code; null for a bug, whose
 * stack trace should show.
 */
export function operatorError(
  error: unknown,
  env: NodeJS.ProcessEnv = process.env,
): { message: string; exitCode: number } | null {
  if (error instanceof CliInputError) return { message: error.message, exitCode: 1 };
  if (error instanceof ConfigError) {
    const message = error.setting
      ? tIfAny(`operator.config.${error.setting}`, { value: error.value })
      : undefined;
    return { message: message ?? error.message, exitCode: 1 };
  }
  if (error instanceof DataDirectoryInUseError) {
    return { message: t('operator.dataDirInUse', { dir: error.dataDir }), exitCode: 2 };
  }
  for (const at of causes(error)) {
    const { code, message, port, address } = at as {
      code?: string;
      message?: string;
      port?: number;
      address?: string;
    };
    if (code === 'EADDRINUSE' || (code === 'EACCES' && port !== undefined)) {
      return {
        message: t('operator.listen', {
          address: address ?? '',
          port: port ?? env.PORT ?? '',
          why: t(code === 'EADDRINUSE' ? 'operator.portInUse' : 'operator.portDenied'),
        }),
        exitCode: 1,
      };
    }
    if (code && CONNECTION_CODES.has(code) && env.DATABASE_URL) {
      return {
        message: t('operator.database', {
          url: safeDatabaseUrl(env.DATABASE_URL),
          why: wordedByCode('operator.databaseWhy', code, message ?? code),
        }),
        exitCode: 1,
      };
    }
  }
  if (error instanceof CommanderError) return { message: '', exitCode: error.exitCode };
  return null;
}
