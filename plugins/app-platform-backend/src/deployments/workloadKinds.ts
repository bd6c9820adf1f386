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
