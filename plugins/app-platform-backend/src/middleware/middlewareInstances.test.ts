import { TestDatabases } from '@backstage/backend-test-utils';
import { Sandbox } from '@internal/kube-sandbox';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import {
  apiClient,
  Call,
  kubeFor,
  platformConfig,
  spec,
  startSandboxes,
} from '../__testUtils__/serviceScenario';
import {
  ADMIN,
  ALICE,
  BOB,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import { waitFor } from '../__testUtils__/waitFor';
import { SHIPPED_LOCATION } from './__testUtils__/shippedDefinitions';
import { writeDefinition } from './__testUtils__/writeDefinition';

jest.setTimeout(300_000);

const APP = '/applications/shop';

function settled(call: Call, service: string, id: string) {
  return waitFor(
    async () => {
      const res = await call(
        ALICE,
        'get',
        `${APP}/services/${service}/deployments/${id}`,
      );
      return res.body.state && res.body.state !== 'deploying'
        ? res.body
        : undefined;
    },
    `deployment ${id} of ${service} to settle`,
    120_000,
  );
}

describe('middleware instances', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'installs, binds, upgrades, rolls back and uninstalls on %p',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      // A copy of the shipped Redis, so the test can change it.
      const location = await fs.mkdtemp(
        path.join(os.tmpdir(), 'middleware-instances-'),
      );
      // And a definition that renders a ClusterRole besides its Service.
      writeDefinition(location, 'evil', {
        'templates/role.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: \${{ instance.name }}
rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]
`,
      });
      await fs.cp(
        path.join(SHIPPED_LOCATION, 'redis'),
        path.join(location, 'redis'),
        {
          recursive: true,
        },
      );
      const sandboxes: Record<string, Sandbox> = await startSandboxes('alpha');
      const { alpha } = sandboxes;
      const kube = kubeFor(alpha);
      const responses: string[] = [];
      const platform = await startTestPlatform({
        knex,
        appPlatform: {
          ...platformConfig(sandboxes),
          middleware: { locations: [location] },
        },
      });
      const call = apiClient(platform.server, responses);
      try {
        await waitFor(async () => {
          const res = await call(ADMIN, 'get', '/clusters');
          return res.body.items?.[0]?.health === 'healthy' ? true : undefined;
        }, 'alpha healthy');
        expect(
          (
            await call(ALICE, 'post', '/applications', {
              name: 'shop',
              owner: 'group:default/team-a',
            })
          ).status,
        ).toBe(201);
        await waitFor(async () => {
          const res = await call(ALICE, 'get', APP);
          return res.body.namespaces?.[0]?.state === 'ready' ? true : undefined;
        }, 'shop namespace ready');

        // Credentials and rights.
        expect((await call(undefined, 'get', `${APP}/middleware`)).status).toBe(
          401,
        );
        expect(
          (await call(undefined, 'get', '/middleware/instances')).status,
        ).toBe(401);
        expect(
          (
            await call(BOB, 'post', `${APP}/middleware`, {
              name: 'cache',
              definition: 'redis',
            })
          ).status,
        ).toBe(403);
        expect(
          (
            await call(BOB, 'post', `${APP}/middleware/cache/plan`, {
              definition: 'redis',
            })
          ).status,
        ).toBe(403);

        // Bad input: 400 naming the field, and nothing written.
        const bad: Array<[object, RegExp]> = [
          [{ name: 'Cache', definition: 'redis' }, /name/],
          [{ name: '9cache', definition: 'redis' }, /name/],
          [{ name: 'cache', definition: 'oracle' }, /definition/],
          [
            { name: 'cache', definition: 'redis', parameters: { replicas: 9 } },
            /parameters.*replicas/,
          ],
          [
            {
              name: 'cache',
              definition: 'redis',
              parameters: { password: 'short' },
            },
            /parameters.*password/,
          ],
        ];
        for (const [body, field] of bad) {
          const res = await call(ALICE, 'post', `${APP}/middleware`, body);
          expect({
            status: res.status,
            message: res.body.error?.message,
          }).toEqual({ status: 400, message: expect.stringMatching(field) });
        }
        // A malicious definition is refused before anything is written or applied.
        for (const [route, body] of [
          ['middleware', { name: 'box', definition: 'evil' }],
          ['middleware/box/plan', { definition: 'evil' }],
        ] as const) {
          const res = await call(ALICE, 'post', `${APP}/${route}`, body);
          expect({
            status: res.status,
            message: res.body.error?.message,
          }).toEqual({
            status: 400,
            message: expect.stringMatching(
              /templates\/role\.yaml: ClusterRole\/box: ClusterRole is cluster-scoped/,
            ),
          });
        }
        const services = await kube.core.listNamespacedService({
          namespace: 'shop',
        });
        expect(services.items).toEqual([]);
        expect(await knex('services').pluck('name')).toEqual([]);
        expect(await knex('deployments').pluck('id')).toEqual([]);

        // The plan of an install: everything is created, secrets redacted.
        const plan = await call(ALICE, 'post', `${APP}/middleware/cache/plan`, {
          definition: 'redis',
          parameters: { password: 'install-plan-password' },
        });
        expect(plan.status).toBe(200);
        expect(plan.body.clusters[0].objects).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              kind: 'Secret',
              name: 'cache',
              action: 'create',
            }),
            expect.objectContaining({
              kind: 'StatefulSet',
              name: 'cache',
              action: 'create',
            }),
          ]),
        );
        expect(JSON.stringify(plan.body)).not.toContain(
          'install-plan-password',
        );
        expect(
          JSON.stringify(plan.body).includes(
            Buffer.from('install-plan-password').toString('base64'),
          ),
        ).toBe(false);

        // Install with a generated password.
        const installed = await call(ALICE, 'post', `${APP}/middleware`, {
          name: 'cache',
          definition: 'redis',
        });
        expect(installed.status).toBe(201);
        expect(installed.body.instance).toMatchObject({
          name: 'cache',
          inFlight: installed.body.deployment.id,
          definition: 'redis',
          updateAvailable: false,
          parameters: { password: '<redacted>' },
          connection: {
            host: 'cache.shop.svc',
            port: 6379,
            env: [
              { name: 'CACHE_HOST', value: 'cache.shop.svc' },
              { name: 'CACHE_PORT', value: '6379' },
              {
                name: 'CACHE_PASSWORD',
                secretKeyRef: { name: 'cache', key: 'password' },
              },
            ],
          },
        });
        const install = await settled(
          call,
          'cache',
          installed.body.deployment.id,
        );
        expect(install.state).toBe('succeeded');
        const secret = await kube.core.readNamespacedSecret({
          namespace: 'shop',
          name: 'cache',
        });
        const password = Buffer.from(secret.data!.password, 'base64').toString(
          'utf8',
        );
        expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
        // The password is nowhere but in the Secret (and encrypted at rest).
        const stored = JSON.stringify([
          await knex('deployments').select('spec', 'previous_spec', 'summary'),
          await knex('service_versions').select('spec'),
          await knex('services').select('middleware_secrets'),
          await knex('audit_events').select('details'),
        ]);
        expect(stored).not.toContain(password);
        const running = await call(ALICE, 'get', `${APP}/middleware/cache`);
        expect(running.body).toMatchObject({
          state: 'running',
          middlewareVersion: '7.4',
        });
        expect(running.body.inFlight).toBeUndefined();
        expect(running.body.clusters).toEqual([
          expect.objectContaining({ cluster: 'alpha', version: 1 }),
        ]);
        expect(responses.join('\n')).not.toContain(password);
        // Its records are a service's; the services list stays services only.
        expect(
          (await call(ALICE, 'get', `${APP}/services/cache/deployments`)).body
            .items,
        ).toHaveLength(1);
        expect(
          (await call(ALICE, 'get', `${APP}/services`)).body.items,
        ).toEqual([]);
        expect(
          (
            await call(ALICE, 'post', `${APP}/services/cache/deployments`, {
              spec: spec('nginx:1.25'),
            })
          ).status,
        ).toBe(409);
        const again = await call(ALICE, 'post', `${APP}/middleware`, {
          name: 'cache',
          definition: 'redis',
        });
        expect(again.status).toBe(409);

        // A service binds it and gets the connection as env vars.
        expect(
          (await call(ALICE, 'post', `${APP}/services`, { name: 'web' }))
            .status,
        ).toBe(201);
        // A service's name is taken for an instance, in a plan too.
        const servicePlan = await call(
          ALICE,
          'post',
          `${APP}/middleware/web/plan`,
          { definition: 'redis' },
        );
        expect(servicePlan.status).toBe(409);
        expect(servicePlan.body.error.message).toMatch(
          /already has a service or middleware instance named "web"/,
        );
        const unbound = await call(
          ALICE,
          'post',
          `${APP}/services/web/deployments`,
          {
            spec: spec('nginx:1.25', { bindings: [{ instance: 'queue' }] }),
          },
        );
        expect(unbound.status).toBe(400);
        expect(unbound.body.error.message).toMatch(
          /spec\.bindings\[0\]\.instance/,
        );
        const bindPlan = await call(ALICE, 'post', `${APP}/services/web/plan`, {
          spec: spec('nginx:1.25', { bindings: [{ instance: 'cache' }] }),
        });
        expect(JSON.stringify(bindPlan.body)).toContain('CACHE_HOST');
        expect(JSON.stringify(bindPlan.body)).not.toContain(password);
        const bound = await call(
          ALICE,
          'post',
          `${APP}/services/web/deployments`,
          {
            spec: spec('nginx:1.25', { bindings: [{ instance: 'cache' }] }),
          },
        );
        expect(bound.status).toBe(202);
        expect((await settled(call, 'web', bound.body.id)).state).toBe(
          'succeeded',
        );
        const web = await kube.apps.readNamespacedDeployment({
          namespace: 'shop',
          name: 'web',
        });
        expect(web.spec?.template.spec?.containers[0].env).toEqual(
          expect.arrayContaining([
            { name: 'CACHE_HOST', value: 'cache.shop.svc' },
            { name: 'CACHE_PORT', value: '6379' },
            {
              name: 'CACHE_PASSWORD',
              valueFrom: { secretKeyRef: { name: 'cache', key: 'password' } },
            },
          ]),
        );
        expect(
          (await call(ALICE, 'get', `${APP}/middleware/cache`)).body.boundBy,
        ).toEqual(['web']);
        const refused = await call(ALICE, 'delete', `${APP}/middleware/cache`);
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toMatch(/bound by service "web"/);

        // A parameter change: a new version whose ConfigMap change rolls the pods.
        const checksum = async () =>
          (
            await kube.apps.readNamespacedStatefulSet({
              namespace: 'shop',
              name: 'cache',
            })
          ).spec?.template.metadata?.annotations?.[
            'app-platform.io/config-checksum'
          ];
        const before = await checksum();
        const upgradePlan = await call(
          ALICE,
          'post',
          `${APP}/middleware/cache/plan`,
          { parameters: { maxmemoryPolicy: 'noeviction' } },
        );
        expect(upgradePlan.status).toBe(200);
        expect(
          upgradePlan.body.clusters[0].objects.find(
            (o: any) => o.kind === 'ConfigMap',
          ).action,
        ).toBe('update');
        const changed = await call(
          ALICE,
          'post',
          `${APP}/middleware/cache/upgrade`,
          {
            parameters: {
              maxmemoryPolicy: 'noeviction',
              password: '<redacted>',
            },
          },
        );
        expect(changed.status).toBe(200);
        expect(
          (await settled(call, 'cache', changed.body.deployment.id)).state,
        ).toBe('succeeded');
        expect(await checksum()).not.toEqual(before);
        const sameSecret = await kube.core.readNamespacedSecret({
          namespace: 'shop',
          name: 'cache',
        });
        expect(sameSecret.data!.password).toEqual(secret.data!.password);

        // A changed definition: "update available" until an upgrade re-renders.
        const statefulSetFile = path.join(
          location,
          'redis/templates/statefulset.yaml',
        );
        await fs.appendFile(
          statefulSetFile,
          '\n# a change of the definition\n',
        );
        await waitFor(async () => {
          const res = await call(ALICE, 'get', `${APP}/middleware/cache`);
          return res.body.updateAvailable ? true : undefined;
        }, 'update available');
        const upgraded = await call(
          ALICE,
          'post',
          `${APP}/middleware/cache/upgrade`,
          {},
        );
        expect(upgraded.body.deployment.description).toMatch(/changed redis/);
        expect(
          (await settled(call, 'cache', upgraded.body.deployment.id)).state,
        ).toBe('succeeded');
        expect(upgraded.body.instance.updateAvailable).toBe(false);

        // Rollback to the install, through the services routes.
        const rollback = await call(
          ALICE,
          'post',
          `${APP}/services/cache/deployments/${installed.body.deployment.id}/rollback`,
          {},
        );
        expect(rollback.status).toBe(202);
        expect((await settled(call, 'cache', rollback.body.id)).state).toBe(
          'succeeded',
        );
        expect(await checksum()).toEqual(before);

        // Unbind, then uninstall: the objects go, the claims stay.
        const unbinding = await call(
          ALICE,
          'post',
          `${APP}/services/web/deployments`,
          {
            spec: spec('nginx:1.25'),
          },
        );
        await settled(call, 'web', unbinding.body.id);
        const claimsBefore =
          await kube.core.listNamespacedPersistentVolumeClaim({
            namespace: 'shop',
          });
        expect(claimsBefore.items.map(c => c.metadata?.name)).toContain(
          'data-cache-0',
        );
        const uninstall = await call(
          ALICE,
          'delete',
          `${APP}/middleware/cache`,
        );
        expect(uninstall.status).toBe(202);
        await waitFor(async () => {
          const res = await call(ALICE, 'get', `${APP}/middleware/cache`);
          return res.status === 404 ? true : undefined;
        }, 'cache uninstalled');
        const sets = await kube.apps.listNamespacedStatefulSet({
          namespace: 'shop',
        });
        expect(sets.items).toEqual([]);
        const secrets = await kube.core.listNamespacedSecret({
          namespace: 'shop',
        });
        expect(secrets.items.map(s => s.metadata?.name)).not.toContain('cache');
        const claimsAfter = await kube.core.listNamespacedPersistentVolumeClaim(
          {
            namespace: 'shop',
          },
        );
        expect(claimsAfter.items.map(c => c.metadata?.name)).toContain(
          'data-cache-0',
        );

        // With deleteData the claims go too.
        const second = await call(ALICE, 'post', `${APP}/middleware`, {
          name: 'sessions',
          definition: 'redis',
        });
        await settled(call, 'sessions', second.body.deployment.id);
        expect(
          (
            await call(
              ALICE,
              'delete',
              `${APP}/middleware/sessions?deleteData=true`,
            )
          ).status,
        ).toBe(202);
        await waitFor(async () => {
          const claims = await kube.core.listNamespacedPersistentVolumeClaim({
            namespace: 'shop',
          });
          return claims.items.some(c => c.metadata?.name === 'data-sessions-0')
            ? undefined
            : true;
        }, 'sessions claims deleted');
        expect(
          (
            await kube.core.listNamespacedPersistentVolumeClaim({
              namespace: 'shop',
            })
          ).items.map(c => c.metadata?.name),
        ).toContain('data-cache-0');
      } finally {
        await platform.stop();
        await Promise.all(Object.values(sandboxes).map(s => s.stop()));
        await fs.rm(location, { recursive: true, force: true });
      }
    },
  );
});
