import type { Command } from 'commander';
import { z } from 'zod';
import { currency } from '@fidelis/contracts';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../main.ts';
import { createTenant } from '../modules/platform/index.ts';
import { CliInputError, printResult } from './output.ts';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Refuses what would make a tenant nobody can use (a zone every date query then fails on). */
function checkTenantOptions(options: {
  name: string;
  currency: string;
  timeZone: string;
  email?: string;
}) {
  if (options.name.trim() === '') throw new CliInputError('--name must not be empty');
  if (!currency.safeParse(options.currency).success) {
    throw new CliInputError(
      `--currency ${options.currency} is not an ISO 4217 code in capitals, e.g. CNY or USD`,
    );
  }
  if (!isTimeZone(options.timeZone)) {
    throw new CliInputError(
      `--time-zone ${options.timeZone} is not an IANA time zone, e.g. Asia/Shanghai`,
    );
  }
  if (options.email !== undefined && !z.email().safeParse(options.email).success) {
    throw new CliInputError(`--email ${options.email} is not an email address`);
  }
}

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
        checkTenantOptions(options);
        const database = await openConfiguredDatabase(loadConfig());
        try {
          const created = await createTenant(database.db, {
            name: options.name.trim(),
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
