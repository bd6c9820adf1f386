import { ClusterConnection, describeKubeError, KubeClients } from '../kube/KubeClients';

/** What a probe found: reachable with working credentials, or why not. */
export type ProbeResult = { ok: true; version: string } | { ok: false; reason: string };

/**
 * Checks that a cluster answers over TLS with its CA, and that the token may
 * manage namespaces: `/version`, then a one-item namespace list (a wrong token
 * passes the first but not the second).
 */
export async function probeCluster(
  kube: KubeClients,
  cluster: ClusterConnection,
  timeoutMs: number,
): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>(resolve => {
    timer = setTimeout(
      () => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const probe = (async (): Promise<ProbeResult> => {
    try {
      const info = await kube.call(cluster, 'probe version', ({ version }) =>
        version.getCode(),
      );
      await kube.call(cluster, 'probe list namespaces', ({ core }) =>
        core.listNamespace({ limit: 1 }),
      );
      return { ok: true, version: info.gitVersion };
    } catch (error) {
      return { ok: false, reason: describeKubeError(error) };
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
