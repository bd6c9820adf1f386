import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import {
  applicationToEntity,
  clusterToEntity,
  serviceToEntity,
} from './platformEntities';

/**
 * Emits App Platform applications (as `System`), their services (as
 * `Component`) and clusters (as `Resource` of type `kubernetes-cluster`)
 * into the catalog. A frequent check applies
 * only what changed since the last one, as a delta mutation, so a new
 * application shows up within seconds; a rarer full mutation repairs any drift.
 */
export class AppPlatformEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** What was last emitted: entity ref → serialized entity. */
  private emitted?: Map<string, string>;

  private constructor(
    private readonly client: AppPlatformClient,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly clusterOwner: string,
    private readonly deltaRunner: SchedulerServiceTaskRunner,
    private readonly fullRunner: SchedulerServiceTaskRunner,
  ) {}

  static create(options: {
    client: AppPlatformClient;
    auth: AuthService;
    logger: LoggerService;
    /** Owner of the cluster entities, e.g. the platform team's group. */
    clusterOwner: string;
    deltaRunner: SchedulerServiceTaskRunner;
    fullRunner: SchedulerServiceTaskRunner;
  }): AppPlatformEntityProvider {
    return new AppPlatformEntityProvider(
      options.client,
      options.auth,
      options.logger,
      options.clusterOwner,
      options.deltaRunner,
      options.fullRunner,
    );
  }

  getProviderName(): string {
    return 'app-platform';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.fullRunner.run({
      id: `${this.getProviderName()}:full`,
      fn: () => this.fullSync(),
    });
    await this.deltaRunner.run({
      id: `${this.getProviderName()}:delta`,
      fn: () => this.deltaSync(),
    });
  }

  /** Replaces everything this provider owns in the catalog. */
  async fullSync(): Promise<void> {
    const entities = await this.read();
    await this.requireConnection().applyMutation({
      type: 'full',
      entities: entities.map(entity => this.deferred(entity)),
    });
    this.emitted = this.snapshot(entities);
  }

  /** Applies what changed since the last sync; a no-op when nothing did. */
  async deltaSync(): Promise<void> {
    if (!this.emitted) {
      await this.fullSync();
      return;
    }
    const entities = await this.read();
    const current = this.snapshot(entities);
    const added = entities.filter(
      e =>
        this.emitted!.get(stringifyEntityRef(e)) !==
        current.get(stringifyEntityRef(e)),
    );
    const removed = [...this.emitted.keys()].filter(ref => !current.has(ref));
    if (added.length === 0 && removed.length === 0) return;
    await this.requireConnection().applyMutation({
      type: 'delta',
      added: added.map(entity => this.deferred(entity)),
      removed: removed.map(entityRef => ({
        entityRef,
        locationKey: this.getProviderName(),
      })),
    });
    this.logger.info(
      `App Platform catalog: ${added.length} added or changed, ${removed.length} removed`,
    );
    this.emitted = current;
  }

  private async read(): Promise<Entity[]> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'app-platform',
    });
    const [applications, services, clusters] = await Promise.all([
      this.client.listApplications({ token }),
      this.client.listAllServices({ token }),
      this.client.listClusters({ token }),
    ]);
    return [
      ...applications.map(applicationToEntity),
      ...services.map(serviceToEntity),
      ...clusters.map(cluster => clusterToEntity(cluster, this.clusterOwner)),
    ];
  }

  private snapshot(entities: Entity[]): Map<string, string> {
    return new Map(
      entities.map(e => [stringifyEntityRef(e), JSON.stringify(e)]),
    );
  }

  private deferred(entity: Entity): DeferredEntity {
    return { entity, locationKey: this.getProviderName() };
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection)
      throw new Error('AppPlatformEntityProvider is not connected');
    return this.connection;
  }
}
