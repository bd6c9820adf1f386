import { createHash } from 'node:crypto';

/** Helpers shared by the simulated controllers. */

export const REVISION = 'deployment.kubernetes.io/revision';
export const HASH = 'pod-template-hash';

/** RFC 3339 with second precision, as the API server writes timestamps. */
export function now() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function templateHash(template: any) {
  return createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest('hex')
    .slice(0, 10)
    .replace(/[^a-z0-9]/g, 'x');
}

/**
 * JSON with object keys sorted and null fields left out, so objects that
 * mean the same print the same (templates read back from the API carry
 * `creationTimestamp: null`, as Go's zero time).
 */
function canonicalJson(value: any): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== null)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/**
 * Whether a ReplicaSet's pod template is the Deployment's, ignoring the
 * pod-template-hash label (as `EqualIgnoreHash` does): the template kubectl
 * writes back on `rollout undo` may list its fields in another order.
 */
export function sameTemplateIgnoringHash(a: any, b: any) {
  const strip = (t: any) => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels[HASH];
    if (
      copy.metadata?.labels &&
      Object.keys(copy.metadata.labels).length === 0
    ) {
      delete copy.metadata.labels;
    }
    return canonicalJson(copy);
  };
  return strip(a) === strip(b);
}

export function resolveIntOrPercent(
  value: any,
  total: number,
  roundUp: boolean,
) {
  if (typeof value === 'string' && value.endsWith('%')) {
    const v = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(v) : Math.floor(v);
  }
  return Number(value ?? 0);
}

export function ownerRef(owner: any) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedBy(obj: any, owner: any) {
  return (obj.metadata.ownerReferences ?? []).some(
    (o: any) => o.uid === owner.metadata.uid,
  );
}

export function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
) {
  const t = now();
  return {
    type,
    status,
    reason,
    message,
    lastUpdateTime: t,
    lastTransitionTime: t,
  };
}

/** Keeps transition times of conditions whose status did not change. */
export function mergeConditions(previous: any[] = [], next: any[]) {
  return next.map(c => {
    const old = previous.find(p => p.type === c.type);
    if (!old) return c;
    const sameStatus = old.status === c.status;
    const same =
      sameStatus && old.reason === c.reason && old.message === c.message;
    const merged = {
      ...c,
      lastTransitionTime: sameStatus
        ? old.lastTransitionTime
        : c.lastTransitionTime,
    };
    if ('lastUpdateTime' in c) {
      merged.lastUpdateTime = same ? old.lastUpdateTime : c.lastUpdateTime;
    }
    if ('lastProbeTime' in c) merged.lastProbeTime = old.lastProbeTime;
    return merged;
  });
}

export function isPodReady(pod: any) {
  return (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );
}

/** Pods that count as replicas: not terminating and not finished. */
export function isActivePod(pod: any) {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

export function sameJson(a: any, b: any) {
  return JSON.stringify(a) === JSON.stringify(b);
}
