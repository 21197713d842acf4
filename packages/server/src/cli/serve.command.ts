import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { startServer } from '../main.ts';
import { ensureDemoTenant } from '../flows/load-demo-tenant.flow.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the API, the web UI and the background workers on PORT')
    .option('--demo', 'load the demo tenant (CDNOW purchase history) if it is absent')
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
        `  Fidelis is running at ${server.url}`,
        `  API docs:  ${server.url}/docs`,
        `  Database:  ${server.database.engine === 'pglite' ? `embedded (${server.database.location}); production means a PostgreSQL server (DATABASE_URL)` : server.database.location}`,
      ];
      if (demo) {
        lines.push(
          `  Demo login: ${demo.login.email} / ${demo.login.password}`,
          `  Demo API key: ${demo.apiKey}`,
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
