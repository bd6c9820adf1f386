import { ResponseError } from '@backstage/errors';
import { Health } from '../health';
import {
  Application,
  ApplicationCreation,
  Cluster,
  ClusterRegistration,
} from '../types';
import {
  Server,
  ServerExpiryScanStatus,
  ServerInput,
  ServerProviderStatus,
  ServerState,
  ServerTaskTrigger,
} from '../servers';
import {
  CiPolicy,
  CiSettings,
  ApplicationStatus,
  ClusterPlan,
  DeploymentDiff,
  DeploymentEvent,
  DeploymentPage,
  DeploymentRecord,
  DeployRequest,
  Service,
  ServiceStatus,
  ServiceVersion,
  VersionSpec,
} from '../services';
import {
  MiddlewareDefinitionList,
  MiddlewareDefinitionSummary,
  MiddlewareInstallRequest,
  MiddlewareInstallResult,
  MiddlewareInstance,
  MiddlewarePreview,
  MiddlewareUpgradeRequest,
} from '../middleware';

/** Per-call options: a token when the caller is a backend. */
type CallOptions = { token?: string };

/**
 * What the client needs to find the backend; both the frontend's
 * `discoveryApi` and the backend's `discovery` service fit.
 *
 * @public
 */
export type AppPlatformDiscovery = {
  getBaseUrl(pluginId: string): Promise<string>;
};

/**
 * A typed client for the App Platform REST API.
 *
 * @public
 */
export class AppPlatformClient {
  private readonly discovery: AppPlatformDiscovery;
  private readonly fetchFn: typeof fetch;

  private constructor(options: {
    discovery: AppPlatformDiscovery;
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discovery = options.discovery;
    this.fetchFn = options.fetchApi?.fetch ?? fetch;
  }

  static create(options: {
    discovery: AppPlatformDiscovery;
    fetchApi?: { fetch: typeof fetch };
  }): AppPlatformClient {
    return new AppPlatformClient(options);
  }

  /** The backend's health; a degraded backend answers 503 with the same body. */
  async getHealth(): Promise<Health> {
    const baseUrl = await this.discovery.getBaseUrl('app-platform');
    const response = await this.fetchFn(`${baseUrl}/health`);
    if (response.ok || response.status === 503) {
      return (await response.json()) as Health;
    }
    throw await ResponseError.fromResponse(response);
  }

  /**
   * The server inventory, soonest expiry first. Backend callers pass a
   * plugin-to-plugin `token`; in the browser the fetch API adds the user's.
   */
  async listServers(
    filter: { owner?: string; provider?: string; state?: ServerState } = {},
    options: { token?: string } = {},
  ): Promise<Server[]> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value) {
        query.set(key, value);
      }
    }
    const qs = query.toString();
    const body = await this.request<{ items: Server[] }>(
      `/servers${qs ? `?${qs}` : ''}`,
      options,
    );
    return body.items;
  }

  /** One server by id. */
  async getServer(
    id: string,
    options: { token?: string } = {},
  ): Promise<Server> {
    return this.request<Server>(`/servers/${encodeURIComponent(id)}`, options);
  }

  /** How each server provider's last import went. */
  async listServerProviders(
    options: { token?: string } = {},
  ): Promise<ServerProviderStatus[]> {
    const body = await this.request<{ items: ServerProviderStatus[] }>(
      '/servers/providers',
      options,
    );
    return body.items;
  }

  /** Runs a provider's import now, on one replica; its status shows when it ran. */
  async triggerServerImport(
    provider: string,
    options: { token?: string } = {},
  ): Promise<ServerTaskTrigger> {
    return this.request<ServerTaskTrigger>(
      `/servers/providers/${encodeURIComponent(provider)}/import`,
      options,
      { method: 'POST' },
    );
  }

  /** How the last expiry scan went. */
  async getServerExpiryScan(
    options: { token?: string } = {},
  ): Promise<ServerExpiryScanStatus> {
    return this.request<ServerExpiryScanStatus>(
      '/servers/expiry-scan',
      options,
    );
  }

  /** Runs the expiry scan now, on one replica. */
  async triggerServerExpiryScan(
    options: { token?: string } = {},
  ): Promise<ServerTaskTrigger> {
    return this.request<ServerTaskTrigger>('/servers/expiry-scan', options, {
      method: 'POST',
    });
  }

  /** Records a server by hand. */
  async createServer(
    input: ServerInput,
    options: { token?: string } = {},
  ): Promise<Server> {
    return this.request<Server>('/servers', options, {
      method: 'POST',
      body: input,
    });
  }

  /** Replaces a server recorded by hand. */
  async updateServer(
    id: string,
    input: ServerInput,
    options: { token?: string } = {},
  ): Promise<Server> {
    return this.request<Server>(`/servers/${encodeURIComponent(id)}`, options, {
      method: 'PUT',
      body: input,
    });
  }

  /** Deletes a server recorded by hand. */
  async deleteServer(
    id: string,
    options: { token?: string } = {},
  ): Promise<void> {
    await this.request<void>(`/servers/${encodeURIComponent(id)}`, options, {
      method: 'DELETE',
    });
  }

  /** Every registered cluster with its health (never its token). */
  async listClusters(options: { token?: string } = {}): Promise<Cluster[]> {
    return (await this.request<{ items: Cluster[] }>('/clusters', options))
      .items;
  }

  /** Registers a cluster (admins); the backend contacts it before storing it. */
  async registerCluster(
    registration: ClusterRegistration,
    options: { token?: string } = {},
  ): Promise<Cluster> {
    return this.request<Cluster>('/clusters', options, {
      method: 'POST',
      body: registration,
    });
  }

  /** Removes a cluster registered through the API (admins). */
  async unregisterCluster(
    name: string,
    options: { token?: string } = {},
  ): Promise<void> {
    await this.request<void>(`/clusters/${encodeURIComponent(name)}`, options, {
      method: 'DELETE',
    });
  }

  /** Names of the namespace templates an application can use. */
  async listNamespaceTemplates(
    options: { token?: string } = {},
  ): Promise<string[]> {
    return (
      await this.request<{ items: string[] }>('/namespace-templates', options)
    ).items;
  }

  /** Every application with its namespace on each cluster. */
  async listApplications(
    options: { token?: string } = {},
  ): Promise<Application[]> {
    return (
      await this.request<{ items: Application[] }>('/applications', options)
    ).items;
  }

  /** One application with its namespace on each cluster. */
  async getApplication(
    name: string,
    options: { token?: string } = {},
  ): Promise<Application> {
    return this.request<Application>(
      `/applications/${encodeURIComponent(name)}`,
      options,
    );
  }

  /** Creates an application and its namespace on every healthy cluster. */
  async createApplication(
    input: ApplicationCreation,
    options: { token?: string } = {},
  ): Promise<Application> {
    return this.request<Application>('/applications', options, {
      method: 'POST',
      body: input,
    });
  }

  /** Deletes an application and its namespaces (refused while services run). */
  async deleteApplication(
    name: string,
    options: { token?: string } = {},
  ): Promise<void> {
    await this.request<void>(
      `/applications/${encodeURIComponent(name)}`,
      options,
      {
        method: 'DELETE',
      },
    );
  }

  // --- services and deployments ---------------------------------------------

  /** The services of every application the caller may read. */
  async listAllServices(options: CallOptions = {}): Promise<Service[]> {
    return (await this.request<{ items: Service[] }>('/services', options))
      .items;
  }

  /** The services of one application. */
  async listServices(
    application: string,
    options: CallOptions = {},
  ): Promise<Service[]> {
    return (
      await this.request<{ items: Service[] }>(
        `${applicationPath(application)}/services`,
        options,
      )
    ).items;
  }

  /** One service. */
  async getService(
    application: string,
    service: string,
    options: CallOptions = {},
  ): Promise<Service> {
    return this.request<Service>(servicePath(application, service), options);
  }

  /** Creates a service (without deploying it). */
  async createService(
    application: string,
    input: { name: string; description?: string; public?: boolean },
    options: CallOptions = {},
  ): Promise<Service> {
    return this.request<Service>(
      `${applicationPath(application)}/services`,
      options,
      {
        method: 'POST',
        body: input,
      },
    );
  }

  /** Deletes a service: a `delete` record, or nothing to wait for (204 → undefined). */
  async deleteService(
    application: string,
    service: string,
    options: CallOptions = {},
  ): Promise<DeploymentRecord | undefined> {
    return this.request<DeploymentRecord | undefined>(
      servicePath(application, service),
      options,
      { method: 'DELETE' },
    );
  }

  /** The live state of every service of an application, from the watch caches. */
  async getApplicationStatus(
    application: string,
    options: CallOptions = {},
  ): Promise<ApplicationStatus> {
    return this.request<ApplicationStatus>(
      `${applicationPath(application)}/status`,
      options,
    );
  }

  /** One service's live state with its rollout details and newest record. */
  async getServiceStatus(
    application: string,
    service: string,
    options: CallOptions = {},
  ): Promise<ServiceStatus> {
    return this.request<ServiceStatus>(
      `${servicePath(application, service)}/status`,
      options,
    );
  }

  /** The stored versions, newest first. */
  async listVersions(
    application: string,
    service: string,
    options: CallOptions & { limit?: number } = {},
  ): Promise<ServiceVersion[]> {
    const query = options.limit ? `?limit=${options.limit}` : '';
    return (
      await this.request<{ items: ServiceVersion[] }>(
        `${servicePath(application, service)}/versions${query}`,
        options,
      )
    ).items;
  }

  /** The app store's middleware definitions, and those that could not be read. */
  async listMiddlewareDefinitions(
    options: CallOptions = {},
  ): Promise<MiddlewareDefinitionList> {
    return this.request<MiddlewareDefinitionList>(
      '/middleware/definitions',
      options,
    );
  }

  async getMiddlewareDefinition(
    name: string,
    options: CallOptions = {},
  ): Promise<MiddlewareDefinitionSummary> {
    return this.request<MiddlewareDefinitionSummary>(
      `/middleware/definitions/${encodeURIComponent(name)}`,
      options,
    );
  }

  /** What installing a definition with these parameters would create; applies nothing. */
  async previewMiddleware(
    definition: string,
    request: {
      instance: string;
      application?: string;
      parameters?: Record<string, unknown>;
    },
    options: CallOptions = {},
  ): Promise<MiddlewarePreview> {
    return this.request<MiddlewarePreview>(
      `/middleware/definitions/${encodeURIComponent(definition)}/preview`,
      options,
      { method: 'POST', body: request },
    );
  }

  /** The middleware instances of every application the caller may read. */
  async listAllMiddlewareInstances(
    options: CallOptions = {},
  ): Promise<MiddlewareInstance[]> {
    return (
      await this.request<{ items: MiddlewareInstance[] }>(
        '/middleware/instances',
        options,
      )
    ).items;
  }

  /** The middleware instances of an application, with state and bindings. */
  async listMiddlewareInstances(
    application: string,
    options: CallOptions = {},
  ): Promise<MiddlewareInstance[]> {
    return (
      await this.request<{ items: MiddlewareInstance[] }>(
        `${applicationPath(application)}/middleware`,
        options,
      )
    ).items;
  }

  async getMiddlewareInstance(
    application: string,
    instance: string,
    options: CallOptions = {},
  ): Promise<MiddlewareInstance> {
    return this.request<MiddlewareInstance>(
      instancePath(application, instance),
      options,
    );
  }

  /**
   * What installing (with `definition`) or upgrading an instance would do
   * per cluster; applies nothing.
   */
  async planMiddleware(
    application: string,
    instance: string,
    request: {
      definition?: string;
      parameters?: Record<string, unknown>;
      clusters?: string[];
    },
    options: CallOptions = {},
  ): Promise<ClusterPlan[]> {
    return (
      await this.request<{ clusters: ClusterPlan[] }>(
        `${instancePath(application, instance)}/plan`,
        options,
        { method: 'POST', body: request },
      )
    ).clusters;
  }

  /** Installs a definition into an application; the record comes back in flight. */
  async installMiddleware(
    application: string,
    request: MiddlewareInstallRequest,
    options: CallOptions = {},
  ): Promise<MiddlewareInstallResult> {
    return this.request<MiddlewareInstallResult>(
      `${applicationPath(application)}/middleware`,
      options,
      { method: 'POST', body: request },
    );
  }

  /** Re-renders an instance with new parameters and the definition as loaded now. */
  async upgradeMiddleware(
    application: string,
    instance: string,
    request: MiddlewareUpgradeRequest,
    options: CallOptions = {},
  ): Promise<MiddlewareInstallResult> {
    return this.request<MiddlewareInstallResult>(
      `${instancePath(application, instance)}/upgrade`,
      options,
      { method: 'POST', body: request },
    );
  }

  /**
   * Uninstalls an instance (refused while a service binds it); its volume
   * claims are kept unless `deleteData`. Undefined when nothing ran anywhere.
   */
  async uninstallMiddleware(
    application: string,
    instance: string,
    request: { deleteData?: boolean } = {},
    options: CallOptions = {},
  ): Promise<DeploymentRecord | undefined> {
    const query = request.deleteData ? '?deleteData=true' : '';
    return this.request<DeploymentRecord | undefined>(
      `${instancePath(application, instance)}${query}`,
      options,
      { method: 'DELETE' },
    );
  }

  /** Stores a spec as the service's next version, without deploying it. */
  async createVersion(
    application: string,
    service: string,
    spec: VersionSpec,
    options: CallOptions = {},
  ): Promise<ServiceVersion> {
    return this.request<ServiceVersion>(
      `${servicePath(application, service)}/versions`,
      options,
      { method: 'POST', body: { spec } },
    );
  }

  /** What a deploy (or, with `deployment`, a rollback to it) would do per cluster. */
  async plan(
    application: string,
    service: string,
    request: Omit<DeployRequest, 'description'> & { deployment?: string },
    options: CallOptions = {},
  ): Promise<ClusterPlan[]> {
    return (
      await this.request<{ clusters: ClusterPlan[] }>(
        `${servicePath(application, service)}/plan`,
        options,
        { method: 'POST', body: request },
      )
    ).clusters;
  }

  /** Starts a deploy; the record comes back at once, in flight. */
  async deploy(
    application: string,
    service: string,
    request: DeployRequest,
    options: CallOptions = {},
  ): Promise<DeploymentRecord> {
    return this.request<DeploymentRecord>(
      `${servicePath(application, service)}/deployments`,
      options,
      { method: 'POST', body: request },
    );
  }

  /** A page of the service's history, newest first. */
  async listDeployments(
    application: string,
    service: string,
    page: { limit?: number; before?: string } = {},
    options: CallOptions = {},
  ): Promise<DeploymentPage> {
    const query = new URLSearchParams();
    if (page.limit) query.set('limit', String(page.limit));
    if (page.before) query.set('before', page.before);
    const suffix = query.size ? `?${query}` : '';
    return this.request<DeploymentPage>(
      `${servicePath(application, service)}/deployments${suffix}`,
      options,
    );
  }

  /** One record with its per-cluster results. */
  async getDeployment(
    application: string,
    service: string,
    id: string,
    options: CallOptions = {},
  ): Promise<DeploymentRecord> {
    return this.request<DeploymentRecord>(
      deploymentPath(application, service, id),
      options,
    );
  }

  /** A record's timeline across its objects and clusters, oldest first. */
  async getDeploymentEvents(
    application: string,
    service: string,
    id: string,
    options: CallOptions = {},
  ): Promise<DeploymentEvent[]> {
    return (
      await this.request<{ items: DeploymentEvent[] }>(
        `${deploymentPath(application, service, id)}/events`,
        options,
      )
    ).items;
  }

  /** What a record differs in from another record, or (`live`) from what runs now. */
  async diffDeployment(
    application: string,
    service: string,
    id: string,
    against: string,
    options: CallOptions = {},
  ): Promise<DeploymentDiff> {
    return this.request<DeploymentDiff>(
      `${deploymentPath(
        application,
        service,
        id,
      )}/diff?against=${encodeURIComponent(against)}`,
      options,
    );
  }

  /** Puts a record's spec back, as a new `rollback` record. */
  async rollback(
    application: string,
    service: string,
    id: string,
    request: { clusters?: string[]; description?: string } = {},
    options: CallOptions = {},
  ): Promise<DeploymentRecord> {
    return this.request<DeploymentRecord>(
      `${deploymentPath(application, service, id)}/rollback`,
      options,
      { method: 'POST', body: request },
    );
  }

  /** Applies a record that succeeded on test clusters to the production ones. */
  async promote(
    application: string,
    service: string,
    id: string,
    request: { clusters?: string[]; description?: string } = {},
    options: CallOptions = {},
  ): Promise<DeploymentRecord> {
    return this.request<DeploymentRecord>(
      `${deploymentPath(application, service, id)}/promote`,
      options,
      { method: 'POST', body: request },
    );
  }

  /** A service's CI settings (never its webhook secret) and latest builds. */
  async getServiceCi(
    application: string,
    service: string,
    options: CallOptions = {},
  ): Promise<CiSettings> {
    return this.request<CiSettings>(
      `${servicePath(application, service)}/ci`,
      options,
    );
  }

  async updateServiceCi(
    application: string,
    service: string,
    changes: { policy?: CiPolicy; imageRepository?: string },
    options: CallOptions = {},
  ): Promise<CiSettings> {
    return this.request<CiSettings>(
      `${servicePath(application, service)}/ci`,
      options,
      { method: 'PUT', body: changes },
    );
  }

  /** A new webhook secret, returned this once; the previous one stops working. */
  async createServiceCiSecret(
    application: string,
    service: string,
    options: CallOptions = {},
  ): Promise<{ secret: string; createdAt: string }> {
    return this.request(
      `${servicePath(application, service)}/ci/secret`,
      options,
      { method: 'POST' },
    );
  }

  /** Where a CI provider sends its webhooks (`POST`). */
  async ciWebhookUrl(provider: string): Promise<string> {
    return `${await this.discovery.getBaseUrl(
      'app-platform',
    )}/ci/${encodeURIComponent(provider)}`;
  }

  /** Scales the service to zero (`stop`) or back to its version (`start`). */
  async setRunning(
    application: string,
    service: string,
    running: boolean,
    options: CallOptions = {},
  ): Promise<DeploymentRecord> {
    return this.request<DeploymentRecord>(
      `${servicePath(application, service)}/${running ? 'start' : 'stop'}`,
      options,
      { method: 'POST' },
    );
  }

  private async request<T>(
    path: string,
    options: { token?: string },
    init: { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('app-platform');
    const headers: Record<string, string> = {};
    if (options.token) {
      headers.Authorization = `Bearer ${options.token}`;
    }
    if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await this.fetchFn(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

function applicationPath(application: string): string {
  return `/applications/${encodeURIComponent(application)}`;
}

function servicePath(application: string, service: string): string {
  return `${applicationPath(application)}/services/${encodeURIComponent(
    service,
  )}`;
}

function instancePath(application: string, instance: string): string {
  return `${applicationPath(application)}/middleware/${encodeURIComponent(
    instance,
  )}`;
}

function deploymentPath(
  application: string,
  service: string,
  id: string,
): string {
  return `${servicePath(application, service)}/deployments/${encodeURIComponent(
    id,
  )}`;
}
