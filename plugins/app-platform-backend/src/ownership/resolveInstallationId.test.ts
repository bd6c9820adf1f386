import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { migrateDatabase } from '../database/migrateDatabase';
import { resolveInstallationId } from './resolveInstallationId';

jest.setTimeout(60_000);

describe('resolveInstallationId', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const empty = new ConfigReader({});

  it.each(databases.eachSupportedId())(
    'generates one id, stores it and keeps it, also when replicas race, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const ids = await Promise.all(
        Array.from({ length: 5 }, () => resolveInstallationId(empty, knex)),
      );
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toMatch(/^ap-[0-9a-f]{16}$/);
      expect(await resolveInstallationId(empty, knex)).toBe(ids[0]);
      expect(
        Number((await knex('platform_settings').count('* as n'))[0].n),
      ).toBe(1);
      await knex.destroy();
    },
  );

  it('uses the configured id and refuses one that is not a label value', async () => {
    const knex = undefined as any; // never reached: the configured id wins
    await expect(
      resolveInstallationId(
        new ConfigReader({ appPlatform: { installationId: 'prod-eu' } }),
        knex,
      ),
    ).resolves.toBe('prod-eu');
    await expect(
      resolveInstallationId(
        new ConfigReader({ appPlatform: { installationId: 'prod eu/1' } }),
        knex,
      ),
    ).rejects.toThrow(
      /appPlatform.installationId "prod eu\/1" is not a valid label value/,
    );
  });
});
