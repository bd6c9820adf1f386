import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import {
  APP_PLATFORM_CATALOG_TOPIC,
  AppPlatformClient,
  CatalogChange,
  Cluster,
} from '@internal/plugin-app-platform-common';

/** The App Platform backend's plugin id, which the tokens are minted for. */
const APP_PLATFORM_PLUGIN_ID = 'app-platform';

/**
 * How long a cluster list is trusted without a change event: changes arrive
 * as events, this only bounds the damage of a lost one. Refetched on the next
 * request after it, never on a timer.
 */
const MAX_LIST_AGE_MS = 30 * 60_000;

/** After a failed fetch, requests use what is known for this long before trying again. */
const RETRY_AFTER_FAILURE_MS = 5_000;

/** Plugin tokens live an hour; one is reused for at most this long. */
const TOKEN_REUSE_MS = 10 * 60_000;

/**
 * Supplies the App Platform's registered clusters (sandbox ones included) to
 * `@backstage/plugin-kubernetes-backend`. The Kubernetes plugin never gets a
 * cluster's own token: each cluster's URL is the App Platform backend's read
 * proxy (`/api/app-platform/kube/clusters/<name>`), which sends reads on with
 * the platform's credentials, and the token in `authMetadata` is a plugin
 * token of the Kubernetes plugin for the App Platform, minted here (the
 * Kubernetes plugin's `/clusters` route does not show it, and the proxy
 * allows reads only, never Secrets).
 *
 * The list is fetched from the App Platform's `GET /clusters` when first
 * needed and again after a cluster change event (`APP_PLATFORM_CATALOG_TOPIC`),
 * not polled.
 */
export class PlatformClusterSupplier implements KubernetesClustersSupplier {
  private clusters: Cluster[] | undefined;
  private fetchedAt = 0;
  private stale = true;
  private failedAt = 0;
  private fetching: Promise<void> | undefined;
  private token: { value: string; mintedAt: number } | undefined;

  private constructor(
    private readonly client: AppPlatformClient,
    private readonly auth: AuthService,
    private readonly discovery: DiscoveryService,
    private readonly logger: LoggerService,
    private readonly podMetrics: boolean,
  ) {}

  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    /** Whether the Kubernetes plugin asks `metrics.k8s.io` for pod usage. */
    podMetrics?: boolean;
    client?: AppPlatformClient;
  }): PlatformClusterSupplier {
    return new PlatformClusterSupplier(
      options.client ??
        AppPlatformClient.create({ discovery: options.discovery }),
      options.auth,
      options.discovery,
      options.logger,
      options.podMetrics ?? false,
    );
  }

  /** Refetches the list on the next request after a cluster was registered, changed or removed. */
  async subscribe(events: EventsService): Promise<void> {
    await events.subscribe({
      id: 'kubernetes-app-platform-clusters',
      topics: [APP_PLATFORM_CATALOG_TOPIC],
      onEvent: async ({ eventPayload }) => {
        if ((eventPayload as CatalogChange | undefined)?.kind === 'cluster') {
          this.stale = true;
        }
      },
    });
  }

  async getClusters(): Promise<ClusterDetails[]> {
    await this.refreshIfNeeded();
    const clusters = this.clusters ?? [];
    if (clusters.length === 0) return [];
    const [baseUrl, token] = await Promise.all([
      this.discovery.getBaseUrl(APP_PLATFORM_PLUGIN_ID),
      this.pluginToken(),
    ]);
    return clusters.map(cluster => ({
      name: cluster.name,
      title:
        cluster.name === cluster.environment
          ? cluster.name
          : `${cluster.name} (${cluster.environment})`,
      url: `${baseUrl}/kube/clusters/${encodeURIComponent(cluster.name)}`,
      authMetadata: {
        'kubernetes.io/auth-provider': 'serviceAccount',
        serviceAccountToken: token,
      },
      skipMetricsLookup: !this.podMetrics,
    }));
  }

  private async refreshIfNeeded(): Promise<void> {
    const now = Date.now();
    const due =
      this.stale ||
      this.clusters === undefined ||
      now - this.fetchedAt > MAX_LIST_AGE_MS;
    if (!due || now - this.failedAt < RETRY_AFTER_FAILURE_MS) return;
    this.fetching ??= this.fetch().finally(() => {
      this.fetching = undefined;
    });
    await this.fetching;
  }

  private async fetch(): Promise<void> {
    // Cleared first: an event during the fetch makes the next request fetch again.
    this.stale = false;
    try {
      this.clusters = await this.client.listClusters({
        token: await this.pluginToken(),
      });
      this.fetchedAt = Date.now();
      this.failedAt = 0;
    } catch (error) {
      this.stale = true;
      this.failedAt = Date.now();
      this.logger.warn(
        `Could not fetch the App Platform's clusters${
          this.clusters ? ', using the last known list' : ''
        }: ${error}`,
      );
    }
  }

  private async pluginToken(): Promise<string> {
    if (this.token && Date.now() - this.token.mintedAt < TOKEN_REUSE_MS) {
      return this.token.value;
    }
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: APP_PLATFORM_PLUGIN_ID,
    });
    this.token = { value: token, mintedAt: Date.now() };
    return token;
  }
}
