import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import {
  ClusterConnection,
  describeKubeError,
  KubeClients,
} from './KubeClients';

/** Where the proxy is mounted on the plugin's router. */
export const KUBE_READ_PROXY_PATH = '/kube/clusters';

/**
 * Resources the proxy never reads: Secrets hold what other plugins must not
 * see (the stock Kubernetes plugin lists none by default).
 */
const HIDDEN_RESOURCES = new Set(['secrets']);

/** Subresources that reach into a workload (a shell, a port, its HTTP) rather than read an object. */
const HIDDEN_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

/** The plugins that may read through the proxy by default. */
const DEFAULT_CALLERS = ['kubernetes'];

/**
 * Checks an API path and returns it with each segment encoded, or throws:
 * only `/version`, `/api…` and `/apis…`; no Secrets and no subresource that
 * opens a workload; no `..`.
 */
export function readablePath(segments: string[]): string {
  if (segments.some(s => s === '' || s === '.' || s === '..')) {
    throw new InputError(`Not an API path: /${segments.join('/')}`);
  }
  const [root, ...rest] = segments;
  if (root === 'version' && rest.length === 0) return '/version';
  if (root !== 'api' && root !== 'apis') {
    throw new NotFoundError(`Not an API path: /${segments.join('/')}`);
  }
  // /api/v1/… or /apis/<group>/<version>/…
  let resourcePath = root === 'api' ? rest.slice(1) : rest.slice(2);
  if (resourcePath[0] === 'namespaces' && resourcePath.length > 2) {
    resourcePath = resourcePath.slice(2);
  }
  const [resource, , subresource] = resourcePath;
  if (resource && HIDDEN_RESOURCES.has(resource)) {
    throw new NotAllowedError(`The read proxy does not read ${resource}`);
  }
  if (subresource && HIDDEN_SUBRESOURCES.has(subresource)) {
    throw new NotAllowedError(
      `The read proxy does not open ${resource}/${subresource}`,
    );
  }
  return `/${segments.map(encodeURIComponent).join('/')}`;
}

function isSet(value: string | null): boolean {
  return value !== null && value !== '' && value !== 'false' && value !== '0';
}

/**
 * A read-only door to the registered clusters for other Backstage plugins
 * (the stock Kubernetes plugin, through
 * `@internal/plugin-kubernetes-backend-module-app-platform`), so that they
 * need none of the clusters' tokens: `GET /kube/clusters/<cluster>/<api path>`
 * with a service token of an allowed plugin
 * (`appPlatform.kubernetesPlugin.callers`, default `kubernetes`) is sent to the
 * cluster with the platform's own credentials, through `KubeClients` (its
 * timeout, its metrics), and the answer is passed back as it came. Only GET;
 * never Secrets, exec, attach, port-forward or proxy; no watches or
 * followed logs (a request that would not end).
 *
 * Users get 403 even with a valid token: they read clusters through the
 * platform's own API or through the Kubernetes plugin's permissions.
 */
export function createKubeReadProxy(options: {
  config: Config;
  httpAuth: HttpAuthService;
  kube: KubeClients;
  connection: (cluster: string) => Promise<ClusterConnection>;
  logger: LoggerService;
}): express.Router {
  const callers = new Set(
    (
      options.config.getOptionalStringArray(
        'appPlatform.kubernetesPlugin.callers',
      ) ?? DEFAULT_CALLERS
    ).map(id => `plugin:${id}`),
  );
  const router = express.Router();
  router.all(`${KUBE_READ_PROXY_PATH}/:cluster/*`, async (req, res, next) => {
    try {
      const credentials = await options.httpAuth.credentials(req, {
        allow: ['service'],
      });
      if (!callers.has(credentials.principal.subject)) {
        throw new NotAllowedError(
          `${credentials.principal.subject} may not read clusters through the App Platform`,
        );
      }
      if (req.method !== 'GET') {
        res.setHeader('Allow', 'GET');
        res.status(405).json({
          error: {
            name: 'MethodNotAllowedError',
            message: `The read proxy answers GET only, not ${req.method}`,
          },
        });
        return;
      }
      // The route's `*`: the Kubernetes API path, decoded by express.
      const apiPath = (req.params as Record<string, string>)['0'];
      const path = readablePath(apiPath.split('/'));
      const query = new URL(req.originalUrl, 'http://proxy').searchParams;
      if (isSet(query.get('watch')) || isSet(query.get('follow'))) {
        throw new InputError(
          'The read proxy does not stream: watch and follow are not supported',
        );
      }
      const cluster = await options.connection(req.params.cluster);
      let answer;
      try {
        answer = await options.kube.call(cluster, 'read proxy', apis =>
          apis.get(path, query),
        );
      } catch (error) {
        // A sick cluster is this request's 503, with the reason, never a hang.
        throw new ServiceUnavailableError(describeKubeError(error));
      }
      options.logger.debug(
        `read proxy: ${credentials.principal.subject} GET ${cluster.name}${path} → ${answer.status}`,
      );
      res.status(answer.status);
      if (answer.contentType) res.setHeader('Content-Type', answer.contentType);
      res.send(answer.body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
