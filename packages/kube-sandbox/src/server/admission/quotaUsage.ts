import { ObjectStore } from '../ObjectStore';
import { formatQuantity, isBinary, parseQuantity } from '../quantity';
import { ResourceRegistry, ResourceType } from '../resources';

/** Quota resources whose value is the sum of a pod's container resources. */
export const COMPUTE: Record<string, [string, string]> = {
  cpu: ['requests', 'cpu'],
  memory: ['requests', 'memory'],
  'requests.cpu': ['requests', 'cpu'],
  'requests.memory': ['requests', 'memory'],
  'limits.cpu': ['limits', 'cpu'],
  'limits.memory': ['limits', 'memory'],
};

function countName(t: ResourceType) {
  return `count/${t.plural}${t.group ? `.${t.group}` : ''}`;
}

/** The kind of object a quota resource counts. */
function countedKind(resource: string) {
  if (resource === 'pods' || resource in COMPUTE) return 'Pod';
  if (resource.startsWith('services')) return 'Service';
  if (
    resource === 'persistentvolumeclaims' ||
    resource === 'requests.storage'
  ) {
    return 'PersistentVolumeClaim';
  }
  return {
    configmaps: 'ConfigMap',
    secrets: 'Secret',
    resourcequotas: 'ResourceQuota',
  }[resource];
}

function isTerminal(pod: any) {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** What one object adds to each quota resource. */
export function objectUsage(t: ResourceType, obj: any): Record<string, number> {
  const usage: Record<string, number> = { [countName(t)]: 1 };
  switch (t.kind) {
    case 'Pod': {
      if (isTerminal(obj)) return {};
      usage.pods = 1;
      for (const [resource, [kind, name]] of Object.entries(COMPUTE)) {
        usage[resource] = (obj.spec?.containers ?? []).reduce(
          (n: number, c: any) =>
            n + (parseQuantity(c.resources?.[kind]?.[name]) ?? 0),
          0,
        );
      }
      break;
    }
    case 'Service': {
      usage.services = 1;
      const type = obj.spec?.type;
      usage['services.loadbalancers'] = type === 'LoadBalancer' ? 1 : 0;
      usage['services.nodeports'] =
        type === 'NodePort' || type === 'LoadBalancer'
          ? (obj.spec?.ports ?? []).length
          : 0;
      break;
    }
    case 'PersistentVolumeClaim':
      usage.persistentvolumeclaims = 1;
      usage['requests.storage'] =
        parseQuantity(obj.spec?.resources?.requests?.storage) ?? 0;
      break;
    case 'ConfigMap':
      usage.configmaps = 1;
      break;
    case 'Secret':
      usage.secrets = 1;
      break;
    case 'ResourceQuota':
      usage.resourcequotas = 1;
      break;
    default:
      break;
  }
  return usage;
}

/** Current usage in a namespace of the given quota resources. */
export function namespaceUsage(
  store: ObjectStore,
  registry: ResourceRegistry,
  namespace: string,
  resources: string[],
): Record<string, number> {
  const used: Record<string, number> = Object.fromEntries(
    resources.map(r => [r, 0]),
  );
  for (const t of registry.types) {
    if (!t.namespaced) continue;
    const relevant = resources.filter(
      r => r === countName(t) || countedKind(r) === t.kind,
    );
    if (relevant.length === 0) continue;
    for (const obj of store.list(t, namespace)) {
      const u = objectUsage(t, obj);
      for (const r of relevant) used[r] += u[r] ?? 0;
    }
  }
  return used;
}

/** `status` of a ResourceQuota: its hard limits and what is used of them. */
export function quotaStatus(
  store: ObjectStore,
  registry: ResourceRegistry,
  quota: any,
) {
  const hard: Record<string, string> = quota.spec?.hard ?? {};
  const used = namespaceUsage(
    store,
    registry,
    quota.metadata.namespace,
    Object.keys(hard),
  );
  return {
    hard: { ...hard },
    used: Object.fromEntries(
      Object.keys(hard).map(r => [
        r,
        formatQuantity(used[r], isBinary(hard[r])),
      ]),
    ),
  };
}
