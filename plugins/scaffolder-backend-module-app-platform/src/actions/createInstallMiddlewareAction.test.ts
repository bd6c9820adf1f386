import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the action is tested against the real platform it calls
import {
  ADMIN,
  ALICE,
  apiClient,
  as,
  BOB,
  Call,
  kubeFor,
  platformConfig,
  policyPermissionsService,
  startSandboxes,
  startTestPlatform,
  testPolicy,
  waitFor,
} from '@internal/plugin-app-platform-backend/testUtils';
import fs from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { checkpoints, contextOf } from '../__testUtils__/actionContexts';
import { startTestScaffolder } from '../__testUtils__/startTestScaffolder';
import { createInstallMiddlewareAction } from './createInstallMiddlewareAction';
import { createPlatformAccess } from './platformAccess';

jest.setTimeout(180_000);

const repoRoot = path.resolve(__dirname, '../../../..');
const shippedDefinitions = path.join(repoRoot, 'templates/middleware');

/** Memcached whose image no registry has: its rollout fails on every cluster. */
async function brokenDefinitionLocation() {
  const location = await fs.mkdtemp(path.join(os.tmpdir(), 'broken-cache-'));
  const folder = path.join(location, 'broken-cache');
  await fs.cp(path.join(shippedDefinitions, 'memcached'), folder, {
    recursive: true,
  });
  const definition = path.join(folder, 'definition.yaml');
  await fs.writeFile(
    definition,
    (
      await fs.readFile(definition, 'utf8')
    ).replace('name: memcached', 'name: broken-cache'),
  );
  const deployment = path.join(folder, 'templates/deployment.yaml');
  await fs.writeFile(
    deployment,
    (
      await fs.readFile(deployment, 'utf8')
    ).replace('docker.io/library/memcached', 'registry.invalid/memcached'),
  );
  return location;
}

type Schema = Record<string, any>;

/** A form's schema without the form's hints. */
function withoutFormHints(form: unknown): unknown {
  if (Array.isArray(form)) return form.map(withoutFormHints);
  if (typeof form !== 'object' || form === null) return form;
  return Object.fromEntries(
    Object.entries(form)
      .filter(([key]) => !key.startsWith('ui:'))
      .map(([key, value]) => [key, withoutFormHints(value)]),
  );
}

/**
 * The definition's parameter schema back from a Software Template: the
 * second step's properties without the form's hints, and each Secret field
 * a password again (`format: password`; an optional one's length pattern
 * back as minLength) where the step input passes `${{ secrets.<field> }}`
 * (a hoisted one back in its object, its title without the object's).
 */
function schemaOfTemplate(template: Schema) {
  const form = template.spec.parameters[1];
  const properties = withoutFormHints(form.properties) as Schema;
  const required: string[] = [...(form.required ?? [])];
  const restore = (input: unknown, at: string[]) => {
    if (typeof input === 'object' && input !== null) {
      for (const [key, value] of Object.entries(input)) {
        restore(value, [...at, key]);
      }
      return;
    }
    const field = String(input).match(/^\$\{\{ secrets\.(\w+) \}\}$/)?.[1];
    if (!field) return;
    expect(form.properties[field]['ui:field']).toBe('Secret');
    const { pattern, errorMessage, ...password } = properties[field];
    const minLength = String(pattern).match(/^\^\(\.\{(\d+),\}\)\?\$$/)?.[1];
    delete properties[field];
    let parent: Schema = { properties, required };
    for (const key of at.slice(0, -1)) parent = parent.properties[key];
    parent.properties[at[at.length - 1]] = {
      ...password,
      ...(at.length > 1
        ? { title: password.title.replace(/ \(.*\)$/, '') }
        : {}),
      format: 'password',
      ...(minLength ? { minLength: Number(minLength) } : {}),
    };
    if (at.length > 1 && required.includes(field)) {
      required.splice(required.indexOf(field), 1);
      parent.required = [...(parent.required ?? []), at[at.length - 1]];
    }
  };
  restore(template.spec.steps[0].input.parameters, []);
  return { properties, required: required.length ? required : undefined };
}

describe('app-platform:middleware:install against the App Platform', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Awaited<ReturnType<typeof databases.init>>;
  let sandboxes: Awaited<ReturnType<typeof startSandboxes>>;
  let platform: Awaited<ReturnType<typeof startTestPlatform>>;
  let call: Call;
  let platformBaseUrl: string;
  let action: ReturnType<typeof createInstallMiddlewareAction>;
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    sandboxes = await startSandboxes('alpha', 'beta');
    platform = await startTestPlatform({
      knex,
      appPlatform: {
        ...platformConfig(sandboxes),
        middleware: {
          locations: [await brokenDefinitionLocation(), shippedDefinitions],
        },
      },
    });
    const port = (platform.server.address() as AddressInfo).port;
    platformBaseUrl = `http://localhost:${port}/api/app-platform`;
    call = apiClient(platform.server, []);
    const access = createPlatformAccess({
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      discovery: {
        getBaseUrl: async id => `http://localhost:${port}/api/${id}`,
        getExternalBaseUrl: async id => `http://localhost:${port}/api/${id}`,
      },
    });
    // The scaffolder's permissions service, deciding as the portal's policy would.
    const permissions = policyPermissionsService(testPolicy(), knex);
    action = createInstallMiddlewareAction({ access, permissions });

    await waitFor(async () => {
      const res = await call(ADMIN, 'get', '/clusters');
      return res.body.items?.length === 2 &&
        res.body.items.every((c: any) => c.health === 'healthy')
        ? true
        : undefined;
    }, 'clusters healthy');
    const created = await call(ALICE, 'post', '/applications', {
      name: 'shop',
      owner: 'group:default/team-a',
    });
    if (created.status !== 201) {
      throw new Error(`Creating shop failed: ${JSON.stringify(created.body)}`);
    }
    await waitFor(async () => {
      const res = await call(ALICE, 'get', '/applications/shop');
      return res.body.namespaces?.length === 2 &&
        res.body.namespaces.every((n: any) => n.state === 'ready')
        ? true
        : undefined;
    }, 'shop namespaces ready');
  });

  afterAll(async () => {
    await platform?.stop();
    await Promise.all(Object.values(sandboxes ?? {}).map(s => s.stop()));
  });

  const install = (input: Record<string, unknown>) => ({
    application: 'shop',
    definition: 'redis',
    parameters: {},
    wait: true,
    timeoutSeconds: 120,
    ...input,
  });

  it('checks the application, the definition, the parameters and the right in a dry run, and writes nothing', async () => {
    const dry = contextOf(
      ALICE,
      install({ name: 'dry', parameters: { persistence: { size: '2Gi' } } }),
      { isDryRun: true },
    );
    await action.handler(dry.ctx as any);
    expect(dry.lines).toEqual([
      expect.stringMatching(
        /^Dry run: would install redis as shop\/dry \(.*Secret\/dry.*StatefulSet\/dry.*\) on every healthy cluster$/,
      ),
    ]);
    expect(dry.ctx.output).toHaveBeenCalledWith('connectionEnv', [
      'DRY_HOST',
      'DRY_PORT',
      'DRY_PASSWORD',
    ]);
    expect(dry.ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:shop/dry',
    );

    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        BOB,
        { name: 'dry' },
        /Not allowed: app-platform\.service\.create on "shop"/,
      ],
      [ALICE, { name: 'dry', application: 'nowhere' }, /nowhere/],
      [ALICE, { name: 'dry', definition: 'oracle' }, /oracle/],
      [
        ALICE,
        { name: 'dry', parameters: { replicas: 9 } },
        /parameters\.replicas/,
      ],
      [ALICE, { name: '9lives' }, /name "9lives" must start with a letter/],
    ];
    for (const [user, input, reason] of refusals) {
      await expect(
        action.handler(
          contextOf(user, install(input), { isDryRun: true }).ctx as any,
        ),
      ).rejects.toThrow(reason);
    }
    expect(await count('services')).toBe(0);
    expect(await count('deployments')).toBe(0);
  });

  it('installs, follows the rollout per cluster, outputs what a bound service receives, and installs nothing twice when the task is retried', async () => {
    // A password left out is generated; the volume's size is a parameter.
    const input = install({
      name: 'cache',
      parameters: { persistence: { size: '2Gi' } },
    });
    const task = checkpoints();
    const installed = contextOf(ALICE, input, { checkpoint: task });
    await action.handler(installed.ctx as any);

    expect(installed.lines).toEqual(
      expect.arrayContaining([
        'Installing redis as shop/cache',
        expect.stringMatching(/^Deployment \S+: deploy v1 to alpha, beta$/),
        expect.stringMatching(
          /^alpha: deploy v1 (pending|applying|deploying)$/,
        ),
        'alpha: deploy v1 succeeded',
        'beta: deploy v1 succeeded',
        'shop/cache runs Redis 7.4; a service bound to it receives CACHE_HOST, CACHE_PORT, CACHE_PASSWORD',
      ]),
    );
    const outputs = Object.fromEntries(
      (installed.ctx.output as jest.Mock).mock.calls,
    );
    const [record] = await knex('deployments').where({ service: 'cache' });
    expect(outputs).toEqual({
      name: 'cache',
      entityRef: 'resource:shop/cache',
      url: '/catalog/default/system/shop/app-platform',
      connectionEnv: ['CACHE_HOST', 'CACHE_PORT', 'CACHE_PASSWORD'],
      deploymentId: record.id,
    });
    const kube = kubeFor(sandboxes.beta);
    const live = await kube.apps.readNamespacedStatefulSet({
      namespace: 'shop',
      name: 'cache',
    });
    expect(live.status?.readyReplicas).toBe(1);
    expect(live.spec?.volumeClaimTemplates?.[0].spec?.resources).toEqual({
      requests: { storage: '2Gi' },
    });
    const secret = await kube.core.readNamespacedSecret({
      namespace: 'shop',
      name: 'cache',
    });
    expect(
      Buffer.from(secret.data?.password ?? '', 'base64').toString(),
    ).toMatch(/^[A-Za-z0-9]{24}$/);

    // The same task again, and a retry that lost its checkpoint: no second
    // instance or record, the same outputs.
    const records = await count('deployments');
    await action.handler(
      contextOf(ALICE, input, { checkpoint: task }).ctx as any,
    );
    const lost = contextOf(ALICE, input);
    await action.handler(lost.ctx as any);
    expect(lost.lines).toContain(
      'Middleware instance shop/cache (redis) exists; following it',
    );
    expect(lost.ctx.output).toHaveBeenCalledWith('deploymentId', record.id);
    expect(await count('deployments')).toBe(records);
    expect(
      await knex('services').where({ name: 'cache' }).count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });

  it("refuses another definition or other parameters under an instance's name, and a service's name", async () => {
    const installed = await call(
      ALICE,
      'post',
      '/applications/shop/middleware',
      {
        name: 'sessions',
        definition: 'memcached',
      },
    );
    expect(installed.status).toBe(201);
    const records = await count('deployments');

    for (const isDryRun of [true, false]) {
      await expect(
        action.handler(
          contextOf(ALICE, install({ name: 'sessions' }), { isDryRun })
            .ctx as any,
        ),
      ).rejects.toThrow(
        'Middleware instance "shop/sessions" already exists as memcached, not redis; choose another name',
      );
      await expect(
        action.handler(
          contextOf(
            ALICE,
            install({
              name: 'sessions',
              definition: 'memcached',
              parameters: { size: 'medium', maxConnections: 1024 },
            }),
            { isDryRun },
          ).ctx as any,
        ),
      ).rejects.toThrow(
        'Middleware instance "shop/sessions" already exists with other parameters (size); upgrade it from its page instead',
      );
    }
    expect(await count('deployments')).toBe(records);

    // A service's name is taken too.
    expect(
      (
        await call(ALICE, 'post', '/applications/shop/services', {
          name: 'web',
        })
      ).status,
    ).toBe(201);
    await expect(
      action.handler(
        contextOf(ALICE, install({ name: 'web' }), { isDryRun: true })
          .ctx as any,
      ),
    ).rejects.toThrow(
      '"web" is already used by the service shop/web; choose another name',
    );
    await expect(
      action.handler(contextOf(ALICE, install({ name: 'web' })).ctx as any),
    ).rejects.toThrow(/web/);
    expect(await count('deployments')).toBe(records);
  });

  it('fails naming the field of a bad parameter, and writes nothing', async () => {
    const services = await count('services');
    await expect(
      action.handler(
        contextOf(
          ALICE,
          install({
            name: 'bad',
            parameters: { persistence: { size: 'lots' } },
          }),
        ).ctx as any,
      ),
    ).rejects.toThrow(/parameters\.persistence\.size/);
    await expect(
      action.handler(
        contextOf(ALICE, install({ name: 'bad', parameters: { colour: 1 } }))
          .ctx as any,
      ),
    ).rejects.toThrow(/colour/);
    expect(await count('services')).toBe(services);
  });

  it('refuses a user without the right to add to the application, with the platform reason', async () => {
    const services = await count('services');
    await expect(
      action.handler(contextOf(BOB, install({ name: 'theirs' })).ctx as any),
    ).rejects.toThrow(/app-platform\.service\.create/);
    expect(await count('services')).toBe(services);
  });

  it("fails with each cluster's reason when the rollout fails", async () => {
    await expect(
      action.handler(
        contextOf(
          ALICE,
          install({ name: 'broken', definition: 'broken-cache' }),
        ).ctx as any,
      ),
    ).rejects.toThrow(
      /The deployment failed \(alpha: (ErrImagePull|ImagePullBackOff).*; beta: (ErrImagePull|ImagePullBackOff).*\); its record \S+ is in the history of shop\/broken/,
    );
  });

  it('installs from a committed template through the scaffolder: a password typed in its Secret field reaches the instance and neither the task nor its log; one left empty or cleared is generated', async () => {
    const template = parse(
      await fs.readFile(
        path.join(repoRoot, 'templates/software/middleware/redis.yaml'),
        'utf8',
      ),
    );
    const scaffolder = await startTestScaffolder({
      platformBaseUrl,
      templates: [template],
    });
    const scaffolderUrl = `http://localhost:${
      (scaffolder.server.address() as AddressInfo).port
    }/api/scaffolder/v2/tasks`;
    const headers = {
      authorization: as(ALICE),
      'content-type': 'application/json',
    };
    /** What the portal sends when the form is submitted: the Secret field's mask in the values, what was typed in the secrets. */
    const run = async (name: string, secrets: Record<string, string>) => {
      const created = await fetch(scaffolderUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          templateRef: 'template:default/app-platform-install-redis',
          values: {
            application: 'shop',
            name,
            ...(secrets.password !== undefined
              ? { password: '*'.repeat(secrets.password.length) }
              : {}),
          },
          secrets,
        }),
      });
      expect(created.status).toBe(201);
      const { id } = await created.json();
      const task = await waitFor(async () => {
        const body = await (
          await fetch(`${scaffolderUrl}/${id}`, { headers })
        ).json();
        return ['completed', 'failed'].includes(body.status) ? body : undefined;
      }, `task ${name}`);
      const events = await (
        await fetch(`${scaffolderUrl}/${id}/events`, { headers })
      ).json();
      const log = events.map((e: any) => e.body.message).filter(Boolean);
      expect({ name, status: task.status, log }).toEqual({
        name,
        status: 'completed',
        log: expect.arrayContaining([
          expect.stringContaining(`shop/${name} runs Redis 7.4;`),
        ]),
      });
      const secret = await kubeFor(sandboxes.alpha).core.readNamespacedSecret({
        namespace: 'shop',
        name,
      });
      return {
        task,
        events,
        password: Buffer.from(secret.data?.password ?? '', 'base64').toString(),
      };
    };

    try {
      const typed = 'typed-in-the-form-7Qx';
      const withPassword = await run('kv-typed', { password: typed });
      expect(withPassword.password).toBe(typed);
      expect(withPassword.task.spec.parameters.password).toBe(
        '*'.repeat(typed.length),
      );
      expect(
        JSON.stringify([withPassword.task, withPassword.events]),
      ).not.toContain(typed);

      for (const [name, secrets] of [
        ['kv-none', {}],
        ['kv-cleared', { password: '' }],
      ] as const) {
        expect((await run(name, secrets)).password).toMatch(
          /^[A-Za-z0-9]{24}$/,
        );
      }
    } finally {
      await scaffolder.stop();
    }
  });

  it("asks in each committed Software Template for the definition's parameters, as the platform checks them", async () => {
    const res = await call(ALICE, 'get', '/middleware/definitions');
    const shipped = (
      res.body.items as Array<{
        name: string;
        parametersSchema: Record<string, unknown>;
      }>
    ).filter(d => d.name !== 'broken-cache');
    expect(shipped.length).toBeGreaterThanOrEqual(8);
    for (const definition of shipped) {
      const template = parse(
        await fs.readFile(
          path.join(
            repoRoot,
            `templates/software/middleware/${definition.name}.yaml`,
          ),
          'utf8',
        ),
      );
      expect({
        definition: definition.name,
        ...schemaOfTemplate(template),
      }).toEqual({
        definition: definition.name,
        properties: definition.parametersSchema.properties,
        required: definition.parametersSchema.required,
      });
      expect(template.spec.steps[0].input.definition).toBe(definition.name);
    }
  });
});
