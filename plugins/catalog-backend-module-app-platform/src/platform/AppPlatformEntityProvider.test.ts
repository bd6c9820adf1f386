import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
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
const linkedComponent: Entity = {
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

/** What the catalog holds after these mutations: entity ref → entity. */
function catalogAfter(mutations: any[]): Map<string, Entity> {
  const held = new Map<string, Entity>();
  for (const mutation of mutations) {
    if (mutation.type === 'full') held.clear();
    for (const { entity } of mutation.entities ?? mutation.added) {
      held.set(stringifyEntityRef(entity), entity);
    }
    for (const { entityRef } of mutation.removed ?? []) held.delete(entityRef);
  }
  return held;
}

/** Runs nothing by itself: the test drives the full syncs. */
const manualRunner: SchedulerServiceTaskRunner = { run: async () => {} };

/**
 * The App Platform backend on the sandbox cluster, and a provider reading
 * it, sharing one events service as in one backend process.
 */
async function startPlatform(cluster: Sandbox, catalogEntities: Entity[]) {
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
    catalog: catalogServiceMock({ entities: catalogEntities }),
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
  return { backend, provider, connection, mutations, nextMutation };
}

describe('AppPlatformEntityProvider', () => {
  let cluster: Sandbox;
  beforeAll(async () => {
    // Rollouts fast enough for the middleware test to wait for them.
    cluster = await startSandbox({ name: 'alpha', controller: { speed: 50 } });
  });
  afterAll(() => cluster?.stop());

  it('emits applications, services and clusters, then applies each change within a second of its event', async () => {
    const { backend, provider, connection, mutations, nextMutation } =
      await startPlatform(cluster, [linkedComponent]);
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
  it('emits middleware instances as Resources bound both ways to their services, and applies their changes', async () => {
    // A Component from a repository that stands for the platform service orders/billing.
    const linkedBilling: Entity = {
      ...linkedComponent,
      metadata: {
        name: 'orders-billing',
        namespace: 'default',
        annotations: { 'app-platform.io/service-ref': 'orders/billing' },
      },
    };
    const { backend, provider, connection, mutations } = await startPlatform(
      cluster,
      [linkedBilling],
    );
    const api = request(backend.server);
    const catalog = () => catalogAfter(mutations);
    /** Waits until the catalog holds what `condition` wants; the time it took. */
    const caughtUp = async (condition: () => boolean) => {
      const started = Date.now();
      await waitUntil(condition);
      return Date.now() - started;
    };
    /** Waits until a deployment record of the service or instance is no longer in flight; its state. */
    const settled = async (
      service: string,
      deployment: string,
    ): Promise<string> => {
      const started = Date.now();
      for (;;) {
        const { body } = await api
          .get(
            `/api/app-platform/applications/orders/services/${service}/deployments/${deployment}`,
          )
          .expect(200);
        if (body.state !== 'deploying') return body.state;
        if (Date.now() - started > 30_000)
          throw new Error(
            `${service} still deploying after 30 s: ${JSON.stringify(body)}`,
          );
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    };
    /** Deploys a version of the service binding these instances, and waits for it. */
    const deploy = async (service: string, bindings: string[]) => {
      const spec = {
        image: 'nginx:1.27',
        replicas: 1,
        ports: [{ name: 'http', containerPort: 8080 }],
        ...(bindings.length
          ? { bindings: bindings.map(instance => ({ instance })) }
          : {}),
      };
      const { body } = await api
        .post(
          `/api/app-platform/applications/orders/services/${service}/deployments`,
        )
        .send({ spec })
        .expect(202);
      expect(await settled(service, body.id)).toBe('succeeded');
    };
    const cache = () => catalog().get('resource:orders/cache');
    const web = () => catalog().get('component:orders/web');

    try {
      await api
        .post('/api/app-platform/applications')
        .send({ name: 'orders', owner: 'group:default/team-a' })
        .expect(201);
      for (const name of ['web', 'billing']) {
        await api
          .post('/api/app-platform/applications/orders/services')
          .send({ name })
          .expect(201);
      }
      await provider.connect(connection);
      await provider.fullSync();
      expect(web()).toBeDefined();
      expect(cache()).toBeUndefined();

      // Installed: a Resource of the application within a second.
      const installed = await api
        .post('/api/app-platform/applications/orders/middleware')
        .send({ name: 'cache', definition: 'redis' })
        .expect(201);
      expect(await caughtUp(() => cache() !== undefined)).toBeLessThan(1000);
      expect(cache()).toMatchObject({
        kind: 'Resource',
        metadata: {
          name: 'cache',
          namespace: 'orders',
          description: 'Redis',
          tags: ['app-platform', 'middleware', 'redis'],
          annotations: {
            'app-platform.io/application': 'orders',
            'app-platform.io/middleware': 'cache',
            'app-platform.io/middleware-definition': 'redis',
            'app-platform.io/middleware-version': '7.4',
            'app-platform.io/middleware-update-available': 'false',
            'backstage.io/kubernetes-namespace': 'orders',
          },
        },
        spec: {
          type: 'middleware:redis',
          owner: 'group:default/team-a',
          system: 'system:default/orders',
        },
      });
      expect(cache()!.spec).not.toHaveProperty('dependencyOf');
      expect(await settled('cache', installed.body.deployment.id)).toBe(
        'succeeded',
      );

      // Upgraded: the changed instance comes as a delta.
      const upgraded = await api
        .post('/api/app-platform/applications/orders/middleware/cache/upgrade')
        .send({ parameters: { version: '8.0' } })
        .expect(res => expect([200, 201, 202]).toContain(res.status));
      await caughtUp(
        () =>
          cache()?.metadata.annotations?.[
            'app-platform.io/middleware-version'
          ] === '8.0',
      );
      // Still the one full mutation of the start: the rest came as deltas.
      expect(mutations.filter(m => m.type === 'full')).toHaveLength(1);
      expect(await settled('cache', upgraded.body.deployment.id)).toBe(
        'succeeded',
      );

      // Services deployed with a binding: both sides of the relation, the
      // linked Component named by its own ref.
      await deploy('web', ['cache']);
      await deploy('billing', ['cache']);
      await caughtUp(
        () =>
          (cache()?.spec?.dependencyOf as string[] | undefined)?.length === 2,
      );
      expect([...(cache()!.spec!.dependencyOf as string[])].sort()).toEqual([
        'component:default/orders-billing',
        'component:orders/web',
      ]);
      expect(web()!.spec!.dependsOn).toContain('resource:orders/cache');
      expect(catalog().has('component:orders/billing')).toBe(false);
      // A full sync emits the same.
      await provider.fullSync();
      expect(mutations[mutations.length - 1].type).toBe('full');
      expect(web()!.spec!.dependsOn).toContain('resource:orders/cache');
      expect(cache()!.spec!.dependencyOf).toHaveLength(2);

      // Unbound by a new version: both sides lose the relation.
      await deploy('web', []);
      await deploy('billing', []);
      await caughtUp(() => cache()?.spec?.dependencyOf === undefined);
      expect(web()!.spec!.dependsOn ?? []).not.toContain(
        'resource:orders/cache',
      );

      // After every mutation, the Component and the Resource agreed.
      for (let i = 1; i <= mutations.length; i++) {
        const held = catalogAfter(mutations.slice(0, i));
        const dependsOn = (held.get('component:orders/web')?.spec?.dependsOn ??
          []) as string[];
        const dependencyOf = (held.get('resource:orders/cache')?.spec
          ?.dependencyOf ?? []) as string[];
        expect(dependsOn.includes('resource:orders/cache')).toBe(
          dependencyOf.includes('component:orders/web'),
        );
      }

      // Uninstalled: once the API no longer has it, the Resource leaves.
      await api
        .delete('/api/app-platform/applications/orders/middleware/cache')
        .expect(res => expect([200, 202, 204]).toContain(res.status));
      await caughtUp(() => cache() === undefined);
      await api
        .get('/api/app-platform/applications/orders/middleware/cache')
        .expect(404);
      expect(
        mutations.some(
          m =>
            m.type === 'delta' &&
            m.removed.some((r: any) => r.entityRef === 'resource:orders/cache'),
        ),
      ).toBe(true);
    } finally {
      await backend.stop();
    }
  });
});
