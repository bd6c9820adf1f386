import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ALICE,
  as,
  BOB,
  startTestPlatform,
  testPolicy,
} from '../__testUtils__/startTestPlatform';

describe('GET /namespace-templates', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('lists the templates to those who may create applications, and no one else', async () => {
    const platform = await startTestPlatform({
      knex: await databases.init('SQLITE_3'),
      mockScheduler: true,
      // BOB may not create applications.
      policy: testPolicy({
        deny: { user: BOB, permissions: ['app-platform.application.create'] },
      }),
    });
    const get = (user?: string) => {
      const req = request(platform.server).get(
        '/api/app-platform/namespace-templates',
      );
      return user ? req.set('Authorization', as(user)) : req;
    };
    try {
      expect((await get()).status).toBe(401);
      const denied = await get(BOB);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toMatch(
        /app-platform\.application\.create/,
      );
      const listed = await get(ALICE);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toContain('default');
    } finally {
      await platform.stop();
    }
  });
});
