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
import { serverProvidersExtensionPoint } from '@internal/plugin-app-platform-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { appPlatformPlugin } from '../plugin';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;

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
              // Latency, so the two replicas' scans overlap.
              await new Promise(resolve => setTimeout(resolve, 5));
              sent.push(options);
            },
          }),
        }),
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
});
