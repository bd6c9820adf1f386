import { isObject, mergeKeyFor } from './patches';
import { StatusCause, StatusError } from './StatusError';

/**
 * Field ownership tracking for server-side apply. A field path is a list of
 * fieldsV1 segments (`f:spec`, `k:{"name":"app"}`) joined with newlines so
 * sets of paths can live in plain `Set<string>`s.
 */
type FieldSet = Set<string>;

const SEP = '\n';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, any>;
  subresource?: string;
}

export function deepEqual(a: any, b: any): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every(k => deepEqual(a[k], b[k]));
  }
  return false;
}

function itemSegment(key: string, item: any) {
  return `k:${JSON.stringify({ [key]: item[key] })}`;
}

function walk(value: any, prefix: string[], field: string, out: FieldSet) {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      walk(v, [...prefix, `f:${k}`], k, out);
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const key = mergeKeyFor(field, value);
    if (key && value.every(i => isObject(i) && i[key] !== undefined)) {
      for (const item of value) {
        const itemPath = [...prefix, itemSegment(key, item)];
        out.add(itemPath.join(SEP));
        for (const [k, v] of Object.entries(item)) {
          walk(v, [...itemPath, `f:${k}`], k, out);
        }
      }
      return;
    }
  }
  out.add(prefix.join(SEP));
}

/** The leaf field paths set in an object, ignoring server-owned metadata. */
export function fieldsOf(obj: any): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata') {
      for (const mk of ['labels', 'annotations']) {
        const m = (v as any)?.[mk];
        if (m && Object.keys(m).length > 0) {
          walk(m, ['f:metadata', `f:${mk}`], mk, out);
        }
      }
      continue;
    }
    walk(v, [`f:${k}`], k, out);
  }
  return out;
}

/** Converts a path set into the nested `fieldsV1` wire form. */
export function toFieldsV1(fields: FieldSet): Record<string, any> {
  const root: Record<string, any> = {};
  for (const path of fields) {
    let node = root;
    const segs = path.split(SEP);
    segs.forEach((seg, i) => {
      node[seg] = node[seg] ?? {};
      node = node[seg];
      if (i === segs.length - 1 && seg.startsWith('k:')) {
        node['.'] = {};
      }
    });
  }
  return root;
}

/** Converts `fieldsV1` back into a path set. */
export function fromFieldsV1(fieldsV1: any, prefix: string[] = []): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(fieldsV1 ?? {})) {
    if (k === '.') {
      out.add(prefix.join(SEP));
    } else if (isObject(v) && Object.keys(v).length > 0) {
      for (const p of fromFieldsV1(v, [...prefix, k])) out.add(p);
    } else {
      out.add([...prefix, k].join(SEP));
    }
  }
  return out;
}

function step(node: any, seg: string): any {
  if (node === undefined || node === null) return undefined;
  if (seg.startsWith('f:')) {
    return isObject(node) ? node[seg.slice(2)] : undefined;
  }
  if (seg.startsWith('k:') && Array.isArray(node)) {
    const key = JSON.parse(seg.slice(2));
    return node.find(i =>
      Object.entries(key).every(([kk, kv]) => isObject(i) && i[kk] === kv),
    );
  }
  return undefined;
}

export function valueAt(obj: any, path: string): any {
  return path.split(SEP).reduce(step, obj);
}

/** Removes the field at `path` from `obj` in place. */
export function removeAt(obj: any, path: string) {
  const segs = path.split(SEP);
  const parent = segs.slice(0, -1).reduce(step, obj);
  const last = segs[segs.length - 1];
  if (last.startsWith('f:') && isObject(parent)) {
    delete parent[last.slice(2)];
  } else if (last.startsWith('k:') && Array.isArray(parent)) {
    const item = step(parent, last);
    const index = parent.indexOf(item);
    if (index >= 0) parent.splice(index, 1);
  }
  // Drop containers left empty, as omitempty serialisation would.
  for (let i = segs.length - 1; i > 0; i--) {
    const prefix = segs.slice(0, i).join(SEP);
    const v = valueAt(obj, prefix);
    const empty = Array.isArray(v)
      ? v.length === 0
      : isObject(v) && Object.keys(v).length === 0;
    if (!empty) break;
    const p = segs.slice(0, i - 1).reduce(step, obj);
    const seg = segs[i - 1];
    if (seg.startsWith('f:') && isObject(p)) delete p[seg.slice(2)];
    else break;
  }
}

/** The paths that lead to `path`, shortest first. */
function ancestorsOf(path: string): string[] {
  const segs = path.split(SEP);
  return segs.slice(1).map((_, i) => segs.slice(0, i + 1).join(SEP));
}

/** A list item's key field, e.g. `…/k:{"name":"config"}/f:name`. */
function isKeyFieldOfItem(path: string): boolean {
  const segs = path.split(SEP);
  const item = segs[segs.length - 2];
  const field = segs[segs.length - 1];
  if (!item?.startsWith('k:') || !field.startsWith('f:')) return false;
  return field.slice(2) in JSON.parse(item.slice(2));
}

/** Renders a path the way the API server does in conflict messages. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .map(seg =>
      seg.startsWith('f:')
        ? `.${seg.slice(2)}`
        : `[${Object.entries(JSON.parse(seg.slice(2)))
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`,
    )
    .join('');
}

function entriesOf(obj: any): ManagedFieldsEntry[] {
  return (obj?.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
}

function rebuild(
  entries: { entry: ManagedFieldsEntry; fields: FieldSet }[],
): ManagedFieldsEntry[] {
  return entries
    .filter(e => e.fields.size > 0)
    .map(e => ({ ...e.entry, fieldsV1: toFieldsV1(e.fields) }));
}

/**
 * Records that `manager` changed `updated` (from `previous`) with a non-apply
 * write: it takes ownership of every field whose value changed, and fields
 * that disappeared are dropped from all managers.
 */
export function trackUpdate(
  previous: any | undefined,
  updated: any,
  manager: string,
  apiVersion: string,
): ManagedFieldsEntry[] {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const present = fieldsOf(updated);
  const changed = new Set<string>();
  for (const p of present) {
    // A keyed list item counts as changed only when it is new; edits inside
    // it are attributed to the leaf fields.
    const isItem = p.split(SEP).pop()!.startsWith('k:');
    const before = previous ? valueAt(previous, p) : undefined;
    if (
      before === undefined ||
      (!isItem && !deepEqual(before, valueAt(updated, p)))
    ) {
      changed.add(p);
    }
  }
  const entries = entriesOf(previous).map(entry => ({
    entry,
    fields: new Set(
      [...fromFieldsV1(entry.fieldsV1)].filter(
        p => present.has(p) && !changed.has(p),
      ),
    ),
  }));
  if (changed.size > 0) {
    let mine = entries.find(
      e => e.entry.manager === manager && e.entry.operation === 'Update',
    );
    if (!mine) {
      mine = {
        entry: {
          manager,
          operation: 'Update',
          apiVersion,
          time: now,
          fieldsType: 'FieldsV1',
          fieldsV1: {},
        },
        fields: new Set(),
      };
      entries.push(mine);
    }
    mine.entry = { ...mine.entry, time: now };
    for (const p of changed) mine.fields.add(p);
  }
  return rebuild(entries);
}

/**
 * Server-side apply of `applied` (the caller's full intent) onto `live`.
 * Fails with 409 when another manager owns a field with a different value,
 * unless `force` is set, in which case ownership moves to `manager`.
 * Returns the merged object with updated managedFields.
 */
export function serverSideApply(options: {
  live: any | undefined;
  applied: any;
  manager: string;
  force: boolean;
  apiVersion: string;
  merge: (live: any, applied: any) => any;
}): any {
  const { live, applied, manager, force, apiVersion, merge } = options;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const appliedFields = fieldsOf(applied);
  const entries = entriesOf(live).map(entry => ({
    entry,
    fields: fromFieldsV1(entry.fieldsV1),
  }));
  const isMine = (e: ManagedFieldsEntry) =>
    e.manager === manager && e.operation === 'Apply';

  const conflicts: StatusCause[] = [];
  const conflicting: { fields: FieldSet; path: string }[] = [];
  for (const e of entries) {
    if (isMine(e.entry)) continue;
    for (const p of appliedFields) {
      if (
        e.fields.has(p) &&
        !p.split(SEP).pop()!.startsWith('k:') &&
        !deepEqual(valueAt(live, p), valueAt(applied, p))
      ) {
        conflicts.push({
          reason: 'FieldManagerConflict',
          message: `conflict with "${e.entry.manager}"${
            e.entry.operation === 'Update' ? ` using ${e.entry.apiVersion}` : ''
          }`,
          field: describePath(p),
        });
        conflicting.push({ fields: e.fields, path: p });
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    const name = applied?.metadata?.name ?? '';
    const [group] = apiVersion.includes('/') ? apiVersion.split('/') : [''];
    const err = StatusError.create(
      409,
      'Conflict',
      `Apply failed with ${conflicts.length} conflict${
        conflicts.length > 1 ? 's' : ''
      }: ${conflicts.map(c => `${c.message}: ${c.field}`).join('\n')}`,
      {
        name,
        group: group || undefined,
        kind: String(applied?.kind ?? '').toLowerCase(),
        causes: conflicts,
      },
    );
    throw err;
  }
  for (const c of conflicting) c.fields.delete(c.path);

  const result = merge(live ?? {}, applied);

  // Fields this manager applied before but no longer mentions are removed,
  // unless another manager still owns them.
  const mine = entries.find(e => isMine(e.entry));
  if (mine && live) {
    const othersOwn = (p: string) =>
      entries.some(
        e =>
          e !== mine &&
          [...e.fields].some(f => f === p || f.startsWith(p + SEP)),
      );
    const stale = [...mine.fields].filter(
      p => !appliedFields.has(p) && !othersOwn(p),
    );
    const staleSet = new Set(stale);
    const removed = stale
      .filter(
        p =>
          // A list item that goes takes its fields with it: removing its key
          // field first would leave an item that can no longer be found.
          !ancestorsOf(p).some(a => staleSet.has(a)) &&
          // An item that stays keeps its key, whoever owned it.
          !isKeyFieldOfItem(p),
      )
      .sort((a, b) => b.length - a.length);
    for (const p of removed) removeAt(result, p);
  }

  const updatedEntries = entries.filter(e => !isMine(e.entry));
  updatedEntries.push({
    entry: {
      manager,
      operation: 'Apply',
      apiVersion,
      time: now,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    },
    fields: appliedFields,
  });
  result.metadata = {
    ...result.metadata,
    managedFields: rebuild(updatedEntries),
  };
  return result;
}
