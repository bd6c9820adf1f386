import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ServerProvider } from '@internal/plugin-app-platform-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase } from '../database/migrateDatabase';
import { CatalogGroupDirectory } from './CatalogGroupDirectory';
import { FileServerProvider } from './FileServerProvider';
import { ServerImporter } from './ServerImporter';
import { ServerStore } from './ServerStore';

jest.setTimeout(60_000);

function group(name: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
}

describe('ServerImporter', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'servers-import-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    const store = ServerStore.create({ knex });
    const importer = ServerImporter.create({
      store,
      groups: CatalogGroupDirectory.create({
        catalog: catalogServiceMock({
          entities: [group('team-a'), group('team-b')],
        }),
        auth: mockServices.auth(),
      }),
      logger: mockServices.logger.mock(),
    });
    const file = path.join(dir, 'servers.yaml');
    const provider = FileServerProvider.create({ name: 'office', path: file });
    const write = (records: unknown[]) =>
      writeFile(file, JSON.stringify(records));
    return { knex, store, importer, provider, write };
  }

  it.each(databases.eachSupportedId())(
    'adds, updates and marks removed, skipping bad records with a reason, on %p',
    async databaseId => {
      const { store, importer, provider, write } = await setup(databaseId);
      await write([
        { id: 'a', expiresAt: '2026-12-01', owner: 'team-a', cpu: 2 },
        { id: 'b', expiresAt: '2027-01-01T08:00:00+08:00', owner: 'team-b' },
        { id: 'c', expiresAt: '2027-02-01', owner: 'team-a' },
        { id: 'no-date', owner: 'team-a' },
        { id: 'bad-date', expiresAt: '31/12/2026', owner: 'team-a' },
        { id: 'stranger', expiresAt: '2026-12-01', owner: 'team-z' },
        { id: 'half', expiresAt: '2026-12-01', owner: 'team-a', cpu: 1.5 },
        { id: 'payg', chargeType: 'PostPaid', owner: 'team-a' },
        'garbage',
      ]);

      const first = await importer.import(provider);
      expect(first).toMatchObject({
        provider: 'office',
        imported: 4,
        removed: 0,
      });
      expect(first.error).toBeUndefined();
      expect(first.skipped).toEqual([
        { reason: 'entry 9 is not an object' },
        { providerId: 'no-date', reason: 'missing expiry date' },
        {
          providerId: 'bad-date',
          reason: 'malformed expiry date "31/12/2026"',
        },
        {
          providerId: 'stranger',
          reason: 'unknown owner group:default/team-z',
        },
        {
          providerId: 'half',
          reason: 'cpu must be a whole number, got 1.5',
        },
      ]);
      const servers = await store.list({ provider: 'office' });
      expect(servers.map(s => s.providerId).sort()).toEqual([
        'a',
        'b',
        'c',
        'payg',
      ]);
      const b = servers.find(s => s.providerId === 'b')!;
      expect(b).toMatchObject({
        name: 'b',
        owner: 'group:default/team-b',
        expiresAt: '2027-01-01T00:00:00.000Z',
        state: 'active',
      });
      expect(b.lastImportedAt).toBe(first.lastRunAt);

      // Second run: a changes, c is gone, d is new; bad-date is fixed.
      await write([
        { id: 'a', expiresAt: '2026-12-01', owner: 'team-a', cpu: 4 },
        { id: 'b', expiresAt: '2027-01-01T08:00:00+08:00', owner: 'team-b' },
        { id: 'd', expiresAt: '2027-03-01', owner: 'team-b' },
        { id: 'bad-date', expiresAt: '2026-12-31', owner: 'team-a' },
        { id: 'payg', chargeType: 'PostPaid', owner: 'team-a' },
      ]);
      const second = await importer.import(provider);
      expect(second).toMatchObject({ imported: 3, removed: 1, skipped: [] });

      const after = await store.list({ provider: 'office' });
      const byId = Object.fromEntries(after.map(s => [s.providerId, s]));
      expect(byId.a.cpu).toBe(4);
      expect(byId.c.state).toBe('removed');
      expect(byId.d.state).toBe('active');
      expect(byId['bad-date'].expiresAt).toBe('2026-12-31T00:00:00.000Z');
      expect(byId.b.lastImportedAt).toBe(second.lastRunAt);

      // c comes back: active again, same record.
      await write([{ id: 'c', expiresAt: '2027-02-01', owner: 'team-a' }]);
      const third = await importer.import(provider);
      expect(third).toMatchObject({ imported: 1, removed: 5 });
      const c = await store.findByProviderId('office', 'c');
      expect(c).toMatchObject({ id: byId.c.id, state: 'active' });

      expect(await store.listProviderStatus()).toEqual([third]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps everything when the provider cannot be read, and records why, on %p',
    async databaseId => {
      const { store, importer, provider, write } = await setup(databaseId);
      await write([{ id: 'a', expiresAt: '2026-12-01', owner: 'team-a' }]);
      const ok = await importer.import(provider);

      const broken: ServerProvider = {
        getProviderName: () => 'office',
        readServers: async () => {
          throw new Error('connection refused');
        },
      };
      const failed = await importer.import(broken);
      expect(failed).toMatchObject({
        error: 'Error: connection refused',
        lastSuccessAt: ok.lastSuccessAt,
        removed: 0,
      });
      expect((await store.list())[0].state).toBe('active');
    },
  );

  it('a skipped record keeps its last good state instead of being removed', async () => {
    const { store, importer, provider, write } = await setup('SQLITE_3');
    await write([{ id: 'a', expiresAt: '2026-12-01', owner: 'team-a' }]);
    await importer.import(provider);
    await write([{ id: 'a', expiresAt: 'soon', owner: 'team-a' }]);

    const status = await importer.import(provider);
    expect(status.skipped).toEqual([
      { providerId: 'a', reason: 'malformed expiry date "soon"' },
    ]);
    expect(await store.findByProviderId('office', 'a')).toMatchObject({
      state: 'active',
      expiresAt: '2026-12-01T00:00:00.000Z',
    });
  });

  it('refuses the reserved provider name', async () => {
    const { importer } = await setup('SQLITE_3');
    await expect(
      importer.import({
        getProviderName: () => 'manual',
        readServers: async () => ({ servers: [] }),
      }),
    ).rejects.toThrow(/reserved/);
  });
});
