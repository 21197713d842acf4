import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { startServer } from '../main.ts';
import { ensureDemoTenant } from '../flows/load-demo-tenant.flow.ts';
import { t } from './i18n/translate.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(t('serve.description'))
    .option('--demo', t('serve.demo'))
    .action(async (options: { demo?: boolean }) => {
      const config = loadConfig();
      let demo: Awaited<ReturnType<typeof ensureDemoTenant>> | undefined;
      const server = await startServer(config, {
        beforeListen: async (database) => {
          if (options.demo)
            demo = await ensureDemoTenant(database, {
              log: (line) => process.stdout.write(`${line}\n`),
            });
        },
      });
      const lines = [
        '',
        `  ${t('serve.running', { url: server.url })}`,
        `  ${t('serve.apiDocs', { url: server.url })}`,
        `  ${t('serve.database', {
          database:
            server.database.engine === 'pglite'
              ? t('serve.embedded', { location: server.database.location })
              : server.database.location,
        })}`,
      ];
      if (demo) {
        lines.push(
          `  ${t('serve.demoLogin', { email: demo.login.email, password: demo.login.password })}`,
          `  ${t('serve.demoKey', { key: demo.apiKey })}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n\n`);
      const shutdown = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
