import { KubernetesObject } from '@kubernetes/client-node';

/**
 * The kinds a version of a service or a middleware instance renders to, in
 * creation order; deletion goes in reverse. The engine prunes and the plan
 * predicts from this list.
 */
export const WORKLOAD_KINDS: ReadonlyArray<{
  apiVersion: string;
  kind: string;
}> = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
];

/**
 * Whether an object a version no longer renders is removed with it. A claim
 * holds data: it goes with the service, not with a version.
 */
export function isPrunable(object: KubernetesObject): boolean {
  return object.kind !== 'PersistentVolumeClaim';
}

type Kind = { apiVersion: string; kind: string };

/** A kind as `service_clusters.placed_kinds` records it: `apiVersion/kind`. */
export function kindKey(object: { apiVersion?: string; kind?: string }) {
  return `${object.apiVersion}/${object.kind}`;
}

/**
 * The kinds to list for a service's objects on a cluster, in creation
 * order: those the engine may have placed there (every workload kind when
 * that is not known) and those about to be applied.
 */
export function kindsToList(
  placed: ReadonlyArray<string> | undefined,
  rendered: ReadonlyArray<KubernetesObject>,
): Kind[] {
  const wanted = new Set([
    ...(placed ?? WORKLOAD_KINDS.map(kindKey)),
    ...rendered.map(kindKey),
  ]);
  const workload = WORKLOAD_KINDS.filter(k => wanted.has(kindKey(k)));
  for (const k of workload) wanted.delete(kindKey(k));
  // Kinds a template renders beyond the workload kinds, after them.
  const others = [...wanted].map(key => {
    const slash = key.lastIndexOf('/');
    return { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1) };
  });
  return [...workload, ...others];
}
