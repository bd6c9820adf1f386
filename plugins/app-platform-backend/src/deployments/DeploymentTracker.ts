import { LoggerService } from '@backstage/backend-plugin-api';
import { Workload } from '../status/deriveServiceState';
import {
  APP_PLATFORM_ANNOTATIONS,
  DeploymentEvent,
  DeploymentRecord,
  isMiddlewareSpec,
  ServiceClusterStatus,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import { metrics } from '@opentelemetry/api';
import { DeploymentRow, DeploymentStore } from './DeploymentStore';
import { WorkloadListener } from './ServiceWorkloads';
import {
  ClusterEvent,
  eventMillis,
  toDeploymentEvent,
} from './toDeploymentEvent';

/** What the tracker reads of the live state: the status caches. */
export type LiveStatusSource = {
  serviceStatus(
    cluster: string,
    namespace: string,
    service: string,
  ): ServiceClusterStatus;
  /** The service's Deployment or the instance's StatefulSet. */
  liveWorkload(
    cluster: string,
    namespace: string,
    service: string,
  ): Workload | undefined;
  serviceEvents(
    cluster: string,
    namespace: string,
    service: string,
  ): ReadonlyArray<ClusterEvent>;
};

/** Told when a record changes, e.g. to signal browsers. */
export type RecordListener = (record: {
  id: string;
  application: string;
  service: string;
  state: DeploymentRecord['state'];
}) => void;

const meter = metrics.getMeter('app-platform');
const deploysCounter = meter.createCounter('app_platform_deploys', {
  description: 'Deployment records finished, by action and result',
});
const settleDuration = meter.createHistogram(
  'app_platform_deploy_settle_duration',
  {
    description: 'Time from a deployment record to its last cluster settling',
    unit: 's',
  },
);

/** Status reasons that say nothing about the rollout itself: wait for the cluster. */
const NOT_ROLLOUT_REASONS = new Set(['ClusterUnavailable', 'Syncing']);

function toMillis(value: Date | string | undefined): number {
  if (value === undefined) return 0;
  return new Date(value).getTime();
}

/**
 * Moves deployment records along: a target the engine applied becomes
 * `succeeded` when the cluster's watch cache shows the record's version
 * running (or stopped, for a stop), and `failed` with the cache's reason
 * (ImagePullBackOff, CrashLoopBackOff, …); a record ends when every target
 * has. It is driven by the caches' change notifications, by the engine
 * (`applied`/`failed`) and by `sweep` on every reconcile pass, which also
 * resumes records after a restart and fails those past their deadline.
 * Every step is a conditional database update, so two replicas agree.
 */
export class DeploymentTracker implements WorkloadListener {
  /** application/service of records in flight, so a pod change costs no query when none is. */
  private readonly inFlight = new Map<string, string>();
  private readonly listeners = new Set<RecordListener>();
  /** Clusters of each record in flight whose service changed since the last look. */
  private readonly changed = new Map<
    string,
    { application: string; service: string; clusters: Set<string> }
  >();
  private flushing: Promise<void> | undefined;
  /**
   * Keys of the cluster Events each record in flight has in its timeline:
   * a rollout's every pod change would otherwise write them all again.
   */
  private readonly copiedEvents = new Map<string, Set<string>>();

  private constructor(
    private readonly store: DeploymentStore,
    private readonly live: LiveStatusSource,
    private readonly logger: LoggerService,
    private readonly deadlineMs: number,
  ) {}

  static create(options: {
    store: DeploymentStore;
    live: LiveStatusSource;
    logger: LoggerService;
    deadlineMs: number;
  }): DeploymentTracker {
    return new DeploymentTracker(
      options.store,
      options.live,
      options.logger,
      options.deadlineMs,
    );
  }

  onRecordChange(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A record was written: watch its service from now on. */
  started(record: { id: string; application: string; service: string }) {
    this.inFlight.set(`${record.application}/${record.service}`, record.id);
    this.notify({ ...record, state: 'deploying' });
  }

  /** The caches saw a change of these services on a cluster. */
  async servicesChanged(
    cluster: string,
    keys: ReadonlyArray<{ namespace: string; service: string }>,
  ): Promise<void> {
    for (const key of keys) {
      const id = this.inFlight.get(`${key.namespace}/${key.service}`);
      if (!id) continue;
      const changed = this.changed.get(id) ?? {
        application: key.namespace,
        service: key.service,
        clusters: new Set<string>(),
      };
      changed.clusters.add(cluster);
      this.changed.set(id, changed);
    }
    // A rollout on many clusters is a stream of pod changes: one read of the
    // record per batch, not one per change, keeps the database free for the engine.
    this.flushing ??= new Promise<void>(resolve => setImmediate(resolve)).then(
      () => this.flushChanged(),
    );
    await this.flushing;
  }

  private async flushChanged(): Promise<void> {
    try {
      while (this.changed.size) {
        const batch = [...this.changed];
        this.changed.clear();
        for (const [id, { application, service, clusters }] of batch) {
          // Changes of clusters the record has not reached yet (the old
          // version's pods, say) need no read of the record.
          const reached = [...clusters].filter(cluster =>
            this.cacheShows(cluster, { id, application, service }),
          );
          if (!reached.length) continue;
          const record = await this.store.get(id);
          if (record) await this.evaluate(record, reached);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Re-reads every record in flight: after a restart, and on every pass. */
  async sweep(): Promise<void> {
    const records = await this.store.listInFlight();
    this.inFlight.clear();
    for (const record of records) {
      this.inFlight.set(`${record.application}/${record.service}`, record.id);
    }
    // Records another replica completed.
    const ids = new Set(records.map(r => r.id));
    for (const id of this.copiedEvents.keys()) {
      if (!ids.has(id)) this.copiedEvents.delete(id);
    }
    for (const record of records) {
      if (Date.now() - toMillis(record.createdAt) > this.deadlineMs) {
        await this.store.failUnsettled(
          record.id,
          'DeadlineExceeded',
          `not settled within ${Math.round(this.deadlineMs / 1000)} s`,
        );
        await this.complete(record);
        continue;
      }
      await this.evaluate(
        record,
        record.targets.map(t => t.cluster),
      );
      // Targets settled by the engine or another replica end the record here.
      await this.complete(record);
    }
  }

  async applied(record: DeploymentRow, cluster: string): Promise<void> {
    // An ExternalName service is done once applied; anything else rolls out.
    const done = serviceSpecOf(record)?.serviceType === 'ExternalName';
    const changed = await this.store.updateTarget(
      record.id,
      cluster,
      { state: done ? 'succeeded' : 'deploying' },
      { reopen: true },
    );
    if (changed) {
      await this.store.addEvents(record.id, [
        this.platformEvent(cluster, 'Applied', 'Normal', 'objects applied'),
      ]);
    }
    // The engine's copy of the record predates this target's new state.
    // Until the cache shows the record's objects there is nothing to judge:
    // their arrival is a change, and evaluated then.
    if (this.cacheShows(cluster, record)) {
      const fresh = await this.store.get(record.id);
      if (!fresh) return;
      await this.evaluate(fresh, [cluster]);
    }
    // A target rolling out keeps the record open: no need to look.
    if (changed && done) await this.complete(record);
  }

  /** Whether the cluster's cache holds the workload this record applied. */
  private cacheShows(
    cluster: string,
    record: { id: string; application: string; service: string },
  ): boolean {
    const live = this.live.liveWorkload(
      cluster,
      record.application,
      record.service,
    )?.object;
    return (
      live?.metadata?.annotations?.[APP_PLATFORM_ANNOTATIONS.deployment] ===
      record.id
    );
  }

  async failed(
    record: DeploymentRow,
    cluster: string,
    reason: string,
  ): Promise<void> {
    const changed = await this.store.updateTarget(record.id, cluster, {
      state: 'failed',
      reason: 'ApplyFailed',
      message: reason,
    });
    if (changed) {
      await this.store.addEvents(record.id, [
        this.platformEvent(cluster, 'ApplyFailed', 'Warning', reason),
      ]);
    }
    await this.complete(record);
  }

  async removed(record: DeploymentRow, cluster: string): Promise<void> {
    if (
      await this.store.updateTarget(record.id, cluster, { state: 'succeeded' })
    ) {
      await this.store.addEvents(record.id, [
        this.platformEvent(cluster, 'Removed', 'Normal', 'objects removed'),
      ]);
    }
    await this.complete(record);
  }

  private async evaluate(
    record: DeploymentRow,
    clusters: string[],
  ): Promise<void> {
    let changedAny = false;
    for (const cluster of clusters) {
      const target = record.targets.find(t => t.cluster === cluster);
      // Only what the engine applied, and rollout failures that may still recover.
      if (
        !target ||
        !(
          target.state === 'deploying' ||
          (target.state === 'failed' &&
            target.reason !== 'ApplyFailed' &&
            target.reason !== 'DeadlineExceeded')
        )
      ) {
        continue;
      }
      if (record.action === 'delete') continue;
      if (!this.cacheShows(cluster, record)) continue;
      const status = this.live.serviceStatus(
        cluster,
        record.application,
        record.service,
      );
      if (status.reason && NOT_ROLLOUT_REASONS.has(status.reason)) continue;
      const wantsStopped = serviceSpecOf(record)?.replicas === 0;
      let change:
        | { state: 'succeeded' | 'failed'; reason?: string; message?: string }
        | undefined;
      if (status.state === 'running' && !wantsStopped) {
        change = { state: 'succeeded' };
      } else if (status.state === 'stopped' && wantsStopped) {
        change = { state: 'succeeded' };
      } else if (status.state === 'failed') {
        change = {
          state: 'failed',
          reason: status.reason ?? 'Failed',
          message: status.message,
        };
      }
      await this.copyEvents(record, cluster);
      if (!change) continue;
      const changed = await this.store.updateTarget(
        record.id,
        cluster,
        change,
        {
          reopen: true,
        },
      );
      if (changed) {
        changedAny = true;
        await this.store.addEvents(record.id, [
          this.platformEvent(
            cluster,
            change.state === 'succeeded' ? 'Succeeded' : change.reason!,
            change.state === 'succeeded' ? 'Normal' : 'Warning',
            change.state === 'succeeded'
              ? `${status.readyReplicas}/${status.desiredReplicas} ready`
              : change.message ?? change.reason!,
          ),
        ]);
      }
    }
    // Most notifications (every pod change of a rollout) change no target.
    if (changedAny) await this.complete(record);
  }

  /** Keeps the cluster's events about the service in the record's timeline. */
  private async copyEvents(record: DeploymentRow, cluster: string) {
    const since = toMillis(record.createdAt) - 1000;
    let copied = this.copiedEvents.get(record.id);
    if (!copied) {
      copied = new Set();
      this.copiedEvents.set(record.id, copied);
    }
    const events: Array<DeploymentEvent & { key: string }> = [];
    for (const e of this.live.serviceEvents(
      cluster,
      record.application,
      record.service,
    )) {
      const key = `${cluster}:${e.metadata?.uid}:${e.count ?? 1}`.slice(0, 128);
      if (copied.has(key) || eventMillis(e) < since) continue;
      events.push({ ...toDeploymentEvent(cluster, e), key });
    }
    // Another replica may have copied them too: the store ignores a key it has.
    await this.store.addEvents(record.id, events);
    for (const e of events) copied.add(e.key);
  }

  private async complete(record: DeploymentRow): Promise<void> {
    const state = await this.store.completeIfSettled(record.id);
    if (!state) return;
    const key = `${record.application}/${record.service}`;
    if (this.inFlight.get(key) === record.id) this.inFlight.delete(key);
    this.copiedEvents.delete(record.id);
    deploysCounter.add(1, { action: record.action, result: state });
    settleDuration.record((Date.now() - toMillis(record.createdAt)) / 1000, {
      action: record.action,
      result: state,
    });
    this.logger.info(
      `Deployment ${record.id} (${record.action} of ${key}) ${state}`,
    );
    this.notify({ ...record, state });
  }

  private notify(record: Parameters<RecordListener>[0]) {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error) {
        this.logger.warn(`Record listener failed: ${error}`);
      }
    }
  }

  private platformEvent(
    cluster: string,
    reason: string,
    type: 'Normal' | 'Warning',
    message: string,
  ): DeploymentEvent {
    return {
      at: new Date().toISOString(),
      cluster,
      type,
      reason,
      message,
      source: 'platform',
    };
  }
}

/** A service's spec; undefined for a middleware instance's record and a delete. */
function serviceSpecOf(record: DeploymentRow): VersionSpec | undefined {
  return record.spec && !isMiddlewareSpec(record.spec)
    ? record.spec
    : undefined;
}
