import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { createDeferred } from '@backstage/types';
import { serverProvidersExtensionPoint } from '@internal/plugin-app-platform-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { appPlatformPlugin } from '../plugin';
import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;

/**
 * What both tests give the plugin besides its scheduler: the test database,
 * a catalog with group team-a, and notifications recorded in `sent` (after
 * a little latency, so that concurrent scans overlap).
 */
function sharedServices(knex: Knex, sent: NotificationSendOptions[]) {
  return [
    createServiceFactory({
      service: coreServices.database,
      deps: {},
      factory: () => ({ getClient: async () => knex }),
    }),
    catalogServiceMock.factory({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'team-a', namespace: 'default' },
          spec: { type: 'team', children: [] },
        },
      ],
    }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        send: async (options: NotificationSendOptions) => {
          await new Promise(resolve => setTimeout(resolve, 5));
          sent.push(options);
        },
      }),
    }),
  ];
}

describe('servers in the app-platform plugin', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'servers-plugin-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(databases.eachSupportedId())(
    'imports on schedule and alerts once across two backends on one database, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const file = path.join(dir, 'servers.yaml');
      const soon = new Date(Date.now() + 5 * DAY + 3600_000).toISOString();
      await writeFile(
        file,
        JSON.stringify([
          { id: 'web-1', expiresAt: soon, owner: 'team-a' },
          { id: 'web-2', expiresAt: 'tomorrow', owner: 'team-a' },
        ]),
      );
      const sent: NotificationSendOptions[] = [];
      const config = {
        appPlatform: {
          servers: {
            expiryScan: { frequency: { seconds: 1 } },
            providers: [
              {
                name: 'office',
                type: 'file',
                path: file,
                schedule: {
                  frequency: { seconds: 1 },
                  initialDelay: { milliseconds: 1 },
                },
              },
            ],
          },
        },
      };
      // A module adding a provider through the extension point.
      const moduleProvider = createBackendModule({
        pluginId: 'app-platform',
        moduleId: 'test-servers',
        register(reg) {
          reg.registerInit({
            deps: { providers: serverProvidersExtensionPoint },
            async init({ providers }) {
              providers.addServerProvider(
                {
                  getProviderName: () => 'lab',
                  readServers: async () => ({
                    servers: [
                      { providerId: 'gpu-1', expiresAt: soon, owner: 'team-a' },
                    ],
                  }),
                },
                {
                  schedule: {
                    frequency: { seconds: 1 },
                    timeout: { seconds: 30 },
                  },
                },
              );
            },
          });
        },
      });
      // Two replicas ("scheduler hosts") sharing one database; the tests
      // trigger their scheduled tasks instead of waiting for the clock.
      const hosts = [mockServices.scheduler(), mockServices.scheduler()];
      const features = (host: SchedulerService) => [
        appPlatformPlugin,
        moduleProvider,
        mockServices.rootConfig.factory({ data: config }),
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => host,
        }),
        ...sharedServices(knex, sent),
      ];
      const first = await startTestBackend({ features: features(hosts[0]) });
      const second = await startTestBackend({ features: features(hosts[1]) });

      const tasks = await hosts[0].getScheduledTasks();
      expect(tasks.map(t => [t.id, t.scope])).toEqual(
        expect.arrayContaining([
          ['app-platform-servers-expiry-scan', 'global'],
          ['app-platform-servers-import:lab', 'global'],
          ['app-platform-servers-import:office', 'global'],
        ]),
      );

      await hosts[0].triggerTask('app-platform-servers-import:office');
      await hosts[1].triggerTask('app-platform-servers-import:lab');

      const servers = (
        await request(first.server).get('/api/app-platform/servers')
      ).body.items;
      expect(
        servers.map((s: { provider: string }) => s.provider).sort(),
      ).toEqual(['lab', 'office']);
      const status = (
        await request(second.server).get('/api/app-platform/servers/providers')
      ).body.items.find((s: { provider: string }) => s.provider === 'office');
      expect(status.skipped).toEqual([
        { providerId: 'web-2', reason: 'malformed expiry date "tomorrow"' },
      ]);

      // Two scans, each on both replicas at once: one alert per server.
      for (let run = 0; run < 2; run++) {
        await Promise.all(
          hosts.map(h => h.triggerTask('app-platform-servers-expiry-scan')),
        );
      }
      expect(sent.map(n => n.payload.title).sort()).toEqual([
        expect.stringMatching(/^Server gpu-1 expires in 5 days/),
        expect.stringMatching(/^Server web-1 expires in 5 days/),
      ]);

      await first.stop();
      await second.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    "runs on demand through Backstage's scheduler, one run at a time, on %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const reading = createDeferred<void>();
      const release = createDeferred<void>();
      let reads = 0;
      // Only triggers run these tasks: nothing happens on the clock.
      const manual = {
        frequency: { trigger: 'manual' as const },
        timeout: { minutes: 1 },
      };
      const slowProvider = createBackendModule({
        pluginId: 'app-platform',
        moduleId: 'test-slow-servers',
        register(reg) {
          reg.registerInit({
            deps: { providers: serverProvidersExtensionPoint },
            async init({ providers }) {
              providers.addServerProvider(
                {
                  getProviderName: () => 'slow',
                  readServers: async () => {
                    reads += 1;
                    reading.resolve();
                    await release;
                    return {
                      servers: [
                        {
                          providerId: 'db-1',
                          expiresAt: new Date(
                            Date.now() + 2 * DAY,
                          ).toISOString(),
                          owner: 'team-a',
                        },
                      ],
                    };
                  },
                },
                { schedule: manual },
              );
            },
          });
        },
      });
      const sent: NotificationSendOptions[] = [];
      const backend = await startTestBackend({
        features: [
          appPlatformPlugin,
          slowProvider,
          schedulerServiceFactory,
          mockServices.rootConfig.factory({
            data: {
              appPlatform: {
                servers: { expiryScan: { frequency: { trigger: 'manual' } } },
              },
            },
          }),
          ...sharedServices(knex, sent),
        ],
      });
      const api = '/api/app-platform/servers';

      const first = await request(backend.server).post(
        `${api}/providers/slow/import`,
      );
      expect(first.status).toBe(202);
      await reading;
      // The import is running on the scheduler: a second one must wait.
      const second = await request(backend.server).post(
        `${api}/providers/slow/import`,
      );
      expect(second.status).toBe(409);
      expect(second.body.error.message).toMatch(/currently running/);
      release.resolve();

      const [status] = await waitFor(async () => {
        const { items } = (
          await request(backend.server).get(`${api}/providers`)
        ).body;
        return items[0].lastRunAt ? items : undefined;
      }, 'the import to finish');
      expect(status).toMatchObject({
        provider: 'slow',
        imported: 1,
        skipped: [],
      });
      expect(reads).toBe(1);

      expect(
        (await request(backend.server).post(`${api}/expiry-scan`)).status,
      ).toBe(202);
      const scan = await waitFor(async () => {
        const body = (await request(backend.server).get(`${api}/expiry-scan`))
          .body;
        return body.lastFinishedAt ? body : undefined;
      }, 'the expiry scan to finish');
      expect(scan).toMatchObject({ alertsSent: 1, alertsFailed: 0 });
      expect(sent.map(n => n.payload.title)).toEqual([
        expect.stringMatching(/^Server db-1 expires in 1 day/),
      ]);

      await backend.stop();
    },
  );
});
