import { ResourceRegistry } from './resources';

/**
 * A skeletal OpenAPI v3 description. kubectl downloads it before create and
 * apply to learn whether the server validates fields itself (the
 * `fieldValidation` query parameter); when it does, kubectl skips client-side
 * schema validation, which would otherwise need the full Kubernetes schema.
 */
const ACTIONS: Record<string, string> = {
  read: 'get',
  replace: 'put',
  patch: 'patch',
};

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
  const prefix = group ? `/apis/${group}/${version}` : '/api/v1';
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const p = t.namespaced
      ? `${prefix}/namespaces/{namespace}/${t.plural}/{name}`
      : `${prefix}/${t.plural}/{name}`;
    const gvk = { group, version, kind: t.kind };
    const params = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map(
      name => ({
        name,
        in: 'query',
        schema: { type: name === 'force' ? 'boolean' : 'string' },
      }),
    );
    const op = (id: string) => ({
      operationId: `${id}${t.kind}`,
      parameters: params,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': ACTIONS[id],
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[p] = { get: op('read'), put: op('replace'), patch: op('patch') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (sandbox)', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}
