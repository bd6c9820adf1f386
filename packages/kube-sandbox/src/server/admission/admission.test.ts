import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../../startSandbox';
import {
  clientsFor,
  deployment,
  eventually,
  failure,
  statusOf,
} from '../../__testUtils__/clients';
import { ADMISSION_CHAIN } from './admissionChain';

jest.setTimeout(20000);

const pod = (name: string, resources?: any) => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'nginx:1', resources }] },
});

describe('admission', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  let n = 0;
  let ns: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      controller: { speed: 100 },
      namespaceTerminationMs: 10,
    });
    c = clientsFor(sandbox);
  });

  afterAll(() => sandbox.stop());

  beforeEach(async () => {
    ns = `adm-${++n}`;
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });

  const quota = (name: string, hard: Record<string, string>) =>
    c.core.createNamespacedResourceQuota({
      namespace: ns,
      body: { metadata: { name }, spec: { hard } },
    });
  const refusal = async (p: Promise<unknown>) => {
    const e = await failure(p);
    expect(e.code).toBe(403);
    const status = statusOf(e);
    expect(status.reason).toBe('Forbidden');
    return status.message as string;
  };

  it('runs the chain as named steps: mutating, validation, validating', () => {
    expect(ADMISSION_CHAIN.mutating.map(p => p.name)).toEqual([
      'NamespaceLifecycle',
      'defaulting',
      'DefaultStorageClass',
      'LimitRanger',
      'volumeProvisioning',
    ]);
    expect(ADMISSION_CHAIN.validating.map(p => p.name)).toEqual([
      'validation',
      'ResourceQuota',
    ]);
  });

  it('refuses object counts over a ResourceQuota with the exceeded quota message', async () => {
    await quota('counts', {
      pods: '1',
      services: '1',
      persistentvolumeclaims: '1',
      configmaps: '1',
      secrets: '1',
    });
    const cm = (name: string) => ({ metadata: { name }, data: {} });
    const secret = (name: string) => ({ metadata: { name } });
    const svc = (name: string) => ({
      metadata: { name },
      spec: { ports: [{ port: 80 }] },
    });
    const pvc = (name: string) => ({
      metadata: { name },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    });
    const namespace = ns;
    await c.core.createNamespacedConfigMap({ namespace, body: cm('a') });
    await c.core.createNamespacedSecret({ namespace, body: secret('a') });
    await c.core.createNamespacedService({ namespace, body: svc('a') });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: pvc('a'),
    });
    await c.core.createNamespacedPod({ namespace, body: pod('a') });

    const limited = (r: string) =>
      `exceeded quota: counts, requested: ${r}=1, used: ${r}=1, limited: ${r}=1`;
    expect(
      await refusal(
        c.core.createNamespacedConfigMap({ namespace, body: cm('b') }),
      ),
    ).toBe(`configmaps "b" is forbidden: ${limited('configmaps')}`);
    expect(
      await refusal(
        c.core.createNamespacedSecret({ namespace, body: secret('b') }),
      ),
    ).toBe(`secrets "b" is forbidden: ${limited('secrets')}`);
    expect(
      await refusal(
        c.core.createNamespacedService({ namespace, body: svc('b') }),
      ),
    ).toBe(`services "b" is forbidden: ${limited('services')}`);
    expect(
      await refusal(
        c.core.createNamespacedPersistentVolumeClaim({
          namespace,
          body: pvc('b'),
        }),
      ),
    ).toBe(
      `persistentvolumeclaims "b" is forbidden: ${limited(
        'persistentvolumeclaims',
      )}`,
    );
    expect(
      await refusal(c.core.createNamespacedPod({ namespace, body: pod('b') })),
    ).toBe(`pods "b" is forbidden: ${limited('pods')}`);

    // The quota controller reports usage, as `kubectl describe quota` shows.
    const q = await eventually(async () => {
      const x = await c.core.readNamespacedResourceQuota({
        name: 'counts',
        namespace,
      });
      return x.status?.used?.pods === '1' && x;
    });
    expect(q.status?.used).toEqual({
      pods: '1',
      services: '1',
      persistentvolumeclaims: '1',
      configmaps: '1',
      secrets: '1',
    });
  });

  it('requires and limits cpu and memory requests and limits', async () => {
    await quota('compute', {
      'requests.cpu': '1',
      'requests.memory': '1Gi',
      'limits.cpu': '2',
      'limits.memory': '2Gi',
    });
    expect(
      await refusal(
        c.core.createNamespacedPod({ namespace: ns, body: pod('bare') }),
      ),
    ).toBe(
      'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: app; limits.memory for: app; requests.cpu for: app; requests.memory for: app',
    );
    const resources = {
      requests: { cpu: '600m', memory: '512Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    };
    await c.core.createNamespacedPod({
      namespace: ns,
      body: pod('first', resources),
    });
    expect(
      await refusal(
        c.core.createNamespacedPod({
          namespace: ns,
          body: pod('second', resources),
        }),
      ),
    ).toBe(
      'pods "second" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1',
    );
    const q = await eventually(async () => {
      const x = await c.core.readNamespacedResourceQuota({
        name: 'compute',
        namespace: ns,
      });
      return x.status?.used?.['requests.cpu'] === '600m' && x;
    });
    expect(q.status?.used).toMatchObject({
      'requests.memory': '512Mi',
      'limits.cpu': '1',
      'limits.memory': '1Gi',
    });
  });

  it('applies LimitRange defaults and refuses pods over its maxima', async () => {
    await c.core.createNamespacedLimitRange({
      namespace: ns,
      body: {
        metadata: { name: 'limits' },
        spec: {
          limits: [
            {
              type: 'Container',
              _default: { cpu: '500m', memory: '256Mi' },
              defaultRequest: { cpu: '100m', memory: '128Mi' },
              max: { cpu: '1', memory: '1Gi' },
            },
          ],
        },
      },
    });
    const created = await c.core.createNamespacedPod({
      namespace: ns,
      body: pod('defaulted'),
    });
    expect(created.spec?.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    expect(created.metadata?.annotations?.['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
    );
    expect(created.status?.qosClass).toBe('Burstable');
    expect(
      await refusal(
        c.core.createNamespacedPod({
          namespace: ns,
          body: pod('big', { limits: { cpu: '2', memory: '512Mi' } }),
        }),
      ),
    ).toBe(
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    );
  });

  it('shows refused pods as ReplicaFailure/FailedCreate on the ReplicaSet, and recovers', async () => {
    await quota('two-pods', { pods: '2' });
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web', 'nginx:1', 3) as any,
    });
    const rs = await eventually(async () => {
      const [x] = (await c.apps.listNamespacedReplicaSet({ namespace: ns }))
        .items;
      return x?.status?.conditions?.some(k => k.type === 'ReplicaFailure') && x;
    });
    const failed = rs.status!.conditions!.find(
      k => k.type === 'ReplicaFailure',
    )!;
    expect(failed).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(failed.message).toMatch(
      /^pods "web-[a-z0-9]+-[a-z0-9]+" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2$/,
    );
    expect(rs.status?.replicas).toBe(2);
    const events = (await c.core.listNamespacedEvent({ namespace: ns })).items;
    const failedCreate = events.filter(
      e =>
        e.reason === 'FailedCreate' && e.involvedObject.kind === 'ReplicaSet',
    );
    expect(failedCreate.length).toBeGreaterThan(0);
    for (const e of failedCreate) {
      expect(e.type).toBe('Warning');
      expect(e.source?.component).toBe('replicaset-controller');
      expect(e.message).toMatch(
        /^Error creating: pods "web-[a-z0-9]+-[a-z0-9]+" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2$/,
      );
    }
    const onDeployment = await eventually(async () => {
      const x = await c.apps.readNamespacedDeployment({
        name: 'web',
        namespace: ns,
      });
      return (
        x.status?.availableReplicas === 2 &&
        x.status.conditions?.find(k => k.type === 'ReplicaFailure')
      );
    });
    // The ReplicaSet's failure surfaces on the Deployment too.
    expect(onDeployment).toMatchObject({
      status: 'True',
      reason: 'FailedCreate',
    });

    await c.core.patchNamespacedResourceQuota(
      {
        name: 'two-pods',
        namespace: ns,
        body: { spec: { hard: { pods: '3' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const healed = await eventually(async () => {
      const x = await c.apps.readNamespacedReplicaSet({
        name: rs.metadata!.name!,
        namespace: ns,
      });
      return x.status?.readyReplicas === 3 && x;
    });
    expect(healed.status?.conditions).toBeUndefined();
  });
});
