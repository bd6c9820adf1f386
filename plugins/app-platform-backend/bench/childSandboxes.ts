/* eslint-disable no-console */
/**
 * Child process of the bench: the clusters of the scale and deploy figures,
 * so that the backend's CPU and RSS are the platform's alone (on a real
 * installation the clusters are other machines). `scale` loads every
 * service's objects through the store (as kube-sandbox/bench/listBench.ts
 * does); `deploy <n>` starts n empty clusters. Reports the connections to the
 * parent and serves until told to stop.
 */
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { CpuProfile } from './cpuProfile';
import { appName, runningWorkload, SCALE, scaleRenderer } from './scaleFixture';

/** The deploy figure's clusters: empty, with simulated controllers at speed 100. */
async function deployClusters(count: number, latencyMs: number) {
  const sandboxes = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startSandbox({
        name: `c${i + 1}`,
        namespaceTerminationMs: 200,
        controller: { speed: 100 },
      }),
    ),
  );
  for (const s of sandboxes) s.faults.set({ latencyMs });
  return sandboxes;
}

async function main() {
  const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
  if (process.argv[3] === 'deploy') {
    serve(await deployClusters(Number(process.argv[4]), latencyMs));
    return;
  }
  const { renderer } = scaleRenderer();
  const sandboxes: Sandbox[] = [];
  for (let c = 0; c < SCALE.clusters; c++) {
    const name = `scale-${c + 1}`;
    // No simulated controllers: the objects are a finished rollout already.
    const sandbox = await startSandbox({
      name,
      controller: { autoTick: false },
    });
    const { api, store } = sandbox;
    const ns = api.registry.get('', 'namespaces');
    const deployments = api.registry.get('apps', 'deployments');
    const replicaSets = api.registry.get('apps', 'replicasets');
    const pods = api.registry.get('', 'pods');
    const services = api.registry.get('', 'services');
    for (let a = 0; a < SCALE.applications; a++) {
      api.create(ns, undefined, { metadata: { name: appName(a) } }, {});
      for (let s = 0; s < SCALE.servicesPerApplication; s++) {
        const w = await runningWorkload(renderer, a, s, name);
        store.create(deployments, w.deployment);
        store.create(replicaSets, w.replicaSet);
        for (const pod of w.pods) store.create(pods, pod);
        store.create(services, w.service);
      }
    }
    sandbox.faults.set({ latencyMs });
    sandboxes.push(sandbox);
    process.send!({
      type: 'progress',
      message: `${name}: ${store.count(deployments)} Deployments, ${store.count(
        replicaSets,
      )} ReplicaSets, ${store.count(pods)} Pods loaded`,
    });
  }
  serve(sandboxes);
}

function serve(sandboxes: Sandbox[]) {
  process.send!({
    type: 'ready',
    clusters: sandboxes.map(s => ({
      name: s.name,
      url: s.url,
      caData: s.caData,
      token: s.token,
    })),
  });
  let profiling: CpuProfile | undefined;
  process.on('message', async (m: any) => {
    if (m?.type === 'profile-start') {
      profiling = await CpuProfile.start();
      process.send!({ type: 'profile-started' });
    }
    if (m?.type === 'profile-stop' && profiling) {
      const profile = await profiling.stop();
      profiling = undefined;
      process.send!({ type: 'profile', profile });
    }
    if (m?.type === 'stop') {
      await Promise.all(sandboxes.map(s => s.stop()));
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
