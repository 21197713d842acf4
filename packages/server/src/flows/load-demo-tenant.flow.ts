import type { DatabaseHandle } from '../db/connect.ts';
import {
  createApiKey,
  createTenant,
  findDemoTenant,
  systemContext,
} from '../modules/platform/index.ts';

export const DEMO_LOGIN = { email: 'demo@fidelis.local', password: 'fidelis-demo' };

/**
 * Loads the demo tenant on first start, and on every start issues a fresh API key to print
 * (keys are stored hashed, so an old one cannot be shown again).
 */
export async function ensureDemoTenant(
  database: DatabaseHandle,
  options: { log: (line: string) => void },
): Promise<{ tenantId: string; apiKey: string; login: typeof DEMO_LOGIN }> {
  const existing = await findDemoTenant(database.db);
  if (existing) {
    const key = await createApiKey(database.db, systemContext(existing.id), {
      name: `Demo key ${new Date().toISOString()}`,
      role: 'owner',
    });
    return { tenantId: existing.id, apiKey: key.key, login: DEMO_LOGIN };
  }
  options.log('Loading the demo tenant…');
  const created = await createTenant(database.db, {
    name: 'Fidelis Demo 演示',
    ownerEmail: DEMO_LOGIN.email,
    ownerPassword: DEMO_LOGIN.password,
    isDemo: true,
  });
  return { tenantId: created.tenantId, apiKey: created.apiKey, login: DEMO_LOGIN };
}
