import { Sandbox, startSandbox } from '@internal/kube-sandbox';
import { ClusterPlan } from '@internal/plugin-app-platform-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { ClusterConnection, KubeClients } from '../kube/KubeClients';
import { OwnedObjects } from '../ownership/OwnedObjects';
import { diffObjects } from './diffObjects';
import { planAgainst, planCluster } from './planObjects';

const SERVICE_LABEL = 'app-platform.io/service';

function labels(service: string) {
  return { [SERVICE_LABEL]: service, 'app-platform.io/application': 'shop' };
}

function deployment(
  namespace: string,
  service: string,
  options: { image?: string; replicas?: number } = {},
): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: service,
      namespace,
      labels: labels(service),
      annotations: { 'app-platform.io/deployment': String(Math.random()) },
    },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { [SERVICE_LABEL]: service } },
      template: {
        metadata: { labels: labels(service) },
        spec: {
          containers: [
            {
              name: 'app',
              image: options.image ?? 'nginx:1.25',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'PORT', value: '8080' },
              ],
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { memory: '256Mi' },
              },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            },
          ],
        },
      },
    },
  } as KubernetesObject;
}

function kubeService(namespace: string, name: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: labels(name) },
    spec: {
      selector: { [SERVICE_LABEL]: name },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  } as KubernetesObject;
}

function configMap(namespace: string, service: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${service}-config`,
      namespace,
      labels: labels(service),
    },
    data: { 'app.yaml': 'greeting: hello\n' },
  } as KubernetesObject;
}

function secret(
  namespace: string,
  service: string,
  password: string,
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `${service}-secret`,
      namespace,
      labels: labels(service),
    },
    type: 'Opaque',
    stringData: { password },
  } as KubernetesObject;
}

function actions(plan: ClusterPlan) {
  return plan.objects.map(o => `${o.action} ${o.kind}/${o.name}`);
}

describe('planCluster', () => {
  let sandbox: Sandbox;
  let cluster: ClusterConnection;
  let kube: KubeClients;
  let owned: OwnedObjects;
  let counter = 0;

  beforeAll(async () => {
    sandbox = await startSandbox({ controller: { speed: 100 } });
    cluster = {
      name: 'c1',
      url: sandbox.url,
      caData: sandbox.caData,
      token: sandbox.token,
      skipTLSVerify: false,
    };
    kube = KubeClients.create({ timeoutMs: 5_000 });
    owned = OwnedObjects.create({ kube, installationId: 'test-inst' });
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  /** A fresh namespace per test, so tests do not see each other's objects. */
  async function namespace(): Promise<string> {
    const name = `plan-${++counter}`;
    await owned.ensure(cluster, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
    return name;
  }

  const plan = (ns: string, desired: KubernetesObject[], svc = 'web') =>
    planCluster({ kube, owned, cluster, namespace: ns, service: svc, desired });

  const apply = async (objects: KubernetesObject[]) => {
    for (const object of objects) await owned.ensure(cluster, object);
  };

  it('plans every object as created on a first deploy', async () => {
    const ns = await namespace();
    const result = await plan(ns, [
      configMap(ns, 'web'),
      deployment(ns, 'web'),
      kubeService(ns, 'web'),
    ]);
    expect(result.error).toBeUndefined();
    expect(actions(result)).toEqual([
      'create ConfigMap/web-config',
      'create Deployment/web',
      'create Service/web',
    ]);
    expect(result.objects[1].changes).toContainEqual({
      path: 'spec.template.spec.containers[app].image',
      after: 'nginx:1.25',
    });
  });

  it('shows no change after the same objects were applied (server defaults are not changes)', async () => {
    const ns = await namespace();
    const desired = [
      configMap(ns, 'web'),
      secret(ns, 'web', 'hunter2'),
      deployment(ns, 'web'),
      kubeService(ns, 'web'),
    ];
    await apply(desired);
    // The controller writes status and the revision annotation meanwhile.
    await new Promise(r => setTimeout(r, 200));
    const result = await plan(ns, [
      configMap(ns, 'web'),
      secret(ns, 'web', 'hunter2'),
      deployment(ns, 'web'),
      kubeService(ns, 'web'),
    ]);
    expect(result.error).toBeUndefined();
    expect(result.objects).toEqual([
      {
        kind: 'ConfigMap',
        name: 'web-config',
        action: 'unchanged',
        changes: [],
      },
      { kind: 'Secret', name: 'web-secret', action: 'unchanged', changes: [] },
      { kind: 'Deployment', name: 'web', action: 'unchanged', changes: [] },
      { kind: 'Service', name: 'web', action: 'unchanged', changes: [] },
    ]);
    // The server did fill in defaults: a naive comparison would show them.
    const live = await owned.read(cluster, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: ns,
    });
    const naive = diffObjects(
      { ...deployment(ns, 'web'), metadata: live!.metadata },
      live,
    ).map(c => c.path);
    expect(naive).toEqual(
      expect.arrayContaining([
        'spec.strategy.type',
        'spec.template.spec.containers[app].imagePullPolicy',
        'spec.template.spec.containers[app].terminationMessagePath',
        'spec.template.spec.containers[app].ports[http].protocol',
      ]),
    );
  });

  it('shows exactly the changed image and replicas', async () => {
    const ns = await namespace();
    await apply([deployment(ns, 'web'), kubeService(ns, 'web')]);
    const result = await plan(ns, [
      deployment(ns, 'web', { image: 'nginx:1.27', replicas: 3 }),
      kubeService(ns, 'web'),
    ]);
    expect(result.error).toBeUndefined();
    expect(result.objects).toEqual([
      {
        kind: 'Deployment',
        name: 'web',
        action: 'update',
        changes: [
          { path: 'spec.replicas', before: 2, after: 3 },
          {
            path: 'spec.template.spec.containers[app].image',
            before: 'nginx:1.25',
            after: 'nginx:1.27',
          },
        ],
      },
      { kind: 'Service', name: 'web', action: 'unchanged', changes: [] },
    ]);
  });

  it('plans the deletion of an object no longer rendered, and only of this service', async () => {
    const ns = await namespace();
    await apply([
      configMap(ns, 'web'),
      deployment(ns, 'web'),
      kubeService(ns, 'web'),
      configMap(ns, 'api'),
    ]);
    const result = await plan(ns, [
      deployment(ns, 'web'),
      kubeService(ns, 'web'),
    ]);
    expect(result.error).toBeUndefined();
    expect(actions(result)).toEqual([
      'unchanged Deployment/web',
      'unchanged Service/web',
      'delete ConfigMap/web-config',
    ]);
  });

  it('redacts a changed secret value everywhere', async () => {
    const ns = await namespace();
    await apply([secret(ns, 'web', 'hunter2')]);
    const result = await plan(ns, [secret(ns, 'web', 'swordfish')]);
    expect(result.error).toBeUndefined();
    expect(result.objects).toEqual([
      {
        kind: 'Secret',
        name: 'web-secret',
        action: 'update',
        changes: [
          { path: 'data.password', before: '(redacted)', after: '(redacted)' },
        ],
      },
    ]);
    const text = JSON.stringify(result);
    for (const value of ['hunter2', 'swordfish']) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
    }
    const created = await plan(await namespace(), [
      secret(ns, 'web', 'swordfish'),
    ]);
    expect(JSON.stringify(created)).not.toMatch(/swordfish|c3dvcmRmaXNo/);
  });

  it('refuses an object that the platform did not create', async () => {
    const ns = await namespace();
    await kube.call(cluster, 'create', ({ objects }) =>
      objects.create(kubeService(ns, 'web')),
    );
    const result = await plan(ns, [
      deployment(ns, 'web'),
      kubeService(ns, 'web'),
    ]);
    expect(result.error).toBe(
      `Service "${ns}/web" on cluster c1 was not created by the App Platform; it is left untouched`,
    );
    expect(actions(result)).toEqual(['create Deployment/web']);
  });

  it('refuses a name used by another service', async () => {
    const ns = await namespace();
    const theirs = configMap(ns, 'api');
    await apply([
      { ...theirs, metadata: { ...theirs.metadata, name: 'web-config' } },
    ]);
    const result = await plan(ns, [configMap(ns, 'web')]);
    expect(result.error).toBe(
      'ConfigMap "web-config" on cluster c1: name already used by service "api"',
    );
    expect(result.objects).toEqual([]);
  });

  it('lists what it may delete while it plans the objects, not after them', async () => {
    const ns = await namespace();
    const desired = [deployment(ns, 'web'), kubeService(ns, 'web')];
    await apply(desired);
    const calls = jest.spyOn(kube, 'call');
    try {
      expect(actions(await plan(ns, desired))).toEqual([
        'unchanged Deployment/web',
        'unchanged Service/web',
      ]);
      const operations = calls.mock.calls.map(([, op]) => op);
      // The list (both kinds at once) goes out before the first object is
      // even read.
      expect(operations[0]).toBe('list service objects');
      expect(operations.filter(op => op.startsWith('list '))).toEqual([
        'list service objects',
      ]);
    } finally {
      calls.mockRestore();
    }
  });

  it('returns an error for an unavailable cluster instead of throwing', async () => {
    const ns = await namespace();
    sandbox.faults.set({ unavailable: true });
    try {
      const result = await plan(ns, [deployment(ns, 'web')]);
      expect(result.cluster).toBe('c1');
      expect(result.objects).toEqual([]);
      expect(result.error).toMatch(/^503 ServiceUnavailable/);
    } finally {
      sandbox.faults.reset();
    }
  });

  it('keeps what was planned before a cluster failed', async () => {
    const ns = await namespace();
    await apply([deployment(ns, 'web')]);
    sandbox.faults.set({ unavailable: true, match: { verbs: ['list'] } });
    try {
      const result = await plan(ns, [deployment(ns, 'web')]);
      expect(actions(result)).toEqual(['unchanged Deployment/web']);
      expect(result.error).toMatch(/503/);
    } finally {
      sandbox.faults.reset();
    }
  });
});

describe('planAgainst', () => {
  it('compares two rendered sets by kind and name', () => {
    const before = [configMap('ns', 'web'), deployment('ns', 'web')];
    const after = [
      deployment('ns', 'web', { image: 'nginx:1.27' }),
      kubeService('ns', 'web'),
    ];
    const planned = planAgainst(before, after);
    expect(planned.map(p => `${p.action} ${p.kind}/${p.name}`)).toEqual([
      'update Deployment/web',
      'create Service/web',
      'delete ConfigMap/web-config',
    ]);
    expect(planned[0].changes).toEqual([
      {
        path: 'spec.template.spec.containers[app].image',
        before: 'nginx:1.25',
        after: 'nginx:1.27',
      },
    ]);
    expect(planAgainst(before, before).map(p => p.action)).toEqual([
      'unchanged',
      'unchanged',
    ]);
  });
});
