import { createHash } from 'node:crypto';

/** Helpers shared by the simulated controllers. */

export const REVISION = 'deployment.kubernetes.io/revision';
export const HASH = 'pod-template-hash';

/** The last `now()`: every pod of every tick asks within the same second. */
let lastNow = { second: -1, text: '' };

/** RFC 3339 with second precision, as the API server writes timestamps. */
export function now() {
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastNow.second) {
    lastNow = {
      second,
      text: new Date(second * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
  }
  return lastNow.text;
}

/** Hashes by template object: stored objects are immutable. */
const templateHashes = new WeakMap<object, string>();

export function templateHash(template: any) {
  const known = template && templateHashes.get(template);
  if (known) return known;
  const hash = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest('hex')
    .slice(0, 10)
    .replace(/[^a-z0-9]/g, 'x');
  if (template) templateHashes.set(template, hash);
  return hash;
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

/**
 * Whether two JSON values print the same once the `ignored` keys are left
 * out at any depth, without printing them: the kubelet compares every pod's
 * status on every tick. Fields that are undefined count as absent, as in
 * JSON; key order does not matter.
 */
export function sameJsonIgnoring(
  a: any,
  b: any,
  ignored: ReadonlySet<string>,
): boolean {
  if (a === b) return true;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null
  ) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    return a.every((item, i) => sameJsonIgnoring(item, b[i], ignored));
  }
  const keys = (o: any) =>
    Object.keys(o).filter(k => o[k] !== undefined && !ignored.has(k));
  const aKeys = keys(a);
  if (aKeys.length !== keys(b).length) return false;
  return aKeys.every(
    k => b[k] !== undefined && sameJsonIgnoring(a[k], b[k], ignored),
  );
}
