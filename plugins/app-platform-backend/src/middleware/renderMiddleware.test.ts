import {
  APP_PLATFORM_ANNOTATIONS,
  APP_PLATFORM_LABELS,
} from '@internal/plugin-app-platform-common';
import {
  edgeParameters,
  SHIPPED_NAMES,
  shippedDefinitions,
} from './__testUtils__/shippedDefinitions';
import { MiddlewareDefinition } from './MiddlewareDefinition';
import { renderMiddleware, RenderedMiddleware } from './renderMiddleware';
import { resolveMiddlewareParameters } from './resolveMiddlewareParameters';

type Json = Record<string, any>;

let definitions: MiddlewareDefinition[];

/** The password parameters of each shipped definition. */
const PASSWORDS: Record<string, string[]> = {
  memcached: [],
  mongodb: ['password'],
  mysql: ['password'],
  'nginx-gateway': [],
  postgresql: ['password'],
  rabbitmq: ['password'],
  redis: ['password'],
  zookeeper: [],
};

/** The definitions that keep data, on a volume by default. */
const STATEFUL = [
  'mongodb',
  'mysql',
  'postgresql',
  'rabbitmq',
  'redis',
  'zookeeper',
];

/** Per definition, a parameter change that changes a ConfigMap or Secret. */
const CONFIG_CHANGES: Record<string, Json> = {
  memcached: { size: 'large' },
  mongodb: { password: 'another-password' },
  mysql: { password: 'another-password' },
  'nginx-gateway': { clientMaxBodySize: '20m' },
  postgresql: { password: 'another-password' },
  rabbitmq: { password: 'another-password' },
  redis: { maxmemoryPolicy: 'noeviction' },
  zookeeper: { replicas: 3 },
};

beforeAll(async () => {
  definitions = await shippedDefinitions();
});

const render = (
  definition: MiddlewareDefinition,
  parameters: Json,
  seed = 'instance-seed',
) =>
  renderMiddleware({
    definition,
    instance: 'store',
    namespace: 'shop',
    installationId: 'test-install',
    parameters,
    seed,
  });

const workloads = (r: RenderedMiddleware) =>
  r.objects.filter(o => o.kind === 'StatefulSet' || o.kind === 'Deployment');

const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');

/** Every property the platform relies on, whatever the parameters. */
function expectWellFormed(r: RenderedMiddleware, definition: string) {
  const byKey = new Map(
    r.objects.map(o => [`${o.kind}/${o.metadata.name}`, o]),
  );
  const labels = {
    [APP_PLATFORM_LABELS.managedBy]: APP_PLATFORM_LABELS.managedByValue,
    [APP_PLATFORM_LABELS.application]: 'shop',
    [APP_PLATFORM_LABELS.installation]: 'test-install',
    [APP_PLATFORM_LABELS.middleware]: 'store',
    'app.kubernetes.io/name': definition,
    'app.kubernetes.io/instance': 'store',
  };
  for (const object of r.objects) {
    expect(object.metadata.namespace).toBe('shop');
    expect(object.metadata.labels).toMatchObject(labels);
    expect(object.metadata.name).toMatch(/^store(-|$)/);
  }
  for (const workload of workloads(r)) {
    const spec = workload.spec as Json;
    const pod = spec.template;
    expect(pod.metadata.labels).toMatchObject(labels);
    expect(pod.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(
      pod.metadata.annotations[APP_PLATFORM_ANNOTATIONS.configChecksum],
    ).toMatch(/^[0-9a-f]{16}$/);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    for (const container of pod.spec.containers) {
      expect(container.image).toMatch(/^docker\.io\/library\/[a-z]+:[0-9.]+/);
      expect(container.resources.requests).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      // Every credential comes from a rendered Secret's key.
      for (const env of container.env ?? []) {
        expect(env.value ?? '').not.toMatch(/password/i);
        const ref = env.valueFrom?.secretKeyRef;
        if (ref) {
          const secret = byKey.get(`Secret/${ref.name}`) as Json | undefined;
          expect(secret?.data).toHaveProperty([ref.key]);
        }
      }
      for (const from of container.envFrom ?? []) {
        expect(byKey.has(`ConfigMap/${from.configMapRef.name}`)).toBe(true);
      }
      const volumes = new Set([
        ...(pod.spec.volumes ?? []).map((v: Json) => v.name),
        ...(spec.volumeClaimTemplates ?? []).map((c: Json) => c.metadata.name),
      ]);
      for (const mount of container.volumeMounts ?? []) {
        expect(volumes).toContain(mount.name);
      }
    }
    for (const volume of pod.spec.volumes ?? []) {
      if (volume.configMap) {
        expect(byKey.has(`ConfigMap/${volume.configMap.name}`)).toBe(true);
      }
    }
    for (const claim of spec.volumeClaimTemplates ?? []) {
      expect(claim.metadata.labels).toMatchObject(labels);
      expect(claim.metadata.labels).not.toHaveProperty([
        'app.kubernetes.io/version',
      ]);
    }
  }
  for (const service of r.objects.filter(o => o.kind === 'Service')) {
    // Every Service selects the pods of one of the workloads.
    const selector = (service.spec as Json).selector;
    expect(
      workloads(r).some(w =>
        Object.entries(selector).every(
          ([k, v]) =>
            (w.spec as Json).template.metadata.labels[k] === v ||
            k === 'statefulset.kubernetes.io/pod-name',
        ),
      ),
    ).toBe(true);
  }
  expect(r.connection.host).toBe(`${r.connection.service}.shop.svc`);
  expect(byKey.has(`Service/${r.connection.service}`)).toBe(true);
  for (const field of ['user', 'password', 'database'] as const) {
    const ref = (r.connection[field] as Json | undefined)?.secretKeyRef;
    if (ref) {
      expect((byKey.get(`Secret/${ref.name}`) as Json).data).toHaveProperty([
        ref.key,
      ]);
    }
  }
}

it('ships the eight definitions', () => {
  expect(definitions.map(d => d.name).sort()).toEqual(SHIPPED_NAMES);
  for (const d of definitions) {
    expect(d.icon).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(d.versions).toContain(d.defaultVersion);
    expect(d.digest).toMatch(/^[0-9a-f]{64}$/);
  }
});

describe.each(SHIPPED_NAMES)('%s', name => {
  const definition = () => definitions.find(d => d.name === name)!;

  it('renders its defaults: valid, labelled, deterministic', () => {
    const { parameters, generated } = resolveMiddlewareParameters(
      definition(),
      {},
    );
    expect(parameters.version).toBe(definition().defaultVersion);
    expect(parameters.size).toBe('small');
    const r = render(definition(), parameters);
    expectWellFormed(r, name);
    expect(r.objects.some(o => o.kind === 'Service')).toBe(true);
    expect(workloads(r)).toHaveLength(1);
    // The same input renders the same bytes: no Secret or pod changes on a re-render.
    expect(JSON.stringify(render(definition(), parameters))).toBe(
      JSON.stringify(r),
    );
    const secretValues = (r.objects.find(o => o.kind === 'Secret')?.data ??
      {}) as Record<string, string>;
    const decoded = Object.values(secretValues).map(decode);
    const generatedValues = generated.map(key => parameters[key]);
    expect(generated).toEqual(PASSWORDS[name]);
    expect(generatedValues).toEqual(
      generated.map(() => expect.stringMatching(/^[A-Za-z0-9]{24}$/)),
    );
    expect(decoded).toEqual(expect.arrayContaining(generatedValues));
    // Data on claims when persistence is on (the default wherever there is data).
    const persistence = parameters.persistence as Json | undefined;
    const claims = (workloads(r)[0].spec as Json).volumeClaimTemplates as
      | Json[]
      | undefined;
    expect(claims?.map(c => c.spec.resources.requests.storage)).toEqual(
      persistence ? [persistence.size] : undefined,
    );
    expect(persistence?.enabled ?? false).toBe(STATEFUL.includes(name));
  });

  it('renders edge-case parameters: largest size, no persistence, most replicas, passwords to escape', () => {
    const given = edgeParameters(definition());
    const { parameters } = resolveMiddlewareParameters(definition(), given);
    const r = render(definition(), parameters);
    expectWellFormed(r, name);
    const [workload] = workloads(r);
    const spec = workload.spec as Json;
    expect(spec.volumeClaimTemplates).toBeUndefined();
    expect(r.objects.some(o => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(spec.replicas).toBe(given.replicas ?? 1);
    const large = definition().sizes.large.resources;
    expect(spec.template.spec.containers[0].resources).toEqual(large);
    // Exactly the given text arrives in the Secret, quotes, braces and all.
    const secretValues = Object.values(
      (r.objects.find(o => o.kind === 'Secret')?.data ?? {}) as Record<
        string,
        string
      >,
    ).map(decode);
    const givenPasswords = PASSWORDS[name].map(key => given[key]);
    expect(givenPasswords.every(p => p.includes('密码'))).toBe(true);
    expect(secretValues).toEqual(expect.arrayContaining(givenPasswords));
    expect(PASSWORDS[name].map(key => parameters[key])).toEqual(givenPasswords);
  });

  it('rolls the pods when the configuration changes, and only then', () => {
    const base = resolveMiddlewareParameters(definition(), {}).parameters;
    const checksum = (p: Json) =>
      (workloads(render(definition(), p))[0].spec as Json).template.metadata
        .annotations[APP_PLATFORM_ANNOTATIONS.configChecksum];
    expect(checksum({ ...base })).toBe(checksum(base));
    const configObjects = render(definition(), base).objects.filter(
      o => o.kind === 'Secret' || o.kind === 'ConfigMap',
    );
    // Memcached has no ConfigMap or Secret: nothing to roll for.
    expect(configObjects.length > 0).toBe(name !== 'memcached');
    const change = CONFIG_CHANGES[name];
    expect(checksum({ ...base, ...change }) === checksum(base)).toBe(
      name === 'memcached',
    );
  });
});

it('fills in a password once and renders the stored one ever after', () => {
  const redis = definitions.find(d => d.name === 'redis')!;
  const first = resolveMiddlewareParameters(redis, {});
  const second = resolveMiddlewareParameters(redis, first.parameters);
  expect(first.generated).toEqual(['password']);
  expect(second.generated).toEqual([]);
  expect(second.parameters.password).toBe(first.parameters.password);
  expect(() => render(redis, { size: 'small' })).toThrow(
    /parameters\.password: no password/,
  );
});

it('derives randomPassword from the instance seed', () => {
  const mysql = definitions.find(d => d.name === 'mysql')!;
  const { parameters } = resolveMiddlewareParameters(mysql, {});
  const root = (seed: string) =>
    decode(
      (
        render(mysql, parameters, seed).objects.find(
          o => o.kind === 'Secret',
        ) as Json
      ).data['root-password'],
    );
  expect(root('a')).toMatch(/^[A-Za-z0-9]{24}$/);
  expect(root('a')).toBe(root('a'));
  expect(root('b')).not.toBe(root('a'));
  expect(() =>
    renderMiddleware({
      definition: mysql,
      instance: 'store',
      namespace: 'shop',
      installationId: 'test-install',
      parameters,
    }),
  ).toThrow(
    'middleware definition "mysql": templates/secret.yaml: line 11: randomPassword: no instance seed was given',
  );
});

it('points the connection at the primary and the Secret', () => {
  const redis = definitions.find(d => d.name === 'redis')!;
  const r = render(redis, resolveMiddlewareParameters(redis, {}).parameters);
  expect(r.connection).toEqual({
    host: 'store.shop.svc',
    port: 6379,
    service: 'store',
    password: { secretKeyRef: { name: 'store', key: 'password' } },
  });
  const postgres = definitions.find(d => d.name === 'postgresql')!;
  expect(
    render(postgres, resolveMiddlewareParameters(postgres, {}).parameters)
      .connection,
  ).toEqual({
    host: 'store.shop.svc',
    port: 5432,
    service: 'store',
    user: { secretKeyRef: { name: 'store', key: 'user' } },
    password: { secretKeyRef: { name: 'store', key: 'password' } },
    database: { secretKeyRef: { name: 'store', key: 'database' } },
  });
});

it('renders the gateway with the most routes its schema allows', () => {
  const nginx = definitions.find(d => d.name === 'nginx-gateway')!;
  const routes = Array.from({ length: 50 }, (_, i) => ({
    path: `/r${i}`,
    service: `s${i}`,
    port: 8000 + i,
  }));
  const { parameters } = resolveMiddlewareParameters(nginx, { routes });
  const config = render(nginx, parameters).objects.find(
    o => o.kind === 'ConfigMap',
  ) as Json;
  expect(config.data['default.conf.template']).toContain(
    'set $route_50_upstream s49.shop.svc.cluster.local:8049;',
  );
});

it('refuses a duplicate gateway route from the template with the field named', () => {
  const nginx = definitions.find(d => d.name === 'nginx-gateway')!;
  const { parameters } = resolveMiddlewareParameters(nginx, {
    routes: [
      { path: '/', service: 'web', port: 80 },
      { path: '/', service: 'other', port: 80 },
    ],
  });
  expect(() => render(nginx, parameters)).toThrow(
    /templates\/configmap\.yaml: line \d+: parameters\.routes\[1\]\.path: \/ is routed twice/,
  );
});

describe('parameter validation', () => {
  it('names the field', () => {
    const redis = definitions.find(d => d.name === 'redis')!;
    const error = (given: unknown) => {
      try {
        resolveMiddlewareParameters(redis, given);
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      throw new Error('no error');
    };
    expect(error({ replicas: 0 })).toBe(
      'InputError: Invalid parameters for middleware "redis": parameters.replicas: must be >= 1',
    );
    expect(error({ version: '6.0' })).toMatch(
      /parameters\.version: must be one of "8\.0", "7\.4", "7\.2"/,
    );
    expect(error({ persistence: { size: 'lots' } })).toMatch(
      /parameters\.persistence\.size: must match pattern/,
    );
    expect(error({ colour: 'red' })).toMatch(
      /parameters\.colour: is not a parameter/,
    );
    expect(error({ password: 'short' })).toMatch(
      /parameters\.password: must NOT have fewer than 8 characters/,
    );
    expect(error([])).toBe('InputError: parameters: must be an object');
  });
});
