import { createHash } from 'node:crypto';
import {
  APP_PLATFORM_ANNOTATIONS,
  FieldChange,
} from '@internal/plugin-app-platform-common';
import { KubernetesObject } from '@kubernetes/client-node';
import diff from 'microdiff';

/** What a plan shows instead of a Secret's value. */
export const REDACTED = '(redacted)';

/** Server-written metadata: it differs between any two reads, so it is never a change. */
const DROPPED_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/**
 * Annotations that are bookkeeping rather than part of the object: written by
 * kubectl or the Deployment controller, or changed by every deploy (the
 * deployment record, and the spec hash, which changes on every object of a
 * service whenever anything of the service changes).
 */
const DROPPED_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  APP_PLATFORM_ANNOTATIONS.deployment,
  APP_PLATFORM_ANNOTATIONS.specHash,
];

/**
 * Marks an object key that stands for an element of a list keyed by name, so
 * the path shows `[name]`. NUL never occurs in a Kubernetes key.
 */
const NAMED = '\u0000';

type Segment = string | number;
type Json = unknown;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A list whose elements all have a distinct string `name` is keyed by it
 * (containers, env, ports, volumes, …): compared by name, an insertion does
 * not show as a change of every element after it.
 */
function keyedByName(list: unknown[]): Record<string, unknown> | undefined {
  if (list.length === 0) return undefined;
  const keyed: Record<string, unknown> = {};
  for (const element of list) {
    if (!isPlainObject(element) || typeof element.name !== 'string') {
      return undefined;
    }
    const key = `${NAMED}${element.name}`;
    if (key in keyed) return undefined;
    keyed[key] = element;
  }
  return keyed;
}

function withKeyedLists(value: Json): Json {
  if (Array.isArray(value)) {
    const items = value.map(withKeyedLists);
    return keyedByName(items) ?? items;
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withKeyedLists(v)]),
    );
  }
  return value;
}

function isSecret(object: KubernetesObject | undefined): boolean {
  return object?.kind === 'Secret';
}

/**
 * The object as the comparison sees it: a plain JSON copy (no undefined
 * values, no class instances) without server bookkeeping, and for a Secret
 * with `stringData` folded into `data` (as the API server does) and every
 * value replaced by its hash, so values can be compared but never shown.
 */
export function normalizeObject(
  object: KubernetesObject | undefined,
): Record<string, Json> | undefined {
  if (!object) return undefined;
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, any>;
  delete copy.status;
  const metadata = copy.metadata as Record<string, any> | undefined;
  if (metadata) {
    for (const key of DROPPED_METADATA) delete metadata[key];
    if (metadata.annotations) {
      for (const key of DROPPED_ANNOTATIONS) delete metadata.annotations[key];
    }
    // An emptied map is what the API server stores as no map at all.
    for (const key of ['annotations', 'labels']) {
      if (
        isPlainObject(metadata[key]) &&
        Object.keys(metadata[key]).length === 0
      ) {
        delete metadata[key];
      }
    }
  }
  if (isSecret(object)) {
    const data: Record<string, string> = { ...copy.data };
    for (const [key, value] of Object.entries(copy.stringData ?? {})) {
      data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    }
    delete copy.stringData;
    if (copy.data || Object.keys(data).length > 0) {
      copy.data = Object.fromEntries(
        Object.entries(data).map(([k, v]) => [
          k,
          `sha256:${sha256(String(v))}`,
        ]),
      );
    }
  }
  return withKeyedLists(copy) as Record<string, Json>;
}

/** Every leaf under a value; an empty object or list is a leaf of its own. */
function leaves(value: Json, at: Segment[] = []): Array<[Segment[], Json]> {
  if (Array.isArray(value) && value.length > 0) {
    return value.flatMap((v, i) => leaves(v, [...at, i]));
  }
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  }
  return [[at, value]];
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec.template.spec.containers[app].env[LOG_LEVEL].value`, `data[app.yaml]`. */
export function renderPath(path: Segment[]): string {
  let rendered = '';
  for (const segment of path) {
    if (typeof segment === 'number') rendered += `[${segment}]`;
    else if (segment.startsWith(NAMED)) rendered += `[${segment.slice(1)}]`;
    else if (IDENTIFIER.test(segment)) {
      rendered += rendered ? `.${segment}` : segment;
    } else rendered += `[${segment}]`;
  }
  return rendered;
}

function comparePaths(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x - y;
      continue;
    }
    const sx = String(x).replace(NAMED, '');
    const sy = String(y).replace(NAMED, '');
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return a.length - b.length;
}

function startsWith(path: Segment[], prefix: Segment[]): boolean {
  return path.length >= prefix.length && prefix.every((s, i) => path[i] === s);
}

const isEmptyContainer = (value: Json) =>
  (Array.isArray(value) || isPlainObject(value)) &&
  Object.keys(value as object).length === 0;

/**
 * The field-level changes from one version of an object to another, by path
 * and sorted by it; `before` undefined = created, `after` undefined = removed.
 * Server bookkeeping is ignored and a Secret's values show as `(redacted)`.
 */
export function diffObjects(
  before: KubernetesObject | undefined,
  after: KubernetesObject | undefined,
): FieldChange[] {
  const a = normalizeObject(before) ?? {};
  const b = normalizeObject(after) ?? {};
  const redact = isSecret(before) || isSecret(after);

  const changes: Array<{ path: Segment[]; before?: Json; after?: Json }> = [];
  for (const difference of diff(a, b)) {
    const old = difference.type === 'CREATE' ? [] : leaves(difference.oldValue);
    const now = difference.type === 'REMOVE' ? [] : leaves(difference.value);
    const byPath = new Map<
      string,
      { path: Segment[]; before?: Json; after?: Json }
    >();
    const entry = (sub: Segment[]) => {
      const key = JSON.stringify(sub);
      let found = byPath.get(key);
      if (!found) {
        found = { path: [...difference.path, ...sub] };
        byPath.set(key, found);
      }
      return found;
    };
    for (const [sub, value] of old) entry(sub).before = value;
    for (const [sub, value] of now) entry(sub).after = value;
    for (const [, change] of byPath) {
      // `[]` becoming a list with elements shows as the elements only.
      const emptyOnOneSide =
        (change.before === undefined && isEmptyContainer(change.after)) ||
        (change.after === undefined && isEmptyContainer(change.before));
      const covered =
        emptyOnOneSide &&
        [...byPath.values()].some(
          other =>
            other !== change &&
            startsWith(other.path, change.path) &&
            other.path.length > change.path.length,
        );
      if (!covered) changes.push(change);
    }
  }

  return changes
    .sort((x, y) => comparePaths(x.path, y.path))
    .map(change => {
      const secret =
        redact &&
        (change.path[0] === 'data' || change.path[0] === 'stringData');
      const result: FieldChange = { path: renderPath(change.path) };
      if (change.before !== undefined) {
        result.before = secret ? REDACTED : change.before;
      }
      if (change.after !== undefined) {
        result.after = secret ? REDACTED : change.after;
      }
      return result;
    });
}

function show(value: unknown): string {
  if (value === undefined) return 'none';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `1 → 2`; a value that appears is just shown (a first deploy: `image web:1`), one that goes is `web:1 removed`. */
function arrow(change: FieldChange): string {
  if (change.before === undefined) return show(change.after);
  if (change.after === undefined) return `${show(change.before)} removed`;
  return `${show(change.before)} → ${show(change.after)}`;
}

const CONTAINER = String.raw`^spec\.template\.spec\.(?:initContainers|containers)\[([^\]]+)\]`;
const IMAGE = new RegExp(`${CONTAINER}\\.image$`);
const ENV = new RegExp(`${CONTAINER}\\.env\\[([^\\]]+)\\](?:\\.(.+))?$`);
const CONTAINER_PORT = new RegExp(
  `${CONTAINER}\\.ports\\[([^\\]]+)\\](?:\\.(.+))?$`,
);
const SERVICE_PORT = /^spec\.ports\[([^\]]+)\](?:\.(.+))?$/;
const RESOURCES = new RegExp(
  `${CONTAINER}\\.resources\\.((?:requests|limits)\\.[^.]+)$`,
);

type Group = {
  rank: number;
  changes: Array<{ change: FieldChange; field?: string }>;
  describe: (changes: Group['changes']) => string;
};

/** An element of a keyed list (env var, port): added, removed or its main field. */
function describeElement(label: string, valueFields: string[]) {
  return (changes: Group['changes']) => {
    const name = changes.find(c => c.field === 'name')?.change;
    if (name && name.before === undefined) return `${label} added`;
    if (name && name.after === undefined) return `${label} removed`;
    const value = changes.find(c => valueFields.includes(c.field ?? ''));
    return value ? `${label} ${arrow(value.change)}` : `${label} changed`;
  };
}

/**
 * A short human line for a list of changes, e.g.
 * `image nginx:1.25 → nginx:1.27, replicas 2 → 3, env LOG_LEVEL info → debug`:
 * the interesting fields (images, replicas, env, ports, resources) first, at
 * most `max` of them, then how many other fields change.
 */
export function summarizeChanges(changes: FieldChange[], max = 4): string {
  if (changes.length === 0) return 'no changes';
  const plural = (n: number) => `${n} field${n === 1 ? '' : 's'}`;
  const groups = new Map<string, Group>();
  const add = (
    key: string,
    rank: number,
    describe: Group['describe'],
    change: FieldChange,
    field?: string,
  ) => {
    const group = groups.get(key) ?? { rank, changes: [], describe };
    group.changes.push({ change, field });
    groups.set(key, group);
  };
  const imageCount = changes.filter(c => IMAGE.test(c.path)).length;
  for (const change of changes) {
    const image = change.path.match(IMAGE);
    const env = change.path.match(ENV);
    const containerPort = change.path.match(CONTAINER_PORT);
    const servicePort = change.path.match(SERVICE_PORT);
    const resources = change.path.match(RESOURCES);
    if (image) {
      const label = imageCount > 1 ? `${image[1]} image` : 'image';
      add(change.path, 0, () => `${label} ${arrow(change)}`, change);
    } else if (change.path === 'spec.replicas') {
      add(change.path, 1, () => `replicas ${arrow(change)}`, change);
    } else if (env) {
      const [, container, name, field] = env;
      add(
        `env:${container}:${name}`,
        2,
        describeElement(`env ${name}`, ['value']),
        change,
        field,
      );
    } else if (containerPort || servicePort) {
      const [, container, name, field] = containerPort ?? [
        '',
        '',
        ...servicePort!.slice(1),
      ];
      add(
        `port:${container}:${name}`,
        3,
        describeElement(`port ${name}`, ['containerPort', 'port']),
        change,
        field,
      );
    } else if (resources) {
      add(change.path, 4, () => `${resources[2]} ${arrow(change)}`, change);
    }
  }
  if (groups.size === 0) return plural(changes.length);
  const shown = [...groups.values()]
    .sort((x, y) => x.rank - y.rank)
    .slice(0, max);
  const rest =
    changes.length - shown.reduce((n, group) => n + group.changes.length, 0);
  const parts = shown.map(group => group.describe(group.changes));
  if (rest > 0) parts.push(`${rest} more field${rest === 1 ? '' : 's'}`);
  return parts.join(', ');
}
