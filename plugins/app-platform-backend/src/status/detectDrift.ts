import { parseQuantity } from '../kube/parseQuantity';
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';

/** A Kubernetes quantity as written in a manifest (`500m`, `1Gi`, `2`). */
type Quantity = string | number;

type EnvVarLike = {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key: string; optional?: boolean };
    configMapKeyRef?: { name?: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string; apiVersion?: string };
    resourceFieldRef?: { resource: string; containerName?: string };
  };
};

type ContainerLike = {
  name: string;
  image?: string;
  env?: EnvVarLike[];
  resources?: {
    requests?: Record<string, Quantity>;
    limits?: Record<string, Quantity>;
  };
};

/**
 * The parts of a Deployment (or a middleware instance's StatefulSet) that
 * drift detection reads: what the platform applied, as rendered (a
 * `V1Deployment`, a kubernetes-models object or a plain manifest all fit).
 */
export type DesiredDeployment = {
  /** Names the object when it is gone; a Deployment when unset. */
  kind?: string;
  spec?: {
    replicas?: number;
    paused?: boolean;
    template?: {
      spec?: {
        containers?: ContainerLike[];
        initContainers?: ContainerLike[];
      };
    };
  };
};

/**
 * The differences between the Deployment (or StatefulSet) the platform
 * applied and the live one, as sentences for people, in the fields people
 * change by hand
 * (`kubectl scale`, `set image`, `set env`, `set resources`, `rollout
 * pause`, `edit`): replicas, containers and their images, env, resources,
 * and `paused`. Empty when in sync.
 *
 * Only what `desired` sets is compared, so defaults the API server fills in
 * (`imagePullPolicy`, probes' thresholds, LimitRanger's resources, …) never
 * count; quantities are compared by value (`1000m` equals `1`). The one
 * exception is `paused`, whose absence means "not paused". Values of
 * Secrets are never read (the Deployment only names them), and a plain value
 * that replaced a Secret reference is not shown either.
 */
export function detectDrift(
  desired: DesiredDeployment,
  live: V1Deployment | V1StatefulSet | undefined,
): string[] {
  if (!live) {
    return [`${desired.kind ?? 'Deployment'} deleted outside the platform`];
  }
  const drift: string[] = [];
  const want = desired.spec ?? {};
  // StatefulSets cannot be paused: never set, it is never drift.
  const have: DesiredDeployment['spec'] = live.spec;

  if (want.replicas !== undefined && have?.replicas !== want.replicas) {
    drift.push(
      `replicas is ${have?.replicas ?? 'unset'} (applied ${want.replicas})`,
    );
  }
  if (Boolean(want.paused) !== Boolean(have?.paused)) {
    drift.push(
      have?.paused
        ? 'rollouts are paused (applied: not paused)'
        : 'rollouts are not paused (applied: paused)',
    );
  }

  const wantPod = want.template?.spec;
  const havePod = have?.template?.spec as
    | { containers?: ContainerLike[]; initContainers?: ContainerLike[] }
    | undefined;
  if (wantPod?.containers) {
    drift.push(
      ...containerDrift(
        'container',
        wantPod.containers,
        havePod?.containers ?? [],
      ),
    );
  }
  if (wantPod?.initContainers) {
    drift.push(
      ...containerDrift(
        'init container',
        wantPod.initContainers,
        havePod?.initContainers ?? [],
      ),
    );
  }
  return drift;
}

function containerDrift(
  what: string,
  desired: ContainerLike[],
  live: ContainerLike[],
): string[] {
  const drift: string[] = [];
  const liveByName = new Map(live.map(c => [c.name, c]));
  const desiredNames = new Set(desired.map(c => c.name));
  for (const want of desired) {
    const have = liveByName.get(want.name);
    const label = `${what} ${want.name}`;
    if (!have) {
      drift.push(`${label} removed`);
      continue;
    }
    if (want.image !== undefined && have.image !== want.image) {
      drift.push(
        `${label}: image is ${have.image ?? 'unset'} (applied ${want.image})`,
      );
    }
    if (want.env) drift.push(...envDrift(label, want.env, have.env ?? []));
    if (want.resources) {
      for (const kind of ['requests', 'limits'] as const) {
        const wanted = want.resources[kind];
        if (!wanted) continue;
        const had = have.resources?.[kind] ?? {};
        for (const [resource, quantity] of Object.entries(wanted)) {
          const current = had[resource];
          if (current === undefined) {
            drift.push(
              `${label}: ${resource} ${kind} removed (applied ${quantity})`,
            );
          } else if (!sameQuantity(current, quantity)) {
            drift.push(
              `${label}: ${resource} ${kind} is ${current} (applied ${quantity})`,
            );
          }
        }
      }
    }
  }
  for (const have of live) {
    if (!desiredNames.has(have.name)) {
      drift.push(`${what} ${have.name} added (image ${have.image ?? 'unset'})`);
    }
  }
  return drift;
}

function envDrift(
  label: string,
  desired: EnvVarLike[],
  live: EnvVarLike[],
): string[] {
  const drift: string[] = [];
  // The last of a name wins in Kubernetes as well.
  const liveByName = new Map(live.map(e => [e.name, e]));
  const desiredNames = new Set(desired.map(e => e.name));
  for (const want of desired) {
    const have = liveByName.get(want.name);
    if (!have) {
      drift.push(`${label}: env ${want.name} removed`);
      continue;
    }
    const wantSource = envSource(want);
    const haveSource = envSource(have);
    if (wantSource.kind !== haveSource.kind) {
      // A secret someone replaced by hand with a plain value is likely that
      // secret's value: do not repeat it.
      const now =
        wantSource.kind === 'secretKeyRef' && haveSource.kind === 'value'
          ? 'a plain value'
          : haveSource.text;
      drift.push(
        `${label}: env ${want.name} is ${now} (applied ${wantSource.text})`,
      );
    } else if (wantSource.kind === 'value') {
      if ((want.value ?? '') !== (have.value ?? '')) {
        drift.push(
          `${label}: env ${want.name} is ${haveSource.text} (applied ${wantSource.text})`,
        );
      }
    } else if (!subsetEqual(want.valueFrom, have.valueFrom)) {
      drift.push(
        `${label}: env ${want.name} is ${haveSource.text} (applied ${wantSource.text})`,
      );
    }
  }
  for (const have of live) {
    if (!desiredNames.has(have.name)) {
      drift.push(`${label}: env ${have.name} added`);
    }
  }
  return drift;
}

/** Where an env var's value comes from, described without any Secret's value. */
function envSource(e: EnvVarLike): { kind: string; text: string } {
  const from = e.valueFrom;
  if (from?.secretKeyRef) {
    const ref = from.secretKeyRef;
    return {
      kind: 'secretKeyRef',
      text: `from Secret ${ref.name ?? '?'} key ${ref.key}`,
    };
  }
  if (from?.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    return {
      kind: 'configMapKeyRef',
      text: `from ConfigMap ${ref.name ?? '?'} key ${ref.key}`,
    };
  }
  if (from?.fieldRef) {
    return { kind: 'fieldRef', text: `from field ${from.fieldRef.fieldPath}` };
  }
  if (from?.resourceFieldRef) {
    return {
      kind: 'resourceFieldRef',
      text: `from resource ${from.resourceFieldRef.resource}`,
    };
  }
  return { kind: 'value', text: JSON.stringify(e.value ?? '') };
}

/** Whether every field `desired` sets has the same value in `live`. */
function subsetEqual(desired: unknown, live: unknown): boolean {
  if (desired === undefined) return true;
  if (desired === null || typeof desired !== 'object') {
    return desired === live;
  }
  if (live === null || typeof live !== 'object') return false;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      desired.length === live.length &&
      desired.every((d, i) => subsetEqual(d, live[i]))
    );
  }
  return Object.entries(desired).every(([k, v]) =>
    subsetEqual(v, (live as Record<string, unknown>)[k]),
  );
}

function sameQuantity(a: Quantity, b: Quantity): boolean {
  if (String(a) === String(b)) return true;
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === undefined || y === undefined) return false;
  return Math.abs(x - y) <= Math.abs(y) * 1e-9;
}
