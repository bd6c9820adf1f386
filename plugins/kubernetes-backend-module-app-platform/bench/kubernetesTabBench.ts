/* eslint-disable no-console */
/**
 * `./platform bench` figure of the catalog's service page (see README.md
 * here): the time to a service's status, and the cluster API calls per page
 * view, from the App Platform's status API and from the stock Kubernetes
 * plugin's services endpoint, for the same service on the same 10 sandbox
 * clusters (20 ms latency on every request).
 */
import {
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import appPlatformPlugin from '@internal/plugin-app-platform-backend';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { kubernetesModuleAppPlatform } from '../src/module';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 10);
/** Page views measured per endpoint, after `WARM_UP`. */
const RUNS = Number(process.env.BENCH_PAGE_VIEWS ?? 50);
const WARM_UP = 5;
const TARGET_SPEEDUP = 10;
const ROOT = path.resolve(__dirname, '../../..');
const APP = 'bench';
const SERVICE = 'web';

/** The service's Component as the catalog module emits it (platformEntities.ts). */
const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: SERVICE,
    namespace: APP,
    annotations: {
      'app-platform.io/application': APP,
      'app-platform.io/service': SERVICE,
      'backstage.io/kubernetes-id': SERVICE,
      'backstage.io/kubernetes-namespace': APP,
      'backstage.io/kubernetes-label-selector': `app-platform.io/service=${SERVICE}`,
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-a',
    system: `system:default/${APP}`,
  },
};
const teamA = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const quietLogger: LoggerService = {
  info() {},
  debug() {},
  warn: (message: string) => console.warn(`  warn: ${message}`),
  error: (message: string) => console.error(`  error: ${message}`),
  child() {
    return quietLogger;
  },
};

const started = performance.now();
function progress(message: string) {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${s} s] ${message}`);
}
function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
const sleep = (t: number) => new Promise(r => setTimeout(r, t));

async function waitUntil<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

type Connection = { name: string; url: string; caData: string; token: string };

async function childSandboxes() {
  const child = fork(path.join(__dirname, 'run'), ['child-sandboxes'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      BENCH_CLUSTERS: String(CLUSTERS),
      BENCH_LATENCY_MS: String(LATENCY_MS),
    },
  });
  const exited = new Promise(r => child.once('exit', r));
  const connections = await new Promise<Connection[]>((resolve, reject) => {
    child.on('message', (m: any) => {
      if (m?.type === 'ready') resolve(m.clusters);
    });
    child.once('exit', code =>
      reject(new Error(`child sandboxes exited with ${code}`)),
    );
  });
  return {
    connections,
    /** API requests all clusters received so far. */
    requests: () =>
      new Promise<number>(resolve => {
        const onMessage = (m: any) => {
          if (m?.type !== 'count') return;
          child.off('message', onMessage);
          resolve(m.total);
        };
        child.on('message', onMessage);
        child.send({ type: 'count' });
      }),
    stop: async () => {
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

function baseUrl(backend: { server: { address(): unknown } }) {
  return `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
}

async function call(url: string, init?: { method: string; body?: object }) {
  const res = await fetch(url, {
    method: init?.method ?? 'GET',
    headers: init?.body ? { 'content-type': 'application/json' } : {},
    body: init?.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Runs one page view's request `RUNS` times (after a warm-up): durations and cluster calls per view. */
async function measure(
  what: string,
  view: () => Promise<void>,
  requests: () => Promise<number>,
) {
  for (let i = 0; i < WARM_UP; i++) await view();
  const before = await requests();
  const durations: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await view();
    durations.push(performance.now() - t0);
  }
  const calls = ((await requests()) - before) / RUNS;
  const figures = {
    what,
    p50: percentile(durations, 50),
    p95: percentile(durations, 95),
    calls,
  };
  progress(
    `${what}: p50 ${figures.p50.toFixed(1)} ms, p95 ${figures.p95.toFixed(
      1,
    )} ms, ${calls.toFixed(1)} cluster calls per view`,
  );
  return figures;
}

/** Checks a stock services answer: every cluster, no errors, the 2 pods of the service. */
function checkStockAnswer(body: any, clusters: number) {
  const items: any[] = body?.items ?? [];
  const ok =
    items.length === clusters &&
    items.every(
      i =>
        i.errors.length === 0 &&
        i.resources.find((r: any) => r.type === 'pods')?.resources.length === 2,
    );
  if (!ok) {
    throw new Error(
      `the Kubernetes plugin did not show the service's pods: ${JSON.stringify(
        body,
      ).slice(0, 600)}`,
    );
  }
}

async function main() {
  progress(
    `starting ${CLUSTERS} sandboxes in a child process (latency ${LATENCY_MS} ms)`,
  );
  const sandboxes = await childSandboxes();
  const { connections } = sandboxes;
  const backends: Array<{ stop(): Promise<void> }> = [];
  try {
    progress(
      'starting the portal backend: App Platform, Kubernetes plugin and this module',
    );
    const events = DefaultEventsService.create({ logger: quietLogger });
    const portal = await startTestBackend({
      features: [
        appPlatformPlugin,
        kubernetesPlugin,
        kubernetesModuleAppPlatform,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        catalogServiceMock.factory({ entities: [teamA, component] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: { serviceLocatorMethod: { type: 'multiTenant' } },
            appPlatform: {
              encryptionKey: randomBytes(32).toString('base64'),
              installationId: 'bench',
              namespaceTemplates: {
                directory: path.join(ROOT, 'templates/namespaces'),
              },
              serviceTemplates: {
                directory: path.join(ROOT, 'templates/services'),
              },
              // Nothing in the background while page views are counted.
              healthProbe: { frequency: { minutes: 30 } },
              reconcile: { interval: { minutes: 30 } },
              clusters: connections.map(c => ({ ...c, environment: 'test' })),
            },
          },
        }),
      ],
    });
    backends.push(portal);
    const platformApi = `${baseUrl(portal)}/api/app-platform`;

    progress(
      `deploying ${APP}/${SERVICE} (2 replicas) to ${CLUSTERS} clusters`,
    );
    const created = await call(`${platformApi}/applications`, {
      method: 'POST',
      body: { name: APP, owner: 'group:default/team-a' },
    });
    if (created.status !== 201)
      throw new Error(`create application: ${JSON.stringify(created)}`);
    await waitUntil(async () => {
      const res = await call(`${platformApi}/applications/${APP}`);
      return res.body.namespaces?.length === CLUSTERS &&
        res.body.namespaces.every((n: any) => n.state === 'ready')
        ? true
        : undefined;
    }, 'namespaces ready');
    const service = await call(`${platformApi}/applications/${APP}/services`, {
      method: 'POST',
      body: { name: SERVICE },
    });
    if (service.status !== 201)
      throw new Error(`create service: ${JSON.stringify(service)}`);
    const deploy = await call(
      `${platformApi}/applications/${APP}/services/${SERVICE}/deployments`,
      {
        method: 'POST',
        body: {
          spec: {
            image: 'nginx:1.25',
            replicas: 2,
            ports: [{ name: 'http', containerPort: 8080 }],
          },
        },
      },
    );
    if (deploy.status !== 202)
      throw new Error(`deploy: ${JSON.stringify(deploy)}`);
    const statusUrl = `${platformApi}/applications/${APP}/services/${SERVICE}/status`;
    await waitUntil(async () => {
      const res = await call(statusUrl);
      return res.body.clusters?.length === CLUSTERS &&
        res.body.clusters.every(
          (c: any) => c.state === 'running' && c.readyReplicas === 2,
        )
        ? true
        : undefined;
    }, `${SERVICE} running on every cluster`);
    progress(`${SERVICE} runs 2 pods on each of ${CLUSTERS} clusters`);

    const ours = await measure(
      'App Platform status API (GET …/services/web/status)',
      async () => {
        const res = await call(statusUrl);
        if (res.body.clusters.length !== CLUSTERS)
          throw new Error('status without every cluster');
      },
      sandboxes.requests,
    );

    const servicesEndpoint = `/api/kubernetes/services/${SERVICE}`;
    const viaPlatform = await measure(
      'Kubernetes plugin, platform clusters through the read proxy',
      async () => {
        const res = await call(`${baseUrl(portal)}${servicesEndpoint}`, {
          method: 'POST',
          body: { entity: component },
        });
        checkStockAnswer(res.body, CLUSTERS);
      },
      sandboxes.requests,
    );

    progress(
      'starting a second backend: the stock Kubernetes plugin alone, clusters in its own config (no proxy)',
    );
    const stock = await startTestBackend({
      features: [
        kubernetesPlugin,
        catalogServiceMock.factory({ entities: [component] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: connections.map(c => ({
                    name: c.name,
                    url: c.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: c.token,
                    caData: Buffer.from(c.caData).toString('base64'),
                    skipMetricsLookup: true,
                  })),
                },
              ],
            },
          },
        }),
      ],
    });
    backends.push(stock);
    const direct = await measure(
      'Kubernetes plugin, clusters in its own config (direct)',
      async () => {
        const res = await call(`${baseUrl(stock)}${servicesEndpoint}`, {
          method: 'POST',
          body: { entity: component },
        });
        checkStockAnswer(res.body, CLUSTERS);
      },
      sandboxes.requests,
    );

    const rows = [ours, viaPlatform, direct].map(f => ({
      endpoint: f.what,
      'p50 ms': f.p50.toFixed(1),
      'p95 ms': f.p95.toFixed(1),
      'cluster calls/view': f.calls.toFixed(1),
      'vs ours (p50)': (f.p50 / ours.p50).toFixed(1),
    }));
    console.log();
    console.table(rows);
    const speedup = Math.min(direct.p50, viaPlatform.p50) / ours.p50;
    const pass = speedup >= TARGET_SPEEDUP && ours.calls === 0;
    console.log(
      `${pass ? 'PASS' : 'MISS'}: ours is ${speedup.toFixed(
        1,
      )}× faster than the faster stock variant (target ≥ ${TARGET_SPEEDUP}×) with ${
        ours.calls
      } cluster calls per view (target 0)`,
    );
    process.exitCode = pass ? 0 : 1;
  } finally {
    for (const backend of backends) await backend.stop();
    await sandboxes.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
