import { conflictOnUniqueViolation } from '../database/isUniqueViolation';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Cluster,
  ClusterEnvironment,
  ClusterRegistration,
} from '@internal/plugin-app-platform-common';
import { durationToMilliseconds } from '@backstage/types';
import { metrics } from '@opentelemetry/api';
import { Knex } from 'knex';
import fs from 'node:fs';
import pLimit from 'p-limit';
import { AuditLog } from '../audit/AuditLog';
import { ClusterConnection, KubeClients } from '../kube/KubeClients';
import { ClusterStore } from './ClusterStore';
import { probeCluster } from './probeCluster';
import { validateClusterRegistration } from './validateClusterRegistration';

type HealthyListener = (cluster: string) => Promise<void>;

const healthGauge = metrics
  .getMeter('app-platform')
  .createObservableGauge('app_platform_cluster_healthy', {
    description: '1 when the cluster answered its last probe, 0 when not',
  });

/**
 * The registered clusters: from config and from admins through the API. Probes
 * them, and tells listeners when one becomes healthy so it gets caught up.
 */
export class ClusterRegistry {
  private readonly healthyListeners: HealthyListener[] = [];
  private lastHealth = new Map<string, number>();

  private constructor(
    private readonly knex: Knex,
    private readonly store: ClusterStore,
    private readonly kube: KubeClients,
    private readonly audit: AuditLog,
    private readonly logger: LoggerService,
    private readonly probeTimeoutMs: number,
  ) {
    healthGauge.addCallback(result => {
      for (const [cluster, value] of this.lastHealth) {
        result.observe(value, { cluster });
      }
    });
  }

  static create(options: {
    knex: Knex;
    store: ClusterStore;
    kube: KubeClients;
    audit: AuditLog;
    logger: LoggerService;
    config: Config;
  }): ClusterRegistry {
    const timeout = options.config.has('appPlatform.healthProbe.timeout')
      ? durationToMilliseconds(
          readDurationFromConfig(options.config, {
            key: 'appPlatform.healthProbe.timeout',
          }),
        )
      : options.kube.timeoutMs;
    return new ClusterRegistry(
      options.knex,
      options.store,
      options.kube,
      options.audit,
      options.logger,
      timeout,
    );
  }

  /** Called with a cluster's name when it becomes healthy or is registered healthy. */
  onClusterHealthy(listener: HealthyListener): void {
    this.healthyListeners.push(listener);
  }

  list(): Promise<Cluster[]> {
    return this.store.list();
  }

  async get(name: string): Promise<Cluster> {
    const cluster = await this.store.get(name);
    if (!cluster) throw new NotFoundError(`No cluster named "${name}"`);
    return cluster;
  }

  /** Connections to the clusters that may receive commands now. */
  healthyConnections(): Promise<ClusterConnection[]> {
    return this.store.healthyConnections();
  }

  async connection(name: string): Promise<ClusterConnection> {
    const connection = await this.store.connection(name);
    if (!connection) throw new NotFoundError(`No cluster named "${name}"`);
    return connection;
  }

  /** Brings the clusters from `appPlatform.clusters` into the registry. */
  async syncFromConfig(config: Config): Promise<void> {
    const entries = config.getOptionalConfigArray('appPlatform.clusters') ?? [];
    const names = new Set<string>();
    for (const entry of entries) {
      const registration = validateClusterRegistration({
        name: entry.getString('name'),
        url: entry.getString('url'),
        caData: entry.getOptionalString('caData') ?? readFile(entry, 'caFile'),
        token:
          entry.getOptionalString('token') ??
          readFile(entry, 'tokenFile') ??
          '',
        environment: entry.getString('environment') as ClusterEnvironment,
        labels: entry.getOptional('labels') ?? {},
        skipTLSVerify: entry.getOptionalBoolean('skipTLSVerify') ?? false,
      });
      names.add(registration.name);
      await this.store.upsertFromConfig({
        ...registration,
        labels: registration.labels ?? {},
        skipTLSVerify: Boolean(registration.skipTLSVerify),
        source: 'config',
        createdBy: 'app-config',
      });
    }
    for (const stale of await this.store.namesFromConfig()) {
      if (!names.has(stale)) {
        this.logger.info(
          `Cluster ${stale} is no longer in config; removing it`,
        );
        await this.store.delete(stale);
      }
    }
  }

  /**
   * Registers a cluster after checking every field and connecting to it with
   * the given URL, CA and token: nothing is stored unless the cluster answers.
   */
  async register(input: ClusterRegistration, actor: string): Promise<Cluster> {
    const registration = validateClusterRegistration(input);
    if (await this.store.get(registration.name)) {
      throw new ConflictError(
        `A cluster named "${registration.name}" already exists`,
      );
    }
    const connection: ClusterConnection = {
      name: registration.name,
      url: registration.url,
      caData: registration.caData,
      token: registration.token,
      skipTLSVerify: Boolean(registration.skipTLSVerify),
    };
    const probe = await probeCluster(
      this.kube,
      connection,
      this.probeTimeoutMs,
    );
    if (!probe.ok) {
      throw new InputError(
        `Could not connect to cluster "${registration.name}" at ${registration.url}: ${probe.reason}`,
      );
    }
    await conflictOnUniqueViolation(
      () =>
        this.knex.transaction(async trx => {
          await this.store.insert(
            {
              ...registration,
              labels: registration.labels ?? {},
              skipTLSVerify: Boolean(registration.skipTLSVerify),
              source: 'api',
              createdBy: actor,
            },
            trx,
          );
          await this.audit.record(
            {
              actor,
              action: 'cluster.register',
              targetKind: 'cluster',
              targetName: registration.name,
              details: {
                url: registration.url,
                environment: registration.environment,
              },
            },
            trx,
          );
        }),
      `A cluster named "${registration.name}" already exists`,
    );
    this.logger.info(`Cluster ${registration.name} registered by ${actor}`);
    await this.store.recordProbe(registration.name, 'healthy', undefined);
    this.lastHealth.set(registration.name, 1);
    await this.notifyHealthy(registration.name);
    return this.get(registration.name);
  }

  async unregister(name: string, actor: string): Promise<void> {
    const cluster = await this.get(name);
    if (cluster.source === 'config') {
      throw new ConflictError(
        `Cluster "${name}" comes from app-config; remove it there instead`,
      );
    }
    await this.knex.transaction(async trx => {
      await this.store.delete(name, trx);
      await this.audit.record(
        {
          actor,
          action: 'cluster.unregister',
          targetKind: 'cluster',
          targetName: name,
        },
        trx,
      );
    });
    this.lastHealth.delete(name);
  }

  /**
   * Probes every cluster, each on its own (one that hangs costs the probe
   * timeout and holds up no other); one that turns healthy is handed to the
   * listeners.
   */
  async probeAll(): Promise<void> {
    const clusters = await this.store.list();
    const limit = pLimit(4);
    await Promise.allSettled(
      clusters.map(cluster =>
        limit(async () => {
          const connection = await this.store.connection(cluster.name);
          if (!connection) return;
          const result = await probeCluster(
            this.kube,
            connection,
            this.probeTimeoutMs,
          );
          const health = result.ok ? 'healthy' : 'unreachable';
          const reason = result.ok ? undefined : result.reason;
          const before = await this.store.recordProbe(
            cluster.name,
            health,
            reason,
          );
          this.lastHealth.set(cluster.name, result.ok ? 1 : 0);
          if (before !== health || cluster.healthReason !== reason) {
            this.logger.info(
              `Cluster ${cluster.name} is ${health}${
                reason ? `: ${reason}` : ''
              }`,
            );
          }
          if (health === 'healthy' && before !== 'healthy') {
            await this.notifyHealthy(cluster.name);
          }
        }),
      ),
    );
  }

  /**
   * Marks a cluster unreachable because a call outside the probe timed out or
   * failed at the cluster's end (network, 5xx, 429): commands skip it until
   * the next probe finds it answering again.
   */
  async reportUnavailable(name: string, reason: string): Promise<void> {
    const before = await this.store.recordProbe(name, 'unreachable', reason);
    this.lastHealth.set(name, 0);
    if (before === 'healthy') {
      this.logger.warn(`Cluster ${name} is unreachable: ${reason}`);
    }
  }

  private async notifyHealthy(cluster: string): Promise<void> {
    for (const listener of this.healthyListeners) {
      try {
        await listener(cluster);
      } catch (error) {
        this.logger.warn(`Catching up cluster ${cluster} failed: ${error}`);
      }
    }
  }
}

function readFile(entry: Config, key: string): string | undefined {
  const file = entry.getOptionalString(key);
  return file ? fs.readFileSync(file, 'utf8').trim() : undefined;
}
