import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { KubeClients } from './KubeClients';

describe('KubeClients', () => {
  let sandbox: Sandbox;
  const kube = KubeClients.create();
  const cluster = () => ({
    name: 'alpha',
    url: sandbox.url,
    caData: sandbox.caData,
    token: sandbox.token,
    skipTLSVerify: false,
  });

  beforeAll(async () => {
    sandbox = await startSandbox({});
    await kube.call(cluster(), 'create namespace', ({ core }) =>
      core.createNamespace({ body: { metadata: { name: 'shop' } } }),
    );
  });

  afterAll(() => sandbox.stop());

  it('answers objects as the API server sent them, not as client-node models', async () => {
    const limits = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults', namespace: 'shop' },
      spec: {
        limits: [{ type: 'Container', default: { cpu: '500m' } }],
      },
    };
    const created = await kube.call(cluster(), 'create', ({ objects }) =>
      objects.create(limits),
    );
    const read = await kube.call(cluster(), 'read', ({ objects }) =>
      objects.read({
        apiVersion: limits.apiVersion,
        kind: limits.kind,
        metadata: limits.metadata,
      }),
    );
    const listed = await kube.call(cluster(), 'list', ({ objects }) =>
      objects.list(limits.apiVersion, limits.kind, 'shop'),
    );
    for (const object of [created, read, listed.items[0]] as any[]) {
      // The model would rename it `_default` and make the timestamp a Date.
      expect(object.spec.limits[0].default).toEqual({ cpu: '500m' });
      expect(object.spec.limits[0]._default).toBeUndefined();
      expect(typeof object.metadata.creationTimestamp).toBe('string');
    }
    expect(listed.items[0].metadata?.name).toBe('defaults');
  });

  it('turns error statuses into errors with their code', async () => {
    await expect(
      kube.call(cluster(), 'read', ({ objects }) =>
        objects.read({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'absent', namespace: 'shop' },
        }),
      ),
    ).rejects.toMatchObject({ code: 404 });
  });
});
