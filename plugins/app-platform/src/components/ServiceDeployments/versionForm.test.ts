import { VersionSpec } from '@internal/plugin-app-platform-common';
import { formFromSpec, specFromForm } from './versionForm';

const current: VersionSpec = {
  image: 'shop/web:1',
  replicas: 2,
  ports: [
    { name: 'http', containerPort: 8080, servicePort: 80 },
    { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
  ],
  env: [
    { name: 'MODE', value: 'live=yes' },
    { name: 'DB_PASSWORD', secretKeyRef: { name: 'db', key: 'password' } },
  ],
  resources: {
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { memory: '512Mi' },
  },
  probes: { readiness: { port: 'http', path: '/ready' } },
  configFiles: [{ name: 'app.yaml', content: 'a: 1' }],
  route: { host: 'shop.example.com', path: '/', tlsSecret: 'shop-tls' },
  sidecars: {
    proxy: { port: 8443 },
    logging: { sizeLimit: '256Mi', maxFiles: 3 },
  },
  template: 'web',
};

describe('versionForm', () => {
  it('gives back the same spec when nothing is changed, keeping what the form does not show', () => {
    expect(specFromForm(formFromSpec(current), current)).toEqual({
      spec: current,
      errors: {},
    });
  });

  it('writes lists as lines, secrets as secret:<name>/<key>', () => {
    const form = formFromSpec(current);
    expect(form.ports).toBe('http:8080:80\nmetrics:9090');
    expect(form.env).toBe('MODE=live=yes\nDB_PASSWORD=secret:db/password');
  });

  it('applies changes and drops what was emptied', () => {
    const form = {
      ...formFromSpec(current),
      image: 'shop/web:2',
      replicas: '3',
      env: 'MODE=test',
      cpuRequest: '',
      memoryRequest: '',
      memoryLimit: '',
      routeHost: '',
      routePath: '',
      routeTlsSecret: '',
      proxyPort: '',
      logging: false,
    };
    const { spec, errors } = specFromForm(form, current);
    expect(errors).toEqual({});
    expect(spec).toEqual({
      image: 'shop/web:2',
      replicas: 3,
      ports: current.ports,
      env: [{ name: 'MODE', value: 'test' }],
      probes: current.probes,
      configFiles: current.configFiles,
      template: 'web',
    });
  });

  it('starts a service without a version from one port and one replica', () => {
    const form = formFromSpec(undefined);
    expect(form).toMatchObject({
      image: '',
      replicas: '1',
      ports: 'http:8080',
    });
    expect(specFromForm({ ...form, image: 'shop/api:1' }).spec).toEqual({
      image: 'shop/api:1',
      replicas: 1,
      ports: [{ name: 'http', containerPort: 8080 }],
    });
  });

  it('names each bad field and says what is allowed', () => {
    const { spec, errors } = specFromForm({
      ...formFromSpec(current),
      image: '',
      replicas: '-1',
      ports: 'http 8080',
      env: '=oops',
      cpuLimit: 'lots',
      routeHost: 'Not A Host',
      routePath: 'no-slash',
      proxyPort: '70000',
      logSizeLimit: 'big',
    });
    expect(spec).toBeUndefined();
    expect(errors).toEqual({
      image: expect.stringContaining('An image is required'),
      replicas: 'A whole number from 0 to 1000',
      ports: expect.stringContaining('write name:containerPort'),
      env: expect.stringContaining('write NAME=value'),
      cpuLimit: expect.stringContaining('"lots" is not a quantity'),
      routeHost: expect.stringContaining('is not a DNS host name'),
      routePath: 'A path starts with /',
      proxyPort: expect.stringContaining('1 to 65535'),
      logSizeLimit: expect.stringContaining('"big" is not a size'),
    });
    expect(
      specFromForm({ ...formFromSpec(current), ports: 'http:0' }).errors.ports,
    ).toBe('Port "http": ports are 1 to 65535');
    expect(
      specFromForm({
        ...formFromSpec(current),
        routeHost: '',
        routeTlsSecret: 'x',
      }).errors.routeHost,
    ).toBe('A route needs a host');
  });
});
