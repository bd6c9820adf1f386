import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ALICE,
  as,
  BOB,
  startTestPlatform,
  testPolicy,
} from '../__testUtils__/startTestPlatform';

describe('reading servers', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('needs app-platform.server.read on the list, a server and the status routes', async () => {
    const platform = await startTestPlatform({
      knex: await databases.init('SQLITE_3'),
      mockScheduler: true,
      // BOB may not read servers.
      policy: testPolicy({
        deny: { user: BOB, permissions: ['app-platform.server.read'] },
      }),
    });
    const get = (path: string, user: string) =>
      request(platform.server)
        .get(`/api/app-platform${path}`)
        .set('Authorization', as(user));
    try {
      const created = await request(platform.server)
        .post('/api/app-platform/servers')
        .set('Authorization', as(ALICE))
        .send({
          name: 'db-01',
          owner: 'group:default/team-a',
          expiresAt: '2027-01-31',
        });
      expect(created.status).toBe(201);
      for (const path of [
        '/servers',
        `/servers/${created.body.id}`,
        '/servers/providers',
        '/servers/expiry-scan',
      ]) {
        const denied = await get(path, BOB);
        expect({ path, status: denied.status }).toEqual({ path, status: 403 });
        expect(denied.body.error.message).toMatch(/app-platform\.server\.read/);
        expect({ path, status: (await get(path, ALICE)).status }).toEqual({
          path,
          status: 200,
        });
      }
    } finally {
      await platform.stop();
    }
  });
});
