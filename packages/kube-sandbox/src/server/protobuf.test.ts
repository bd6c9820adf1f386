import { decodeProtobufObject, goDuration, kubeProtoRoot } from './protobuf';

// Minimal hand-written protobuf encoder: checks the wire format
// independently of protobufjs.
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

/** Encodes `message` with the vendored definitions, as kubectl's Go types do. */
function encode(
  apiVersion: string,
  kind: string,
  typeName: string,
  message: object,
) {
  const type = kubeProtoRoot().lookupType(typeName);
  const err = type.verify(message);
  if (err) throw new Error(err);
  return envelope(
    apiVersion,
    kind,
    Buffer.from(type.encode(type.fromObject(message)).finish()),
  );
}

/** ObjectMeta as Go always marshals it: creationTimestamp is a value field. */
const meta = (name: string, labels?: Record<string, string>) => ({
  name,
  labels,
  creationTimestamp: {},
});

describe('decodeProtobufObject', () => {
  it('decodes secrets with metadata, labels and byte data', () => {
    const metadata = Buffer.concat([
      bytes(1, 'creds'),
      bytes(3, 'ns'),
      entry(11, 'app', 'x'),
    ]);
    const raw = Buffer.concat([
      bytes(1, metadata),
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

  it('decodes a Deployment as `kubectl create deployment` sends it', () => {
    const labels = { app: 'web' };
    const body = encode(
      'apps/v1',
      'Deployment',
      'k8s.io.api.apps.v1.Deployment',
      {
        metadata: meta('web', labels),
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: meta('', labels),
            spec: {
              containers: [{ name: 'nginx', image: 'nginx', resources: {} }],
            },
          },
          strategy: {},
        },
        status: {},
      },
    );
    // Go's JSON for the same object: value structs kept as {}, the zero
    // creationTimestamp and empty strings dropped.
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: 'nginx', image: 'nginx', resources: {} }],
          },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('keeps explicit zero pointer fields and converts special types', () => {
    const body = encode(
      'apps/v1',
      'Deployment',
      'k8s.io.api.apps.v1.Deployment',
      {
        metadata: {
          name: 'zero',
          creationTimestamp: { seconds: 1700000000 },
        },
        spec: {
          // *int32: an explicit 0 must survive (scale to zero).
          replicas: 0,
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: {
              maxSurge: { type: 1, strVal: '25%' },
              maxUnavailable: { type: 0, intVal: 0 },
            },
          },
          template: {
            metadata: meta(''),
            spec: {
              containers: [
                {
                  name: 'c',
                  image: 'i',
                  resources: { limits: { memory: { string: '64Mi' } } },
                  // Probe.handler is inlined in JSON.
                  readinessProbe: {
                    handler: {
                      httpGet: { path: '/', port: { type: 0, intVal: 80 } },
                    },
                  },
                },
              ],
              volumes: [{ name: 'v', volumeSource: { emptyDir: {} } }],
            },
          },
        },
      },
    );
    const spec = decodeProtobufObject(body).spec;
    expect(spec.replicas).toBe(0);
    expect(spec.strategy.rollingUpdate).toEqual({
      maxSurge: '25%',
      maxUnavailable: 0,
    });
    expect(spec.template.spec.containers[0]).toEqual({
      name: 'c',
      image: 'i',
      resources: { limits: { memory: '64Mi' } },
      readinessProbe: { httpGet: { path: '/', port: 80 } },
    });
    expect(spec.template.spec.volumes).toEqual([{ name: 'v', emptyDir: {} }]);
    expect(decodeProtobufObject(body).metadata.creationTimestamp).toBe(
      '2023-11-14T22:13:20Z',
    );
  });

  it('decodes Services, Jobs and Namespaces', () => {
    const service = encode('v1', 'Service', 'k8s.io.api.core.v1.Service', {
      metadata: meta('web'),
      spec: {
        ports: [
          {
            name: '80-8080',
            protocol: 'TCP',
            port: 80,
            targetPort: { type: 0, intVal: 8080 },
          },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
    expect(decodeProtobufObject(service)).toMatchObject({
      kind: 'Service',
      spec: {
        ports: [
          { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 },
        ],
        type: 'ClusterIP',
      },
    });
    const job = encode('batch/v1', 'Job', 'k8s.io.api.batch.v1.Job', {
      metadata: meta('once'),
      spec: {
        template: {
          metadata: meta(''),
          spec: {
            containers: [
              {
                name: 'once',
                image: 'busybox',
                command: ['date'],
                resources: {},
              },
            ],
            restartPolicy: 'Never',
          },
        },
      },
      status: {},
    });
    expect(decodeProtobufObject(job).spec.template.spec).toEqual({
      containers: [
        { name: 'once', image: 'busybox', command: ['date'], resources: {} },
      ],
      restartPolicy: 'Never',
    });
    const ns = encode('v1', 'Namespace', 'k8s.io.api.core.v1.Namespace', {
      metadata: meta('gen'),
      spec: {},
      status: {},
    });
    expect(decodeProtobufObject(ns)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'gen' },
      spec: {},
      status: {},
    });
  });

  it('decodes HPAs (autoscaling/v2), CronJobs and DaemonSets', () => {
    const hpa = encode(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
      {
        metadata: meta('web'),
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'web',
          },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'memory',
                target: {
                  type: 'AverageValue',
                  averageValue: { string: '500Mi' },
                },
              },
            },
          ],
        },
        status: { desiredReplicas: 0 },
      },
    );
    expect(decodeProtobufObject(hpa)).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
        },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'memory',
              target: { type: 'AverageValue', averageValue: '500Mi' },
            },
          },
        ],
      },
      // Zero value fields are dropped; the API server's defaulting puts
      // desiredReplicas back.
      status: {},
    });
    const container = { name: 'tick', image: 'busybox', resources: {} };
    const cronJob = encode(
      'batch/v1',
      'CronJob',
      'k8s.io.api.batch.v1.CronJob',
      {
        metadata: meta('tick'),
        spec: {
          schedule: '*/5 * * * *',
          jobTemplate: {
            metadata: meta('tick'),
            spec: {
              template: {
                metadata: meta(''),
                spec: { containers: [container], restartPolicy: 'OnFailure' },
              },
            },
          },
        },
        status: {},
      },
    );
    expect(decodeProtobufObject(cronJob).spec).toEqual({
      schedule: '*/5 * * * *',
      jobTemplate: {
        metadata: { name: 'tick' },
        spec: {
          template: {
            metadata: {},
            spec: { containers: [container], restartPolicy: 'OnFailure' },
          },
        },
      },
    });
    const daemonSet = encode(
      'apps/v1',
      'DaemonSet',
      'k8s.io.api.apps.v1.DaemonSet',
      {
        metadata: meta('agent'),
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            metadata: meta('', { app: 'agent' }),
            spec: { containers: [container] },
          },
          updateStrategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: { type: 0, intVal: 1 } },
          },
        },
        status: {},
      },
    );
    expect(decodeProtobufObject(daemonSet).spec).toEqual({
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [container] },
      },
      updateStrategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 1 },
      },
    });
  });

  it('rejects kinds without a vendored message with 415 and bad bytes with 400', () => {
    expect(() =>
      decodeProtobufObject(
        envelope('rbac.authorization.k8s.io/v1', 'Role', Buffer.alloc(0)),
      ),
    ).toThrow(
      expect.objectContaining({
        code: 415,
        message: expect.stringContaining('rbac.authorization.k8s.io/v1 Role'),
      }),
    );
    expect(() =>
      decodeProtobufObject(Buffer.from('{"kind":"Secret"}')),
    ).toThrow(expect.objectContaining({ code: 400 }));
    expect(() =>
      decodeProtobufObject(envelope('v1', 'Secret', Buffer.from([0x0a, 0x05]))),
    ).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('formats durations like Go', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(1.5e9)).toBe('1.5s');
    expect(goDuration(3723e9)).toBe('1h2m3s');
    expect(goDuration(2e6)).toBe('2ms');
  });
});
