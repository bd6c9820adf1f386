import { KubernetesObject } from '@kubernetes/client-node';
import {
  ClusterConnection,
  kubeErrorCode,
  KubeClients,
} from '../kube/KubeClients';

/**
 * A service's objects in its namespace: those of the kinds given that match
 * the selector, every kind listed at once in one call (one deadline), each
 * item with its apiVersion and kind (list items carry neither). A cluster
 * that does not serve a kind has none of it. The apply lists what it may
 * prune with it, the plan what it would delete.
 */
export async function listServiceObjects(options: {
  kube: KubeClients;
  cluster: ClusterConnection;
  namespace: string;
  selector: string;
  kinds: ReadonlyArray<{ apiVersion: string; kind: string }>;
  signal?: AbortSignal;
}): Promise<KubernetesObject[]> {
  const { kube, cluster, namespace, selector, kinds, signal } = options;
  return kube.call(
    cluster,
    'list service objects',
    async ({ objects }) => {
      const lists = await Promise.all(
        kinds.map(({ apiVersion, kind }) =>
          objects
            .list(
              apiVersion,
              kind,
              namespace,
              undefined,
              undefined,
              undefined,
              undefined,
              selector,
            )
            .then(
              list => list.items.map(item => ({ ...item, apiVersion, kind })),
              error => {
                if (kubeErrorCode(error) === 404) return [];
                throw error;
              },
            ),
        ),
      );
      return lists.flat();
    },
    { signal },
  );
}
