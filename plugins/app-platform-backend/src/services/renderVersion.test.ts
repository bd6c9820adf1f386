import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { VersionSpec } from '@internal/plugin-app-platform-common';
import { startSandbox } from '@internal/kube-sandbox';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import path from 'node:path';
import {
  effectiveResources,
  KIND_ORDER,
  renderedObjectKey,
  RenderedObject,
  renderVersion,
} from './renderVersion';
import { ServiceTemplate, ServiceTemplates } from './ServiceTemplates';
import { validateVersionSpec } from './validateVersionSpec';

const templates = ServiceTemplates.fromConfig(
  new ConfigReader({
    appPlatform: {
      serviceTemplates: {
        directory: path.resolve(__dirname, '../../../../templates/services'),
      },
    },
  }),
);
const template = templates.get('default');

const fullSpec: VersionSpec = validateVersionSpec({
  image: 'registry.example.com/shop/web:1.2.3',
  replicas: 3,
  ports: [
    { name: 'http', containerPort: 8080, servicePort: 80 },
    { name: 'metrics', containerPort: 9090 },
  ],
  command: ['/bin/web'],
  args: ['--port', '8080'],
  env: [
    { name: 'LOG_LEVEL', value: 'info' },
    { name: 'DB_PASSWORD', secretKeyRef: { name: 'db', key: 'password' } },
  ],
  resources: { requests: { cpu: '200m' }, limits: { cpu: '1' } },
  probes: {
    readiness: { port: 'http', path: '/ready', periodSeconds: 5 },
    liveness: { port: 9090 },
  },
  configFiles: [
    { name: 'app.yaml', content: 'greeting: hello\n' },
    { name: 'z.conf', content: 'z=1\n' },
  ],
  volumes: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
  route: { host: 'shop.example.com', path: '/web', tlsSecret: 'shop-tls' },
  sidecars: {
    proxy: { port: 15001 },
    logging: { maxFiles: 3 },
  },
  references: [{ application: 'billing', service: 'invoices' }],
});

function render(
  spec: VersionSpec = fullSpec,
  options: { version?: number; template?: ServiceTemplate } = {},
): RenderedObject[] {
  return renderVersion({
    application: 'shop',
    service: 'web',
    version: options.version ?? 7,
    spec,
    template: options.template ?? template,
  });
}

function find(objects: RenderedObject[], key: string): any {
  const object = objects.find(o => renderedObjectKey(o) === key);
  if (!object)
    throw new Error(`no ${key} in ${objects.map(renderedObjectKey)}`);
  return object;
}

function checksumOf(objects: RenderedObject[]): string | undefined {
  return find(objects, 'Deployment/web').spec.template.metadata.annotations?.[
    'app-platform.io/config-checksum'
  ];
}

describe('renderVersion', () => {
  it('renders the objects in creation order', () => {
    expect(render().map(renderedObjectKey)).toEqual([
      'ConfigMap/web-config',
      'PersistentVolumeClaim/web-data',
      'Service/web',
      'Service/billing-invoices',
      'Deployment/web',
      'Ingress/web',
    ]);
    const kinds = render().map(o => KIND_ORDER.indexOf(o.kind as any));
    expect(kinds).toEqual([...kinds].sort());
  });

  it('labels every object and puts it in the namespace', () => {
    for (const object of render()) {
      expect(object.metadata.namespace).toBe('shop');
      expect(object.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/managed-by': 'app-platform',
        'app-platform.io/application': 'shop',
        'app-platform.io/service': 'web',
        'backstage.io/kubernetes-id': 'web',
      });
      expect(object.metadata.annotations).toBeUndefined();
    }
  });

  it('adds the template labels and annotations', () => {
    const custom = templates.parse(
      'custom',
      'labels: { team: a }\nannotations: { owner: team-a }\npodAnnotations: { x: "1" }',
    );
    const objects = render(fullSpec, { template: custom });
    for (const object of objects) {
      expect(object.metadata.labels.team).toBe('a');
      expect(object.metadata.annotations).toEqual({ owner: 'team-a' });
    }
    const pod = find(objects, 'Deployment/web').spec.template.metadata;
    expect(pod.labels.team).toBe('a');
    expect(pod.annotations.x).toBe('1');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(render())).toBe(JSON.stringify(render()));
    const copy = JSON.parse(JSON.stringify(fullSpec));
    expect(JSON.stringify(render(copy))).toBe(JSON.stringify(render()));
  });

  it('renders the ConfigMap and PVCs', () => {
    const objects = render();
    expect(find(objects, 'ConfigMap/web-config').data).toEqual({
      'app.yaml': 'greeting: hello\n',
      'z.conf': 'z=1\n',
    });
    expect(find(objects, 'PersistentVolumeClaim/web-data').spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
    });
  });

  it('renders the Service, its ports targeting the proxy first', () => {
    const service = find(render(), 'Service/web');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app-platform.io/service': 'web' },
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 15001 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
      ],
    });
    const { sidecars: _, ...noProxy } = fullSpec;
    expect(find(render(noProxy), 'Service/web').spec.ports[0].targetPort).toBe(
      'http',
    );
  });

  it('renders nodePorts', () => {
    const spec = validateVersionSpec({
      image: 'nginx',
      replicas: 1,
      serviceType: 'NodePort',
      ports: [{ name: 'http', containerPort: 80, nodePort: 30080 }],
    });
    expect(find(render(spec), 'Service/web').spec).toMatchObject({
      type: 'NodePort',
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
    });
  });

  it('renders references as ExternalName Services', () => {
    expect(find(render(), 'Service/billing-invoices').spec).toEqual({
      type: 'ExternalName',
      externalName: 'invoices.billing.svc.cluster.local',
    });
    expect(() =>
      renderVersion({
        application: 'shop',
        service: 'a-b',
        version: 1,
        spec: { ...fullSpec, references: [{ application: 'a', service: 'b' }] },
        template,
      }),
    ).toThrow(/named "a-b", like the service itself/);
  });

  it('renders an ExternalName service without a Deployment', () => {
    const spec = validateVersionSpec({
      image: 'nginx',
      replicas: 1,
      serviceType: 'ExternalName',
      externalName: 'db.example.com',
      ports: [],
      references: [{ application: 'billing', service: 'invoices' }],
    });
    const objects = render(spec);
    expect(objects.map(renderedObjectKey)).toEqual([
      'Service/web',
      'Service/billing-invoices',
    ]);
    expect(objects[0].spec).toEqual({
      type: 'ExternalName',
      externalName: 'db.example.com',
    });
  });

  it('renders the Deployment', () => {
    const deployment = find(render(), 'Deployment/web');
    expect(deployment.spec).toMatchObject({
      replicas: 3,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { 'app-platform.io/service': 'web' } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
      },
    });
    const pod = deployment.spec.template;
    expect(pod.metadata.labels['app-platform.io/version']).toBe('7');
    expect(pod.spec.securityContext).toEqual({
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual([
      'app',
      'proxy',
      'log-collector',
    ]);
    const app = pod.spec.containers[0];
    expect(app).toMatchObject({
      image: 'registry.example.com/shop/web:1.2.3',
      command: ['/bin/web'],
      args: ['--port', '8080'],
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ],
      readinessProbe: {
        httpGet: { path: '/ready', port: 'http' },
        periodSeconds: 5,
      },
      livenessProbe: { tcpSocket: { port: 9090 } },
      securityContext: { allowPrivilegeEscalation: false },
    });
    expect(app.env.slice(0, 2)).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      {
        name: 'DB_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'db', key: 'password' } },
      },
    ]);
    // cpu is the spec's, memory the template's (the spec says nothing of it).
    expect(app.resources).toEqual({
      requests: { cpu: '200m', memory: '64Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
    expect(app.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/config', readOnly: true },
      { name: 'data', mountPath: '/data' },
      { name: 'logs', mountPath: '/var/log/app' },
    ]);
  });

  it('keeps the version out of the selector', () => {
    const v1 = find(render(fullSpec, { version: 1 }), 'Deployment/web');
    const v2 = find(render(fullSpec, { version: 2 }), 'Deployment/web');
    expect(v1.spec.selector).toEqual(v2.spec.selector);
    expect(v2.spec.template.metadata.labels['app-platform.io/version']).toBe(
      '2',
    );
  });

  it('uses the template resources when the spec has none', () => {
    const { resources: _, ...spec } = fullSpec;
    expect(
      find(render(spec), 'Deployment/web').spec.template.spec.containers[0]
        .resources,
    ).toEqual(template.defaultResources);
  });

  it('fills in resources from the template, requests never above limits', () => {
    const defaults = {
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    };
    expect(
      effectiveResources(
        { requests: { cpu: '2' }, limits: { memory: '32Mi' } },
        defaults,
      ),
    ).toEqual({
      requests: { cpu: '2', memory: '32Mi' },
      limits: { cpu: '2', memory: '32Mi' },
    });
    expect(
      effectiveResources({ requests: { memory: '128Mi' } }, defaults),
    ).toEqual({
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    expect(effectiveResources(undefined, {})).toBeUndefined();
    expect(effectiveResources({ limits: { cpu: '1' } }, {})).toEqual({
      limits: { cpu: '1' },
    });
  });

  it('renders the sidecars and the shared log volume', () => {
    const pod = find(render(), 'Deployment/web').spec.template.spec;
    const [, proxy, collector] = pod.containers;
    expect(proxy).toMatchObject({
      name: 'proxy',
      image: 'envoyproxy/envoy:v1.31.0',
      ports: [{ containerPort: 15001, protocol: 'TCP' }],
      env: [
        { name: 'LISTEN_PORT', value: '15001' },
        { name: 'UPSTREAM', value: '127.0.0.1:8080' },
      ],
    });
    expect(collector).toMatchObject({
      name: 'log-collector',
      image: 'fluent/fluent-bit:3.1',
      env: [
        { name: 'LOG_PATH', value: '/var/log/app' },
        { name: 'LOG_MAX_FILE_SIZE', value: '50Mi' },
        { name: 'LOG_MAX_FILES', value: '3' },
      ],
      volumeMounts: [
        { name: 'logs', mountPath: '/var/log/app', readOnly: true },
      ],
    });
    expect(pod.volumes).toEqual([
      { name: 'config', configMap: { name: 'web-config' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
      { name: 'logs', emptyDir: { sizeLimit: '512Mi' } },
    ]);
    // The application learns the policy too.
    expect(pod.containers[0].env.map((e: any) => e.name)).toEqual([
      'LOG_LEVEL',
      'DB_PASSWORD',
      'LOG_PATH',
      'LOG_MAX_FILE_SIZE',
      'LOG_MAX_FILES',
    ]);
  });

  it('uses the spec images and log settings over the template', () => {
    const spec = validateVersionSpec({
      ...fullSpec,
      sidecars: {
        proxy: { port: 15001, image: 'my/proxy:1' },
        logging: {
          image: 'my/collector:2',
          path: '/logs',
          sizeLimit: '1Gi',
          maxFileSize: '10Mi',
        },
      },
    });
    const pod = find(render(spec), 'Deployment/web').spec.template.spec;
    expect(pod.containers[1].image).toBe('my/proxy:1');
    expect(pod.containers[2].image).toBe('my/collector:2');
    expect(pod.containers[2].env).toEqual([
      { name: 'LOG_PATH', value: '/logs' },
      { name: 'LOG_MAX_FILE_SIZE', value: '10Mi' },
      { name: 'LOG_MAX_FILES', value: '5' },
    ]);
    expect(pod.volumes[2]).toEqual({
      name: 'logs',
      emptyDir: { sizeLimit: '1Gi' },
    });
  });

  it('changes the config checksum only when a file changes', () => {
    const checksum = checksumOf(render());
    expect(checksum).toMatch(/^[0-9a-f]{16}$/);
    expect(checksumOf(render({ ...fullSpec, replicas: 1 }))).toBe(checksum);
    expect(checksumOf(render(fullSpec, { version: 8 }))).toBe(checksum);
    expect(
      checksumOf(
        render({
          ...fullSpec,
          configFiles: [...fullSpec.configFiles!].reverse(),
        }),
      ),
    ).toBe(checksum);
    expect(
      checksumOf(
        render({
          ...fullSpec,
          configFiles: [
            { name: 'app.yaml', content: 'greeting: bye\n' },
            fullSpec.configFiles![1],
          ],
        }),
      ),
    ).not.toBe(checksum);
    expect(
      checksumOf(
        render({
          ...fullSpec,
          configFiles: [
            { name: 'app.yml', content: 'greeting: hello\n' },
            fullSpec.configFiles![1],
          ],
        }),
      ),
    ).not.toBe(checksum);
    const { configFiles: _, ...noFiles } = fullSpec;
    const objects = render(noFiles);
    expect(checksumOf(objects)).toBeUndefined();
    expect(objects.map(renderedObjectKey)).not.toContain(
      'ConfigMap/web-config',
    );
  });

  it('renders the Ingress', () => {
    const ingress = find(render(), 'Ingress/web');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec).toEqual({
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/web',
                pathType: 'Prefix',
                backend: { service: { name: 'web', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
    const plain = find(
      render({
        ...fullSpec,
        route: { host: 'a.example.com', port: 'metrics' },
      }),
      'Ingress/web',
    );
    expect(plain.spec.tls).toBeUndefined();
    expect(plain.spec.rules[0].http.paths[0]).toMatchObject({
      path: '/',
      backend: { service: { port: { name: 'metrics' } } },
    });
  });

  it('refuses a Service name Kubernetes would refuse', () => {
    expect(() =>
      renderVersion({
        application: 'shop',
        service: '9lives',
        version: 1,
        spec: fullSpec,
        template,
      }),
    ).toThrow('Service/9lives: "9lives" is not a valid Service name');
  });

  it('refuses what a broken template makes invalid', () => {
    const broken: ServiceTemplate = {
      ...template,
      deployment: {
        ...template.deployment,
        revisionHistoryLimit: 'ten' as any,
      },
    };
    expect(() => render(fullSpec, { template: broken })).toThrow(
      /^Deployment\/web does not match the Kubernetes schema \(check the service template\): .*revisionHistoryLimit/,
    );
    const badSecurity: ServiceTemplate = {
      ...template,
      securityContext: { runAsUser: 'root' as any },
    };
    expect(() => render(fullSpec, { template: badSecurity })).toThrow(
      InputError,
    );
  });
});

describe('renderVersion on a cluster', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let objects: KubernetesObjectApi;

  beforeAll(async () => {
    sandbox = await startSandbox({ controller: { speed: 100 } });
    const kc = new KubeConfig();
    kc.loadFromString(sandbox.kubeconfig());
    objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
    });
  }, 15_000);

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('creates every rendered object', async () => {
    const specs: Array<[string, VersionSpec]> = [
      ['web', fullSpec],
      [
        'db',
        validateVersionSpec({
          image: 'postgres:16',
          replicas: 1,
          serviceType: 'ExternalName',
          externalName: 'db.example.com',
          ports: [{ name: 'pg', containerPort: 5432 }],
        }),
      ],
      [
        'edge',
        validateVersionSpec({
          image: 'nginx:1.27',
          replicas: 2,
          serviceType: 'LoadBalancer',
          ports: [
            { name: 'http', containerPort: 80, nodePort: 31080 },
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
          ],
          route: { host: '*.edge.example.com' },
          volumes: [
            {
              name: 'cache',
              mountPath: '/cache',
              size: '2Gi',
              storageClass: 'standard',
            },
          ],
        }),
      ],
    ];
    for (const [service, spec] of specs) {
      const rendered = renderVersion({
        application: 'shop',
        service,
        version: 1,
        spec,
        template,
      });
      for (const object of rendered) {
        const created = await objects.create(object);
        expect(created.metadata?.uid).toBeTruthy();
        expect(created.metadata?.labels).toMatchObject(object.metadata.labels);
      }
    }
    const deployment: any = await objects.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
    });
    expect(deployment.spec.template.spec.containers).toHaveLength(3);
  }, 15_000);
});
