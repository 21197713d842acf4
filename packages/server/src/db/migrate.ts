import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { platformMigrations } from '../modules/platform/platform.migrations.ts';
import { customersMigrations } from '../modules/customers/customers.migrations.ts';
import { activityMigrations } from '../modules/activity/activity.migrations.ts';
import { loyaltyMigrations } from '../modules/loyalty/loyalty.migrations.ts';
import { scoresMigrations } from '../modules/scores/scores.migrations.ts';

/**
 * Every module's migrations, in one order. Names are `NNNN_module_what`; numbers are
 * allocated per module range so modules never collide: platform 0001–0099, customers
 * 0100–0199, activity 0200–0299, loyalty 0300–0399, analytics scores 0400–0499.
 */
export const migrations: Record<string, Migration> = {
  ...platformMigrations,
  ...customersMigrations,
  ...activityMigrations,
  ...loyaltyMigrations,
  ...scoresMigrations,
};

export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`migration ${migration ?? '(unknown)'} failed: ${(cause as Error)?.message ?? cause}`, {
      cause,
    });
    this.name = 'MigrationFailedError';
  }
}

/** Brings the schema up to date; safe to run concurrently (Kysely takes a lock). */
export async function migrateToLatest(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database type: migrations predate it
  db: Kysely<any>,
  options: { schema?: string } = {},
): Promise<MigrationResultSet['results']> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Modules number their migrations in their own ranges, so a module's next migration can
    // sort before another module's already-applied one (0101 after 0200): apply it anyway.
    allowUnorderedMigrations: true,
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new MigrationFailedError(failed?.migrationName, error);
  }
  return results ?? [];
}
