import { startSandbox } from '@internal/kube-sandbox';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import {
  SHIPPED_NAMES,
  shippedDefinitions,
} from './__testUtils__/shippedDefinitions';
import { MiddlewareDefinition } from './MiddlewareDefinition';
import { createInstanceSeed, renderMiddleware } from './renderMiddleware';
import { resolveMiddlewareParameters } from './resolveMiddlewareParameters';

/*
 * Installs the shipped definitions into a sandbox cluster the way the
 * platform will: rendered, then server-side applied object by object in
 * creation order, until their workloads report every replica ready.
 */

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let objects: KubernetesObjectApi;
let definitions: MiddlewareDefinition[];

beforeAll(async () => {
  sandbox = await startSandbox({ controller: { speed: 100 } });
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig());
  objects = KubernetesObjectApi.makeApiClient(kc);
  await objects.create({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop' },
  });
  definitions = await shippedDefinitions();
}, 20_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function install(
  name: string,
  instance: string,
  given: Record<string, unknown> = {},
) {
  const definition = definitions.find(d => d.name === name)!;
  const rendered = renderMiddleware({
    definition,
    instance,
    namespace: 'shop',
    installationId: 'sandbox-test',
    parameters: resolveMiddlewareParameters(definition, given).parameters,
    seed: createInstanceSeed(),
  });
  for (const object of rendered.objects) {
    await objects.patch(
      object as KubernetesObject,
      undefined,
      undefined,
      'app-platform',
      true,
      PatchStrategy.ServerSideApply,
    );
  }
  return rendered;
}

async function waitUntilReady(workload: KubernetesObject, replicas: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const live: any = await objects.read({
      apiVersion: workload.apiVersion!,
      kind: workload.kind!,
      metadata: { name: workload.metadata!.name!, namespace: 'shop' },
    });
    if ((live.status?.readyReplicas ?? 0) === replicas) return live;
    if (Date.now() > deadline) {
      throw new Error(
        `${workload.kind}/${
          workload.metadata!.name
        } not ready: ${JSON.stringify(live.status)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

it.each(SHIPPED_NAMES)(
  'installs %s with its defaults and reaches running',
  async name => {
    const instance = `${name.replace(/-.*/, '')}-a`;
    const rendered = await install(name, instance);
    for (const object of rendered.objects) {
      const live = await objects.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name: object.metadata.name, namespace: 'shop' },
      });
      expect(live.metadata?.labels).toEqual(object.metadata.labels);
    }
    const workload = rendered.objects.find(
      o => o.kind === 'StatefulSet' || o.kind === 'Deployment',
    )!;
    const replicas = (workload.spec as any).replicas;
    await waitUntilReady(workload, replicas);
  },
  20_000,
);

it('runs a Redis primary with a replica and a ZooKeeper ensemble of three', async () => {
  const redis = await install('redis', 'redis-ha', { replicas: 2 });
  const zookeeper = await install('zookeeper', 'zk-ensemble', { replicas: 3 });
  for (const [rendered, replicas] of [
    [redis, 2],
    [zookeeper, 3],
  ] as const) {
    const workload = rendered.objects.find(o => o.kind === 'StatefulSet')!;
    const live = await waitUntilReady(workload, replicas);
    expect(live.status.readyReplicas).toBe(replicas);
    // Each pod has its own bound claim per volumeClaimTemplate, as on a cluster.
    const templates: string[] = (
      (workload.spec as any).volumeClaimTemplates ?? []
    ).map((t: any) => t.metadata.name);
    expect(templates.length).toBeGreaterThan(0);
    const claims = await objects.list('v1', 'PersistentVolumeClaim', 'shop');
    for (const template of templates) {
      for (let ordinal = 0; ordinal < replicas; ordinal++) {
        const claim = claims.items.find(
          c =>
            c.metadata?.name ===
            `${template}-${workload.metadata.name}-${ordinal}`,
        ) as any;
        expect(claim?.status?.phase).toBe('Bound');
      }
    }
  }
}, 20_000);

it('rolls the pods of an upgraded instance whose configuration changed', async () => {
  const first = await install('redis', 'redis-roll', {
    password: 'first-pass',
  });
  const workload = first.objects.find(o => o.kind === 'StatefulSet')!;
  const before = await waitUntilReady(workload, 1);
  await install('redis', 'redis-roll', { password: 'second-pass' });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const live: any = await objects.read({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'redis-roll', namespace: 'shop' },
    });
    if (
      live.status.updateRevision !== before.status.updateRevision &&
      live.status.currentRevision === live.status.updateRevision &&
      live.status.readyReplicas === 1
    ) {
      break;
    }
    if (Date.now() > deadline) throw new Error(JSON.stringify(live.status));
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  const pod: any = await objects.read({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'redis-roll-0', namespace: 'shop' },
  });
  expect(pod.metadata.annotations['app-platform.io/config-checksum']).not.toBe(
    before.spec.template.metadata.annotations[
      'app-platform.io/config-checksum'
    ],
  );
}, 20_000);
