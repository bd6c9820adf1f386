/* eslint-disable no-console */
import https from 'node:https';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSandbox } from '../src';

const TOTAL = 50_000;
const BIG = 10_000;
const WATCHES = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
/** Listing BIG objects end to end, with WATCHES watches open (issue 10). */
const TARGET_P50_MS = 100;

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function main() {
  const sandbox = await startSandbox({ controller: { autoTick: false } });
  const { api, store } = sandbox;
  const cmType = api.registry.get('', 'configmaps');
  const nsType = api.registry.get('', 'namespaces');

  let t = performance.now();
  const namespaces = [
    'big',
    ...Array.from({ length: 40 }, (_, i) => `ns-${i}`),
  ];
  for (const name of namespaces)
    api.create(nsType, undefined, { metadata: { name } }, {});
  // Loaded through the store directly: this measures reads, not 50k HTTPS
  // round trips. Objects carry realistic labels and a little data.
  for (let i = 0; i < TOTAL; i++) {
    const namespace = i < BIG ? 'big' : namespaces[1 + (i % 40)];
    store.create(cmType, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `cm-${String(i).padStart(6, '0')}`,
        namespace,
        labels: { app: `app-${i % 100}`, tier: i % 2 ? 'web' : 'api' },
      },
      data: { 'config.yaml': `key: value-${i}\nreplicas: ${i % 5}\n` },
    });
  }
  console.log(
    `loaded ${TOTAL} objects in ${(performance.now() - t).toFixed(0)} ms`,
  );

  // Open watches over raw HTTPS, spread across namespaces.
  t = performance.now();
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: Infinity,
    ca: sandbox.caData,
  });
  const requests: ReturnType<typeof https.get>[] = [];
  let received = 0;
  await Promise.all(
    Array.from(
      { length: WATCHES },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const ns = namespaces[1 + (i % 40)];
          const req = https.get(
            `${
              sandbox.url
            }/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${store.currentRevision()}`,
            { agent, headers: { Authorization: `Bearer ${sandbox.token}` } },
            res => {
              res.on('data', () => received++);
              resolve();
            },
          );
          req.on('error', reject);
          requests.push(req);
        }),
    ),
  );
  console.log(
    `opened ${WATCHES} watches in ${(performance.now() - t).toFixed(
      0,
    )} ms (server reports ${sandbox.server.openWatchCount()})`,
  );

  // In-process list (store + selector + pagination logic, no HTTP).
  const inProcess: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    const list = api.list(cmType, 'big');
    inProcess.push(performance.now() - t);
    if (list.items.length !== BIG) throw new Error(`expected ${BIG} items`);
  }

  // End to end through client-node: HTTPS, JSON serialisation and parsing.
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig());
  const core = kc.makeApiClient(CoreV1Api);
  const overHttp: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    const list = await core.listNamespacedConfigMap({ namespace: 'big' });
    overHttp.push(performance.now() - t);
    if (list.items.length !== BIG) throw new Error(`expected ${BIG} items`);
  }
  // Raw HTTPS + JSON.parse, without client-node's model deserialisation.
  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(
          `${sandbox.url}/api/v1/namespaces/big/configmaps`,
          { agent, headers: { Authorization: `Bearer ${sandbox.token}` } },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', d => chunks.push(d));
            res.on('end', () => resolve(Buffer.concat(chunks).toString()));
          },
        )
        .on('error', reject);
    });
    if (JSON.parse(body).items.length !== BIG)
      throw new Error(`expected ${BIG} items`);
    raw.push(performance.now() - t);
  }
  const selector: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    await core.listNamespacedConfigMap({
      namespace: 'big',
      labelSelector: 'tier in (web)',
    });
    selector.push(performance.now() - t);
  }

  // Write fan-out: each write is checked by every watch on the type.
  t = performance.now();
  for (let i = 0; i < 1000; i++) {
    store.create(cmType, {
      metadata: { name: `fanout-${i}`, namespace: namespaces[1 + (i % 40)] },
      data: {},
    });
  }
  const fanout = performance.now() - t;
  // Let the fanned-out events reach the watch clients before reporting.
  await new Promise(r => setTimeout(r, 1000));

  const fmt = (xs: number[]) =>
    `p50 ${percentile(xs, 50).toFixed(1)} ms, p90 ${percentile(xs, 90).toFixed(
      1,
    )} ms`;
  console.log(`list ${BIG} (in-process):          ${fmt(inProcess)}`);
  const pass = percentile(overHttp, 50) <= TARGET_P50_MS;
  console.log(
    `list ${BIG} (client-node, HTTPS):  ${fmt(
      overHttp,
    )}  target p50 <= ${TARGET_P50_MS} ms: ${pass ? 'PASS' : 'FAIL'}`,
  );
  // A missed target fails the run, so scripts and CI notice.
  if (!pass) process.exitCode = 1;
  console.log(`list ${BIG} (raw HTTPS + JSON.parse): ${fmt(raw)}`);
  console.log(`list with label selector:        ${fmt(selector)}`);
  console.log(
    `1000 writes fanned out to ${WATCHES} watches: ${fanout.toFixed(0)} ms`,
  );
  console.log(
    `rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
  );

  for (const r of requests) r.destroy();
  agent.destroy();
  await sandbox.stop();
  console.log(`watch chunks received: ${received}`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
