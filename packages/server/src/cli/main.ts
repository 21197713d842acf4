import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { registerServeCommand } from './serve.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerTenantCommands } from './tenant.command.ts';
import { registerCustomerImportCommands } from './import-customers.command.ts';
import { registerAnalyticsCommands } from './analytics.command.ts';
import { registerImportTransactionsCommand } from './import-transactions.command.ts';
import { CLI_LANGUAGES, languageFrom, setCliLanguage, t } from './i18n/translate.ts';
import { commanderHelp, translateCommanderError } from './i18n/commander-text.ts';
import { operatorError } from './operator-errors.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

// The help texts are written as the commands are built: the language comes first.
setCliLanguage(languageFrom(process.argv.slice(2), process.env));

// Help and the help option are set before the sub-commands, which inherit them.
const program = new Command()
  .name('fidelis')
  .description(t('program.description'))
  .version(version, '-V, --version', t('program.version'))
  .helpOption('-h, --help', t('program.help'))
  .helpCommand('help [command]', t('program.help'))
  .configureHelp(commanderHelp())
  .configureOutput({ outputError: (text, write) => write(translateCommanderError(text)) })
  .addOption(new Option('--lang <language>', t('program.lang')).choices(CLI_LANGUAGES))
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
