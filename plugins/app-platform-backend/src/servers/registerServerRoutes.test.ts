import { PermissionsService } from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import express from 'express';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { migrateDatabase } from '../database/migrateDatabase';
import { HealthService } from '../health/HealthService';
import { createRouter } from '../router';
import { registerServerRoutes } from './registerServerRoutes';
import { ServerInventory } from './ServerInventory';
import { ServerStore } from './ServerStore';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;

describe('registerServerRoutes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'server-routes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    const store = ServerStore.create({ knex });
    // The file provider's list: one good record and one it must skip.
    const file = path.join(dir, 'servers.json');
    await writeFile(
      file,
      JSON.stringify([
        {
          id: 'web-1',
          expiresAt: new Date(Date.now() + 5 * DAY + 3600_000).toISOString(),
          owner: 'team-a',
        },
        { id: 'web-2', expiresAt: 'soon', owner: 'team-a' },
      ]),
    );
    const sent: NotificationSendOptions[] = [];
    // Backstage's test scheduler runs a triggered task before it returns.
    const scheduler = mockServices.scheduler();
    const inventory = ServerInventory.fromConfig(
      mockServices.rootConfig({
        data: {
          appPlatform: {
            servers: {
              providers: [
                {
                  name: 'office',
                  type: 'file',
                  path: file,
                  schedule: { frequency: { trigger: 'manual' } },
                },
              ],
            },
          },
        },
      }),
      {
        knex,
        logger: mockServices.logger.mock(),
        catalog: catalogServiceMock({
          entities: ['team-a', 'team-b'].map(name => ({
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name, namespace: 'default' },
            spec: { type: 'team', children: [] },
          })),
        }),
        auth: mockServices.auth(),
        notifications: { send: async options => void sent.push(options) },
        scheduler,
      },
    );
    await inventory.schedule();
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
      httpAuth: mockServices.httpAuth(),
      registrations: [
        registerServerRoutes({
          servers: inventory,
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
    return { app, store, decisions, asked, sent };
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
    // Reading needs its own permission (app-platform.server.read).
    expect((await request(app).get('/servers')).status).toBe(403);
    decisions.result = AuthorizeResult.ALLOW;
    expect((await request(app).get('/servers')).body.items).toHaveLength(1);
    // Configured providers are listed before their first import.
    expect((await request(app).get('/servers/providers')).body).toEqual({
      items: [{ provider: 'office', imported: 0, removed: 0, skipped: [] }],
    });
  });

  it.each(databases.eachSupportedId())(
    'runs an import and the expiry scan on demand on %p',
    async databaseId => {
      const { app, asked, sent } = await setup(databaseId);

      const before = await request(app).get('/servers/expiry-scan');
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        thresholds: [30, 7, 1],
        alertsSent: 0,
        alertsFailed: 0,
      });

      const imported = await request(app).post(
        '/servers/providers/office/import',
      );
      expect(imported.status).toBe(202);
      expect(imported.body).toEqual({
        task: 'app-platform-servers-import:office',
        triggeredAt: expect.any(String),
      });
      expect(asked[asked.length - 1]).toEqual({
        permission: expect.objectContaining({
          name: 'app-platform.server.import',
        }),
      });
      const [status] = (await request(app).get('/servers/providers')).body
        .items;
      expect(status).toMatchObject({
        provider: 'office',
        imported: 1,
        skipped: [
          { providerId: 'web-2', reason: 'malformed expiry date "soon"' },
        ],
      });
      expect(Date.parse(status.lastRunAt)).toBeGreaterThanOrEqual(
        Date.parse(imported.body.triggeredAt),
      );

      const unknown = await request(app).post(
        '/servers/providers/cloud/import',
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe('No server provider named cloud');

      const scanned = await request(app).post('/servers/expiry-scan');
      expect(scanned.status).toBe(202);
      expect(scanned.body.task).toBe('app-platform-servers-expiry-scan');
      const after = (await request(app).get('/servers/expiry-scan')).body;
      expect(after).toMatchObject({ alertsSent: 1, alertsFailed: 0 });
      expect(Date.parse(after.lastFinishedAt)).toBeGreaterThanOrEqual(
        Date.parse(after.lastRunAt),
      );
      expect(sent.map(n => n.recipients)).toEqual([
        { type: 'entity', entityRef: 'group:default/team-a' },
      ]);

      // A second scan finds nothing new to say.
      await request(app).post('/servers/expiry-scan');
      expect(
        (await request(app).get('/servers/expiry-scan')).body,
      ).toMatchObject({ alertsSent: 0 });
      expect(sent).toHaveLength(1);
    },
  );

  it('runs imports and scans on demand only for those the policy allows', async () => {
    const { app, decisions, sent } = await setup('SQLITE_3');
    decisions.result = AuthorizeResult.DENY;
    expect(
      (await request(app).post('/servers/providers/office/import')).status,
    ).toBe(403);
    expect((await request(app).post('/servers/expiry-scan')).status).toBe(403);
    // Nothing ran.
    decisions.result = AuthorizeResult.ALLOW;
    expect((await request(app).get('/servers/providers')).body.items).toEqual([
      { provider: 'office', imported: 0, removed: 0, skipped: [] },
    ]);
    expect(
      (await request(app).get('/servers/expiry-scan')).body.lastRunAt,
    ).toBeUndefined();
    expect(sent).toEqual([]);
  });
});
