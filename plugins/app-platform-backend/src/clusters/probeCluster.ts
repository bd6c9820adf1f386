import {
  ClusterConnection,
  describeKubeError,
  KubeClients,
} from '../kube/KubeClients';

/** What a probe found: reachable with working credentials, or why not. */
export type ProbeResult =
  | { ok: true; version: string }
  | { ok: false; reason: string };

/**
 * Checks that a cluster answers over TLS with its CA, and that the token may
 * manage namespaces: `/version`, then a one-item namespace list (a wrong token
 * passes the first but not the second). Both share one deadline, enforced by
 * aborting the requests, so a cluster that accepts connections and never
 * answers costs `timeoutMs` and leaves nothing behind.
 */
export async function probeCluster(
  kube: KubeClients,
  cluster: ClusterConnection,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const info = await kube.call(
      cluster,
      'probe',
      async ({ version, core }) => {
        const code = await version.getCode();
        await core.listNamespace({ limit: 1 });
        return code;
      },
      { timeoutMs },
    );
    return { ok: true, version: info.gitVersion };
  } catch (error) {
    return { ok: false, reason: describeKubeError(error) };
  }
}
