import type {
  CoreV1Event,
  KubernetesObject,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { ClusterConnection, KubeApis, KubeClients } from '../kube/KubeClients';
import {
  deriveServiceState,
  ServiceObjects,
  ServiceState,
} from './deriveServiceState';
import {
  ListPage,
  Reflector,
  ReflectorHealth,
  ReflectorTimings,
  WatchRestartReason,
} from './Reflector';

/** A cluster's cache as a whole: the worst of its five resources. */
export type ClusterHealth =
  | { state: 'synced' }
  | { state: 'resyncing'; reason: string }
  | { state: 'failed'; reason: string };

/** One service in one namespace of the cluster. */
export type ServiceKey = { namespace: string; service: string };

export type ClusterWatchCacheOptions = {
  cluster: ClusterConnection;
  clients: KubeClients;
  /**
   * Selects the platform's Deployments, StatefulSets, ReplicaSets and Pods,
   * e.g. `app-platform.io/installation=abc`; set-based terms such as
   * `app-platform.io/component in (service,middleware)` work too.
   */
  labelSelector: string;
  /**
   * The label naming the service (or middleware instance) on all of them:
   * pod templates carry it to ReplicaSets and Pods.
   */
  serviceLabel: string;
  timings?: Partial<ReflectorTimings>;
  /** Called when one resource's watch ends and is reopened (for metrics). */
  onWatchRestart?: (resource: WatchedKind, reason: WatchRestartReason) => void;
};

/** The resources the cache watches, as named in messages and metrics. */
export type WatchedKind =
  | 'Deployments'
  | 'StatefulSets'
  | 'ReplicaSets'
  | 'Pods'
  | 'Events';

const DEFAULT_TIMINGS: ReflectorTimings = {
  // Real API servers send a bookmark about once a minute; a watch quiet for
  // longer than that (plus slack) is not just a quiet resource.
  silenceMs: 90_000,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
  watchTimeoutSeconds: 300,
};

type Group = {
  deployments: Map<string, V1Deployment>;
  statefulSets: Map<string, V1StatefulSet>;
  replicaSets: Map<string, V1ReplicaSet>;
  pods: Map<string, V1Pod>;
};

type Listener = (keys: ServiceKey[]) => void;

/**
 * Events of namespaces without objects of ours are held back this long, at
 * most this many, in case such an object arrives (see the class comment).
 */
const HELD_BACK_MS = 60_000;
const HELD_BACK_MAX = 1_000;

/**
 * A watch-based cache of the platform's workloads in one cluster, so that
 * the status of services and middleware instances is answered from memory
 * instead of by polling the cluster per request. It list+watches (see
 * `Reflector`) Deployments, StatefulSets, ReplicaSets and Pods carrying
 * `labelSelector`, and Events.
 *
 * Events carry no labels of ours, so they cannot be selected by label. The
 * cache watches all Events of the cluster but keeps only those in namespaces
 * that hold at least one of our objects (Events of other namespaces are held
 * back for a minute, at most 1,000, and taken in if such an object arrives
 * meanwhile: the Events of a first deploy into a namespace often come before
 * its objects), and matches them to a service by
 * `involvedObject` when read. Matching at read time (rather than on arrival)
 * is needed because the Event about a Pod often arrives on its watch before
 * the Pod does on the Pods watch. The namespace filter bounds memory on shared
 * clusters; older Events from before a namespace got its first object are
 * not kept, which costs little since conditions and container states, not
 * Events, are the primary source of `deriveServiceState`. The Events watch
 * starts after the first sync of the other four, so that filter is populated.
 *
 * Every list page is a `KubeClients.call` with its deadline; watches end after
 * `silenceMs` without an event or bookmark (which also bounds connecting). A
 * cluster that fails shows in `health()` as `failed` with the reason; the
 * cache keeps retrying with back-off and serves its last known objects.
 */
export class ClusterWatchCache {
  private readonly groups = new Map<string, Group>();
  private readonly namespaceCounts = new Map<string, number>();
  /**
   * Events by the object they are about (`objectKey`), then name: a
   * service's reads look at its own objects' Events, not its namespace's.
   */
  private readonly eventsByObject = new Map<string, Map<string, CoreV1Event>>();
  /** Refused Events by namespace/name, oldest first, with when they came. */
  private readonly heldBack = new Map<string, { e: CoreV1Event; at: number }>();
  private readonly listeners = new Set<Listener>();
  private readonly healthListeners = new Set<() => void>();
  private pending = new Map<string, ServiceKey>();
  private flushScheduled = false;
  private stopped = false;
  private readonly deployments: Reflector<V1Deployment>;
  private readonly statefulSets: Reflector<V1StatefulSet>;
  private readonly replicaSets: Reflector<V1ReplicaSet>;
  private readonly pods: Reflector<V1Pod>;
  private events: Reflector<CoreV1Event> | undefined;
  private readonly readyPromise: Promise<void>;

  private constructor(private readonly options: ClusterWatchCacheOptions) {
    const timings = { ...DEFAULT_TIMINGS, ...options.timings };
    const common = {
      labelSelector: options.labelSelector,
      kubeConfig: () => options.clients.trackingKubeConfig(options.cluster),
      onHealth: () => this.healthChanged(),
      timings,
    };
    const restarts = (resource: WatchedKind) =>
      options.onWatchRestart
        ? (reason: WatchRestartReason) =>
            options.onWatchRestart?.(resource, reason)
        : undefined;
    this.deployments = Reflector.create<V1Deployment>({
      ...common,
      kind: 'Deployments',
      onWatchRestart: restarts('Deployments'),
      path: '/apis/apps/v1/deployments',
      listPage: this.lister('list Deployments', (apis, page) =>
        apis.apps.listDeploymentForAllNamespaces(page),
      ),
      onChange: (obj, previous, deleted) =>
        this.indexChange('deployments', obj, previous, deleted),
    });
    this.statefulSets = Reflector.create<V1StatefulSet>({
      ...common,
      kind: 'StatefulSets',
      onWatchRestart: restarts('StatefulSets'),
      path: '/apis/apps/v1/statefulsets',
      listPage: this.lister('list StatefulSets', (apis, page) =>
        apis.apps.listStatefulSetForAllNamespaces(page),
      ),
      onChange: (obj, previous, deleted) =>
        this.indexChange('statefulSets', obj, previous, deleted),
    });
    this.replicaSets = Reflector.create<V1ReplicaSet>({
      ...common,
      kind: 'ReplicaSets',
      onWatchRestart: restarts('ReplicaSets'),
      path: '/apis/apps/v1/replicasets',
      listPage: this.lister('list ReplicaSets', (apis, page) =>
        apis.apps.listReplicaSetForAllNamespaces(page),
      ),
      onChange: (obj, previous, deleted) =>
        this.indexChange('replicaSets', obj, previous, deleted),
    });
    this.pods = Reflector.create<V1Pod>({
      ...common,
      kind: 'Pods',
      onWatchRestart: restarts('Pods'),
      path: '/api/v1/pods',
      listPage: this.lister('list Pods', (apis, page) =>
        apis.core.listPodForAllNamespaces(page),
      ),
      onChange: (obj, previous, deleted) =>
        this.indexChange('pods', obj, previous, deleted),
    });
    this.readyPromise = Promise.all([
      this.deployments.ready(),
      this.statefulSets.ready(),
      this.replicaSets.ready(),
      this.pods.ready(),
    ]).then(async () => {
      if (this.stopped) return;
      this.events = Reflector.create<CoreV1Event>({
        ...common,
        labelSelector: undefined,
        kind: 'Events',
        onWatchRestart: restarts('Events'),
        path: '/api/v1/events',
        listPage: this.lister('list Events', (apis, page) =>
          apis.core.listEventForAllNamespaces({
            ...page,
            labelSelector: undefined,
          }),
        ),
        accept: e => {
          if (this.namespaceCounts.has(e.metadata?.namespace ?? '')) {
            return true;
          }
          this.holdBack(e);
          return false;
        },
        onChange: (e, _previous, deleted) => this.eventChange(e, deleted),
      });
      await this.events.ready();
    });
  }

  /** Starts list+watch at once; `ready()` tells when the first sync is done. */
  static create(options: ClusterWatchCacheOptions): ClusterWatchCache {
    return new ClusterWatchCache(options);
  }

  get clusterName(): string {
    return this.options.cluster.name;
  }

  /**
   * Resolves once all five resources have been listed (or the cache was
   * stopped). Never rejects: a sick cluster keeps it pending and shows in
   * `health()`, so callers should race it with their own deadline.
   */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  health(): ClusterHealth {
    const parts: ReflectorHealth[] = [
      this.deployments.health(),
      this.statefulSets.health(),
      this.replicaSets.health(),
      this.pods.health(),
      this.events?.health() ?? {
        state: 'resyncing',
        reason: 'Events not listed yet',
      },
    ];
    return (
      parts.find(p => p.state === 'failed') ??
      parts.find(p => p.state === 'resyncing') ?? { state: 'synced' }
    );
  }

  /** How many objects the cache holds, by resource (Events: only those kept). */
  objectCounts(): Record<WatchedKind, number> {
    return {
      Deployments: this.deployments.size,
      StatefulSets: this.statefulSets.size,
      ReplicaSets: this.replicaSets.size,
      Pods: this.pods.size,
      Events: this.events?.size ?? 0,
    };
  }

  /** Called with the services whose objects changed, batched per tick. Returns an unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called whenever `health()` may have changed. Returns an unsubscribe function. */
  onHealthChange(listener: () => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** The services with at least one object in the cache, optionally in one namespace. */
  services(namespace?: string): ServiceKey[] {
    const keys: ServiceKey[] = [];
    for (const key of this.groups.keys()) {
      const parsed = parseKey(key);
      if (namespace === undefined || parsed.namespace === namespace) {
        keys.push(parsed);
      }
    }
    return keys;
  }

  /**
   * A service's Deployment or StatefulSet, ReplicaSets, Pods and the Events
   * about them.
   */
  serviceObjects(namespace: string, service: string): ServiceObjects {
    const group = this.groups.get(groupKey(namespace, service));
    if (!group) return { replicaSets: [], pods: [], events: [] };
    const deployment = [...group.deployments.values()][0];
    const statefulSet = [...group.statefulSets.values()][0];
    const replicaSets = [...group.replicaSets.values()];
    const pods = [...group.pods.values()];
    const events: CoreV1Event[] = [];
    const collect = (kind: string, obj: KubernetesObject) => {
      const about = this.eventsByObject.get(
        objectKey(namespace, kind, obj.metadata?.name),
      );
      for (const e of about?.values() ?? []) {
        // Not about an earlier object of the same name (a re-created Pod).
        const uid = e.involvedObject?.uid;
        if (!uid || uid === obj.metadata?.uid) events.push(e);
      }
    };
    if (deployment) collect('Deployment', deployment);
    if (statefulSet) collect('StatefulSet', statefulSet);
    replicaSets.forEach(rs => collect('ReplicaSet', rs));
    pods.forEach(pod => collect('Pod', pod));
    return { deployment, statefulSet, replicaSets, pods, events };
  }

  /**
   * The service's state from the cache. While the cluster's cache is
   * `failed` the objects may be stale, so the state says so (reason
   * `ApiError`) instead of presenting old news as current.
   */
  serviceState(namespace: string, service: string): ServiceState {
    const state = deriveServiceState(this.serviceObjects(namespace, service));
    const health = this.health();
    if (health.state === 'failed') {
      return {
        ...state,
        state: 'failed',
        reason: 'ApiError',
        message: health.reason,
      };
    }
    return state;
  }

  /** Stops every watch, list and timer; resolves when all have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([
      this.deployments.stop(),
      this.statefulSets.stop(),
      this.replicaSets.stop(),
      this.pods.stop(),
    ]);
    // Created only after the others' first sync, which may just have happened.
    await this.events?.stop();
    this.heldBack.clear();
    this.listeners.clear();
    this.healthListeners.clear();
  }

  private lister<T extends KubernetesObject>(
    operation: string,
    list: (
      apis: KubeApis,
      page: { labelSelector?: string; limit: number; _continue?: string },
    ) => Promise<{
      items: T[];
      metadata?: { resourceVersion?: string; _continue?: string };
    }>,
  ) {
    return async (
      continueToken: string | undefined,
      signal: AbortSignal,
    ): Promise<ListPage<T>> => {
      const result = await this.options.clients.call(
        this.options.cluster,
        operation,
        apis =>
          list(apis, {
            labelSelector: this.options.labelSelector,
            limit: 500,
            _continue: continueToken,
          }),
        { signal },
      );
      return {
        items: result.items,
        resourceVersion: result.metadata?.resourceVersion,
        continueToken: result.metadata?._continue,
      };
    };
  }

  private indexChange(
    kind: keyof Group,
    obj: KubernetesObject,
    previous: KubernetesObject | undefined,
    deleted: boolean,
  ) {
    const name = obj.metadata?.name ?? '';
    const before = previous && this.keyOf(previous);
    const after = deleted ? undefined : this.keyOf(obj);
    if (before && before !== after) {
      const group = this.groups.get(before);
      if (group?.[kind].delete(name)) {
        this.dropIfEmpty(before, group);
      }
      this.touch(before);
    }
    if (after) {
      let group = this.groups.get(after);
      if (!group) {
        group = {
          deployments: new Map(),
          statefulSets: new Map(),
          replicaSets: new Map(),
          pods: new Map(),
        };
        this.groups.set(after, group);
        const ns = parseKey(after).namespace;
        const count = this.namespaceCounts.get(ns) ?? 0;
        this.namespaceCounts.set(ns, count + 1);
        (group[kind] as Map<string, KubernetesObject>).set(name, obj);
        if (count === 0) this.releaseHeldBack(ns);
      } else {
        (group[kind] as Map<string, KubernetesObject>).set(name, obj);
      }
      this.touch(after);
    }
  }

  private dropIfEmpty(key: string, group: Group) {
    if (
      group.deployments.size ||
      group.statefulSets.size ||
      group.replicaSets.size ||
      group.pods.size
    ) {
      return;
    }
    this.groups.delete(key);
    const ns = parseKey(key).namespace;
    const count = (this.namespaceCounts.get(ns) ?? 1) - 1;
    if (count > 0) this.namespaceCounts.set(ns, count);
    else this.namespaceCounts.delete(ns);
  }

  /**
   * Keeps an Event of a namespace without objects of ours for a while: the
   * Events watch often brings the first Events of a deploy (ScalingReplicaSet,
   * SuccessfulCreate, Scheduled) before the other watches bring the objects
   * that make the namespace ours.
   */
  private holdBack(e: CoreV1Event) {
    const key = `${e.metadata?.namespace}/${e.metadata?.name}`;
    const now = Date.now();
    this.heldBack.delete(key);
    this.heldBack.set(key, { e, at: now });
    for (const [k, held] of this.heldBack) {
      if (this.heldBack.size <= HELD_BACK_MAX && now - held.at < HELD_BACK_MS) {
        break;
      }
      this.heldBack.delete(k);
    }
  }

  /** Takes in the held-back Events of a namespace that just got its first object. */
  private releaseHeldBack(namespace: string) {
    if (!this.events || this.heldBack.size === 0) return;
    const now = Date.now();
    for (const [key, held] of [...this.heldBack]) {
      if (held.e.metadata?.namespace !== namespace) continue;
      this.heldBack.delete(key);
      if (now - held.at < HELD_BACK_MS) this.events.admit(held.e);
    }
  }

  private eventChange(e: CoreV1Event, deleted: boolean) {
    const io = e.involvedObject;
    const namespace = e.metadata?.namespace;
    const name = e.metadata?.name;
    if (!namespace || !name || !io?.name) return;
    const about = objectKey(namespace, io.kind, io.name);
    let events = this.eventsByObject.get(about);
    if (deleted) {
      events?.delete(name);
      if (events?.size === 0) this.eventsByObject.delete(about);
    } else {
      if (!events) {
        events = new Map();
        this.eventsByObject.set(about, events);
      }
      events.set(name, e);
    }
    const byKind: Record<string, Reflector<KubernetesObject> | undefined> = {
      Pod: this.pods,
      ReplicaSet: this.replicaSets,
      Deployment: this.deployments,
      StatefulSet: this.statefulSets,
    };
    const obj = byKind[io.kind ?? '']?.get(namespace, io.name);
    const key = obj && this.keyOf(obj);
    if (key) this.touch(key);
  }

  private keyOf(obj: KubernetesObject): string | undefined {
    const service = obj.metadata?.labels?.[this.options.serviceLabel];
    const namespace = obj.metadata?.namespace;
    return service && namespace ? groupKey(namespace, service) : undefined;
  }

  /**
   * Batches notifications: a relist or a burst of watch events reports each
   * service once, in a microtask, so listeners see a consistent cache.
   */
  private touch(key: string) {
    if (!this.pending.has(key)) this.pending.set(key, parseKey(key));
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      const keys = [...this.pending.values()];
      this.pending = new Map();
      for (const listener of this.listeners) listener(keys);
    });
  }

  private healthChanged() {
    for (const listener of this.healthListeners) listener();
  }
}

/** What an Event is about: `namespace/kind/name`. */
function objectKey(
  namespace: string,
  kind: string | undefined,
  name: string | undefined,
): string {
  return `${namespace}/${kind}/${name}`;
}

function groupKey(namespace: string, service: string) {
  return `${namespace}\u0000${service}`;
}

function parseKey(key: string): ServiceKey {
  const [namespace, service] = key.split('\u0000');
  return { namespace, service };
}
