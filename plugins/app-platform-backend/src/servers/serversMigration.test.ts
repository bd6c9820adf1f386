import { TestDatabases } from '@backstage/backend-test-utils';
import {
  migrateDatabase,
  migrationsDirectory,
} from '../database/migrateDatabase';

jest.setTimeout(60_000);

const MIGRATION = '20261122010000_servers.js';

describe(`migration ${MIGRATION}`, () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'creates the server tables with their keys and drops them on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);

      await knex('servers').insert({
        id: 's1',
        name: 'web',
        provider: 'office',
        provider_id: 'web',
        owner: 'group:default/team-a',
      });
      const [row] = await knex('servers').where({ id: 's1' });
      expect(row).toMatchObject({
        state: 'active',
        ip_addresses: '[]',
        tags: '{}',
      });
      await expect(
        knex('servers').insert({
          id: 's2',
          name: 'web again',
          provider: 'office',
          provider_id: 'web',
          owner: 'group:default/team-a',
        }),
      ).rejects.toThrow();

      const notice = {
        server_id: 's1',
        threshold: '7',
        expires_at: new Date(),
      };
      await knex('server_expiry_notices').insert(notice);
      await expect(
        knex('server_expiry_notices').insert(notice),
      ).rejects.toThrow();

      await knex.migrate.down({
        directory: migrationsDirectory,
        name: MIGRATION,
      });
      for (const table of [
        'servers',
        'server_provider_status',
        'server_expiry_notices',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      // Up again after down, as a redeploy after a rollback would.
      await migrateDatabase(knex);
      expect(await knex.schema.hasTable('server_expiry_notices')).toBe(true);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps expiry scan runs and drops the table on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const startedAt = new Date('2026-11-22T08:00:00Z');
      await knex('server_expiry_scans').insert({ started_at: startedAt });
      await knex('server_expiry_scans').insert({ started_at: startedAt });
      const rows = await knex('server_expiry_scans').orderBy('id');
      expect(rows.map(r => r.id)).toEqual([rows[0].id, rows[0].id + 1]);
      expect(rows[0]).toMatchObject({
        finished_at: null,
        alerts_sent: 0,
        alerts_failed: 0,
        error: null,
      });

      await knex.migrate.down({
        directory: migrationsDirectory,
        name: '20261122030000_server_expiry_scans.js',
      });
      expect(await knex.schema.hasTable('server_expiry_scans')).toBe(false);
      expect(await knex.schema.hasTable('servers')).toBe(true);
      await migrateDatabase(knex);
      expect(await knex.schema.hasTable('server_expiry_scans')).toBe(true);
      await knex.destroy();
    },
  );
});
