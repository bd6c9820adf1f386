import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createHash, randomBytes } from 'node:crypto';
import { TokenCipher } from '../clusters/TokenCipher';
import { migrateDatabase } from '../database/migrateDatabase';
import { CiStore } from './CiStore';

jest.setTimeout(60_000);

describe('CiStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  const storeWith = (knex: any, keys: Array<{ id: string; key: string }>) =>
    CiStore.create({
      knex,
      cipher: TokenCipher.fromConfig(
        new ConfigReader({ appPlatform: { encryptionKeys: keys } }),
      ),
    });

  it.each(databases.eachSupportedId())(
    'keeps only the secret hash, encrypted, and moves it to a new key on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      await knex('applications').insert({
        name: 'shop',
        owner: 'group:default/team-a',
        created_by: 'user:default/alice',
      });
      await knex('services').insert({
        application: 'shop',
        name: 'web',
        created_by: 'user:default/alice',
      });
      const key = { application: 'shop', service: 'web' };
      const hash = createHash('sha256').update('whsec_secret').digest();
      await storeWith(knex, [{ id: 'k1', key: k1 }]).setSecretHash(key, hash);
      const [stored] = await knex('service_ci').pluck('secret_hash');
      expect(stored).toMatch(/^v1:k1:/);
      expect(stored).not.toContain(hash.toString('hex'));

      const missing = storeWith(knex, [{ id: 'k2', key: k2 }]);
      await expect(missing.reencryptSecrets()).rejects.toThrow(
        /webhook secret of service "shop\/web" is encrypted with key "k1", which is not configured/,
      );

      const rotated = storeWith(knex, [
        { id: 'k2', key: k2 },
        { id: 'k1', key: k1 },
      ]);
      expect(await rotated.reencryptSecrets()).toBe(1);
      expect(await rotated.reencryptSecrets()).toBe(0);
      expect(await knex('service_ci').pluck('secret_hash')).toEqual([
        expect.stringMatching(/^v1:k2:/),
      ]);
      const onlyNew = storeWith(knex, [{ id: 'k2', key: k2 }]);
      expect((await onlyNew.webhookSettings(key))?.secretHash).toEqual(hash);
    },
  );
});
