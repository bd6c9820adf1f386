import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
} from '@kubernetes/client-node';
import { metrics } from '@opentelemetry/api';

/** Everything needed to talk to one cluster. Holds the token: never log it. */
export type ClusterConnection = {
  name: string;
  url: string;
  /** PEM, or base64 of PEM as in a kubeconfig. */
  caData?: string;
  token: string;
  skipTLSVerify: boolean;
};

/** The field manager the platform applies with (server-side apply). */
export const FIELD_MANAGER = 'app-platform';

function caDataBase64(caData: string | undefined): string | undefined {
  if (!caData) return undefined;
  return caData.includes('-----BEGIN')
    ? Buffer.from(caData, 'utf8').toString('base64')
    : caData.trim();
}

/**
 * Turns what a Kubernetes call threw into one readable line: the API's own
 * `Status` message when there is one, else the network or TLS failure.
 */
export function describeKubeError(error: unknown): string {
  if (error instanceof ApiException) {
    let body: { reason?: string; message?: string } | undefined;
    try {
      body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    } catch {
      body = undefined;
    }
    const reason = body?.reason ?? 'Error';
    return `${error.code} ${reason}: ${body?.message ?? error.message.split('\n')[0]}`;
  }
  const err = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code ?? err?.code;
  const message = err?.cause?.message ?? err?.message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The HTTP status of a failed Kubernetes call, if the API server answered. */
export function kubeErrorCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

const meter = metrics.getMeter('app-platform');
const callCounter = meter.createCounter('app_platform_kube_api_calls', {
  description: 'Kubernetes API calls made by the App Platform, by cluster and outcome',
});
const callDuration = meter.createHistogram('app_platform_kube_api_call_duration', {
  description: 'Latency of Kubernetes API calls made by the App Platform',
  unit: 's',
});

/**
 * The one place that builds `@kubernetes/client-node` clients. Every call goes
 * through `call`, which records per-cluster counts and latency.
 */
export class KubeClients {
  private constructor() {}

  static create(): KubeClients {
    return new KubeClients();
  }

  kubeConfig(cluster: ClusterConnection): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caData: caDataBase64(cluster.caData),
          skipTLSVerify: cluster.skipTLSVerify,
        },
      ],
      users: [{ name: 'app-platform', token: cluster.token }],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'app-platform' }],
      currentContext: cluster.name,
    });
    return kc;
  }

  /** Runs one Kubernetes call against a cluster and records it in the metrics. */
  async call<T>(
    cluster: ClusterConnection,
    operation: string,
    fn: (clients: {
      core: CoreV1Api;
      objects: KubernetesObjectApi;
      version: VersionApi;
    }) => Promise<T>,
  ): Promise<T> {
    const kc = this.kubeConfig(cluster);
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await fn({
        core: kc.makeApiClient(CoreV1Api),
        objects: KubernetesObjectApi.makeApiClient(kc),
        version: kc.makeApiClient(VersionApi),
      });
    } catch (error) {
      outcome = String(kubeErrorCode(error) ?? 'network');
      throw error;
    } finally {
      const attributes = { cluster: cluster.name, operation, outcome };
      callCounter.add(1, attributes);
      callDuration.record((performance.now() - started) / 1000, attributes);
    }
  }

  /** Creates or updates an object with server-side apply, as the platform's field manager. */
  async apply<T extends KubernetesObject>(
    cluster: ClusterConnection,
    object: T,
  ): Promise<T> {
    return this.call(cluster, `apply ${object.kind}`, ({ objects }) =>
      objects.patch(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }
}
