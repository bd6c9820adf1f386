import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deepMerge, ServiceTemplates } from './ServiceTemplates';

const TEMPLATES_DIR = path.resolve(__dirname, '../../../../templates/services');
const DEFAULT_YAML = fs.readFileSync(
  path.join(TEMPLATES_DIR, 'default.yaml'),
  'utf8',
);

function fromDirectory(directory: string) {
  return ServiceTemplates.fromConfig(
    new ConfigReader({ appPlatform: { serviceTemplates: { directory } } }),
  );
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('ServiceTemplates', () => {
  it('reads the repository templates, default included', () => {
    const templates = fromDirectory(TEMPLATES_DIR);
    expect(templates.names()).toContain('default');
    const template = templates.get('default');
    expect(template).toMatchObject({
      name: 'default',
      labels: {},
      deployment: {
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        strategy: { maxSurge: '25%', maxUnavailable: 0 },
      },
      defaultResources: {
        requests: { cpu: '50m', memory: '64Mi' },
        limits: { memory: '512Mi' },
      },
      sidecars: {
        proxy: { image: 'envoyproxy/envoy:v1.31.0' },
        logging: {
          image: 'fluent/fluent-bit:3.1',
          path: '/var/log/app',
          sizeLimit: '512Mi',
          maxFileSize: '50Mi',
          maxFiles: 5,
        },
      },
    });
  });

  it('uses the repository folder by default', () => {
    expect(
      ServiceTemplates.fromConfig(new ConfigReader({})).has('default'),
    ).toBe(true);
  });

  it('requires a default template', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'svc-tpl-'));
    fs.writeFileSync(path.join(directory, 'web.yaml'), 'labels: {}\n');
    expect(() => fromDirectory(directory)).toThrow(
      /No "default" service template/,
    );
  });

  it('merges other files over default and names the file in errors', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'svc-tpl-'));
    fs.writeFileSync(path.join(directory, 'default.yaml'), DEFAULT_YAML);
    fs.writeFileSync(
      path.join(directory, 'batch.yml'),
      'labels: { tier: batch }\ndeployment: { revisionHistoryLimit: 2 }\n',
    );
    const templates = fromDirectory(directory);
    expect(templates.names()).toEqual(['batch', 'default']);
    const batch = templates.get('batch');
    expect(batch.labels).toEqual({ tier: 'batch' });
    expect(batch.deployment.revisionHistoryLimit).toBe(2);
    expect(batch.deployment.progressDeadlineSeconds).toBe(600);

    fs.writeFileSync(
      path.join(directory, 'broken.yaml'),
      'deployment: { strategy: { maxSurge: lots } }\n',
    );
    expect(errorOf(() => fromDirectory(directory))).toBe(
      `${path.join(
        directory,
        'broken.yaml',
      )}: deployment.strategy.maxSurge: must be an integer or a percentage like 25%`,
    );
  });

  it('parses application templates over default', () => {
    const templates = ServiceTemplates.fromYaml({ default: DEFAULT_YAML });
    const parsed = templates.parse(
      'team-a',
      [
        'podAnnotations: { prometheus.io/scrape: "true" }',
        'defaultResources: { limits: { memory: 1Gi } }',
        'sidecars: { logging: { maxFiles: 10 } }',
        'ingress: { className: nginx }',
      ].join('\n'),
    );
    expect(parsed.name).toBe('team-a');
    expect(parsed.podAnnotations).toEqual({ 'prometheus.io/scrape': 'true' });
    expect(parsed.defaultResources).toEqual({
      ...templates.get('default').defaultResources,
      limits: {
        ...templates.get('default').defaultResources.limits,
        memory: '1Gi',
      },
    });
    expect(parsed.sidecars.logging).toMatchObject({
      maxFiles: 10,
      maxFileSize: '50Mi',
    });
    expect(parsed.ingress.className).toBe('nginx');
    // parse does not register it
    expect(templates.has('team-a')).toBe(false);
  });

  it('resolves application templates first', () => {
    const templates = ServiceTemplates.fromYaml({
      default: DEFAULT_YAML,
      web: 'labels: { kind: web }',
    });
    const own = templates.parse('web', 'labels: { kind: own-web }');
    const extra = templates.parse('jobs', 'labels: { kind: jobs }');
    const resolved = templates.withApplicationTemplates(
      new Map([
        ['web', own],
        ['jobs', extra],
      ]),
    );
    expect(resolved.get('web').labels).toEqual({ kind: 'own-web' });
    expect(resolved.get('jobs').labels).toEqual({ kind: 'jobs' });
    expect(resolved.get('default').name).toBe('default');
    expect(templates.get('web').labels).toEqual({ kind: 'web' });
    expect(errorOf(() => templates.get('jobs'))).toBe(
      'service template "jobs" does not exist; known: default, web',
    );
  });

  it.each([
    ['deployment: [1]', 'deployment: must be a mapping'],
    ['replicas: 3', 'replicas: unknown key'],
    [
      'deployment: { revisionHistoryLimit: -1 }',
      'deployment.revisionHistoryLimit: must be an integer from 0 to 100',
    ],
    [
      'deployment: { strategy: { maxSurge: 0, maxUnavailable: 0 } }',
      'deployment.strategy: maxSurge and maxUnavailable cannot both be 0',
    ],
    [
      'labels: { app-platform.io/service: x }',
      'labels.app-platform.io/service: "app-platform.io/service" is set by the platform',
    ],
    [
      'labels: { team: "a b" }',
      'labels.team: "a b" is not a valid label value',
    ],
    [
      'annotations: { "bad key!": x }',
      'annotations.bad key!: "bad key!" is not a valid annotation key',
    ],
    [
      'podAnnotations: { a: 1 }',
      'podAnnotations.a: must be a string (quote numbers and booleans)',
    ],
    [
      'defaultResources: { requests: { cpu: lots } }',
      'defaultResources.requests.cpu: "lots" is not a Kubernetes quantity (e.g. 100m, 0.5, 2)',
    ],
    [
      'defaultResources: { requests: { memory: 2Gi } }',
      'defaultResources.requests.memory: request 2Gi is more than the limit 512Mi',
    ],
    [
      'securityContext: { runAsNonRoot: "yes" }',
      'securityContext.runAsNonRoot: must be true or false',
    ],
    [
      'securityContext: { privileged: true }',
      'securityContext.privileged: unknown key',
    ],
    [
      'sidecars: { proxy: { image: "Envoy" } }',
      'sidecars.proxy.image: "Envoy" is not a valid image reference',
    ],
    [
      'sidecars: { logging: { sizeLimit: big } }',
      'sidecars.logging.sizeLimit: "big" is not a positive Kubernetes quantity',
    ],
    [
      'sidecars: { logging: { maxFiles: 0 } }',
      'sidecars.logging.maxFiles: must be an integer from 1 to 100',
    ],
    [
      'sidecars: { logging: { path: relative } }',
      'sidecars.logging.path: must be an absolute path without ".."',
    ],
    ['sidecars: { logging: null }', 'sidecars.logging: must be a mapping'],
    ['- a list', 'must be a mapping of template keys'],
    ['a: [', 'not valid YAML'],
  ])('refuses %j', (yaml, message) => {
    const templates = ServiceTemplates.fromYaml({ default: DEFAULT_YAML });
    const error = errorOf(() => templates.parse('bad', yaml));
    expect(error.startsWith('service template "bad": ')).toBe(true);
    expect(error).toContain(message);
  });

  it('refuses template names that are not DNS labels', () => {
    const templates = ServiceTemplates.fromYaml({ default: DEFAULT_YAML });
    expect(errorOf(() => templates.parse('Bad_Name', ''))).toMatch(
      /not a DNS-1123 label/,
    );
  });

  it('deep-merges objects, replaces lists and removes null keys', () => {
    expect(
      deepMerge(
        { a: { b: 1, c: [1, 2] }, d: 1, e: 2 },
        { a: { c: [3] }, d: null, f: { g: 1 } },
      ),
    ).toEqual({ a: { b: 1, c: [3] }, e: 2, f: { g: 1 } });
  });
});
