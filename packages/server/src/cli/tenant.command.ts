import type { Command } from 'commander';
import { z } from 'zod';
import { currency } from '@fidelis/contracts';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../main.ts';
import { createTenant } from '../modules/platform/index.ts';
import { t } from './i18n/translate.ts';
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
  if (options.name.trim() === '') throw new CliInputError(t('tenant.emptyName'));
  if (!currency.safeParse(options.currency).success) {
    throw new CliInputError(t('tenant.badCurrency', { value: options.currency }));
  }
  if (!isTimeZone(options.timeZone)) {
    throw new CliInputError(t('tenant.badTimeZone', { value: options.timeZone }));
  }
  if (options.email !== undefined && !z.email().safeParse(options.email).success) {
    throw new CliInputError(t('tenant.badEmail', { value: options.email }));
  }
}

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description(t('tenant.description'));
  tenant
    .command('create')
    .description(t('tenant.create'))
    .requiredOption('--name <name>', t('tenant.name'))
    .option('--currency <code>', t('tenant.currency'), 'CNY')
    .option('--time-zone <zone>', t('tenant.timeZone'), 'Asia/Shanghai')
    .option('--email <email>', t('tenant.email'))
    .option('--json', t('common.json'))
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
              t('tenant.created', { name: options.name, id: created.tenantId }),
              t('tenant.login', { email: created.login.email, password: created.login.password }),
              t('tenant.apiKey', { key: created.apiKey }),
            ].join('\n'),
          );
        } finally {
          await database.close();
        }
      },
    );
}
