import {
  coreServices,
  createServiceFactory,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The test reads servers from the real backend plugin, so the REST contract
// between the two is what is tested.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import appPlatformPlugin from '@internal/plugin-app-platform-backend';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { AddressInfo } from 'node:net';
import { ServerEntityProvider, serverToEntity } from './ServerEntityProvider';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;

describe('ServerEntityProvider', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('emits every active server of the backend as a Resource of type server', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        appPlatformPlugin,
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
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const discovery = {
      getBaseUrl: async (pluginId: string) =>
        `http://localhost:${port}/api/${pluginId}`,
    };
    const expiresAt = new Date(Date.now() + 3 * DAY).toISOString();
    const asUser = AppPlatformClient.create({ discovery });
    const web = await asUser.createServer({
      name: 'Web 1',
      cpu: 4,
      memoryMib: 8192,
      os: 'Ubuntu 22.04',
      expiresAt,
      owner: 'team-a',
    });
    const old = await asUser.createServer({
      name: 'old',
      expiresAt,
      owner: 'team-a',
    });
    await knex('servers').where({ id: old.id }).update({ state: 'removed' });

    const mutations: EntityProviderMutation[] = [];
    const connection: EntityProviderConnection = {
      applyMutation: async mutation => {
        mutations.push(mutation);
      },
      refresh: async () => {},
    };
    let task: SchedulerServiceTaskInvocationDefinition | undefined;
    const provider = ServerEntityProvider.create({
      client: AppPlatformClient.create({ discovery }),
      // Mock service credentials: the test backend accepts its tokens.
      auth: mockServices.auth({ pluginId: 'catalog' }),
      logger: mockServices.logger.mock(),
      taskRunner: {
        run: async t => {
          task = t;
        },
      },
    });
    await provider.connect(connection);
    expect(task?.id).toBe('app-platform-servers:refresh');
    await task!.fn(new AbortController().signal);

    expect(mutations).toEqual([
      {
        type: 'full',
        entities: [
          {
            locationKey: `app-platform-servers:${web.id}`,
            entity: expect.objectContaining({
              kind: 'Resource',
              spec: { type: 'server', owner: 'group:default/team-a' },
            }),
          },
        ],
      },
    ]);
    const entity = (mutations[0] as { entities: any[] }).entities[0].entity;
    expect(entity.metadata).toMatchObject({
      name: 'manual-web-1',
      title: 'Web 1',
      description: 'manual server Web 1: 4 vCPU, 8 GiB memory, Ubuntu 22.04',
      annotations: {
        'app-platform.io/server-expires-at': expiresAt,
        'app-platform.io/server-id': web.id,
        'app-platform.io/server-provider': 'manual',
        'backstage.io/managed-by-location': `app-platform:servers/${web.id}`,
      },
      labels: { 'app-platform.io/expiry': 'critical' },
    });
    await backend.stop();
  });

  it('labels the urgency of the expiry', () => {
    const server = {
      id: 'x',
      name: 'x',
      provider: 'aliyun',
      providerId: 'i-Bp1/2',
      ipAddresses: [],
      owner: 'group:default/team-a',
      tags: {},
      state: 'active' as const,
      updatedAt: '2026-11-01T00:00:00.000Z',
    };
    const now = new Date('2026-11-01T00:00:00Z');
    const label = (expiresAt?: string) =>
      serverToEntity({ ...server, expiresAt }, now).metadata.labels?.[
        'app-platform.io/expiry'
      ];
    expect(label('2026-10-31T00:00:00Z')).toBe('expired');
    expect(label('2026-11-20T00:00:00Z')).toBe('warning');
    expect(label('2027-11-20T00:00:00Z')).toBe('ok');
    expect(label(undefined)).toBe('unknown');
    expect(serverToEntity(server, now).metadata.name).toBe('aliyun-i-bp1-2');
  });
});
