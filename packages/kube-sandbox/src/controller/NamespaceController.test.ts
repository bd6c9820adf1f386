import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import {
  clientsFor,
  eventually,
  failure,
  statusOf,
} from '../__testUtils__/clients';
import { ControllerContext } from './ControllerContext';

jest.setTimeout(20000);

const TERMINATION_MS = 1000;

describe('NamespaceController', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  let n = 0;
  let ns: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      controller: { speed: 100 },
      namespaceTerminationMs: TERMINATION_MS,
    });
    c = clientsFor(sandbox);
  });

  afterAll(() => sandbox.stop());

  beforeEach(async () => {
    ns = `nsc-${++n}`;
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });

  const gone = async () =>
    (await failure(c.core.readNamespace({ name: ns }))).code === 404;

  it('takes 3 s to terminate a namespace unless configured otherwise', () => {
    expect(
      ControllerContext.create(sandbox.api, {}, {}).namespaceTerminationMs,
    ).toBe(3000);
  });

  it('keeps a namespace Terminating for the configured time, refusing its re-creation with 409', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'inside' } },
    });
    const started = Date.now();
    await c.core.deleteNamespace({ name: ns });
    const terminating = await c.core.readNamespace({ name: ns });
    expect(terminating.status?.phase).toBe('Terminating');
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();

    const again = await failure(
      c.core.createNamespace({ body: { metadata: { name: ns } } }),
    );
    expect(again.code).toBe(409);
    expect(statusOf(again)).toMatchObject({
      reason: 'AlreadyExists',
      message: `object is being deleted: namespaces "${ns}" already exists`,
    });
    const content = await failure(
      c.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'late' } },
      }),
    );
    expect(content.code).toBe(403);
    expect(statusOf(content).message).toBe(
      `configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
    );

    // Content goes first; the namespace only once the time has passed.
    await eventually(
      async () =>
        (
          await c.core.listNamespacedConfigMap({ namespace: ns })
        ).items.length === 0,
    );
    await eventually(gone);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TERMINATION_MS);
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });

  it('stays Terminating while content with a finalizer remains', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
      },
    });
    await c.core.deleteNamespace({ name: ns });
    const stuck = await eventually(async () => {
      const x = await c.core.readNamespace({ name: ns });
      return (
        x.status?.conditions?.some(
          k => k.type === 'NamespaceFinalizersRemaining' && k.status === 'True',
        ) && x
      );
    });
    const cond = (type: string) =>
      stuck.status?.conditions?.find(k => k.type === type);
    expect(cond('NamespaceFinalizersRemaining')).toMatchObject({
      reason: 'SomeFinalizersRemain',
      message:
        'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    expect(cond('NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message:
        'Some resources are remaining: configmaps. has 1 resource instances',
    });
    await new Promise(r => setTimeout(r, TERMINATION_MS + 100));
    expect((await c.core.readNamespace({ name: ns })).status?.phase).toBe(
      'Terminating',
    );
    const held = await c.core.readNamespacedConfigMap({
      name: 'held',
      namespace: ns,
    });
    expect(held.metadata?.deletionTimestamp).toBeDefined();

    await c.core.patchNamespacedConfigMap(
      { name: 'held', namespace: ns, body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(gone);
  });
});
