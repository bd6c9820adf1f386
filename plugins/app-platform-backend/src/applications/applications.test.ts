import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { appPlatformPlugin } from '../plugin';
import { waitFor } from '../testing/waitFor';

jest.setTimeout(120_000);

const templatesDir = path.resolve(
  __dirname,
  '../../../../templates/namespaces',
);

/** Collects every log line with its metadata, to search it for secrets. */
function capturingLogger(lines: string[]) {
  const make = (meta: object): LoggerService => {
    const log = (level: string) => (message: string, extra?: any) => {
      lines.push(
        `${level} ${message} ${JSON.stringify({ ...meta, ...extra })}`,
      );
    };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (m: object) => make({ ...meta, ...m }),
    };
  };
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => make({}) as any,
  });
}

const groups = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

describe('clusters and applications', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let alpha: Sandbox;
  let beta: Sandbox;
  let gamma: Sandbox;

  beforeAll(async () => {
    [alpha, beta, gamma] = await Promise.all([
      startSandbox({ name: 'alpha' }),
      startSandbox({ name: 'beta' }),
      startSandbox({ name: 'gamma' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([alpha, beta, gamma].map(s => s?.stop()));
  });

  async function startPlatform(
    databaseId: Parameters<typeof databases.init>[0],
    logs: string[],
  ) {
    const knex = await databases.init(databaseId);
    const backend = await startTestBackend({
      features: [
        appPlatformPlugin,
        schedulerServiceFactory,
        capturingLogger(logs),
        createServiceFactory({
          service: coreServices.database,
          deps: {},
          factory: () => ({ getClient: async () => knex }),
        }),
        catalogServiceMock.factory({ entities: groups }),
        mockServices.rootConfig.factory({
          data: {
            appPlatform: {
              encryptionKey: randomBytes(32).toString('base64'),
              healthProbe: {
                frequency: { seconds: 1 },
                timeout: { seconds: 2 },
              },
              namespaceTemplates: { directory: templatesDir },
              clusters: [
                {
                  name: 'alpha',
                  url: alpha.url,
                  caData: alpha.caData,
                  token: alpha.token,
                  environment: 'test',
                },
                {
                  name: 'beta',
                  url: beta.url,
                  caData: beta.caData,
                  token: beta.token,
                  environment: 'production',
                },
              ],
            },
          },
        }),
      ],
    });
    return { server: backend.server, knex, stop: () => backend.stop() };
  }

  function kubeFor(sandbox: Sandbox) {
    const kc = new KubeConfig();
    kc.loadFromString(sandbox.kubeconfig());
    return {
      core: kc.makeApiClient(CoreV1Api),
      apps: kc.makeApiClient(AppsV1Api),
    };
  }

  /** The namespace as the cluster has it, or undefined when it is gone or going. */
  async function liveNamespace(sandbox: Sandbox, name: string) {
    try {
      const ns = await kubeFor(sandbox).core.readNamespace({ name });
      return ns.status?.phase === 'Terminating' ? undefined : ns;
    } catch (error: any) {
      if (error.code === 404) return undefined;
      throw error;
    }
  }

  it.each(databases.eachSupportedId())(
    'creates, catches up, deletes and refuses bad input on %p',
    async databaseId => {
      const logs: string[] = [];
      const { server, knex, stop } = await startPlatform(databaseId, logs);
      const responses: string[] = [];
      const call = async (
        method: 'get' | 'post' | 'delete',
        p: string,
        body?: object,
      ) => {
        let req = request(server)[method](`/api/app-platform${p}`);
        if (body) req = req.send(body);
        const res = await req;
        responses.push(JSON.stringify(res.body));
        return res;
      };
      const clusterHealth = async (name: string) =>
        (await call('get', `/clusters/${name}`)).body.health;

      try {
        await waitFor(async () => {
          const res = await call('get', '/clusters');
          return res.body.items?.length === 2 &&
            res.body.items.every((c: any) => c.health === 'healthy')
            ? true
            : undefined;
        }, 'both clusters healthy');

        // Create: the namespace on each cluster, labelled, with the default template.
        const created = await call('post', '/applications', {
          name: 'payments',
          owner: 'group:default/team-a',
          description: 'Takes the money',
        });
        expect(created.status).toBe(201);
        expect(created.body.namespaces).toEqual([
          expect.objectContaining({ cluster: 'alpha', state: 'ready' }),
          expect.objectContaining({ cluster: 'beta', state: 'ready' }),
        ]);
        for (const sandbox of [alpha, beta]) {
          const ns = await liveNamespace(sandbox, 'payments');
          expect(ns?.metadata?.labels).toMatchObject({
            'app.kubernetes.io/managed-by': 'app-platform',
            'app-platform.io/application': 'payments',
          });
          expect(ns?.metadata?.annotations?.['app-platform.io/owner']).toBe(
            'group:default/team-a',
          );
          const quotas = await kubeFor(
            sandbox,
          ).core.listNamespacedResourceQuota({ namespace: 'payments' });
          expect(quotas.items.map(q => q.metadata?.name)).toEqual([
            'app-platform-quota',
          ]);
        }

        // Bad input is refused before anything is written.
        for (const [body, message] of [
          [{ name: 'Bad_Name', owner: 'group:default/team-a' }, /name/],
          [
            { name: 'orphan', owner: 'group:default/nobody' },
            /owner .* not a Group in the catalog/,
          ],
          [
            { name: 'orphan', owner: 'user:default/alice' },
            /owner .* must be a Group/,
          ],
          [
            {
              name: 'orphan',
              owner: 'group:default/team-a',
              namespaceTemplate: 'nope',
            },
            /namespaceTemplate "nope" does not exist/,
          ],
        ] as const) {
          const res = await call('post', '/applications', body);
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(message);
        }
        const duplicate = await call('post', '/applications', {
          name: 'payments',
          owner: 'group:default/team-a',
        });
        expect(duplicate.status).toBe(409);
        expect(await knex('applications').pluck('name')).toEqual(['payments']);
        expect(await liveNamespace(alpha, 'orphan')).toBeUndefined();
        expect(await liveNamespace(alpha, 'bad-name')).toBeUndefined();

        // One cluster down: the application is created on the other, and the
        // down one is caught up by the probe once it returns.
        beta.faults.set({ down: true });
        await waitFor(
          async () =>
            (await clusterHealth('beta')) === 'unreachable' ? true : undefined,
          'beta unreachable',
        );
        const orders = await call('post', '/applications', {
          name: 'orders',
          owner: 'group:default/team-a',
          namespaceTemplate: 'web',
        });
        expect(orders.status).toBe(201);
        expect(orders.body.namespaces.map((n: any) => n.cluster)).toEqual([
          'alpha',
        ]);
        expect((await call('get', '/clusters/beta')).body.healthReason).toMatch(
          /ECONNREFUSED/,
        );
        beta.faults.set({ down: false });
        await waitFor(
          () => liveNamespace(beta, 'orders'),
          'orders caught up on beta',
        );
        await waitFor(async () => {
          const res = await call('get', '/applications/orders');
          return res.body.namespaces?.some(
            (n: any) => n.cluster === 'beta' && n.state === 'ready',
          )
            ? true
            : undefined;
        }, 'beta recorded as ready');
        const gateway = await kubeFor(beta).apps.readNamespacedDeployment({
          namespace: 'orders',
          name: 'gateway',
        });
        expect(
          gateway.metadata?.labels?.['app-platform.io/namespace-template'],
        ).toBe('web');

        // Registering a cluster checks its CA and token before storing anything.
        const wrongCa = await call('post', '/clusters', {
          name: 'gamma',
          url: gamma.url,
          caData: alpha.caData,
          token: gamma.token,
          environment: 'test',
        });
        expect(wrongCa.status).toBe(400);
        expect(wrongCa.body.error.message).toMatch(
          /Could not connect to cluster "gamma"/,
        );
        const wrongToken = await call('post', '/clusters', {
          name: 'gamma',
          url: gamma.url,
          caData: gamma.caData,
          token: 'not-the-token',
          environment: 'test',
        });
        expect(wrongToken.status).toBe(400);
        expect(wrongToken.body.error.message).toMatch(/401/);
        const badUrl = await call('post', '/clusters', {
          name: 'gamma',
          url: 'not a url',
          caData: gamma.caData,
          token: gamma.token,
          environment: 'test',
        });
        expect(badUrl.status).toBe(400);
        expect(badUrl.body.error.message).toMatch(/^url /);
        expect(await knex('clusters').orderBy('name').pluck('name')).toEqual([
          'alpha',
          'beta',
        ]);

        // A newly registered cluster receives every application's namespace.
        const registered = await call('post', '/clusters', {
          name: 'gamma',
          url: gamma.url,
          caData: gamma.caData,
          token: gamma.token,
          environment: 'test',
          labels: { region: 'local' },
        });
        expect(registered.status).toBe(201);
        expect(registered.body).toMatchObject({
          name: 'gamma',
          health: 'healthy',
          source: 'api',
          labels: { region: 'local' },
        });
        expect(registered.body).not.toHaveProperty('token');
        expect(await liveNamespace(gamma, 'payments')).toBeDefined();
        expect(await liveNamespace(gamma, 'orders')).toBeDefined();

        // Deleting refuses while a service runs, then removes namespaces and rows.
        await kubeFor(alpha).apps.createNamespacedDeployment({
          namespace: 'orders',
          body: {
            metadata: {
              name: 'checkout',
              labels: {
                'app-platform.io/component': 'service',
                app: 'checkout',
              },
            },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: 'checkout' } },
              template: {
                metadata: { labels: { app: 'checkout' } },
                spec: {
                  containers: [{ name: 'checkout', image: 'nginx:1.27' }],
                },
              },
            },
          },
        });
        const refused = await call('delete', '/applications/orders');
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toMatch(
          /checkout \(Deployment on alpha\)/,
        );
        await kubeFor(alpha).apps.deleteNamespacedDeployment({
          namespace: 'orders',
          name: 'checkout',
        });

        const deleted = await call('delete', '/applications/orders');
        expect(deleted.status).toBe(204);
        for (const sandbox of [alpha, beta, gamma]) {
          expect(await liveNamespace(sandbox, 'orders')).toBeUndefined();
        }
        expect(await knex('applications').pluck('name')).toEqual(['payments']);
        expect(
          await knex('application_namespaces').where({ application: 'orders' }),
        ).toEqual([]);
        expect(
          await knex('audit_events')
            .where({ target_name: 'orders' })
            .pluck('action'),
        ).toEqual(['application.create', 'application.delete']);
      } finally {
        await stop();
      }

      // No response and no log line ever holds a cluster token.
      for (const token of [alpha.token, beta.token, gamma.token]) {
        expect(logs.join('\n')).not.toContain(token);
        expect(responses.join('\n')).not.toContain(token);
      }
    },
  );
});
