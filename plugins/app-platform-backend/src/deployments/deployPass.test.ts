import { TestDatabases } from '@backstage/backend-test-utils';
import {
  apiClient,
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

/**
 * A deploy wakes a pass for its service; a record the engine has not applied
 * on a cluster is out of sync whatever the cluster holds, so that pass
 * applies without first listing the cluster's workloads.
 */
describe("a deploy's own pass", () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'applies a new record without listing the cluster, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { alpha } = await startSandboxes('alpha');
      const platform = await startTestPlatform({
        knex,
        appPlatform: platformConfig({ alpha }),
      });
      const call = apiClient(platform.server, []);
      try {
        await shopWithWebRunning(call, { admin: ADMIN, owner: ALICE }, 1);
        // The pass's cluster-wide list of Deployments fails from now on;
        // the status caches listed theirs before and keep watching.
        alpha.faults.set({
          errorRate: 1,
          match: { path: '/apis/apps/v1/deployments', verbs: ['list'] },
        });
        const res = await call(ALICE, 'post', `${SVC}/deployments`, {
          spec: spec('shop/web:2'),
        });
        expect(res.status).toBe(202);
        const record = await waitFor(async () => {
          const r = await call(
            ALICE,
            'get',
            `${SVC}/deployments/${res.body.id}`,
          );
          return r.body.state === 'succeeded' ? r.body : undefined;
        }, `deployment ${res.body.id}`);
        expect(record.targets).toEqual([
          expect.objectContaining({ cluster: 'alpha', state: 'succeeded' }),
        ]);
      } finally {
        alpha.faults.set({ errorRate: 0, match: undefined });
        await platform.stop();
        await alpha.stop();
      }
    },
  );
});
