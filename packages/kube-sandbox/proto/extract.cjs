#!/usr/bin/env node
/* eslint-disable */
// Writes the vendored .proto files from the file descriptors that a kubectl
// binary registers (gzipped FileDescriptorProtos, as gogo-protobuf embeds
// them). They are compiled from the upstream k8s.io/api and
// k8s.io/apimachinery generated.proto files, so the messages, field numbers
// and types are exactly the ones that kubectl encodes with. Comments are not
// in descriptors; the gogoproto `nullable = false` option is kept because it
// tells Go value fields (zero values dropped from JSON by omitempty) from
// pointer fields (an explicit 0/false/"" that must be kept).
//
// Usage: node proto/extract.cjs [path/to/kubectl]
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const WANTED = [
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io/apimachinery/pkg/runtime/schema/generated.proto',
  'k8s.io/apimachinery/pkg/api/resource/generated.proto',
  'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
  'k8s.io/api/autoscaling/v2/generated.proto',
  'k8s.io/api/batch/v1/generated.proto',
  'k8s.io/api/discovery/v1/generated.proto',
  'k8s.io/api/networking/v1/generated.proto',
];
const GOGO = 'github.com/gogo/protobuf/gogoproto/gogo.proto';
const NULLABLE = 65001;

function varint(b, i) {
  let r = 0;
  let s = 1;
  for (;;) {
    const x = b[i++];
    r += (x & 0x7f) * s;
    s *= 128;
    if (!(x & 0x80)) return [r, i];
  }
}

function fields(b) {
  const out = [];
  let i = 0;
  while (i < b.length) {
    let tag;
    [tag, i] = varint(b, i);
    const num = Math.floor(tag / 8);
    const wt = tag % 8;
    let v;
    if (wt === 0) [v, i] = varint(b, i);
    else if (wt === 2) {
      let l;
      [l, i] = varint(b, i);
      v = b.subarray(i, i + l);
      i += l;
    } else if (wt === 1) (v = b.subarray(i, i + 8)), (i += 8);
    else if (wt === 5) (v = b.subarray(i, i + 4)), (i += 4);
    else throw new Error(`wire type ${wt}`);
    out.push([num, v]);
  }
  return out;
}

const str = v => Buffer.from(v).toString('utf8');

function field(b) {
  const f = { options: {} };
  for (const [n, v] of fields(b)) {
    if (n === 1) f.name = str(v);
    else if (n === 3) f.number = v;
    else if (n === 4) f.label = v;
    else if (n === 5) f.type = v;
    else if (n === 6) f.typeName = str(v);
    else if (n === 8) for (const [on, ov] of fields(v)) f.options[on] = ov;
  }
  return f;
}

function message(b) {
  const m = { fields: [], nested: [], mapEntry: false };
  for (const [n, v] of fields(b)) {
    if (n === 1) m.name = str(v);
    else if (n === 2) m.fields.push(field(v));
    else if (n === 3) m.nested.push(message(v));
    else if (n === 7) for (const [on, ov] of fields(v)) if (on === 7) m.mapEntry = ov === 1;
  }
  return m;
}

function file(b) {
  const f = { deps: [], messages: [], goPackage: undefined };
  for (const [n, v] of fields(b)) {
    if (n === 1) f.name = str(v);
    else if (n === 2) f.package = str(v);
    else if (n === 3) f.deps.push(str(v));
    else if (n === 4) f.messages.push(message(v));
    else if (n === 8) for (const [on, ov] of fields(v)) if (on === 11) f.goPackage = str(ov);
  }
  return f;
}

const SCALARS = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64',
  7: 'fixed32', 8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32',
  15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64',
};

function typeOf(f, pkg) {
  if (SCALARS[f.type]) return SCALARS[f.type];
  const name = f.typeName.replace(/^\./, '');
  return name.startsWith(`${pkg}.`) && !name.slice(pkg.length + 1).includes('.')
    ? name.slice(pkg.length + 1)
    : name;
}

function render(f, kubectlVersion) {
  const lines = [
    '/*',
    'Copyright The Kubernetes Authors.',
    '',
    'Licensed under the Apache License, Version 2.0 (the "License");',
    'you may not use this file except in compliance with the License.',
    'You may obtain a copy of the License at',
    '',
    '    http://www.apache.org/licenses/LICENSE-2.0',
    '',
    'Unless required by applicable law or agreed to in writing, software',
    'distributed under the License is distributed on an "AS IS" BASIS,',
    'WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.',
    'See the License for the specific language governing permissions and',
    'limitations under the License.',
    '*/',
    '',
    `// ${f.name} as compiled into kubectl ${kubectlVersion}, written by`,
    '// proto/extract.cjs from its file descriptor: the upstream messages without',
    '// their comments, plus the gogoproto nullable=false options.',
    '',
    'syntax = "proto2";',
    '',
    `package ${f.package};`,
    '',
  ];
  const deps = f.deps.filter(d => d !== GOGO);
  for (const d of deps) lines.push(`import "${d}";`);
  if (deps.length) lines.push('');
  lines.push(`option go_package = "${f.goPackage}";`);
  for (const m of f.messages) {
    lines.push('', `message ${m.name} {`);
    const entries = new Map(m.nested.filter(n => n.mapEntry).map(n => [n.name, n]));
    if (m.nested.some(n => !n.mapEntry)) throw new Error(`nested message in ${m.name}`);
    for (const fl of m.fields) {
      const entry = fl.typeName && entries.get(fl.typeName.split('.').pop());
      let decl;
      if (entry && fl.label === 3) {
        const [k, v] = entry.fields;
        decl = `map<${typeOf(k, f.package)}, ${typeOf(v, f.package)}> ${fl.name} = ${fl.number}`;
      } else {
        const label = { 1: 'optional', 2: 'required', 3: 'repeated' }[fl.label];
        decl = `${label} ${typeOf(fl, f.package)} ${fl.name} = ${fl.number}`;
      }
      const opts = fl.options[NULLABLE] === 0 && fl.label !== 3 ? ' [(gogoproto.nullable) = false]' : '';
      lines.push(`  ${decl}${opts};`);
    }
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

const kubectl = process.argv[2] ?? '/usr/bin/kubectl';
const bin = fs.readFileSync(kubectl);
const versionMatch = /v1\.\d+\.\d+/.exec(
  require('node:child_process').execFileSync(kubectl, ['version', '--client']).toString(),
);
const found = new Map();
for (let i = bin.indexOf(Buffer.from([0x1f, 0x8b, 0x08])); i >= 0; i = bin.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i + 1)) {
  let out;
  try {
    out = zlib.gunzipSync(bin.subarray(i, i + 2_000_000), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    continue;
  }
  if (out[0] !== 0x0a) continue;
  try {
    const f = file(out);
    if (WANTED.includes(f.name) && !found.has(f.name)) found.set(f.name, f);
  } catch {
    // Not a descriptor.
  }
}
for (const name of WANTED) {
  const f = found.get(name);
  if (!f) throw new Error(`${name} not found in ${kubectl}`);
  const target = path.join(__dirname, name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, render(f, versionMatch ? versionMatch[0] : 'unknown'));
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
