import { Sandbox, startSandbox } from '@internal/kube-sandbox';
import { AddressInfo, createServer, Socket } from 'node:net';
import { ClusterConnection, KubeClients } from '../kube/KubeClients';
import { ClusterHealth, ClusterWatchCache } from './ClusterWatchCache';
import { ServiceState } from './deriveServiceState';

const MANAGED = 'app-platform.io/managed';
const SERVICE = 'app-platform.io/service';

// Short enough that the whole file stays well under 30 s, long enough that a
// healthy watch (bookmarks every 100 ms) is never taken for a silent one.
const TIMINGS = {
  silenceMs: 600,
  retryInitialMs: 50,
  retryMaxMs: 300,
  watchTimeoutSeconds: 60,
};

function connectionOf(sandbox: Sandbox, name: string): ClusterConnection {
  return {
    name,
    url: sandbox.url,
    caData: sandbox.caData,
    token: sandbox.token,
    skipTLSVerify: false,
  };
}

function deploymentManifest(
  namespace: string,
  name: string,
  options: {
    image?: string;
    replicas?: number;
    annotations?: Record<string, string>;
  } = {},
) {
  const labels = { [MANAGED]: 'true', [SERVICE]: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { [SERVICE]: name } },
      template: {
        metadata: { labels, annotations: options.annotations },
        spec: {
          containers: [{ name: 'app', image: options.image ?? 'nginx:1.27' }],
        },
      },
    },
  };
}

/** A middleware instance's workload: pods owned by the StatefulSet itself. */
function statefulSetManifest(
  namespace: string,
  name: string,
  options: { image?: string; replicas?: number } = {},
) {
  const labels = {
    [MANAGED]: 'true',
    [SERVICE]: name,
    'app-platform.io/component': 'middleware',
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.replicas ?? 1,
      serviceName: `${name}-headless`,
      selector: { matchLabels: { [SERVICE]: name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'db', image: options.image ?? 'redis:7.4' }],
        },
      },
    },
  };
}

/** Polls a condition every 10 ms (cheap: it only reads the cache). */
async function eventually<T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

function stateOf(
  cache: ClusterWatchCache,
  namespace: string,
  service: string,
  wanted: Partial<ServiceState>,
): Promise<ServiceState> {
  return eventually(() => {
    const state = cache.serviceState(namespace, service);
    return Object.entries(wanted).every(
      ([k, v]) => (state as Record<string, unknown>)[k] === v,
    )
      ? state
      : undefined;
  }, `${namespace}/${service} to be ${JSON.stringify(wanted)} (is ${JSON.stringify(cache.serviceState(namespace, service))})`);
}

describe('ClusterWatchCache', () => {
  let sandbox: Sandbox;
  let clients: KubeClients;
  let cluster: ClusterConnection;
  let cache: ClusterWatchCache;
  let namespaceCounter = 0;

  async function namespace(): Promise<string> {
    const name = `ns-${++namespaceCounter}`;
    await clients.apply(cluster, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
    return name;
  }

  beforeAll(async () => {
    sandbox = await startSandbox({
      name: 'status',
      controller: { speed: 100 },
      bookmarkIntervalMs: 100,
      watchHistorySize: 30,
    });
    // Generous: list calls on a loaded 2-core CI machine can take seconds.
    clients = KubeClients.create({ timeoutMs: 10_000 });
    cluster = connectionOf(sandbox, 'status');
    cache = ClusterWatchCache.create({
      cluster,
      clients,
      labelSelector: `${MANAGED}=true`,
      serviceLabel: SERVICE,
      timings: TIMINGS,
    });
    await cache.ready();
    // Starting a sandbox takes seconds on a busy machine.
  }, 30_000);

  afterEach(() => {
    jest.restoreAllMocks();
    return sandbox.faults.reset();
  });

  afterAll(async () => {
    await cache?.stop();
    await sandbox?.stop();
  });

  it('sees a deployment become running from the watch alone, with no list after the first sync', async () => {
    const lists = jest.spyOn(sandbox.api, 'list');
    const ns = await namespace();
    // A loaded machine can stall the event loop past `silenceMs`: the cache
    // then restarts watches (and, after 410 Gone, relists) and may deliver a
    // burst in which `deploying` is coalesced away. Count those resyncs so
    // the assertions below are exact when there were none.
    let resyncs = 0;
    const unsubscribeHealth = cache.onHealthChange(() => {
      if (cache.health().state !== 'synced') resyncs++;
    });
    // What a push channel would send: the state at each change notification.
    const seen: string[] = [];
    const unsubscribe = cache.onChange(keys => {
      for (const k of keys) {
        if (k.namespace === ns && k.service === 'web') {
          seen.push(cache.serviceState(ns, 'web').state);
        }
      }
    });
    await clients.apply(
      cluster,
      deploymentManifest(ns, 'web', { replicas: 2 }),
    );

    const running = await stateOf(cache, ns, 'web', { state: 'running' });
    unsubscribe();
    unsubscribeHealth();
    // Never shown as stopped on the way, whichever watch reports first.
    expect(resyncs > 0 || seen.includes('deploying')).toBe(true);
    expect(seen).not.toContain('stopped');
    expect(seen[seen.length - 1]).toBe('running');

    expect(running).toMatchObject({
      readyReplicas: 2,
      desiredReplicas: 2,
      updatedReplicas: 2,
      version: '1.27',
    });
    // No list after the first sync, except one per resource for a resync.
    expect(lists.mock.calls.length).toBeLessThanOrEqual(resyncs * 5);
    expect(cache.services(ns)).toEqual([{ namespace: ns, service: 'web' }]);
    const objects = cache.serviceObjects(ns, 'web');
    expect(objects.pods).toHaveLength(2);
    expect(objects.replicaSets).toHaveLength(1);
    // Events about our pods (Scheduled, Pulled, Started, …) are matched to the service.
    expect(objects.events.length).toBeGreaterThan(0);
    // Including those that came before the namespace had any object of ours.
    expect(objects.events.map(e => e.reason)).toContain('ScalingReplicaSet');
    await eventually(
      () => (cache.health().state === 'synced' ? true : undefined),
      'the cache to be synced',
    );
  });

  it("follows a middleware instance's StatefulSet: rolling out, running, the Events about it and its pods", async () => {
    const ns = await namespace();
    const seen: string[] = [];
    const unsubscribe = cache.onChange(keys => {
      if (keys.some(k => k.namespace === ns && k.service === 'cache')) {
        seen.push(cache.serviceState(ns, 'cache').state);
      }
    });
    await clients.apply(
      cluster,
      statefulSetManifest(ns, 'cache', { replicas: 2 }),
    );
    const running = await stateOf(cache, ns, 'cache', { state: 'running' });
    expect(running).toMatchObject({
      readyReplicas: 2,
      desiredReplicas: 2,
      updatedReplicas: 2,
      version: '7.4',
    });
    expect(seen).not.toContain('stopped');
    expect(cache.services(ns)).toEqual([{ namespace: ns, service: 'cache' }]);
    const objects = await eventually(() => {
      const o = cache.serviceObjects(ns, 'cache');
      const reasons = o.events.map(e => e.reason);
      return reasons.includes('SuccessfulCreate') && reasons.includes('Started')
        ? o
        : undefined;
    }, 'the Events about the StatefulSet and its pods');
    expect(objects.statefulSet?.metadata?.name).toBe('cache');
    expect(objects.deployment).toBeUndefined();
    expect(objects.replicaSets).toEqual([]);
    expect(objects.pods.map(p => p.metadata?.name).sort()).toEqual([
      'cache-0',
      'cache-1',
    ]);
    const about = new Set(objects.events.map(e => e.involvedObject.kind));
    expect([...about].sort()).toEqual(['Pod', 'StatefulSet']);
    const before = objects.statefulSet!.status!.currentRevision;

    // A new version rolls the pods one at a time, highest ordinal first.
    seen.length = 0;
    await clients.apply(
      cluster,
      statefulSetManifest(ns, 'cache', { replicas: 2, image: 'redis:8.0' }),
    );
    const updated = await stateOf(cache, ns, 'cache', {
      state: 'running',
      version: '8.0',
    });
    unsubscribe();
    expect(seen).toContain('deploying');
    expect(seen).not.toContain('failed');
    expect(updated).toMatchObject({ readyReplicas: 2, updatedReplicas: 2 });
    const rolled = cache.serviceObjects(ns, 'cache');
    const revision = rolled.statefulSet!.status!.updateRevision;
    expect(revision).not.toBe(before);
    expect(rolled.statefulSet!.status!.currentRevision).toBe(revision);
    expect(
      rolled.pods.map(p => p.metadata?.labels?.['controller-revision-hash']),
    ).toEqual([revision, revision]);
    expect(cache.objectCounts().StatefulSets).toBeGreaterThan(0);
  });

  it('reports a StatefulSet that cannot pull its image as failed ImagePullBackOff, and stopped at 0 replicas', async () => {
    const ns = await namespace();
    await clients.apply(
      cluster,
      statefulSetManifest(ns, 'db', {
        replicas: 2,
        image: 'registry.invalid/db:1',
      }),
    );
    const failed = await stateOf(cache, ns, 'db', {
      state: 'failed',
      reason: 'ImagePullBackOff',
    });
    expect(failed.message).toMatch(/registry\.invalid/);
    expect(failed).toMatchObject({ readyReplicas: 0, desiredReplicas: 2 });
    // Ordered pod management: the second pod waits for the first.
    expect(cache.serviceObjects(ns, 'db').pods).toHaveLength(1);

    await clients.apply(
      cluster,
      statefulSetManifest(ns, 'db', { replicas: 0 }),
    );
    await stateOf(cache, ns, 'db', { state: 'stopped', desiredReplicas: 0 });
    expect(cache.serviceObjects(ns, 'db').pods).toEqual([]);
  });

  it('keeps Events that came before the first object of their namespace', async () => {
    const ns = await namespace();
    const seen = jest.fn();
    const unsubscribe = cache.onChange(seen);
    await clients.call(cluster, 'create event', ({ core }) =>
      core.createNamespacedEvent({
        namespace: ns,
        body: {
          metadata: { name: 'early', namespace: ns },
          involvedObject: { kind: 'Deployment', name: 'web', namespace: ns },
          reason: 'Early',
          message: 'before the Deployment',
          type: 'Normal',
          firstTimestamp: new Date(),
          lastTimestamp: new Date(),
        },
      }),
    );
    // Let the Events watch bring it while the namespace is not ours yet.
    const marker = await namespace();
    await clients.apply(cluster, deploymentManifest(marker, 'marker'));
    await stateOf(cache, marker, 'marker', { state: 'running' });
    expect(cache.services(ns)).toEqual([]);

    await clients.apply(cluster, deploymentManifest(ns, 'web'));
    await stateOf(cache, ns, 'web', { state: 'running' });
    unsubscribe();
    expect(cache.serviceObjects(ns, 'web').events.map(e => e.reason)).toContain(
      'Early',
    );
  });

  it('ignores objects without the label', async () => {
    const ns = await namespace();
    const unlabelled = deploymentManifest(ns, 'other');
    const labels = { [SERVICE]: 'other' } as typeof unlabelled.metadata.labels;
    unlabelled.metadata.labels = labels;
    unlabelled.spec.template.metadata.labels = labels;
    await clients.apply(cluster, unlabelled);
    await clients.apply(cluster, deploymentManifest(ns, 'mine'));
    await stateOf(cache, ns, 'mine', { state: 'running' });
    expect(cache.services(ns)).toEqual([{ namespace: ns, service: 'mine' }]);
  });

  it('reports an image that cannot be pulled as failed ImagePullBackOff', async () => {
    const ns = await namespace();
    await clients.apply(
      cluster,
      deploymentManifest(ns, 'web', { image: 'registry.invalid/x:1' }),
    );
    const state = await stateOf(cache, ns, 'web', {
      state: 'failed',
      reason: 'ImagePullBackOff',
    });
    expect(state.message).toMatch(/registry\.invalid/);
    expect(state.readyReplicas).toBe(0);
  });

  it('reports a crash loop as failed CrashLoopBackOff', async () => {
    const ns = await namespace();
    await clients.apply(
      cluster,
      deploymentManifest(ns, 'web', {
        annotations: { 'sandbox.app-platform.io/fail': 'crash-loop' },
      }),
    );
    const state = await stateOf(cache, ns, 'web', {
      state: 'failed',
      reason: 'CrashLoopBackOff',
    });
    expect(state.readyReplicas).toBe(0);
  });

  it('reports a quota refusal as failed with the quota message', async () => {
    const ns = await namespace();
    await clients.apply(cluster, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'pods', namespace: ns },
      spec: { hard: { pods: '1' } },
    });
    await clients.apply(
      cluster,
      deploymentManifest(ns, 'web', { replicas: 2 }),
    );
    const state = await stateOf(cache, ns, 'web', {
      state: 'failed',
      reason: 'FailedCreate',
    });
    expect(state.message).toMatch(/exceeded quota: pods/);
  });

  it('keeps updating when every watch is dropped, resuming without a list', async () => {
    const ns = await namespace();
    await clients.apply(cluster, deploymentManifest(ns, 'web'));
    await stateOf(cache, ns, 'web', { state: 'running' });
    const lists = jest.spyOn(sandbox.api, 'list');

    await sandbox.faults.dropWatches();
    await clients.apply(
      cluster,
      deploymentManifest(ns, 'web', { replicas: 0 }),
    );

    await stateOf(cache, ns, 'web', { state: 'stopped' });
    expect(lists).not.toHaveBeenCalled();
  });

  it('restarts a watch that went silent and keeps updating', async () => {
    const ns = await namespace();
    await clients.apply(cluster, deploymentManifest(ns, 'web'));
    await stateOf(cache, ns, 'web', { state: 'running' });
    const healths: ClusterHealth[] = [];
    const unsubscribe = cache.onHealthChange(() =>
      healths.push(cache.health()),
    );

    await sandbox.faults.set({ watchStall: true });
    await eventually(
      () =>
        healths.find(
          h => h.state === 'resyncing' && /went silent/.test(h.reason),
        ),
      'the cache to notice the silent watch',
    );
    await clients.apply(
      cluster,
      deploymentManifest(ns, 'web', { replicas: 0 }),
    );
    // The stalled streams were given up, not left open beside the new ones.
    await eventually(
      () => (sandbox.server.openWatchCount() <= 5 ? true : undefined),
      'stalled watches to be closed',
    );

    await sandbox.faults.set({ watchStall: false });
    const state = await stateOf(cache, ns, 'web', { state: 'stopped' });
    expect(state.desiredReplicas).toBe(0);
    await eventually(
      () => (cache.health().state === 'synced' ? true : undefined),
      'the cache to be synced again',
    );
    unsubscribe();
  });

  it('relists after 410 Gone and is correct afterwards, deletions included', async () => {
    const ns = await namespace();
    await clients.apply(cluster, deploymentManifest(ns, 'gone'));
    await stateOf(cache, ns, 'gone', { state: 'running' });
    const lists = jest.spyOn(sandbox.api, 'list');

    // Watches can reconnect but get no answer, so the cache falls behind
    // while more writes happen than the sandbox keeps history for (30).
    await sandbox.faults.set({ blackhole: true, match: { verbs: ['watch'] } });
    await sandbox.faults.dropWatches();
    await clients.call(cluster, 'delete', ({ apps }) =>
      apps.deleteNamespacedDeployment({ name: 'gone', namespace: ns }),
    );
    for (let i = 0; i < 20; i++) {
      await clients.apply(
        cluster,
        deploymentManifest(ns, `bulk-${i}`, { replicas: 0 }),
      );
    }
    await sandbox.faults.reset();

    await eventually(
      () => (cache.services(ns).length === 20 ? true : undefined),
      'the 20 new services after the relist',
    );
    await stateOf(cache, ns, 'bulk-19', { state: 'stopped' });
    expect(cache.serviceObjects(ns, 'gone').deployment).toBeUndefined();
    expect(cache.serviceState(ns, 'gone')).toMatchObject({
      state: 'stopped',
      reason: 'NotDeployed',
    });
    // The relist is what brought the cache back: a watch could not have
    // resumed from a resourceVersion the sandbox had forgotten.
    expect(lists).toHaveBeenCalled();
    await eventually(
      () => (cache.health().state === 'synced' ? true : undefined),
      'the cache to be synced again',
    );
  });

  it('reports a cluster that does not answer as failed, for that cluster only, and stops at once', async () => {
    // A TCP server that accepts and never says a word: a hung API server,
    // down to the TLS handshake.
    const sockets = new Set<Socket>();
    const hung = createServer(socket => {
      sockets.add(socket);
      // Read (and drop) what comes, so a client's close is noticed.
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>(r => hung.listen(0, '127.0.0.1', r));
    const { port } = hung.address() as AddressInfo;
    const sick = ClusterWatchCache.create({
      cluster: { ...cluster, name: 'sick', url: `https://127.0.0.1:${port}` },
      clients: KubeClients.create({ timeoutMs: 300 }),
      labelSelector: `${MANAGED}=true`,
      serviceLabel: SERVICE,
      timings: TIMINGS,
    });
    try {
      const failed = await eventually(() => {
        const h = sick.health();
        return h.state === 'failed' ? h : undefined;
      }, 'the sick cluster to be reported failed');
      expect(failed.reason).toMatch(
        /no answer from cluster sick within 300 ms/,
      );
      expect(sick.serviceState('ns', 'web')).toMatchObject({
        state: 'failed',
        reason: 'ApiError',
      });
      expect(cache.health()).toEqual({ state: 'synced' });

      const started = Date.now();
      await sick.stop();
      expect(Date.now() - started).toBeLessThan(500);
      // Every connection it opened is closed; one stuck in the TLS handshake
      // (which undici cannot cancel) within the connect timeout.
      await eventually(
        () => (sockets.size === 0 ? true : undefined),
        'the sick cluster connections to close',
        // undici's connect timer only ticks about once a second.
        2_500,
      );
    } finally {
      await sick.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise(r => hung.close(r));
    }
  });

  it('recovers on its own when a cluster heals', async () => {
    await sandbox.faults.set({ blackhole: true });
    const late = ClusterWatchCache.create({
      cluster,
      clients: KubeClients.create({ timeoutMs: 300 }),
      labelSelector: `${MANAGED}=true`,
      serviceLabel: SERVICE,
      timings: TIMINGS,
    });
    try {
      await eventually(
        () => (late.health().state === 'failed' ? true : undefined),
        'the blackholed cluster to be reported failed',
      );
      await sandbox.faults.reset();
      await late.ready();
      await eventually(
        () =>
          late.health().state === 'synced' && cache.health().state === 'synced'
            ? true
            : undefined,
        'both caches to be synced again',
      );
      expect(late.services().length).toBe(cache.services().length);
    } finally {
      await late.stop();
    }
  });

  it('leaves no watch open on the server after stop()', async () => {
    // Only the shared cache's five watches (others' may still be closing).
    const before = await eventually(
      () => (sandbox.server.openWatchCount() === 5 ? 5 : undefined),
      'only the shared cache to watch',
      1_000,
    );
    const other = ClusterWatchCache.create({
      cluster,
      clients,
      labelSelector: `${MANAGED}=true`,
      serviceLabel: SERVICE,
      timings: TIMINGS,
    });
    await other.ready();
    await eventually(
      () => (sandbox.server.openWatchCount() === before + 5 ? true : undefined),
      'the five watches of the new cache to open',
      1_000,
    );
    await other.stop();
    await eventually(
      () => (sandbox.server.openWatchCount() === before ? true : undefined),
      'the five watches of the stopped cache to close',
      1_000,
    );
    expect(other.health()).toEqual({ state: 'synced' });
  });
});
