import { startSandbox } from '@internal/kube-sandbox';
import { KubeClients } from './KubeClients';
import { toClientModel } from './toClientModel';

const limitRange = {
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'defaults', namespace: 'shop' },
  spec: {
    limits: [
      {
        type: 'Container',
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '50m', memory: '64Mi' },
      },
    ],
  },
};

const networkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'same-namespace', namespace: 'shop' },
  spec: {
    podSelector: {},
    ingress: [{ from: [{ podSelector: {} }] }],
  },
};

describe('toClientModel', () => {
  it("renames the fields client-node's models know by another name, at any depth", () => {
    expect(toClientModel(limitRange).spec.limits[0]).toEqual({
      type: 'Container',
      _default: { cpu: '500m', memory: '512Mi' },
      defaultRequest: { cpu: '50m', memory: '64Mi' },
    });
    expect(toClientModel(networkPolicy).spec.ingress[0]).toEqual({
      _from: [{ podSelector: {} }],
    });
  });

  it('leaves kinds without a model, and fields it does not know, as they are', () => {
    const custom = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      spec: { default: 1 },
    };
    expect(toClientModel(custom)).toEqual(custom);
    const withExtra = { ...limitRange, extra: { default: true } };
    expect(toClientModel(withExtra).extra).toEqual({ default: true });
  });

  it("gets a LimitRange's defaults to the cluster through the platform client", async () => {
    const sandbox = await startSandbox({});
    try {
      const kube = KubeClients.create();
      const cluster = {
        name: 'alpha',
        url: sandbox.url,
        caData: sandbox.caData,
        token: sandbox.token,
        skipTLSVerify: false,
      };
      await kube.call(cluster, 'create namespace', ({ core }) =>
        core.createNamespace({ body: { metadata: { name: 'shop' } } }),
      );
      await kube.apply(cluster, limitRange);
      await kube.call(cluster, 'create limits', ({ objects }) =>
        objects.create({
          ...limitRange,
          metadata: { ...limitRange.metadata, name: 'created' },
        }),
      );
      const raw = async (path: string) =>
        JSON.parse(
          (
            await kube.call(cluster, 'read', ({ get }) =>
              get(path, new URLSearchParams()),
            )
          ).body,
        );
      expect(
        (await raw('/api/v1/namespaces/shop/limitranges/defaults')).spec
          .limits[0].default,
      ).toEqual({ cpu: '500m', memory: '512Mi' });
      expect(
        (await raw('/api/v1/namespaces/shop/limitranges/created')).spec
          .limits[0].default,
      ).toEqual({ cpu: '500m', memory: '512Mi' });
    } finally {
      await sandbox.stop();
    }
  });
});
