import { TestDatabases } from '@backstage/backend-test-utils';
import { Sandbox } from '@internal/kube-sandbox';
import { Knex } from 'knex';
import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
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
import { RecordingNotifications } from '../__testUtils__/RecordingNotifications';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';

jest.setTimeout(240_000);

const SVC = '/applications/shop/services/web';

/** Signs a generic webhook as the README tells a CI script to. */
function signed(secret: string, body: object, timestamp = Date.now() / 1000) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(timestamp));
  const key = createHash('sha256').update(secret).digest();
  const signature = `sha256=${createHmac('sha256', key)
    .update(`${ts}.${raw}`)
    .digest('hex')}`;
  return {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-app-platform-timestamp': ts,
      'x-app-platform-signature': signature,
    },
  };
}

/** A GitLab pipeline event as its webhook documentation shows one (trimmed). */
function gitlabPipeline(status: string, tag: boolean, ref: string) {
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: 31,
      iid: 3,
      name: 'Pipeline for tag',
      ref,
      tag,
      sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      before_sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      source: 'push',
      status,
      detailed_status: status === 'success' ? 'passed' : status,
      stages: ['build', 'test', 'deploy'],
      created_at: '2016-08-12 15:23:28 UTC',
      finished_at: '2016-08-12 15:26:29 UTC',
      duration: 63,
      queued_duration: 12,
      variables: [],
      url: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
    },
    user: { id: 1, name: 'Administrator', username: 'root' },
    project: {
      id: 1,
      name: 'Gitlab Test',
      path_with_namespace: 'gitlab-org/gitlab-test',
      web_url: 'http://example.com/gitlab-org/gitlab-test',
      default_branch: 'master',
    },
    commit: {
      id: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      message: 'test\n',
      timestamp: '2016-08-12T17:23:21+02:00',
      url: 'http://example.com/gitlab-org/gitlab-test/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2',
    },
    builds: [],
  };
}

async function liveImage(sandbox: Sandbox) {
  const deployment = await kubeFor(sandbox).apps.readNamespacedDeployment({
    namespace: 'shop',
    name: 'web',
  });
  return deployment.spec?.template.spec?.containers.find(c => c.name === 'app')
    ?.image;
}

/** What a refused webhook must not change. */
async function writes(knex: Knex) {
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  return {
    builds: await count('ci_builds'),
    versions: await count('service_versions'),
    records: await count('deployments'),
  };
}

describe('CI webhooks', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'turn a signed build into a version deployed to the test cluster, once, promote it to production, refuse the rest and notify a failure once on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { alpha, beta } = await startSandboxes('alpha', 'beta');
      const notifications = new RecordingNotifications();
      const platform = await startTestPlatform({
        knex,
        appPlatform: platformConfig({ alpha, beta }),
        features: [
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => notifications,
          }),
        ],
      });
      const call: Call = apiClient(platform.server, []);
      const webhook = (
        provider: string,
        raw: string,
        headers: Record<string, string>,
        query = '',
      ) => {
        let req = request(platform.server).post(
          `/api/app-platform/ci/${provider}${query}`,
        );
        for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
        return req.send(raw);
      };
      try {
        await waitFor(async () => {
          const res = await call(ADMIN, 'get', '/clusters');
          return res.body.items?.every((c: any) => c.health === 'healthy') &&
            res.body.items.length === 2
            ? true
            : undefined;
        }, 'clusters healthy');
        expect(
          (
            await call(ALICE, 'post', '/applications', {
              name: 'shop',
              owner: 'group:default/team-a',
            })
          ).status,
        ).toBe(201);
        await waitFor(async () => {
          const res = await call(ALICE, 'get', '/applications/shop');
          return res.body.namespaces?.every((n: any) => n.state === 'ready') &&
            res.body.namespaces.length === 2
            ? true
            : undefined;
        }, 'namespaces ready');
        await call(ALICE, 'post', '/applications/shop/services', {
          name: 'web',
        });
        const build = {
          application: 'shop',
          service: 'web',
          image: 'shop/web:2',
          build: 'build-42',
          commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
          url: 'https://ci.internal/shop/web/42',
        };

        // Before the first version there is nothing to replace the image of.
        const secretRes = await call(ALICE, 'post', `${SVC}/ci/secret`);
        expect(secretRes.status).toBe(201);
        const secret: string = secretRes.body.secret;
        expect(secret).toMatch(/^whsec_/);
        const early = signed(secret, build);
        const noVersion = await webhook('generic', early.raw, early.headers);
        expect(noVersion.status).toBe(409);
        expect(noVersion.body.error.message).toMatch(/no version yet/);

        const v1 = await call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('shop/web:1'),
        });
        await waitFor(async () => {
          const res = await call(
            ALICE,
            'get',
            `${SVC}/deployments/${v1.body.id}`,
          );
          return res.body.state === 'succeeded' ? true : undefined;
        }, 'v1 running');

        // Settings: readable by readers, never with the secret; changed by owners only.
        expect((await call(BOB, 'post', `${SVC}/ci/secret`)).status).toBe(403);
        expect(
          (await call(BOB, 'put', `${SVC}/ci`, { policy: 'deploy-test' }))
            .status,
        ).toBe(403);
        expect((await call(undefined, 'get', `${SVC}/ci`)).status).toBe(401);
        const badPolicy = await call(ALICE, 'put', `${SVC}/ci`, {
          policy: 'everywhere',
        });
        expect(badPolicy.status).toBe(400);
        expect(badPolicy.body.error.message).toMatch(/policy/);
        const settings = await call(ALICE, 'put', `${SVC}/ci`, {
          policy: 'deploy-test',
        });
        expect(settings.status).toBe(200);
        expect(settings.body).toMatchObject({ policy: 'deploy-test' });
        expect(JSON.stringify(settings.body)).not.toContain(secret);
        expect(JSON.stringify(await knex('service_ci'))).not.toContain(
          secret.slice(6),
        );

        // Refused webhooks write nothing.
        const before = await writes(knex);
        const wrong = signed(`${secret}x`, build);
        const wrongSignature = await webhook('generic', wrong.raw, {
          ...wrong.headers,
        });
        expect(wrongSignature.status).toBe(401);
        const old = signed(secret, build, Date.now() / 1000 - 600);
        const oldTimestamp = await webhook('generic', old.raw, old.headers);
        expect(oldTimestamp.status).toBe(401);
        expect(oldTimestamp.body.error.message).toMatch(/from now/);
        const unknown = signed(secret, { ...build, service: 'nope' });
        expect(
          (await webhook('generic', unknown.raw, unknown.headers)).status,
        ).toBe(404);
        const { image: _image, ...noImage } = build;
        const malformed = signed(secret, noImage);
        const malformedRes = await webhook(
          'generic',
          malformed.raw,
          malformed.headers,
        );
        expect(malformedRes.status).toBe(400);
        expect(malformedRes.body.error.message).toMatch(/^image: is required/);
        expect((await webhook('travis', early.raw, early.headers)).status).toBe(
          404,
        );
        expect(await writes(knex)).toEqual(before);

        // A signed build: version 2, deployed to the test cluster only.
        const first = signed(secret, build);
        const created = await webhook('generic', first.raw, first.headers);
        expect(created.status).toBe(201);
        expect(created.body.build).toMatchObject({
          provider: 'generic',
          buildId: 'build-42',
          image: 'shop/web:2',
          outcome: 'deployed',
          version: 2,
        });
        const record = await waitFor(async () => {
          const res = await call(
            ALICE,
            'get',
            `${SVC}/deployments/${created.body.build.deploymentId}`,
          );
          return res.body.state !== 'deploying' ? res.body : undefined;
        }, 'the build deployed');
        expect(record).toMatchObject({
          state: 'succeeded',
          createdBy: 'ci:generic',
          version: 2,
        });
        expect(record.targets.map((t: any) => t.cluster)).toEqual(['alpha']);
        expect(await liveImage(alpha)).toBe('shop/web:2');
        expect(await liveImage(beta)).toBe('shop/web:1');

        // The same webhook again (a retry): nothing new.
        const afterFirst = await writes(knex);
        const again = await webhook('generic', first.raw, first.headers);
        expect(again.status).toBe(200);
        expect(again.body.build.id).toBe(created.body.build.id);
        expect(await writes(knex)).toEqual(afterFirst);

        // Promotion of the build's record to production: planned, then applied
        // as a record that says where it came from.
        const fromTest = created.body.build.deploymentId;
        const plan = await call(ALICE, 'post', `${SVC}/plan`, {
          deployment: fromTest,
          clusters: ['beta'],
        });
        expect(plan.status).toBe(200);
        expect(plan.body.clusters.map((c: any) => c.cluster)).toEqual(['beta']);
        expect(
          plan.body.clusters[0].objects.find(
            (o: any) => o.kind === 'Deployment',
          ).action,
        ).toBe('update');
        expect(
          (
            await call(
              BOB,
              'post',
              `${SVC}/deployments/${fromTest}/promote`,
              {},
            )
          ).status,
        ).toBe(403);
        const promoted = await call(
          ALICE,
          'post',
          `${SVC}/deployments/${fromTest}/promote`,
          {},
        );
        expect(promoted.status).toBe(202);
        expect(promoted.body).toMatchObject({
          promotedFrom: fromTest,
          version: 2,
          createdBy: ALICE,
          // Against what production ran, not the test deploy it came from.
          summary: expect.stringContaining('shop/web:1 → shop/web:2'),
          previousSpec: expect.objectContaining({ image: 'shop/web:1' }),
          description: 'promoted from v2 on alpha',
        });
        expect(promoted.body.targets.map((t: any) => t.cluster)).toEqual([
          'beta',
        ]);
        await waitFor(async () => {
          const res = await call(
            ALICE,
            'get',
            `${SVC}/deployments/${promoted.body.id}`,
          );
          return res.body.state === 'succeeded' ? true : undefined;
        }, 'the promotion succeeded');
        expect(await liveImage(beta)).toBe('shop/web:2');
        // Only a deploy that succeeded on test clusters can be promoted.
        const again2 = await call(
          ALICE,
          'post',
          `${SVC}/deployments/${promoted.body.id}/promote`,
          {},
        );
        expect(again2.status).toBe(409);
        expect(again2.body.error.message).toMatch(/not a test cluster/);
        const toTest = await call(
          ALICE,
          'post',
          `${SVC}/deployments/${fromTest}/promote`,
          { clusters: ['alpha'] },
        );
        expect(toTest.status).toBe(400);
        expect(toTest.body.error.message).toMatch(
          /^clusters: alpha is not a production cluster/,
        );

        // A build that fails on the cluster: one notification, to the owner
        // group (the CI system is nobody's inbox); the successes of CI builds
        // notify nobody, a user's own deploy notifies that user.
        const broken = signed(secret, {
          ...build,
          image: 'registry.shop.example/web:broken',
          build: 'build-44',
        });
        const brokenRes = await webhook('generic', broken.raw, broken.headers);
        expect(brokenRes.status).toBe(201);
        await waitFor(async () => {
          const res = await call(
            ALICE,
            'get',
            `${SVC}/deployments/${brokenRes.body.build.deploymentId}`,
          );
          return res.body.state === 'failed' ? true : undefined;
        }, 'the broken build failed');
        const failures = () =>
          notifications.sent.filter(
            n => n.payload.topic === 'deploy failed: shop/web',
          );
        await waitFor(
          async () => (failures().length ? true : undefined),
          'the failure notified',
        );
        // The reconciler's sweeps run every second: they must not send it again.
        await new Promise(resolve => setTimeout(resolve, 2500));
        expect(failures()).toHaveLength(1);
        expect(failures()[0]).toMatchObject({
          recipients: { type: 'entity', entityRef: ['group:default/team-a'] },
          payload: {
            title: 'Deploy v3 of shop/web failed',
            severity: 'high',
            link: '/catalog/shop/component/web/deployments',
          },
        });
        expect(failures()[0].payload.description).toMatch(
          /^alpha: (ErrImagePull|ImagePullBackOff)/,
        );
        expect(
          notifications.sent.map(n => [
            n.payload.topic,
            (n.recipients as { entityRef: string[] }).entityRef,
          ]),
        ).toEqual([
          ['deploy succeeded: shop/web', [ALICE]],
          ['deploy succeeded: shop/web', [ALICE]],
          ['deploy failed: shop/web', ['group:default/team-a']],
        ]);

        // Rotation: the old secret stops working at once.
        const rotated = await call(ALICE, 'post', `${SVC}/ci/secret`);
        expect(rotated.body.secret).not.toBe(secret);
        const stale = signed(secret, { ...build, build: 'build-43' });
        expect(
          (await webhook('generic', stale.raw, stale.headers)).status,
        ).toBe(401);

        // GitLab's pipeline events, under the record policy: a version only.
        await call(ALICE, 'put', `${SVC}/ci`, {
          policy: 'record',
          imageRepository: 'registry.internal/shop/web',
        });
        const gitlab = (payload: object, token = rotated.body.secret) =>
          webhook(
            'gitlab',
            JSON.stringify(payload),
            {
              'content-type': 'application/json',
              'x-gitlab-event': 'Pipeline Hook',
              'x-gitlab-token': token,
            },
            '?application=shop&service=web',
          );
        const running = await gitlab(gitlabPipeline('running', true, 'v3.0.0'));
        expect(running.status).toBe(202);
        expect(
          (await gitlab(gitlabPipeline('success', true, 'v3.0.0'), secret))
            .status,
        ).toBe(401);
        const tagged = await gitlab(gitlabPipeline('success', true, 'v3.0.0'));
        expect(tagged.status).toBe(201);
        expect(tagged.body.build).toMatchObject({
          provider: 'gitlab',
          buildId: 'pipeline-31',
          image: 'registry.internal/shop/web:v3.0.0',
          commit: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
          url: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
          outcome: 'recorded',
          version: 4,
        });
        expect(tagged.body.build.deploymentId).toBeUndefined();
        const versions = await call(ALICE, 'get', `${SVC}/versions`);
        expect(versions.body.items[0]).toMatchObject({
          number: 4,
          spec: { image: 'registry.internal/shop/web:v3.0.0', replicas: 2 },
        });
        expect(await liveImage(alpha)).toBe('registry.shop.example/web:broken');

        const listed = await call(BOB, 'get', `${SVC}/ci`);
        expect(listed.status).toBe(200);
        expect(
          listed.body.builds.map((b: any) => [b.provider, b.buildId]),
        ).toEqual([
          ['gitlab', 'pipeline-31'],
          ['generic', 'build-44'],
          ['generic', 'build-42'],
        ]);
        expect(listed.body.secretCreatedAt).toBe(rotated.body.createdAt);
      } finally {
        await platform.stop();
        await Promise.all([alpha.stop(), beta.stop()]);
      }
    },
  );
});
