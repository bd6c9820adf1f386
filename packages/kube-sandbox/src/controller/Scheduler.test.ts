import { V1Pod } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import { clientsFor, eventually } from '../__testUtils__/clients';

jest.setTimeout(20000);

describe('Scheduler and volumes', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      controller: { speed: 100 },
      storageClasses: ['fast'],
      nodeCapacity: { cpu: '2', memory: '4Gi' },
    });
    c = clientsFor(sandbox);
  });

  afterAll(() => sandbox.stop());

  const namespace = 'default';
  const scheduled = (name: string) =>
    eventually(async () => {
      const p = await c.core.readNamespacedPod({ name, namespace });
      const k = p.status?.conditions?.find(x => x.type === 'PodScheduled');
      return k && p;
    });
  const condition = (p: V1Pod) =>
    p.status?.conditions?.find(x => x.type === 'PodScheduled');
  const claim = (name: string, storageClassName?: string) =>
    c.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name },
        spec: {
          storageClassName,
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });

  it('keeps a claim of an unknown storage class Pending, and its pod unschedulable', async () => {
    await claim('slow-data', 'nope');
    await claim('fast-data', 'fast');
    await claim('plain-data');
    const read = (name: string) =>
      c.core.readNamespacedPersistentVolumeClaim({ name, namespace });
    expect((await read('fast-data')).status?.phase).toBe('Bound');
    const plain = await read('plain-data');
    expect(plain.status?.phase).toBe('Bound');
    expect(plain.spec?.storageClassName).toBe('standard');
    const e = await eventually(async () =>
      (
        await c.core.listNamespacedEvent({ namespace })
      ).items.find(x => x.reason === 'ProvisioningFailed'),
    );
    expect(e.message).toBe('storageclass.storage.k8s.io "nope" not found');
    expect((await read('slow-data')).status?.phase).toBe('Pending');

    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'needs-data' },
        spec: {
          containers: [{ name: 'app', image: 'nginx:1' }],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: 'slow-data' } },
          ],
        },
      },
    });
    const p = await scheduled('needs-data');
    expect(condition(p)).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: expect.stringContaining(
        'pod has unbound immediate PersistentVolumeClaims',
      ),
    });
    expect(p.status?.phase).toBe('Pending');
    expect(p.spec?.nodeName).toBeUndefined();
  });

  it('leaves pods whose requests exceed the node capacity Unschedulable', async () => {
    const pod = (name: string, cpu: string) =>
      c.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'nginx:1',
                resources: { requests: { cpu } },
              },
            ],
          },
        },
      });
    await pod('small', '1500m');
    expect(condition(await scheduled('small'))?.status).toBe('True');
    await pod('big', '1');
    const p = await scheduled('big');
    const message =
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    expect(condition(p)).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message,
    });
    const e = (await c.core.listNamespacedEvent({ namespace })).items.find(
      x => x.reason === 'FailedScheduling' && x.involvedObject.name === 'big',
    );
    expect(e).toMatchObject({ type: 'Warning', message });
    // Room again once the other pod is gone.
    await c.core.deleteNamespacedPod({
      name: 'small',
      namespace,
      gracePeriodSeconds: 0,
    });
    await eventually(
      async () => condition(await scheduled('big'))?.status === 'True',
    );
  });
});
