import { TestDatabases } from '@backstage/backend-test-utils';
import { Sandbox, startSandbox } from '@internal/kube-sandbox';
import {
  KubeConfig,
  KubernetesObjectApi,
  V1Pod,
} from '@kubernetes/client-node';
import {
  apiClient,
  Call,
  kubeFor,
  platformConfig,
} from '../__testUtils__/serviceScenario';
import { ALICE, startTestPlatform } from '../__testUtils__/startTestPlatform';
import { waitFor } from '../__testUtils__/waitFor';
import {
  SHIPPED_LOCATION,
  SHIPPED_NAMES,
} from './__testUtils__/shippedDefinitions';

/*
 * The shipped definitions installed into applications of a sandbox cluster
 * through the platform's API, as a user installs them: the deploy engine
 * applies them, the status caches report them running, and the install
 * record settles. One platform (SQLite: this file is about the definitions)
 * and one cluster serve every case; the cases with parameters at the edge
 * each have an application of their own, as the namespace template's quota
 * (10 claims, 16 CPUs of limits) would not hold them all.
 */

jest.setTimeout(60_000);

const INSTALLATION = 'definitions-sandbox';
const CHECKSUM = 'app-platform.io/config-checksum';

/** The apiVersion of each kind a shipped definition renders. */
const API_VERSIONS: Record<string, string> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  StatefulSet: 'apps/v1',
  Deployment: 'apps/v1',
};

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
let sandbox: Sandbox;
let platform: Awaited<ReturnType<typeof startTestPlatform>> | undefined;
let call: Call;
let kube: ReturnType<typeof kubeFor>;
let objects: KubernetesObjectApi;

beforeAll(async () => {
  const knex = await databases.init('SQLITE_3');
  sandbox = await startSandbox({
    name: 'alpha',
    namespaceTerminationMs: 200,
    // Pods start and become ready within tens of milliseconds.
    controller: { speed: 100 },
    // Every instance of the file shares the one node, the large size too.
    nodeCapacity: { cpu: '64', memory: '256Gi', pods: 200 },
  });
  kube = kubeFor(sandbox);
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig());
  objects = KubernetesObjectApi.makeApiClient(kc);
  platform = await startTestPlatform({
    knex,
    appPlatform: {
      ...platformConfig({ alpha: sandbox }),
      installationId: INSTALLATION,
      middleware: { locations: [SHIPPED_LOCATION] },
    },
  });
  call = apiClient(platform.server, []);
  await waitFor(async () => {
    const res = await call(ALICE, 'get', '/clusters');
    return res.body.items?.[0]?.health === 'healthy' ? true : undefined;
  }, 'alpha healthy');
  await createApplication('shop');
});

afterAll(async () => {
  await platform?.stop();
  await sandbox?.stop();
});

/** An application of team-a (ALICE's), once its namespace is ready. */
async function createApplication(name: string) {
  const created = await call(ALICE, 'post', '/applications', {
    name,
    owner: 'group:default/team-a',
  });
  expect(created.status).toBe(201);
  await waitFor(async () => {
    const res = await call(ALICE, 'get', `/applications/${name}`);
    return res.body.namespaces?.[0]?.state === 'ready' ? true : undefined;
  }, `${name} namespace ready`);
}

/** The record once it is no longer deploying. */
function settled(app: string, instance: string, id: string) {
  return waitFor(
    async () => {
      const res = await call(
        ALICE,
        'get',
        `/applications/${app}/services/${instance}/deployments/${id}`,
      );
      return res.body.state && res.body.state !== 'deploying'
        ? res.body
        : undefined;
    },
    `record ${id} of ${instance} to settle`,
    30_000,
  );
}

/** A record that succeeded, or the clusters' reasons why not. */
function expectSucceeded(record: any) {
  expect({
    action: record.action,
    state: record.state,
    targets: record.targets,
  }).toEqual({
    action: 'deploy',
    state: 'succeeded',
    targets: [
      expect.objectContaining({ cluster: 'alpha', state: 'succeeded' }),
    ],
  });
}

/**
 * Plans the install (what the user is shown), installs, and waits for the
 * record to succeed and the instance to run with every replica ready.
 * Returns the instance and the objects the plan announced.
 */
async function install(
  app: string,
  definition: string,
  instance: string,
  parameters: Record<string, unknown> = {},
) {
  const plan = await call(
    ALICE,
    'post',
    `/applications/${app}/middleware/${instance}/plan`,
    {
      definition,
      parameters,
    },
  );
  expect(plan.status).toBe(200);
  const planned: Array<{ kind: string; name: string; action: string }> =
    plan.body.clusters[0].objects;
  expect(planned.map(o => o.action)).toEqual(planned.map(() => 'create'));
  const installed = await call(
    ALICE,
    'post',
    `/applications/${app}/middleware`,
    {
      name: instance,
      definition,
      parameters,
    },
  );
  expect(installed.status).toBe(201);
  expectSucceeded(await settled(app, instance, installed.body.deployment.id));
  return { instance: await running(app, instance), planned };
}

/** The instance once it runs with every desired replica ready. */
function running(app: string, instance: string) {
  return waitFor(
    async () => {
      const res = await call(
        ALICE,
        'get',
        `/applications/${app}/middleware/${instance}`,
      );
      const body = res.body;
      return body.state === 'running' &&
        body.inFlight === undefined &&
        body.clusters?.length === 1 &&
        body.clusters.every(
          (c: any) =>
            c.desiredReplicas > 0 && c.readyReplicas === c.desiredReplicas,
        )
        ? body
        : undefined;
    },
    `${instance} running`,
    30_000,
  );
}

function readLive(app: string, kind: string, name: string): Promise<any> {
  const apiVersion = API_VERSIONS[kind];
  if (!apiVersion) throw new Error(`The test does not know kind ${kind}`);
  return objects.read({ apiVersion, kind, metadata: { name, namespace: app } });
}

async function podsOf(app: string, instance: string): Promise<V1Pod[]> {
  const pods = await kube.core.listNamespacedPod({
    namespace: app,
    labelSelector: `app-platform.io/middleware=${instance}`,
  });
  return pods.items.filter(p => !p.metadata?.deletionTimestamp);
}

async function claimsOf(app: string, instance: string) {
  return (
    await kube.core.listNamespacedPersistentVolumeClaim({ namespace: app })
  ).items.filter(c =>
    new RegExp(`-${instance}-[0-9]+$`).test(c.metadata!.name!),
  );
}

function platformLabels(instance: string) {
  return {
    'app-platform.io/installation': INSTALLATION,
    'app-platform.io/service': instance,
    'app-platform.io/component': 'middleware',
    'app-platform.io/middleware': instance,
  };
}

/** The StatefulSet's pods each have one Bound claim per volumeClaimTemplate. */
async function expectBoundClaims(
  app: string,
  instance: string,
  replicas: number,
) {
  const statefulSet = await readLive(app, 'StatefulSet', instance);
  const templates: string[] = (statefulSet.spec.volumeClaimTemplates ?? []).map(
    (t: any) => t.metadata.name,
  );
  expect(templates.length).toBeGreaterThan(0);
  const claims = await claimsOf(app, instance);
  const expected = templates.flatMap(template =>
    Array.from({ length: replicas }, (_, i) => `${template}-${instance}-${i}`),
  );
  expect(
    claims.map(c => ({
      name: c.metadata!.name,
      phase: c.status?.phase,
      // What an uninstall with deleteData selects them by.
      labels: {
        installation: c.metadata!.labels?.['app-platform.io/installation'],
        middleware: c.metadata!.labels?.['app-platform.io/middleware'],
      },
    })),
  ).toEqual(
    expect.arrayContaining(
      expected.map(name => ({
        name,
        phase: 'Bound',
        labels: { installation: INSTALLATION, middleware: instance },
      })),
    ),
  );
  expect(claims).toHaveLength(expected.length);
}

it.each(SHIPPED_NAMES)(
  'installs %s with its defaults and reaches running, every object labelled',
  async definition => {
    const name = `${definition}-defaults`;
    const { instance, planned } = await install('shop', definition, name);
    expect(instance).toMatchObject({ definition, state: 'running' });
    expect(planned.map(o => o.kind)).toEqual(
      expect.arrayContaining(['Service']),
    );
    for (const object of planned) {
      const live = await readLive('shop', object.kind, object.name);
      expect({
        object: `${object.kind}/${object.name}`,
        labels: live.metadata.labels,
      }).toEqual({
        object: `${object.kind}/${object.name}`,
        labels: expect.objectContaining(platformLabels(name)),
      });
    }
    // Nothing else of the instance's was applied than what the plan said.
    const applied: string[] = [];
    for (const [kind, apiVersion] of Object.entries(API_VERSIONS)) {
      const list = await objects.list(
        apiVersion,
        kind,
        'shop',
        undefined,
        undefined,
        undefined,
        undefined,
        `app-platform.io/middleware=${name}`,
      );
      applied.push(...list.items.map(o => `${kind}/${o.metadata!.name}`));
    }
    expect(applied.sort()).toEqual(
      planned.map(o => `${o.kind}/${o.name}`).sort(),
    );
    const pods = await podsOf('shop', name);
    expect(pods).toHaveLength(instance.clusters[0].desiredReplicas);
    for (const pod of pods) {
      expect(pod.metadata?.labels).toEqual(
        expect.objectContaining(platformLabels(name)),
      );
    }
  },
);

it('runs a Redis primary with a replica and a ZooKeeper ensemble of three, each pod with its claims', async () => {
  await createApplication('ensembles');
  const [redis, zookeeper] = await Promise.all([
    install('ensembles', 'redis', 'redis-ha', { replicas: 2 }),
    install('ensembles', 'zookeeper', 'zk-ensemble', { replicas: 3 }),
  ]);
  expect(redis.instance.clusters[0]).toMatchObject({
    desiredReplicas: 2,
    readyReplicas: 2,
  });
  expect(zookeeper.instance.clusters[0]).toMatchObject({
    desiredReplicas: 3,
    readyReplicas: 3,
  });
  await expectBoundClaims('ensembles', 'redis-ha', 2);
  await expectBoundClaims('ensembles', 'zk-ensemble', 3);
});

it('runs PostgreSQL without persistence on an emptyDir and creates no claim', async () => {
  await createApplication('ephemeral');
  await install('ephemeral', 'postgresql', 'pg', {
    persistence: { enabled: false },
  });
  const statefulSet = await readLive('ephemeral', 'StatefulSet', 'pg');
  expect(statefulSet.spec.volumeClaimTemplates).toBeUndefined();
  expect(statefulSet.spec.template.spec.volumes).toEqual(
    expect.arrayContaining([{ name: 'data', emptyDir: {} }]),
  );
  expect(
    (
      await kube.core.listNamespacedPersistentVolumeClaim({
        namespace: 'ephemeral',
      })
    ).items,
  ).toEqual([]);
});

it('runs MySQL at its largest size with the resources the definition lists', async () => {
  await createApplication('large');
  const definitions = await call(ALICE, 'get', '/middleware/definitions');
  const large = definitions.body.items
    .find((d: any) => d.name === 'mysql')
    .sizes.find((s: any) => s.name === 'large');
  await install('large', 'mysql', 'db', { size: 'large' });
  const statefulSet = await readLive('large', 'StatefulSet', 'db');
  expect(statefulSet.spec.template.spec.containers[0].resources).toEqual({
    requests: large.requests,
    limits: large.limits,
  });
  await expectBoundClaims('large', 'db', 1);
});

it('runs Memcached with parameters at their maximum, and refuses one past it', async () => {
  await createApplication('limits');
  const refused = await call(ALICE, 'post', '/applications/limits/middleware', {
    name: 'over',
    definition: 'memcached',
    parameters: { maxConnections: 65537 },
  });
  expect({
    status: refused.status,
    message: refused.body.error?.message,
  }).toEqual({
    status: 400,
    message: expect.stringMatching(/parameters\.maxConnections/),
  });
  expect(
    (await call(ALICE, 'get', '/applications/limits/middleware/over')).status,
  ).toBe(404);

  const { instance } = await install('limits', 'memcached', 'cache', {
    replicas: 10,
    maxConnections: 65536,
  });
  expect(instance.clusters[0]).toMatchObject({
    desiredReplicas: 10,
    readyReplicas: 10,
  });
  const deployment = await readLive('limits', 'Deployment', 'cache');
  expect(deployment.spec.template.spec.containers[0].args).toContain(
    '--conn-limit=65536',
  );
});

it('rolls the pods when a config change is upgraded', async () => {
  await createApplication('rolling');
  await install('rolling', 'redis', 'cache', {
    replicas: 2,
    password: 'first-password',
  });
  const before = await readLive('rolling', 'StatefulSet', 'cache');
  const checksumBefore = before.spec.template.metadata.annotations[CHECKSUM];
  expect(checksumBefore).toBeTruthy();

  const upgraded = await call(
    ALICE,
    'post',
    '/applications/rolling/middleware/cache/upgrade',
    { parameters: { password: 'second-password' } },
  );
  expect(upgraded.status).toBe(200);
  expectSucceeded(
    await settled('rolling', 'cache', upgraded.body.deployment.id),
  );

  // A succeeded record means the rollout is over: no waiting from here on.
  const after = await readLive('rolling', 'StatefulSet', 'cache');
  const checksum = after.spec.template.metadata.annotations[CHECKSUM];
  expect(checksum).not.toEqual(checksumBefore);
  expect(after.status).toMatchObject({
    replicas: 2,
    readyReplicas: 2,
    updatedReplicas: 2,
    currentRevision: after.status.updateRevision,
  });
  expect(after.status.updateRevision).not.toEqual(before.status.updateRevision);
  const pods = await podsOf('rolling', 'cache');
  expect(
    pods.map(p => ({
      checksum: p.metadata?.annotations?.[CHECKSUM],
      revision: p.metadata?.labels?.['controller-revision-hash'],
    })),
  ).toEqual([
    { checksum, revision: after.status.updateRevision },
    { checksum, revision: after.status.updateRevision },
  ]);
  const secret = await kube.core.readNamespacedSecret({
    namespace: 'rolling',
    name: 'cache',
  });
  expect(Buffer.from(secret.data!.password, 'base64').toString('utf8')).toBe(
    'second-password',
  );
  expect(await running('rolling', 'cache')).toMatchObject({
    currentVersion: 2,
    parameters: { password: '<redacted>' },
  });
});
