import { InputError } from '@backstage/errors';
import { APP_PLATFORM_LABELS } from '@internal/plugin-app-platform-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDefinition } from './__testUtils__/writeDefinition';
import { readMiddlewareDefinition } from './readMiddlewareDefinition';
import { renderMiddleware } from './renderMiddleware';
import { resolveMiddlewareParameters } from './resolveMiddlewareParameters';

let location: string;

beforeAll(() => {
  location = fs.mkdtempSync(path.join(os.tmpdir(), 'middleware-evil-'));
});

afterAll(() => {
  fs.rmSync(location, { recursive: true, force: true });
});

/** Reads a definition with one extra template and renders it. */
async function renderWith(template: string, name = 'evil') {
  const definition = await readMiddlewareDefinition(
    writeDefinition(location, name, { 'templates/evil.yaml': template }),
  );
  return renderMiddleware({
    definition,
    instance: 'box',
    namespace: 'shop',
    installationId: 'test-install',
    parameters: resolveMiddlewareParameters(definition, {}).parameters,
    seed: 'seed',
  });
}

/** The error of rendering it; fails when it renders. */
async function refusal(template: string): Promise<string> {
  const started = Date.now();
  try {
    await renderWith(template);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    // Limits stop it long before a request would time out.
    expect(Date.now() - started).toBeLessThan(5000);
    return (error as Error).message;
  }
  throw new Error('rendered');
}

const configMap = (extra = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: box-settings
${extra}`;

it('renders the harmless base definition, where the process is out of sight', async () => {
  const rendered = await renderWith(
    configMap(
      'data: { home: "${{ process.env.HOME }}${{ global }}${{ this }}" }\n',
    ),
  );
  expect(rendered.objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
    'ConfigMap/box-settings',
    'Service/box',
  ]);
  expect(rendered.objects[0].data).toEqual({ home: '' });
});

describe('reaching out of the template', () => {
  it.each([
    [
      '{% include "/etc/passwd" %}',
      'Unsupported template-loading tag "include"',
    ],
    ['{% import "fs" as fs %}', 'Unsupported template-loading tag "import"'],
    [
      '{% extends "/etc/passwd" %}',
      'Unsupported template-loading tag "extends"',
    ],
    [
      '${{ "".constructor.constructor("return process")() }}',
      'Template name "constructor" is reserved',
    ],
    ['${{ parameters.__proto__ }}', 'Template name "__proto__" is reserved'],
    ['${{ labels.constructor }}', 'Template name "constructor" is reserved'],
    ['${{ require("fs") }}', 'Template value "require" resolved to undefined'],
  ])('refuses %s', async (source, message) => {
    const error = await refusal(`# line 1\n${source}\n`);
    expect(error).toContain(
      'middleware definition "evil": templates/evil.yaml: line 2',
    );
    expect(error).toContain(message);
  });

  it('refuses a symbolic link out of the definition folder', async () => {
    const directory = writeDefinition(location, 'linked');
    fs.symlinkSync(
      '/etc/passwd',
      path.join(directory, 'templates/passwd.yaml'),
    );
    await expect(readMiddlewareDefinition(directory)).rejects.toThrow(
      'middleware definition "linked": templates/passwd.yaml is not a regular file (symbolic links are not followed)',
    );
  });
});

describe('exhausting the backend', () => {
  it('stops an endless loop', async () => {
    expect(
      await refusal('{% for i in range(0, 1000000000) %}{% endfor %}'),
    ).toMatch(
      /templates\/evil\.yaml: line 1: exceeds the workUnits limit of 250000/,
    );
    expect(
      await refusal(
        '{% for a in range(0, 100000) %}{% for b in range(0, 100000) %}{% endfor %}{% endfor %}',
      ),
    ).toMatch(/exceeds the workUnits limit/);
  });

  it('stops endless recursion', async () => {
    expect(
      await refusal('{% macro m() %}${{ m() }}{% endmacro %}${{ m() }}'),
    ).toMatch(/line 1: exceeds the nestingDepth limit of 64/);
  });

  it('stops unbounded allocation', async () => {
    // Doubling a string, a list, and plain output.
    expect(
      await refusal(
        '{% set s = "x" %}{% for i in range(0, 64) %}{% set s = s ~ s %}{% endfor %}${{ s | length }}',
      ),
    ).toMatch(/templates\/evil\.yaml: line 1: /);
    expect(
      await refusal(
        '{% set a = ["x"] %}{% for i in range(0, 64) %}{% set a = a.concat(a) %}{% endfor %}${{ a | length }}',
      ),
    ).toMatch(/exceeds the (scratchBytes|workUnits) limit/);
    expect(
      await refusal(
        '{% for i in range(0, 90000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}',
      ),
    ).toMatch(/exceeds the outputCodeUnits limit/);
    expect(await refusal('${{ range(0, 400000) | length }}')).toMatch(
      /line 1: exceeds the workUnits limit/,
    );
  });

  it('stops YAML alias bombs', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(
            98 + i,
          )} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    expect(await refusal(`${configMap()}${bomb}\n`)).toMatch(
      /templates\/evil\.yaml renders invalid YAML: .*alias/i,
    );
  });
});

describe('escaping the namespace', () => {
  it('refuses an object in another namespace', async () => {
    expect(
      await refusal(`apiVersion: v1
kind: Secret
metadata:
  name: box-stolen
  namespace: kube-system
`),
    ).toBe(
      'middleware definition "evil": templates/evil.yaml: Secret/box-stolen: namespace "kube-system" is not the instance\'s namespace "shop"',
    );
  });

  it.each(['ClusterRole', 'ClusterRoleBinding', 'Namespace'])(
    'refuses a %s',
    async kind => {
      expect(
        await refusal(`apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: box-admin
rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]
`),
      ).toBe(
        `middleware definition "evil": templates/evil.yaml: ${kind}/box-admin: ${kind} is cluster-scoped; a middleware creates only objects in its instance's namespace (Secret, ConfigMap, PersistentVolumeClaim, Service, StatefulSet, Deployment)`,
      );
    },
  );

  it('refuses kinds outside the allowlist', async () => {
    expect(
      await refusal(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: box-role }
`),
    ).toMatch(/Role\/box-role: kind Role is not allowed; allowed: Secret, /);
    expect(
      await refusal(`apiVersion: apps/v1beta1
kind: Deployment
metadata: { name: box-old }
`),
    ).toMatch(/Deployment\/box-old: apiVersion must be apps\/v1/);
  });

  it('refuses to take over another object of the application', async () => {
    expect(
      await refusal(`apiVersion: v1
kind: Service
metadata: { name: web }
spec: { ports: [{ port: 80 }] }
`),
    ).toMatch(/Service\/web: the name must be "box" or start with "box-"/);
  });

  it.each([
    ['hostNetwork: true', /spec\.template\.spec\.hostNetwork is not allowed/],
    ['serviceAccountName: admin', /serviceAccountName: "admin" is not allowed/],
    [
      'volumes: [{ name: root, hostPath: { path: / } }]',
      /volume "root": hostPath volumes are not allowed/,
    ],
    [
      'automountServiceAccountToken: true',
      /automountServiceAccountToken: middleware gets no Kubernetes API token/,
    ],
  ])('refuses a pod with %s', async (field, message) => {
    expect(
      await refusal(`apiVersion: apps/v1
kind: Deployment
metadata: { name: box-pod }
spec:
  selector: { matchLabels: { a: b } }
  template:
    metadata: { labels: { a: b } }
    spec:
      ${field}
      containers: [{ name: c, image: busybox }]
`),
    ).toMatch(message);
  });

  it('refuses a privileged container', async () => {
    expect(
      await refusal(`apiVersion: apps/v1
kind: StatefulSet
metadata: { name: box-pod }
spec:
  selector: { matchLabels: { a: b } }
  template:
    metadata: { labels: { a: b } }
    spec:
      containers:
        - name: c
          image: busybox
          securityContext: { privileged: true }
`),
    ).toMatch(/StatefulSet\/box-pod: container "c": privileged is not allowed/);
  });
});

describe('errors name the file and line', () => {
  it('reports template syntax errors', async () => {
    expect(await refusal('a: 1\nb: 2\nc: ${{ oops( }}\n')).toMatch(
      /^middleware definition "evil": templates\/evil\.yaml: line 3: /,
    );
  });

  it('reports the message of required() and fail()', async () => {
    expect(
      await refusal(
        'x: ${{ parameters.missing | required("give me missing") }}',
      ),
    ).toBe(
      'middleware definition "evil": templates/evil.yaml: line 1: give me missing',
    );
  });

  it('reports invalid YAML and the Kubernetes schema', async () => {
    expect(await refusal('a: [1, 2\n')).toMatch(
      /templates\/evil\.yaml renders invalid YAML/,
    );
    expect(
      await refusal(`apiVersion: v1
kind: Service
metadata: { name: box-bad }
spec: { ports: [{ port: "eighty" }] }
`),
    ).toMatch(
      /^Service\/box-bad does not match the Kubernetes schema \(check middleware definition "evil", templates\/evil\.yaml\)/,
    );
  });
});

it('keeps the platform labels whatever the template says, and stores stringData as data', async () => {
  const rendered = await renderWith(`apiVersion: v1
kind: Secret
metadata:
  name: box-credentials
  labels:
    ${APP_PLATFORM_LABELS.installation}: someone-else
    ${APP_PLATFORM_LABELS.managedBy}: me
    team: blue
stringData:
  password: "p\\u00e4ss \\"w\\""
`);
  const secret = rendered.objects.find(o => o.kind === 'Secret')!;
  expect(secret.metadata.labels).toMatchObject({
    [APP_PLATFORM_LABELS.installation]: 'test-install',
    [APP_PLATFORM_LABELS.managedBy]: 'app-platform',
    team: 'blue',
  });
  expect(secret.stringData).toBeUndefined();
  expect(
    Buffer.from((secret.data as any).password, 'base64').toString('utf8'),
  ).toBe('päss "w"');
});
