import { randomUUID } from 'node:crypto';
import { ResourceType } from './resources';
import { StatusError } from './StatusError';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change recorded in the store's history and sent to watchers. */
export interface StoreEvent {
  type: WatchEventType;
  /** `group/plural` of the object's resource type. */
  typeKey: string;
  object: any;
  /** For MODIFIED: the object before the change (for selector transitions). */
  previous?: any;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ObjectStoreOptions {
  /** How many past events are kept for watch resumption; older → 410. */
  historySize?: number;
}

export function typeKeyOf(t: ResourceType) {
  return `${t.group}/${t.plural}`;
}

function objectKey(namespace: string | undefined, name: string) {
  return namespace ? `${namespace}/${name}` : name;
}

// Generation tracks spec changes only: everything except metadata and status.
function specFingerprint(obj: any): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

/**
 * In-memory object storage with a single, global, monotonically increasing
 * resourceVersion (like etcd's revision), a bounded event history for watch
 * resumption, and an owner index for garbage collection.
 *
 * Stored objects are treated as immutable: writes store fresh objects and
 * reads hand out the stored reference, which callers must not mutate.
 */
export class ObjectStore {
  private revision = 0;
  private readonly buckets = new Map<string, Map<string, any>>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private readonly anyListeners = new Set<StoreListener>();
  private readonly owners = new Map<string, Set<string>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly historySize: number;

  private constructor(options: ObjectStoreOptions) {
    this.historySize = options.historySize ?? 10000;
  }

  static create(options: ObjectStoreOptions = {}) {
    return new ObjectStore(options);
  }

  /** The latest resourceVersion handed out. */
  currentRevision() {
    return this.revision;
  }

  /** The oldest resourceVersion a watch may resume from. */
  oldestResumableRevision() {
    const first = this.history[this.historyStart];
    return first ? first.resourceVersion - 1 : this.revision;
  }

  private bucket(typeKey: string) {
    let b = this.buckets.get(typeKey);
    if (!b) {
      b = new Map();
      this.buckets.set(typeKey, b);
    }
    return b;
  }

  get(t: ResourceType, namespace: string | undefined, name: string) {
    return this.bucket(typeKeyOf(t)).get(objectKey(namespace, name));
  }

  /** Objects of a type, optionally in one namespace, sorted by key. */
  list(t: ResourceType, namespace?: string): any[] {
    const typeKey = typeKeyOf(t);
    const b = this.bucket(typeKey);
    // Sorting is the expensive part of a big list, so the sorted key order is
    // cached until an object is added or removed.
    let keys = this.sortedKeys.get(typeKey);
    if (!keys) {
      keys = [...b.keys()].sort();
      this.sortedKeys.set(typeKey, keys);
    }
    const out: any[] = [];
    if (namespace) {
      const prefix = `${namespace}/`;
      for (const k of keys) {
        if (k.startsWith(prefix)) out.push(b.get(k));
      }
    } else {
      for (const k of keys) out.push(b.get(k));
    }
    return out;
  }

  count(t: ResourceType) {
    return this.bucket(typeKeyOf(t)).size;
  }

  /**
   * Stores a new object, filling in uid, resourceVersion, creationTimestamp
   * and generation. Throws 409 AlreadyExists.
   */
  create(t: ResourceType, input: any): any {
    const namespace = t.namespaced ? input.metadata.namespace : undefined;
    const name = input.metadata.name;
    const b = this.bucket(typeKeyOf(t));
    const key = objectKey(namespace, name);
    if (b.has(key)) {
      throw StatusError.alreadyExists(t.plural, t.group, name);
    }
    const rv = ++this.revision;
    const obj = {
      ...input,
      metadata: {
        ...input.metadata,
        ...(namespace ? { namespace } : {}),
        uid: input.metadata.uid ?? randomUUID(),
        resourceVersion: String(rv),
        creationTimestamp:
          input.metadata.creationTimestamp ??
          new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        generation: 1,
      },
    };
    if (!t.namespaced) delete obj.metadata.namespace;
    b.set(key, obj);
    this.sortedKeys.delete(typeKeyOf(t));
    this.indexOwners(t, obj, undefined);
    this.emit({
      type: 'ADDED',
      typeKey: typeKeyOf(t),
      object: obj,
      resourceVersion: rv,
    });
    return obj;
  }

  /**
   * Replaces an object. When `input.metadata.resourceVersion` is set it must
   * match the stored one (optimistic concurrency), else 409 Conflict.
   */
  update(t: ResourceType, input: any): any {
    const namespace = t.namespaced ? input.metadata.namespace : undefined;
    const name = input.metadata.name;
    const b = this.bucket(typeKeyOf(t));
    const key = objectKey(namespace, name);
    const existing = b.get(key);
    if (!existing) {
      throw StatusError.notFound(t.plural, t.group, name);
    }
    const expected = input.metadata.resourceVersion;
    if (expected && expected !== existing.metadata.resourceVersion) {
      throw StatusError.conflict(
        t.plural,
        t.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    const rv = ++this.revision;
    const specChanged = specFingerprint(existing) !== specFingerprint(input);
    const obj = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        resourceVersion: String(rv),
        generation: (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0),
      },
    };
    if (namespace) obj.metadata.namespace = namespace;
    b.set(key, obj);
    this.indexOwners(t, obj, existing);
    this.emit({
      type: 'MODIFIED',
      typeKey: typeKeyOf(t),
      object: obj,
      previous: existing,
      resourceVersion: rv,
    });
    return obj;
  }

  /** Removes an object; returns it as last seen (with a new resourceVersion). */
  delete(t: ResourceType, namespace: string | undefined, name: string): any {
    const b = this.bucket(typeKeyOf(t));
    const key = objectKey(t.namespaced ? namespace : undefined, name);
    const existing = b.get(key);
    if (!existing) {
      throw StatusError.notFound(t.plural, t.group, name);
    }
    b.delete(key);
    this.sortedKeys.delete(typeKeyOf(t));
    this.indexOwners(t, undefined, existing);
    const rv = ++this.revision;
    const obj = {
      ...existing,
      metadata: { ...existing.metadata, resourceVersion: String(rv) },
    };
    this.emit({
      type: 'DELETED',
      typeKey: typeKeyOf(t),
      object: obj,
      resourceVersion: rv,
    });
    return obj;
  }

  /** `[typeKey, namespace, name]` of objects that name `uid` as an owner. */
  dependents(
    uid: string,
  ): { typeKey: string; namespace?: string; name: string }[] {
    return [...(this.owners.get(uid) ?? [])].map(ref => {
      const [typeKey, namespace, name] = ref.split('|');
      return { typeKey, namespace: namespace || undefined, name };
    });
  }

  private indexOwners(t: ResourceType, obj: any, previous: any) {
    const ref = (o: any) =>
      `${typeKeyOf(t)}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
    for (const o of previous?.metadata?.ownerReferences ?? []) {
      this.owners.get(o.uid)?.delete(ref(previous));
    }
    for (const o of obj?.metadata?.ownerReferences ?? []) {
      let set = this.owners.get(o.uid);
      if (!set) {
        set = new Set();
        this.owners.set(o.uid, set);
      }
      set.add(ref(obj));
    }
  }

  private emit(event: StoreEvent) {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historySize) {
      this.historyStart++;
      // Compact occasionally rather than shifting on every write.
      if (this.historyStart > this.historySize) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const l of this.listeners.get(event.typeKey) ?? []) l(event);
    for (const l of this.anyListeners) l(event);
  }

  /**
   * Events of a type after `fromRevision`, or a 410 Gone error when some of
   * them have already fallen out of the history window.
   */
  eventsSince(typeKey: string, fromRevision: number): StoreEvent[] {
    if (fromRevision < this.oldestResumableRevision()) {
      throw StatusError.gone(
        `too old resource version: ${fromRevision} (${this.oldestResumableRevision()})`,
      );
    }
    const out: StoreEvent[] = [];
    for (let i = this.historyStart; i < this.history.length; i++) {
      const e = this.history[i];
      if (e.resourceVersion > fromRevision && e.typeKey === typeKey) {
        out.push(e);
      }
    }
    return out;
  }

  /** Subscribes to changes of one type (or all types with `undefined`). */
  subscribe(typeKey: string | undefined, listener: StoreListener) {
    if (typeKey === undefined) {
      this.anyListeners.add(listener);
      return () => {
        this.anyListeners.delete(listener);
      };
    }
    let set = this.listeners.get(typeKey);
    if (!set) {
      set = new Set();
      this.listeners.set(typeKey, set);
    }
    set.add(listener);
    return () => {
      set!.delete(listener);
    };
  }

  /** Serialisable snapshot for persistence. */
  snapshot() {
    const objects: Record<string, any[]> = {};
    for (const [typeKey, b] of this.buckets) {
      objects[typeKey] = [...b.values()];
    }
    return { revision: this.revision, objects };
  }

  /** Restores a snapshot into an empty store, keeping resourceVersions. */
  restore(
    types: ResourceType[],
    snapshot: { revision: number; objects: Record<string, any[]> },
  ) {
    for (const t of types) {
      const b = this.bucket(typeKeyOf(t));
      for (const obj of snapshot.objects[typeKeyOf(t)] ?? []) {
        b.set(objectKey(obj.metadata.namespace, obj.metadata.name), obj);
        this.indexOwners(t, obj, undefined);
      }
      this.sortedKeys.delete(typeKeyOf(t));
    }
    this.revision = Math.max(this.revision, snapshot.revision);
  }
}
