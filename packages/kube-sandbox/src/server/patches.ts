import * as jsonpatch from 'fast-json-patch';
import { StatusError } from './StatusError';

/** A plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, arrays replace. */
export function applyMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) {
    return patch;
  }
  const result: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * Lists that Kubernetes' strategic merge merges by key instead of replacing.
 * The key for `ports` depends on context (containerPort for containers, port
 * for services), so it is chosen from what the items carry.
 */
const MERGE_KEYS: Record<string, string | ((items: any[]) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  ports: items =>
    items.some(i => isObject(i) && 'containerPort' in i)
      ? 'containerPort'
      : 'port',
};

/** The merge key of a list field, or undefined when the list is atomic. */
export function mergeKeyFor(field: string, items: any[]): string | undefined {
  const key = MERGE_KEYS[field];
  if (typeof key === 'function') {
    return key(items);
  }
  return key;
}

function stripDirectives(value: any): any {
  if (Array.isArray(value)) {
    return value.map(stripDirectives);
  }
  if (!isObject(value)) {
    return value;
  }
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!k.startsWith('$')) {
      out[k] = stripDirectives(v);
    }
  }
  return out;
}

function mergeList(field: string, target: any, patch: any[]): any[] {
  const key = mergeKeyFor(field, [...patch, ...(target ?? [])]);
  if (!key || !Array.isArray(target)) {
    return patch
      .filter(i => !(isObject(i) && i.$patch === 'delete'))
      .map(stripDirectives);
  }
  if (patch.some(i => isObject(i) && i.$patch === 'replace')) {
    return patch
      .filter(i => !(isObject(i) && i.$patch === 'replace'))
      .map(stripDirectives);
  }
  const result = [...target];
  for (const item of patch) {
    if (!isObject(item)) {
      continue;
    }
    const index = result.findIndex(t => isObject(t) && t[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMerge(result[index], item);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

/**
 * Strategic merge patch: like a merge patch, except lists of known keyed items
 * (containers, env, ports, volumes, ...) merge item by item, and `$patch`
 * directives delete or replace.
 */
export function strategicMerge(target: any, patch: any): any {
  if (!isObject(patch)) {
    return patch;
  }
  if (patch.$patch === 'replace') {
    return stripDirectives(patch);
  }
  if (patch.$patch === 'delete') {
    return undefined;
  }
  const result: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) {
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else if (isObject(value)) {
      const merged = strategicMerge(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** Applies an RFC 6902 JSON patch, mapping failures to API errors. */
export function applyJsonPatch(target: any, patch: unknown): any {
  if (!Array.isArray(patch)) {
    throw StatusError.badRequest('json patch must be an array of operations');
  }
  try {
    return jsonpatch.applyPatch(
      jsonpatch.deepClone(target),
      patch as jsonpatch.Operation[],
      true,
    ).newDocument;
  } catch (e) {
    const err = e as Error & { name?: string };
    if (err.name === 'TEST_OPERATION_FAILED') {
      throw StatusError.create(
        422,
        'Invalid',
        `the server rejected our request due to an error in our request: ${err.message}`,
      );
    }
    throw StatusError.create(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${err.message}`,
    );
  }
}
