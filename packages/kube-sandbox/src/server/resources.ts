/** Static description of one REST resource the sandbox serves. */
export interface ResourceType {
  group: string;
  version: string;
  /** Lower-case plural used in URLs, e.g. `deployments`. */
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources besides the main resource, e.g. `status`, `scale`, `log`. */
  subresources: string[];
  /** Whether spec and status are split (status only writable via /status). */
  hasStatus: boolean;
  /** Discovery categories; `all` makes `kubectl get all` include the type. */
  categories?: string[];
}

const VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function resource(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    subresources: [],
    hasStatus: false,
    ...extra,
  };
}

/** Every resource type the sandbox implements. */
export const RESOURCE_TYPES: ResourceType[] = [
  resource('', 'v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
    hasStatus: true,
  }),
  resource('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  resource('', 'v1', 'resourcequotas', 'ResourceQuota', true, {
    shortNames: ['quota'],
    subresources: ['status'],
    hasStatus: true,
  }),
  resource('', 'v1', 'limitranges', 'LimitRange', true, {
    shortNames: ['limits'],
  }),
  resource('', 'v1', 'secrets', 'Secret', true),
  resource('', 'v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    subresources: ['status'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
    subresources: ['status'],
    hasStatus: true,
  }),
  resource('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    subresources: ['status', 'log'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  resource('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  resource('', 'v1', 'serviceaccounts', 'ServiceAccount', true, {
    shortNames: ['sa'],
  }),
  resource('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    subresources: ['status', 'scale'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    subresources: ['status', 'scale'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    subresources: ['status'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    {
      shortNames: ['hpa'],
      subresources: ['status'],
      hasStatus: true,
      categories: ['all'],
    },
  ),
  resource('batch', 'v1', 'jobs', 'Job', true, {
    subresources: ['status'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource('batch', 'v1', 'cronjobs', 'CronJob', true, {
    shortNames: ['cj'],
    subresources: ['status'],
    hasStatus: true,
    categories: ['all'],
  }),
  resource('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  resource('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, {
    shortNames: ['ing'],
    subresources: ['status'],
    hasStatus: true,
  }),
];

/** Looks up resource types by URL coordinates or by apiVersion/kind. */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  private constructor(readonly types: ResourceType[]) {
    for (const t of types) {
      this.byPath.set(`${t.group}/${t.version}/${t.plural}`, t);
      this.byKind.set(`${apiVersionOf(t)}/${t.kind}`, t);
    }
  }

  static create(types: ResourceType[] = RESOURCE_TYPES) {
    return new ResourceRegistry(types);
  }

  find(group: string, version: string, plural: string) {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  findKind(apiVersion: string, kind: string) {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  get(group: string, plural: string): ResourceType {
    const t = this.types.find(x => x.group === group && x.plural === plural);
    if (!t) {
      throw new Error(`unknown resource ${plural}.${group}`);
    }
    return t;
  }

  /** `group/version` pairs, core group excluded. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.types) {
      if (t.group) {
        seen.set(`${t.group}/${t.version}`, {
          group: t.group,
          version: t.version,
        });
      }
    }
    return [...seen.values()];
  }

  /** The `APIResourceList` discovery document for one group version. */
  resourceList(group: string, version: string) {
    const types = this.types.filter(
      t => t.group === group && t.version === version,
    );
    if (types.length === 0) {
      return undefined;
    }
    const resources: Record<string, unknown>[] = [];
    for (const t of types) {
      resources.push({
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS,
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        ...(t.categories ? { categories: t.categories } : {}),
        storageVersionHash: '',
      });
      for (const sub of t.subresources) {
        resources.push({
          name: `${t.plural}/${sub}`,
          singularName: '',
          namespaced: t.namespaced,
          kind: sub === 'scale' ? 'Scale' : t.kind,
          ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
          verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
        });
      }
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources,
    };
  }
}

export function apiVersionOf(t: ResourceType) {
  return t.group ? `${t.group}/${t.version}` : t.version;
}
