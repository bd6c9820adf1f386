import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  AppPlatformClient,
  Server,
  SERVER_EXPIRES_AT_ANNOTATION,
  SERVER_ID_ANNOTATION,
  SERVER_PROVIDER_ANNOTATION,
  serverDaysLeft,
  serverEntityName,
  serverExpiryUrgency,
} from '@internal/plugin-app-platform-common';

/** Label of server entities with their expiry urgency (expired, critical, ...). */
export const SERVER_EXPIRY_LABEL = 'app-platform.io/expiry';

/**
 * The catalog entity of a server: a `Resource` of type `server` owned by the
 * server's group, with its expiry date as an annotation and its urgency as a
 * label (so catalog filters and the entity page can show it).
 */
export function serverToEntity(server: Server, now: Date = new Date()): Entity {
  const location = `app-platform:servers/${server.id}`;
  const specs = [
    server.cpu !== undefined ? `${server.cpu} vCPU` : undefined,
    server.memoryMib !== undefined
      ? `${Math.round((server.memoryMib / 1024) * 10) / 10} GiB memory`
      : undefined,
    server.diskGib !== undefined ? `${server.diskGib} GiB disk` : undefined,
    server.os,
  ].filter(Boolean);
  const annotations: Record<string, string> = {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
    [SERVER_ID_ANNOTATION]: server.id,
    [SERVER_PROVIDER_ANNOTATION]: server.provider,
  };
  if (server.expiresAt) {
    annotations[SERVER_EXPIRES_AT_ANNOTATION] = server.expiresAt;
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: serverEntityName(server),
      title: server.name,
      description:
        [
          `${server.provider} server ${server.providerId}${
            server.region ? ` in ${server.region}` : ''
          }`,
          specs.join(', '),
        ]
          .filter(Boolean)
          .join(': ') || undefined,
      annotations,
      labels: {
        [SERVER_EXPIRY_LABEL]: serverExpiryUrgency(
          serverDaysLeft(server.expiresAt, now),
        ),
      },
      tags: ['server'],
    },
    spec: {
      type: 'server',
      owner: server.owner,
    },
  };
}

/**
 * Puts every active server of the App Platform into the catalog. It reads
 * them from the backend's REST API with a plugin-to-plugin token, on its
 * schedule, and replaces its whole set each time (removed servers leave the
 * catalog; the API keeps their history).
 */
export class ServerEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  private constructor(
    private readonly client: AppPlatformClient,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly taskRunner: SchedulerServiceTaskRunner,
  ) {}

  static create(options: {
    client: AppPlatformClient;
    auth: AuthService;
    logger: LoggerService;
    taskRunner: SchedulerServiceTaskRunner;
  }): ServerEntityProvider {
    return new ServerEntityProvider(
      options.client,
      options.auth,
      options.logger,
      options.taskRunner,
    );
  }

  getProviderName(): string {
    return 'app-platform-servers';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // The next run tries again; the catalog keeps the last good set.
          this.logger.error(`Could not refresh server entities: ${error}`);
        }
      },
    });
  }

  /** Reads the servers and replaces the provider's entities with them. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('ServerEntityProvider is not connected yet');
    }
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'app-platform',
    });
    const servers = await this.client.listServers(
      { state: 'active' },
      { token },
    );
    const now = new Date();
    await this.connection.applyMutation({
      type: 'full',
      entities: servers.map(server => ({
        entity: serverToEntity(server, now),
        locationKey: `${this.getProviderName()}:${server.id}`,
      })),
    });
    this.logger.info(`Refreshed ${servers.length} server entities`);
  }
}
