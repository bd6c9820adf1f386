import { ResourceRegistry, ResourceType } from './resources';

/** The query parameters of the writes, as the API server lists them. */
const QUERY_PARAMETERS = [
  { name: 'dryRun', type: 'string' },
  { name: 'fieldManager', type: 'string' },
  { name: 'fieldValidation', type: 'string' },
  { name: 'force', type: 'boolean' },
] as const;

/** One object path of a resource type, for the OpenAPI documents. */
export interface ResourcePath {
  /** E.g. `/api/v1/namespaces/{namespace}/configmaps/{name}`. */
  path: string;
  /** Names of the `{…}` segments of `path`. */
  pathParameters: string[];
  /** The `x-kubernetes-group-version-kind` of every operation. */
  gvk: { group: string; version: string; kind: string };
  operations: Array<{
    method: 'get' | 'put' | 'patch';
    operationId: string;
    /** `x-kubernetes-action`. */
    action: string;
    queryParameters: ReadonlyArray<{ name: string; type: string }>;
  }>;
}

/**
 * The object path of each type, with the read, replace and patch
 * operations: what kubectl looks for to learn that the server takes `dryRun`
 * (OpenAPI v2, older kubectl such as 1.20) and `fieldValidation` (v3, or v2)
 * for a kind.
 */
export function resourcePaths(types: ResourceType[]): ResourcePath[] {
  return types.map(t => {
    const prefix = t.group ? `/apis/${t.group}/${t.version}` : '/api/v1';
    const op = (method: 'get' | 'put' | 'patch', id: string) => ({
      method,
      operationId: `${id}${t.kind}`,
      action: method,
      queryParameters: QUERY_PARAMETERS,
    });
    return {
      path: t.namespaced
        ? `${prefix}/namespaces/{namespace}/${t.plural}/{name}`
        : `${prefix}/${t.plural}/{name}`,
      pathParameters: t.namespaced ? ['namespace', 'name'] : ['name'],
      gvk: { group: t.group, version: t.version, kind: t.kind },
      operations: [
        op('get', 'read'),
        op('put', 'replace'),
        op('patch', 'patch'),
      ],
    };
  });
}

/**
 * A skeletal OpenAPI v3 description. kubectl downloads it before create and
 * apply to learn whether the server validates fields itself (the
 * `fieldValidation` query parameter); when it does, kubectl skips client-side
 * schema validation, which would otherwise need the full Kubernetes schema.
 */
export function openApiV3(
  registry: ResourceRegistry,
  path: string,
): unknown | undefined {
  if (path === '/openapi/v3') {
    const paths: Record<string, unknown> = {
      'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=sandbox' },
    };
    for (const gv of registry.groupVersions()) {
      paths[`apis/${gv.group}/${gv.version}`] = {
        serverRelativeURL: `/openapi/v3/apis/${gv.group}/${gv.version}?hash=sandbox`,
      };
    }
    return { paths };
  }
  const m = /^\/openapi\/v3\/(api\/v1|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[3] ?? 'v1';
  const types = registry.types.filter(
    t => t.group === group && t.version === version,
  );
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const p of resourcePaths(types)) {
    paths[p.path] = Object.fromEntries(
      p.operations.map(o => [
        o.method,
        {
          operationId: o.operationId,
          parameters: o.queryParameters.map(q => ({
            name: q.name,
            in: 'query',
            schema: { type: q.type },
          })),
          responses: { '200': { description: 'OK' } },
          'x-kubernetes-action': o.action,
          'x-kubernetes-group-version-kind': p.gvk,
        },
      ]),
    );
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (sandbox)', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}
