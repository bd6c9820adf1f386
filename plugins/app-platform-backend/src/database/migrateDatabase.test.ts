import { TestDatabases } from '@backstage/backend-test-utils';
import {
  migrateDatabase,
  migrationsDirectory,
  pendingMigrations,
} from './migrateDatabase';

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'go up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      expect(await pendingMigrations(knex)).not.toHaveLength(0);
      await migrateDatabase(knex);
      expect(await pendingMigrations(knex)).toEqual([]);

      await knex('applications').insert({
        name: 'payments',
        owner: 'group:default/team-a',
        created_by: 'user:default/alice',
      });
      const [row] = await knex('applications').where({ name: 'payments' });
      expect(row).toMatchObject({
        name: 'payments',
        owner: 'group:default/team-a',
        namespace_template: 'default',
      });
      expect(row.created_at).toBeTruthy();

      // A second run is a no-op, as on every backend restart.
      await migrateDatabase(knex);

      await knex.migrate.rollback({ directory: migrationsDirectory }, true);
      expect(await knex.schema.hasTable('applications')).toBe(false);
      expect(await pendingMigrations(knex)).not.toHaveLength(0);

      await knex.destroy();
    },
  );
});
