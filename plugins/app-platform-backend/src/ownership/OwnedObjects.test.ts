import { Sandbox, startSandbox } from '@internal/kube-sandbox';
import { CoreV1Api, KubeConfig, V1ConfigMap } from '@kubernetes/client-node';
import {
  ClusterConnection,
  KubeClients,
  kubeErrorCode,
} from '../kube/KubeClients';
import { NotOwnedError, OwnedObjects } from './OwnedObjects';

/*
 * `ensure` applies with the resourceVersion it read. What changes the object
 * between that read and the apply is made here by a second client, from a
 * spy on the apply: the moment a controller or another user would.
 */

jest.setTimeout(60_000);

const INSTALLATION = 'owned-objects-test';
const NAMESPACE = 'shop';

let sandbox: Sandbox;
let cluster: ClusterConnection;
let core: CoreV1Api;
let kube: KubeClients;
let owned: OwnedObjects;

beforeAll(async () => {
  sandbox = await startSandbox({ name: 'alpha' });
  cluster = {
    name: 'alpha',
    url: sandbox.url,
    caData: sandbox.caData,
    token: sandbox.token,
    skipTLSVerify: false,
  };
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  kube = KubeClients.create({ timeoutMs: 5000 });
  owned = OwnedObjects.create({ kube, installationId: INSTALLATION });
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(() => {
  jest.restoreAllMocks();
});

function configMap(name: string, value: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NAMESPACE },
    data: { value },
  };
}

/** Another writer's change: an annotation, as `kubectl annotate` makes. */
async function annotate(name: string, annotations: Record<string, string>) {
  const live = await core.readNamespacedConfigMap({
    name,
    namespace: NAMESPACE,
  });
  await core.replaceNamespacedConfigMap({
    name,
    namespace: NAMESPACE,
    body: {
      ...live,
      metadata: {
        ...live.metadata,
        annotations: { ...live.metadata?.annotations, ...annotations },
      },
    },
  });
}

/** Runs `meanwhile` before each of the first `times` applies goes out; counts the applies. */
function beforeApplies(times: number, meanwhile: () => Promise<unknown>) {
  const applies = { count: 0 };
  const call = KubeClients.prototype.call;
  jest
    .spyOn(KubeClients.prototype, 'call')
    .mockImplementation(async function applyAfterMeanwhile(
      this: KubeClients,
      ...args: any[]
    ) {
      if (args[1] === 'apply ConfigMap') {
        applies.count += 1;
        if (applies.count <= times) await meanwhile();
      }
      return (call as any).apply(this, args);
    });
  return applies;
}

describe('OwnedObjects.ensure', () => {
  it('applies again on what the object is now when it changed after the read', async () => {
    await owned.ensure(cluster, configMap('changed', 'one'));
    const applies = beforeApplies(1, () =>
      annotate('changed', { 'team.example/note': 'hi' }),
    );

    const result = await owned.ensure(cluster, configMap('changed', 'two'));

    expect(result.action).toBe('updated');
    expect(applies.count).toBe(2);
    const live = await core.readNamespacedConfigMap({
      name: 'changed',
      namespace: NAMESPACE,
    });
    expect(live.data).toEqual({ value: 'two' });
    // Applied on top of the other writer's change, not over it.
    expect(live.metadata?.annotations?.['team.example/note']).toBe('hi');
  });

  it('refuses an object replaced by one not ours between the read and the apply', async () => {
    await owned.ensure(cluster, configMap('replaced', 'ours'));
    beforeApplies(1, async () => {
      await core.deleteNamespacedConfigMap({
        name: 'replaced',
        namespace: NAMESPACE,
      });
      await core.createNamespacedConfigMap({
        namespace: NAMESPACE,
        body: configMap('replaced', 'theirs'),
      });
    });

    await expect(
      owned.ensure(cluster, configMap('replaced', 'ours again')),
    ).rejects.toBeInstanceOf(NotOwnedError);

    const live = await core.readNamespacedConfigMap({
      name: 'replaced',
      namespace: NAMESPACE,
    });
    expect(live.data).toEqual({ value: 'theirs' });
    expect(live.metadata?.labels?.['app-platform.io/installation']).toBe(
      undefined,
    );
  });

  it('gives up with the conflict after three tries on an object that keeps changing', async () => {
    await owned.ensure(cluster, configMap('busy', 'one'));
    let round = 0;
    const applies = beforeApplies(Infinity, () =>
      annotate('busy', { round: String((round += 1)) }),
    );

    const error = await owned
      .ensure(cluster, configMap('busy', 'two'))
      .catch(e => e);
    expect(kubeErrorCode(error)).toBe(409);
    expect(applies.count).toBe(3);
  });
});
