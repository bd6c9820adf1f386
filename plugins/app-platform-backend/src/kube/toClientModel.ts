import * as clientNode from '@kubernetes/client-node';

type AttributeType = { name: string; baseName: string; type: string };
type Model = { getAttributeTypeMap(): AttributeType[] };

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

function modelNamed(type: string): Model | undefined {
  const candidate = (clientNode as unknown as Record<string, unknown>)[type];
  return typeof (candidate as Model | undefined)?.getAttributeTypeMap ===
    'function'
    ? (candidate as Model)
    : undefined;
}

/** client-node's model type of an object: `<Version><Kind>`, e.g. V1LimitRange. */
function typeOf(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop()!;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

function convert(value: unknown, type: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  const array = ARRAY.exec(type);
  if (array) {
    return Array.isArray(value)
      ? value.map(item => convert(item, array[1]))
      : value;
  }
  const map = MAP.exec(type);
  if (map) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, convert(item, map[1])]),
    );
  }
  const model = modelNamed(type);
  if (!model || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  const converted: Record<string, unknown> = { ...source };
  for (const attribute of model.getAttributeTypeMap()) {
    if (!(attribute.baseName in source)) continue;
    if (attribute.name !== attribute.baseName) {
      delete converted[attribute.baseName];
    }
    converted[attribute.name] = convert(
      source[attribute.baseName],
      attribute.type,
    );
  }
  return converted;
}

/**
 * A plain object (as YAML or a renderer gives it) with its fields under the
 * names client-node's models use, for the generic object client. The client
 * serializes a typed kind through its model, which knows a few fields only
 * by another name (`LimitRangeItem.default` as `_default`,
 * `NetworkPolicyIngressRule.from` as `_from`): sent as they are, those
 * fields are silently dropped (kubernetes-client/javascript#855). Kinds
 * without a model pass unchanged.
 */
export function toClientModel<T extends clientNode.KubernetesObject>(
  object: T,
): T {
  if (!object.apiVersion || !object.kind) return object;
  return convert(object, typeOf(object.apiVersion, object.kind)) as T;
}
