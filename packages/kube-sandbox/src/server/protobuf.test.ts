import { decodeProtobufObject } from './protobuf';

// Minimal protobuf encoder for building test bodies.
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push(v % 0x80 | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}
const bytes = (num: number, value: Buffer | string) => {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([varint(num * 8 + 2), varint(b.length), b]);
};
const entry = (num: number, k: string, v: string | Buffer) =>
  bytes(num, Buffer.concat([bytes(1, k), bytes(2, v)]));

function envelope(apiVersion: string, kind: string, raw: Buffer) {
  const typeMeta = Buffer.concat([bytes(1, apiVersion), bytes(2, kind)]);
  return Buffer.concat([
    Buffer.from('k8s\u0000', 'latin1'),
    bytes(1, typeMeta),
    bytes(2, raw),
  ]);
}

describe('decodeProtobufObject', () => {
  it('decodes secrets with metadata, labels and byte data', () => {
    const meta = Buffer.concat([
      bytes(1, 'creds'),
      bytes(3, 'ns'),
      entry(11, 'app', 'x'),
    ]);
    const raw = Buffer.concat([
      bytes(1, meta),
      entry(2, 'password', Buffer.from('s3cret')),
      bytes(3, 'Opaque'),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'ns', labels: { app: 'x' } },
      data: { password: Buffer.from('s3cret').toString('base64') },
      type: 'Opaque',
    });
  });

  it('rejects kinds it does not know with 415', () => {
    expect(() =>
      decodeProtobufObject(envelope('apps/v1', 'Deployment', Buffer.alloc(0))),
    ).toThrow('protobuf only for');
  });
});
