import { DiscoveryV1Api } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import { clientsFor, deployment, eventually } from '../__testUtils__/clients';
import { FAIL_ANNOTATION } from './podBehaviour';

jest.setTimeout(20000);

describe('EndpointsController', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  const namespace = 'default';

  beforeAll(async () => {
    sandbox = await startSandbox({
      controller: { speed: 100, podStopMs: 100000 },
    });
    c = clientsFor(sandbox);
  });

  afterAll(() => sandbox.stop());

  it('lists ready pods as addresses and others as not ready, in Endpoints and an EndpointSlice', async () => {
    await c.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { app: 'web' },
          ports: [{ name: 'http', port: 80, targetPort: 'http' as any }],
        },
      },
    });
    const web = deployment('web', 'nginx:1', 2) as any;
    web.spec.template.spec.containers[0].ports = [
      { name: 'http', containerPort: 8080 },
    ];
    await c.apps.createNamespacedDeployment({ namespace, body: web });
    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: 'web-unready',
          labels: { app: 'web' },
          annotations: { [FAIL_ANNOTATION]: 'readiness' },
        },
        spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
      },
    });
    const ep = await eventually(async () => {
      const x = await c.core.readNamespacedEndpoints({
        name: 'web',
        namespace,
      });
      const s = x.subsets?.[0];
      return (
        s?.addresses?.length === 2 && s.notReadyAddresses?.length === 1 && x
      );
    });
    const subset = ep.subsets![0];
    expect(subset.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
    ]);
    expect(subset.notReadyAddresses?.[0].targetRef?.name).toBe('web-unready');
    const pods = (
      await c.core.listNamespacedPod({ namespace, labelSelector: 'app=web' })
    ).items;
    const ipOf = (name: string) =>
      pods.find(p => p.metadata?.name === name)?.status?.podIP;
    expect(subset.addresses!.map(a => a.ip).sort()).toEqual(
      subset.addresses!.map(a => ipOf(a.targetRef!.name!)).sort(),
    );

    const [slice] = (
      await c.kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
        namespace,
        labelSelector: 'kubernetes.io/service-name=web',
      })
    ).items as any[];
    expect(slice.addressType).toBe('IPv4');
    expect(slice.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Service',
      name: 'web',
    });
    expect(slice.endpoints.map((e: any) => e.conditions.ready).sort()).toEqual([
      false,
      true,
      true,
    ]);

    // A deleted pod stops being an address at once, while it terminates.
    const victim = subset.addresses![0].targetRef!.name!;
    await c.core.deleteNamespacedPod({ name: victim, namespace });
    const after = await eventually(async () => {
      const x = await c.core.readNamespacedEndpoints({
        name: 'web',
        namespace,
      });
      return (
        !x.subsets?.[0].addresses?.some(a => a.targetRef?.name === victim) && x
      );
    });
    const terminating = (
      await c.core.readNamespacedPod({ name: victim, namespace })
    ).metadata?.deletionTimestamp;
    expect(terminating).toBeDefined();
    expect(
      after.subsets?.[0].notReadyAddresses?.map(a => a.targetRef?.name),
    ).toContain(victim);

    // Endpoints go with their service.
    await c.core.deleteNamespacedService({ name: 'web', namespace });
    await eventually(async () =>
      (
        await c.core.listNamespacedEndpoints({ namespace })
      ).items.every(x => x.metadata?.name !== 'web'),
    );
  });
});
