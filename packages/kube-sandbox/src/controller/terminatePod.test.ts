import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '../startSandbox';
import { clientsFor, eventually, failure } from '../__testUtils__/clients';
import { FAIL_ANNOTATION } from './podBehaviour';

jest.setTimeout(20000);

describe('finalizers and graceful pod termination', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  const namespace = 'default';

  beforeAll(async () => {
    // speed 100: containers stop 200ms after SIGTERM; a 60 s grace period
    // lasts 600ms.
    sandbox = await startSandbox({
      controller: { speed: 100, podStopMs: 20000 },
    });
    c = clientsFor(sandbox);
  });

  afterAll(() => sandbox.stop());

  const readPod = (name: string) =>
    c.core.readNamespacedPod({ name, namespace });
  const gone = (name: string) => async () =>
    (await failure(readPod(name))).code === 404;
  const runningPod = async (name: string, extra: any = {}) => {
    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name, ...extra.metadata },
        spec: {
          containers: [{ name: 'app', image: 'nginx:1' }],
          ...extra.spec,
        },
      },
    });
    await eventually(async () =>
      (
        await readPod(name)
      ).status?.conditions?.some(
        k => k.type === 'Ready' && k.status === 'True',
      ),
    );
  };
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  it('keeps an object with finalizers, marked for deletion, until they are removed', async () => {
    await c.core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'kept',
          finalizers: ['example.com/a', 'example.com/b'],
        },
      },
    });
    await c.core.deleteNamespacedConfigMap({ name: 'kept', namespace });
    const read = () =>
      c.core.readNamespacedConfigMap({ name: 'kept', namespace });
    const marked = await read();
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    expect(marked.metadata?.finalizers).toEqual([
      'example.com/a',
      'example.com/b',
    ]);
    await c.core.patchNamespacedConfigMap(
      {
        name: 'kept',
        namespace,
        body: { metadata: { finalizers: ['example.com/b'] } },
      },
      mergePatch,
    );
    expect((await read()).metadata?.deletionTimestamp).toEqual(
      marked.metadata?.deletionTimestamp,
    );
    await c.core.patchNamespacedConfigMap(
      { name: 'kept', namespace, body: { metadata: { finalizers: [] } } },
      mergePatch,
    );
    expect((await failure(read())).code).toBe(404);
  });

  it('terminates a deleted pod gracefully: Terminating and not Ready, then gone', async () => {
    await runningPod('graceful');
    const events: string[] = [];
    // Versions of the pod while it terminates, from the store's feed.
    const seen: any[] = [];
    const unsubscribe = sandbox.store.subscribe(undefined, e => {
      if (e.object.metadata?.name === 'graceful') seen.push(e.object);
    });
    // The API answers a graceful delete with the pod, now Terminating.
    const terminating = await c.core.deleteNamespacedPod({
      name: 'graceful',
      namespace,
    });
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(30);
    await eventually(gone('graceful'));
    unsubscribe();
    // Not Ready at once (endpoints drop it), then stopped, then deleted.
    const unready = seen.findIndex(
      p =>
        p.metadata.deletionTimestamp &&
        p.status.conditions.some(
          (k: any) => k.type === 'Ready' && k.status === 'False',
        ),
    );
    const stopped = seen.findIndex(
      p => p.status.containerStatuses?.[0].state?.terminated,
    );
    expect(unready).toBeGreaterThanOrEqual(0);
    expect(stopped).toBeGreaterThan(unready);
    for (const e of (await c.core.listNamespacedEvent({ namespace })).items) {
      if (e.involvedObject.name === 'graceful') events.push(e.reason!);
    }
    expect(events).toContain('Killing');
  });

  it('takes the whole grace period for pods that ignore SIGTERM, unless deleted with grace 0', async () => {
    await runningPod('stubborn', {
      metadata: { annotations: { [FAIL_ANNOTATION]: 'ignore-sigterm' } },
      spec: { terminationGracePeriodSeconds: 60 },
    });
    const deleted = Date.now();
    await c.core.deleteNamespacedPod({ name: 'stubborn', namespace });
    await new Promise(r => setTimeout(r, 100));
    expect(
      (await readPod('stubborn')).metadata?.deletionTimestamp,
    ).toBeDefined();
    await eventually(gone('stubborn'));
    expect(Date.now() - deleted).toBeGreaterThanOrEqual(600);

    await runningPod('forced', {
      metadata: { annotations: { [FAIL_ANNOTATION]: 'ignore-sigterm' } },
    });
    await c.core.deleteNamespacedPod({
      name: 'forced',
      namespace,
      gracePeriodSeconds: 0,
    });
    expect(await gone('forced')()).toBe(true);
  });

  it('keeps a stopped pod while a finalizer holds it', async () => {
    await runningPod('held', {
      metadata: { finalizers: ['example.com/hold'] },
    });
    await c.core.deleteNamespacedPod({ name: 'held', namespace });
    const stopped = await eventually(async () => {
      const p = await readPod('held');
      return p.metadata?.deletionGracePeriodSeconds === 0 && p;
    });
    expect(
      stopped.status?.containerStatuses?.[0].state?.terminated,
    ).toBeDefined();
    await c.core.patchNamespacedPod(
      { name: 'held', namespace, body: { metadata: { finalizers: null } } },
      mergePatch,
    );
    await eventually(gone('held'));
  });
});
