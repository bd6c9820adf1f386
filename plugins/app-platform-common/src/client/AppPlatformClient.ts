import { ResponseError } from '@backstage/errors';
import { Health } from '../health';

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
}
