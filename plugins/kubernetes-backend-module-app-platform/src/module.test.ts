import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import appPlatformPlugin from '@internal/plugin-app-platform-backend';
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { kubernetesModuleAppPlatform } from './module';
import { PlatformClusterSupplier } from './PlatformClusterSupplier';
import { AddressInfo } from 'node:net';

jest.setTimeout(60_000);

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('not in time');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** The catalog Component of the platform service shop/web, as the catalog module emits it. */
const webComponent = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'web',
    namespace: 'shop',
    annotations: {
      'backstage.io/kubernetes-id': 'web',
      'backstage.io/kubernetes-namespace': 'shop',
      'backstage.io/kubernetes-label-selector': 'app-platform.io/service=web',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

function addPod(sandbox: Sandbox, name: string, service: string) {
  const { api } = sandbox;
  api.create(
    api.registry.get('', 'pods'),
    'shop',
    {
      metadata: { name, labels: { 'app-platform.io/service': service } },
      spec: { containers: [{ name: 'main', image: 'shop/web:1' }] },
    },
    {},
  );
}

describe('the Kubernetes plugin on the App Platform clusters', () => {
  let alpha: Sandbox;
  let beta: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    [alpha, beta] = await Promise.all([
      startSandbox({ name: 'alpha' }),
      startSandbox({ name: 'beta' }),
    ]);
    for (const sandbox of [alpha, beta]) {
      const { api } = sandbox;
      api.create(
        api.registry.get('', 'namespaces'),
        undefined,
        { metadata: { name: 'shop' } },
        {},
      );
    }
    addPod(alpha, 'web-1', 'web');
    addPod(alpha, 'web-2', 'web');
    addPod(alpha, 'api-1', 'api');
    // One events service for both plugins, as in one backend process.
    const events = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
    });
    backend = await startTestBackend({
      features: [
        appPlatformPlugin,
        kubernetesPlugin,
        kubernetesModuleAppPlatform,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        catalogServiceMock.factory({ entities: [webComponent] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: { serviceLocatorMethod: { type: 'multiTenant' } },
            appPlatform: {
              encryptionKey: randomBytes(32).toString('base64'),
              clusterTimeout: { milliseconds: 500 },
              clusters: [
                {
                  name: 'alpha',
                  url: alpha.url,
                  caData: alpha.caData,
                  token: alpha.token,
                  environment: 'test',
                },
              ],
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([alpha?.stop(), beta?.stop()]);
  });

  it('lists the platform clusters without their tokens', async () => {
    const res = await request(backend.server).get('/api/kubernetes/clusters');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ name: 'alpha', title: 'alpha (test)' }),
    ]);
    expect(res.text).not.toContain(alpha.token);
    expect(res.text).not.toContain('mock-service-token');
  });

  it("leads the Kubernetes plugin's requests, as its connection makes them, to a service's pods and only those", async () => {
    // The supplier as the module builds it, reaching this backend; its
    // details are used the way KubernetesConnection uses them: the resource
    // path appended to the URL, the label selector as query, the token as
    // bearer. (The Kubernetes plugin's own fan-out imports client-node
    // dynamically, which jest's VM cannot run: the browser test and
    // `./platform bench` drive it for real.)
    const port = (backend.server.address() as AddressInfo).port;
    const supplier = PlatformClusterSupplier.create({
      discovery: {
        getBaseUrl: async plugin => `http://localhost:${port}/api/${plugin}`,
        getExternalBaseUrl: async plugin =>
          `http://localhost:${port}/api/${plugin}`,
      },
      auth: mockServices.auth({ pluginId: 'kubernetes' }),
      logger: mockServices.logger.mock(),
    });
    const [details] = await supplier.getClusters();
    expect(details).toMatchObject({
      name: 'alpha',
      authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
      skipMetricsLookup: true,
    });
    const url = new URL(details.url);
    url.pathname += '/api/v1/namespaces/shop/pods';
    url.search = `labelSelector=${encodeURIComponent(
      webComponent.metadata.annotations[
        'backstage.io/kubernetes-label-selector'
      ],
    )}`;
    const headers = {
      Authorization: `Bearer ${details.authMetadata.serviceAccountToken}`,
    };
    const res = await fetch(url, { headers });
    expect(res.status).toBe(200);
    const pods = (await res.json()) as {
      items: Array<{ metadata: { name: string } }>;
    };
    expect(pods.items.map(p => p.metadata.name).sort()).toEqual([
      'web-1',
      'web-2',
    ]);
    // The same token cannot write, nor read Secrets.
    const write = await fetch(url, { method: 'DELETE', headers });
    expect(write.status).toBe(405);
    const secretsUrl = new URL(details.url);
    secretsUrl.pathname += '/api/v1/namespaces/shop/secrets';
    expect((await fetch(secretsUrl, { headers })).status).toBe(403);
  });

  it('sees a cluster registered through the App Platform at once, without polling', async () => {
    const registered = await request(backend.server)
      .post('/api/app-platform/clusters')
      .send({
        name: 'beta',
        url: beta.url,
        caData: beta.caData,
        token: beta.token,
        environment: 'production',
      });
    expect(registered.status).toBe(201);
    const started = Date.now();
    const names = await waitFor(async () => {
      const res = await request(backend.server).get('/api/kubernetes/clusters');
      const items: Array<{ name: string }> = res.body.items;
      return items.length === 2 ? items.map(c => c.name) : undefined;
    }, 1_000);
    expect(names).toEqual(['alpha', 'beta']);
    expect(Date.now() - started).toBeLessThan(1_000);

    const removed = await request(backend.server).delete(
      '/api/app-platform/clusters/beta',
    );
    expect(removed.status).toBe(204);
    await waitFor(async () => {
      const res = await request(backend.server).get('/api/kubernetes/clusters');
      return res.body.items.length === 1 ? true : undefined;
    }, 1_000);
  });
});
