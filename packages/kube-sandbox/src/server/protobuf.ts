import { StatusError } from './StatusError';

/**
 * Just enough of the Kubernetes protobuf wire format to accept the bodies
 * that typed kubectl generators send (`kubectl create namespace`,
 * `create configmap`, `create secret generic`, `create serviceaccount`).
 * Field numbers come from the upstream generated.proto files. Anything else
 * is answered with 415 so the caller can fall back to `kubectl apply -f`.
 */

type Field = { num: number; wire: number; value: number | Buffer };

function readVarint(buf: Buffer, start: number): [number, number] {
  let result = 0;
  let shift = 0;
  let pos = start;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos];
    pos += 1;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const num = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.push({ num, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      out.push({ num, wire, value: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');

function map(entries: Field[], bytesValues = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(e.value as Buffer);
    const k = kv.find(x => x.num === 1);
    const v = kv.find(x => x.num === 2);
    if (!k) continue;
    if (bytesValues) {
      out[str(k)] = v ? (v.value as Buffer).toString('base64') : '';
    } else {
      out[str(k)] = v ? str(v) : '';
    }
  }
  return out;
}

function objectMeta(buf: Buffer) {
  const fs = fields(buf);
  const meta: Record<string, unknown> = {};
  const one = (n: number) => fs.find(f => f.num === n);
  if (one(1)) meta.name = str(one(1)!);
  if (one(2)) meta.generateName = str(one(2)!);
  if (one(3)) meta.namespace = str(one(3)!);
  const labels = fs.filter(f => f.num === 11);
  if (labels.length) meta.labels = map(labels);
  const annotations = fs.filter(f => f.num === 12);
  if (annotations.length) meta.annotations = map(annotations);
  return meta;
}

/** Decodes a `k8s\0`-prefixed protobuf body into a JSON object. */
export function decodeProtobufObject(body: Buffer): any {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') {
    throw StatusError.badRequest('protobuf body lacks the k8s envelope');
  }
  try {
    const unknown = fields(body.subarray(4));
    const typeMeta = unknown.find(f => f.num === 1);
    const raw = unknown.find(f => f.num === 2);
    const tm = typeMeta ? fields(typeMeta.value as Buffer) : [];
    const apiVersion = tm.find(f => f.num === 1);
    const kindField = tm.find(f => f.num === 2);
    const kind = kindField ? str(kindField) : '';
    const obj = fields((raw?.value as Buffer) ?? Buffer.alloc(0));
    const get = (n: number) => obj.find(f => f.num === n);
    const all = (n: number) => obj.filter(f => f.num === n);
    const out: Record<string, any> = {
      apiVersion: apiVersion ? str(apiVersion) : 'v1',
      kind,
      metadata: get(1) ? objectMeta(get(1)!.value as Buffer) : {},
    };
    switch (kind) {
      case 'Namespace': {
        const spec = get(2);
        const finalizers = spec
          ? fields(spec.value as Buffer).filter(f => f.num === 1)
          : [];
        if (finalizers.length) out.spec = { finalizers: finalizers.map(str) };
        break;
      }
      case 'ConfigMap':
        if (all(2).length) out.data = map(all(2));
        if (all(3).length) out.binaryData = map(all(3), true);
        if (get(4)) out.immutable = get(4)!.value === 1;
        break;
      case 'Secret':
        if (all(2).length) out.data = map(all(2), true);
        if (get(3)) out.type = str(get(3)!);
        if (all(4).length) out.stringData = map(all(4));
        if (get(5)) out.immutable = get(5)!.value === 1;
        break;
      case 'ServiceAccount':
        break;
      default:
        throw StatusError.unsupportedBody(
          `application/vnd.kubernetes.protobuf (${kind || 'unknown kind'})`,
        );
    }
    return out;
  } catch (e) {
    if (e instanceof StatusError) throw e;
    throw StatusError.badRequest(
      `error decoding protobuf body: ${(e as Error).message}`,
    );
  }
}
