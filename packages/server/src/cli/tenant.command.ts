import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../main.ts';
import { createTenant } from '../modules/platform/index.ts';
import { printResult } from './output.ts';

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('Manage tenants');
  tenant
    .command('create')
    .description('Create a tenant with an owner login and an owner API key (shown once)')
    .requiredOption('--name <name>', 'the business name')
    .option('--currency <code>', 'ISO 4217 currency', 'CNY')
    .option('--time-zone <zone>', 'IANA time zone', 'Asia/Shanghai')
    .option('--email <email>', 'owner login email (generated if absent)')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        name: string;
        currency: string;
        timeZone: string;
        email?: string;
        json?: boolean;
      }) => {
        const database = await openConfiguredDatabase(loadConfig());
        try {
          const created = await createTenant(database.db, {
            name: options.name,
            currency: options.currency,
            timeZone: options.timeZone,
            ...(options.email ? { ownerEmail: options.email } : {}),
          });
          printResult(Boolean(options.json), created, () =>
            [
              `Tenant ${options.name} created: ${created.tenantId}`,
              `  Login:   ${created.login.email} / ${created.login.password}`,
              `  API key: ${created.apiKey}  (shown once; store it now)`,
            ].join('\n'),
          );
        } finally {
          await database.close();
        }
      },
    );
}
