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

describe('ClusterStore.healthyConnections', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'answers the healthy clusters, by name, with their tokens, in one query, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const store = ClusterStore.create({
        knex,
        cipher: TokenCipher.fromConfig(
          new ConfigReader({
            appPlatform: {
              encryptionKeys: [
                { id: 'k1', key: randomBytes(32).toString('base64') },
              ],
            },
          }),
        ),
      });
      for (const name of ['gamma', 'alpha', 'beta', 'delta']) {
        await store.insert({
          name,
          url: `https://${name}.example:6443`,
          environment: 'test',
          labels: {},
          skipTLSVerify: name === 'beta',
          source: 'api',
          createdBy: 'user:default/admin',
          token: `token-${name}`,
        });
      }
      await store.recordProbe('gamma', 'healthy', undefined);
      await store.recordProbe('alpha', 'healthy', undefined);
      await store.recordProbe('beta', 'healthy', undefined);
      await store.recordProbe('delta', 'unreachable', 'connection refused');

      let statements = 0;
      knex.on('query', () => {
        statements += 1;
      });
      const healthy = await store.healthyConnections();

      expect(statements).toBe(1);
      expect(healthy).toEqual([
        {
          name: 'alpha',
          url: 'https://alpha.example:6443',
          caData: undefined,
          token: 'token-alpha',
          skipTLSVerify: false,
        },
        expect.objectContaining({
          name: 'beta',
          token: 'token-beta',
          skipTLSVerify: true,
        }),
        expect.objectContaining({ name: 'gamma', token: 'token-gamma' }),
      ]);
    },
  );
});
