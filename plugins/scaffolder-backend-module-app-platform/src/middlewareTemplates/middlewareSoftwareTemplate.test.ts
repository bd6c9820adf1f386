import fs from 'node:fs/promises';
import path from 'node:path';
import {
  generateMiddlewareSoftwareTemplates,
  MIDDLEWARE_TEMPLATES_DIR,
} from './generateMiddlewareSoftwareTemplates';
import {
  MiddlewareDefinitionSource,
  middlewareSoftwareTemplate,
} from './middlewareSoftwareTemplate';

const repoRoot = path.resolve(__dirname, '../../../..');

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
      users: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            secret: { type: 'string', format: 'password' },
          },
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
      'users',
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
    // Passwords, wherever they are: masked, may stay empty, no format the form would not know.
    for (const password of [
      settings.properties.password,
      settings.properties.users.items.properties.secret,
    ]) {
      expect(password).toMatchObject({
        type: 'string',
        'ui:widget': 'password',
        'ui:help': expect.stringMatching(/empty to have one generated/),
      });
      expect(password.format).toBeUndefined();
    }
    expect(settings.properties.password.minLength).toBe(8);
    expect(settings.properties.users.items.properties.name).toEqual({
      type: 'string',
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
          password: '${{ parameters.password }}',
          users: '${{ parameters.users }}',
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
