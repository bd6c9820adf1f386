import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import { clientsFor, deployment, eventually } from '../__testUtils__/clients';
import { DeploymentController } from './DeploymentController';
import { Kubelet } from './Kubelet';
import { FAIL_ANNOTATION } from './podBehaviour';
import { ReplicaSetController } from './ReplicaSetController';

jest.setTimeout(30000);

describe('Controller rollouts', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  let n = 0;
  let ns: string;

  beforeAll(async () => {
    // speed 100: pods start in 10ms and are Ready 10ms later; a progress
    // deadline of 10s elapses in 100ms.
    sandbox = await startSandbox({
      controller: { speed: 100, crashIntervalMs: 2000 },
    });
    c = clientsFor(sandbox);
  });

  afterAll(() => sandbox.stop());

  beforeEach(async () => {
    ns = `ctl-${++n}`;
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });

  const read = (name: string) =>
    c.apps.readNamespacedDeployment({ name, namespace: ns });
  const cond = (d: any, type: string) =>
    d.status?.conditions?.find((x: any) => x.type === type);
  const pods = async () =>
    (await c.core.listNamespacedPod({ namespace: ns })).items;

  it('rolls out a deployment to completion and then a new revision', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web', 'nginx:1', 3) as any,
    });
    const done = await eventually(async () => {
      const d = await read('web');
      return (
        d.status?.availableReplicas === 3 &&
        d.status?.updatedReplicas === 3 &&
        d
      );
    });
    expect(done.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      observedGeneration: 1,
    });
    expect(cond(done, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(cond(done, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    expect(
      done.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('1');
    const rs1 = (await c.apps.listNamespacedReplicaSet({ namespace: ns }))
      .items;
    expect(rs1).toHaveLength(1);
    const hash = rs1[0].metadata?.labels?.['pod-template-hash'];
    expect(hash).toBeDefined();
    expect(
      (await pods()).every(
        p => p.metadata?.labels?.['pod-template-hash'] === hash,
      ),
    ).toBe(true);

    await c.apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: ns,
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'app', image: 'nginx:2' }] },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const rolled = await eventually(async () => {
      const d = await read('web');
      return (
        d.status?.observedGeneration === 2 &&
        d.status.updatedReplicas === 3 &&
        d.status.replicas === 3 &&
        d.status.availableReplicas === 3 &&
        d
      );
    });
    expect(
      rolled.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('2');
    const rs = (await c.apps.listNamespacedReplicaSet({ namespace: ns })).items;
    expect(rs.map(r => r.spec?.replicas).sort()).toEqual([0, 3]);
    const events = (await c.core.listNamespacedEvent({ namespace: ns })).items;
    expect(events.map(e => e.reason)).toEqual(
      expect.arrayContaining([
        'ScalingReplicaSet',
        'SuccessfulCreate',
        'Scheduled',
        'Started',
      ]),
    );
  });

  it('settles: no more writes once a rollout is complete', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('calm', 'nginx:1', 2) as any,
    });
    await eventually(
      async () => (await read('calm')).status?.availableReplicas === 2,
    );
    await new Promise(r => setTimeout(r, 100));
    const before = sandbox.store.currentRevision();
    await new Promise(r => setTimeout(r, 300));
    expect(sandbox.store.currentRevision()).toBe(before);
  });

  it('recreates pods deleted from a replica set', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('heal', 'nginx:1', 1) as any,
    });
    const pod = await eventually(async () => (await pods())[0]);
    await c.core.deleteNamespacedPod({
      name: pod.metadata!.name!,
      namespace: ns,
    });
    const replacement = await eventually(async () =>
      (await pods()).find(p => p.metadata?.name !== pod.metadata?.name),
    );
    expect(replacement.metadata?.ownerReferences?.[0].kind).toBe('ReplicaSet');
  });

  it('scales to zero and back', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('zero', 'nginx:1', 2) as any,
    });
    await eventually(
      async () => (await read('zero')).status?.availableReplicas === 2,
    );
    await c.apps.patchNamespacedDeploymentScale(
      { name: 'zero', namespace: ns, body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(
      async () =>
        (await pods()).length === 0 &&
        (await read('zero')).status?.replicas === 0,
    );
    const d = await read('zero');
    expect(cond(d, 'Available')?.status).toBe('True');
  });

  it('reports image pull failures and exceeds the progress deadline', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('broken', 'registry.local/does-not-exist:1', 1, {
        progressDeadlineSeconds: 10,
      }) as any,
    });
    await eventually(async () =>
      (
        await pods()
      ).some(p =>
        ['ErrImagePull', 'ImagePullBackOff'].includes(
          p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? '',
        ),
      ),
    );
    const d = await eventually(async () => {
      const x = await read('broken');
      return cond(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded' && x;
    });
    expect(cond(d, 'Progressing').status).toBe('False');
    expect(d.status?.availableReplicas ?? 0).toBe(0);
    const events = (await c.core.listNamespacedEvent({ namespace: ns })).items;
    expect(
      events.some(e => e.reason === 'Failed' && e.type === 'Warning'),
    ).toBe(true);
  });

  it('puts crashing containers in CrashLoopBackOff with growing restart counts', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('crashy', 'app:1', 1, {
        podAnnotations: { [FAIL_ANNOTATION]: 'crash-loop' },
      }) as any,
    });
    const first = await eventually(async () =>
      (
        await pods()
      ).find(
        p =>
          p.status?.containerStatuses?.[0]?.state?.waiting?.reason ===
          'CrashLoopBackOff',
      ),
    );
    const count = first.status!.containerStatuses![0].restartCount;
    await eventually(
      async () =>
        ((await pods())[0].status?.containerStatuses?.[0].restartCount ?? 0) >
        count,
    );
    expect((await read('crashy')).status?.readyReplicas ?? 0).toBe(0);
  });

  it('honours slow starts via annotation', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('slow', 'app:1', 1, {
        podAnnotations: { 'sandbox.app-platform.io/start-delay-ms': '100000' },
      }) as any,
    });
    await eventually(async () => (await pods()).length === 1);
    await new Promise(r => setTimeout(r, 100));
    expect((await read('slow')).status?.readyReplicas ?? 0).toBe(0);
    await eventually(
      async () => (await read('slow')).status?.readyReplicas === 1,
      3000,
    );
  });

  it('gives statefulsets ordered pods', async () => {
    await c.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 3,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
          },
        },
      },
    });
    const s = await eventually(async () => {
      const x = await c.apps.readNamespacedStatefulSet({
        name: 'db',
        namespace: ns,
      });
      return x.status?.readyReplicas === 3 && x;
    });
    expect(s.status?.observedGeneration).toBe(1);
    expect((await pods()).map(p => p.metadata?.name).sort()).toEqual([
      'db-0',
      'db-1',
      'db-2',
    ]);
    await c.apps.patchNamespacedStatefulSetScale(
      { name: 'db', namespace: ns, body: { spec: { replicas: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(
      async () => (await pods()).map(p => p.metadata?.name).join() === 'db-0',
    );
  });
  it('rolls a statefulset from the highest ordinal with the status of kube-controller-manager', async () => {
    const statefulSet = (image: string) => ({
      metadata: { name: 'db' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image }] },
        },
      },
    });
    const readSet = () =>
      c.apps.readNamespacedStatefulSet({ name: 'db', namespace: ns });
    await c.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: statefulSet('postgres:16'),
    });
    const first = await eventually(async () => {
      const x = await readSet();
      return x.status?.readyReplicas === 2 && x;
    });
    // A new set's current revision is its update revision from the start.
    const before = first.status!.currentRevision!;
    expect(first.status).toMatchObject({
      replicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      updateRevision: before,
    });
    expect(
      (await pods()).map(p => p.metadata?.labels?.['controller-revision-hash']),
    ).toEqual([before, before]);

    // Every status the controller writes during the rollout, and the pods
    // as they were when it wrote it.
    const seen: Array<{ status: any; pods: any[] }> = [];
    const unsubscribe = sandbox.store.subscribe(undefined, e => {
      const o = e.object;
      if (o.kind !== 'StatefulSet' || o.metadata?.namespace !== ns) return;
      seen.push({
        status: o.status,
        pods: sandbox.store
          .list(sandbox.api.registry.get('', 'pods'), ns)
          .map((p: any) => ({
            revision: p.metadata.labels['controller-revision-hash'],
            terminating: Boolean(p.metadata.deletionTimestamp),
            ready: p.status?.conditions?.some(
              (k: any) => k.type === 'Ready' && k.status === 'True',
            ),
          })),
      });
    });
    await c.apps.replaceNamespacedStatefulSet({
      name: 'db',
      namespace: ns,
      body: { ...statefulSet('postgres:17'), metadata: first.metadata },
    });
    const done = await eventually(async () => {
      const x = await readSet();
      return (
        x.status?.updateRevision !== before &&
        x.status?.currentRevision === x.status?.updateRevision &&
        x
      );
    });
    unsubscribe();
    const after = done.status!.updateRevision!;
    expect(done.status).toMatchObject({
      observedGeneration: 2,
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
    });
    const rollout = seen.filter(s => s.status?.updateRevision === after);
    expect(rollout.length).toBeGreaterThan(1);
    // What kube-controller-manager writes for the pods at each moment:
    // terminating pods are still replicas; only staying ones are current or
    // updated, by their revision label; the update revision becomes current
    // only with every replica updated and ready.
    const expected = rollout.map(({ pods: now }) => {
      const staying = now.filter(p => !p.terminating);
      const at = (revision: string) =>
        staying.filter(p => p.revision === revision).length;
      const ready = now.filter(p => p.ready).length;
      const complete = at(after) === now.length && ready === now.length;
      return {
        replicas: now.length,
        readyReplicas: ready,
        updatedReplicas: at(after),
        currentReplicas: complete ? at(after) : at(before),
        currentRevision: complete ? after : before,
      };
    });
    expect(
      rollout.map(({ status }) => ({
        replicas: status.replicas,
        readyReplicas: status.readyReplicas,
        updatedReplicas: status.updatedReplicas,
        currentReplicas: status.currentReplicas,
        currentRevision: status.currentRevision,
      })),
    ).toEqual(expected);
    // The old revision was current while a pod terminated for the update.
    expect(
      rollout.some(
        s =>
          s.status.currentRevision === before &&
          s.pods.some(p => p.terminating),
      ),
    ).toBe(true);
    const deletes = (await c.core.listNamespacedEvent({ namespace: ns })).items
      .filter(e => e.reason === 'SuccessfulDelete')
      .map(e => e.message);
    expect(deletes.sort()).toEqual([
      'delete Pod db-0 in StatefulSet db successful',
      'delete Pod db-1 in StatefulSet db successful',
    ]);
  });

  it('creates the claims of volumeClaimTemplates per pod and keeps them after the statefulset', async () => {
    await c.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: 'store' },
        spec: {
          replicas: 2,
          serviceName: 'store',
          selector: { matchLabels: { app: 'store' } },
          template: {
            metadata: { labels: { app: 'store' } },
            spec: {
              containers: [
                {
                  name: 'db',
                  image: 'postgres:16',
                  volumeMounts: [{ name: 'data', mountPath: '/data' }],
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data', labels: { tier: 'storage' } },
              spec: {
                accessModes: ['ReadWriteOnce'],
                resources: { requests: { storage: '1Gi' } },
              },
            },
          ],
        },
      },
    });
    await eventually(async () => {
      const x = await c.apps.readNamespacedStatefulSet({
        name: 'store',
        namespace: ns,
      });
      return x.status?.readyReplicas === 2;
    });
    const claims = (
      await c.core.listNamespacedPersistentVolumeClaim({ namespace: ns })
    ).items;
    expect(claims.map(p => p.metadata?.name).sort()).toEqual([
      'data-store-0',
      'data-store-1',
    ]);
    expect(claims[0].metadata?.labels).toEqual({
      tier: 'storage',
      app: 'store',
    });
    expect(claims[0].metadata?.ownerReferences).toBeUndefined();
    const pod = await c.core.readNamespacedPod({
      name: 'store-1',
      namespace: ns,
    });
    expect(pod.spec?.volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'data',
          persistentVolumeClaim: { claimName: 'data-store-1' },
        }),
      ]),
    );
    await c.apps.deleteNamespacedStatefulSet({ name: 'store', namespace: ns });
    await eventually(async () => (await pods()).length === 0);
    // The data outlives the statefulset (retention policy Retain, the default).
    expect(
      (
        await c.core.listNamespacedPersistentVolumeClaim({ namespace: ns })
      ).items
        .map(p => p.metadata?.name)
        .sort(),
    ).toEqual(['data-store-0', 'data-store-1']);
  });
});

describe('Controller robustness', () => {
  it('survives objects it cannot reconcile', async () => {
    const sandbox = await startSandbox({ controller: { speed: 100 } });
    try {
      const { apps } = clientsFor(sandbox);
      // An unowned ReplicaSet squats on the name the Deployment would use.
      const d = deployment('clash', 'nginx:1', 1) as any;
      const created = await apps.createNamespacedDeployment({
        namespace: 'default',
        body: d,
      });
      const rsName = (
        await eventually(
          async () =>
            (
              await apps.listNamespacedReplicaSet({ namespace: 'default' })
            ).items[0],
        )
      ).metadata!.name!;
      await apps.deleteNamespacedDeployment({
        name: 'clash',
        namespace: 'default',
        propagationPolicy: 'Orphan',
      });
      // Orphaning stripped the owner reference, so the RS is now unowned.
      const rs = await apps.readNamespacedReplicaSet({
        name: rsName,
        namespace: 'default',
      });
      expect(rs.metadata?.ownerReferences).toBeUndefined();
      await apps.createNamespacedDeployment({ namespace: 'default', body: d });
      await eventually(() => sandbox.controller.errors.size > 0);
      expect([...sandbox.controller.errors.values()][0]).toContain(
        'already exists',
      );
      // Other work still proceeds.
      await apps.createNamespacedDeployment({
        namespace: 'default',
        body: deployment('fine', 'nginx:1', 1) as any,
      });
      await eventually(
        async () =>
          (
            await apps.readNamespacedDeployment({
              name: 'fine',
              namespace: 'default',
            })
          ).status?.availableReplicas === 1,
      );
      expect(created.metadata?.name).toBe('clash');
    } finally {
      await sandbox.stop();
    }
  });
});

describe('Controller at rest', () => {
  it('skips every loop once nothing waits on the clock, and wakes on a change', async () => {
    const sandbox = await startSandbox({ controller: { speed: 100 } });
    const loops = [Kubelet, ReplicaSetController, DeploymentController].map(
      loop => jest.spyOn(loop.prototype, 'reconcileAll'),
    );
    const calls = () => loops.reduce((n, spy) => n + spy.mock.calls.length, 0);
    try {
      const { apps } = clientsFor(sandbox);
      const read = () =>
        apps.readNamespacedDeployment({ name: 'calm', namespace: 'default' });
      await apps.createNamespacedDeployment({
        namespace: 'default',
        body: deployment('calm', 'nginx:1', 2) as any,
      });
      await eventually(async () => (await read()).status?.readyReplicas === 2);
      await new Promise(r => setTimeout(r, 100));
      const settled = calls();
      // 30 ticks of 10 ms.
      await new Promise(r => setTimeout(r, 300));
      expect(calls()).toBe(settled);

      // A change wakes them, and the clock drives the new pods' start.
      await apps.patchNamespacedDeployment(
        {
          name: 'calm',
          namespace: 'default',
          body: { spec: { replicas: 3 } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(async () => (await read()).status?.readyReplicas === 3);
      expect(calls()).toBeGreaterThan(settled);
    } finally {
      for (const spy of loops) spy.mockRestore();
      await sandbox.stop();
    }
  });
});
