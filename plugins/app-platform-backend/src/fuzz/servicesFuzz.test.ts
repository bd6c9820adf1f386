import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Response } from 'supertest';
import request from 'supertest';
import {
  ADMIN,
  as,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import {
  anyString,
  anyValue,
  bodies,
  expectFuzzFigures,
  FuzzFigures,
  fuzzDatabase,
  fuzzRoute,
  tableSnapshot,
  withJson,
} from '../__testUtils__/fuzz';

jest.setTimeout(180_000);

const base = '/api/app-platform';

/** RFC 1123 labels (valid names), a few of which repeat, so some creates collide. */
const names = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
  fc.constantFrom('web', 'api', 'worker', 'a', 'x'.repeat(63), 'default'),
);
/** Unicode text without NUL (which any field refuses before validation). */
const clean = (maxLength: number) =>
  fc.string({ unit: 'grapheme', maxLength }).filter(s => !s.includes('\u0000'));
const texts = fc.oneof(
  { weight: 6, arbitrary: clean(40) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'x'.repeat(255),
      'x'.repeat(256),
      'x'.repeat(4096),
      'x'.repeat(4097),
    ),
  },
);

// --- version specs ------------------------------------------------------

type Spec = Record<string, any>;
type Port = {
  name: string;
  containerPort: number;
  servicePort?: number;
  protocol?: 'TCP' | 'UDP';
  nodePort?: number;
};

const MB = 'x'.repeat(1_000_000);
const HEX64 = 'a1'.repeat(32);

/** Image references Docker accepts. */
const goodImages = fc.constantFrom(
  'nginx',
  'nginx:1.25',
  'library/redis:7-alpine',
  'ghcr.io/org/app:v1.2.3',
  'localhost:5000/team/app',
  `registry.example.com:443/team/app@sha256:${HEX64}`,
  `app:latest@sha256:${HEX64}`,
  'a/b__c/d-e.f:TAG_1',
  `quay.io/${'a'.repeat(200)}:${'t'.repeat(128)}`,
);
/** Image references Docker refuses (each one a 400 on `spec.image`). */
const badImages = fc.constantFrom<unknown>(
  '',
  'UPPER/app',
  'Nginx',
  'ghcr.io/Org/app',
  'nginx:',
  'nginx:-bad',
  `nginx:${'t'.repeat(129)}`,
  'nginx@sha256:abc',
  `nginx@sha512:${HEX64}`,
  'registry..io/app',
  'http://registry/app',
  '../etc/passwd',
  ' nginx',
  'nginx latest',
  'a//b',
  '-app',
  `${'a/'.repeat(200)}a`,
  'x'.repeat(513),
  MB,
  42,
  null,
  ['nginx'],
  { name: 'nginx' },
);

const PORT_NAMES = ['http', 'grpc', 'metrics', 'admin', 'web', 'h2c', 'p8080'];

/** 1-4 ports with unique names and unique container/service ports; the first is TCP. */
const goodPorts = (nodePorts: boolean) =>
  fc
    .uniqueArray(
      fc.record(
        {
          name: fc.constantFrom(...PORT_NAMES),
          containerPort: fc.integer({ min: 1, max: 65535 }),
          servicePort: fc.integer({ min: 1, max: 65535 }),
          protocol: fc.constantFrom<'TCP' | 'UDP'>('TCP', 'UDP'),
          nodePort: nodePorts
            ? fc.integer({ min: 30000, max: 32767 })
            : fc.constant(undefined),
        },
        { requiredKeys: ['name', 'containerPort'] },
      ),
      { minLength: 1, maxLength: 4, selector: p => p.name },
    )
    .map(ports =>
      ports.map((p, i) => {
        const port: Port = { ...p };
        if (port.nodePort === undefined) delete port.nodePort;
        if (i === 0) delete port.protocol;
        return port;
      }),
    )
    .filter(ports => {
      const key = (n: number, p: Port) => `${n}/${p.protocol ?? 'TCP'}`;
      const unique = (values: string[]) =>
        new Set(values).size === values.length;
      return (
        unique(ports.map(p => key(p.containerPort, p))) &&
        unique(ports.map(p => key(p.servicePort ?? p.containerPort, p))) &&
        unique(
          ports.filter(p => p.nodePort !== undefined).map(p => `${p.nodePort}`),
        )
      );
    });

const quantities = {
  cpuRequest: fc.constantFrom('100m', '0.5', '1', '250m'),
  cpuLimit: fc.constantFrom('2', '4', '1500m'),
  memRequest: fc.constantFrom('64Mi', '128Mi', '1Gi', '500M'),
  memLimit: fc.constantFrom('2Gi', '4Gi', '3G'),
};

const VOLUMES: Record<string, string> = {
  data: '/data',
  cache: '/var/cache/app',
  uploads: '/srv/uploads',
};

/** A spec validateVersionSpec accepts, built field by field (pods, not ExternalName). */
const podSpecs: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.constantFrom<string | undefined>(
      undefined,
      'ClusterIP',
      'NodePort',
      'LoadBalancer',
    ),
    fc.boolean(),
  )
  .chain(([serviceType, withNodePorts]) =>
    goodPorts(
      withNodePorts &&
        (serviceType === 'NodePort' || serviceType === 'LoadBalancer'),
    ).chain(ports => {
      const portNames = ports.map(p => p.name);
      const tcpNames = ports
        .filter(p => (p.protocol ?? 'TCP') === 'TCP')
        .map(p => p.name);
      const probe = fc.record(
        {
          port: fc.oneof(
            fc.constantFrom(...portNames),
            fc.integer({ min: 1, max: 65535 }),
          ),
          path: fc.constantFrom('/healthz', '/', '/ready?full=1'),
          initialDelaySeconds: fc.integer({ min: 0, max: 3600 }),
          periodSeconds: fc.integer({ min: 1, max: 3600 }),
          failureThreshold: fc.integer({ min: 1, max: 100 }),
        },
        { requiredKeys: ['port'] },
      );
      return fc.record(
        {
          image: goodImages,
          replicas: fc.integer({ min: 0, max: 1000 }),
          serviceType: fc.constant(serviceType),
          ports: fc.constant(ports),
          command: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
          args: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
          env: fc.uniqueArray(
            fc.oneof(
              fc.record({
                name: fc.constantFrom('LOG_LEVEL', 'a.b-c', '_X', 'PORT'),
                value: clean(40),
              }),
              fc.record({
                name: fc.constantFrom('DB_PASSWORD', 'TOKEN'),
                secretKeyRef: fc.record({
                  name: fc.constantFrom('db', 'app.secrets'),
                  key: fc.constantFrom('password', 'tls.crt', 'a_b-c'),
                }),
              }),
            ),
            { maxLength: 4, selector: e => e.name },
          ),
          resources: fc.record(
            {
              requests: fc.record(
                { cpu: quantities.cpuRequest, memory: quantities.memRequest },
                { requiredKeys: [] },
              ),
              limits: fc.record(
                { cpu: quantities.cpuLimit, memory: quantities.memLimit },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
          probes: fc.record(
            { readiness: probe, liveness: probe },
            { requiredKeys: [] },
          ),
          configFiles: fc.uniqueArray(
            fc.record({
              name: fc.constantFrom(
                'app.yaml',
                'settings.json',
                '.env',
                'a_b-c.txt',
                '..hidden',
              ),
              content: clean(200),
            }),
            { maxLength: 3, selector: f => f.name },
          ),
          configMountPath: fc.constantFrom('/etc/app', '/config/'),
          volumes: fc
            .uniqueArray(fc.constantFrom(...Object.keys(VOLUMES)), {
              maxLength: 3,
            })
            .chain(volumeNames =>
              fc.tuple(
                ...volumeNames.map(name =>
                  fc.record(
                    {
                      name: fc.constant(name),
                      mountPath: fc.constant(VOLUMES[name]),
                      size: fc.constantFrom('1Gi', '500Mi', '10G'),
                      storageClass: fc.constantFrom('standard', 'fast.ssd'),
                    },
                    { requiredKeys: ['name', 'mountPath', 'size'] },
                  ),
                ),
              ),
            ),
          route: tcpNames.length
            ? fc.record(
                {
                  host: fc.constantFrom(
                    'example.com',
                    '*.apps.example.com',
                    'web.internal',
                  ),
                  path: fc.constantFrom('/', '/api', '/a-b/c_d'),
                  tlsSecret: fc.constantFrom('tls', 'web.tls'),
                  port: fc.constantFrom(...tcpNames),
                },
                { requiredKeys: ['host'] },
              )
            : fc.constant(undefined),
          sidecars: fc.record(
            {
              proxy: fc.record(
                {
                  image: fc.constantFrom('envoyproxy/envoy:v1.29', 'nginx'),
                  port: fc
                    .integer({ min: 1, max: 65535 })
                    .filter(n => !ports.some(p => p.containerPort === n)),
                },
                { requiredKeys: ['port'] },
              ),
              logging: fc.record(
                {
                  image: fc.constantFrom('fluent/fluent-bit:3'),
                  path: fc.constantFrom('/var/log/web', '/logs/app'),
                  sizeLimit: fc.constantFrom('512Mi', '1Gi'),
                  maxFileSize: fc.constantFrom('50Mi', '10M'),
                  maxFiles: fc.integer({ min: 1, max: 100 }),
                },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
          references: fc.uniqueArray(
            fc.constantFrom(
              { application: 'payments', service: 'api' },
              { application: 'orders', service: 'db' },
              { application: 'fuzz-target', service: 'web' },
              { application: 'a', service: '1' },
            ),
            { maxLength: 3 },
          ),
          template: fc.constant('default'),
        },
        { requiredKeys: ['image', 'replicas', 'serviceType', 'ports'] },
      );
    }),
  )
  .map(spec => {
    const copy: Spec = { ...spec };
    for (const key of Object.keys(copy)) {
      if (copy[key] === undefined) delete copy[key];
    }
    return copy;
  });

/** ExternalName specs: no pods, a DNS name, ports or none. */
const externalSpecs: fc.Arbitrary<Spec> = fc.record(
  {
    image: goodImages,
    replicas: fc.integer({ min: 0, max: 1000 }),
    serviceType: fc.constant('ExternalName'),
    externalName: fc.constantFrom('db.example.com', 'a', 'x.y.z'),
    ports: fc.oneof(fc.constant([]), goodPorts(false)),
    env: fc.constant([]),
  },
  {
    requiredKeys: ['image', 'replicas', 'serviceType', 'externalName', 'ports'],
  },
);

/**
 * A hostile value put into a valid spec, with the field the 400 must name
 * (as a path: `['spec', 'ports']` matches `spec.ports[1].name` and
 * `request/body/spec/ports/0/containerPort`).
 */
type Mutation = { field: string[]; label: string; apply: (spec: Spec) => Spec };
const set =
  (key: string, value: unknown) =>
  (spec: Spec): Spec => ({ ...spec, [key]: value });
const mutation = (
  field: string,
  values: fc.Arbitrary<unknown>,
  apply?: (spec: Spec, value: any) => Spec,
): fc.Arbitrary<Mutation> =>
  values.map(value => ({
    field: field ? ['spec', field] : ['spec'],
    label: `${field || 'spec'} ← ${String(JSON.stringify(value)).slice(0, 80)}`,
    apply: (spec: Spec) =>
      apply ? apply(spec, value) : set(field, value)(spec),
  }));
const deep = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value, b: [value] };
  return value;
};
const deepArray = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const firstPort = (spec: Spec): Port => spec.ports[0];
const withPorts = (spec: Spec, ports: Port[]) => ({ ...spec, ports });

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  mutation('image', badImages),
  mutation(
    'replicas',
    fc.constantFrom(-1, 1001, 1.5, '3', null, 1e308, true, 2147483648),
  ),
  mutation(
    'serviceType',
    fc.constantFrom('Ingress', 'clusterip', '', 'NODEPORT', 1, null, [
      'NodePort',
    ]),
  ),
  // ExternalName without the name, or the name without ExternalName.
  mutation('externalName', fc.constant('ExternalName'), (spec, v) => ({
    ...spec,
    serviceType: v,
  })),
  mutation(
    'externalName',
    fc.constantFrom('db.example.com', 'Bad_Name', '', MB),
    (spec, v) => ({ ...spec, externalName: v }),
  ),
  mutation('ports', fc.constantFrom([], 'http', {}, null, deepArray(200))),
  mutation(
    'ports',
    fc.constantFrom(0, -1, 65536, 70000, 1.5, '80', null, 1e308),
    (spec, v) => withPorts(spec, [{ ...firstPort(spec), containerPort: v }]),
  ),
  mutation('ports', fc.constantFrom(0, 65536, 99999, -80, '443'), (spec, v) =>
    withPorts(spec, [{ ...firstPort(spec), servicePort: v }]),
  ),
  mutation(
    'ports',
    fc.constantFrom(
      'HTTP',
      'x'.repeat(16),
      '80',
      'a--b',
      '-http',
      'http-',
      '',
      'ht tp',
      '../http',
      '😀',
      MB,
    ),
    (spec, v) => withPorts(spec, [{ ...firstPort(spec), name: v }]),
  ),
  // Duplicate port names, container ports and service ports.
  mutation('ports', fc.constant(0), spec =>
    withPorts(spec, [
      ...spec.ports,
      {
        ...firstPort(spec),
        containerPort: (firstPort(spec).containerPort % 65535) + 1,
        servicePort: undefined,
      },
    ]),
  ),
  mutation('ports', fc.constant(0), spec =>
    withPorts(spec, [...spec.ports, { ...firstPort(spec), name: 'zz-dup' }]),
  ),
  mutation('ports', fc.constantFrom('SCTP', 'tcp', '', 6), (spec, v) =>
    withPorts(spec, [{ ...firstPort(spec), protocol: v }]),
  ),
  mutation('ports', fc.constantFrom(30001, 80, 40000, 32768), (spec, v) => ({
    ...withPorts(spec, [{ ...firstPort(spec), nodePort: v }]),
    serviceType: v === 30001 ? 'ClusterIP' : 'NodePort',
  })),
  mutation('ports', fc.constant(0), spec =>
    withPorts(
      spec,
      Array.from({ length: 120 }, (_, i) => ({
        name: `p${i}`,
        containerPort: i + 1,
      })),
    ),
  ),
  mutation('ports', fc.constant(0), spec =>
    withPorts(spec, [{ ...firstPort(spec), extra: true } as Port]),
  ),
  mutation(
    'env',
    fc.constantFrom<unknown>(
      [{ name: '1BAD', value: 'x' }],
      [{ name: 'A B', value: 'x' }],
      [{ name: '', value: 'x' }],
      [
        { name: 'A', value: 'x' },
        { name: 'A', value: 'y' },
      ],
      [{ name: 'A' }],
      [{ name: 'A', value: 'x', secretKeyRef: { name: 's', key: 'k' } }],
      [{ name: 'A', value: 'x'.repeat(40_000) }],
      [{ name: 'A', value: 'é'.repeat(20_000) }],
      [{ name: 'A', value: MB }],
      [{ name: 'A', value: 1 }],
      [{ name: 'A', secretKeyRef: { name: 'Bad_Name', key: 'k' } }],
      [{ name: 'A', secretKeyRef: { name: 's', key: 'a/b' } }],
      [{ name: 'A', secretKeyRef: { name: 's' } }],
      'LOG_LEVEL=debug',
      { LOG_LEVEL: 'debug' },
    ),
  ),
  mutation(
    'configFiles',
    fc.constantFrom<unknown>(
      [{ name: '../etc/passwd', content: '' }],
      [{ name: '..', content: '' }],
      [{ name: '.', content: '' }],
      [{ name: 'a/b', content: '' }],
      [{ name: '/etc/shadow', content: '' }],
      [{ name: '..\\win.ini', content: '' }],
      [{ name: 'x'.repeat(254), content: '' }],
      [{ name: '', content: '' }],
      [{ name: 'a b', content: '' }],
      [
        { name: 'a', content: '' },
        { name: 'a', content: '' },
      ],
      [{ name: 'a', content: 'x'.repeat(600_000) }],
      [
        { name: 'a', content: 'x'.repeat(300_000) },
        { name: 'b', content: 'x'.repeat(300_000) },
      ],
      [{ name: 'a', content: MB }],
      [{ name: 'a', content: 42 }],
      [{ name: 'a' }],
      [{ name: 'a', content: '', mode: '0777' }],
    ),
  ),
  mutation(
    'configMountPath',
    fc.constantFrom<unknown>(
      'etc/config',
      '/',
      '/a/../b',
      '/a/./b',
      '/a b',
      '/a//b',
      'C:\\config',
      '/a:b',
      `/${MB}`,
      42,
    ),
  ),
  mutation(
    'volumes',
    fc.constantFrom<unknown>(
      [{ name: 'config', mountPath: '/x', size: '1Gi' }],
      [{ name: 'logs', mountPath: '/x', size: '1Gi' }],
      [{ name: 'Bad', mountPath: '/x', size: '1Gi' }],
      [
        { name: 'a', mountPath: '/x', size: '1Gi' },
        { name: 'a', mountPath: '/y', size: '1Gi' },
      ],
      [
        { name: 'a', mountPath: '/x', size: '1Gi' },
        { name: 'b', mountPath: '/x/y', size: '1Gi' },
      ],
      [{ name: 'a', mountPath: 'relative', size: '1Gi' }],
      [{ name: 'a', mountPath: '/../etc', size: '1Gi' }],
      [{ name: 'a', mountPath: '/x', size: '1m' }],
      [{ name: 'a', mountPath: '/x', size: '0' }],
      [{ name: 'a', mountPath: '/x', size: '-1Gi' }],
      [{ name: 'a', mountPath: '/x', size: 'lots' }],
      [{ name: 'a', mountPath: '/x', size: 'x'.repeat(40) }],
      [{ name: 'a', mountPath: '/x', size: '1Gi', storageClass: 'Bad_Class' }],
      [{ name: 'a', mountPath: '/x' }],
    ),
  ),
  // A volume over the config files' mount point.
  mutation('volumes', fc.constant(0), spec => ({
    ...spec,
    configFiles: [{ name: 'a', content: '' }],
    configMountPath: undefined,
    volumes: [{ name: 'a', mountPath: '/etc/config/sub', size: '1Gi' }],
  })),
  mutation(
    'route',
    fc.constantFrom<unknown>(
      { host: 'Bad_Host' },
      { host: '*.' },
      { host: 'a..b' },
      { host: '' },
      { host: '*.*.example.com' },
      { host: `${'a'.repeat(64)}.com` },
      { host: 'example.com', port: 'nope' },
      { host: 'example.com', path: 'no-slash' },
      { host: 'example.com', path: '/a b' },
      { host: 'example.com', path: '/<script>' },
      { host: 'example.com', tlsSecret: 'BAD' },
      { path: '/' },
      'example.com',
    ),
  ),
  mutation(
    'sidecars',
    fc.constantFrom<unknown>(
      { proxy: { port: 0 } },
      { proxy: { port: 70000 } },
      { proxy: {} },
      { proxy: { port: 15001, image: 'BAD IMAGE' } },
      { proxy: { port: 15001, image: '' } },
      { logging: { sizeLimit: '10Mi', maxFileSize: '1Gi' } },
      { logging: { path: 'relative' } },
      { logging: { path: '/' } },
      { logging: { maxFiles: 0 } },
      { logging: { sizeLimit: '1m' } },
      { foo: {} },
      [],
    ),
  ),
  mutation('sidecars', fc.constant(0), spec => ({
    ...spec,
    sidecars: { proxy: { port: firstPort(spec).containerPort } },
  })),
  mutation('sidecars', fc.constant(0), spec => ({
    ...spec,
    configFiles: [{ name: 'a', content: '' }],
    configMountPath: undefined,
    volumes: undefined,
    sidecars: { logging: { path: '/etc/config' } },
  })),
  mutation(
    'references',
    fc.constantFrom<unknown>(
      [{ application: 'Bad', service: 'x' }],
      [{ application: '1abc', service: 'x' }],
      [{ application: 'a'.repeat(40), service: 'b'.repeat(30) }],
      [{ application: 'a', service: '' }],
      [{ application: 'a' }],
      [
        { application: 'a', service: 'b-c' },
        { application: 'a-b', service: 'c' },
      ],
      [{ application: '../a', service: 'b' }],
    ),
  ),
  mutation(
    'resources',
    fc.constantFrom<unknown>(
      { requests: { cpu: '2' }, limits: { cpu: '1' } },
      { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } },
      { requests: { memory: '128m' } },
      { requests: { cpu: 'abc' } },
      { requests: { cpu: '0' } },
      { requests: { cpu: '-1' } },
      { limits: { memory: 'x'.repeat(40) } },
      { requests: { gpu: '1' } },
      { requests: '1' },
    ),
  ),
  mutation(
    'probes',
    fc.constantFrom<unknown>(
      { readiness: { port: 'missing' } },
      { readiness: { port: 0 } },
      { readiness: { port: 70000 } },
      { readiness: { port: true } },
      { readiness: {} },
      { readiness: { port: 80, path: 'healthz' } },
      { liveness: { port: 80, periodSeconds: 0 } },
      { liveness: { port: 80, failureThreshold: 101 } },
      { liveness: { port: 80, initialDelaySeconds: -1 } },
      { startup: { port: 80 } },
    ),
  ),
  mutation(
    'command',
    fc.constantFrom<unknown>(
      [42],
      'ls -l',
      ['x'.repeat(5000)],
      Array.from({ length: 300 }, () => 'x'),
      deepArray(500),
    ),
  ),
  mutation('args', fc.constantFrom<unknown>([null], [MB], { 0: 'x' })),
  mutation(
    'template',
    fc.constantFrom<unknown>(
      'Not_A_Label',
      '',
      'x'.repeat(64),
      42,
      '../default',
    ),
  ),
  // Unknown, missing and odd keys of the spec itself.
  mutation('', anyString, (spec, key) => ({ ...spec, [`x-${key}`]: 1 })),
  mutation(
    '',
    fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype'),
    (spec, key) => {
      const copy: Spec = { ...spec };
      Object.defineProperty(copy, key, {
        value: { polluted: true },
        enumerable: true,
      });
      return copy;
    },
  ),
  mutation('', fc.constantFrom('image', 'replicas', 'ports'), (spec, key) => {
    const copy: Spec = { ...spec };
    delete copy[key];
    return copy;
  }),
  mutation('', fc.constant(0), spec => ({ ...spec, deep: deep(12) })),
  mutation(
    '',
    fc.constantFrom<unknown>(null, 'nginx', 42, [], deepArray(1000)),
    (_, v) => v as Spec,
  ),
);

/**
 * What a body must get with no cluster registered: a valid spec passes
 * validation and gets 409 (no healthy cluster); an invalid one 400 naming
 * `field`; `field: []` means any 400 that names a field of the body.
 */
type Expected = {
  status: number;
  message?: RegExp;
  field?: string[];
  /** The mutation, to tell which one went wrong. */
  label?: string;
};
const VALID: Expected = { status: 409, message: /^No healthy cluster/ };

/** The field path of a 400 message, `spec.ports[1].name` and `request/body/spec/ports/1/name` alike. */
function fieldOf(message: string): string[] | undefined {
  const schema = /^request\/body(\/\S*)?\s/.exec(message);
  if (schema) return (schema[1] ?? '').split('/').filter(Boolean);
  const own = /^(spec(?:[.[][^\s:]*)?)(:| or )/.exec(message);
  if (own) return own[1].split(/[.[\]]/).filter(Boolean);
  return undefined;
}

/** Remembers what each generated body should get. */
const expectations = new WeakMap<object, Expected>();
const expecting = (expected: Expected) => (body: unknown) => {
  if (body && typeof body === 'object') expectations.set(body, expected);
  return body;
};

/** Deploy (`plan: false`) or plan bodies, with what each must get. */
function specBodies(plan: boolean): fc.Arbitrary<unknown> {
  const specs = fc.oneof(
    { weight: 5, arbitrary: podSpecs },
    { weight: 1, arbitrary: externalSpecs },
  );
  const extra = plan
    ? fc.constant({})
    : fc.record(
        { description: texts.filter(t => t.length <= 4096) },
        {
          requiredKeys: [],
        },
      );
  const valid = fc
    .tuple(specs, extra)
    .map(([spec, rest]) => expecting(VALID)({ spec, ...rest }));
  const invalid = fc.tuple(podSpecs, mutations, extra).map(([spec, m, rest]) =>
    expecting({ status: 400, field: m.field, label: m.label })({
      spec: m.apply(spec),
      ...rest,
    }),
  );
  const uuid = '00000000-0000-4000-8000-000000000000';
  const envelope = fc.oneof(
    // A stored version (none exists yet): 404.
    fc
      .integer({ min: 1, max: 2147483647 })
      .map(version => expecting({ status: 404 })({ version })),
    fc
      .constantFrom<unknown>(0, -1, 1.5, '1', 2147483648, null)
      .map(version =>
        expecting({ status: 400, field: ['version'] })({ version }),
      ),
    // Both or neither of spec and version.
    fc
      .tuple(podSpecs, fc.integer({ min: 1, max: 9 }))
      .map(([spec, version]) =>
        expecting({ status: 400, field: ['spec'] })({ spec, version }),
      ),
    fc.constant(0).map(() => expecting({ status: 400, field: ['spec'] })({})),
    // Named clusters that are not registered: 409 naming them.
    fc
      .tuple(podSpecs, fc.constantFrom(['prod'], ['a', 'b', 'a']))
      .map(([spec, clusters]) =>
        expecting({ status: 409, message: /^clusters: / })({ spec, clusters }),
      ),
    fc
      .tuple(
        podSpecs,
        fc.constantFrom<unknown>(
          ['Prod'],
          'prod',
          [''],
          [1],
          Array(101).fill('a'),
        ),
      )
      .map(([spec, clusters]) =>
        expecting({ status: 400, field: ['clusters'] })({ spec, clusters }),
      ),
    plan
      ? fc
          .constant(0)
          .map(() => expecting({ status: 404 })({ deployment: uuid }))
      : fc
          .tuple(podSpecs, fc.constantFrom('x'.repeat(4097), 42, null))
          .map(([spec, description]) =>
            expecting({ status: 400, field: ['description'] })({
              spec,
              description,
            }),
          ),
    plan
      ? fc
          .constantFrom<unknown>('', 'x'.repeat(37), 7)
          .map(deployment =>
            expecting({ status: 400, field: ['deployment'] })({ deployment }),
          )
      : fc
          .tuple(podSpecs, fc.constantFrom(['prod']))
          .map(([spec]) =>
            expecting({ status: 400, field: [] })({ spec, deployment: uuid }),
          ),
    // Anything at all, as the other routes get it: any 4xx.
    bodies({
      optional: plan
        ? {
            spec: specs,
            version: fc.integer(),
            deployment: anyString,
            clusters: fc.constant(['prod']),
          }
        : {
            spec: specs,
            version: fc.integer(),
            clusters: fc.constant(['prod']),
            description: texts,
          },
    }),
    fc.array(anyValue, { maxLength: 3 }),
  );
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 5, arbitrary: invalid },
    { weight: 2, arbitrary: envelope },
  );
}

/** Checks one answer of the deploy or plan route against what its body should get. */
function checkAnswer(
  body: unknown,
  res: Response,
  problems: string[],
  counts: { passed: number; refused: number },
) {
  const message: string = res.body?.error?.message ?? '';
  if (res.status === 409 && VALID.message!.test(message)) counts.passed += 1;
  if (res.status === 400) counts.refused += 1;
  const problem = (what: string) => {
    if (problems.length < 10) {
      problems.push(
        `${what}: ${JSON.stringify(body)?.slice(0, 400)} → ${
          res.status
        } ${message.slice(0, 200)}`,
      );
    }
  };
  // Every 400 names a field of the body (or the body itself, when it is no JSON object).
  if (res.status === 400) {
    const isObject =
      body !== null && typeof body === 'object' && !Array.isArray(body);
    if (
      !/^(spec[.:[ ]|request\/body\b)/.test(message) &&
      !(isObject === false && /not valid JSON/.test(message))
    )
      problem('400 naming no field');
  }
  const expected =
    body && typeof body === 'object' ? expectations.get(body) : undefined;
  if (!expected) {
    if (![400, 404, 409].includes(res.status)) problem('unexpected status');
    return;
  }
  if (res.status !== expected.status) {
    problem(
      `expected ${expected.status}${
        expected.label ? ` (${expected.label})` : ''
      }`,
    );
    return;
  }
  if (expected.message && !expected.message.test(message)) {
    problem(`expected message ${expected.message}`);
  }
  if (expected.field) {
    const field = fieldOf(message);
    if (!field || expected.field.some((segment, i) => field[i] !== segment)) {
      problem(
        `expected a 400 on ${expected.field.join('.') || 'the body'}${
          expected.label ? ` (${expected.label})` : ''
        }`,
      );
    }
  }
}

function expectNoWrites(figures: FuzzFigures, minimum: number) {
  // eslint-disable-next-line no-console
  console.log(
    `${figures.line}\n  ${figures.reasons.slice(0, 12).join('\n  ')}`,
  );
  expect(figures.failures).toEqual([]);
  expect(figures.status5xx).toBe(0);
  expect(figures.status2xx).toBe(0);
  expect(figures.rowsOn4xx).toBe(0);
  expect(figures.bodies).toBeGreaterThanOrEqual(minimum);
}

describe('fuzzing the service routes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const databaseId = fuzzDatabase(databases);

  it(`answers generated bodies with no 5xx and writes nothing on a 4xx, on ${databaseId}`, async () => {
    const knex = await databases.init(databaseId);
    // No clusters: services are database rows, and a deploy or plan stops at 409.
    const { server, stop } = await startTestPlatform({
      knex,
      mockScheduler: true,
    });
    try {
      const target = await request(server)
        .post(`${base}/applications`)
        .set('Authorization', as(ADMIN))
        .send({ name: 'fuzz-target', owner: 'group:default/team-a' });
      expect(target.status).toBe(201);

      const snapshot = tableSnapshot(knex, {
        services: ['*', 'name'],
        service_versions: 'count',
        deployments: 'count',
        deployment_targets: 'count',
        service_clusters: 'count',
        audit_events: 'count',
      });

      const created = await fuzzRoute({
        route: 'POST /applications/{name}/services',
        bodies: bodies({
          required: { name: names },
          optional: { description: texts, public: fc.boolean() },
        }),
        send: body =>
          withJson(
            request(server)
              .post(`${base}/applications/fuzz-target/services`)
              .set('Authorization', as(ADMIN)),
            body,
          ),
        snapshot,
      });
      expectFuzzFigures(created);

      const web = await request(server)
        .post(`${base}/applications/fuzz-target/services`)
        .set('Authorization', as(ADMIN))
        .send({ name: 'fuzz-web' });
      expect(web.status).toBe(201);
      const changed = await fuzzRoute({
        route: 'PATCH /applications/{name}/services/{service}',
        bodies: bodies({
          optional: { description: texts, public: fc.boolean() },
        }),
        send: body =>
          withJson(
            request(server)
              .patch(`${base}/applications/fuzz-target/services/fuzz-web`)
              .set('Authorization', as(ADMIN)),
            body,
          ),
        snapshot,
      });
      expectFuzzFigures(changed);

      for (const [route, runs] of [
        ['deployments', 1000],
        ['plan', 300],
      ] as const) {
        const problems: string[] = [];
        const counts = { passed: 0, refused: 0 };
        const figures = await fuzzRoute({
          route: `POST /applications/{name}/services/{service}/${route}`,
          bodies: specBodies(route === 'plan'),
          send: async body => {
            const res = await withJson(
              request(server)
                .post(
                  `${base}/applications/fuzz-target/services/fuzz-web/${route}`,
                )
                .set('Authorization', as(ADMIN)),
              body,
            );
            checkAnswer(body, res, problems, counts);
            return res;
          },
          snapshot,
          runs,
        });
        // eslint-disable-next-line no-console
        console.log(
          `  ${counts.passed} passed validation (409 no healthy cluster), ${counts.refused} refused (400)`,
        );
        expectNoWrites(figures, runs);
        expect(problems).toEqual([]);
        // Enough valid specs and enough refused ones (at least 100 of each per 1,000 bodies).
        const minimum = route === 'plan' ? 75 : 100;
        expect(counts.passed).toBeGreaterThanOrEqual(minimum);
        expect(counts.refused).toBeGreaterThanOrEqual(minimum);
        for (const table of [
          'deployments',
          'service_versions',
          'deployment_targets',
          'service_clusters',
        ]) {
          const [{ n }] = await knex(table).count({ n: '*' });
          expect(Number(n)).toBe(0);
        }
      }
    } finally {
      await stop();
    }
  });
});
