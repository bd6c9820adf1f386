import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ALICE,
  as,
  BOB,
  startTestPlatform,
  testPolicy,
} from '../__testUtils__/startTestPlatform';

jest.setTimeout(60_000);

const BASE = '/api/app-platform/middleware/definitions';

describe('the app store routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('list the definitions, preview an install with secrets redacted, and refuse bad input and callers without the permission', async () => {
    const knex = await databases.init('SQLITE_3');
    const platform = await startTestPlatform({
      knex,
      mockScheduler: true,
      // BOB may not read the app store.
      policy: testPolicy({
        deny: { user: BOB, permissions: ['app-platform.middleware.read'] },
      }),
    });
    const get = (path: string, user?: string) => {
      const req = request(platform.server).get(`${BASE}${path}`);
      return user ? req.set('Authorization', as(user)) : req;
    };
    const preview = (definition: string, body: object, user = ALICE) =>
      request(platform.server)
        .post(`${BASE}/${definition}/preview`)
        .set('Authorization', as(user))
        .send(body);
    try {
      expect((await get('')).status).toBe(401);
      expect((await get('', BOB)).status).toBe(403);
      expect((await preview('redis', { instance: 'cache' }, BOB)).status).toBe(
        403,
      );

      const list = await get('', ALICE);
      expect(list.status).toBe(200);
      expect(list.body.problems).toEqual([]);
      expect(list.body.items.map((d: any) => d.name).sort()).toEqual([
        'memcached',
        'mongodb',
        'mysql',
        'nginx-gateway',
        'postgresql',
        'rabbitmq',
        'redis',
        'zookeeper',
      ]);
      const redis = (await get('/redis', ALICE)).body;
      expect(redis).toMatchObject({
        category: 'cache',
        icon: expect.stringMatching(/^data:image\/svg\+xml/),
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(redis.versions).toContain(redis.defaultVersion);
      expect(redis.sizes.map((s: any) => s.name)).toEqual([
        'small',
        'medium',
        'large',
      ]);
      expect(Object.keys(redis.parametersSchema.properties)).toEqual(
        expect.arrayContaining(['version', 'size', 'password', 'persistence']),
      );
      expect((await get('/nope', ALICE)).status).toBe(404);

      // A preview: what would be created, the bound service's env, no secret.
      const password = 'S3cret-"quoted"-pass';
      const shown = await preview('redis', {
        instance: 'orders-cache',
        application: 'shop',
        parameters: { password },
      });
      expect(shown.status).toBe(200);
      expect(shown.body.objects).toEqual(
        expect.arrayContaining([
          { kind: 'Secret', name: 'orders-cache' },
          { kind: 'StatefulSet', name: 'orders-cache' },
        ]),
      );
      expect(shown.body.manifests).toMatch(/namespace: shop/);
      expect(shown.body.env).toEqual(
        expect.arrayContaining([
          {
            name: 'ORDERS_CACHE_HOST',
            value: expect.stringMatching(/\.shop\.svc$/),
          },
          { name: 'ORDERS_CACHE_PORT', value: '6379' },
          {
            name: 'ORDERS_CACHE_PASSWORD',
            secretKeyRef: { name: 'orders-cache', key: 'password' },
          },
        ]),
      );
      expect(shown.body.parameters.password).toBe('<redacted>');
      const body = JSON.stringify(shown.body);
      expect(body).not.toContain('S3cret');
      expect(body).not.toContain(Buffer.from(password).toString('base64'));

      // Bad input names the field.
      const badInstance = await preview('redis', { instance: 'Orders' });
      expect(badInstance.status).toBe(400);
      expect(badInstance.body.error.message).toMatch(/instance/);
      const badParameter = await preview('redis', {
        instance: 'cache',
        parameters: { replicas: 99 },
      });
      expect(badParameter.status).toBe(400);
      expect(badParameter.body.error.message).toMatch(/replicas/);
    } finally {
      await platform.stop();
    }
  });
});
