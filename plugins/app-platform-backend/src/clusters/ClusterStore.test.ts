import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { migrateDatabase } from '../database/migrateDatabase';
import { ClusterStore } from './ClusterStore';
import { TokenCipher } from './TokenCipher';

jest.setTimeout(60_000);

describe('ClusterStore.reencryptTokens', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');

  function storeWith(knex: any, keys: Array<{ id: string; key: string }>) {
    return ClusterStore.create({
      knex,
      cipher: TokenCipher.fromConfig(
        new ConfigReader({ appPlatform: { encryptionKeys: keys } }),
      ),
    });
  }

  it.each(databases.eachSupportedId())(
    'moves every token to the current key, and fails clearly without its key, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const record = {
        url: 'https://127.0.0.1:6443',
        environment: 'test' as const,
        labels: {},
        skipTLSVerify: false,
        source: 'api' as const,
        createdBy: 'user:default/admin',
      };
      const old = storeWith(knex, [{ id: 'k1', key: k1 }]);
      await old.insert({ ...record, name: 'one', token: 'token-one' });
      await old.insert({ ...record, name: 'two', token: 'token-two' });

      // Without k1 in config the backend must not start: a clear message, nothing changed.
      const missing = storeWith(knex, [{ id: 'k2', key: k2 }]);
      await expect(missing.reencryptTokens()).rejects.toThrow(
        /cluster "one" is encrypted with key "k1", which is not configured/,
      );
      expect(await knex('clusters').pluck('token_encrypted')).toEqual([
        expect.stringMatching(/^v1:k1:/),
        expect.stringMatching(/^v1:k1:/),
      ]);

      const rotated = storeWith(knex, [
        { id: 'k2', key: k2 },
        { id: 'k1', key: k1 },
      ]);
      expect(await rotated.reencryptTokens()).toBe(2);
      expect(await rotated.reencryptTokens()).toBe(0);
      expect(await knex('clusters').pluck('token_encrypted')).toEqual([
        expect.stringMatching(/^v1:k2:/),
        expect.stringMatching(/^v1:k2:/),
      ]);

      // Now k1 can go.
      expect((await missing.connection('two'))?.token).toBe('token-two');

      const none = ClusterStore.create({
        knex,
        cipher: TokenCipher.fromConfig(new ConfigReader({})),
      });
      await expect(none.reencryptTokens()).rejects.toThrow(
        /is not configured, but 2 cluster token/,
      );
    },
  );
});
