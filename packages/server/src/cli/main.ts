import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerServeCommand } from './serve.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerTenantCommands } from './tenant.command.ts';
import { registerCustomerImportCommands } from './import-customers.command.ts';
import { registerAnalyticsCommands } from './analytics.command.ts';
import { registerImportTransactionsCommand } from './import-transactions.command.ts';
import { operatorError } from './operator-errors.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command()
  .name('fidelis')
  .description('Fidelis: customer commitment, trust and loyalty')
  .version(version, '-V, --version')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerMigrateCommand(program);
registerTenantCommands(program);
registerCustomerImportCommands(program);
registerImportTransactionsCommand(program);
registerAnalyticsCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // An operator's mistake is one line and an exit code; anything else is a bug: its stack shows.
  const known = operatorError(error);
  if (!known) throw error;
  if (known.message) process.stderr.write(`fidelis: ${known.message}\n`);
  process.exit(known.exitCode);
}
