import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { spec } from './schema/openapi.generated';
import {
  ADMIN,
  ALICE,
  as,
  BOB,
  startTestPlatform,
  testPolicy,
} from './testing/startTestPlatform';
import { waitFor } from './testing/waitFor';

jest.setTimeout(120_000);

const base = '/api/app-platform';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of openapi.yaml, path parameters filled in. */
function specRoutes() {
  const routes: Array<{ method: (typeof METHODS)[number]; path: string }> = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      if (method in item) {
        routes.push({
          method,
          path: path
            .replace('{name}', 'some-name')
            .replace('{id}', '00000000-0000-4000-8000-000000000000'),
        });
      }
    }
  }
  return routes;
}

describe('authentication and authorization of every route', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function start(options: Partial<Parameters<typeof startTestPlatform>[0]> = {}) {
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

  it('answers 401 to every route without credentials, except /health', async () => {
    const { server, stop } = await start();
    try {
      const tasks = await request(server)
        .get(`${base}/.backstage/scheduler/v1/tasks`)
        .set('Authorization', as(ADMIN));
      expect(tasks.status).toBe(200);
      const taskIds: string[] = tasks.body.tasks.map((t: { taskId: string }) => t.taskId);
      expect(taskIds).toEqual(
        expect.arrayContaining([
          'app-platform-cluster-health',
          'app-platform-servers-import:office',
          'app-platform-servers-expiry-scan',
        ]),
      );

      const routes = [
        ...specRoutes(),
        { method: 'get' as const, path: '/openapi.json' },
        { method: 'get' as const, path: '/.backstage/scheduler/v1/tasks' },
        ...taskIds.flatMap(id => [
          { method: 'post' as const, path: `/.backstage/scheduler/v1/tasks/${id}/trigger` },
          { method: 'post' as const, path: `/.backstage/scheduler/v1/tasks/${id}/cancel` },
        ]),
      ];
      const open: string[] = [];
      for (const { method, path } of routes) {
        const res = await request(server)[method](`${base}${path}`).send({});
        if (path === '/health') {
          expect(res.status).toBe(200);
        } else if (res.status !== 401) {
          open.push(`${method.toUpperCase()} ${path} → ${res.status}`);
        }
      }
      expect(open).toEqual([]);
      // eslint-disable-next-line no-console
      console.log(`unauthenticated: ${routes.length - 1} routes → 401, /health → 200`);
    } finally {
      await stop();
    }
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
      const taskIds: string[] = tasks.body.tasks.map((t: { taskId: string }) => t.taskId);
      expect(taskIds.length).toBeGreaterThanOrEqual(3);

      for (const id of taskIds) {
        for (const action of ['trigger', 'cancel']) {
          const path = `${base}/.backstage/scheduler/v1/tasks/${encodeURIComponent(id)}/${action}`;
          const alice = await request(server).post(path).set('Authorization', as(ALICE));
          expect({ id, action, status: alice.status }).toEqual({ id, action, status: 403 });
          expect(alice.body.error.message).toContain('app-platform.task.manage');
          // Express matches routes case-insensitively and with a trailing slash.
          const sneaky = await request(server)
            .post(`${path.replace('.backstage/scheduler', '.BACKSTAGE/Scheduler')}/`)
            .set('Authorization', as(ALICE));
          expect({ id, action, status: sneaky.status }).toEqual({ id, action, status: 403 });
        }
      }
      for (const id of taskIds) {
        const path = `${base}/.backstage/scheduler/v1/tasks/${encodeURIComponent(id)}`;
        const trigger = await request(server).post(`${path}/trigger`).set('Authorization', as(ADMIN));
        expect({ id, status: trigger.status }).toEqual({ id, status: 200 });
        const cancel = await request(server).post(`${path}/cancel`).set('Authorization', as(ADMIN));
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
        const res = await request(server).get(`${base}/clusters/edge`).set('Authorization', as(ADMIN));
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
      const one = await request(server).get(`${base}/clusters/edge`).set('Authorization', as(ALICE));
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject(summary);
      const list = await request(server).get(`${base}/clusters`).set('Authorization', as(ALICE));
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
    const { server, stop } = await start({ policy: testPolicy({ ownerOnlyRead: true }) });
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
          await request(server).get(`${base}/applications`).set('Authorization', as(user))
        ).body.items.map((a: { name: string }) => a.name);
      expect(await names(ALICE)).toEqual(['orders', 'payments']);
      expect(await names(BOB)).toEqual(['search']);
      expect(await names(ADMIN)).toEqual(['orders', 'payments', 'search']);

      const others = await request(server).get(`${base}/applications/search`).set('Authorization', as(ALICE));
      expect(others.status).toBe(403);
    } finally {
      await stop();
    }
  });
});
