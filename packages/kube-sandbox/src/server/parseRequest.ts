import { IncomingMessage } from 'node:http';
import { FaultVerb } from './Faults';
import { ResourceRegistry, ResourceType } from './resources';

/** A resource URL: `/api[s]/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>[/<sub>]]`. */
export interface ResourceRoute {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** What the server knows about a request before handling it. */
export interface ParsedRequest {
  method: string;
  /** URL path without trailing slashes. */
  path: string;
  query: URLSearchParams;
  /** Set for resource URLs; undefined for discovery, health, unknown paths. */
  route?: ResourceRoute;
  /** The Kubernetes verb (RBAC naming), used for authorisation and faults. */
  verb: FaultVerb;
}

/** Parses the path into a resource route, if it names a known resource. */
export function parseResourceRoute(
  registry: ResourceRegistry,
  path: string,
): ResourceRoute | undefined {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !['status', 'finalize'].includes(rest[2])
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = registry.find(group, version, rest[0]);
  if (!type || rest.length > 3) return undefined;
  if (namespace && !type.namespaced) return undefined;
  const [, name, subresource] = rest;
  if (subresource && !type.subresources.includes(subresource)) {
    return undefined;
  }
  return { type, namespace, name, subresource };
}

/** The verb of a request, as the API server's RequestInfo resolver names it. */
export function verbOf(
  method: string,
  route: ResourceRoute | undefined,
  query: URLSearchParams,
): FaultVerb {
  const named = Boolean(route?.name);
  switch (method) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named || !route ? 'delete' : 'deletecollection';
    default: {
      if (!route || named) return 'get';
      const watch = query.get('watch');
      return watch === 'true' || watch === '1' ? 'watch' : 'list';
    }
  }
}

export function parseRequest(
  registry: ResourceRegistry,
  req: IncomingMessage,
): ParsedRequest {
  const url = new URL(req.url ?? '/', 'https://sandbox');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = (req.method ?? 'GET').toUpperCase();
  const route = path.startsWith('/api')
    ? parseResourceRoute(registry, path)
    : undefined;
  return {
    method,
    path,
    query: url.searchParams,
    route,
    verb: verbOf(method, route, url.searchParams),
  };
}
