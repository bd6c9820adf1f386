import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  APP_PLATFORM_CATALOG_TOPIC,
  AppPlatformClient,
} from '@internal/plugin-app-platform-common';
import {
  applicationToEntity,
  clusterToEntity,
  middlewareInstanceToEntity,
  SERVICE_REF_ANNOTATION,
  serviceToEntity,
} from './platformEntities';

/** Changes arriving within this time become one delta. */
const DEBOUNCE_MS = 200;

/**
 * Emits App Platform applications (as `System`), their services (as
 * `Component`), their middleware instances (as `Resource` of type
 * `middleware:<definition>`) and clusters (as `Resource` of type
 * `kubernetes-cluster`) into the catalog. The backend announces every change
 * on the events service (`APP_PLATFORM_CATALOG_TOPIC`); the provider then
 * reads the lists again and applies what changed since its last sync as a
 * delta mutation, within a second, and asks nothing while nothing changes.
 * Reading every list whatever changed keeps entities that depend on each
 * other right: a service deployed with other bindings changes its instances'
 * `dependencyOf` too. A full mutation (every 30 minutes by default) repairs
 * any drift: entities edited or deleted by hand, or an event that was lost.
 */
export class AppPlatformEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** What was last emitted: entity ref → serialized entity. */
  private emitted?: Map<string, string>;
  /** One sync at a time; changes during a sync make one more. */
  private syncing?: Promise<void>;
  private pendingTimer?: NodeJS.Timeout;
  private dirty = false;

  private constructor(
    private readonly client: AppPlatformClient,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly clusterOwner: string,
    private readonly events: EventsService,
    private readonly fullRunner: SchedulerServiceTaskRunner,
    private readonly catalog: CatalogService,
  ) {}

  static create(options: {
    client: AppPlatformClient;
    auth: AuthService;
    logger: LoggerService;
    /** Owner of the cluster entities, e.g. the platform team's group. */
    clusterOwner: string;
    /** Where the backend announces changes. */
    events: EventsService;
    fullRunner: SchedulerServiceTaskRunner;
    /** To find existing Components linked to platform services. */
    catalog: CatalogService;
  }): AppPlatformEntityProvider {
    return new AppPlatformEntityProvider(
      options.client,
      options.auth,
      options.logger,
      options.clusterOwner,
      options.events,
      options.fullRunner,
      options.catalog,
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
    await this.events.subscribe({
      id: `${this.getProviderName()}-entity-provider`,
      topics: [APP_PLATFORM_CATALOG_TOPIC],
      onEvent: async () => this.changed(),
    });
  }

  /** Something changed: a delta soon, once for a burst of changes. */
  changed(): void {
    if (this.pendingTimer) return;
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      void this.sync();
    }, DEBOUNCE_MS);
  }

  /** Runs one delta, or one more after the running one when changes came meanwhile. */
  private async sync(): Promise<void> {
    if (this.syncing) {
      this.dirty = true;
      return;
    }
    this.syncing = this.deltaSync()
      .catch(error =>
        this.logger.warn(`App Platform catalog delta failed: ${error}`),
      )
      .finally(() => {
        this.syncing = undefined;
        if (this.dirty) {
          this.dirty = false;
          void this.sync();
        }
      });
    await this.syncing;
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
    const [applications, services, instances, clusters, linked] =
      await Promise.all([
        this.client.listApplications({ token }),
        this.client.listAllServices({ token }),
        this.client.listAllMiddlewareInstances({ token }),
        this.client.listClusters({ token }),
        this.linkedServices(),
      ]);
    const owners = new Map(applications.map(a => [a.name, a.owner]));
    // Both sides of a binding come from the instances' `boundBy`: a service's
    // Component dependsOn its instances, an instance is a dependencyOf them.
    const boundInstances = new Map<string, string[]>();
    for (const instance of instances) {
      for (const service of instance.boundBy) {
        const key = `${instance.application}/${service}`;
        boundInstances.set(key, [
          ...(boundInstances.get(key) ?? []),
          instance.name,
        ]);
      }
    }
    return [
      ...applications.map(applicationToEntity),
      // A service that an existing Component stands for gets no second entity.
      ...services
        .filter(s => !linked.has(`${s.application}/${s.name}`))
        .map(s =>
          serviceToEntity(s, boundInstances.get(`${s.application}/${s.name}`)),
        ),
      // An instance whose application is not listed (deleted meanwhile) has
      // no owner: the next sync settles it.
      ...instances
        .filter(i => owners.has(i.application))
        .map(i =>
          middlewareInstanceToEntity(
            i,
            owners.get(i.application)!,
            service =>
              linked.get(`${i.application}/${service}`) ??
              `component:${i.application}/${service}`,
          ),
        ),
      ...clusters.map(cluster => clusterToEntity(cluster, this.clusterOwner)),
    ];
  }

  /**
   * The services (`<application>/<service>`) that Components from elsewhere
   * (a repository's catalog-info.yaml) link to with `SERVICE_REF_ANNOTATION`,
   * each with the ref of the Component that stands for it.
   */
  private async linkedServices(): Promise<Map<string, string>> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          kind: 'component',
          [`metadata.annotations.${SERVICE_REF_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return new Map(
      items
        .filter(
          e =>
            !e.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION]?.startsWith(
              'app-platform:',
            ),
        )
        .map(e => [
          e.metadata.annotations![SERVICE_REF_ANNOTATION],
          stringifyEntityRef(e),
        ]),
    );
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
