import { randomBytes, randomUUID } from 'node:crypto';
import YAML from 'yaml';
import { applyDefaults } from './defaults';
import { serverSideApply, trackUpdate } from './managedFields';
import { ObjectStore, typeKeyOf } from './ObjectStore';
import {
  applyJsonPatch,
  applyMergePatch,
  isObject,
  strategicMerge,
} from './patches';
import { apiVersionOf, ResourceRegistry, ResourceType } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { StatusError } from './StatusError';
import { validateObject } from './validation';

/** Per-request write options taken from the query string. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface KubeApiOptions {
  store: ObjectStore;
  registry: ResourceRegistry;
  /** Delay between a namespace turning Terminating and it disappearing. */
  namespaceTerminationMs?: number;
}

function now() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

const SYSTEM_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/**
 * The verb semantics of the Kubernetes API over the object store: defaults,
 * validation, optimistic concurrency, patching, server-side apply, dry runs,
 * garbage collection and namespace termination. Transport-free so both the
 * HTTP server and in-process callers use the same rules.
 */
export class KubeApi {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  private readonly namespaceTerminationMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(options: KubeApiOptions) {
    this.store = options.store;
    this.registry = options.registry;
    this.namespaceTerminationMs = options.namespaceTerminationMs ?? 50;
  }

  static create(options: KubeApiOptions) {
    const api = new KubeApi(options);
    api.ensureSystemNamespaces();
    return api;
  }

  private ensureSystemNamespaces() {
    const nsType = this.registry.get('', 'namespaces');
    for (const name of SYSTEM_NAMESPACES) {
      if (!this.store.get(nsType, undefined, name)) {
        this.create(nsType, undefined, { metadata: { name } }, {});
      }
    }
    const saType = this.registry.get('', 'serviceaccounts');
    for (const ns of SYSTEM_NAMESPACES) {
      if (!this.store.get(saType, ns, 'default')) {
        this.store.create(
          saType,
          applyDefaults(
            'ServiceAccount',
            {
              apiVersion: 'v1',
              kind: 'ServiceAccount',
              metadata: { name: 'default', namespace: ns },
            },
            true,
          ),
        );
      }
    }
  }

  dispose() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get(t: ResourceType, namespace: string | undefined, name: string) {
    const obj = this.store.get(t, namespace, name);
    if (!obj) {
      throw StatusError.notFound(t.plural, t.group, name);
    }
    return obj;
  }

  /** A `<Kind>List` honouring selectors and limit/continue pagination. */
  list(
    t: ResourceType,
    namespace: string | undefined,
    options: ListOptions = {},
  ) {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector);
    let items = this.store.list(t, namespace);
    if (options.labelSelector || options.fieldSelector) {
      items = items.filter(o => labels(o) && fields(o));
    }
    const revision = String(this.store.currentRevision());
    let start = 0;
    let listRevision = revision;
    if (options.continue) {
      let token: { k: string; rv: string };
      try {
        token = JSON.parse(Buffer.from(options.continue, 'base64').toString());
      } catch {
        throw StatusError.badRequest('continue key is not valid');
      }
      listRevision = token.rv;
      // Items are sorted by key, so resume after the last key served.
      const keyOf = (o: any) =>
        o.metadata.namespace
          ? `${o.metadata.namespace}/${o.metadata.name}`
          : o.metadata.name;
      start = items.findIndex(o => keyOf(o) > token.k);
      if (start < 0) start = items.length;
    }
    const metadata: Record<string, unknown> = { resourceVersion: listRevision };
    if (
      options.limit &&
      options.limit > 0 &&
      start + options.limit < items.length
    ) {
      const page = items.slice(start, start + options.limit);
      const last = page[page.length - 1];
      metadata.continue = Buffer.from(
        JSON.stringify({
          k: last.metadata.namespace
            ? `${last.metadata.namespace}/${last.metadata.name}`
            : last.metadata.name,
          rv: listRevision,
        }),
      ).toString('base64');
      metadata.remainingItemCount = items.length - start - page.length;
      items = page;
    } else if (start > 0) {
      items = items.slice(start);
    }
    return {
      apiVersion: apiVersionOf(t),
      kind: `${t.kind}List`,
      metadata,
      items,
    };
  }

  private checkNamespace(
    t: ResourceType,
    namespace: string | undefined,
    creating: boolean,
  ) {
    if (!t.namespaced) return;
    if (!namespace) {
      throw StatusError.badRequest(
        'the server could not find the requested resource: namespace is required',
      );
    }
    const ns = this.store.get(
      this.registry.get('', 'namespaces'),
      undefined,
      namespace,
    );
    if (!ns) {
      throw StatusError.notFound('namespaces', '', namespace);
    }
    if (creating && ns.status?.phase === 'Terminating') {
      throw StatusError.forbidden(
        `${t.plural}${
          t.group ? `.${t.group}` : ''
        } "${''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { kind: t.plural, group: t.group || undefined },
      );
    }
  }

  private normaliseBody(
    t: ResourceType,
    namespace: string | undefined,
    body: any,
  ) {
    if (!isObject(body)) {
      throw StatusError.badRequest('request body must be a JSON object');
    }
    const obj = clone(body);
    if (obj.kind !== undefined && obj.kind !== t.kind) {
      throw StatusError.badRequest(
        `the API version in the data (${
          obj.apiVersion
        }) does not match the expected API version (${apiVersionOf(
          t,
        )}) or kind ${obj.kind} is not ${t.kind}`,
      );
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(t)) {
      throw StatusError.badRequest(
        `the API version in the data (${
          obj.apiVersion
        }) does not match the expected API version (${apiVersionOf(t)})`,
      );
    }
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
    if (t.namespaced) {
      if (
        obj.metadata.namespace &&
        namespace &&
        obj.metadata.namespace !== namespace
      ) {
        throw StatusError.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private managerOf(options: WriteOptions, fallback: string) {
    return options.fieldManager || fallback;
  }

  create(
    t: ResourceType,
    namespace: string | undefined,
    body: any,
    options: WriteOptions,
    userAgent = 'unknown',
  ) {
    const obj = this.normaliseBody(t, namespace, body);
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomBytes(3)
        .toString('hex')
        .slice(0, 5)}`;
    }
    this.checkNamespace(t, obj.metadata.namespace, true);
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'generation',
      'managedFields',
    ]) {
      delete obj.metadata[k];
    }
    applyDefaults(t.kind, obj, true);
    validateObject(t, obj);
    obj.metadata.managedFields = trackUpdate(
      undefined,
      obj,
      this.managerOf(options, userAgent),
      apiVersionOf(t),
    );
    if (this.store.get(t, obj.metadata.namespace, obj.metadata.name)) {
      throw StatusError.alreadyExists(t.plural, t.group, obj.metadata.name);
    }
    if (options.dryRun) {
      obj.metadata.uid = randomUUID();
      obj.metadata.creationTimestamp = now();
      obj.metadata.generation = 1;
      return obj;
    }
    return this.store.create(t, obj);
  }

  /** Common tail of update/patch: carry server fields, validate, store. */
  private commit(
    t: ResourceType,
    existing: any,
    next: any,
    subresource: string | undefined,
    options: WriteOptions,
    manager: string,
    track = true,
  ) {
    let obj = next;
    if (subresource === 'status') {
      // Writes to /status change only status; everything else is kept.
      obj = { ...clone(existing), status: next.status };
      if (next.metadata?.resourceVersion) {
        obj.metadata.resourceVersion = next.metadata.resourceVersion;
      }
    } else if (t.hasStatus) {
      obj.status = existing.status;
    }
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata = {
      ...obj.metadata,
      name: existing.metadata.name,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      ...(existing.metadata.deletionTimestamp
        ? { deletionTimestamp: existing.metadata.deletionTimestamp }
        : {}),
    };
    if (t.namespaced) obj.metadata.namespace = existing.metadata.namespace;
    if (obj.metadata.uid !== existing.metadata.uid) {
      throw StatusError.conflict(
        t.plural,
        t.group,
        existing.metadata.name,
        'uid mismatch',
      );
    }
    applyDefaults(t.kind, obj, false);
    validateObject(t, obj);
    if (track && subresource === undefined) {
      obj.metadata.managedFields = trackUpdate(
        existing,
        obj,
        manager,
        apiVersionOf(t),
      );
    }
    if (options.dryRun) {
      const expected = obj.metadata.resourceVersion;
      if (expected && expected !== existing.metadata.resourceVersion) {
        throw StatusError.conflict(
          t.plural,
          t.group,
          existing.metadata.name,
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      }
      obj.metadata.resourceVersion = existing.metadata.resourceVersion;
      obj.metadata.generation = existing.metadata.generation;
      return obj;
    }
    return this.store.update(t, obj);
  }

  update(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: any,
    options: WriteOptions,
    subresource?: string,
    userAgent = 'unknown',
  ) {
    const obj = this.normaliseBody(t, namespace, body);
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw StatusError.badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const existing = this.get(t, namespace, name);
    delete obj.metadata.managedFields;
    obj.metadata.managedFields = existing.metadata.managedFields;
    return this.commit(
      t,
      existing,
      obj,
      subresource,
      options,
      this.managerOf(options, userAgent),
    );
  }

  patch(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    rawBody: string,
    options: WriteOptions,
    subresource?: string,
    userAgent = 'unknown',
  ) {
    const type = contentType.split(';')[0].trim();
    if (
      type === 'application/apply-patch+yaml' ||
      type === 'application/apply-patch+json'
    ) {
      return this.apply(t, namespace, name, rawBody, options, subresource);
    }
    let patch: any;
    try {
      patch = JSON.parse(rawBody || 'null');
    } catch (e) {
      throw StatusError.badRequest(
        `error decoding patch: ${(e as Error).message}`,
      );
    }
    const existing = this.get(t, namespace, name);
    let next: any;
    switch (type) {
      case 'application/json-patch+json':
        next = applyJsonPatch(existing, patch);
        break;
      case 'application/merge-patch+json':
        next = applyMergePatch(clone(existing), patch);
        break;
      case 'application/strategic-merge-patch+json':
        next = strategicMerge(clone(existing), patch);
        break;
      default:
        throw StatusError.unsupportedMediaType(contentType);
    }
    if (!isObject(next)) {
      throw StatusError.badRequest('patch did not produce an object');
    }
    // A patch that does not mention resourceVersion is unconditional.
    const mentionsRv = rawBody.includes('"resourceVersion"');
    if (!mentionsRv)
      next.metadata = { ...next.metadata, resourceVersion: undefined };
    return this.commit(
      t,
      existing,
      next,
      subresource,
      options,
      this.managerOf(options, userAgent),
    );
  }

  private apply(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    options: WriteOptions,
    subresource?: string,
  ) {
    if (!options.fieldManager) {
      throw StatusError.badRequest(
        'PATCH, fieldManager: Required value: is required for apply patch',
      );
    }
    let applied: any;
    try {
      applied = YAML.parse(rawBody);
    } catch (e) {
      throw StatusError.badRequest(
        `error decoding YAML: ${(e as Error).message}`,
      );
    }
    applied = this.normaliseBody(t, namespace, applied);
    if (applied.metadata.name !== name) {
      throw StatusError.badRequest(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const existing = this.store.get(t, namespace, name);
    const merged = serverSideApply({
      live: existing,
      applied,
      manager: options.fieldManager,
      force: Boolean(options.force),
      apiVersion: apiVersionOf(t),
      merge: (live, a) => {
        const { metadata, ...rest } = a;
        const base = clone(live);
        const out = strategicMerge(base, rest);
        out.metadata = {
          ...base.metadata,
          labels: strategicMerge(
            base.metadata?.labels ?? {},
            metadata.labels ?? {},
          ),
          annotations: strategicMerge(
            base.metadata?.annotations ?? {},
            metadata.annotations ?? {},
          ),
          ...(metadata.ownerReferences
            ? { ownerReferences: metadata.ownerReferences }
            : {}),
          ...(metadata.finalizers ? { finalizers: metadata.finalizers } : {}),
          name: metadata.name,
          ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
        };
        for (const k of ['labels', 'annotations']) {
          if (Object.keys(out.metadata[k]).length === 0) delete out.metadata[k];
        }
        return out;
      },
    });
    if (!existing) {
      if (subresource) throw StatusError.notFound(t.plural, t.group, name);
      const managedFields = merged.metadata.managedFields;
      this.checkNamespace(t, namespace, true);
      applyDefaults(t.kind, merged, true);
      validateObject(t, merged);
      merged.metadata.managedFields = managedFields;
      if (options.dryRun) {
        merged.metadata.uid = randomUUID();
        merged.metadata.creationTimestamp = now();
        merged.metadata.generation = 1;
        return merged;
      }
      return this.store.create(t, merged);
    }
    delete merged.metadata.resourceVersion;
    return this.commit(
      t,
      existing,
      merged,
      subresource,
      options,
      options.fieldManager,
      false,
    );
  }

  /** The autoscaling/v1 Scale view of a workload. */
  getScale(t: ResourceType, namespace: string | undefined, name: string) {
    const obj = this.get(t, namespace, name);
    const selector = obj.spec?.selector?.matchLabels ?? {};
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name,
        namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: obj.spec?.replicas ?? 0 },
      status: {
        replicas: obj.status?.replicas ?? 0,
        selector: Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    };
  }

  /** Writes a Scale (after PUT or PATCH on /scale) back to its workload. */
  setScale(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    scale: any,
    options: WriteOptions,
    userAgent = 'unknown',
  ) {
    const replicas = scale?.spec?.replicas;
    if (
      typeof replicas !== 'number' ||
      replicas < 0 ||
      !Number.isInteger(replicas)
    ) {
      throw StatusError.invalid('Scale', 'autoscaling', name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
          field: 'spec.replicas',
        },
      ]);
    }
    const existing = this.get(t, namespace, name);
    if (
      scale.metadata?.resourceVersion &&
      scale.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw StatusError.conflict(
        t.plural,
        t.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    const next = clone(existing);
    next.spec.replicas = replicas;
    delete next.metadata.resourceVersion;
    const updated = this.commit(
      t,
      existing,
      next,
      undefined,
      options,
      this.managerOf(options, userAgent),
    );
    if (options.dryRun) {
      return { ...this.getScale(t, namespace, name), spec: { replicas } };
    }
    return this.getScale(t, updated.metadata.namespace, updated.metadata.name);
  }

  /** Deletes an object and, unless orphaning, its dependents. */
  delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ) {
    const existing = this.get(t, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw StatusError.conflict(
        t.plural,
        t.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (
      pre?.resourceVersion &&
      pre.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw StatusError.conflict(
        t.plural,
        t.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    if (t.kind === 'Namespace') {
      return this.terminateNamespace(existing, Boolean(options.dryRun));
    }
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name,
        group: t.group || undefined,
        kind: t.plural,
        uid: existing.metadata.uid,
      },
    };
    if (options.dryRun) {
      return status;
    }
    this.store.delete(t, namespace, name);
    if (options.propagationPolicy === 'Orphan') {
      this.orphanDependents(existing.metadata.uid);
    } else {
      this.deleteDependents(existing.metadata.uid);
    }
    return status;
  }

  /** Deletes every object in a collection that matches the selectors. */
  deleteCollection(
    t: ResourceType,
    namespace: string | undefined,
    list: ListOptions,
    options: DeleteOptions,
  ) {
    const items = this.list(t, namespace, {
      labelSelector: list.labelSelector,
      fieldSelector: list.fieldSelector,
    }).items;
    for (const item of items) {
      this.delete(t, item.metadata.namespace, item.metadata.name, options);
    }
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
    };
  }

  private typeOf(typeKey: string) {
    const [group, plural] = typeKey.split('/');
    return this.registry.get(group, plural);
  }

  private deleteDependents(uid: string) {
    for (const dep of this.store.dependents(uid)) {
      const t = this.typeOf(dep.typeKey);
      const obj = this.store.get(t, dep.namespace, dep.name);
      if (!obj) continue;
      this.store.delete(t, dep.namespace, dep.name);
      this.deleteDependents(obj.metadata.uid);
    }
  }

  private orphanDependents(uid: string) {
    for (const dep of this.store.dependents(uid)) {
      const t = this.typeOf(dep.typeKey);
      const obj = this.store.get(t, dep.namespace, dep.name);
      if (!obj) continue;
      const next = clone(obj);
      next.metadata.ownerReferences = next.metadata.ownerReferences.filter(
        (o: any) => o.uid !== uid,
      );
      if (next.metadata.ownerReferences.length === 0)
        delete next.metadata.ownerReferences;
      delete next.metadata.resourceVersion;
      this.store.update(t, next);
    }
  }

  /**
   * Namespace deletion is asynchronous as in Kubernetes: the namespace turns
   * Terminating at once, its contents are removed, then the namespace.
   */
  private terminateNamespace(ns: any, dryRun: boolean) {
    const t = this.registry.get('', 'namespaces');
    if (SYSTEM_NAMESPACES.includes(ns.metadata.name)) {
      throw StatusError.forbidden(
        `namespace "${ns.metadata.name}" is forbidden: this namespace may not be deleted`,
      );
    }
    if (ns.status?.phase === 'Terminating') {
      return ns;
    }
    const next = clone(ns);
    next.metadata.deletionTimestamp = now();
    next.status = { ...next.status, phase: 'Terminating' };
    delete next.metadata.resourceVersion;
    if (dryRun) return next;
    const updated = this.store.update(t, next);
    const name = ns.metadata.name;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finishNamespace(name);
    }, this.namespaceTerminationMs);
    this.timers.add(timer);
    return updated;
  }

  private finishNamespace(name: string) {
    const nsType = this.registry.get('', 'namespaces');
    for (const t of this.registry.types) {
      if (!t.namespaced) continue;
      for (const obj of this.store.list(t, name)) {
        if (this.store.get(t, name, obj.metadata.name)) {
          this.store.delete(t, name, obj.metadata.name);
        }
      }
    }
    if (this.store.get(nsType, undefined, name)) {
      this.store.delete(nsType, undefined, name);
    }
  }

  /** Lists object keys of a type, for the watch implementation. */
  typeKey(t: ResourceType) {
    return typeKeyOf(t);
  }
}
