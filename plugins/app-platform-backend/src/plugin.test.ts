import { TestDatabases, startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import request from 'supertest';
import { appPlatformPlugin } from './plugin';
import { migrationsDirectory } from './database/migrateDatabase';

jest.setTimeout(60_000);

describe('appPlatformPlugin', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  function databaseFactory(knex: Awaited<ReturnType<typeof databases.init>>) {
    return createServiceFactory({
      service: coreServices.database,
      deps: {},
      factory: () => ({ getClient: async () => knex }),
    });
  }

  it.each(databases.eachSupportedId())(
    'migrates its database and reports healthy on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [appPlatformPlugin, databaseFactory(knex)],
      });

      expect(await knex.schema.hasTable('applications')).toBe(true);

      // The test backend signs every request in as a user, who gets the
      // checks; what a caller without credentials gets (only the status, and
      // 401 everywhere else) is in routeAuthorization.test.ts.
      const res = await request(server).get('/api/app-platform/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ok',
        checks: [
          { name: 'database', status: 'ok' },
          { name: 'migrations', status: 'ok' },
        ],
      });
    },
  );

  it('reports degraded with 503 when a migration is missing', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [appPlatformPlugin, databaseFactory(knex)],
    });
    await knex.migrate.rollback({ directory: migrationsDirectory }, true);

    const res = await request(server).get('/api/app-platform/health');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('degraded');
    expect(res.body.checks).toContainEqual({
      name: 'migrations',
      status: 'failing',
      message: expect.stringContaining('20261122000000_init.js'),
    });
  });

  it('serves its OpenAPI spec', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [appPlatformPlugin, databaseFactory(knex)],
    });
    const res = await request(server).get('/api/app-platform/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/app-platform/health',
        '/api/app-platform/clusters',
        '/api/app-platform/applications',
      ]),
    );
  });
});
