import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { KubeClients } from '../kube/KubeClients';
import {
  apiClient,
  Call,
  kubeFor,
  platformConfig,
  shopWithWebRunning,
  spec,
  startSandboxes,
} from '../__testUtils__/serviceScenario';
import {
  ADMIN,
  ALICE,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(180_000);

const SVC = '/applications/shop/services/web';

/** The platform on one sandbox cluster, `alpha`, with shop/web running v1. */
async function shopOnAlpha(knex: Knex) {
  const { alpha } = await startSandboxes('alpha');
  const platform = await startTestPlatform({
    knex,
    appPlatform: platformConfig({ alpha }),
  });
  const call = apiClient(platform.server, []);
  const stop = async () => {
    await platform.stop();
    await alpha.stop();
  };
  try {
    await shopWithWebRunning(call, { admin: ADMIN, owner: ALICE }, 1);
  } catch (error) {
    await stop();
    throw error;
  }
  return { alpha, call, stop };
}

/** Deploys and waits until the record succeeded. */
async function deployed(call: Call, body: object) {
  const res = await call(ALICE, 'post', `${SVC}/deployments`, body);
  expect(res.status).toBe(202);
  return waitFor(async () => {
    const r = await call(ALICE, 'get', `${SVC}/deployments/${res.body.id}`);
    return r.body.state === 'succeeded' ? r.body : undefined;
  }, `deployment ${res.body.id}`);
}

/** What the engine asks of a cluster to plan, apply and prune. */
describe('ServiceWorkloads', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  /*
   * It lists, to prune and to plan deletions, only the kinds it may have
   * placed for a service on a cluster (`service_clusters.placed_kinds`),
   * recorded before it applies; a row from before the column lists them all.
   */
  it.each(databases.eachSupportedId())(
    'prunes what a version no longer renders, lists only those kinds, and every kind when not known, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { alpha, call, stop } = await shopOnAlpha(knex);
      const core = kubeFor(alpha).core;
      const placed = async () => {
        const row = await knex('service_clusters')
          .where({ application: 'shop', service: 'web', cluster: 'alpha' })
          .first('placed_kinds');
        return row.placed_kinds ? JSON.parse(row.placed_kinds) : undefined;
      };
      const configMaps = async () =>
        (
          await core.listNamespacedConfigMap({
            namespace: 'shop',
            labelSelector: 'app-platform.io/service=web',
          })
        ).items.map(c => c.metadata!.name);
      try {
        expect(await placed()).toEqual(['v1/Service', 'apps/v1/Deployment']);

        // A config file adds a ConfigMap: recorded with the rest.
        await deployed(call, {
          spec: spec('shop/web:2', {
            configFiles: [{ name: 'app.conf', content: 'a=1' }],
          }),
        });
        expect(await configMaps()).toHaveLength(1);
        expect(await placed()).toEqual(
          expect.arrayContaining([
            'v1/ConfigMap',
            'v1/Service',
            'apps/v1/Deployment',
          ]),
        );

        // Without it, the ConfigMap goes and so does its kind.
        const plan = await call(ALICE, 'post', `${SVC}/plan`, {
          spec: spec('shop/web:3'),
        });
        expect(
          plan.body.clusters[0].objects.filter(
            (o: any) => o.action === 'delete',
          ),
        ).toEqual([expect.objectContaining({ kind: 'ConfigMap' })]);
        await deployed(call, { spec: spec('shop/web:3') });
        expect(await configMaps()).toEqual([]);
        expect((await placed()).sort()).toEqual([
          'apps/v1/Deployment',
          'v1/Service',
        ]);

        // A ConfigMap of ours from before the kinds were recorded: a deploy
        // lists the kinds placed only, so it neither sees nor prunes it...
        const labels = (
          await kubeFor(alpha).apps.readNamespacedDeployment({
            namespace: 'shop',
            name: 'web',
          })
        ).metadata!.labels;
        await core.createNamespacedConfigMap({
          namespace: 'shop',
          body: { metadata: { name: 'web-left-over', labels }, data: {} },
        });
        const plan4 = await call(ALICE, 'post', `${SVC}/plan`, {
          spec: spec('shop/web:4'),
        });
        expect(
          plan4.body.clusters[0].objects.filter(
            (o: any) => o.action === 'delete',
          ),
        ).toEqual([]);
        await deployed(call, { spec: spec('shop/web:4') });
        expect(await configMaps()).toEqual(['web-left-over']);

        // ...while a row from before the column lists every kind.
        await knex('service_clusters')
          .where({ application: 'shop', service: 'web' })
          .update({ placed_kinds: null });
        const plan5 = await call(ALICE, 'post', `${SVC}/plan`, {
          spec: spec('shop/web:5'),
        });
        expect(
          plan5.body.clusters[0].objects
            .filter((o: any) => o.action === 'delete')
            .map((o: any) => o.name),
        ).toEqual(['web-left-over']);
        await deployed(call, { spec: spec('shop/web:5') });
        expect(await configMaps()).toEqual([]);
        expect((await placed()).sort()).toEqual([
          'apps/v1/Deployment',
          'v1/Service',
        ]);

        // A delete lists what was placed and removes it all.
        expect((await call(ALICE, 'delete', SVC)).status).toBe(202);
        await waitFor(async () => {
          const live = await core.listNamespacedService({ namespace: 'shop' });
          return live.items.length === 0 ? true : undefined;
        }, 'the service removed');
      } finally {
        await stop();
      }
    },
  );

  /*
   * A deploy wakes a pass for its service; a record the engine has not
   * applied on a cluster is out of sync whatever the cluster holds, so that
   * pass applies without first listing the cluster's workloads. What to
   * prune is listed while the objects are applied, so no round trip follows
   * the last apply.
   */
  it.each(databases.eachSupportedId())(
    'applies a new record without listing the cluster, and lists what to prune before it applies, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { alpha, call, stop } = await shopOnAlpha(knex);
      const clusterCalls = jest.spyOn(KubeClients.prototype, 'call');
      try {
        // The pass's cluster-wide list of Deployments fails from now on;
        // the status caches listed theirs before and keep watching.
        alpha.faults.set({
          errorRate: 1,
          match: { path: '/apis/apps/v1/deployments', verbs: ['list'] },
        });
        const record = await deployed(call, { spec: spec('shop/web:2') });
        expect(record.targets).toEqual([
          expect.objectContaining({ cluster: 'alpha', state: 'succeeded' }),
        ]);
        const operations = clusterCalls.mock.calls.map(([, op]) => op);
        const listed = operations.indexOf('list service objects');
        expect(listed).toBeGreaterThanOrEqual(0);
        expect(listed).toBeLessThan(operations.indexOf('apply Service'));
      } finally {
        clusterCalls.mockRestore();
        alpha.faults.set({ errorRate: 0, match: undefined });
        await stop();
      }
    },
  );
});
