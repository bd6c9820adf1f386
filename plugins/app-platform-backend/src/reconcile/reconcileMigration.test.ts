import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDirectory } from '../database/migrateDatabase';

jest.setTimeout(60_000);

const MIGRATION = '20261123000000_reconcile.js';
const BEFORE = '20261122030000_server_expiry_scans.js';

describe(`migration ${MIGRATION}`, () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'moves namespace statuses into reconcile_targets and back on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.up({
        directory: migrationsDirectory,
        name: '20261122000000_init.js',
      });
      for (const name of [
        '20261122010000_servers.js',
        '20261122020000_clusters.js',
        BEFORE,
      ]) {
        await knex.migrate.up({ directory: migrationsDirectory, name });
      }
      expect(await knex.schema.hasTable('application_namespaces')).toBe(true);

      // What an installation of the previous release holds.
      await knex('clusters').insert({
        name: 'alpha',
        url: 'https://127.0.0.1:6551',
        token_encrypted: 'iv.tag.data',
        environment: 'test',
        source: 'api',
        created_by: 'user:default/x',
      });
      await knex('applications').insert([
        {
          name: 'payments',
          owner: 'group:default/a',
          created_by: 'user:default/x',
        },
        {
          name: 'orders',
          owner: 'group:default/a',
          created_by: 'user:default/x',
        },
      ]);
      await knex('application_namespaces').insert([
        { application: 'payments', cluster: 'alpha', state: 'ready' },
        {
          application: 'orders',
          cluster: 'alpha',
          state: 'failed',
          message: '503 ServiceUnavailable',
        },
      ]);

      await knex.migrate.up({
        directory: migrationsDirectory,
        name: MIGRATION,
      });
      expect(await knex.schema.hasTable('application_namespaces')).toBe(false);
      expect(
        await knex('reconcile_targets')
          .orderBy('target')
          .select('domain', 'target', 'cluster', 'state', 'reason', 'attempts'),
      ).toEqual([
        {
          domain: 'application-namespace',
          target: 'orders',
          cluster: 'alpha',
          state: 'failed',
          reason: '503 ServiceUnavailable',
          attempts: 1,
        },
        {
          domain: 'application-namespace',
          target: 'payments',
          cluster: 'alpha',
          state: 'ready',
          reason: null,
          attempts: 0,
        },
      ]);
      const applications = await knex('applications').orderBy('name');
      expect(applications.map(a => [a.name, Boolean(a.adopt)])).toEqual([
        ['orders', false],
        ['payments', false],
      ]);
      expect(applications.every(a => a.deletion_requested_at === null)).toBe(
        true,
      );
      await knex('platform_settings').insert({
        key: 'installation_id',
        value: 'ap-1',
      });
      await expect(
        knex('platform_settings').insert({
          key: 'installation_id',
          value: 'ap-2',
        }),
      ).rejects.toThrow();

      // Down restores the statuses of applications and clusters that exist.
      await knex('reconcile_targets').insert({
        domain: 'application-namespace',
        target: 'gone',
        cluster: 'alpha',
        state: 'deleting',
      });
      await knex.migrate.down({
        directory: migrationsDirectory,
        name: MIGRATION,
      });
      expect(await knex.schema.hasTable('reconcile_targets')).toBe(false);
      expect(await knex.schema.hasTable('platform_settings')).toBe(false);
      expect(await knex.schema.hasColumn('applications', 'adopt')).toBe(false);
      expect(
        await knex('application_namespaces')
          .orderBy('application')
          .select('application', 'cluster', 'state', 'message'),
      ).toEqual([
        {
          application: 'orders',
          cluster: 'alpha',
          state: 'failed',
          message: '503 ServiceUnavailable',
        },
        {
          application: 'payments',
          cluster: 'alpha',
          state: 'ready',
          message: null,
        },
      ]);
      await knex.destroy();
    },
  );
});
