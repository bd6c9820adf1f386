/* eslint-disable no-console */
/**
 * Child process of the bench: `BENCH_CLUSTERS` sandbox clusters with
 * simulated controllers at speed 100 and `BENCH_LATENCY_MS` on every request,
 * in their own process so that the backends measured have the CPU to
 * themselves (on a real installation the clusters are other machines).
 * Answers `count` with the API requests all clusters received so far.
 */
import { startSandbox } from '@internal/kube-sandbox';

async function main() {
  const count = Number(process.env.BENCH_CLUSTERS ?? 10);
  const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
  const sandboxes = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startSandbox({ name: `c${i + 1}`, controller: { speed: 100 } }),
    ),
  );
  for (const s of sandboxes) s.faults.set({ latencyMs });
  process.send!({
    type: 'ready',
    clusters: sandboxes.map(s => ({
      name: s.name,
      url: s.url,
      caData: s.caData,
      token: s.token,
    })),
  });
  process.on('message', async (m: any) => {
    if (m?.type === 'count') {
      process.send!({
        type: 'count',
        total: sandboxes.reduce((n, s) => n + s.server.apiRequestCount(), 0),
      });
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
