import { PermissionsService } from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { migrateDatabase } from '../database/migrateDatabase';
import { HealthService } from '../health/HealthService';
import { createRouter } from '../router';
import { CatalogGroupDirectory } from './CatalogGroupDirectory';
import { registerServerRoutes } from './registerServerRoutes';
import { ServerService } from './ServerService';
import { ServerStore } from './ServerStore';

jest.setTimeout(60_000);

describe('registerServerRoutes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    const store = ServerStore.create({ knex });
    const groups = CatalogGroupDirectory.create({
      catalog: catalogServiceMock({
        entities: ['team-a', 'team-b'].map(name => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name, namespace: 'default' },
          spec: { type: 'team', children: [] },
        })),
      }),
      auth: mockServices.auth(),
    });
    const decisions: { result: AuthorizeResult.ALLOW | AuthorizeResult.DENY } =
      { result: AuthorizeResult.ALLOW };
    const asked: unknown[] = [];
    // Backstage's permission service, answering what the test decides.
    const permissions = {
      authorize: async (reqs: unknown[]) => {
        asked.push(...reqs);
        return reqs.map(() => ({ result: decisions.result }));
      },
      authorizeConditional: async () => {
        throw new Error('not used');
      },
    } as unknown as PermissionsService;
    const router = await createRouter({
      health: HealthService.create({ knex }),
      registrations: [
        registerServerRoutes({
          servers: ServerService.create({ store, groups }),
          httpAuth: mockServices.httpAuth(),
          permissions,
        }),
      ],
    });
    const app = express()
      .use(router)
      .use(
        MiddlewareFactory.create({
          config: mockServices.rootConfig(),
          logger: mockServices.logger.mock(),
        }).error(),
      );
    return { app, store, decisions, asked };
  }

  it.each(databases.eachSupportedId())(
    'records, reads, changes and deletes servers by hand on %p',
    async databaseId => {
      const { app, store, asked } = await setup(databaseId);

      const created = await request(app)
        .post('/servers')
        .send({
          name: 'build-box',
          cpu: 8,
          memoryMib: 16384,
          diskGib: 500,
          expiresAt: '2026-12-31',
          owner: 'team-a',
          tags: { room: 'b2' },
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'build-box',
        provider: 'manual',
        providerId: 'build-box',
        owner: 'group:default/team-a',
        expiresAt: '2026-12-31T00:00:00.000Z',
        state: 'active',
        tags: { room: 'b2' },
      });
      expect(asked).toEqual([
        {
          permission: expect.objectContaining({
            name: 'app-platform.server.create',
          }),
        },
      ]);
      const id = created.body.id;

      const duplicate = await request(app)
        .post('/servers')
        .send({ name: 'build-box', expiresAt: '2026-12-31', owner: 'team-a' });
      expect(duplicate.status).toBe(409);

      const list = await request(app)
        .get('/servers')
        .query({ owner: 'group:default/team-a' });
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([id]);
      // A short group name works too.
      const none = await request(app)
        .get('/servers')
        .query({ owner: 'team-b' });
      expect(none.body.items).toEqual([]);

      const updated = await request(app)
        .put(`/servers/${id}`)
        .send({ name: 'build-box', expiresAt: '2027-12-31', owner: 'team-b' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        owner: 'group:default/team-b',
        expiresAt: '2027-12-31T00:00:00.000Z',
      });
      expect(asked[asked.length - 1]).toEqual({
        permission: expect.objectContaining({
          name: 'app-platform.server.manage',
        }),
        resourceRef: id,
      });

      // Imported servers change at their provider only.
      const imported = await store.insert({
        name: 'i-1',
        provider: 'aliyun',
        providerId: 'i-1',
        ipAddresses: [],
        expiresAt: '2026-12-01T00:00:00.000Z',
        owner: 'group:default/team-a',
        tags: {},
      });
      const change = await request(app)
        .put(`/servers/${imported.id}`)
        .send({ name: 'i-1', expiresAt: '2027-01-01', owner: 'team-a' });
      expect(change.status).toBe(409);
      expect(change.body.error.message).toMatch(/imported from aliyun/);
      expect(
        (await request(app).delete(`/servers/${imported.id}`)).status,
      ).toBe(409);

      expect((await request(app).get(`/servers/${id}`)).body.name).toBe(
        'build-box',
      );
      expect((await request(app).delete(`/servers/${id}`)).status).toBe(204);
      expect((await request(app).get(`/servers/${id}`)).status).toBe(404);
      expect((await request(app).delete(`/servers/${id}`)).status).toBe(404);
    },
  );

  it('says which field is wrong', async () => {
    const { app } = await setup('SQLITE_3');
    const cases: Array<[object, RegExp]> = [
      [
        { name: 'x', expiresAt: '31/12/2026', owner: 'team-a' },
        /^expiresAt: malformed expiry date/,
      ],
      [{ name: 'x', owner: 'team-a' }, /^expiresAt: missing expiry date/],
      [
        { name: 'x', expiresAt: '2026-12-31', owner: 'team-z' },
        /^owner: unknown owner group:default\/team-z/,
      ],
      [
        { name: 'x', expiresAt: '2026-12-31', owner: 'user:alice' },
        /^owner: malformed owner/,
      ],
      [{ name: '  ', expiresAt: '2026-12-31', owner: 'team-a' }, /^name: /],
      [{ name: 'x', expiresAt: '2026-12-31', owner: 'team-a', cpu: -1 }, /cpu/],
      [
        { name: 'x', expiresAt: '2026-12-31', owner: 'team-a', colour: 'red' },
        /additional properties/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await request(app).post('/servers').send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
    // Pay as you go needs no expiry.
    const payg = await request(app)
      .post('/servers')
      .send({ name: 'spot', chargeType: 'PostPaid', owner: 'team-a' });
    expect(payg.status).toBe(201);
    expect(payg.body.expiresAt).toBeUndefined();
    const dated = await request(app)
      .post('/servers')
      .send({ name: 'dated', expiresAt: '2026-12-31', owner: 'team-a' });
    expect(dated.status).toBe(201);
    // Soonest expiry first, servers without one last.
    const list = await request(app).get('/servers');
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual([
      'dated',
      'spot',
    ]);
  });

  it('refuses what the permission policy denies', async () => {
    const { app, decisions } = await setup('SQLITE_3');
    const created = await request(app)
      .post('/servers')
      .send({ name: 'x', expiresAt: '2026-12-31', owner: 'team-a' });
    decisions.result = AuthorizeResult.DENY;

    const denied = await request(app)
      .post('/servers')
      .send({ name: 'y', expiresAt: '2026-12-31', owner: 'team-a' });
    expect(denied.status).toBe(403);
    expect(
      (
        await request(app)
          .put(`/servers/${created.body.id}`)
          .send({ name: 'x', expiresAt: '2027-12-31', owner: 'team-a' })
      ).status,
    ).toBe(403);
    expect(
      (await request(app).delete(`/servers/${created.body.id}`)).status,
    ).toBe(403);
    // Reading stays open.
    expect((await request(app).get('/servers')).body.items).toHaveLength(1);
    expect((await request(app).get('/servers/providers')).body).toEqual({
      items: [],
    });
  });
});
