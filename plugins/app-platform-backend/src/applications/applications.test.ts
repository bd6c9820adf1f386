import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  V1Namespace,
} from '@kubernetes/client-node';
import { Knex } from 'knex';
import path from 'node:path';
import request from 'supertest';
import { KubeClients } from '../kube/KubeClients';
import { OwnedObjects } from '../ownership/OwnedObjects';
import { resolveInstallationId } from '../ownership/resolveInstallationId';
import { ReconcileStatusStore } from '../reconcile/ReconcileStatusStore';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import {
  ADMIN,
  ALICE,
  as,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import { waitFor } from '../__testUtils__/waitFor';
import { ApplicationNamespaces } from './ApplicationNamespaces';
import { ApplicationStore } from './ApplicationStore';
import { NamespaceTemplates } from './NamespaceTemplates';

jest.setTimeout(180_000);

const templatesDir = path.resolve(
  __dirname,
  '../../../../templates/namespaces',
);
const INSTALLATION = 'app-platform.io/installation';
const CLUSTER_TIMEOUT_MS = 2000;
const INTERVAL_MS = 1000;
const TERMINATION_MS = 200;

/** The platform's config for the given sandbox clusters: short timings for tests. */
function platformConfig(sandboxes: Record<string, Sandbox>) {
  return {
    clusterTimeout: { milliseconds: CLUSTER_TIMEOUT_MS },
    reconcile: {
      interval: { milliseconds: INTERVAL_MS },
      initialBackoff: { milliseconds: 300 },
      maxBackoff: { seconds: 1 },
    },
    healthProbe: {
      frequency: { seconds: 1 },
      timeout: { milliseconds: CLUSTER_TIMEOUT_MS },
    },
    namespaceTemplates: { directory: templatesDir },
    applications: { reservedNames: ['billing'] },
    clusters: Object.entries(sandboxes).map(([name, sandbox], index) => ({
      name,
      url: sandbox.url,
      caData: sandbox.caData,
      token: sandbox.token,
      environment: index === 0 ? 'test' : 'production',
    })),
  };
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
async function liveNamespace(
  sandbox: Sandbox,
  name: string,
): Promise<V1Namespace | undefined> {
  try {
    const ns = await kubeFor(sandbox).core.readNamespace({ name });
    return ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating'
      ? undefined
      : ns;
  } catch (error: any) {
    if (error.code === 404) return undefined;
    throw error;
  }
}

async function createNamespace(
  sandbox: Sandbox,
  name: string,
  labels?: Record<string, string>,
) {
  await kubeFor(sandbox).core.createNamespace({
    body: { metadata: { name, labels } },
  });
}

/** Starts two (or more) sandbox clusters that terminate namespaces quickly. */
async function startSandboxes(...names: string[]) {
  const sandboxes = await Promise.all(
    names.map(name =>
      startSandbox({ name, namespaceTerminationMs: TERMINATION_MS }),
    ),
  );
  return Object.fromEntries(names.map((n, i) => [n, sandboxes[i]]));
}

/** A client of the platform's REST API that keeps every response body. */
function apiClient(server: any, responses: string[]) {
  return async (
    user: string | undefined,
    method: 'get' | 'post' | 'delete',
    p: string,
    body?: object,
  ) => {
    let req = request(server)[method](`/api/app-platform${p}`);
    if (user) req = req.set('Authorization', as(user));
    if (body) req = req.send(body);
    const res = await req;
    responses.push(JSON.stringify(res.body));
    return res;
  };
}

/** Waits until the application is recorded as ready on `clusters` clusters. */
function readyOn(
  call: ReturnType<typeof apiClient>,
  name: string,
  clusters: number,
) {
  return waitFor(async () => {
    const res = await call(ALICE, 'get', `/applications/${name}`);
    return res.body.namespaces?.length === clusters &&
      res.body.namespaces.every((n: any) => n.state === 'ready')
      ? res
      : undefined;
  }, `${name} ready on ${clusters} clusters`);
}

describe('applications on clusters', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function start(
    knex: Knex,
    sandboxes: Record<string, Sandbox>,
    logs: string[],
    responses: string[],
  ) {
    const platform = await startTestPlatform({
      knex,
      appPlatform: platformConfig(sandboxes),
      features: [capturingLogger(logs)],
    });
    const call = apiClient(platform.server, responses);
    await waitFor(async () => {
      const res = await call(ADMIN, 'get', '/clusters');
      return res.body.items?.length === Object.keys(sandboxes).length &&
        res.body.items.every((c: any) => c.health === 'healthy')
        ? true
        : undefined;
    }, 'every cluster healthy');
    return { ...platform, call };
  }

  function expectNoSecrets(
    sandboxes: Record<string, Sandbox>,
    logs: string[],
    responses: string[],
  ) {
    for (const sandbox of Object.values(sandboxes)) {
      expect(logs.join('\n')).not.toContain(sandbox.token);
      expect(responses.join('\n')).not.toContain(sandbox.token);
    }
  }

  it.each(databases.eachSupportedId())(
    'touches only namespaces it created, adopts on request, refuses reserved names on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sandboxes = await startSandboxes('alpha', 'beta');
      const { alpha, beta } = sandboxes;
      const logs: string[] = [];
      const responses: string[] = [];
      const { call, stop } = await start(knex, sandboxes, logs, responses);
      try {
        // Somebody's namespace with something in it, on both clusters.
        for (const sandbox of [alpha, beta]) {
          await createNamespace(sandbox, 'monitoring', { team: 'sre' });
          await kubeFor(sandbox).core.createNamespacedConfigMap({
            namespace: 'monitoring',
            body: { metadata: { name: 'prometheus' }, data: { a: 'b' } },
          });
        }
        const refused = await call(ALICE, 'post', '/applications', {
          name: 'monitoring',
          owner: 'group:default/team-a',
        });
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toMatch(
          /already exists and was not created by the App Platform on: alpha, beta/,
        );
        for (const sandbox of [alpha, beta]) {
          const ns = await liveNamespace(sandbox, 'monitoring');
          expect(ns?.metadata?.labels).toEqual({
            team: 'sre',
            'kubernetes.io/metadata.name': 'monitoring',
          });
          const configMaps = await kubeFor(
            sandbox,
          ).core.listNamespacedConfigMap({ namespace: 'monitoring' });
          expect(configMaps.items.map(c => c.metadata?.name)).toContain(
            'prometheus',
          );
        }
        expect(await knex('applications').pluck('name')).toEqual([]);

        // Reserved names, built in and configured.
        for (const name of [
          'kube-system',
          'default',
          'kube-node-lease',
          'openshift-monitoring',
          'billing',
        ]) {
          const res = await call(ADMIN, 'post', '/applications', {
            name,
            owner: 'group:default/team-a',
          });
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(/^name .*reserved/);
        }

        // Adoption is for admins, and audited; deleting gives the namespace back.
        const notAdmin = await call(ALICE, 'post', '/applications', {
          name: 'monitoring',
          owner: 'group:default/team-a',
          adopt: true,
        });
        expect(notAdmin.status).toBe(403);
        expect(await knex('applications').pluck('name')).toEqual([]);
        const adopted = await call(ADMIN, 'post', '/applications', {
          name: 'monitoring',
          owner: 'group:default/team-a',
          adopt: true,
        });
        expect(adopted.status).toBe(201);
        expect(adopted.body).toMatchObject({ name: 'monitoring', adopt: true });
        expect(adopted.body.namespaces).toEqual([
          expect.objectContaining({ cluster: 'alpha', state: 'ready' }),
          expect.objectContaining({ cluster: 'beta', state: 'ready' }),
        ]);
        const [installationId] = await knex('platform_settings')
          .where({ key: 'installation_id' })
          .pluck('value');
        expect(installationId).toMatch(/^ap-[0-9a-f]+$/);
        for (const sandbox of [alpha, beta]) {
          const ns = await liveNamespace(sandbox, 'monitoring');
          expect(ns?.metadata?.labels).toMatchObject({
            team: 'sre',
            [INSTALLATION]: installationId,
          });
          const quotas = await kubeFor(
            sandbox,
          ).core.listNamespacedResourceQuota({ namespace: 'monitoring' });
          expect(quotas.items.map(q => q.metadata?.name)).toEqual([
            'app-platform-quota',
          ]);
        }
        const [auditDetails] = await knex('audit_events')
          .where({ target_name: 'monitoring', action: 'application.create' })
          .pluck('details');
        expect(JSON.parse(auditDetails)).toMatchObject({
          adopt: true,
          adoptedOn: ['alpha', 'beta'],
        });

        const released = await call(
          ADMIN,
          'delete',
          '/applications/monitoring',
        );
        expect(released.status).toBe(204);
        for (const sandbox of [alpha, beta]) {
          const ns = await liveNamespace(sandbox, 'monitoring');
          expect(ns?.metadata?.labels).toEqual({
            team: 'sre',
            'kubernetes.io/metadata.name': 'monitoring',
          });
          expect(ns?.metadata?.annotations ?? {}).toEqual({});
          const kube = kubeFor(sandbox).core;
          const configMaps = await kube.listNamespacedConfigMap({
            namespace: 'monitoring',
          });
          expect(configMaps.items.map(c => c.metadata?.name)).toContain(
            'prometheus',
          );
          const quotas = await kube.listNamespacedResourceQuota({
            namespace: 'monitoring',
          });
          expect(quotas.items).toEqual([]);
        }
        expect(await knex('applications').pluck('name')).toEqual([]);

        // Another installation's namespace: never ours, not even to adopt.
        await createNamespace(alpha, 'legacy', {
          'app.kubernetes.io/managed-by': 'app-platform',
          [INSTALLATION]: 'ap-elsewhere',
          'app-platform.io/application': 'legacy',
        });
        const legacyBefore = await liveNamespace(alpha, 'legacy');
        const theirs = await call(ADMIN, 'post', '/applications', {
          name: 'legacy',
          owner: 'group:default/team-a',
          adopt: true,
        });
        expect(theirs.status).toBe(409);
        expect(theirs.body.error.message).toMatch(
          /belongs to another App Platform installation on: alpha/,
        );

        // A namespace of ours without an application is removed by the
        // passes; the other installation's one survives them.
        await createNamespace(alpha, 'stale', {
          'app.kubernetes.io/managed-by': 'app-platform',
          [INSTALLATION]: installationId,
          'app-platform.io/application': 'stale',
        });
        await waitFor(
          async () =>
            (await liveNamespace(alpha, 'stale')) ? undefined : true,
          'the orphan removed by a reconcile pass',
        );
        const legacyAfter = await liveNamespace(alpha, 'legacy');
        expect(legacyAfter?.metadata?.resourceVersion).toBe(
          legacyBefore?.metadata?.resourceVersion,
        );

        // The ordinary life of an application: created labelled, bad input
        // refused before anything is written, deleted with its namespaces.
        const created = await call(ALICE, 'post', '/applications', {
          name: 'payments',
          owner: 'group:default/team-a',
          description: 'Takes the money',
        });
        expect(created.status).toBe(201);
        expect(created.body.namespaces).toEqual([
          expect.objectContaining({
            cluster: 'alpha',
            state: 'ready',
            attempts: 0,
          }),
          expect.objectContaining({ cluster: 'beta', state: 'ready' }),
        ]);
        for (const sandbox of [alpha, beta]) {
          const ns = await liveNamespace(sandbox, 'payments');
          expect(ns?.metadata?.labels).toMatchObject({
            'app.kubernetes.io/managed-by': 'app-platform',
            [INSTALLATION]: installationId,
            'app-platform.io/application': 'payments',
          });
          expect(ns?.metadata?.annotations?.['app-platform.io/owner']).toBe(
            'group:default/team-a',
          );
        }
        for (const [body, message] of [
          [{ name: 'Bad_Name', owner: 'group:default/team-a' }, /body\/name /],
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
          const res = await call(ALICE, 'post', '/applications', body);
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(message);
        }
        const duplicate = await call(ALICE, 'post', '/applications', {
          name: 'payments',
          owner: 'group:default/team-a',
        });
        expect(duplicate.status).toBe(409);
        expect(await knex('applications').pluck('name')).toEqual(['payments']);
        expect(await liveNamespace(alpha, 'orphan')).toBeUndefined();

        await kubeFor(alpha).apps.createNamespacedDeployment({
          namespace: 'payments',
          body: {
            metadata: {
              name: 'checkout',
              labels: { 'app-platform.io/component': 'service' },
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
        const busy = await call(ALICE, 'delete', '/applications/payments');
        expect(busy.status).toBe(409);
        expect(busy.body.error.message).toMatch(
          /checkout \(Deployment on alpha\)/,
        );
        await kubeFor(alpha).apps.deleteNamespacedDeployment({
          namespace: 'payments',
          name: 'checkout',
        });
        const deleted = await call(ALICE, 'delete', '/applications/payments');
        expect({ status: deleted.status, body: deleted.body }).toEqual({
          status: 204,
          body: {},
        });
        for (const sandbox of [alpha, beta]) {
          expect(await liveNamespace(sandbox, 'payments')).toBeUndefined();
        }
        expect(await knex('applications').pluck('name')).toEqual([]);
        expect(await knex('reconcile_targets').pluck('target')).toEqual([]);
        expect(
          await knex('audit_events')
            .where({ target_name: 'payments' })
            .orderBy('id')
            .pluck('action'),
        ).toEqual(['application.create', 'application.delete']);
      } finally {
        await stop();
        await Promise.all([alpha.stop(), beta.stop()]);
      }
      expectNoSecrets(sandboxes, logs, responses);
    },
  );

  it.each(databases.eachSupportedId())(
    'converges every cluster to the database after crashes, hand edits and new clusters on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sandboxes = await startSandboxes('alpha', 'beta');
      const gamma = await startSandbox({
        name: 'gamma',
        namespaceTerminationMs: TERMINATION_MS,
      });
      const { alpha, beta } = sandboxes;
      const logs: string[] = [];
      const responses: string[] = [];
      let platform = await start(knex, sandboxes, logs, responses);
      try {
        const created = await platform.call(ALICE, 'post', '/applications', {
          name: 'orders',
          owner: 'group:default/team-a',
          namespaceTemplate: 'web',
        });
        expect(created.status).toBe(201);

        // A namespace deleted by hand comes back with the first pass after the
        // cluster has terminated it: within one interval, plus the scheduler
        // worker's pick-up time (it checks for due tasks once an interval).
        const deletedAt = Date.now();
        await kubeFor(beta).core.deleteNamespace({ name: 'orders' });
        await waitFor(
          () => liveNamespace(beta, 'orders'),
          'orders restored on beta',
        );
        const restoredMs = Date.now() - deletedAt;
        // eslint-disable-next-line no-console
        console.log(`namespace deleted by hand restored in ${restoredMs} ms`);
        expect(restoredMs).toBeLessThan(
          TERMINATION_MS + 2 * INTERVAL_MS + 1000,
        );
        const gateway = await waitFor(
          () =>
            kubeFor(beta)
              .apps.readNamespacedDeployment({
                namespace: 'orders',
                name: 'gateway',
              })
              .catch(() => undefined),
          'the template objects restored',
        );
        expect(gateway.metadata?.labels?.[INSTALLATION]).toBeDefined();

        // The backend stops after the row is written and before any
        // namespace: the next start completes them.
        await platform.stop();
        const config = new ConfigReader({
          appPlatform: platformConfig(sandboxes),
        });
        const store = ApplicationStore.create({
          knex,
          status: ReconcileStatusStore.create({ knex }),
        });
        await store.insert(
          {
            name: 'recovered',
            owner: 'group:default/team-a',
            namespaceTemplate: 'default',
            adopt: false,
            createdBy: ALICE,
          },
          knex,
        );

        // While it is down, an application is created between a pass's
        // observation and its action: the pass keeps its namespace.
        const kube = KubeClients.fromConfig(config);
        const owned = OwnedObjects.create({
          kube,
          installationId: await resolveInstallationId(config, knex),
        });
        const domain = ApplicationNamespaces.create({
          knex,
          store,
          kube,
          owned,
          templates: NamespaceTemplates.fromConfig(config),
        });
        await createNamespace(alpha, 'late', owned.ownershipLabels());
        const alphaConnection = {
          name: 'alpha',
          url: alpha.url,
          caData: alpha.caData,
          token: alpha.token,
          skipTLSVerify: false,
        };
        const observed = await domain.observe(alphaConnection, {});
        const orphan = observed.find(t => t.target === 'late');
        expect(orphan).toMatchObject({ desired: 'absent', inSync: false });
        await store.insert(
          {
            name: 'late',
            owner: 'group:default/team-a',
            namespaceTemplate: 'default',
            adopt: false,
            createdBy: ALICE,
          },
          knex,
        );
        await domain.converge(alphaConnection, orphan!);
        expect(await liveNamespace(alpha, 'late')).toBeDefined();

        platform = await start(knex, sandboxes, logs, responses);
        for (const sandbox of [alpha, beta]) {
          for (const name of ['recovered', 'late']) {
            await waitFor(
              () => liveNamespace(sandbox, name),
              `${name} completed after the restart`,
            );
          }
        }
        const recovered = await readyOn(platform.call, 'recovered', 2);
        expect(recovered.status).toBe(200);

        // Registering a cluster checks its CA and token before storing
        // anything; once registered, it receives every application.
        for (const [body, message] of [
          [{ caData: alpha.caData }, /Could not connect to cluster "gamma"/],
          [{ token: 'not-the-token' }, /401/],
          [{ url: 'not a url' }, /^url /],
        ] as Array<[Record<string, string>, RegExp]>) {
          const res = await platform.call(ADMIN, 'post', '/clusters', {
            name: 'gamma',
            url: gamma.url,
            caData: gamma.caData,
            token: gamma.token,
            environment: 'test',
            ...body,
          });
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(message);
        }
        expect(await knex('clusters').orderBy('name').pluck('name')).toEqual([
          'alpha',
          'beta',
        ]);
        const registered = await platform.call(ADMIN, 'post', '/clusters', {
          name: 'gamma',
          url: gamma.url,
          caData: gamma.caData,
          token: gamma.token,
          environment: 'test',
        });
        expect(registered.status).toBe(201);
        expect(registered.body).not.toHaveProperty('token');
        for (const name of ['orders', 'recovered', 'late']) {
          await waitFor(
            () => liveNamespace(gamma, name),
            `${name} on the new cluster`,
          );
        }
      } finally {
        await platform.stop();
        await Promise.all([alpha.stop(), beta.stop(), gamma.stop()]);
      }
      expectNoSecrets({ ...sandboxes, gamma }, logs, responses);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers within the cluster timeout when a cluster hangs or throttles, and catches up on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sandboxes = await startSandboxes('alpha', 'beta');
      const { alpha, beta } = sandboxes;
      const logs: string[] = [];
      const responses: string[] = [];
      const { call, stop } = await start(knex, sandboxes, logs, responses);
      try {
        const ledger = await call(ALICE, 'post', '/applications', {
          name: 'ledger',
          owner: 'group:default/team-a',
        });
        expect(ledger.status).toBe(201);

        // beta accepts connections and never answers.
        beta.faults.set({ blackhole: true });
        let startedAt = Date.now();
        const created = await call(ALICE, 'post', '/applications', {
          name: 'inventory',
          owner: 'group:default/team-a',
        });
        const answeredMs = Date.now() - startedAt;
        // eslint-disable-next-line no-console
        console.log(
          `create with a blackholed cluster answered in ${answeredMs} ms (timeout ${CLUSTER_TIMEOUT_MS} ms)`,
        );
        expect(answeredMs).toBeLessThan(CLUSTER_TIMEOUT_MS + 1000);
        expect(created.status).toBe(201);
        expect(created.body.namespaces).toEqual([
          expect.objectContaining({ cluster: 'alpha', state: 'ready' }),
          expect.objectContaining({
            cluster: 'beta',
            state: 'failed',
            message: expect.stringMatching(
              /no answer from cluster beta within 2000 ms/,
            ),
          }),
        ]);
        const betaDetails = await call(ADMIN, 'get', '/clusters/beta');
        expect(betaDetails.body).toMatchObject({
          health: 'unreachable',
          healthReason: expect.stringMatching(/no answer from cluster beta/),
        });
        startedAt = Date.now();
        const read = await call(ALICE, 'get', '/applications/inventory');
        expect(read.status).toBe(200);
        expect(Date.now() - startedAt).toBeLessThan(1000);

        // Deleting while beta is away: alpha's namespace goes now, beta's
        // when it is back (ours, and no application any more).
        const deleted = await call(ALICE, 'delete', '/applications/ledger');
        expect(deleted.status).toBe(204);
        expect(await liveNamespace(alpha, 'ledger')).toBeUndefined();

        startedAt = Date.now();
        beta.faults.reset();
        await waitFor(
          () => liveNamespace(beta, 'inventory'),
          'inventory on beta after recovery',
        );
        await waitFor(
          async () =>
            (await liveNamespace(beta, 'ledger')) ? undefined : true,
          'ledger removed from beta after recovery',
        );
        const recoveredMs = Date.now() - startedAt;
        // eslint-disable-next-line no-console
        console.log(`beta caught up ${recoveredMs} ms after it recovered`);
        // The next health probe (every second) sees it healthy and wakes a
        // pass for it; each scheduled task may wait one interval to be picked up.
        expect(recoveredMs).toBeLessThan(2 * 1000 + INTERVAL_MS + 1000);
        await readyOn(call, 'inventory', 2);

        // 429 and 503 are per-cluster errors too, never a 500.
        for (const fault of [
          { throttle: true, retryAfterSeconds: 3 },
          { unavailable: true },
        ]) {
          beta.faults.set({ ...fault, match: { verbs: ['get', 'create'] } });
          const name = fault.unavailable ? 'shop' : 'cart';
          const res = await call(ALICE, 'post', '/applications', {
            name,
            owner: 'group:default/team-a',
          });
          expect(res.status).toBe(201);
          expect(res.body.namespaces).toEqual([
            expect.objectContaining({ cluster: 'alpha', state: 'ready' }),
            expect.objectContaining({
              cluster: 'beta',
              state: 'failed',
              message: expect.stringMatching(
                fault.unavailable ? /503/ : /429.*retry after 3/i,
              ),
            }),
          ]);
          beta.faults.reset();
          await waitFor(async () => {
            const details = await call(ADMIN, 'get', '/clusters/beta');
            return details.body.health === 'healthy' ? true : undefined;
          }, 'beta healthy again');
        }

        // A cluster that fails the removal: the request answers 202 with
        // the application as it stands, and the passes finish the job.
        await readyOn(call, 'cart', 2);
        beta.faults.set({ unavailable: true, match: { verbs: ['delete'] } });
        const accepted = await call(ALICE, 'delete', '/applications/cart');
        expect(accepted.status).toBe(202);
        expect(accepted.body).toMatchObject({
          name: 'cart',
          deletionRequestedAt: expect.any(String),
          namespaces: [
            expect.objectContaining({
              cluster: 'beta',
              state: 'failed',
              message: expect.stringMatching(/503/),
            }),
          ],
        });
        expect(await liveNamespace(alpha, 'cart')).toBeUndefined();
        beta.faults.reset();
        await waitFor(async () => {
          const res = await call(ALICE, 'get', '/applications/cart');
          return res.status === 404 ? true : undefined;
        }, 'cart gone once beta removed its namespace');
        expect(await liveNamespace(beta, 'cart')).toBeUndefined();
      } finally {
        await stop();
        await Promise.all([alpha.stop(), beta.stop()]);
      }
      expectNoSecrets(sandboxes, logs, responses);
    },
  );
});
