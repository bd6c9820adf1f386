import { openApiV3 } from './openapi';
import { ResourceRegistry } from './resources';

const KUBE_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function apiGroup(registry: ResourceRegistry, g: string) {
  const vs = registry
    .groupVersions()
    .filter(x => x.group === g)
    .map(v => ({ groupVersion: `${g}/${v.version}`, version: v.version }));
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: g,
    versions: vs,
    preferredVersion: vs[0],
  };
}

/**
 * The discovery document at `path` (`/version`, `/api`, `/apis`, group and
 * group-version resource lists, `/openapi/v3`), or undefined if `path` is
 * not a discovery path.
 */
export function discovery(
  registry: ResourceRegistry,
  path: string,
  serverAddress: string,
): unknown | undefined {
  if (path === '/version') return KUBE_VERSION;
  if (path.startsWith('/openapi/v3')) return openApiV3(registry, path);
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  if (path === '/apis') {
    const groups = [...new Set(registry.groupVersions().map(g => g.group))];
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map(g => apiGroup(registry, g)),
    };
  }
  if (path === '/api/v1') return registry.resourceList('', 'v1');
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (m) {
    if (!m[2]) {
      return registry.groupVersions().some(g => g.group === m[1])
        ? apiGroup(registry, m[1])
        : undefined;
    }
    return registry.resourceList(m[1], m[2]);
  }
  return undefined;
}
