import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import appPlatformPlugin from '@internal/plugin-app-platform-backend';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { AppPlatformEntityProvider } from './AppPlatformEntityProvider';

jest.setTimeout(60_000);

/** Runs nothing by itself: the test drives the syncs. */
const manualRunner: SchedulerServiceTaskRunner = { run: async () => {} };

describe('AppPlatformEntityProvider', () => {
  let cluster: Sandbox;
  beforeAll(async () => {
    cluster = await startSandbox({ name: 'alpha' });
  });
  afterAll(() => cluster?.stop());

  it('emits applications and clusters, then only what changed', async () => {
    const backend = await startTestBackend({
      features: [
        appPlatformPlugin,
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
        mockServices.rootConfig.factory({
          data: {
            appPlatform: {
              encryptionKey: randomBytes(32).toString('base64'),
              clusters: [
                {
                  name: 'alpha',
                  url: cluster.url,
                  caData: cluster.caData,
                  token: cluster.token,
                  environment: 'test',
                  labels: { region: 'local' },
                },
              ],
            },
          },
        }),
      ],
    });
    const port = (backend.server.address() as AddressInfo).port;
    const mutations: any[] = [];
    const connection: EntityProviderConnection = {
      applyMutation: async m => {
        mutations.push(m);
      },
      refresh: async () => {},
    };
    const provider = AppPlatformEntityProvider.create({
      client: AppPlatformClient.create({
        discovery: {
          getBaseUrl: async () => `http://localhost:${port}/api/app-platform`,
        },
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      clusterOwner: 'group:default/platform-admins',
      deltaRunner: manualRunner,
      fullRunner: manualRunner,
    });

    try {
      await provider.connect(connection);
      await provider.deltaSync();
      expect(mutations).toHaveLength(1);
      expect(mutations[0].type).toBe('full');
      expect(
        mutations[0].entities.map((e: any) => e.entity.metadata.name),
      ).toEqual(['cluster-alpha']);
      expect(mutations[0].entities[0].entity).toMatchObject({
        kind: 'Resource',
        spec: {
          type: 'kubernetes-cluster',
          owner: 'group:default/platform-admins',
        },
        metadata: {
          labels: { 'app-platform.io/environment': 'test', region: 'local' },
        },
      });

      await request(backend.server)
        .post('/api/app-platform/applications')
        .send({
          name: 'payments',
          owner: 'group:default/team-a',
          description: 'Takes the money',
        })
        .expect(201);
      await provider.deltaSync();
      expect(mutations).toHaveLength(2);
      expect(mutations[1]).toMatchObject({ type: 'delta', removed: [] });
      expect(mutations[1].added.map((e: any) => e.entity)).toEqual([
        expect.objectContaining({
          kind: 'System',
          metadata: expect.objectContaining({
            name: 'payments',
            description: 'Takes the money',
          }),
          spec: { owner: 'group:default/team-a' },
        }),
      ]);

      // Nothing changed: nothing is applied.
      await provider.deltaSync();
      expect(mutations).toHaveLength(2);

      // A service is a Component of the application's System, named within
      // the application's entity namespace.
      await request(backend.server)
        .post('/api/app-platform/applications/payments/services')
        .send({ name: 'api', description: 'The payments API', public: true })
        .expect(201);
      await provider.deltaSync();
      expect(mutations).toHaveLength(3);
      expect(mutations[2].added.map((e: any) => e.entity)).toEqual([
        expect.objectContaining({
          kind: 'Component',
          metadata: expect.objectContaining({
            name: 'api',
            namespace: 'payments',
            description: 'The payments API',
            tags: ['app-platform', 'public'],
            annotations: expect.objectContaining({
              'app-platform.io/application': 'payments',
              'app-platform.io/service': 'api',
              'backstage.io/kubernetes-namespace': 'payments',
            }),
          }),
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'group:default/team-a',
            system: 'system:default/payments',
          },
        }),
      ]);
      await request(backend.server)
        .delete('/api/app-platform/applications/payments/services/api')
        .expect(204);
      await provider.deltaSync();
      expect(mutations[3]).toMatchObject({
        type: 'delta',
        added: [],
        removed: [{ entityRef: 'component:payments/api' }],
      });
      mutations.splice(2, 2);

      await request(backend.server)
        .delete('/api/app-platform/applications/payments')
        .expect(204);
      await provider.deltaSync();
      expect(mutations[2]).toMatchObject({
        type: 'delta',
        added: [],
        removed: [
          { entityRef: 'system:default/payments', locationKey: 'app-platform' },
        ],
      });
    } finally {
      await backend.stop();
    }
  });
});
