import { KubernetesObject } from '@kubernetes/client-node';
import { diffObjects, summarizeChanges } from './diffObjects';

function deployment(
  options: {
    image?: string;
    replicas?: number;
    env?: Array<{ name: string; value?: string }>;
    ports?: Array<{ name: string; containerPort: number }>;
    memory?: string;
    extra?: Record<string, unknown>;
  } = {},
): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { 'app-platform.io/service': 'web' },
      annotations: { 'app-platform.io/deployment': 'd1' },
    },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { 'app-platform.io/service': 'web' } },
      template: {
        metadata: { labels: { 'app-platform.io/service': 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: options.image ?? 'nginx:1.25',
              env: options.env ?? [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'MODE', value: 'prod' },
              ],
              ports: options.ports ?? [{ name: 'http', containerPort: 8080 }],
              resources: { limits: { memory: options.memory ?? '256Mi' } },
            },
            { name: 'proxy', image: 'envoy:1.30' },
          ],
        },
      },
      ...options.extra,
    },
  } as KubernetesObject;
}

function withServerFields(object: KubernetesObject): KubernetesObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: new Date('2024-01-01T00:00:00Z'),
      managedFields: [{ manager: 'app-platform', operation: 'Apply' }],
      annotations: {
        ...object.metadata?.annotations,
        'app-platform.io/deployment': 'd0',
        'app-platform.io/spec-hash': 'abc',
        'deployment.kubernetes.io/revision': '7',
        'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}',
      },
    },
    status: { replicas: 2, readyReplicas: 1 },
  } as KubernetesObject;
}

describe('diffObjects', () => {
  it('ignores server bookkeeping and status', () => {
    expect(diffObjects(withServerFields(deployment()), deployment())).toEqual(
      [],
    );
  });

  it('drops an annotations map emptied by the normalization', () => {
    const bare = deployment();
    delete bare.metadata!.annotations;
    expect(diffObjects(withServerFields(bare), deployment())).toEqual([]);
  });

  it('names list elements by their name', () => {
    const changes = diffObjects(
      deployment(),
      deployment({
        image: 'nginx:1.27',
        replicas: 3,
        env: [
          { name: 'NEW', value: 'x' },
          { name: 'LOG_LEVEL', value: 'debug' },
        ],
      }),
    );
    expect(changes).toEqual([
      { path: 'spec.replicas', before: 2, after: 3 },
      {
        path: 'spec.template.spec.containers[app].env[LOG_LEVEL].value',
        before: 'info',
        after: 'debug',
      },
      {
        path: 'spec.template.spec.containers[app].env[MODE].name',
        before: 'MODE',
      },
      {
        path: 'spec.template.spec.containers[app].env[MODE].value',
        before: 'prod',
      },
      {
        path: 'spec.template.spec.containers[app].env[NEW].name',
        after: 'NEW',
      },
      {
        path: 'spec.template.spec.containers[app].env[NEW].value',
        after: 'x',
      },
      {
        path: 'spec.template.spec.containers[app].image',
        before: 'nginx:1.25',
        after: 'nginx:1.27',
      },
    ]);
  });

  it('compares other lists by index and renders odd keys in brackets', () => {
    const before = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { 'app.kubernetes.io/name': 'a' } },
      data: { 'app.yaml': 'a: 1' },
      spec: { args: ['--a', '--b'] },
    };
    const after = {
      ...before,
      metadata: { name: 'c', labels: { 'app.kubernetes.io/name': 'b' } },
      data: { 'app.yaml': 'a: 2' },
      spec: { args: ['--a', '--c', '--d'] },
    };
    expect(diffObjects(before, after)).toEqual([
      { path: 'data[app.yaml]', before: 'a: 1', after: 'a: 2' },
      {
        path: 'metadata.labels[app.kubernetes.io/name]',
        before: 'a',
        after: 'b',
      },
      { path: 'spec.args[1]', before: '--b', after: '--c' },
      { path: 'spec.args[2]', after: '--d' },
    ]);
  });

  it('lists every leaf of a created or deleted object', () => {
    const created = diffObjects(undefined, deployment());
    expect(created.every(c => c.before === undefined)).toBe(true);
    expect(created).toContainEqual({
      path: 'spec.template.spec.containers[app].ports[http].containerPort',
      after: 8080,
    });
    expect(created).toContainEqual({
      path: 'spec.template.spec.containers[proxy].image',
      after: 'envoy:1.30',
    });
    // Our deployment annotation is not part of the object.
    expect(created.map(c => c.path)).not.toContain(
      'metadata.annotations[app-platform.io/deployment]',
    );
    const removed = diffObjects(deployment(), undefined);
    expect(removed.map(c => c.path)).toEqual(created.map(c => c.path));
    expect(diffObjects(undefined, undefined)).toEqual([]);
  });

  it('reports an empty list filled by its elements, an emptied object as such', () => {
    const before = deployment({ env: [] });
    const after = deployment({ env: [{ name: 'A', value: '1' }] });
    expect(diffObjects(before, after).map(c => c.path)).toEqual([
      'spec.template.spec.containers[app].env[A].name',
      'spec.template.spec.containers[app].env[A].value',
    ]);
    const withEmptyDir = deployment({
      extra: { volumes: [{ name: 'v', emptyDir: {} }] },
    });
    const withHostPath = deployment({
      extra: { volumes: [{ name: 'v', hostPath: { path: '/x' } }] },
    });
    expect(diffObjects(withEmptyDir, withHostPath)).toEqual([
      { path: 'spec.volumes[v].emptyDir', before: {} },
      { path: 'spec.volumes[v].hostPath.path', after: '/x' },
    ]);
  });

  it('is deterministic and sorted', () => {
    const a = deployment();
    const b = deployment({ image: 'x', replicas: 1, memory: '1Gi' });
    const first = diffObjects(a, b);
    expect(diffObjects(a, b)).toEqual(first);
    const paths = first.map(c => c.path);
    expect([...paths].sort()).toEqual(paths);
  });

  describe('secrets', () => {
    const secret = (
      data: Record<string, string>,
      stringData?: Record<string, string>,
    ): KubernetesObject =>
      ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'shop' },
        type: 'Opaque',
        data,
        stringData,
      } as KubernetesObject);
    const b64 = (s: string) => Buffer.from(s).toString('base64');

    it('reports a changed value as redacted on both sides', () => {
      const changes = diffObjects(
        secret({ password: b64('hunter2'), same: b64('x') }),
        secret({ password: b64('swordfish'), same: b64('x') }),
      );
      expect(changes).toEqual([
        { path: 'data.password', before: '(redacted)', after: '(redacted)' },
      ]);
    });

    it('never shows a value, its base64 or its hash', () => {
      const changes = diffObjects(
        secret({ old: b64('hunter2') }),
        secret({}, { password: 'swordfish' }),
      );
      expect(changes).toEqual([
        { path: 'data.old', before: '(redacted)' },
        { path: 'data.password', after: '(redacted)' },
      ]);
      const text = JSON.stringify(
        diffObjects(undefined, secret({}, { password: 'swordfish' })),
      );
      expect(text).not.toMatch(/swordfish|sha256/);
      expect(text).not.toContain(b64('swordfish'));
    });

    it('takes stringData as the data it becomes', () => {
      expect(
        diffObjects(
          secret({ password: b64('hunter2') }),
          secret({}, { password: 'hunter2' }),
        ),
      ).toEqual([]);
    });

    it('redacts when a whole data map goes away', () => {
      const none = secret({});
      delete (none as any).data;
      expect(diffObjects(secret({ a: b64('zzz') }), none)).toEqual([
        { path: 'data.a', before: '(redacted)' },
      ]);
    });
  });
});

describe('summarizeChanges', () => {
  it('describes the interesting fields', () => {
    const changes = diffObjects(
      deployment(),
      deployment({
        image: 'nginx:1.27',
        replicas: 3,
        env: [
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'NEW', value: 'x' },
        ],
        ports: [
          { name: 'http', containerPort: 9090 },
          { name: 'metrics', containerPort: 9100 },
        ],
        memory: '512Mi',
      }),
    );
    expect(summarizeChanges(changes, 10)).toBe(
      'image nginx:1.25 → nginx:1.27, replicas 2 → 3, env LOG_LEVEL info → debug, ' +
        'env MODE removed, env NEW added, port http 8080 → 9090, port metrics added, ' +
        'limits.memory 256Mi → 512Mi',
    );
    expect(summarizeChanges(changes)).toBe(
      'image nginx:1.25 → nginx:1.27, replicas 2 → 3, env LOG_LEVEL info → debug, ' +
        'env MODE removed, 6 more fields',
    );
  });

  it('names the container when several images change', () => {
    expect(
      summarizeChanges([
        {
          path: 'spec.template.spec.containers[app].image',
          before: 'a:1',
          after: 'a:2',
        },
        {
          path: 'spec.template.spec.containers[proxy].image',
          before: 'p:1',
          after: 'p:2',
        },
      ]),
    ).toBe('app image a:1 → a:2, proxy image p:1 → p:2');
  });

  it('shows what a first deploy sets, and what a change removes, without "none"', () => {
    expect(
      summarizeChanges([
        {
          path: 'spec.template.spec.containers[app].image',
          after: 'shop/web:1',
        },
        { path: 'spec.replicas', after: 2 },
        {
          path: 'spec.template.spec.containers[app].resources.limits.cpu',
          before: '1',
        },
      ]),
    ).toBe('image shop/web:1, replicas 2, limits.cpu 1 removed');
  });

  it('describes service ports', () => {
    expect(
      summarizeChanges([
        { path: 'spec.ports[http].port', before: 80, after: 81 },
      ]),
    ).toBe('port http 80 → 81');
  });

  it('falls back to a count of fields', () => {
    expect(summarizeChanges([])).toBe('no changes');
    expect(
      summarizeChanges([{ path: 'data.a', before: 'x', after: 'y' }]),
    ).toBe('1 field');
    expect(
      summarizeChanges([
        { path: 'data.a', before: 'x', after: 'y' },
        { path: 'data.b', after: 'y' },
      ]),
    ).toBe('2 fields');
  });
});
