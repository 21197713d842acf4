import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../server/src/main.ts';
import { createTenant } from '../../server/src/modules/platform/index.ts';
import type { Config } from '../../server/src/config.ts';

// FIDELIS_WEB_DIST points the tests at another build (one per engineer building beside others).
export const webDist = process.env.FIDELIS_WEB_DIST
  ? path.resolve(process.env.FIDELIS_WEB_DIST)
  : fileURLToPath(new URL('../dist', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const screenshotDir = path.join(repoRoot, 'artifacts/screenshots');

export interface E2eServer {
  server: RunningServer;
  url: string;
  tenantId: string;
  login: { email: string; password: string };
  /** Calls the API with the tenant's owner key; throws on a non-2xx answer. */
  call<T>(method: string, apiPath: string, body?: unknown, contentType?: string): Promise<T>;
  close(): Promise<void>;
}

/** The real server on a random port over an embedded database in a fresh temp directory. */
export async function startE2eServer(tenantName = 'Fidelis 体验店'): Promise<E2eServer> {
  if (!existsSync(path.join(webDist, 'index.html'))) {
    throw new Error(`No web build at ${webDist}: run \`npm run build\` first.`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fidelis-e2e-'));
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: undefined,
    preparedStatements: true,
    dataDir,
    logLevel: process.env.E2E_LOG_LEVEL ?? 'silent',
    rateLimitPerMinute: 1_000_000,
    webDist,
    publicUrl: undefined,
    secureCookies: false,
    // The browser tests see the data they made, not what a periodic sweep did to it.
    loyaltyJobsEveryMinutes: 0,
  };
  const server = await startServer(config);
  const login = { email: 'owner@e2e.fidelis.test', password: 'correct horse battery' };
  const tenant = await createTenant(server.database.db, {
    name: tenantName,
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    ownerEmail: login.email,
    ownerPassword: login.password,
  });
  const url = server.url.replace('127.0.0.1', 'localhost');
  async function call<T>(method: string, apiPath: string, body?: unknown, contentType?: string) {
    const isText = typeof body === 'string';
    const response = await fetch(`${url}${apiPath}`, {
      method,
      headers: {
        authorization: `Bearer ${tenant.apiKey}`,
        ...(body === undefined
          ? {}
          : { 'content-type': contentType ?? (isText ? 'text/csv' : 'application/json') }),
      },
      ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${apiPath} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }
  return {
    server,
    url,
    tenantId: tenant.tenantId,
    login,
    call,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
