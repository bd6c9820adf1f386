import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { spec } from './schema/openapi.generated';
import {
  ADMIN,
  ALICE,
  as,
  BOB,
  startTestPlatform,
  testPolicy,
} from './__testUtils__/startTestPlatform';
import { waitFor } from './__testUtils__/waitFor';

jest.setTimeout(120_000);

const base = '/api/app-platform';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];
type Route = { method: Method; path: string };

/** openapi.yaml as written (not the generated copy, which may be stale). */
const openApiYaml = parseYaml(
  fs.readFileSync(path.resolve(__dirname, 'schema/openapi.yaml'), 'utf8'),
) as { paths: Record<string, Record<string, { security?: unknown[] }>> };

/** Every operation of openapi.yaml, path parameters filled in, and whether it is public (`security: []`). */
function specRoutes(): Array<Route & { operation: string; public: boolean }> {
  return Object.entries(openApiYaml.paths).flatMap(([template, item]) =>
    METHODS.filter(method => method in item).map(method => ({
      method,
      operation: `${method.toUpperCase()} ${template}`,
      public:
        Array.isArray(item[method].security) &&
        item[method].security!.length === 0,
      path: template
        .replace('{name}', 'some-name')
        .replace('{service}', 'some-service')
        .replace('{instance}', 'some-instance')
        .replace('{definition}', 'redis')
        .replace('{template}', 'some-template')
        .replace('{provider}', 'generic')
        .replace('{deployment}', '00000000-0000-4000-8000-000000000000')
        .replace('{id}', '00000000-0000-4000-8000-000000000000'),
    })),
  );
}

/** The routes (of `routes`) that do not answer 401 to the given Authorization header (none if undefined). */
async function notRefused(
  server: Parameters<typeof request>[0],
  prefix: string,
  routes: Route[],
  authorization?: string,
): Promise<string[]> {
  const open: string[] = [];
  for (const { method, path: p } of routes) {
    let req = request(server)[method](`${prefix}${p}`);
    if (authorization) req = req.set('Authorization', authorization);
    const res = await req.send({});
    if (res.status !== 401)
      open.push(`${method.toUpperCase()} ${p} → ${res.status}`);
  }
  return open;
}

describe('authentication and authorization of every route', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function start(
    options: Partial<Parameters<typeof startTestPlatform>[0]> = {},
  ) {
    return startTestPlatform({
      knex: await databases.init('SQLITE_3'),
      appPlatform: {
        servers: {
          providers: [
            {
              name: 'office',
              type: 'file',
              path: '/nonexistent/servers.yaml',
              schedule: { frequency: { trigger: 'manual' } },
            },
          ],
        },
      },
      ...options,
    });
  }

  /** Every route the plugin serves: openapi.yaml's, its spec and Backstage's scheduler routes for each task. */
  async function allRoutes(server: Parameters<typeof request>[0]) {
    const tasks = await request(server)
      .get(`${base}/.backstage/scheduler/v1/tasks`)
      .set('Authorization', as(ADMIN));
    expect(tasks.status).toBe(200);
    const taskIds: string[] = tasks.body.tasks.map(
      (t: { taskId: string }) => t.taskId,
    );
    expect(taskIds).toEqual(
      expect.arrayContaining([
        'app-platform-cluster-health',
        'app-platform-reconcile',
        'app-platform-servers-import:office',
        'app-platform-servers-expiry-scan',
      ]),
    );
    const fromSpec = specRoutes();
    return {
      taskIds,
      publicRoutes: fromSpec.filter(r => r.public),
      routes: [
        ...fromSpec.filter(r => !r.public),
        { method: 'get' as const, path: '/openapi.json' },
        { method: 'get' as const, path: '/.backstage/scheduler/v1/tasks' },
        ...taskIds.flatMap(id => [
          {
            method: 'post' as const,
            path: `/.backstage/scheduler/v1/tasks/${id}/trigger`,
          },
          {
            method: 'post' as const,
            path: `/.backstage/scheduler/v1/tasks/${id}/cancel`,
          },
        ]),
      ],
    };
  }

  it('serves exactly the operations of openapi.yaml, of which only GET /health and the CI webhook are public', () => {
    const generated = Object.entries(spec.paths).flatMap(([template, item]) =>
      METHODS.filter(method => method in item).map(
        method => `${method.toUpperCase()} ${template}`,
      ),
    );
    const routes = specRoutes();
    // A route added to openapi.yaml but not regenerated would not be served as written.
    expect(generated.sort()).toEqual(routes.map(r => r.operation).sort());
    expect(routes.length).toBeGreaterThanOrEqual(17);
    // The CI webhook has no Backstage credentials: its provider verifies it
    // with the service's webhook secret (src/ci/ci.test.ts).
    expect(routes.filter(r => r.public).map(r => r.operation)).toEqual([
      'GET /health',
      'POST /ci/{provider}',
    ]);
  });

  it('answers 401 to every route without credentials or with a bad token, except /health and the CI webhook', async () => {
    const { server, stop } = await start();
    try {
      const { routes, publicRoutes } = await allRoutes(server);
      expect(await notRefused(server, base, routes)).toEqual([]);
      expect(
        await notRefused(server, base, routes, 'Bearer not-a-token'),
      ).toEqual([]);
      expect(await notRefused(server, base, publicRoutes)).toEqual([
        'GET /health → 200',
        // No service named, so no secret to verify against; a named one
        // without a valid signature gets 401 (src/ci/ci.test.ts).
        'POST /ci/generic → 400',
      ]);
      // eslint-disable-next-line no-console
      console.log(
        `unauthenticated: ${routes.length} routes → 401 (no token and a bad one), ${publicRoutes.length} public (/health) → 200`,
      );
    } finally {
      await stop();
    }
  });

  it('keeps refusing when an auth policy opens a route by mistake, and the check sees an open route', async () => {
    // A module that opens the servers routes in Backstage's credentials barrier:
    // the plugin's router still wants a user or a service.
    const openDoor = createBackendModule({
      pluginId: 'app-platform',
      moduleId: 'open-door',
      register(env) {
        env.registerInit({
          deps: { httpRouter: coreServices.httpRouter },
          async init({ httpRouter }) {
            httpRouter.addAuthPolicy({
              path: '/servers',
              allow: 'unauthenticated',
            });
          },
        });
      },
    });
    const { server, stop } = await start({ features: [openDoor] });
    try {
      const { routes } = await allRoutes(server);
      expect(await notRefused(server, base, routes)).toEqual([]);
    } finally {
      await stop();
    }

    // The check itself reports a route that answers without credentials.
    const leaky = express();
    leaky.get('/servers', (_req, res) => {
      res.json({ items: [] });
    });
    leaky.use((_req, res) => {
      res.status(401).end();
    });
    expect(
      await notRefused(leaky, '', [
        { method: 'get', path: '/servers' },
        { method: 'post', path: '/servers' },
      ]),
    ).toEqual(['GET /servers → 200']);
  });

  it('tells a caller without credentials only whether it is healthy', async () => {
    const { server, stop } = await start();
    try {
      const anonymous = await request(server).get(`${base}/health`);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ status: 'ok' });

      const forged = await request(server)
        .get(`${base}/health`)
        .set('Authorization', 'Bearer not-a-token');
      expect(forged.status).toBe(200);
      expect(forged.body).toEqual({ status: 'ok' });

      const signedIn = await request(server)
        .get(`${base}/health`)
        .set('Authorization', as(ALICE));
      expect(signedIn.body).toEqual({
        status: 'ok',
        checks: expect.arrayContaining([
          { name: 'database', status: 'ok' },
          { name: 'migrations', status: 'ok' },
        ]),
      });
    } finally {
      await stop();
    }
  });

  it("closes the scheduler's trigger and cancel routes of every task to non-admins", async () => {
    const { server, stop } = await start();
    try {
      const tasks = await request(server)
        .get(`${base}/.backstage/scheduler/v1/tasks`)
        .set('Authorization', as(ADMIN));
      const taskIds: string[] = tasks.body.tasks.map(
        (t: { taskId: string }) => t.taskId,
      );
      expect(taskIds).toEqual(
        expect.arrayContaining([
          'app-platform-reconcile',
          'app-platform-servers-expiry-scan',
        ]),
      );

      for (const id of taskIds) {
        for (const action of ['trigger', 'cancel']) {
          const url = `${base}/.backstage/scheduler/v1/tasks/${encodeURIComponent(
            id,
          )}/${action}`;
          const alice = await request(server)
            .post(url)
            .set('Authorization', as(ALICE));
          expect({ id, action, status: alice.status }).toEqual({
            id,
            action,
            status: 403,
          });
          expect(alice.body.error.message).toContain(
            'app-platform.task.manage',
          );
          // Express matches routes case-insensitively and with a trailing slash.
          const sneaky = await request(server)
            .post(
              `${url.replace('.backstage/scheduler', '.BACKSTAGE/Scheduler')}/`,
            )
            .set('Authorization', as(ALICE));
          expect({ id, action, status: sneaky.status }).toEqual({
            id,
            action,
            status: 403,
          });
        }
      }
      for (const id of taskIds) {
        const url = `${base}/.backstage/scheduler/v1/tasks/${encodeURIComponent(
          id,
        )}`;
        const trigger = await request(server)
          .post(`${url}/trigger`)
          .set('Authorization', as(ADMIN));
        expect({ id, status: trigger.status }).toEqual({ id, status: 200 });
        const cancel = await request(server)
          .post(`${url}/cancel`)
          .set('Authorization', as(ADMIN));
        expect([401, 403]).not.toContain(cancel.status);
      }
      // eslint-disable-next-line no-console
      console.log(
        `scheduler routes: ${taskIds.length} tasks × trigger/cancel → 403 for a non-admin, admin allowed`,
      );
    } finally {
      await stop();
    }
  });

  it('shows cluster details only to callers with app-platform.cluster.read', async () => {
    const { server, stop } = await start({
      appPlatform: {
        clusters: [
          {
            name: 'edge',
            url: 'https://127.0.0.1:1',
            token: 'token-of-edge',
            skipTLSVerify: true,
            environment: 'test',
            labels: { region: 'local' },
          },
        ],
        healthProbe: { frequency: { seconds: 1 } },
      },
    });
    try {
      const asAdmin = await waitFor(async () => {
        const res = await request(server)
          .get(`${base}/clusters/edge`)
          .set('Authorization', as(ADMIN));
        return res.body.healthReason ? res : undefined;
      }, 'the probe of edge');
      expect(asAdmin.body).toMatchObject({
        name: 'edge',
        url: 'https://127.0.0.1:1',
        skipTLSVerify: true,
        health: 'unreachable',
        healthReason: expect.any(String),
      });

      const summary = {
        name: 'edge',
        environment: 'test',
        labels: { region: 'local' },
        source: 'config',
        health: 'unreachable',
      };
      const one = await request(server)
        .get(`${base}/clusters/edge`)
        .set('Authorization', as(ALICE));
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject(summary);
      const list = await request(server)
        .get(`${base}/clusters`)
        .set('Authorization', as(ALICE));
      expect(list.body.items).toEqual([expect.objectContaining(summary)]);
      for (const cluster of [one.body, list.body.items[0]]) {
        expect(cluster).not.toHaveProperty('url');
        expect(cluster).not.toHaveProperty('healthReason');
        expect(cluster).not.toHaveProperty('skipTLSVerify');
      }
    } finally {
      await stop();
    }
  });

  it('lists only the applications a conditional read decision allows, filtered in the database', async () => {
    const { server, stop } = await start({
      policy: testPolicy({ ownerOnlyRead: true }),
    });
    try {
      for (const [name, owner] of [
        ['payments', 'group:default/team-a'],
        ['orders', 'group:default/team-a'],
        ['search', 'group:default/team-b'],
      ]) {
        const created = await request(server)
          .post(`${base}/applications`)
          .set('Authorization', as(ADMIN))
          .send({ name, owner });
        expect(created.status).toBe(201);
      }
      const names = async (user: string) =>
        (
          await request(server)
            .get(`${base}/applications`)
            .set('Authorization', as(user))
        ).body.items.map((a: { name: string }) => a.name);
      expect(await names(ALICE)).toEqual(['orders', 'payments']);
      expect(await names(BOB)).toEqual(['search']);
      expect(await names(ADMIN)).toEqual(['orders', 'payments', 'search']);

      // GET /services follows the same decision: only readable applications' services.
      for (const application of ['payments', 'search']) {
        const created = await request(server)
          .post(`${base}/applications/${application}/services`)
          .set('Authorization', as(ADMIN))
          .send({ name: 'api' });
        expect(created.status).toBe(201);
      }
      const services = async (user: string) =>
        (
          await request(server)
            .get(`${base}/services`)
            .set('Authorization', as(user))
        ).body.items.map(
          (s: { application: string; name: string }) =>
            `${s.application}/${s.name}`,
        );
      expect(await services(ALICE)).toEqual(['payments/api']);
      expect(await services(BOB)).toEqual(['search/api']);
      expect((await services(ADMIN)).sort()).toEqual([
        'payments/api',
        'search/api',
      ]);

      const others = await request(server)
        .get(`${base}/applications/search`)
        .set('Authorization', as(ALICE));
      expect(others.status).toBe(403);
    } finally {
      await stop();
    }
  });
});
