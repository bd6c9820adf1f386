import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
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

async function waitUntil(condition: () => boolean, timeoutMs = 20_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs)
      throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/** A Component from a repository that stands for the platform service shop/api. */
const linkedComponent = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop-api',
    namespace: 'default',
    annotations: { 'app-platform.io/service-ref': 'shop/api' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-a',
  },
};

/** Runs nothing by itself: the test drives the full syncs. */
const manualRunner: SchedulerServiceTaskRunner = { run: async () => {} };

describe('AppPlatformEntityProvider', () => {
  let cluster: Sandbox;
  beforeAll(async () => {
    cluster = await startSandbox({ name: 'alpha' });
  });
  afterAll(() => cluster?.stop());

  it('emits applications, services and clusters, then applies each change within a second of its event', async () => {
    // One events service for the backend and the provider, as in one backend process.
    const events = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
    });
    const backend = await startTestBackend({
      features: [
        appPlatformPlugin,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
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
      events,
      fullRunner: manualRunner,
      catalog: catalogServiceMock({ entities: [linkedComponent] }),
    });

    /** Waits for the next mutation; the time it took from now. */
    const nextMutation = async () => {
      const count = mutations.length;
      const started = Date.now();
      while (mutations.length === count) {
        if (Date.now() - started > 5_000)
          throw new Error('no mutation within 5 s');
        await new Promise(resolve => setTimeout(resolve, 10));
      }
      return { mutation: mutations[count], ms: Date.now() - started };
    };

    try {
      await provider.connect(connection);
      await provider.fullSync();
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

      // A new application: its System arrives as a delta within a second.
      await request(backend.server)
        .post('/api/app-platform/applications')
        .send({
          name: 'payments',
          owner: 'group:default/team-a',
          description: 'Takes the money',
        })
        .expect(201);
      const created = await nextMutation();
      expect(created.ms).toBeLessThan(1000);
      expect(created.mutation).toMatchObject({ type: 'delta', removed: [] });
      expect(created.mutation.added.map((e: any) => e.entity)).toEqual([
        expect.objectContaining({
          kind: 'System',
          metadata: expect.objectContaining({
            name: 'payments',
            description: 'Takes the money',
          }),
          spec: { owner: 'group:default/team-a' },
        }),
      ]);
      // Its namespace becoming ready changes the System's annotation: another delta.
      await waitUntil(() =>
        mutations
          .flatMap(m => m.added ?? [])
          .some(
            (e: any) =>
              e.entity.metadata.annotations[
                'app-platform.io/namespaces-ready'
              ] === '1/1',
          ),
      );

      // Nothing changes: nothing is asked, nothing is applied.
      const quiet = mutations.length;
      await new Promise(resolve => setTimeout(resolve, 1_000));
      expect(mutations).toHaveLength(quiet);

      // A service is a Component of the application's System, named within
      // the application's entity namespace.
      await request(backend.server)
        .post('/api/app-platform/applications/payments/services')
        .send({ name: 'api', description: 'The payments API', public: true })
        .expect(201);
      const service = await nextMutation();
      expect(service.ms).toBeLessThan(1000);
      expect(service.mutation.added.map((e: any) => e.entity)).toEqual([
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
      const serviceGone = await nextMutation();
      expect(serviceGone.ms).toBeLessThan(1000);
      expect(serviceGone.mutation).toMatchObject({
        type: 'delta',
        added: [],
        removed: [{ entityRef: 'component:payments/api' }],
      });

      // A service that an existing Component links to gets no second entity.
      await request(backend.server)
        .post('/api/app-platform/applications')
        .send({ name: 'shop', owner: 'group:default/team-a' })
        .expect(201);
      await request(backend.server)
        .post('/api/app-platform/applications/shop/services')
        .send({ name: 'api' })
        .expect(201);
      await request(backend.server)
        .post('/api/app-platform/applications/shop/services')
        .send({ name: 'web' })
        .expect(201);
      const emitted = () =>
        mutations.flatMap(m =>
          (m.added ?? []).map(
            (e: any) =>
              `${e.entity.kind}:${e.entity.metadata.namespace ?? 'default'}/${
                e.entity.metadata.name
              }`,
          ),
        );
      await waitUntil(() => emitted().includes('Component:shop/web'));
      expect(emitted()).toContain('System:default/shop');
      expect(emitted()).not.toContain('Component:shop/api');
      await provider.fullSync();
      const full = mutations[mutations.length - 1];
      expect(full.type).toBe('full');
      expect(
        full.entities.map((e: any) => e.entity.metadata.name),
      ).not.toContain('api');

      await request(backend.server)
        .delete('/api/app-platform/applications/payments')
        .expect(204);
      await waitUntil(() =>
        mutations.some((m: any) =>
          (m.removed ?? []).some(
            (r: any) => r.entityRef === 'system:default/payments',
          ),
        ),
      );
    } finally {
      await backend.stop();
    }
  });
});
