import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  ApiException,
  AppsV1Api,
  Configuration,
  CoreV1Api,
  createConfiguration,
  HttpMethod,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  ObservableMiddleware,
  Observable,
  PatchStrategy,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
  V1APIResource,
  VersionApi,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import { metrics } from '@opentelemetry/api';
import { toClientModel } from './toClientModel';
import { UndiciHttpLibrary } from './UndiciHttpLibrary';
import { Dispatcher, interceptors } from 'undici';

/** Everything needed to talk to one cluster. Holds the token: never log it. */
export type ClusterConnection = {
  name: string;
  url: string;
  /** PEM, or base64 of PEM as in a kubeconfig. */
  caData?: string;
  token: string;
  skipTLSVerify: boolean;
};

/** The clients one call may use; all of them share the call's deadline. */
export type KubeApis = {
  core: CoreV1Api;
  apps: AppsV1Api;
  objects: KubernetesObjectApi;
  version: VersionApi;
  /** A GET of any API path, answered as the cluster answered it. */
  get(path: string, query: URLSearchParams): Promise<RawResponse>;
};

/** What a cluster answered to a request the platform passes on unchanged. */
export type RawResponse = {
  status: number;
  contentType?: string;
  body: string;
};

/** The field manager the platform applies with (server-side apply). */
export const FIELD_MANAGER = 'app-platform';

const DEFAULT_TIMEOUT_MS = 10_000;

function caDataBase64(caData: string | undefined): string | undefined {
  if (!caData) return undefined;
  return caData.includes('-----BEGIN')
    ? Buffer.from(caData, 'utf8').toString('base64')
    : caData.trim();
}

/**
 * A cluster call that got no answer in time. Its own type so callers (and
 * `describeKubeError`) can tell a hanging cluster from one that refused.
 */
export class ClusterTimeoutError extends Error {
  readonly name = 'ClusterTimeoutError';
  constructor(
    readonly cluster: string,
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(
      `${operation}: no answer from cluster ${cluster} within ${timeoutMs} ms`,
    );
  }
}

/**
 * Turns what a Kubernetes call threw into one readable line: the API's own
 * `Status` message when there is one, else the timeout, network or TLS failure.
 */
export function describeKubeError(error: unknown): string {
  if (error instanceof ClusterTimeoutError) return error.message;
  if (error instanceof ApiException) {
    let body: { reason?: string; message?: string } | undefined;
    try {
      body =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    } catch {
      body = undefined;
    }
    const reason = body?.reason ?? 'Error';
    const retryAfter = error.headers?.['retry-after'];
    const message = `${error.code} ${reason}: ${
      body?.message ?? error.message.split('\n')[0]
    }`;
    return retryAfter ? `${message} (retry after ${retryAfter} s)` : message;
  }
  const err = error as {
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string };
  };
  const code = err?.cause?.code ?? err?.code;
  const message = err?.cause?.message ?? err?.message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The HTTP status of a failed Kubernetes call, if the API server answered. */
export function kubeErrorCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/**
 * Whether a call failed because of the cluster rather than the request: no
 * answer in time, no connection, or the API server's own trouble (5xx, 429).
 */
export function isClusterUnavailable(error: unknown): boolean {
  if (error instanceof ClusterTimeoutError) return true;
  const code = kubeErrorCode(error);
  return code === undefined || code >= 500 || code === 429;
}

const meter = metrics.getMeter('app-platform');
const callCounter = meter.createCounter('app_platform_kube_api_calls', {
  description:
    'Kubernetes API calls made by the App Platform, by cluster and outcome',
});
const callDuration = meter.createHistogram(
  'app_platform_kube_api_call_duration',
  {
    description: 'Latency of Kubernetes API calls made by the App Platform',
    unit: 's',
  },
);

/**
 * A kubeconfig that keeps the connection pools (undici dispatchers)
 * client-node makes for its requests, one per request, so the caller can
 * close them when a call ends or times out; otherwise their sockets linger.
 * undici cannot cancel a connection still in its TLS handshake, so that
 * phase gets `connectTimeoutMs` (undici's default is 10 s) as its bound.
 */
export class DispatcherTrackingKubeConfig extends KubeConfig {
  private readonly dispatchers: Array<{ destroy(): Promise<void> }> = [];
  private closed = false;

  constructor(private readonly connectTimeoutMs: number) {
    super();
  }

  override createDispatcherOptions(
    ...args: Parameters<KubeConfig['createDispatcherOptions']>
  ): ReturnType<KubeConfig['createDispatcherOptions']> {
    const options = super.createDispatcherOptions(...args);
    return 'connect' in options
      ? {
          ...options,
          connect: { ...options.connect, timeout: this.connectTimeoutMs },
        }
      : options;
  }

  override async applySecurityAuthentication(context: RequestContext) {
    await super.applySecurityAuthentication(context);
    const dispatcher = context.getDispatcher();
    if (!dispatcher) return;
    // A request started after the end (a client that ignored the abort)
    // fails at once instead of opening a connection nobody will close.
    if (this.closed) dispatcher.destroy().catch(() => {});
    else this.dispatchers.push(dispatcher);
  }

  /** Closes the connections of every request made with it, now and later. */
  destroyConnections() {
    this.closed = true;
    for (const d of this.dispatchers.splice(0)) d.destroy().catch(() => {});
  }
}

/**
 * What a request that fails on a kept-alive connection is retried on: the
 * server may close an idle connection just as the client reuses it. Only
 * once, at once, and only methods that may be repeated (the platform's
 * PATCHes are server-side applies and merge patches); no status is retried,
 * so a refusing or failing server is the caller's to see.
 */
const RESET_RETRY = {
  maxRetries: 1,
  minTimeout: 0,
  methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'] as Dispatcher.HttpMethod[],
  statusCodes: [],
  errorCodes: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'],
};

/** A cluster's kept-alive connections, for the TLS settings they were made with. */
type ConnectionPool = { settings: string; dispatcher: Dispatcher };

/**
 * A kubeconfig whose requests share the cluster's pool of kept-alive
 * connections: one TLS handshake and certificate check per connection, not
 * per request. The pool is made from the first request's dispatcher (which
 * client-node builds with the cluster's CA and TLS options), with a retry of
 * requests whose reused connection the server had closed.
 */
class PooledKubeConfig extends DispatcherTrackingKubeConfig {
  private pooled: Dispatcher | undefined;

  constructor(
    connectTimeoutMs: number,
    private readonly pool: {
      /** The cluster's pool, if it has one for these settings. */
      current(): Dispatcher | undefined;
      /** Makes the cluster's pool of a dispatcher client-node built. */
      adopt(made: Dispatcher): Dispatcher;
    },
  ) {
    super(connectTimeoutMs);
  }

  override createDispatcherOptions(
    ...args: Parameters<KubeConfig['createDispatcherOptions']>
  ): ReturnType<KubeConfig['createDispatcherOptions']> {
    // With a pool at hand, client-node need not build an undici Agent for
    // each request only for it to be thrown away (a measurable share of a
    // 10-cluster apply's CPU, with the error its destroy() creates).
    this.pooled = this.pool.current();
    return this.pooled
      ? { type: 'none' }
      : super.createDispatcherOptions(...args);
  }

  override async applySecurityAuthentication(context: RequestContext) {
    await KubeConfig.prototype.applySecurityAuthentication.call(this, context);
    const made = context.getDispatcher() as Dispatcher | undefined;
    const dispatcher = made ? this.pool.adopt(made) : this.pooled;
    if (dispatcher) context.setDispatcher(dispatcher);
  }
}

/** How long a cluster's discovery answers are reused. */
const DISCOVERY_TTL_MS = 10 * 60_000;

/** What a cluster said its kinds are, by `apiVersion/kind`, and since when. */
type Discovery = {
  url: string;
  since: number;
  resources: Map<string, V1APIResource>;
};

/**
 * The generic object client, with the cluster's discovery shared by all
 * calls: the client asks `/apis/<group>/<version>` before each request to
 * learn whether a kind is namespaced, and a client made per call would ask
 * every time, doubling the round trips of every apply and plan.
 */
class SharedDiscoveryObjectApi extends KubernetesObjectApi {
  constructor(
    configuration: Configuration,
    private readonly discovery: Discovery,
  ) {
    super(configuration);
  }

  // Plain objects, named as client-node's models name their fields.
  override create<T extends KubernetesObject>(
    ...[spec, ...rest]: Parameters<KubernetesObjectApi['create']>
  ) {
    return super.create<T>(toClientModel(spec) as T, ...rest);
  }

  override patch<T extends KubernetesObject>(
    ...[spec, ...rest]: Parameters<KubernetesObjectApi['patch']>
  ) {
    return super.patch<T>(toClientModel(spec) as T, ...rest);
  }

  override replace<T extends KubernetesObject>(
    ...[spec, ...rest]: Parameters<KubernetesObjectApi['replace']>
  ) {
    return super.replace<T>(toClientModel(spec) as T, ...rest);
  }

  /**
   * An object as the API server sent it, not rebuilt through client-node's
   * models (dates made Date objects, a few fields renamed, e.g. `_from`): the
   * platform reads objects as plain data, as its watch caches hold them, and
   * the models cost a tenth of the backend's CPU in a 10-cluster plan+apply.
   * Typed answers (a Status, discovery) keep their models.
   */
  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
    type?: string,
  ): Promise<T> {
    const ok = response.httpStatusCode >= 200 && response.httpStatusCode < 300;
    if (!ok || type !== undefined) {
      return super.processResponse<T>(response, type);
    }
    return JSON.parse(await response.body.text()) as T;
  }

  protected override async resource(
    apiVersion: string,
    kind: string,
    options?: Configuration,
  ): Promise<V1APIResource | undefined> {
    const key = `${apiVersion}/${kind}`;
    const known = this.discovery.resources.get(key);
    if (known) return known;
    const found = await super.resource(apiVersion, kind, options);
    if (found) this.discovery.resources.set(key, found);
    return found;
  }
}

/** Hands every request of a client the call's abort signal. */
function signalMiddleware(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: context => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: response => new Observable(Promise.resolve(response)),
  };
}

/**
 * The one place that builds `@kubernetes/client-node` clients. Every call goes
 * through `call`, which gives it a deadline (`appPlatform.clusterTimeout`,
 * default 10 s) enforced by aborting the request, and records per-cluster
 * counts and latency. A cluster that hangs therefore costs a caller at most the
 * timeout, never a request that waits forever.
 */
export class KubeClients {
  private readonly discoveries = new Map<string, Discovery>();
  private readonly pools = new Map<string, ConnectionPool>();
  private readonly http = UndiciHttpLibrary.create();

  private constructor(readonly timeoutMs: number) {}

  static create(options?: { timeoutMs?: number }): KubeClients {
    return new KubeClients(options?.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  static fromConfig(config: Config): KubeClients {
    const timeoutMs = config.has('appPlatform.clusterTimeout')
      ? durationToMilliseconds(
          readDurationFromConfig(config, { key: 'appPlatform.clusterTimeout' }),
        )
      : DEFAULT_TIMEOUT_MS;
    return new KubeClients(timeoutMs);
  }

  kubeConfig(cluster: ClusterConnection): KubeConfig {
    return this.trackingKubeConfig(cluster);
  }

  /** A kubeconfig for the cluster whose requests' connections can be closed. */
  trackingKubeConfig(cluster: ClusterConnection): DispatcherTrackingKubeConfig {
    const kc = new DispatcherTrackingKubeConfig(this.timeoutMs);
    this.configure(kc, cluster);
    return kc;
  }

  private configure(kc: KubeConfig, cluster: ClusterConnection) {
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
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'app-platform' },
      ],
      currentContext: cluster.name,
    });
  }

  /**
   * Runs one Kubernetes call (which may make several requests) against a
   * cluster within the timeout, and records it in the metrics. `signal` lets
   * a long-lived caller (the status watch cache) abort a call when it stops.
   */
  async call<T>(
    cluster: ClusterConnection,
    operation: string,
    fn: (apis: KubeApis) => Promise<T>,
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<T> {
    const timeoutMs = options?.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort(options?.signal?.reason);
    if (options?.signal?.aborted) onAbort();
    options?.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new ClusterTimeoutError(cluster.name, operation, timeoutMs));
      }, timeoutMs);
    });
    const started = performance.now();
    let outcome = 'ok';
    // A long-lived caller that may stop (a status cache) keeps its own
    // connections, closed when the call ends: a pooled connection still in
    // its TLS handshake would outlive the stop (undici cannot cancel one).
    const tracking = options?.signal
      ? this.trackingKubeConfig(cluster)
      : undefined;
    const kc = tracking ?? this.pooledKubeConfig(cluster);
    try {
      // The race settles the call even if a client ignores the abort.
      return await Promise.race([
        fn(this.apis(cluster, kc, controller.signal)),
        deadline,
      ]);
    } catch (error) {
      outcome =
        error instanceof ClusterTimeoutError
          ? 'timeout'
          : String(kubeErrorCode(error) ?? 'network');
      // A cluster that did not answer in time: its pooled connections may
      // be wedged too.
      if (error instanceof ClusterTimeoutError) this.dropPool(cluster.name);
      throw error;
    } finally {
      tracking?.destroyConnections();
      clearTimeout(timer);
      options?.signal?.removeEventListener('abort', onAbort);
      const attributes = { cluster: cluster.name, operation, outcome };
      callCounter.add(1, attributes);
      callDuration.record((performance.now() - started) / 1000, attributes);
    }
  }

  /**
   * The next call to the cluster opens new connections; the pool's own
   * requests end as their callers abort them (destroying it would fail other
   * calls in flight with an error that is not theirs).
   */
  private dropPool(cluster: string) {
    this.pools
      .get(cluster)
      ?.dispatcher.close()
      .catch(() => {});
    this.pools.delete(cluster);
  }

  /**
   * A kubeconfig for `call`: its requests share the cluster's pool of
   * kept-alive connections. A cluster registered again with another URL, CA
   * or TLS setting gets a new pool; the old one closes when its requests end.
   */
  private pooledKubeConfig(cluster: ClusterConnection): KubeConfig {
    const settings = JSON.stringify([
      cluster.url,
      cluster.caData,
      cluster.skipTLSVerify,
    ]);
    const kc = new PooledKubeConfig(this.timeoutMs, {
      current: () => {
        const known = this.pools.get(cluster.name);
        return known?.settings === settings ? known.dispatcher : undefined;
      },
      adopt: made => {
        const known = this.pools.get(cluster.name);
        if (known?.settings === settings) {
          // Two first requests at once: the second's was never connected.
          made.close().catch(() => {});
          return known.dispatcher;
        }
        known?.dispatcher.close().catch(() => {});
        const dispatcher = made.compose(interceptors.retry(RESET_RETRY));
        this.pools.set(cluster.name, { settings, dispatcher });
        return dispatcher;
      },
    });
    this.configure(kc, cluster);
    return kc;
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

  /** The cluster's discovery, afresh when its URL changed or the answers are old. */
  private discoveryOf(cluster: ClusterConnection): Discovery {
    const known = this.discoveries.get(cluster.name);
    if (
      known &&
      known.url === cluster.url &&
      Date.now() - known.since < DISCOVERY_TTL_MS
    ) {
      return known;
    }
    const fresh = { url: cluster.url, since: Date.now(), resources: new Map() };
    this.discoveries.set(cluster.name, fresh);
    return fresh;
  }

  private apis(
    cluster: ClusterConnection,
    kc: KubeConfig,
    signal: AbortSignal,
  ): KubeApis {
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.url, {}),
      authMethods: { default: kc },
      middleware: [signalMiddleware(signal)],
      httpApi: wrapHttpLibrary(this.http),
    });
    return {
      core: new CoreV1Api(configuration),
      apps: new AppsV1Api(configuration),
      // Every object the platform names carries its namespace, so the
      // kubeconfig's default namespace never matters.
      objects: new SharedDiscoveryObjectApi(
        configuration,
        this.discoveryOf(cluster),
      ),
      version: new VersionApi(configuration),
      get: async (path, query) => {
        const request = configuration.baseServer.makeRequestContext(
          path,
          HttpMethod.GET,
        );
        for (const [name, value] of query) {
          request.appendQueryParam(name, value);
        }
        request.setHeaderParam('Accept', 'application/json');
        await kc.applySecurityAuthentication(request);
        request.setSignal(signal);
        const response = await configuration.httpApi.send(request).toPromise();
        return {
          status: response.httpStatusCode,
          contentType: response.headers['content-type'],
          // The API answers JSON or text (logs); client-node 2 reads both as text.
          body: await response.body.text(),
        };
      },
    };
  }
}
