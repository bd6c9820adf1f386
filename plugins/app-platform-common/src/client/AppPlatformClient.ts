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
    return this.request<Server>(
      `/servers/${encodeURIComponent(id)}`,
      options,
    );
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
    return this.request<Server>(
      `/servers/${encodeURIComponent(id)}`,
      options,
      { method: 'PUT', body: input },
    );
  }

  /** Deletes a server recorded by hand. */
  async deleteServer(
    id: string,
    options: { token?: string } = {},
  ): Promise<void> {
    await this.request<void>(
      `/servers/${encodeURIComponent(id)}`,
      options,
      { method: 'DELETE' },
    );
  }

  /** Every registered cluster with its health (never its token). */
  async listClusters(options: { token?: string } = {}): Promise<Cluster[]> {
    return (await this.request<{ items: Cluster[] }>('/clusters', options)).items;
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
  async unregisterCluster(name: string, options: { token?: string } = {}): Promise<void> {
    await this.request<void>(`/clusters/${encodeURIComponent(name)}`, options, {
      method: 'DELETE',
    });
  }

  /** Names of the namespace templates an application can use. */
  async listNamespaceTemplates(options: { token?: string } = {}): Promise<string[]> {
    return (await this.request<{ items: string[] }>('/namespace-templates', options))
      .items;
  }

  /** Every application with its namespace on each cluster. */
  async listApplications(options: { token?: string } = {}): Promise<Application[]> {
    return (await this.request<{ items: Application[] }>('/applications', options))
      .items;
  }

  /** One application with its namespace on each cluster. */
  async getApplication(name: string, options: { token?: string } = {}): Promise<Application> {
    return this.request<Application>(`/applications/${encodeURIComponent(name)}`, options);
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
  async deleteApplication(name: string, options: { token?: string } = {}): Promise<void> {
    await this.request<void>(`/applications/${encodeURIComponent(name)}`, options, {
      method: 'DELETE',
    });
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
