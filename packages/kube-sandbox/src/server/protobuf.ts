import path from 'node:path';
import protobuf from 'protobufjs';
import { StatusError } from './StatusError';

/**
 * Decodes Kubernetes protobuf request bodies (what kubectl's typed
 * generators send: `kubectl create deployment|service|job|secret|...`) into
 * the JSON objects kubectl would have sent, using the upstream message
 * definitions vendored in `proto/` (see proto/README.md).
 */

const MAGIC = Buffer.from('k8s\u0000', 'latin1');
/**
 * Found through the package's own package.json rather than relative to this
 * file, so it is the same directory from the sources (Jest, bin/kube-sandbox)
 * and from a build.
 */
const PROTO_DIR = path.join(
  path.dirname(require.resolve('@internal/kube-sandbox/package.json')),
  'proto',
);
const FILES = [
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
  'k8s.io/api/autoscaling/v2/generated.proto',
  'k8s.io/api/batch/v1/generated.proto',
  'k8s.io/api/discovery/v1/generated.proto',
  'k8s.io/api/networking/v1/generated.proto',
];
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/**
 * Fields that Go embeds with `json:",inline"`: their members appear directly
 * in the parent's JSON, while protobuf nests them under a field.
 */
const INLINE_FIELDS = new Set([
  'k8s.io.api.core.v1.Volume.volumeSource',
  'k8s.io.api.core.v1.Probe.handler',
  'k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon',
  'k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource',
  'k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapProjection.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference',
  'k8s.io.api.core.v1.SecretEnvSource.localObjectReference',
  'k8s.io.api.core.v1.SecretKeySelector.localObjectReference',
  'k8s.io.api.core.v1.SecretProjection.localObjectReference',
  'k8s.io.api.networking.v1.IngressRule.ingressRuleValue',
]);

let loaded: protobuf.Root | undefined;

/**
 * The vendored message definitions, parsed once on the first protobuf body
 * (exported for tests that encode bodies as kubectl does).
 */
export function kubeProtoRoot(): protobuf.Root {
  if (!loaded) {
    const r = new protobuf.Root();
    // The files and their imports are named like protoc's include paths
    // (`k8s.io/api/core/v1/generated.proto`), all relative to PROTO_DIR;
    // protobufjs' default would resolve imports relative to the importer.
    r.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
    r.loadSync(FILES);
    r.resolveAll();
    loaded = r;
  }
  return loaded;
}

type Plain = Record<string, any>;

const fromBase64 = (b64: string | undefined) =>
  Buffer.from(b64 ?? '', 'base64');

/** RFC 3339 as Go's metav1.Time marshals it: whole seconds, UTC. */
function rfc3339(seconds: number, fraction?: number) {
  const iso = new Date(seconds * 1000).toISOString();
  if (fraction === undefined) return iso.replace(/\.\d{3}Z$/, 'Z');
  return iso.replace(/\.\d{3}Z$/, `.${String(fraction).padStart(6, '0')}Z`);
}

/** A Go time.Duration's String(), e.g. `1h2m3.5s`, from nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${abs / 1e3}µs`;
  if (abs < 1e9) return `${sign}${abs / 1e6}ms`;
  const h = Math.floor(abs / 3.6e12);
  const m = Math.floor((abs % 3.6e12) / 6e10);
  const s = (abs % 6e10) / 1e9;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/**
 * Types whose JSON form is not their protobuf structure. Returning
 * undefined drops the field (a zero Time is `null` in Go's JSON, which the
 * API server treats as absent).
 */
const SPECIAL: Record<string, (o: Plain) => unknown> = {
  [`${META}.Time`]: o =>
    o.seconds || o.nanos ? rfc3339(o.seconds ?? 0) : undefined,
  [`${META}.MicroTime`]: o =>
    o.seconds || o.nanos
      ? rfc3339(o.seconds ?? 0, Math.floor((o.nanos ?? 0) / 1000))
      : undefined,
  [`${META}.Duration`]: o => goDuration(o.duration ?? 0),
  [`${META}.FieldsV1`]: o => JSON.parse(fromBase64(o.Raw).toString() || '{}'),
  'k8s.io.apimachinery.pkg.api.resource.Quantity': o => o.string ?? '0',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': o =>
    Number(o.type ?? 0) === 1 ? o.strVal ?? '' : o.intVal ?? 0,
  'k8s.io.apimachinery.pkg.runtime.RawExtension': o => {
    const raw = fromBase64(o.raw);
    if (!raw.length) return undefined;
    return raw.subarray(0, 4).equals(MAGIC)
      ? decodeProtobufObject(raw)
      : JSON.parse(raw.toString('utf8'));
  },
};

const typeName = (t: protobuf.Type) => t.fullName.replace(/^\./, '');

/** Go value (non-pointer) fields; their zero values are omitted in JSON. */
const isValueField = (f: protobuf.Field) =>
  f.options?.['(gogoproto.nullable)'] === false;

const isZero = (v: unknown) => v === '' || v === 0 || v === false;

function convertValue(field: protobuf.Field, value: unknown): unknown {
  return field.resolvedType instanceof protobuf.Type
    ? toKubeJson(field.resolvedType, value as Plain)
    : value;
}

/**
 * Turns a decoded message (as a plain object, longs as numbers and bytes as
 * base64) into the JSON the Go types marshal to: pointer fields present iff
 * set, zero value fields dropped (omitempty), nested structs kept (`{}`),
 * inline fields flattened and the special types above converted.
 */
function toKubeJson(type: protobuf.Type, obj: Plain): unknown {
  const name = typeName(type);
  const special = SPECIAL[name];
  if (special) return special(obj);
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const value = obj[field.name];
    if (value === undefined || value === null) continue;
    let json: unknown;
    if (field.map) {
      if (!Object.keys(value).length) continue;
      json = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, convertValue(field, v)]),
      );
    } else if (field.repeated) {
      if (!value.length) continue;
      json = value.map((v: unknown) => convertValue(field, v));
    } else {
      if (isValueField(field) && isZero(value)) continue;
      json = convertValue(field, value);
      if (json === undefined) continue;
    }
    if (INLINE_FIELDS.has(`${name}.${field.name}`)) {
      Object.assign(out, json);
    } else {
      out[field.name] = json;
    }
  }
  return out;
}

/** `apps/v1` + `Deployment` → the `k8s.io.api.apps.v1.Deployment` message. */
function messageType(apiVersion: string, kind: string) {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['', apiVersion];
  // Go packages are named after the group's first label
  // (networking.k8s.io → networking); the core group is "core".
  const pkg = group ? group.split('.')[0] : 'core';
  const found = kubeProtoRoot().lookup(`k8s.io.api.${pkg}.${version}.${kind}`);
  return found instanceof protobuf.Type ? found : undefined;
}

function unsupported(what: string) {
  return StatusError.create(
    415,
    'UnsupportedMediaType',
    `the sandbox has no protobuf message for ${what}; send it as application/json`,
  );
}

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number,
  bytes: String,
  defaults: false,
};

/** Decodes a `k8s\0`-prefixed protobuf body into a JSON object. */
export function decodeProtobufObject(body: Buffer): any {
  if (!body.subarray(0, 4).equals(MAGIC)) {
    throw StatusError.badRequest('protobuf body lacks the k8s envelope');
  }
  let unknown: Plain;
  try {
    const Unknown = kubeProtoRoot().lookupType(
      'k8s.io.apimachinery.pkg.runtime.Unknown',
    );
    unknown = Unknown.toObject(Unknown.decode(body.subarray(4)), TO_OBJECT);
  } catch (e) {
    throw StatusError.badRequest(
      `error decoding protobuf body: ${(e as Error).message}`,
    );
  }
  const apiVersion: string = unknown.typeMeta?.apiVersion ?? '';
  const kind: string = unknown.typeMeta?.kind ?? '';
  const type = messageType(apiVersion, kind);
  if (!type) throw unsupported(`${apiVersion || '?'} ${kind || '?'}`);
  try {
    const message = type.decode(fromBase64(unknown.raw));
    const object = toKubeJson(type, type.toObject(message, TO_OBJECT)) as Plain;
    return { apiVersion, kind, ...object };
  } catch (e) {
    throw StatusError.badRequest(
      `error decoding protobuf ${kind}: ${(e as Error).message}`,
    );
  }
}
