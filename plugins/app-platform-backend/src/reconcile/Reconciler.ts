import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import pLimit from 'p-limit';
import {
  ClusterConnection,
  describeKubeError,
  isClusterUnavailable,
} from '../kube/KubeClients';
import { BackoffPolicy, backoffDelay } from './backoffDelay';
import {
  ObservedTarget,
  ReconcileDomain,
  ReconcileScope,
} from './ReconcileDomain';
import { ReconcileStatusStore, TargetStatus } from './ReconcileStatusStore';

/** Where the reconciler gets the clusters that may receive commands now. */
export type HealthyClusterSource = {
  healthyConnections(): Promise<ClusterConnection[]>;
  /** Takes a cluster out of the healthy ones until its next good probe. */
  reportUnavailable(name: string, reason: string): Promise<void>;
};

/** Which part of the desired state a pass converges. */
export type PassScope = ReconcileScope & {
  /** Only these domains. */
  domain?: string;
  /** Only these clusters (of the healthy ones). */
  clusters?: string[];
  /** Retry failed targets now instead of at their next attempt. */
  retryNow?: boolean;
};

export const RECONCILE_TASK_ID = 'app-platform-reconcile';
/** Clusters converged at once in a pass: a deploy to 10 clusters takes about as long as to one. */
const DEFAULT_CLUSTER_CONCURRENCY = 16;
const TARGET_CONCURRENCY = 4;

function readDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): number {
  return durationToMilliseconds(
    config.has(key) ? readDurationFromConfig(config, { key }) : fallback,
  );
}

/**
 * The one reconcile mechanism of the platform. The database holds the desired
 * state; each pass, for every domain and every healthy cluster, observes the
 * cluster once, converges each target that is out of sync (concurrently and
 * bounded), and records per (target, cluster) its state, the reason of a
 * failure, the failed attempts and when it is retried (exponential backoff).
 *
 * Passes run as a global scheduler task every `appPlatform.reconcile.interval`
 * (one replica at a time), and at once in-process when a request changes the
 * desired state or a cluster becomes healthy (`wake`). Nothing depends on a
 * pass finishing: a crash anywhere is repaired by the next one.
 */
export class Reconciler {
  private readonly domains = new Map<string, ReconcileDomain>();
  /**
   * Targets being converged in this process, by domain, target and cluster: a
   * pass that meets one (a woken pass and the scheduled one) waits for it
   * instead of converging and recording it a second time.
   */
  private readonly inFlight = new Map<string, Promise<void>>();

  private constructor(
    private readonly clusters: HealthyClusterSource,
    private readonly status: ReconcileStatusStore,
    private readonly logger: LoggerService,
    private readonly intervalMs: number,
    private readonly backoff: BackoffPolicy,
    private readonly clusterConcurrency: number,
  ) {}

  static fromConfig(
    config: Config,
    options: {
      clusters: HealthyClusterSource;
      status: ReconcileStatusStore;
      logger: LoggerService;
    },
  ): Reconciler {
    return new Reconciler(
      options.clusters,
      options.status,
      options.logger,
      readDuration(config, 'appPlatform.reconcile.interval', { seconds: 10 }),
      {
        initialMs: readDuration(
          config,
          'appPlatform.reconcile.initialBackoff',
          { seconds: 2 },
        ),
        maxMs: readDuration(config, 'appPlatform.reconcile.maxBackoff', {
          minutes: 5,
        }),
      },
      config.getOptionalNumber('appPlatform.reconcile.clusterConcurrency') ??
        DEFAULT_CLUSTER_CONCURRENCY,
    );
  }

  addDomain(domain: ReconcileDomain): void {
    this.domains.set(domain.name, domain);
  }

  /** Runs a pass over everything on every interval, on one replica at a time. */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: RECONCILE_TASK_ID,
      scope: 'global',
      frequency: { milliseconds: this.intervalMs },
      timeout: { minutes: 10 },
      initialDelay: { milliseconds: Math.min(this.intervalMs, 1000) },
      fn: () => this.runPass(),
    });
  }

  /**
   * Runs a pass now, in this process, for the given scope; resolves when it
   * has ended. Requests call it after recording what they want.
   */
  async wake(scope: PassScope = {}): Promise<void> {
    try {
      await this.runPass(scope);
    } catch (error) {
      // The scheduled pass repairs whatever this one could not do.
      this.logger.warn(`Reconcile pass failed: ${error}`);
    }
  }

  /** Wakes without waiting, for callers that must not be held up. */
  wakeSoon(scope: PassScope = {}): void {
    void this.wake(scope);
  }

  async runPass(scope: PassScope = {}): Promise<void> {
    const healthy = await this.clusters.healthyConnections();
    const connections = scope.clusters
      ? healthy.filter(c => scope.clusters!.includes(c.name))
      : healthy;
    const domains = [...this.domains.values()].filter(
      d => scope.domain === undefined || d.name === scope.domain,
    );
    const limit = pLimit(this.clusterConcurrency);
    for (const domain of domains) {
      await Promise.allSettled(
        connections.map(connection =>
          limit(() => this.reconcileCluster(domain, connection, scope)),
        ),
      );
      await domain.settle?.(healthy.map(c => c.name));
    }
  }

  /** Records a failure that happened outside a pass, e.g. in a request's pre-check. */
  async recordFailure(
    domain: string,
    target: string,
    cluster: string,
    reason: string,
    previous?: TargetStatus,
  ): Promise<void> {
    const attempts = (previous?.attempts ?? 0) + 1;
    await this.status.record(
      { domain, target, cluster },
      {
        state: 'failed',
        reason,
        attempts,
        nextAttemptAt: new Date(
          Date.now() + backoffDelay(attempts, this.backoff),
        ),
        attempted: true,
      },
    );
  }

  private async reconcileCluster(
    domain: ReconcileDomain,
    connection: ClusterConnection,
    scope: PassScope,
  ): Promise<void> {
    const key = (target: string) => ({
      domain: domain.name,
      target,
      cluster: connection.name,
    });
    const known = new Map(
      (
        await this.status.list(domain.name, {
          cluster: connection.name,
          target: scope.target,
        })
      ).map(s => [s.target, s]),
    );

    let observed: ObservedTarget[];
    try {
      observed = await domain.observe(connection, scope);
    } catch (error) {
      const reason = describeKubeError(error);
      this.logger.warn(
        `Cannot observe ${domain.name} on cluster ${connection.name}: ${reason}`,
      );
      if (isClusterUnavailable(error)) {
        await this.clusters.reportUnavailable(connection.name, reason);
      }
      const failing = scope.target ? [scope.target] : [...known.keys()];
      await Promise.all(
        failing.map(target =>
          this.recordFailure(
            domain.name,
            target,
            connection.name,
            reason,
            known.get(target),
          ),
        ),
      );
      return;
    }

    if (scope.target === undefined) {
      // A status whose target neither should be nor is on the cluster is stale.
      const seen = new Set(observed.map(o => o.target));
      await Promise.all(
        [...known.keys()]
          .filter(t => !seen.has(t))
          .map(t => this.status.forget(key(t))),
      );
    }

    const now = Date.now();
    const limit = pLimit(TARGET_CONCURRENCY);
    await Promise.all(
      observed.map(item =>
        limit(() =>
          this.singleFlight(
            [domain.name, item.target, connection.name].join('\u0000'),
            async () => {
              const previous = known.get(item.target);
              if (!item.inSync) {
                const waiting =
                  previous?.state === 'failed' &&
                  previous.nextAttemptAt !== undefined &&
                  Date.parse(previous.nextAttemptAt) > now;
                if (waiting && !scope.retryNow && scope.target === undefined)
                  return;
                try {
                  await domain.converge(connection, item);
                } catch (error) {
                  const reason = describeKubeError(error);
                  this.logger.warn(
                    `${domain.name} ${item.target} on cluster ${connection.name}: ${reason}`,
                  );
                  await this.recordFailure(
                    domain.name,
                    item.target,
                    connection.name,
                    reason,
                    previous,
                  );
                  return;
                }
              }
              if (item.desired === 'absent') {
                if (previous) await this.status.forget(key(item.target));
              } else if (
                previous?.state !== 'ready' ||
                previous.attempts !== 0
              ) {
                await this.status.record(key(item.target), {
                  state: 'ready',
                  attempts: 0,
                  attempted: !item.inSync,
                });
              }
            },
          ),
        ),
      ),
    );
  }

  private singleFlight(key: string, work: () => Promise<void>): Promise<void> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const flight = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flight);
    return flight;
  }
}
