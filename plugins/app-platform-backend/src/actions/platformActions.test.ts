import { TestDatabases } from '@backstage/backend-test-utils';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import request from 'supertest';
import {
  apiClient,
  kubeFor,
  platformConfig,
  shopWithWebRunning,
  startSandboxes,
} from '../__testUtils__/serviceScenario';
import {
  ADMIN,
  ALICE,
  as,
  BOB,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(240_000);

const ACTIONS = '/api/app-platform/.backstage/actions/v1/actions';

describe('the actions registry', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'lists the actions and plans, deploys and rolls back through them with the caller’s permissions on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { alpha, beta } = await startSandboxes('alpha', 'beta');
      const platform = await startTestPlatform({
        knex,
        appPlatform: platformConfig({ alpha, beta }),
        // Backstage's own registry, with its HTTP routes, as the MCP actions backend reaches it.
        features: [actionsRegistryServiceFactory],
      });
      const call = apiClient(platform.server, []);
      const invoke = (user: string | undefined, id: string, input: object) => {
        let req = request(platform.server).post(
          `${ACTIONS}/app-platform:${id}/invoke`,
        );
        if (user) req = req.set('Authorization', as(user));
        return req.send(input);
      };
      const records = async () =>
        Number((await knex('deployments').count({ n: '*' }))[0].n);
      try {
        const v1 = await shopWithWebRunning(
          call,
          { admin: ADMIN, owner: ALICE },
          2,
        );

        // The list, with schemas an agent can fill in; never without a token.
        expect((await request(platform.server).get(ACTIONS)).status).toBe(401);
        const listed = await request(platform.server)
          .get(ACTIONS)
          .set('Authorization', as(BOB));
        expect(listed.status).toBe(200);
        expect(listed.body.actions.map((a: any) => a.id).sort()).toEqual([
          'app-platform:deploy',
          'app-platform:get-service-status',
          'app-platform:install-middleware',
          'app-platform:list-applications',
          'app-platform:list-middleware',
          'app-platform:list-services',
          'app-platform:plan-deploy',
          'app-platform:rollback',
        ]);
        const deployAction = listed.body.actions.find(
          (a: any) => a.id === 'app-platform:deploy',
        );
        expect(deployAction.attributes).toMatchObject({ destructive: true });
        expect(Object.keys(deployAction.schema.input.properties)).toEqual(
          expect.arrayContaining(['application', 'service', 'image']),
        );

        // Reads.
        const apps = await invoke(BOB, 'list-applications', {});
        expect(apps.status).toBe(200);
        expect(apps.body.output.applications).toEqual([
          expect.objectContaining({
            name: 'shop',
            owner: 'group:default/team-a',
          }),
        ]);
        const services = await invoke(ALICE, 'list-services', {
          application: 'shop',
        });
        expect(services.body.output.services).toEqual([
          expect.objectContaining({ name: 'web', currentVersion: 1 }),
        ]);

        // Bad input names the field; an anonymous call is refused.
        const bad = await invoke(ALICE, 'plan-deploy', {
          application: 'Shop!',
          service: 'web',
          image: 'shop/web:2',
        });
        expect(bad.status).toBe(400);
        expect(JSON.stringify(bad.body)).toMatch(/application/);
        expect(
          (
            await invoke(undefined, 'plan-deploy', {
              application: 'shop',
              service: 'web',
              image: 'shop/web:2',
            })
          ).status,
        ).toBe(401);

        // Plan and deploy need deploy rights on the service: BOB's team does not own it.
        const before = await records();
        for (const id of ['plan-deploy', 'deploy']) {
          const denied = await invoke(BOB, id, {
            application: 'shop',
            service: 'web',
            image: 'shop/web:2',
          });
          expect(denied.status).toBe(403);
          expect(denied.body.error.message).toMatch(
            /app-platform\.service\.deploy on "shop\/web"/,
          );
        }
        expect(await records()).toBe(before);

        const plan = await invoke(ALICE, 'plan-deploy', {
          application: 'shop',
          service: 'web',
          image: 'shop/web:2',
        });
        expect(plan.status).toBe(200);
        expect(
          plan.body.output.clusters.map((c: any) => c.cluster).sort(),
        ).toEqual(['alpha', 'beta']);
        const deployment = plan.body.output.clusters[0].objects.find(
          (o: any) => o.kind === 'Deployment',
        );
        expect(deployment.action).toBe('update');
        expect(deployment.changes).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              before: 'shop/web:1',
              after: 'shop/web:2',
            }),
          ]),
        );
        expect(await records()).toBe(before);

        const deployed = await invoke(ALICE, 'deploy', {
          application: 'shop',
          service: 'web',
          image: 'shop/web:2',
          description: 'asked by an agent',
        });
        expect(deployed.status).toBe(200);
        expect(deployed.body.output.deployment).toMatchObject({
          action: 'deploy',
          version: 2,
          createdBy: ALICE,
        });
        await waitFor(async () => {
          const status = await invoke(ALICE, 'get-service-status', {
            application: 'shop',
            service: 'web',
          });
          const clusters = status.body.output.clusters;
          return clusters.length === 2 &&
            clusters.every((c: any) => c.state === 'running' && c.version === 2)
            ? true
            : undefined;
        }, 'v2 running through the actions');
        // The record settles just after the clusters report v2: a rollback waits for it.
        await waitFor(async () => {
          const res = await call(
            ALICE,
            'get',
            `/applications/shop/services/web/deployments/${deployed.body.output.deployment.id}`,
          );
          return res.body.state === 'succeeded' ? true : undefined;
        }, 'the v2 record settled');
        const live = await kubeFor(beta).apps.readNamespacedDeployment({
          namespace: 'shop',
          name: 'web',
        });
        expect(live.spec?.template.spec?.containers[0].image).toBe(
          'shop/web:2',
        );

        // Rollback to v1: BOB may not, ALICE may.
        expect(
          (
            await invoke(BOB, 'rollback', {
              application: 'shop',
              service: 'web',
              deployment: v1.id,
            })
          ).status,
        ).toBe(403);
        const rolledBack = await invoke(ALICE, 'rollback', {
          application: 'shop',
          service: 'web',
          deployment: v1.id,
        });
        expect(rolledBack.status).toBe(200);
        expect(rolledBack.body.output.deployment).toMatchObject({
          action: 'rollback',
          version: 1,
        });
        await waitFor(async () => {
          const res = await call(
            ALICE,
            'get',
            `/applications/shop/services/web/deployments/${rolledBack.body.output.deployment.id}`,
          );
          return res.body.state === 'succeeded' ? true : undefined;
        }, 'the rollback succeeded');

        // Middleware: BOB may not install into shop; ALICE may, and never
        // sees the generated password.
        expect(
          (
            await invoke(BOB, 'install-middleware', {
              application: 'shop',
              name: 'cache',
              definition: 'memcached',
            })
          ).status,
        ).toBe(403);
        const badParameters = await invoke(ALICE, 'install-middleware', {
          application: 'shop',
          name: 'cache',
          definition: 'memcached',
          parameters: { replicas: 'many' },
        });
        expect(badParameters.status).toBe(400);
        expect(badParameters.body.error.message).toMatch(/parameters.*replicas/);
        const installed = await invoke(ALICE, 'install-middleware', {
          application: 'shop',
          name: 'cache',
          definition: 'memcached',
        });
        expect(installed.status).toBe(200);
        expect(installed.body.output).toMatchObject({
          deployment: { action: 'deploy', version: 1 },
          env: ['CACHE_HOST', 'CACHE_PORT'],
        });
        const middleware = await invoke(ALICE, 'list-middleware', {
          application: 'shop',
        });
        expect(middleware.body.output.instances).toEqual([
          expect.objectContaining({
            name: 'cache',
            definition: 'memcached',
            updateAvailable: false,
            boundBy: [],
          }),
        ]);
      } finally {
        await platform.stop();
        await Promise.all([alpha.stop(), beta.stop()]);
      }
    },
  );
});
