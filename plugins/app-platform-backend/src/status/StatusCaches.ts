import type { LoggerService } from '@backstage/backend-plugin-api';
import type { CoreV1Event } from '@kubernetes/client-node';
import {
  APP_PLATFORM_LABELS,
  ServiceClusterStatus,
} from '@internal/plugin-app-platform-common';
import { Meter, metrics, ObservableResult } from '@opentelemetry/api';
import { ClusterConnection, KubeClients } from '../kube/KubeClients';
import {
  ClusterHealth,
  ClusterWatchCache,
  ServiceKey,
  WatchedKind,
} from './ClusterWatchCache';
import { toMillis, Workload, workloadOf } from './deriveServiceState';
import { ReflectorTimings } from './Reflector';

/** Where the caches learn which clusters exist (a `ClusterRegistry` fits). */
export type StatusClusterSource = {
  list(): Promise<ReadonlyArray<{ name: string }>>;
  connection(name: string): Promise<ClusterConnection>;
};

export type StatusCachesOptions = {
  kube: KubeClients;
  clusters: StatusClusterSource;
  /**
   * Selects the platform's Deployments, StatefulSets, ReplicaSets and Pods:
   * those of services and of middleware instances, e.g.
   * `app-platform.io/installation=abc,app-platform.io/component in (service,middleware)`.
   */
  labelSelector: string;
  logger: LoggerService;
  timings?: Partial<ReflectorTimings>;
  /** Defaults to `APP_PLATFORM_LABELS.service`. */
  serviceLabel?: string;
  /** Defaults to `metrics.getMeter('app-platform')`. */
  meter?: Meter;
};

export type ServiceChangeListener = (
  cluster: string,
  keys: ServiceKey[],
) => void;

type Entry = {
  cache: ClusterWatchCache;
  connection: ClusterConnection;
  synced: boolean;
  /** What the last health change meant for status: `ok`, or `failed: <reason>`. */
  statusHealth: string;
};

/**
 * One `ClusterWatchCache` per registered cluster, and the status of services
 * and middleware instances the platform shows, answered from those caches
 * only (never by a cluster call per request). An instance is addressed like a
 * service, by its name (the service label on its objects).
 *
 * `sync()` brings the set of caches in line with the cluster list: call it at
 * start, whenever clusters are registered or removed, and from
 * `ClusterRegistry.onClusterHealthy`. Calls may overlap; they are coalesced.
 */
export class StatusCaches {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<ServiceChangeListener>();
  private readonly serviceLabel: string;
  private readonly restarts;
  private readonly objectsGauge;
  private readonly observeObjects = (result: ObservableResult) => {
    for (const [cluster, entry] of this.entries) {
      const counts = entry.cache.objectCounts();
      for (const kind of Object.keys(counts) as WatchedKind[]) {
        result.observe(counts[kind], { cluster, kind });
      }
    }
  };
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private stopped = false;

  private constructor(private readonly options: StatusCachesOptions) {
    this.serviceLabel = options.serviceLabel ?? APP_PLATFORM_LABELS.service;
    const meter = options.meter ?? metrics.getMeter('app-platform');
    this.restarts = meter.createCounter('app_platform_status_watch_restarts', {
      description:
        'Watches of the status caches that ended and were reopened, by cluster, resource and reason (closed, gone, silent, error)',
    });
    this.objectsGauge = meter.createObservableGauge(
      'app_platform_status_cache_objects',
      {
        description: 'Objects held by the status caches, by cluster and kind',
      },
    );
    this.objectsGauge.addCallback(this.observeObjects);
  }

  /** Creates the caches' owner; no cache starts before the first `sync()`. */
  static create(options: StatusCachesOptions): StatusCaches {
    return new StatusCaches(options);
  }

  /**
   * Starts a cache for every listed cluster that has none (or whose
   * connection changed) and stops those of clusters no longer listed. A
   * failure to read the list is logged and leaves the caches as they are.
   */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    const run = async () => {
      do {
        this.syncAgain = false;
        await this.syncOnce();
      } while (this.syncAgain && !this.stopped);
    };
    this.syncing = run().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** The names of the clusters that have a cache. */
  clusters(): string[] {
    return [...this.entries.keys()];
  }

  /** The cache's health for the cluster; `undefined` when it has no cache. */
  health(cluster: string): ClusterHealth | undefined {
    return this.entries.get(cluster)?.cache.health();
  }

  /**
   * Whether the cluster's cache has completed its first sync. Until then
   * `liveWorkload` and `serviceEvents` know nothing, which
   * is not the same as "there is none".
   */
  hasSynced(cluster: string): boolean {
    return this.entries.get(cluster)?.synced ?? false;
  }

  /**
   * A service's status on one cluster, from memory. A cluster without a
   * cache, or whose cache is `failed`, gives `failed` / `ClusterUnavailable`
   * with the reason; one still on its first sync gives `pending` / `Syncing`.
   */
  serviceStatus(
    cluster: string,
    namespace: string,
    service: string,
  ): ServiceClusterStatus {
    const counts = { readyReplicas: 0, desiredReplicas: 0, updatedReplicas: 0 };
    const entry = this.entries.get(cluster);
    if (!entry) {
      return {
        cluster,
        state: 'failed',
        reason: 'ClusterUnavailable',
        message: `No status cache for cluster ${cluster} (not registered, or removed)`,
        ...counts,
      };
    }
    const health = entry.cache.health();
    if (health.state === 'failed') {
      return {
        cluster,
        state: 'failed',
        reason: 'ClusterUnavailable',
        message: health.reason,
        ...counts,
      };
    }
    if (!entry.synced) {
      return {
        cluster,
        state: 'pending',
        reason: 'Syncing',
        message: `Status of cluster ${cluster} is being loaded`,
        ...counts,
      };
    }
    const state = entry.cache.serviceState(namespace, service);
    const version = versionNumber(
      workloadOf(entry.cache.serviceObjects(namespace, service))?.object,
    );
    return {
      cluster,
      state: state.state,
      ...(state.reason !== undefined && { reason: state.reason }),
      ...(state.message !== undefined && { message: state.message }),
      ...(version !== undefined && { version }),
      readyReplicas: state.readyReplicas,
      desiredReplicas: state.desiredReplicas,
      updatedReplicas: state.updatedReplicas,
    };
  }

  /**
   * Called with the services of a cluster whose status may have changed:
   * their objects changed, or the cluster's cache became (or stopped being)
   * `failed`, finished its first sync, or was removed. Batched per tick.
   * Returns an unsubscribe function.
   */
  onServiceChange(listener: ServiceChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Waits for any `sync()` in progress and the first sync of every cache, at
   * most `timeoutMs`. True when all were synced in time; a sick cluster makes
   * it false, never hang or throw.
   */
  async ready(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>(resolve => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const all = (async () => {
      await this.syncing;
      await Promise.all([...this.entries.values()].map(e => e.cache.ready()));
      return [...this.entries.values()].every(e => e.synced);
    })();
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The Deployment or StatefulSet whose rollout is the state of the service
   * or middleware instance, with its kind, as the cache last saw it (for
   * rollout details, drift detection and telling which record's objects the
   * cache has seen). `undefined` when there is none, and also when the
   * cluster has no synced cache: check `hasSynced` (or `serviceStatus`)
   * before reading absence as "deleted".
   */
  liveWorkload(
    cluster: string,
    namespace: string,
    service: string,
  ): Workload | undefined {
    const entry = this.entries.get(cluster);
    return entry && workloadOf(entry.cache.serviceObjects(namespace, service));
  }

  /**
   * The cached Events about the service's Deployment or StatefulSet,
   * ReplicaSets and Pods,
   * oldest first (by `eventTime`, else `lastTimestamp`, `firstTimestamp`,
   * creation), for a deploy timeline.
   */
  serviceEvents(
    cluster: string,
    namespace: string,
    service: string,
  ): CoreV1Event[] {
    const entry = this.entries.get(cluster);
    if (!entry) return [];
    const events = [
      ...entry.cache.serviceObjects(namespace, service).events,
    ].map(e => ({ e, at: eventMillis(e) }));
    events.sort(
      (a, b) =>
        a.at - b.at ||
        (a.e.metadata?.name ?? '').localeCompare(b.e.metadata?.name ?? ''),
    );
    return events.map(({ e }) => e);
  }

  /** Stops every cache and the metrics callback; later `sync()`s do nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.objectsGauge.removeCallback(this.observeObjects);
    await this.syncing?.catch(() => {});
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(e => e.cache.stop()));
    this.listeners.clear();
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    const { logger } = this.options;
    let names: Set<string>;
    try {
      names = new Set((await this.options.clusters.list()).map(c => c.name));
    } catch (error) {
      logger.warn(`Status caches: could not list clusters: ${error}`);
      return;
    }
    const stops: Promise<void>[] = [];
    for (const name of [...this.entries.keys()]) {
      if (!names.has(name)) {
        logger.info(
          `Status cache for cluster ${name} stopped: cluster removed`,
        );
        stops.push(this.remove(name));
      }
    }
    await Promise.all(
      [...names].map(async name => {
        let connection: ClusterConnection;
        try {
          connection = await this.options.clusters.connection(name);
        } catch (error) {
          logger.warn(
            `Status cache for cluster ${name} not started: no connection: ${error}`,
          );
          return;
        }
        if (this.stopped) return;
        const existing = this.entries.get(name);
        if (existing && sameConnection(existing.connection, connection)) return;
        if (existing) {
          logger.info(
            `Status cache for cluster ${name} restarted: connection changed`,
          );
          stops.push(this.remove(name));
        }
        this.start(connection);
      }),
    );
    await Promise.all(stops);
  }

  private start(connection: ClusterConnection) {
    const cluster = connection.name;
    const cache = ClusterWatchCache.create({
      cluster: connection,
      clients: this.options.kube,
      labelSelector: this.options.labelSelector,
      serviceLabel: this.serviceLabel,
      timings: this.options.timings,
      onWatchRestart: (resource, reason) =>
        this.restarts.add(1, { cluster, resource, reason }),
    });
    const entry: Entry = {
      cache,
      connection,
      synced: false,
      statusHealth: 'ok',
    };
    this.entries.set(cluster, entry);
    cache.onChange(keys => this.notify(cluster, keys));
    cache.onHealthChange(() => this.healthChanged(cluster, entry));
    this.options.logger.info(`Status cache for cluster ${cluster} started`);
    cache.ready().then(() => {
      if (this.entries.get(cluster) !== entry) return;
      entry.synced = true;
      this.options.logger.info(`Status cache for cluster ${cluster} synced`);
      // Services already reported while loading were `pending`.
      this.notify(cluster, cache.services());
    });
  }

  private async remove(cluster: string): Promise<void> {
    const entry = this.entries.get(cluster);
    if (!entry) return;
    const keys = entry.cache.services();
    this.entries.delete(cluster);
    await entry.cache.stop();
    this.notify(cluster, keys);
  }

  private healthChanged(cluster: string, entry: Entry) {
    if (this.entries.get(cluster) !== entry) return;
    const health = entry.cache.health();
    const statusHealth =
      health.state === 'failed' ? `failed: ${health.reason}` : 'ok';
    if (statusHealth === entry.statusHealth) return;
    const wasFailed = entry.statusHealth !== 'ok';
    entry.statusHealth = statusHealth;
    if (health.state === 'failed' && !wasFailed) {
      this.options.logger.warn(
        `Status cache for cluster ${cluster} failed: ${health.reason}`,
      );
    } else if (health.state !== 'failed') {
      this.options.logger.info(`Status cache for cluster ${cluster} recovered`);
    }
    this.notify(cluster, entry.cache.services());
  }

  private notify(cluster: string, keys: ServiceKey[]) {
    if (keys.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(cluster, keys);
      } catch (error) {
        this.options.logger.warn(
          `Status change listener failed for cluster ${cluster}: ${error}`,
        );
      }
    }
  }
}

/** The released version from the pod template's version label, if it is a number. */
function versionNumber(workload: Workload['object'] | undefined) {
  const value =
    workload?.spec?.template?.metadata?.labels?.[APP_PLATFORM_LABELS.version] ??
    workload?.metadata?.labels?.[APP_PLATFORM_LABELS.version];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function eventMillis(e: CoreV1Event): number {
  const at = toMillis(
    (e.eventTime as Date | string | undefined) ??
      e.lastTimestamp ??
      e.firstTimestamp ??
      e.metadata?.creationTimestamp,
  );
  return Number.isNaN(at) ? 0 : at;
}

function sameConnection(a: ClusterConnection, b: ClusterConnection) {
  return (
    a.url === b.url &&
    a.token === b.token &&
    a.caData === b.caData &&
    a.skipTLSVerify === b.skipTLSVerify
  );
}
