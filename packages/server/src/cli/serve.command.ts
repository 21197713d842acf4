import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { startServer } from '../main.ts';
import { ensureDemoTenant, type DemoProgress } from '../flows/load-demo-tenant.flow.ts';
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
              progress: (event) => process.stdout.write(`${demoLine(event)}\n`),
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

/** A step of the demo load, worded in the CLI's language. */
export function demoLine(event: DemoProgress): string {
  if (event.kind === 'loading') return t('serve.demoLoading', event);
  const seconds = event.seconds.toFixed(1);
  switch (event.kind) {
    case 'customers':
      return t('serve.demoCustomers', { count: event.count, seconds });
    case 'purchases':
      return t('serve.demoPurchases', { count: event.count, seconds });
    case 'interactions':
      return t('serve.demoInteractions', { count: event.count, seconds });
    case 'program':
      return t('serve.demoProgram', { count: event.count, seconds });
    case 'rewards':
      return t('serve.demoRewards', { count: event.count, redeemed: event.redeemed, seconds });
  }
}
