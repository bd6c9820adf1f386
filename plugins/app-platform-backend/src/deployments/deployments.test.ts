import { TestDatabases } from '@backstage/backend-test-utils';
import { Sandbox } from '@internal/kube-sandbox';
import { Knex } from 'knex';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import {
  apiClient,
  Call,
  kubeFor,
  platformConfig,
  spec,
  startSandboxes,
} from '../__testUtils__/serviceScenario';
import {
  ALICE,
  ADMIN,
  BOB,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(240_000);

const SVC = '/applications/shop/services/web';

function settled(call: Call, id: string) {
  return waitFor(
    async () => {
      const res = await call(ALICE, 'get', `${SVC}/deployments/${id}`);
      return res.body.state && res.body.state !== 'deploying'
        ? res.body
        : undefined;
    },
    `deployment ${id} to settle`,
    90_000,
  );
}

async function liveImage(sandbox: Sandbox, name = 'web') {
  const deployment = await kubeFor(sandbox).apps.readNamespacedDeployment({
    namespace: 'shop',
    name,
  });
  return deployment.spec?.template.spec?.containers.find(c => c.name === 'app')
    ?.image;
}

describe('services, versions and the deploy engine', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function start(
    knex: Knex,
    sandboxes: Record<string, Sandbox>,
    logs: string[],
    responses: string[],
  ) {
    const platform = await startTestPlatform({
      knex,
      appPlatform: platformConfig(sandboxes),
      features: [capturingLogger(logs)],
    });
    const call = apiClient(platform.server, responses);
    await waitFor(async () => {
      const res = await call(ADMIN, 'get', '/clusters');
      return res.body.items?.length === Object.keys(sandboxes).length &&
        res.body.items.every((c: any) => c.health === 'healthy')
        ? true
        : undefined;
    }, 'every cluster healthy');
    return { ...platform, call };
  }

  async function createShop(call: Call, clusters: number) {
    const created = await call(ALICE, 'post', '/applications', {
      name: 'shop',
      owner: 'group:default/team-a',
    });
    expect(created.status).toBe(201);
    await waitFor(async () => {
      const res = await call(ALICE, 'get', '/applications/shop');
      return res.body.namespaces?.length === clusters &&
        res.body.namespaces.every((n: any) => n.state === 'ready')
        ? true
        : undefined;
    }, 'shop namespaces ready');
    const service = await call(ALICE, 'post', '/applications/shop/services', {
      name: 'web',
      description: 'the shop front',
    });
    expect(service.status).toBe(201);
  }

  it.each(databases.eachSupportedId())(
    'deploys, fails with the reason, rolls back, plans and keeps history on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sandboxes = await startSandboxes('alpha', 'beta');
      const { alpha, beta } = sandboxes;
      const logs: string[] = [];
      const responses: string[] = [];
      const { call, stop } = await start(knex, sandboxes, logs, responses);
      try {
        await createShop(call, 2);

        // Permissions: BOB is not in the owning group.
        expect(
          (
            await call(BOB, 'post', '/applications/shop/services', {
              name: 'x',
            })
          ).status,
        ).toBe(403);
        expect(
          (
            await call(BOB, 'post', `${SVC}/deployments`, {
              spec: spec('nginx:1.25'),
            })
          ).status,
        ).toBe(403);
        expect((await call(undefined, 'get', `${SVC}/status`)).status).toBe(
          401,
        );

        // Bad input: 400 naming the field, and nothing written.
        const bad: Array<[object, RegExp]> = [
          [spec('Nginx:latest!'), /spec\.image/],
          [
            spec('nginx', { ports: [{ name: 'http', containerPort: 70000 }] }),
            /ports\/0\/containerPort|ports\[0\]\.containerPort/,
          ],
          [
            spec('nginx', {
              ports: [
                { name: 'http', containerPort: 80 },
                { name: 'http', containerPort: 81 },
              ],
            }),
            /spec\.ports\[1\]\.name/,
          ],
          [spec('nginx', { serviceType: 'Headless' }), /serviceType/],
          [
            spec('nginx', {
              configFiles: [{ name: '../etc/passwd', content: 'x' }],
            }),
            /spec\.configFiles\[0\]\.name/,
          ],
          [
            spec('nginx', {
              env: [{ name: 'BIG', value: 'x'.repeat(1024 * 1024) }],
            }),
            /env\/0\/value|env\[0\]\.value/,
          ],
          [spec('nginx', { replicas: -1 }), /replicas/],
        ];
        for (const [body, field] of bad) {
          const res = await call(ALICE, 'post', `${SVC}/deployments`, {
            spec: body,
          });
          expect({
            status: res.status,
            message: res.body.error?.message,
          }).toEqual({
            status: 400,
            message: expect.stringMatching(field),
          });
        }
        expect(await knex('deployments').pluck('id')).toEqual([]);
        expect(await knex('service_versions').pluck('number')).toEqual([]);
        // An image alone needs a running version to take the rest from; one source only.
        const imageOnly = await call(ALICE, 'post', `${SVC}/deployments`, {
          image: 'nginx:1.27',
        });
        expect(imageOnly.status).toBe(409);
        expect(imageOnly.body.error.message).toMatch(/no version yet/);
        const twoSources = await call(ALICE, 'post', `${SVC}/deployments`, {
          image: 'nginx:1.27',
          version: 1,
        });
        expect(twoSources.status).toBe(400);
        expect(twoSources.body.error.message).toMatch(/exactly one of them/);
        // A version can also be stored without deploying it: same checks, no record.
        const badVersion = await call(ALICE, 'post', `${SVC}/versions`, {
          spec: spec('nginx', { replicas: -1 }),
        });
        expect(badVersion.status).toBe(400);
        expect(
          (
            await call(BOB, 'post', `${SVC}/versions`, {
              spec: spec('nginx:1.27'),
            })
          ).status,
        ).toBe(403);
        expect(await knex('service_versions').pluck('number')).toEqual([]);
        const stored = await call(ALICE, 'post', `${SVC}/versions`, {
          spec: spec('nginx:1.27'),
        });
        expect(stored.status).toBe(201);
        expect(stored.body).toMatchObject({
          number: 1,
          spec: { image: 'nginx:1.27' },
        });
        expect(await knex('deployments').pluck('id')).toEqual([]);
        // Gone again, so that the versions below keep their numbers.
        await knex('service_versions').delete();
        const noDeployments = await kubeFor(
          alpha,
        ).apps.listNamespacedDeployment({
          namespace: 'shop',
        });
        expect(noDeployments.items).toEqual([]);

        // The first plan creates everything on both clusters.
        const firstPlan = await call(ALICE, 'post', `${SVC}/plan`, {
          spec: spec('nginx:1.25'),
        });
        expect(firstPlan.status).toBe(200);
        expect(firstPlan.body.clusters.map((c: any) => c.cluster)).toEqual([
          'alpha',
          'beta',
        ]);
        for (const cluster of firstPlan.body.clusters) {
          expect(cluster.error).toBeUndefined();
          expect(
            cluster.objects.map((o: any) => `${o.kind}/${o.name}:${o.action}`),
          ).toEqual(['Service/web:create', 'Deployment/web:create']);
        }

        // Two deploys at once: one is recorded, the other is told which.
        const [one, two] = await Promise.all([
          call(ALICE, 'post', `${SVC}/deployments`, {
            spec: spec('nginx:1.25'),
            description: 'first release',
          }),
          call(ALICE, 'post', `${SVC}/deployments`, {
            spec: spec('nginx:1.26'),
          }),
        ]);
        const statuses = [one.status, two.status].sort();
        expect(statuses).toEqual([202, 409]);
        const accepted = one.status === 202 ? one : two;
        const refused = one.status === 202 ? two : one;
        expect(refused.body.error.message).toContain(accepted.body.id);
        expect(accepted.body).toMatchObject({
          state: 'deploying',
          action: 'deploy',
          createdBy: ALICE,
          targets: [
            expect.objectContaining({ cluster: 'alpha' }),
            expect.objectContaining({ cluster: 'beta' }),
          ],
        });
        const first = await settled(call, accepted.body.id);
        expect(first.state).toBe('succeeded');
        expect(first.targets.map((t: any) => t.state)).toEqual([
          'succeeded',
          'succeeded',
        ]);
        const image = accepted.body.spec.image;
        for (const sandbox of [alpha, beta]) {
          expect(await liveImage(sandbox)).toBe(image);
        }
        const running = await call(ALICE, 'get', `${SVC}/status`);
        expect(running.body).toMatchObject({
          state: 'running',
          clusters: [
            {
              cluster: 'alpha',
              state: 'running',
              readyReplicas: 2,
              version: 1,
            },
            { cluster: 'beta', state: 'running', readyReplicas: 2, version: 1 },
          ],
        });
        expect(running.body.clusters[0].drift).toBeUndefined();

        // Someone scales by hand on alpha: the status says what differs.
        await kubeFor(alpha).apps.patchNamespacedDeployment({
          namespace: 'shop',
          name: 'web',
          body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
        });
        const drifted = await waitFor(async () => {
          const res = await call(ALICE, 'get', `${SVC}/status`);
          return res.body.clusters[0].drift ? res.body : undefined;
        }, 'drift on alpha');
        expect(drifted.clusters[0].drift).toEqual([
          'replicas is 3 (applied 2)',
        ]);
        expect(drifted.clusters[1].drift).toBeUndefined();
        await kubeFor(alpha).apps.patchNamespacedDeployment({
          namespace: 'shop',
          name: 'web',
          body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
        });

        // Nothing changed: the plan says so for every object, server defaults included.
        const samePlan = await call(ALICE, 'post', `${SVC}/plan`, {
          version: 1,
        });
        for (const cluster of samePlan.body.clusters) {
          expect(cluster.objects.map((o: any) => o.action)).toEqual([
            'unchanged',
            'unchanged',
          ]);
        }

        // A bad image fails with the kubelet's reason, in the record and the status.
        const broken = await call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('registry.shop.example/web:broken'),
        });
        expect(broken.status).toBe(202);
        expect(broken.body.summary).toContain(
          'registry.shop.example/web:broken',
        );
        const failed = await settled(call, broken.body.id);
        expect(failed.state).toBe('failed');
        for (const target of failed.targets) {
          expect(target.state).toBe('failed');
          expect(target.reason).toMatch(/ErrImagePull|ImagePullBackOff/);
        }
        const timeline = await call(
          ALICE,
          'get',
          `${SVC}/deployments/${broken.body.id}/events`,
        );
        expect(timeline.body.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ source: 'platform', reason: 'Applied' }),
            expect.objectContaining({
              source: 'kubernetes',
              type: 'Warning',
              object: expect.stringMatching(/^Pod\/web-/),
            }),
          ]),
        );
        const appStatus = await call(ALICE, 'get', '/applications/shop/status');
        expect(appStatus.body.state).toBe('failed');

        // Rollback: plan it, then apply the first record's spec as a new record.
        const rollbackPlan = await call(ALICE, 'post', `${SVC}/plan`, {
          deployment: first.id,
        });
        const deploymentPlan = rollbackPlan.body.clusters[0].objects.find(
          (o: any) => o.kind === 'Deployment',
        );
        expect(deploymentPlan.action).toBe('update');
        expect(deploymentPlan.changes).toEqual(
          expect.arrayContaining([
            {
              path: 'spec.template.spec.containers[app].image',
              before: 'registry.shop.example/web:broken',
              after: image,
            },
          ]),
        );
        const rollback = await call(
          ALICE,
          'post',
          `${SVC}/deployments/${first.id}/rollback`,
          { description: 'back to the good one' },
        );
        expect(rollback.status).toBe(202);
        expect(rollback.body).toMatchObject({
          action: 'rollback',
          rollbackOf: first.id,
          version: 1,
        });
        expect((await settled(call, rollback.body.id)).state).toBe('succeeded');
        for (const sandbox of [alpha, beta]) {
          expect(await liveImage(sandbox)).toBe(image);
        }

        // A crash loop fails likewise.
        const crashing = await call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('shop/web:crash'),
          clusters: ['alpha'],
        });
        const crashed = await settled(call, crashing.body.id);
        expect(crashed.targets).toEqual([
          expect.objectContaining({
            cluster: 'alpha',
            state: 'failed',
            reason: 'CrashLoopBackOff',
          }),
        ]);

        // History: newest first, paginated, filtered; diffs of two records and against live.
        const page1 = await call(ALICE, 'get', `${SVC}/deployments?limit=2`);
        expect(page1.body.items.map((r: any) => r.id)).toEqual([
          crashing.body.id,
          rollback.body.id,
        ]);
        const page2 = await call(
          ALICE,
          'get',
          `${SVC}/deployments?limit=2&before=${page1.body.nextCursor}`,
        );
        expect(page2.body.items.map((r: any) => r.id)).toEqual([
          broken.body.id,
          first.id,
        ]);
        expect(page2.body.nextCursor).toBeUndefined();
        const failures = await call(
          ALICE,
          'get',
          `${SVC}/deployments?state=failed&cluster=beta`,
        );
        expect(failures.body.items.map((r: any) => r.id)).toEqual([
          broken.body.id,
        ]);
        const diff = await call(
          ALICE,
          'get',
          `${SVC}/deployments/${broken.body.id}/diff?against=${first.id}`,
        );
        expect(
          diff.body.objects.find((o: any) => o.kind === 'Deployment').changes,
        ).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              path: 'spec.template.spec.containers[app].image',
              before: image,
            }),
          ]),
        );
        const againstLive = await call(
          ALICE,
          'get',
          `${SVC}/deployments/${rollback.body.id}/diff?against=live`,
        );
        const beta0 = againstLive.body.clusters.find(
          (c: any) => c.cluster === 'beta',
        );
        expect(beta0.objects.map((o: any) => o.action)).toEqual([
          'unchanged',
          'unchanged',
        ]);

        // Stop, start and delete are records too.
        const stopped = await call(ALICE, 'post', `${SVC}/stop`);
        expect(stopped.status).toBe(202);
        expect((await settled(call, stopped.body.id)).state).toBe('succeeded');
        // Promoting a stop would stop production.
        const promotedStop = await call(
          ALICE,
          'post',
          `${SVC}/deployments/${stopped.body.id}/promote`,
          {},
        );
        expect(promotedStop.status).toBe(409);
        expect(promotedStop.body.error.message).toMatch(/is a stop/);
        const afterStop = await call(ALICE, 'get', `${SVC}/status`);
        expect(afterStop.body.clusters.map((c: any) => c.state)).toEqual([
          'stopped',
          'stopped',
        ]);
        expect((await call(BOB, 'delete', SVC)).status).toBe(403);
        const deleting = await call(ALICE, 'delete', SVC);
        expect(deleting.status).toBe(202);
        expect(deleting.body.action).toBe('delete');
        await waitFor(async () => {
          const res = await call(ALICE, 'get', SVC);
          return res.status === 404 ? true : undefined;
        }, 'the service to be gone');
        for (const sandbox of [alpha, beta]) {
          const services = await kubeFor(sandbox).core.listNamespacedService({
            namespace: 'shop',
          });
          expect(services.items).toEqual([]);
          const deployments = await kubeFor(
            sandbox,
          ).apps.listNamespacedDeployment({
            namespace: 'shop',
          });
          expect(deployments.items).toEqual([]);
        }
        const audit = await knex('audit_events')
          .where({ target_kind: 'service' })
          .orderBy('id')
          .pluck('action');
        expect(audit).toEqual([
          'service.create',
          'service.deploy',
          'service.deploy',
          'service.rollback',
          'service.deploy',
          'service.stop',
          'service.delete',
        ]);

        for (const sandbox of [alpha, beta]) {
          expect(logs.join('\n')).not.toContain(sandbox.token);
          expect(responses.join('\n')).not.toContain(sandbox.token);
        }
      } finally {
        await stop();
        await Promise.all([alpha.stop(), beta.stop()]);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'survives a cluster failing, dropped watches and a backend killed mid-rollout on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sandboxes = await startSandboxes('alpha', 'beta');
      const { alpha, beta } = sandboxes;
      const logs: string[] = [];
      const responses: string[] = [];
      let platform = await start(knex, sandboxes, logs, responses);
      try {
        await createShop(platform.call, 2);
        const v1 = await platform.call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('nginx:1.25'),
        });
        expect({ status: v1.status, body: v1.body }).toMatchObject({
          status: 202,
        });
        expect(await settled(platform.call, v1.body.id)).toMatchObject({
          state: 'succeeded',
        });

        // Every watch dropped: status still follows the next rollout.
        alpha.faults.dropWatches();
        beta.faults.dropWatches();
        const v2 = await platform.call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('nginx:1.26'),
        });
        expect((await settled(platform.call, v2.body.id)).state).toBe(
          'succeeded',
        );
        const afterDrop = await platform.call(ALICE, 'get', `${SVC}/status`);
        expect(afterDrop.body.clusters.map((c: any) => c.version)).toEqual([
          2, 2,
        ]);

        // A public service of another application: referenced only where it runs.
        const call = platform.call;
        expect(
          (
            await call(ALICE, 'post', '/applications', {
              name: 'pay',
              owner: 'group:default/team-a',
            })
          ).status,
        ).toBe(201);
        expect(
          (
            await call(ALICE, 'post', '/applications/pay/services', {
              name: 'api',
              public: true,
            })
          ).status,
        ).toBe(201);
        const withReference = spec('nginx:1.26', {
          references: [{ application: 'pay', service: 'api' }],
        });
        const notYet = await call(ALICE, 'post', `${SVC}/deployments`, {
          spec: withReference,
        });
        expect(notYet.status).toBe(409);
        expect(notYet.body.error.message).toMatch(
          /^spec\.references\[0\]: service "pay\/api" does not run on cluster alpha/,
        );
        const api = await call(
          ALICE,
          'post',
          '/applications/pay/services/api/deployments',
          {
            spec: spec('pay/api:1'),
          },
        );
        await waitFor(async () => {
          const res = await call(
            ALICE,
            'get',
            `/applications/pay/services/api/deployments/${api.body.id}`,
          );
          return res.body.state === 'succeeded' ? true : undefined;
        }, 'pay/api running');
        const referencing = await call(ALICE, 'post', `${SVC}/deployments`, {
          spec: withReference,
        });
        expect(referencing.status).toBe(202);
        expect((await settled(call, referencing.body.id)).state).toBe(
          'succeeded',
        );
        const external = await kubeFor(alpha).core.readNamespacedService({
          namespace: 'shop',
          name: 'pay-api',
        });
        expect(external.spec).toMatchObject({
          type: 'ExternalName',
          externalName: 'api.pay.svc.cluster.local',
        });
        // The listing the catalog reads says what the current version
        // references and where each service is to run.
        const listed = await call(ALICE, 'get', '/services');
        expect(
          listed.body.items.map((x: any) => [
            `${x.application}/${x.name}`,
            x.references,
            x.clusters,
          ]),
        ).toEqual([
          ['pay/api', undefined, ['alpha', 'beta']],
          [
            'shop/web',
            [{ application: 'pay', service: 'api' }],
            ['alpha', 'beta'],
          ],
        ]);
        // That name is web's now: another service of shop may not take it.
        await call(ALICE, 'post', '/applications/shop/services', {
          name: 'pay-api',
        });
        const taken = await call(
          ALICE,
          'post',
          '/applications/shop/services/pay-api/deployments',
          {
            spec: spec('nginx:1.25'),
          },
        );
        expect(taken.status).toBe(409);
        expect(taken.body.error.message).toMatch(
          /name already used by service "web"/,
        );
        // An application with services is not deleted.
        const payDelete = await call(ALICE, 'delete', '/applications/pay');
        expect(payDelete.status).toBe(409);
        expect(payDelete.body.error.message).toMatch(/still has services: api/);

        // The application's own service template, over the platform's default.
        const templates = '/applications/shop/service-templates';
        expect(
          (
            await call(ALICE, 'put', `${templates}/default`, {
              content: 'labels: { tier: backend }',
            })
          ).status,
        ).toBe(409);
        const badTemplate = await call(ALICE, 'put', `${templates}/batch`, {
          content: 'deployment: { revisionHistoryLimit: many }',
        });
        expect(badTemplate.status).toBe(400);
        expect(badTemplate.body.error.message).toMatch(
          /^content: .*deployment\.revisionHistoryLimit/,
        );
        expect(
          (
            await call(BOB, 'put', `${templates}/batch`, {
              content: 'labels: { tier: backend }',
            })
          ).status,
        ).toBe(403);
        const putTemplate = await call(ALICE, 'put', `${templates}/batch`, {
          content:
            'labels: { tier: backend }\ndeployment: { revisionHistoryLimit: 3 }',
        });
        expect(putTemplate.status).toBe(200);
        const unknownTemplate = await call(
          ALICE,
          'post',
          `${SVC}/deployments`,
          {
            spec: spec('nginx:1.26', { template: 'missing' }),
          },
        );
        expect(unknownTemplate.status).toBe(400);
        expect(unknownTemplate.body.error.message).toMatch(
          /^spec\.template: "missing"/,
        );
        const templated = await call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('nginx:1.26', { template: 'batch' }),
        });
        expect(templated.body.error?.message).toBeUndefined();
        expect((await settled(call, templated.body.id)).state).toBe(
          'succeeded',
        );
        const batchDeployment = await kubeFor(
          alpha,
        ).apps.readNamespacedDeployment({
          namespace: 'shop',
          name: 'web',
        });
        expect(batchDeployment.metadata?.labels?.tier).toBe('backend');
        expect(batchDeployment.spec?.revisionHistoryLimit).toBe(3);
        const inUse = await call(ALICE, 'delete', `${templates}/batch`);
        expect(inUse.status).toBe(409);
        expect(inUse.body.error.message).toMatch(
          /used by the current version of: web/,
        );

        // beta refuses writes to workloads: one failed cluster, a degraded application.
        beta.faults.set({
          unavailable: true,
          match: { path: '/apis/apps', verbs: ['create', 'patch', 'update'] },
        });
        const v3 = await platform.call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('nginx:1.27'),
        });
        const partial = await settled(platform.call, v3.body.id);
        expect(partial.state).toBe('failed');
        expect(partial.targets).toEqual([
          expect.objectContaining({ cluster: 'alpha', state: 'succeeded' }),
          expect.objectContaining({
            cluster: 'beta',
            state: 'failed',
            reason: 'ApplyFailed',
            message: expect.stringContaining('503'),
          }),
        ]);
        const degraded = await platform.call(
          ALICE,
          'get',
          '/applications/shop/status',
        );
        expect(degraded.body.state).toBe('degraded');
        // The reconciler keeps converging: once beta heals it runs v3 too.
        beta.faults.reset();
        await waitFor(
          async () =>
            (await liveImage(beta)) === 'nginx:1.27' ? true : undefined,
          'beta to catch up',
        );

        // The backend dies while pods start; a new one completes the record.
        const v4 = await platform.call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('shop/web-slow-start:1.28', { replicas: 1 }),
          description: 'slow one',
        });
        await waitFor(async () => {
          const res = await platform.call(
            ALICE,
            'get',
            `${SVC}/deployments/${v4.body.id}`,
          );
          return res.body.targets.every((t: any) => t.state === 'deploying')
            ? true
            : undefined;
        }, 'v4 applied');
        await platform.stop();
        // Still in flight when the backend went: the next one must finish it.
        expect(
          await knex('deployments').where({ id: v4.body.id }).pluck('state'),
        ).toEqual(['deploying']);
        platform = await start(knex, sandboxes, logs, responses);
        const resumed = await settled(platform.call, v4.body.id);
        expect(resumed.state).toBe('succeeded');
        expect(
          await knex('deployments').where({ in_flight: 1 }).pluck('id'),
        ).toEqual([]);
        // One Deployment per cluster, not two.
        for (const sandbox of [alpha, beta]) {
          const list = await kubeFor(sandbox).apps.listNamespacedDeployment({
            namespace: 'shop',
          });
          expect(list.items.map(d => d.metadata?.name)).toEqual(['web']);
        }
      } finally {
        await platform.stop();
        await Promise.all([alpha.stop(), beta.stop()]);
      }
    },
  );
});
