import { Command, CommanderError } from 'commander';
import { registerServeCommand } from './serve.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerTenantCommands } from './tenant.command.ts';
import { registerCustomerImportCommands } from './import-customers.command.ts';
import { registerAnalyticsCommands } from './analytics.command.ts';
import { registerImportTransactionsCommand } from './import-transactions.command.ts';
import { DataDirectoryInUseError } from '../db/connect.ts';

const program = new Command()
  .name('fidelis')
  .description('Fidelis: customer commitment, trust and loyalty')
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
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof DataDirectoryInUseError) {
    process.stderr.write(`fidelis: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
