import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import {
  generateMiddlewareSoftwareTemplates,
  MIDDLEWARE_DEFINITIONS_DIR,
  MIDDLEWARE_TEMPLATES_DIR,
} from './generateMiddlewareSoftwareTemplates';
import {
  MiddlewareDefinitionSource,
  middlewareSoftwareTemplate,
} from './middlewareSoftwareTemplate';

const repoRoot = path.resolve(__dirname, '../../../..');

type Schema = Record<string, any>;

/** The paths of a parameter schema's passwords (`format: password`), in objects and arrays (`[]`). */
function passwordPaths(schema: unknown, at: string[] = []): string[][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const { format, properties, items } = schema as Schema;
  if (format === 'password') return [at];
  return [
    ...Object.entries(properties ?? {}).flatMap(([key, value]) =>
      passwordPaths(value, [...at, key]),
    ),
    ...passwordPaths(items, [...at, '[]']),
  ];
}

/**
 * How a Software Template would let a password of `parametersSchema` into
 * the task's parameters: the step input takes it from anything but a
 * top-level Secret field's `secrets.<field>`, a form field that is a
 * password but no top-level Secret field, or an expression that reads a
 * Secret field (its mask) through `parameters.`.
 */
function passwordLeaks(template: Schema, parametersSchema: unknown) {
  const leaks: string[] = [];
  const settings = template.spec.parameters[1].properties as Schema;
  const secretFields = Object.keys(settings).filter(
    key => settings[key]['ui:field'] === 'Secret',
  );
  for (const at of passwordPaths(parametersSchema)) {
    let input = template.spec.steps[0].input.parameters;
    for (const key of at) input = input?.[key];
    const field = String(input).match(/^\$\{\{ secrets\.(\w+) \}\}$/)?.[1];
    if (!field || !secretFields.includes(field)) {
      leaks.push(`${at.join('.')} is passed as ${JSON.stringify(input)}`);
    }
  }
  const inspect = (field: Schema, at: string, topLevel: boolean) => {
    if (
      field.format === 'password' ||
      field['ui:widget'] === 'password' ||
      (field['ui:field'] === 'Secret' && !topLevel)
    ) {
      leaks.push(
        `the form's ${at} is a password but no top-level Secret field`,
      );
    }
    for (const [key, value] of Object.entries(field.properties ?? {})) {
      inspect(value as Schema, `${at}.${key}`, false);
    }
    if (field.items) inspect(field.items, `${at}[]`, false);
  };
  for (const step of template.spec.parameters as Schema[]) {
    for (const [key, value] of Object.entries(step.properties)) {
      inspect(value as Schema, key, step === template.spec.parameters[1]);
    }
  }
  const text = JSON.stringify(template);
  for (const field of secretFields) {
    if (
      new RegExp(
        `parameters(\\.${field}\\b|\\[\\\\?["']${field}\\\\?["']\\])`,
      ).test(text)
    ) {
      leaks.push(`${field} is read through parameters`);
    }
  }
  return leaks;
}

const cache: MiddlewareDefinitionSource = {
  definition: {
    name: 'orders-cache',
    title: 'Cache',
    description: 'A cache\nfor tests.\n',
    category: 'cache',
    versions: ['2.0', '1.0'],
    defaultVersion: '1.0',
    sizes: {
      small: {
        resources: {
          requests: { cpu: '100m', memory: '64Mi' },
          limits: { memory: '128Mi' },
        },
      },
      medium: { resources: { requests: { cpu: 1 } } },
      large: {},
    },
  },
  parameters: {
    type: 'object',
    required: ['mode'],
    properties: {
      mode: { type: 'string', enum: ['a', 'b'] },
      password: { type: 'string', format: 'password', minLength: 8 },
      replication: {
        title: 'Replication',
        type: 'object',
        additionalProperties: false,
        properties: {
          user: { type: 'string' },
          secret: { title: 'Secret', type: 'string', format: 'password' },
        },
      },
    },
  },
};

describe('the middleware Software Templates', () => {
  it('are committed as the definitions under templates/middleware make them', async () => {
    const generated = await generateMiddlewareSoftwareTemplates(repoRoot);
    const committed = (
      await fs.readdir(path.join(repoRoot, MIDDLEWARE_TEMPLATES_DIR))
    )
      .filter(name => name.endsWith('.yaml'))
      .map(name => `${MIDDLEWARE_TEMPLATES_DIR}/${name}`);
    const hint =
      'run ./platform env node scripts/generate-middleware-templates.mjs';

    expect({ files: committed.sort(), hint }).toEqual({
      files: [...generated.keys()].sort(),
      hint,
    });
    for (const [file, content] of generated) {
      expect({
        file,
        content: await fs.readFile(path.join(repoRoot, file), 'utf8'),
        hint,
      }).toEqual({ file, content, hint });
    }
    expect(generated.size).toBeGreaterThanOrEqual(8);
  });

  it('pass no password through the parameters, only through the secrets of the task', async () => {
    const generated = await generateMiddlewareSoftwareTemplates(repoRoot);
    for (const file of generated.keys()) {
      const definition = path.basename(file, '.yaml');
      const parameters = await fs
        .readFile(
          path.join(
            repoRoot,
            MIDDLEWARE_DEFINITIONS_DIR,
            definition,
            'parameters.yaml',
          ),
          'utf8',
        )
        .then(parse, () => undefined);
      const template = parse(
        await fs.readFile(path.join(repoRoot, file), 'utf8'),
      );
      expect({ file, leaks: passwordLeaks(template, parameters) }).toEqual({
        file,
        leaks: [],
      });
    }
    expect(
      passwordLeaks(middlewareSoftwareTemplate(cache), cache.parameters),
    ).toEqual([]);

    // A template as they were: the password a masked field of the form.
    const leaky = structuredClone(middlewareSoftwareTemplate(cache)) as Schema;
    leaky.spec.parameters[1].properties.password = {
      type: 'string',
      'ui:widget': 'password',
    };
    leaky.spec.steps[0].input.parameters.password =
      '${{ parameters.password }}';
    leaky.spec.steps[0].input.parameters.replication =
      '${{ parameters.replication }}';
    leaky.spec.output.text.push({
      content: '${{ parameters["replicationSecret"] }}',
    });
    expect(passwordLeaks(leaky, cache.parameters)).toEqual([
      'password is passed as "${{ parameters.password }}"',
      'replication.secret is passed as undefined',
      "the form's password is a password but no top-level Secret field",
      'replicationSecret is read through parameters',
    ]);
  });

  it('asks where, then the parameters in the form of their schema, and installs with them', () => {
    const template = middlewareSoftwareTemplate(cache);

    expect(template.metadata).toEqual({
      name: 'app-platform-install-orders-cache',
      title: 'Install Cache',
      description: 'A cache for tests.',
      tags: ['app-platform', 'middleware', 'cache'],
    });
    expect(template.spec.owner).toBe('group:default/guests');
    // A form step's fields are JSON Schema: read them as such.
    const [where, settings] = template.spec.parameters as Array<{
      required?: string[];
      properties: Record<string, any>;
    }>;
    expect(where.required).toEqual(['application', 'name']);
    expect(where.properties.application['ui:field']).toBe('ApplicationPicker');
    expect(where.properties.clusters['ui:field']).toBe('ClusterPicker');
    expect(where.properties.name.description).toContain('ORDERS_CACHE_HOST');
    const namePattern = new RegExp(where.properties.name.pattern);
    expect(['cache', 'orders-cache-2'].map(n => namePattern.test(n))).toEqual([
      true,
      true,
    ]);
    expect(['2cache', 'cache-', 'Cache'].some(n => namePattern.test(n))).toBe(
      false,
    );
    expect(where.properties.name.maxLength).toBe(40);

    expect(settings.required).toEqual(['mode']);
    expect(Object.keys(settings.properties)).toEqual([
      'version',
      'size',
      'mode',
      'password',
      'replication',
      'replicationSecret',
    ]);
    expect(settings.properties.version).toMatchObject({
      enum: ['2.0', '1.0'],
      default: '1.0',
    });
    expect(settings.properties.size).toMatchObject({
      enum: ['small', 'medium', 'large'],
      default: 'small',
    });
    expect(settings.properties.size['ui:help']).toBe(
      'small: 100m CPU, 64Mi memory (at most 128Mi memory); medium: 1 CPU; large: no reservation.',
    );
    // Passwords, wherever they are: top-level Secret fields (see
    // middlewareParametersForm.test.ts), no format the form would not know.
    for (const password of [
      settings.properties.password,
      settings.properties.replicationSecret,
    ]) {
      expect(password).toMatchObject({
        type: 'string',
        'ui:field': 'Secret',
        'ui:help': expect.stringMatching(/empty to have one generated/),
        'ui:backstage': { review: { mask: '********' } },
      });
      expect(password.format).toBeUndefined();
    }
    expect(settings.properties.password.pattern).toBe('^(.{8,})?$');
    expect(settings.properties.replicationSecret.title).toBe(
      'Secret (Replication)',
    );
    expect(settings.properties.replication.properties).toEqual({
      user: { type: 'string' },
    });
    // The definition's own schema is left as it was.
    expect(cache.parameters?.properties).toMatchObject({
      password: { format: 'password' },
    });

    const [step] = template.spec.steps;
    expect(step).toMatchObject({
      action: 'app-platform:middleware:install',
      input: {
        definition: 'orders-cache',
        application: '${{ parameters.application }}',
        name: '${{ parameters.name }}',
        parameters: {
          version: '${{ parameters.version }}',
          size: '${{ parameters.size }}',
          mode: '${{ parameters.mode }}',
          password: '${{ secrets.password }}',
          replication: {
            user: '${{ parameters.replication.user }}',
            secret: '${{ secrets.replicationSecret }}',
          },
        },
      },
    });
    expect(template.spec.output.links.map(l => l.title)).toEqual([
      'Application',
      'In the catalog',
    ]);
  });

  it("refuses a parameter named like one of the first step's fields", () => {
    expect(() =>
      middlewareSoftwareTemplate({
        ...cache,
        parameters: {
          type: 'object',
          properties: { name: { type: 'string' }, clusters: { type: 'array' } },
        },
      }),
    ).toThrow(
      'middleware definition "orders-cache": parameters.yaml: name, clusters cannot be a parameter\'s name in a Software Template',
    );
  });
});
