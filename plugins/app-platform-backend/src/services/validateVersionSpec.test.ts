import { parseQuantity } from '../kube/parseQuantity';
import { InputError } from '@backstage/errors';
import { VersionSpec } from '@internal/plugin-app-platform-common';
import fc from 'fast-check';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { renderVersion } from './renderVersion';
import { ServiceTemplates } from './ServiceTemplates';
import {
  imageReferenceProblem,
  validateVersionSpec,
} from './validateVersionSpec';

const TEMPLATES_DIR = path.resolve(__dirname, '../../../../templates/services');

function base(): any {
  return {
    image: 'registry.example.com/team/web:1.2.3',
    replicas: 2,
    ports: [
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: 9090 },
    ],
  };
}

function errorOf(spec: unknown, field?: string): string {
  try {
    validateVersionSpec(spec, field);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the spec to be refused');
}

/** What validation throws that is not an InputError, if anything. */
function refusalOf(spec: unknown): unknown {
  try {
    validateVersionSpec(spec);
  } catch (error) {
    return error instanceof InputError ? undefined : error;
  }
  return undefined;
}

/** Applies a change to a fresh valid spec and returns the error message. */
function refused(change: (spec: any) => void): string {
  const spec = base();
  change(spec);
  return errorOf(spec);
}

describe('validateVersionSpec', () => {
  it('accepts a minimal spec and returns a normalized copy', () => {
    const spec = { ports: base().ports, replicas: 1, image: 'nginx' };
    const result = validateVersionSpec(spec);
    expect(result).toEqual(spec);
    expect(Object.keys(result)).toEqual(['image', 'replicas', 'ports']);
    expect(result).not.toBe(spec);
  });

  it('accepts a full spec unchanged', () => {
    const spec: VersionSpec = {
      image: `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`,
      replicas: 3,
      serviceType: 'NodePort',
      ports: [
        { name: 'http', containerPort: 8080, servicePort: 80, nodePort: 30080 },
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
      ],
      command: ['/bin/api'],
      args: ['--verbose'],
      env: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'DB_PASSWORD', secretKeyRef: { name: 'db', key: 'password' } },
      ],
      resources: {
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { cpu: '1', memory: '1Gi' },
      },
      probes: {
        readiness: { port: 'http', path: '/ready', periodSeconds: 5 },
        liveness: { port: 8080, initialDelaySeconds: 10 },
      },
      configFiles: [{ name: 'app.yaml', content: 'a: 1\n' }],
      configMountPath: '/etc/api',
      volumes: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
      route: { host: '*.api.example.com', path: '/v1', tlsSecret: 'api-tls' },
      sidecars: {
        proxy: { port: 15001 },
        logging: { maxFiles: 3, maxFileSize: '10Mi', sizeLimit: '100Mi' },
      },
      references: [{ application: 'billing', service: 'invoices' }],
      template: 'default',
    };
    expect(validateVersionSpec(spec)).toEqual(spec);
  });

  it('names the field from the given root', () => {
    expect(errorOf({ ...base(), replicas: -1 }, 'input.spec')).toMatch(
      /^input\.spec\.replicas: /,
    );
  });

  it('is safe on any input', () => {
    for (const value of [
      undefined,
      null,
      42,
      'spec',
      [],
      Object.create(Array.prototype),
      new Date(),
    ]) {
      expect(errorOf(value)).toMatch(/^spec: must be an object/);
    }
    fc.assert(
      fc.property(fc.anything(), value => {
        expect(refusalOf(value)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(
        fc.record({
          image: fc.anything(),
          replicas: fc.anything(),
          ports: fc.anything(),
          env: fc.anything(),
          sidecars: fc.anything(),
        }),
        value => {
          expect(refusalOf(value)).toBeUndefined();
        },
      ),
    );
  });

  it('refuses unknown top-level and nested keys, naming them', () => {
    expect(refused(s => (s.replica = 3))).toBe('spec.replica: unknown field');
    expect(refused(s => (s.ports[0].hostPort = 80))).toBe(
      'spec.ports[0].hostPort: unknown field',
    );
  });

  describe('image', () => {
    it.each([
      'nginx',
      'nginx:1.25',
      'library/nginx:latest',
      'localhost:5000/app',
      'registry.example.com:443/team/sub/app:v1.0.0-rc.1',
      'my_app__x/a-b--c:TAG_1',
      `app@sha256:${'0'.repeat(64)}`,
      `app:1@sha256:${'f'.repeat(64)}`,
    ])('accepts %s', image => {
      expect(imageReferenceProblem(image)).toBeUndefined();
    });

    it.each([
      ['', /must not be empty/],
      ['nginx latest', /not a valid image reference/],
      ['Nginx', /not a valid image reference/],
      ['Team/app', /not a valid image reference/],
      ['registry.example.com/Team/app', /not a valid image reference/],
      ['app:', /invalid tag/],
      ['app:-x', /invalid tag/],
      [`app:${'a'.repeat(129)}`, /invalid tag/],
      ['app@sha256:abc', /invalid digest/],
      [`app@md5:${'a'.repeat(64)}`, /invalid digest/],
      ['app//x', /not a valid image reference/],
      ['-registry.io/app', /invalid registry host/],
      [`a/${'b'.repeat(600)}`, /at most 512/],
    ])('refuses %j', (image, message) => {
      const error = refused(s => (s.image = image));
      expect(error).toMatch(/^spec\.image: /);
      expect(error).toMatch(message);
    });

    it('refuses a non-string image', () => {
      expect(refused(s => (s.image = 5))).toBe(
        'spec.image: must be a string, not a number',
      );
    });
  });

  it('checks bindings to middleware instances', () => {
    expect(
      validateVersionSpec({ ...base(), bindings: [{ instance: 'cache' }] })
        .bindings,
    ).toEqual([{ instance: 'cache' }]);
    expect(() =>
      validateVersionSpec({ ...base(), bindings: [{ instance: 'Cache!' }] }),
    ).toThrow(/^spec\.bindings\[0\]\.instance/);
    expect(() =>
      validateVersionSpec({
        ...base(),
        bindings: [{ instance: 'cache' }, { instance: 'cache' }],
      }),
    ).toThrow(/^spec\.bindings\[1\]: duplicate binding of "cache"/);
    expect(() =>
      validateVersionSpec({
        ...base(),
        bindings: [{ instance: 'cache', prefix: 'X' }],
      }),
    ).toThrow(/spec\.bindings\[0\].*prefix/);
    expect(() =>
      validateVersionSpec({
        image: 'x',
        replicas: 1,
        ports: [],
        serviceType: 'ExternalName',
        externalName: 'db.example.com',
        bindings: [{ instance: 'cache' }],
      }),
    ).toThrow(/spec\.bindings: not allowed with serviceType ExternalName/);
  });

  it('checks replicas', () => {
    for (const replicas of [-1, 1001, 1.5, '2', undefined]) {
      expect(refused(s => (s.replicas = replicas))).toMatch(
        /^spec\.replicas: must be an integer from 0 to 1000/,
      );
    }
    expect(validateVersionSpec({ ...base(), replicas: 0 }).replicas).toBe(0);
    expect(validateVersionSpec({ ...base(), replicas: 1000 }).replicas).toBe(
      1000,
    );
  });

  describe('ports', () => {
    it('requires at least one unless ExternalName', () => {
      expect(refused(s => (s.ports = []))).toBe(
        'spec.ports: at least one port is required',
      );
      expect(
        validateVersionSpec({
          image: 'nginx',
          replicas: 0,
          ports: [],
          serviceType: 'ExternalName',
          externalName: 'db.example.com',
        }).ports,
      ).toEqual([]);
    });

    it.each([
      'HTTP',
      'a'.repeat(16),
      '123',
      '-http',
      'http-',
      'my--port',
      'a_b',
    ])('refuses the name %j', name => {
      expect(refused(s => (s.ports[1].name = name))).toMatch(
        /^spec\.ports\[1\]\.name: .*(IANA|at most 15)/,
      );
    });

    it('refuses duplicate names, container ports and service ports', () => {
      expect(refused(s => (s.ports[1].name = 'http'))).toBe(
        'spec.ports[1].name: duplicate port name "http"',
      );
      expect(refused(s => (s.ports[1].containerPort = 8080))).toBe(
        'spec.ports[1].containerPort: duplicate containerPort 8080/TCP',
      );
      expect(
        validateVersionSpec({
          ...base(),
          ports: [
            { name: 'tcp', containerPort: 53 },
            { name: 'udp', containerPort: 53, protocol: 'UDP' },
          ],
        }).ports,
      ).toHaveLength(2);
      expect(refused(s => (s.ports[1].servicePort = 8080))).toBe(
        'spec.ports[1].servicePort: duplicate service port 8080/TCP',
      );
    });

    it('checks port numbers and protocol', () => {
      expect(refused(s => (s.ports[0].containerPort = 0))).toMatch(
        /^spec\.ports\[0\]\.containerPort: must be an integer from 1 to 65535/,
      );
      expect(refused(s => (s.ports[0].servicePort = 65536))).toMatch(
        /^spec\.ports\[0\]\.servicePort: /,
      );
      expect(refused(s => (s.ports[0].protocol = 'SCTP'))).toBe(
        'spec.ports[0].protocol: must be TCP or UDP',
      );
    });

    it('allows nodePort only in range and with NodePort or LoadBalancer', () => {
      expect(refused(s => (s.ports[0].nodePort = 30080))).toBe(
        'spec.ports[0].nodePort: only with serviceType NodePort or LoadBalancer, not ClusterIP',
      );
      expect(
        refused(s => {
          s.serviceType = 'NodePort';
          s.ports[0].nodePort = 8080;
        }),
      ).toMatch(/^spec\.ports\[0\]\.nodePort: must be an integer from 30000/);
      const ok = validateVersionSpec({
        ...base(),
        serviceType: 'LoadBalancer',
        ports: [{ name: 'http', containerPort: 80, nodePort: 32767 }],
      });
      expect(ok.ports[0].nodePort).toBe(32767);
    });
  });

  describe('serviceType and externalName', () => {
    it('checks the service type', () => {
      expect(refused(s => (s.serviceType = 'Headless'))).toMatch(
        /^spec\.serviceType: must be one of ClusterIP, NodePort, LoadBalancer, ExternalName/,
      );
    });

    it('requires externalName exactly with ExternalName', () => {
      expect(refused(s => (s.serviceType = 'ExternalName'))).toBe(
        'spec.externalName: required with serviceType ExternalName',
      );
      expect(refused(s => (s.externalName = 'db.example.com'))).toBe(
        'spec.externalName: only with serviceType ExternalName',
      );
      expect(
        refused(s => {
          s.serviceType = 'ExternalName';
          s.externalName = 'DB.example.com';
        }),
      ).toMatch(/^spec\.externalName: .*DNS-1123 subdomain/);
    });

    it('refuses pod settings with ExternalName', () => {
      expect(
        refused(s => {
          s.serviceType = 'ExternalName';
          s.externalName = 'db.example.com';
          s.configFiles = [{ name: 'a', content: '' }];
        }),
      ).toBe(
        'spec.configFiles: not allowed with serviceType ExternalName, which runs no pods',
      );
    });
  });

  describe('env', () => {
    it('checks names and uniqueness', () => {
      expect(refused(s => (s.env = [{ name: '1A', value: 'x' }]))).toMatch(
        /^spec\.env\[0\]\.name: "1A" is not a valid environment variable name/,
      );
      expect(
        refused(
          s =>
            (s.env = [
              { name: 'A', value: 'x' },
              { name: 'A', value: 'y' },
            ]),
        ),
      ).toBe('spec.env[1].name: duplicate variable "A"');
      expect(
        validateVersionSpec({
          ...base(),
          env: [{ name: 'my.var-1', value: '' }],
        }).env,
      ).toEqual([{ name: 'my.var-1', value: '' }]);
    });

    it('requires exactly one of value and secretKeyRef', () => {
      expect(refused(s => (s.env = [{ name: 'A' }]))).toBe(
        'spec.env[0]: exactly one of value and secretKeyRef is required',
      );
      expect(
        refused(
          s =>
            (s.env = [
              { name: 'A', value: 'x', secretKeyRef: { name: 's', key: 'k' } },
            ]),
        ),
      ).toBe('spec.env[0]: exactly one of value and secretKeyRef is required');
    });

    it('refuses a 1 MB value, and a spec over 256 KiB', () => {
      expect(
        refused(s => (s.env = [{ name: 'BIG', value: 'x'.repeat(1 << 20) }])),
      ).toMatch(/^spec\.env\[0\]\.value: must be at most 32 KiB/);
      const env = Array.from({ length: 9 }, (_, i) => ({
        name: `V${i}`,
        value: 'x'.repeat(30 * 1024),
      }));
      expect(refused(s => (s.env = env))).toMatch(
        /^spec: is 2\d\d KiB without its config files; at most 256 KiB/,
      );
    });

    it('checks secretKeyRef', () => {
      expect(
        refused(
          s =>
            (s.env = [{ name: 'A', secretKeyRef: { name: 'Db', key: 'k' } }]),
        ),
      ).toMatch(/^spec\.env\[0\]\.secretKeyRef\.name: .*DNS-1123 subdomain/);
      expect(
        refused(
          s =>
            (s.env = [{ name: 'A', secretKeyRef: { name: 'db', key: 'a/b' } }]),
        ),
      ).toMatch(/^spec\.env\[0\]\.secretKeyRef\.key: "a\/b" is not a valid/);
    });
  });

  describe('resources', () => {
    it('parses quantities', () => {
      expect(parseQuantity('100m')).toBeCloseTo(0.1);
      expect(parseQuantity('0.5')).toBe(0.5);
      expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
      expect(parseQuantity('1G')).toBe(1e9);
      expect(parseQuantity('1e3')).toBe(1000);
      expect(parseQuantity('-1')).toBeUndefined();
      expect(parseQuantity('1 Gi')).toBeUndefined();
      expect(parseQuantity('1gb')).toBeUndefined();
    });

    it('refuses invalid quantities', () => {
      expect(
        refused(s => (s.resources = { requests: { cpu: 'lots' } })),
      ).toMatch(
        /^spec\.resources\.requests\.cpu: "lots" is not a Kubernetes quantity/,
      );
      expect(
        refused(s => (s.resources = { limits: { memory: '1GB' } })),
      ).toMatch(
        /^spec\.resources\.limits\.memory: "1GB" is not a Kubernetes quantity/,
      );
      expect(
        refused(s => (s.resources = { limits: { memory: '512m' } })),
      ).toMatch(/^spec\.resources\.limits\.memory: "512m" is in millibytes/);
      expect(refused(s => (s.resources = { limits: { cpu: '0' } }))).toMatch(
        /^spec\.resources\.limits\.cpu: "0" must be greater than zero/,
      );
      expect(refused(s => (s.resources = { limits: { gpu: '1' } }))).toBe(
        'spec.resources.limits.gpu: unknown field',
      );
    });

    it('refuses requests above limits', () => {
      expect(
        refused(
          s =>
            (s.resources = {
              requests: { cpu: '1500m', memory: '1Gi' },
              limits: { cpu: '1', memory: '2Gi' },
            }),
        ),
      ).toBe(
        'spec.resources.requests.cpu: request 1500m is more than the limit 1',
      );
      expect(
        refused(
          s =>
            (s.resources = {
              requests: { memory: '1G' },
              limits: { memory: '512Mi' },
            }),
        ),
      ).toMatch(/^spec\.resources\.requests\.memory: /);
    });
  });

  describe('probes', () => {
    it('needs a declared port name or a port number', () => {
      expect(refused(s => (s.probes = { readiness: { port: 'web' } }))).toMatch(
        /^spec\.probes\.readiness\.port: "web" is not one of the version's port names/,
      );
      expect(refused(s => (s.probes = { liveness: { port: 70000 } }))).toMatch(
        /^spec\.probes\.liveness\.port: must be an integer from 1 to 65535/,
      );
      expect(
        validateVersionSpec({
          ...base(),
          probes: { readiness: { port: 'metrics' }, liveness: { port: 1234 } },
        }).probes,
      ).toEqual({ readiness: { port: 'metrics' }, liveness: { port: 1234 } });
    });

    it('needs an absolute path', () => {
      expect(
        refused(
          s => (s.probes = { readiness: { port: 'http', path: 'ready' } }),
        ),
      ).toBe('spec.probes.readiness.path: "ready" must start with "/"');
    });
  });

  describe('config files', () => {
    it.each(['../etc/passwd', '/etc/passwd', 'a/b', '.', '..', 'a b', ''])(
      'refuses the name %j',
      name => {
        expect(
          refused(s => (s.configFiles = [{ name, content: 'x' }])),
        ).toMatch(/^spec\.configFiles\[0\]\.name: /);
      },
    );

    it('refuses duplicates and more than 512 KiB in all', () => {
      expect(
        refused(
          s =>
            (s.configFiles = [
              { name: 'a.conf', content: '' },
              { name: 'a.conf', content: '' },
            ]),
        ),
      ).toBe('spec.configFiles[1].name: duplicate file name "a.conf"');
      const content = 'x'.repeat(200 * 1024);
      expect(
        refused(
          s =>
            (s.configFiles = [
              { name: 'a', content },
              { name: 'b', content },
              { name: 'c', content },
            ]),
        ),
      ).toMatch(/^spec\.configFiles\[2\]\.content: .*at most 512 KiB/);
      // 400 KiB of config is fine: the 256 KiB spec limit leaves it out.
      expect(
        validateVersionSpec({
          ...base(),
          configFiles: [
            { name: 'a', content },
            { name: 'b', content },
          ],
        }).configFiles,
      ).toHaveLength(2);
    });

    it('checks configMountPath', () => {
      for (const p of ['etc/config', '/etc/../root', '/', '/etc/./x']) {
        expect(refused(s => (s.configMountPath = p))).toMatch(
          /^spec\.configMountPath: /,
        );
      }
    });
  });

  describe('volumes', () => {
    const volume = { name: 'data', mountPath: '/data', size: '1Gi' };

    it('checks names', () => {
      expect(refused(s => (s.volumes = [{ ...volume, name: 'Data' }]))).toMatch(
        /^spec\.volumes\[0\]\.name: "Data" is not a DNS-1123 label/,
      );
      expect(
        refused(s => (s.volumes = [volume, { ...volume, mountPath: '/b' }])),
      ).toBe('spec.volumes[1].name: duplicate volume name "data"');
      expect(refused(s => (s.volumes = [{ ...volume, name: 'logs' }]))).toMatch(
        /^spec\.volumes\[0\]\.name: "logs" is reserved/,
      );
    });

    it('checks mount paths and sizes', () => {
      expect(
        refused(s => (s.volumes = [{ ...volume, mountPath: 'data' }])),
      ).toMatch(
        /^spec\.volumes\[0\]\.mountPath: "data" must be an absolute path/,
      );
      expect(
        refused(s => {
          s.configFiles = [{ name: 'a', content: '' }];
          s.volumes = [{ ...volume, mountPath: '/etc/config/x' }];
        }),
      ).toBe(
        'spec.volumes[0].mountPath: "/etc/config/x" overlaps the config files ("/etc/config")',
      );
      expect(
        refused(s => {
          s.sidecars = { logging: { path: '/srv/logs' } };
          s.volumes = [{ ...volume, mountPath: '/srv' }];
        }),
      ).toBe(
        'spec.volumes[0].mountPath: "/srv" overlaps spec.sidecars.logging.path ("/srv/logs")',
      );
      expect(
        refused(
          s =>
            (s.volumes = [
              volume,
              { ...volume, name: 'other', mountPath: '/data' },
            ]),
        ),
      ).toMatch(
        /^spec\.volumes\[1\]\.mountPath: .*overlaps spec\.volumes\[0\]/,
      );
      expect(refused(s => (s.volumes = [{ ...volume, size: 'big' }]))).toMatch(
        /^spec\.volumes\[0\]\.size: "big" is not a Kubernetes quantity/,
      );
    });
  });

  describe('route', () => {
    it('checks host, path, TLS secret and port', () => {
      expect(refused(s => (s.route = { host: 'Web.example.com' }))).toMatch(
        /^spec\.route\.host: /,
      );
      expect(refused(s => (s.route = { host: 'a.*.example.com' }))).toMatch(
        /^spec\.route\.host: /,
      );
      expect(
        refused(s => (s.route = { host: 'example.com', path: 'x' })),
      ).toMatch(/^spec\.route\.path: /);
      expect(
        refused(s => (s.route = { host: 'example.com', tlsSecret: 'TLS' })),
      ).toMatch(/^spec\.route\.tlsSecret: /);
      expect(
        refused(s => (s.route = { host: 'example.com', port: 'grpc' })),
      ).toBe('spec.route.port: "grpc" is not one of the version\'s port names');
      expect(
        validateVersionSpec({
          ...base(),
          route: { host: '*.example.com', port: 'metrics' },
        }).route,
      ).toEqual({ host: '*.example.com', port: 'metrics' });
    });
  });

  describe('sidecars', () => {
    it('checks the proxy port', () => {
      expect(refused(s => (s.sidecars = { proxy: { port: 8080 } }))).toBe(
        'spec.sidecars.proxy.port: 8080 is already a container port',
      );
      expect(refused(s => (s.sidecars = { proxy: { port: 0 } }))).toMatch(
        /^spec\.sidecars\.proxy\.port: must be an integer from 1 to 65535/,
      );
      expect(
        refused(s => (s.sidecars = { proxy: { port: 15001, image: 'X' } })),
      ).toMatch(/^spec\.sidecars\.proxy\.image: /);
    });

    it('checks logging', () => {
      expect(
        refused(s => (s.sidecars = { logging: { sizeLimit: 'huge' } })),
      ).toMatch(/^spec\.sidecars\.logging\.sizeLimit: /);
      expect(
        refused(s => (s.sidecars = { logging: { maxFileSize: '-1Mi' } })),
      ).toMatch(/^spec\.sidecars\.logging\.maxFileSize: /);
      expect(refused(s => (s.sidecars = { logging: { maxFiles: 0 } }))).toMatch(
        /^spec\.sidecars\.logging\.maxFiles: must be an integer from 1 to 100/,
      );
      expect(
        refused(s => (s.sidecars = { logging: { maxFiles: 101 } })),
      ).toMatch(/^spec\.sidecars\.logging\.maxFiles: /);
      expect(
        refused(s => (s.sidecars = { logging: { path: 'var/log' } })),
      ).toMatch(/^spec\.sidecars\.logging\.path: /);
      expect(
        refused(
          s =>
            (s.sidecars = {
              logging: { sizeLimit: '10Mi', maxFileSize: '20Mi' },
            }),
        ),
      ).toMatch(/^spec\.sidecars\.logging\.maxFileSize: 20Mi is more than/);
    });
  });

  describe('references and template', () => {
    it('checks references', () => {
      expect(
        refused(
          s => (s.references = [{ application: 'Billing', service: 'x' }]),
        ),
      ).toMatch(/^spec\.references\[0\]\.application: /);
      expect(
        refused(s => (s.references = [{ application: 'b', service: 'x_y' }])),
      ).toMatch(/^spec\.references\[0\]\.service: /);
      expect(
        refused(
          s =>
            (s.references = [
              { application: 'a-b', service: 'c' },
              { application: 'a', service: 'b-c' },
            ]),
        ),
      ).toBe('spec.references[1]: duplicate reference (Service "a-b-c")');
      expect(
        refused(
          s =>
            (s.references = [
              { application: 'a'.repeat(40), service: 'b'.repeat(40) },
            ]),
        ),
      ).toMatch(/^spec\.references\[0\]: the Service name .* longer than 63/);
      expect(
        refused(s => (s.references = [{ application: '1a', service: 'b' }])),
      ).toBe(
        'spec.references[0].application: the Service name "1a-b" would not start with a letter',
      );
    });

    it('checks the template name', () => {
      expect(refused(s => (s.template = 'My Template'))).toMatch(
        /^spec\.template: "My Template" is not a DNS-1123 label/,
      );
    });
  });
});

// Valid specs by construction, to check that validation accepts them and that
// what they render is valid Kubernetes.
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
const imageArb = fc
  .tuple(
    fc.option(
      fc.constantFrom('registry.example.com', 'localhost:5000', 'ghcr.io'),
      {
        nil: undefined,
      },
    ),
    fc.array(fc.stringMatching(/^[a-z0-9]{1,5}([._-][a-z0-9]{1,5})?$/), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.option(fc.stringMatching(/^\w[\w.-]{0,10}$/), { nil: undefined }),
    fc.option(fc.stringMatching(/^[a-f0-9]{64}$/), { nil: undefined }),
  )
  .map(
    ([host, components, tag, digest]) =>
      `${host ? `${host}/` : ''}${components.join('/')}${tag ? `:${tag}` : ''}${
        digest ? `@sha256:${digest}` : ''
      }`,
  );
const quantityPair = (values: string[]) =>
  fc
    .tuple(fc.constantFrom(...values), fc.constantFrom(...values))
    .map(pair => pair.sort((a, b) => parseQuantity(a)! - parseQuantity(b)!));
const resourcesArb = fc
  .tuple(
    quantityPair(['10m', '100m', '0.5', '1', '2', '1500m']),
    quantityPair(['64Mi', '128Mi', '1Gi', '1G', '512M']),
    fc.boolean(),
  )
  .map(([[cpuRequest, cpuLimit], [memRequest, memLimit], withCpuLimit]) => ({
    requests: { cpu: cpuRequest, memory: memRequest },
    limits: withCpuLimit
      ? { cpu: cpuLimit, memory: memLimit }
      : { memory: memLimit },
  }));

function uniqueBy<T>(items: T[], key: (t: T) => string): boolean {
  return new Set(items.map(key)).size === items.length;
}

const podSpecArb = fc
  .record({
    serviceType: fc.constantFrom(
      'ClusterIP' as const,
      'NodePort' as const,
      'LoadBalancer' as const,
      undefined,
    ),
    ports: fc
      .uniqueArray(
        fc.record(
          {
            name: fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5})?$/),
            containerPort: fc.integer({ min: 1, max: 65535 }),
            servicePort: fc.integer({ min: 1, max: 65535 }),
            protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
            nodePort: fc.integer({ min: 30000, max: 32767 }),
          },
          { requiredKeys: ['name', 'containerPort'] },
        ),
        { minLength: 1, maxLength: 4, selector: p => p.name },
      )
      .filter(
        ports =>
          uniqueBy(ports, p => `${p.containerPort}/${p.protocol ?? 'TCP'}`) &&
          uniqueBy(
            ports,
            p => `${p.servicePort ?? p.containerPort}/${p.protocol ?? 'TCP'}`,
          ) &&
          uniqueBy(
            ports.filter(p => p.nodePort),
            p => String(p.nodePort),
          ),
      ),
  })
  .chain(({ serviceType, ports: generatedPorts }) => {
    const ports =
      serviceType === 'NodePort' || serviceType === 'LoadBalancer'
        ? generatedPorts
        : generatedPorts.map(({ nodePort: _, ...p }) => p);
    const portRef = fc.oneof(
      fc.constantFrom(...ports.map(p => p.name)),
      fc.integer({ min: 1, max: 65535 }),
    );
    const probeArb = fc.record(
      {
        port: portRef,
        path: fc.constantFrom('/', '/healthz', '/ready?full=1'),
        initialDelaySeconds: fc.integer({ min: 0, max: 3600 }),
        periodSeconds: fc.integer({ min: 1, max: 3600 }),
        failureThreshold: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: ['port'] },
    );
    const tcpPorts = ports.filter(p => p.protocol !== 'UDP').map(p => p.name);
    const firstIsTcp = ports[0].protocol !== 'UDP';
    const containerPorts = new Set(ports.map(p => p.containerPort));
    return fc.record(
      {
        image: imageArb,
        replicas: fc.integer({ min: 0, max: 1000 }),
        serviceType: fc.constant(serviceType),
        ports: fc.constant(ports),
        command: fc.array(fc.string(), { maxLength: 3 }),
        args: fc.array(fc.string(), { maxLength: 3 }),
        env: fc.uniqueArray(
          fc.oneof(
            fc.record({
              name: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/),
              value: fc.string({ maxLength: 50 }),
            }),
            fc.record({
              name: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/),
              secretKeyRef: fc.record({
                name: label,
                key: fc.stringMatching(/^[-._a-zA-Z0-9]{1,10}$/),
              }),
            }),
          ),
          { maxLength: 5, selector: e => e.name },
        ),
        resources: resourcesArb,
        probes: fc.record(
          { readiness: probeArb, liveness: probeArb },
          { requiredKeys: [] },
        ),
        configFiles: fc.uniqueArray(
          fc.record({
            name: fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,10}$/),
            content: fc.string({ maxLength: 200 }),
          }),
          { maxLength: 4, selector: f => f.name },
        ),
        configMountPath: fc.constantFrom('/etc/app', '/config/x'),
        volumes: fc.uniqueArray(
          fc.record(
            {
              name: label.filter(n => n !== 'config' && n !== 'logs'),
              size: fc.constantFrom('1Gi', '500Mi', '10G'),
              storageClass: fc.constantFrom('standard', 'fast.ssd'),
            },
            { requiredKeys: ['name', 'size'] },
          ),
          { maxLength: 3, selector: v => v.name },
        ),
        ...(tcpPorts.length
          ? {
              route: fc
                .record(
                  {
                    host: fc
                      .tuple(
                        fc.boolean(),
                        fc.array(label, { minLength: 1, maxLength: 3 }),
                      )
                      .map(
                        ([wildcard, labels]) =>
                          `${wildcard ? '*.' : ''}${labels.join('.')}`,
                      ),
                    path: fc.constantFrom('/', '/api', '/a/b'),
                    tlsSecret: label,
                    port: fc.constantFrom(...tcpPorts),
                  },
                  { requiredKeys: ['host', 'port'] },
                )
                .map(route =>
                  // Without a port the route takes the first one.
                  firstIsTcp && route.port === tcpPorts[0]
                    ? (({ port: _, ...r }) => r)(route)
                    : route,
                ),
            }
          : {}),
        sidecars: fc.record(
          {
            ...(firstIsTcp
              ? {
                  proxy: fc.record(
                    {
                      image: imageArb,
                      port: fc
                        .integer({ min: 1, max: 65535 })
                        .filter(p => !containerPorts.has(p)),
                    },
                    { requiredKeys: ['port'] },
                  ),
                }
              : {}),
            logging: fc.record(
              {
                image: imageArb,
                path: fc.constantFrom('/var/log/app', '/logs'),
                sizeLimit: fc.constantFrom('1Gi', '512Mi'),
                maxFileSize: fc.constantFrom('10Mi', '50Mi'),
                maxFiles: fc.integer({ min: 1, max: 100 }),
              },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
        references: fc.uniqueArray(
          fc.record({ application: label, service: label }),
          {
            maxLength: 3,
            selector: r => `${r.application}-${r.service}`,
          },
        ),
        template: fc.constant('default'),
      },
      {
        requiredKeys: [
          'image',
          'replicas',
          'ports',
          // nodePorts were kept only for these types.
          ...(serviceType ? (['serviceType'] as const) : []),
        ],
      },
    );
  })
  .map(spec => {
    // Volumes go under /data so they cannot overlap the config or log paths.
    const result: any = JSON.parse(JSON.stringify(spec));
    result.volumes = result.volumes?.map((v: any) => ({
      ...v,
      mountPath: `/data/${v.name}`,
    }));
    if (!result.volumes) delete result.volumes;
    return result as VersionSpec;
  });

const externalNameSpecArb = fc.record({
  image: imageArb,
  replicas: fc.integer({ min: 0, max: 1000 }),
  serviceType: fc.constant('ExternalName' as const),
  externalName: fc
    .array(label, { minLength: 1, maxLength: 3 })
    .map(l => l.join('.')),
  ports: fc.constant([]),
});

describe('valid specs (property)', () => {
  const template = ServiceTemplates.fromConfig(
    new ConfigReader({
      appPlatform: { serviceTemplates: { directory: TEMPLATES_DIR } },
    }),
  ).get('default');

  it('pass validation unchanged and render to valid Kubernetes objects', () => {
    fc.assert(
      fc.property(
        fc.oneof(podSpecArb, externalNameSpecArb),
        label.filter(s => s.length > 0),
        fc.integer({ min: 1, max: 10000 }),
        (spec, service, version) => {
          const validated = validateVersionSpec(spec);
          expect(validated).toEqual(spec);
          // A reference named like the service itself is refused by rendering.
          const references = (validated.references ?? []).filter(
            r => `${r.application}-${r.service}` !== service,
          );
          renderVersion({
            application: 'shop',
            service,
            version,
            spec: { ...validated, references },
            template,
          });
        },
      ),
      { numRuns: 150 },
    );
  }, 20_000);
});
