import { randomBytes, randomUUID } from 'node:crypto';
import { admit } from './admission/admissionChain';
import { AdmissionRequest } from './admission/AdmissionPlugin';
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
import { parseYamlBody } from './parseYamlBody';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { StatusError } from './StatusError';

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
  /** Overrides a pod's terminationGracePeriodSeconds; 0 deletes at once. */
  gracePeriodSeconds?: number;
}

export interface KubeApiOptions {
  store: ObjectStore;
  registry: ResourceRegistry;
  /** Storage classes besides the default `standard` that provision volumes. */
  storageClasses?: string[];
}

const FOREGROUND = 'foregroundDeletion';

function now() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * Go's `omitempty` on ObjectMeta's maps and lists: an empty `labels: {}`
 * (what kubectl's merge patches send) is stored and returned as absent.
 */
function omitEmptyMetadata(obj: any) {
  const meta = obj.metadata;
  for (const key of [
    'labels',
    'annotations',
    'finalizers',
    'ownerReferences',
    'managedFields',
  ]) {
    const v = meta[key];
    if (v === null || (typeof v === 'object' && !Object.keys(v).length)) {
      delete meta[key];
    }
  }
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
  private readonly storageClasses: string[];

  private constructor(options: KubeApiOptions) {
    this.store = options.store;
    this.registry = options.registry;
    this.storageClasses = options.storageClasses ?? [];
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

  /** Nothing to release any more: namespace termination is a controller's job. */
  dispose() {}

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
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
    ]) {
      delete obj.metadata[k];
    }
    // Assigned before admission, as BeforeCreate does: Jobs select on it.
    obj.metadata.uid = randomUUID();
    return this.commitCreate(
      t,
      obj,
      options,
      this.managerOf(options, userAgent),
    );
  }

  /**
   * The steps of every create: existence check → admission (mutating,
   * validation, validating) → field ownership → store write (which notifies
   * watches), or the would-be object on a dry run.
   */
  private commitCreate(
    t: ResourceType,
    obj: any,
    options: WriteOptions,
    manager: string,
    managedFields?: any[],
  ) {
    this.checkAbsent(t, obj);
    omitEmptyMetadata(obj);
    this.admit({
      operation: 'CREATE',
      type: t,
      object: obj,
      dryRun: Boolean(options.dryRun),
    });
    obj.metadata.managedFields =
      managedFields ?? trackUpdate(undefined, obj, manager, apiVersionOf(t));
    if (options.dryRun) {
      obj.metadata.creationTimestamp = now();
      obj.metadata.generation = 1;
      return obj;
    }
    return this.store.create(t, obj);
  }

  private checkAbsent(t: ResourceType, obj: any) {
    const existing = this.store.get(
      t,
      obj.metadata.namespace,
      obj.metadata.name,
    );
    if (!existing) return;
    const err = StatusError.alreadyExists(t.plural, t.group, obj.metadata.name);
    if (existing.metadata.deletionTimestamp) {
      // As the API server words it for an object still being deleted.
      throw StatusError.create(
        409,
        'AlreadyExists',
        `object is being deleted: ${err.message}`,
        {
          name: obj.metadata.name,
          group: t.group || undefined,
          kind: t.plural,
        },
      );
    }
    throw err;
  }

  private admit(
    request: Omit<AdmissionRequest, 'store' | 'registry' | 'settings'>,
  ) {
    admit({
      ...request,
      store: this.store,
      registry: this.registry,
      settings: { storageClasses: this.storageClasses },
    });
  }

  /**
   * Common tail of update, patch, apply and scale, in the API server's
   * order: keep what the client may not change (carryServerFields), check
   * the object is the same one (checkSameObject), admission (mutating,
   * validation, validating), field ownership, then the store write (which
   * checks resourceVersion and notifies watches) or the would-be object on
   * a dry run.
   */
  private commit(
    t: ResourceType,
    existing: any,
    next: any,
    subresource: string | undefined,
    options: WriteOptions,
    manager: string,
    track = true,
  ) {
    const obj = this.carryServerFields(t, existing, next, subresource);
    this.checkSameObject(t, existing, obj);
    omitEmptyMetadata(obj);
    this.admit({
      operation: 'UPDATE',
      type: t,
      object: obj,
      oldObject: existing,
      subresource,
      dryRun: Boolean(options.dryRun),
    });
    if (track && subresource === undefined) {
      obj.metadata.managedFields = trackUpdate(
        existing,
        obj,
        manager,
        apiVersionOf(t),
      );
    }
    if (options.dryRun) return this.dryRunUpdate(t, existing, obj);
    const updated = this.store.update(t, obj);
    this.removeIfFinalized(t, updated);
    return updated;
  }

  /**
   * The object as the client may write it: `/status` writes change only
   * status, other writes keep the stored status; identity, creation and
   * deletion metadata always come from the stored object.
   */
  private carryServerFields(
    t: ResourceType,
    existing: any,
    next: any,
    subresource: string | undefined,
  ) {
    let obj = next;
    if (subresource === 'status') {
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
    if (existing.metadata.deletionGracePeriodSeconds !== undefined) {
      obj.metadata.deletionGracePeriodSeconds =
        existing.metadata.deletionGracePeriodSeconds;
    }
    if (t.namespaced) obj.metadata.namespace = existing.metadata.namespace;
    return obj;
  }

  /** A write must not replace the object by another of the same name. */
  private checkSameObject(t: ResourceType, existing: any, obj: any) {
    if (obj.metadata.uid !== existing.metadata.uid) {
      throw StatusError.conflict(
        t.plural,
        t.group,
        existing.metadata.name,
        'uid mismatch',
      );
    }
  }

  /**
   * What the update would store, without storing it: the store's
   * resourceVersion check is done here, and the version and generation
   * stay the stored ones.
   */
  private dryRunUpdate(t: ResourceType, existing: any, obj: any) {
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
      applied = parseYamlBody(rawBody);
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
    // As the API server: a resourceVersion in the applied configuration is
    // a precondition on the live object, so an apply never lands on an
    // object changed (or replaced) since the applier read it.
    const expected = applied.metadata.resourceVersion;
    if (
      existing &&
      expected &&
      expected !== existing.metadata.resourceVersion
    ) {
      throw StatusError.conflict(
        t.plural,
        t.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
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
      merged.metadata.uid = randomUUID();
      return this.commitCreate(
        t,
        merged,
        options,
        options.fieldManager,
        merged.metadata.managedFields,
      );
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

  /**
   * Deletes an object the way the API server does: objects with finalizers
   * (and pods still running on the node) only get a deletionTimestamp and
   * go once the finalizers are removed or the kubelet has stopped them;
   * Orphan strips owner references from dependents, Foreground adds the
   * `foregroundDeletion` finalizer; otherwise (Background) the garbage
   * collector removes dependents once the owner is gone.
   */
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
    if (existing.metadata.deletionTimestamp) {
      // Already being deleted; a zero grace period finishes a pod at once.
      if (
        t.kind === 'Pod' &&
        options.gracePeriodSeconds === 0 &&
        !options.dryRun
      ) {
        this.finishPodTermination(existing);
        return this.store.get(t, namespace, name) ?? status;
      }
      return existing;
    }
    const next = clone(existing);
    const finalizers: string[] = [...(next.metadata.finalizers ?? [])];
    if (
      options.propagationPolicy === 'Foreground' &&
      !finalizers.includes(FOREGROUND)
    ) {
      finalizers.push(FOREGROUND);
    }
    const grace = this.gracePeriod(t, existing, options);
    if (finalizers.length > 0 || grace > 0) {
      next.metadata.finalizers = finalizers.length > 0 ? finalizers : undefined;
      next.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      next.metadata.deletionGracePeriodSeconds = grace;
      if (!next.metadata.finalizers) delete next.metadata.finalizers;
      delete next.metadata.resourceVersion;
      if (options.dryRun) return next;
      if (options.propagationPolicy === 'Orphan') {
        this.orphanDependents(existing.metadata.uid);
      }
      return this.store.update(t, next);
    }
    if (options.dryRun) return status;
    if (options.propagationPolicy === 'Orphan') {
      this.orphanDependents(existing.metadata.uid);
    }
    this.store.delete(t, namespace, name);
    return status;
  }

  /** Seconds a pod on the node gets to stop; 0 for everything else. */
  private gracePeriod(t: ResourceType, obj: any, options: DeleteOptions) {
    if (t.kind !== 'Pod') return 0;
    const phase = obj.status?.phase;
    // Pods never bound to the node, or already finished, have nothing to stop.
    if (!obj.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') {
      return 0;
    }
    return Math.max(
      0,
      options.gracePeriodSeconds ??
        obj.spec?.terminationGracePeriodSeconds ??
        30,
    );
  }

  /**
   * Called by the kubelet once a deleted pod's containers have stopped: the
   * pod goes unless finalizers still hold it.
   */
  finishPodTermination(pod: any) {
    const t = this.registry.get('', 'pods');
    const current = this.store.get(
      t,
      pod.metadata.namespace,
      pod.metadata.name,
    );
    if (!current?.metadata.deletionTimestamp) return;
    const next = clone(current);
    next.metadata.deletionGracePeriodSeconds = 0;
    delete next.metadata.resourceVersion;
    this.removeIfFinalized(t, this.store.update(t, next));
  }

  /** Removes one finalizer (e.g. the garbage collector's `foregroundDeletion`). */
  removeFinalizer(t: ResourceType, obj: any, finalizer: string) {
    const current = this.store.get(
      t,
      obj.metadata.namespace,
      obj.metadata.name,
    );
    if (!current?.metadata.finalizers?.includes(finalizer)) return;
    const next = clone(current);
    next.metadata.finalizers = next.metadata.finalizers.filter(
      (f: string) => f !== finalizer,
    );
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    delete next.metadata.resourceVersion;
    this.removeIfFinalized(t, this.store.update(t, next));
  }

  /**
   * The last step of a write to an object being deleted: once nothing holds
   * it (no finalizers; for pods, the kubelet is done; for namespaces, the
   * `kubernetes` finalizer is gone), it is removed from the store.
   */
  private removeIfFinalized(t: ResourceType, obj: any) {
    const meta = obj.metadata;
    if (!meta.deletionTimestamp || (meta.finalizers ?? []).length > 0) return;
    if (t.kind === 'Pod' && (meta.deletionGracePeriodSeconds ?? 0) > 0) return;
    if (t.kind === 'Namespace' && (obj.spec?.finalizers ?? []).length > 0) {
      return;
    }
    if (this.store.get(t, meta.namespace, meta.name)) {
      this.store.delete(t, meta.namespace, meta.name);
    }
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
   * Terminating at once; the namespace controller removes its content and,
   * through `finalizeNamespace`, the namespace.
   */
  private terminateNamespace(ns: any, dryRun: boolean) {
    const t = this.registry.get('', 'namespaces');
    if (SYSTEM_NAMESPACES.includes(ns.metadata.name)) {
      throw StatusError.forbidden(
        `namespaces "${ns.metadata.name}" is forbidden: this namespace may not be deleted`,
      );
    }
    if (ns.status?.phase === 'Terminating') {
      return ns;
    }
    const next = clone(ns);
    next.metadata.deletionTimestamp = now();
    next.metadata.deletionGracePeriodSeconds = 0;
    next.status = { ...next.status, phase: 'Terminating' };
    delete next.metadata.resourceVersion;
    if (dryRun) return next;
    return this.store.update(t, next);
  }

  /** The namespace controller's `/finalize`: drops the `kubernetes` finalizer. */
  finalizeNamespace(ns: any) {
    const t = this.registry.get('', 'namespaces');
    const current = ns && this.store.get(t, undefined, ns.metadata.name);
    if (!current) return;
    const next = clone(current);
    next.spec = { ...next.spec, finalizers: [] };
    delete next.metadata.resourceVersion;
    this.removeIfFinalized(t, this.store.update(t, next));
  }

  /** Lists object keys of a type, for the watch implementation. */
  typeKey(t: ResourceType) {
    return typeKeyOf(t);
  }
}
