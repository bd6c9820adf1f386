import { ConflictError } from '@backstage/errors';
import {
  APP_PLATFORM_LABELS,
  ClusterPlan,
  PlannedObject,
} from '@internal/plugin-app-platform-common';
import { KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import {
  ClusterConnection,
  describeKubeError,
  FIELD_MANAGER,
  KubeClients,
} from '../kube/KubeClients';
import { NotOwnedError, OwnedObjects } from '../ownership/OwnedObjects';
import { diffObjects } from './diffObjects';
import { listServiceObjects } from './listServiceObjects';
import { isPrunable, kindKey, kindsToList } from './workloadKinds';

/** An object of that name exists and is ours, but belongs to another service. */
export class NameTakenError extends ConflictError {
  constructor(kind: string, name: string, cluster: string, other?: string) {
    super(
      `${kind} "${name}" on cluster ${cluster}: name already used by ${
        other ? `service "${other}"` : 'another App Platform object'
      }`,
    );
  }
}

const keyOf = (object: KubernetesObject) =>
  `${object.kind}/${object.metadata?.name}`;

function byName(a: KubernetesObject, b: KubernetesObject): number {
  const [x, y] = [a.metadata?.name ?? '', b.metadata?.name ?? ''];
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

function plannedOf(
  object: KubernetesObject,
  action: PlannedObject['action'],
  changes: PlannedObject['changes'] = [],
): PlannedObject {
  return {
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    action,
    changes,
  };
}

function compare(
  live: KubernetesObject | undefined,
  desired: KubernetesObject,
): PlannedObject {
  if (!live)
    return plannedOf(desired, 'create', diffObjects(undefined, desired));
  const changes = diffObjects(live, desired);
  return plannedOf(desired, changes.length ? 'update' : 'unchanged', changes);
}

/**
 * Compares two rendered sets of objects (e.g. of two deployment records) by
 * kind and name: what going from `before` to `after` would do. Pure; server
 * defaults are not known here, so both sides should be rendered the same way.
 */
export function planAgainst(
  before: KubernetesObject[],
  after: KubernetesObject[],
): PlannedObject[] {
  const old = new Map(before.map(o => [keyOf(o), o]));
  const kept = new Set(after.map(keyOf));
  return [
    ...after.map(object => compare(old.get(keyOf(object)), object)),
    ...before
      .filter(object => !kept.has(keyOf(object)))
      .map(object => plannedOf(object, 'delete')),
  ];
}

/**
 * What deploying `desired` would do on one cluster, object by object. An
 * existing object is compared with the result of a server-side apply dry run
 * of the desired one, so what the API server fills in (defaults, cluster IPs)
 * is on both sides and never shows as a change. Never throws for a cluster:
 * a failure or an object the platform may not touch becomes the plan's
 * `error`, with what was planned until then, so that other clusters are still
 * planned.
 */
export async function planCluster(options: {
  kube: KubeClients;
  owned: OwnedObjects;
  cluster: ClusterConnection;
  namespace: string;
  service: string;
  desired: KubernetesObject[];
  /** The kinds the engine may have placed (`apiVersion/kind`); undefined: any. */
  placedKinds?: string[];
  signal?: AbortSignal;
}): Promise<ClusterPlan> {
  const { kube, owned, cluster, namespace, service, signal } = options;
  const objects: PlannedObject[] = [];
  // Objects the platform may not touch: the rest is still planned, to show
  // everything that is in the way at once.
  const refusals: string[] = [];
  const desired = options.desired.map(object => ({
    ...object,
    metadata: {
      ...object.metadata,
      namespace: object.metadata?.namespace ?? namespace,
      // As OwnedObjects.ensure stamps them.
      labels: { ...object.metadata?.labels, ...owned.ownershipLabels() },
    },
  }));
  // Listed while the objects are read and dry-run applied: the plan waits
  // for the slowest of them, not for their sum.
  const deletions = plannedDeletions({
    kube,
    owned,
    cluster,
    namespace,
    service,
    desired,
    placedKinds: options.placedKinds,
    signal,
  });
  // Awaited once the objects are planned.
  deletions.catch(() => {});
  try {
    for (const object of desired) {
      signal?.throwIfAborted();
      const live = await owned.read(cluster, {
        apiVersion: object.apiVersion!,
        kind: object.kind!,
        name: object.metadata.name!,
        namespace: object.metadata.namespace,
      });
      // One being deleted is created again once it is gone.
      if (!live || live.metadata?.deletionTimestamp) {
        objects.push(compare(undefined, object));
        continue;
      }
      const ownership = owned.ownershipOf(live);
      if (ownership !== 'ours') {
        refusals.push(
          new NotOwnedError(
            {
              apiVersion: object.apiVersion!,
              kind: object.kind!,
              name: object.metadata.name!,
              namespace: object.metadata.namespace,
            },
            cluster.name,
            ownership,
          ).message,
        );
        continue;
      }
      const other = live.metadata?.labels?.[APP_PLATFORM_LABELS.service];
      if (other !== service) {
        refusals.push(
          new NameTakenError(
            object.kind!,
            object.metadata.name!,
            cluster.name,
            other,
          ).message,
        );
        continue;
      }
      const applied = await kube.call(
        cluster,
        `plan ${object.kind}`,
        ({ objects: api }) =>
          api.patch(
            keepAdoptedMark(object, live),
            undefined,
            'All',
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          ),
        { signal },
      );
      objects.push(compare(live, applied));
    }
    objects.push(...(await deletions));
  } catch (error) {
    refusals.push(
      error instanceof NotOwnedError ? error.message : describeKubeError(error),
    );
  }
  return {
    cluster: cluster.name,
    objects,
    ...(refusals.length ? { error: refusals.join('; ') } : {}),
  };
}

/**
 * An adopted object keeps its mark on every apply (see OwnedObjects.ensure);
 * the dry run must send it too, or the plan would show it being dropped.
 */
function keepAdoptedMark(
  object: KubernetesObject,
  live: KubernetesObject,
): KubernetesObject {
  if (live.metadata?.annotations?.[APP_PLATFORM_LABELS.adopted] !== 'true') {
    return object;
  }
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata?.annotations,
        [APP_PLATFORM_LABELS.adopted]: 'true',
      },
    },
  };
}

/** The service's objects of ours in the namespace that are no longer rendered. */
async function plannedDeletions(options: {
  kube: KubeClients;
  owned: OwnedObjects;
  cluster: ClusterConnection;
  namespace: string;
  service: string;
  desired: KubernetesObject[];
  placedKinds?: string[];
  signal?: AbortSignal;
}): Promise<PlannedObject[]> {
  const { kube, owned, cluster, namespace, service, desired, signal } = options;
  const kept = new Set(desired.map(keyOf));
  const kinds = kindsToList(options.placedKinds, desired);
  const selector = `${
    APP_PLATFORM_LABELS.service
  }=${service},${owned.selector()}`;
  const items = await listServiceObjects({
    kube,
    cluster,
    namespace,
    selector,
    kinds,
    signal,
  });
  // Kind by kind in creation order, each kind's by name.
  const order = new Map(kinds.map((kind, index) => [kindKey(kind), index]));
  return items
    .filter(
      item =>
        isPrunable(item) &&
        !kept.has(keyOf(item)) &&
        !item.metadata?.deletionTimestamp,
    )
    .sort(
      (a, b) => order.get(kindKey(a))! - order.get(kindKey(b))! || byName(a, b),
    )
    .map(item => plannedOf(item, 'delete'));
}
