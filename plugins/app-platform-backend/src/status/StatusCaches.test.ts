import type { LoggerService } from '@backstage/backend-plugin-api';
import { Sandbox, startSandbox } from '@internal/kube-sandbox';
import {
  APP_PLATFORM_LABELS,
  ServiceClusterStatus,
} from '@internal/plugin-app-platform-common';
import type { Meter } from '@opentelemetry/api';
import { AddressInfo, createServer, Socket } from 'node:net';
import { ClusterConnection, KubeClients } from '../kube/KubeClients';
import { ServiceKey } from './ClusterWatchCache';
import { detectDrift } from './detectDrift';
import { StatusCaches } from './StatusCaches';

const INSTALLATION = APP_PLATFORM_LABELS.installation;
const SERVICE = APP_PLATFORM_LABELS.service;
const VERSION = APP_PLATFORM_LABELS.version;
const COMPONENT = APP_PLATFORM_LABELS.component;
// What the plugin selects: the installation's services and middleware instances.
const SELECTOR = `${INSTALLATION}=test,${COMPONENT} in (service,middleware)`;

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
    version?: number;
    replicas?: number;
    startDelayMs?: number;
    component?: string;
  } = {},
) {
  const labels = {
    [INSTALLATION]: 'test',
    [COMPONENT]: options.component ?? 'service',
    [SERVICE]: name,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { [SERVICE]: name } },
      template: {
        metadata: {
          labels: { ...labels, [VERSION]: String(options.version ?? 1) },
          annotations: options.startDelayMs
            ? {
                'sandbox.app-platform.io/start-delay-ms': String(
                  options.startDelayMs,
                ),
              }
            : undefined,
        },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.27',
              env: [{ name: 'MODE', value: 'test' }],
              resources: { requests: { cpu: '0.1', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

/** A middleware instance's workload, labelled as the deploy engine labels it. */
function statefulSetManifest(
  namespace: string,
  name: string,
  options: { version?: number; replicas?: number; startDelayMs?: number } = {},
) {
  const labels = {
    [INSTALLATION]: 'test',
    [COMPONENT]: 'middleware',
    [SERVICE]: name,
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
        metadata: {
          labels: { ...labels, [VERSION]: String(options.version ?? 1) },
          annotations: options.startDelayMs
            ? {
                'sandbox.app-platform.io/start-delay-ms': String(
                  options.startDelayMs,
                ),
              }
            : undefined,
        },
        spec: {
          containers: [
            {
              name: 'redis',
              image: 'redis:7.4',
              resources: { requests: { cpu: '0.1', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

async function eventually<T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

function fakeLogger(): LoggerService {
  const logger: LoggerService = {
    info: jest.fn(),
    warn: jest.fn(),
    error: jest.fn(),
    debug: jest.fn(),
    child: () => logger,
  };
  return logger;
}

/** A meter that records what the caches report, in place of an OpenTelemetry SDK. */
function fakeMeter() {
  const restarts: Array<Record<string, unknown>> = [];
  const callbacks = new Set<(result: unknown) => void>();
  const meter = {
    createCounter: () => ({
      add: (_n: number, attributes: Record<string, unknown>) =>
        restarts.push(attributes),
    }),
    createObservableGauge: () => ({
      addCallback: (cb: (result: unknown) => void) => callbacks.add(cb),
      removeCallback: (cb: (result: unknown) => void) => callbacks.delete(cb),
    }),
  } as unknown as Meter;
  const observe = () => {
    const values: Array<{
      value: number;
      attributes: Record<string, unknown>;
    }> = [];
    for (const cb of callbacks) {
      cb({
        observe: (value: number, attributes: Record<string, unknown>) =>
          values.push({ value, attributes }),
      });
    }
    return values;
  };
  return { meter, restarts, observe, callbacks };
}

type Notification = {
  cluster: string;
  key: string;
  status: ServiceClusterStatus;
};

describe('StatusCaches', () => {
  let sandboxA: Sandbox;
  let sandboxB: Sandbox;
  let clients: KubeClients;
  const connections: Record<string, ClusterConnection> = {};
  let registered: string[];
  let caches: StatusCaches;
  let metrics: ReturnType<typeof fakeMeter>;
  let namespaceCounter = 0;
  const notifications: Notification[] = [];
  let watching: Array<{ cluster: string } & ServiceKey> = [];

  async function namespace(...clusters: string[]): Promise<string> {
    const name = `ns-${++namespaceCounter}`;
    for (const cluster of clusters) {
      await clients.apply(connections[cluster], {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
    }
    return name;
  }

  /** Notifications so far for one service, as the status each one would push. */
  function pushed(cluster: string, ns: string, service: string) {
    return notifications
      .filter(
        n =>
          n.cluster === cluster &&
          n.status.cluster === cluster &&
          n.key === `${ns}/${service}`,
      )
      .map(n => n.status);
  }

  function follow(cluster: string, ns: string, service: string) {
    watching.push({ cluster, namespace: ns, service });
  }

  function pushedUntil(
    cluster: string,
    ns: string,
    service: string,
    wanted: Partial<ServiceClusterStatus>,
  ) {
    return eventually(
      () =>
        pushed(cluster, ns, service).find(s =>
          Object.entries(wanted).every(
            ([k, v]) => (s as Record<string, unknown>)[k] === v,
          ),
        ),
      `${cluster} ${ns}/${service} to be pushed as ${JSON.stringify(
        wanted,
      )} (last ${JSON.stringify(pushed(cluster, ns, service).slice(-1))})`,
    );
  }

  beforeAll(async () => {
    [sandboxA, sandboxB] = await Promise.all([
      startSandbox({
        name: 'a',
        controller: { speed: 100 },
        bookmarkIntervalMs: 100,
      }),
      startSandbox({
        name: 'b',
        controller: { speed: 100 },
        bookmarkIntervalMs: 100,
      }),
    ]);
    connections.a = connectionOf(sandboxA, 'a');
    connections.b = connectionOf(sandboxB, 'b');
    registered = ['a', 'b'];
    clients = KubeClients.create({ timeoutMs: 10_000 });
    metrics = fakeMeter();
    caches = StatusCaches.create({
      kube: clients,
      clusters: {
        list: async () => registered.map(name => ({ name })),
        connection: async name => connections[name],
      },
      labelSelector: SELECTOR,
      logger: fakeLogger(),
      timings: TIMINGS,
      meter: metrics.meter,
    });
    caches.onServiceChange((cluster, keys) => {
      for (const key of keys) {
        if (
          watching.some(
            w =>
              w.cluster === cluster &&
              w.namespace === key.namespace &&
              w.service === key.service,
          )
        ) {
          notifications.push({
            cluster,
            key: `${key.namespace}/${key.service}`,
            status: caches.serviceStatus(cluster, key.namespace, key.service),
          });
        }
      }
    });
    await caches.sync();
    if (!(await caches.ready(20_000))) {
      throw new Error('The status caches did not sync within 20 s');
    }
  }, 30_000);

  afterEach(async () => {
    watching = [];
    notifications.length = 0;
    sandboxA.faults.reset();
    sandboxB.faults.reset();
    if (registered.length !== 2) {
      registered = ['a', 'b'];
      await caches.sync();
    }
  });

  afterAll(async () => {
    await caches?.stop();
    await Promise.all([sandboxA?.stop(), sandboxB?.stop()]);
  });

  it('pushes a new deployment as deploying, then running, with its version', async () => {
    const ns = await namespace('a', 'b');
    follow('a', ns, 'web');
    // Pods take 500 ms to start, so there is a moment to see it deploying.
    const manifest = deploymentManifest(ns, 'web', {
      version: 3,
      replicas: 2,
      startDelayMs: 50_000,
    });
    await clients.apply(connections.a, manifest);

    const running = await pushedUntil('a', ns, 'web', { state: 'running' });
    const states = pushed('a', ns, 'web').map(s => s.state);
    expect(states).toContain('deploying');
    expect(states.indexOf('deploying')).toBeLessThan(states.indexOf('running'));
    expect(states).not.toContain('stopped');
    expect(running).toMatchObject({
      cluster: 'a',
      version: 3,
      readyReplicas: 2,
      desiredReplicas: 2,
    });
    expect(caches.serviceStatus('a', ns, 'web')).toMatchObject({
      cluster: 'a',
      state: 'running',
      version: 3,
    });
    // The other cluster has no such Deployment.
    expect(caches.serviceStatus('b', ns, 'web')).toMatchObject({
      cluster: 'b',
      state: 'stopped',
      reason: 'NotDeployed',
    });
    expect(caches.hasSynced('a')).toBe(true);

    // The deploy timeline: the service's Events, oldest first.
    const events = await eventually(() => {
      const e = caches.serviceEvents('a', ns, 'web');
      return e.some(x => x.reason === 'Started') ? e : undefined;
    }, 'the Started events');
    const times = events.map(e =>
      new Date(
        (e.eventTime as unknown as string) ??
          e.lastTimestamp ??
          e.firstTimestamp ??
          0,
      ).getTime(),
    );
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(events.map(e => e.reason)).toEqual(
      expect.arrayContaining(['ScalingReplicaSet', 'Scheduled', 'Started']),
    );
    expect(caches.serviceEvents('b', ns, 'web')).toEqual([]);
  });

  it('serves the live Deployment for drift detection: server defaults are no drift, a hand scale is', async () => {
    const ns = await namespace('a');
    const manifest = deploymentManifest(ns, 'web');
    await clients.apply(connections.a, manifest);
    await eventually(
      () =>
        caches.serviceStatus('a', ns, 'web').state === 'running'
          ? true
          : undefined,
      'the service to run',
    );
    expect(
      detectDrift(manifest, caches.liveWorkload('a', ns, 'web')?.object),
    ).toEqual([]);

    await clients.call(connections.a, 'scale by hand', async ({ apps }) => {
      const live = await apps.readNamespacedDeployment({
        name: 'web',
        namespace: ns,
      });
      live.spec!.replicas = 3;
      await apps.replaceNamespacedDeployment({
        name: 'web',
        namespace: ns,
        body: live,
      });
    });
    const drift = await eventually(() => {
      const d = detectDrift(
        manifest,
        caches.liveWorkload('a', ns, 'web')?.object,
      );
      return d.length ? d : undefined;
    }, 'the drift to show');
    expect(drift).toEqual(['replicas is 3 (applied 1)']);
    expect(caches.liveWorkload('b', ns, 'web')).toBeUndefined();
    expect(caches.liveWorkload('nowhere', ns, 'web')).toBeUndefined();
    expect(caches.liveWorkload('a', ns, 'web')?.kind).toBe('Deployment');
  });

  it("pushes a middleware instance's StatefulSet as deploying, then running, and serves it as the live workload", async () => {
    const ns = await namespace('a');
    follow('a', ns, 'cache');
    follow('a', ns, 'batch');
    const manifest = statefulSetManifest(ns, 'cache', {
      version: 2,
      replicas: 2,
      startDelayMs: 50_000,
    });
    await clients.apply(connections.a, manifest);
    // Objects of neither component are not the caches' business.
    await clients.apply(
      connections.a,
      deploymentManifest(ns, 'batch', { component: 'job' }),
    );

    const running = await pushedUntil('a', ns, 'cache', { state: 'running' });
    const states = pushed('a', ns, 'cache').map(s => s.state);
    expect(states.indexOf('deploying')).toBeGreaterThanOrEqual(0);
    expect(states.indexOf('deploying')).toBeLessThan(states.indexOf('running'));
    expect(states).not.toContain('stopped');
    expect(running).toMatchObject({
      cluster: 'a',
      version: 2,
      readyReplicas: 2,
      desiredReplicas: 2,
      updatedReplicas: 2,
    });

    const workload = caches.liveWorkload('a', ns, 'cache');
    expect(workload?.kind).toBe('StatefulSet');
    expect(workload?.object.metadata?.name).toBe('cache');
    expect(detectDrift(manifest, workload?.object)).toEqual([]);
    expect(caches.liveWorkload('b', ns, 'cache')).toBeUndefined();
    expect(caches.liveWorkload('nowhere', ns, 'cache')).toBeUndefined();

    const events = await eventually(() => {
      const e = caches.serviceEvents('a', ns, 'cache');
      return e.some(x => x.reason === 'Started') ? e : undefined;
    }, 'the Started events');
    expect(events.map(e => e.reason)).toEqual(
      expect.arrayContaining(['SuccessfulCreate', 'Scheduled', 'Started']),
    );

    expect(pushed('a', ns, 'batch')).toEqual([]);
    expect(caches.serviceStatus('a', ns, 'batch')).toMatchObject({
      state: 'stopped',
      reason: 'NotDeployed',
    });
  });

  it('keeps pushing updates from both clusters after every watch was dropped', async () => {
    const ns = await namespace('a', 'b');
    follow('a', ns, 'api');
    follow('b', ns, 'api');
    const restartsBefore = metrics.restarts.length;

    sandboxA.faults.dropWatches();
    sandboxB.faults.dropWatches();
    await clients.apply(connections.a, deploymentManifest(ns, 'api'));
    await clients.apply(connections.b, deploymentManifest(ns, 'api'));

    await pushedUntil('a', ns, 'api', { state: 'running' });
    await pushedUntil('b', ns, 'api', { state: 'running' });
    // Each dropped watch was counted as a restart, per cluster and resource.
    const restarts = metrics.restarts.slice(restartsBefore);
    for (const cluster of ['a', 'b']) {
      expect(restarts).toContainEqual(
        expect.objectContaining({ cluster, resource: 'Deployments' }),
      );
      expect(restarts).toContainEqual(
        expect.objectContaining({ cluster, resource: 'Events' }),
      );
    }
  });

  it('reports the objects it holds per cluster and kind', async () => {
    const values = metrics.observe();
    for (const cluster of ['a', 'b']) {
      for (const kind of [
        'Deployments',
        'StatefulSets',
        'ReplicaSets',
        'Pods',
        'Events',
      ]) {
        expect(values).toContainEqual({
          value: expect.any(Number),
          attributes: { cluster, kind },
        });
      }
    }
    const deploymentsA = values.find(
      v => v.attributes.cluster === 'a' && v.attributes.kind === 'Deployments',
    );
    expect(deploymentsA!.value).toBeGreaterThan(0);
  });

  it('reports a cluster that goes down as ClusterUnavailable, pushes it, and recovers', async () => {
    const ns = await namespace('b');
    follow('b', ns, 'web');
    await clients.apply(connections.b, deploymentManifest(ns, 'web'));
    await pushedUntil('b', ns, 'web', { state: 'running' });

    sandboxB.faults.clusterDown();
    const failed = await pushedUntil('b', ns, 'web', {
      state: 'failed',
      reason: 'ClusterUnavailable',
    });
    expect(failed.message).toBeTruthy();
    expect(caches.serviceStatus('b', ns, 'web')).toMatchObject({
      state: 'failed',
      reason: 'ClusterUnavailable',
    });
    expect(caches.health('b')?.state).toBe('failed');
    // The other cluster is not affected.
    expect(caches.health('a')?.state).not.toBe('failed');

    notifications.length = 0;
    sandboxB.faults.clusterUp();
    await pushedUntil('b', ns, 'web', { state: 'running' });
  });

  it('stops the cache of a cluster that was removed, and starts it again when it is back', async () => {
    const ns = await namespace('b');
    follow('b', ns, 'web');
    await clients.apply(connections.b, deploymentManifest(ns, 'web'));
    await pushedUntil('b', ns, 'web', { state: 'running' });
    expect(sandboxB.server.openWatchCount()).toBeGreaterThan(0);

    registered = ['a'];
    await caches.sync();
    expect(caches.clusters()).toEqual(['a']);
    expect(caches.serviceStatus('b', ns, 'web')).toMatchObject({
      cluster: 'b',
      state: 'failed',
      reason: 'ClusterUnavailable',
    });
    await pushedUntil('b', ns, 'web', { reason: 'ClusterUnavailable' });
    await eventually(
      () => (sandboxB.server.openWatchCount() === 0 ? true : undefined),
      'the removed cluster to have no watch open',
    );

    registered = ['a', 'b'];
    await caches.sync();
    expect(caches.serviceStatus('b', ns, 'web').state).toMatch(
      /^(pending|running)$/,
    );
    expect(await caches.ready(10_000)).toBe(true);
    expect(caches.serviceStatus('b', ns, 'web').state).toBe('running');
  });

  it('coalesces overlapping syncs into one cache per cluster', async () => {
    const before = sandboxA.server.openWatchCount();
    await Promise.all([caches.sync(), caches.sync(), caches.sync()]);
    expect(caches.clusters().sort()).toEqual(['a', 'b']);
    expect(sandboxA.server.openWatchCount()).toBe(before);
  });

  it('is pending while a cluster is first synced, and ClusterUnavailable when it never answers', async () => {
    // A TCP server that accepts and never says a word.
    const sockets = new Set<Socket>();
    const hung = createServer(socket => {
      sockets.add(socket);
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>(r => hung.listen(0, '127.0.0.1', r));
    const { port } = hung.address() as AddressInfo;
    const logger = fakeLogger();
    const other = StatusCaches.create({
      kube: KubeClients.create({ timeoutMs: 300 }),
      clusters: {
        list: async () => [{ name: 'hung' }, { name: 'unknown' }],
        connection: async name => {
          if (name === 'unknown') throw new Error('No cluster named "unknown"');
          return { ...connections.a, name, url: `https://127.0.0.1:${port}` };
        },
      },
      labelSelector: SELECTOR,
      logger,
      timings: TIMINGS,
      meter: fakeMeter().meter,
    });
    try {
      await other.sync();
      expect(other.clusters()).toEqual(['hung']);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/cluster unknown not started/),
      );
      expect(other.serviceStatus('hung', 'ns', 'web')).toMatchObject({
        cluster: 'hung',
        state: 'pending',
        reason: 'Syncing',
      });
      expect(await other.ready(100)).toBe(false);
      const status = await eventually(() => {
        const s = other.serviceStatus('hung', 'ns', 'web');
        return s.state === 'failed' ? s : undefined;
      }, 'the hung cluster to be reported failed');
      expect(status).toMatchObject({
        reason: 'ClusterUnavailable',
        readyReplicas: 0,
        desiredReplicas: 0,
        updatedReplicas: 0,
      });
      expect(status.message).toMatch(/no answer from cluster hung/);
      expect(other.serviceStatus('unknown', 'ns', 'web')).toMatchObject({
        state: 'failed',
        reason: 'ClusterUnavailable',
      });
    } finally {
      await other.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise(r => hung.close(r));
    }
  });

  it('closes every watch on stop(), and syncs no more afterwards', async () => {
    const meter = fakeMeter();
    const extra = StatusCaches.create({
      kube: clients,
      clusters: {
        list: async () => [{ name: 'a' }],
        connection: async name => connections[name],
      },
      labelSelector: SELECTOR,
      logger: fakeLogger(),
      timings: TIMINGS,
      meter: meter.meter,
    });
    const before = await eventually(() => {
      const n = sandboxA.server.openWatchCount();
      return n === 5 ? n : undefined;
    }, 'only the shared caches to watch cluster a');
    await extra.sync();
    expect(await extra.ready(10_000)).toBe(true);
    // The Events watch opens just after its list.
    await eventually(
      () =>
        sandboxA.server.openWatchCount() === before + 5 ? true : undefined,
      'the five watches of the new cache to open',
    );
    await extra.stop();
    expect(meter.callbacks.size).toBe(0);
    await eventually(
      () => (sandboxA.server.openWatchCount() === before ? true : undefined),
      'the stopped caches to close their watches',
    );
    await extra.sync();
    expect(extra.clusters()).toEqual([]);
  });
});
