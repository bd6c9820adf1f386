import { ObjectStore } from './ObjectStore';
import { ResourceRegistry } from './resources';

describe('ObjectStore', () => {
  const registry = ResourceRegistry.create();
  const deployments = registry.get('apps', 'deployments');
  const namespaces = registry.get('', 'namespaces');
  const dep = (
    name: string,
    replicas = 1,
    labels?: Record<string, string>,
  ) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ns', labels },
    spec: { replicas },
  });

  it('stamps objects and bumps generation only on spec changes', () => {
    const store = ObjectStore.create();
    const a = store.create(deployments, dep('a'));
    expect(a.metadata).toMatchObject({
      resourceVersion: '1',
      generation: 1,
      namespace: 'ns',
    });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const relabelled = store.update(deployments, dep('a', 1, { x: 'y' }));
    expect(relabelled.metadata).toMatchObject({
      resourceVersion: '2',
      generation: 1,
      uid: a.metadata.uid,
    });
    const withStatus = store.update(deployments, {
      ...relabelled,
      status: { replicas: 1 },
    });
    expect(withStatus.metadata.generation).toBe(1);
    const scaled = store.update(deployments, {
      ...withStatus,
      spec: { replicas: 3 },
    });
    expect(scaled.metadata.generation).toBe(2);
    expect(() =>
      store.update(deployments, { ...a, spec: { replicas: 5 } }),
    ).toThrow('has been modified');
    expect(() => store.create(deployments, dep('a'))).toThrow('already exists');
  });

  it('keeps cluster-scoped objects without a namespace', () => {
    const store = ObjectStore.create();
    const ns = store.create(namespaces, {
      metadata: { name: 'x', namespace: 'ignored' },
    });
    expect(ns.metadata.namespace).toBeUndefined();
    expect(store.get(namespaces, undefined, 'x')).toBe(ns);
  });

  it('replays history and expires it beyond the window', () => {
    const store = ObjectStore.create({ historySize: 3 });
    store.create(deployments, dep('a'));
    store.create(deployments, dep('b'));
    expect(
      store.eventsSince('apps/deployments', 1).map(e => e.object.metadata.name),
    ).toEqual(['b']);
    store.create(deployments, dep('c'));
    store.create(deployments, dep('d'));
    store.delete(deployments, 'ns', 'a');
    expect(() => store.eventsSince('apps/deployments', 1)).toThrow(
      'too old resource version',
    );
    expect(store.eventsSince('apps/deployments', 3).map(e => e.type)).toEqual([
      'ADDED',
      'DELETED',
    ]);
  });

  it('lists sorted by namespace and name and indexes owners', () => {
    const store = ObjectStore.create();
    const owner = store.create(deployments, dep('z'));
    store.create(deployments, {
      ...dep('b'),
      metadata: {
        ...dep('b').metadata,
        ownerReferences: [{ uid: owner.metadata.uid }],
      },
    });
    store.create(deployments, {
      ...dep('a'),
      metadata: { ...dep('a').metadata, namespace: 'other' },
    });
    expect(store.list(deployments).map(o => o.metadata.name)).toEqual([
      'b',
      'z',
      'a',
    ]);
    expect(store.list(deployments, 'other').map(o => o.metadata.name)).toEqual([
      'a',
    ]);
    expect(store.dependents(owner.metadata.uid)).toEqual([
      { typeKey: 'apps/deployments', namespace: 'ns', name: 'b' },
    ]);
    store.delete(deployments, 'ns', 'b');
    expect(store.dependents(owner.metadata.uid)).toEqual([]);
  });

  it('snapshots and restores', () => {
    const store = ObjectStore.create();
    store.create(deployments, dep('a'));
    const copy = ObjectStore.create();
    copy.restore(registry.types, JSON.parse(JSON.stringify(store.snapshot())));
    expect(copy.get(deployments, 'ns', 'a')?.metadata.resourceVersion).toBe(
      '1',
    );
    expect(copy.currentRevision()).toBe(1);
  });
});
