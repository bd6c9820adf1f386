import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** Where the dated knex migrations of this plugin live. */
export const migrationsDirectory = resolvePackagePath(
  '@internal/plugin-app-platform-backend',
  'migrations',
);

/** Brings the database up to the latest migration. */
export async function migrateDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDirectory });
}

/** Names of the migrations that have not been applied yet. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = await knex.migrate.list({
    directory: migrationsDirectory,
  });
  return pending.map((p: { file: string }) => p.file);
}
