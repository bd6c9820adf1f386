import { ResourceType } from './resources';

/** Whether a request's Accept header asks for server-side printing. */
export function wantsTable(accept: string | undefined) {
  return Boolean(accept && /as=Table/.test(accept));
}

function age(ts: string | undefined) {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function podStatus(p: any) {
  const waiting = (p.status?.containerStatuses ?? []).find(
    (c: any) => c.state?.waiting,
  )?.state?.waiting?.reason;
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  return waiting && waiting !== 'ContainerCreating'
    ? waiting
    : waiting ?? p.status?.phase ?? 'Pending';
}

/** `cpu: 50%/80%` and the like, as `kubectl get hpa` prints TARGETS. */
function hpaTargets(hpa: any) {
  const specs: any[] = hpa.spec?.metrics ?? [];
  const statuses: any[] = hpa.status?.currentMetrics ?? [];
  if (specs.length === 0) return '<none>';
  const unknown = '<unknown>';
  const list = specs.map((spec, i) => {
    const status = statuses[i];
    switch (spec.type) {
      case 'External':
      case 'Object': {
        const source = spec.type === 'External' ? 'external' : 'object';
        const target = spec[source]?.target ?? {};
        const current = status?.[source]?.current;
        if (target.averageValue !== undefined) {
          return `${current?.averageValue ?? unknown}/${
            target.averageValue
          } (avg)`;
        }
        return `${current?.value ?? unknown}/${target.value}`;
      }
      case 'Pods':
        return `${status?.pods?.current?.averageValue ?? unknown}/${
          spec.pods?.target?.averageValue
        }`;
      case 'Resource':
      case 'ContainerResource': {
        const source =
          spec.type === 'Resource' ? 'resource' : 'containerResource';
        const target = spec[source]?.target ?? {};
        const current = status?.[source]?.current;
        const name = spec[source]?.name;
        if (target.averageValue !== undefined) {
          return `${name}: ${current?.averageValue ?? unknown}/${
            target.averageValue
          }`;
        }
        const now =
          current?.averageUtilization !== undefined
            ? `${current.averageUtilization}%`
            : unknown;
        const want =
          target.averageUtilization !== undefined
            ? `${target.averageUtilization}%`
            : '<auto>';
        return `${name}: ${now}/${want}`;
      }
      default:
        return '<unknown type>';
    }
  });
  return list.length > 2
    ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...`
    : list.join(', ');
}

/** Go's labels.FormatLabels: `k=v,k2=v2` sorted by key, or `<none>`. */
function formatLabels(labels: Record<string, string> | undefined) {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return entries.length
    ? entries.map(([k, v]) => `${k}=${v}`).join(',')
    : '<none>';
}

type Column = [string, string, (o: any) => unknown];

/** kubectl's short names of access modes. */
const ACCESS_MODE_SHORT: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    [
      'Ready',
      'string',
      p =>
        `${
          (p.status?.containerStatuses ?? []).filter((c: any) => c.ready).length
        }/${(p.spec?.containers ?? []).length}`,
    ],
    ['Status', 'string', podStatus],
    [
      'Restarts',
      'string',
      p =>
        String(
          (p.status?.containerStatuses ?? []).reduce(
            (n: number, c: any) => n + (c.restartCount ?? 0),
            0,
          ),
        ),
    ],
  ],
  Deployment: [
    [
      'Ready',
      'string',
      d => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
    ],
    ['Up-to-date', 'integer', d => d.status?.updatedReplicas ?? 0],
    ['Available', 'integer', d => d.status?.availableReplicas ?? 0],
  ],
  ReplicaSet: [
    ['Desired', 'integer', r => r.spec?.replicas ?? 0],
    ['Current', 'integer', r => r.status?.replicas ?? 0],
    ['Ready', 'integer', r => r.status?.readyReplicas ?? 0],
  ],
  StatefulSet: [
    [
      'Ready',
      'string',
      s => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`,
    ],
  ],
  DaemonSet: [
    ['Desired', 'integer', d => d.status?.desiredNumberScheduled ?? 0],
    ['Current', 'integer', d => d.status?.currentNumberScheduled ?? 0],
    ['Ready', 'integer', d => d.status?.numberReady ?? 0],
    ['Up-to-date', 'integer', d => d.status?.updatedNumberScheduled ?? 0],
    ['Available', 'integer', d => d.status?.numberAvailable ?? 0],
    [
      'Node Selector',
      'string',
      d => formatLabels(d.spec?.template?.spec?.nodeSelector),
    ],
  ],
  CronJob: [
    ['Schedule', 'string', c => c.spec?.schedule ?? ''],
    ['Timezone', 'string', c => c.spec?.timeZone ?? '<none>'],
    [
      'Suspend',
      'boolean',
      c => {
        const suspend = c.spec?.suspend;
        if (suspend === undefined || suspend === null) return '<unset>';
        return suspend ? 'True' : 'False';
      },
    ],
    ['Active', 'integer', c => (c.status?.active ?? []).length],
    [
      'Last Schedule',
      'string',
      c =>
        c.status?.lastScheduleTime ? age(c.status.lastScheduleTime) : '<none>',
    ],
  ],
  HorizontalPodAutoscaler: [
    [
      'Reference',
      'string',
      h =>
        `${h.spec?.scaleTargetRef?.kind ?? ''}/${
          h.spec?.scaleTargetRef?.name ?? ''
        }`,
    ],
    ['Targets', 'string', hpaTargets],
    [
      'MinPods',
      'string',
      h =>
        typeof h.spec?.minReplicas === 'number'
          ? String(h.spec.minReplicas)
          : '<unset>',
    ],
    ['MaxPods', 'string', h => h.spec?.maxReplicas ?? 0],
    ['Replicas', 'string', h => h.status?.currentReplicas ?? 0],
  ],
  Namespace: [['Status', 'string', n => n.status?.phase ?? '']],
  Service: [
    ['Type', 'string', s => s.spec?.type ?? ''],
    ['Cluster-IP', 'string', s => s.spec?.clusterIP ?? '<none>'],
    [
      'Port(s)',
      'string',
      s =>
        (s.spec?.ports ?? [])
          .map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    ],
  ],
  PersistentVolumeClaim: [
    ['Status', 'string', c => c.status?.phase ?? 'Pending'],
    ['Volume', 'string', c => c.spec?.volumeName ?? ''],
    ['Capacity', 'string', c => c.status?.capacity?.storage ?? ''],
    [
      'Access Modes',
      'string',
      c =>
        (c.status?.accessModes ?? [])
          .map((m: string) => ACCESS_MODE_SHORT[m] ?? m)
          .join(','),
    ],
    ['StorageClass', 'string', c => c.spec?.storageClassName ?? ''],
    [
      'VolumeAttributesClass',
      'string',
      c => c.spec?.volumeAttributesClassName ?? '<unset>',
    ],
  ],
  ConfigMap: [
    [
      'Data',
      'integer',
      c =>
        Object.keys(c.data ?? {}).length +
        Object.keys(c.binaryData ?? {}).length,
    ],
  ],
  Secret: [
    ['Type', 'string', s => s.type ?? ''],
    ['Data', 'integer', s => Object.keys(s.data ?? {}).length],
  ],
  Event: [
    ['Type', 'string', e => e.type ?? ''],
    ['Reason', 'string', e => e.reason ?? ''],
    [
      'Object',
      'string',
      e =>
        `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${
          e.involvedObject?.name ?? ''
        }`,
    ],
    ['Message', 'string', e => e.message ?? ''],
  ],
};

/**
 * Renders a list as a meta.k8s.io/v1 Table, which kubectl asks for so that
 * `kubectl get` can print kind-specific columns.
 */
export function toTable(t: ResourceType, list: any, includeObject = false) {
  const columns: Column[] = [
    ['Name', 'string', o => o.metadata?.name],
    ...(COLUMNS[t.kind] ?? []),
    ['Age', 'date', o => age(o.metadata?.creationTimestamp)],
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: list.metadata?.resourceVersion,
      ...(list.metadata?.continue ? { continue: list.metadata.continue } : {}),
    },
    columnDefinitions: columns.map(([name, type]) => ({
      name,
      type,
      format: name === 'Name' ? 'name' : '',
      description: '',
      priority: 0,
    })),
    rows: list.items.map((o: any) => ({
      cells: columns.map(([, , f]) => f(o)),
      object: includeObject
        ? o
        : {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: o.metadata,
          },
    })),
  };
}
