import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { migrateDatabase } from '../database/migrateDatabase';
import { KubeClients } from '../kube/KubeClients';
import { StatusCaches } from '../status/StatusCaches';
import { DeploymentStore } from './DeploymentStore';
import { DeploymentTracker } from './DeploymentTracker';

jest.setTimeout(60_000);

describe('DeploymentTracker', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  /**
   * Record `r1` of shop/web in flight on cluster `far-away`, which has no
   * watch cache: it never shows anything of the service.
   */
  async function recordOnUnwatchedCluster(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    await knex('applications').insert({
      name: 'shop',
      owner: 'group:default/team-a',
      created_by: 'user:default/alice',
    });
    await knex('services').insert({
      application: 'shop',
      name: 'web',
      created_by: 'user:default/alice',
    });
    const store = DeploymentStore.create({ knex });
    const record = {
      id: 'r1',
      application: 'shop',
      service: 'web',
      action: 'deploy' as const,
      createdBy: 'user:default/alice',
      summary: 'first',
      clusters: ['far-away'],
    };
    await knex.transaction(trx => store.insert(record, trx));
    const live = StatusCaches.create({
      kube: KubeClients.create(),
      clusters: {
        list: async () => [],
        connection: async () => {
          throw new Error('not registered');
        },
      },
      labelSelector: 'app-platform.io/installation=test',
      logger: mockServices.logger.mock(),
    });
    const trackerWithDeadline = (deadlineMs: number) =>
      DeploymentTracker.create({
        store,
        live,
        logger: mockServices.logger.mock(),
        deadlineMs,
      });
    const stop = async () => {
      await live.stop();
      await knex.destroy();
    };
    return { knex, record, store, trackerWithDeadline, stop };
  }

  it.each(databases.eachSupportedId())(
    'moves a target in one statement, only on a change, on %p',
    async databaseId => {
      const { knex, store, stop } = await recordOnUnwatchedCluster(databaseId);
      let statements = 0;
      knex.on('query', () => {
        statements += 1;
      });
      const move = async (
        state: 'deploying' | 'failed',
        reason?: string,
        reopen?: boolean,
      ) => {
        statements = 0;
        const changed = await store.updateTarget(
          'r1',
          'far-away',
          { state, reason },
          { reopen },
        );
        expect(statements).toBe(1);
        return changed;
      };
      const target = async () => (await store.get('r1'))!.targets[0];

      expect(await move('deploying')).toBe(true);
      expect(await move('deploying')).toBe(false);
      expect(await move('failed', 'ImagePullBackOff')).toBe(true);
      expect(await target()).toMatchObject({
        state: 'failed',
        reason: 'ImagePullBackOff',
      });
      // Terminal: only a reopen moves it, and only to something else.
      expect(await move('failed', 'CrashLoopBackOff')).toBe(false);
      expect(await move('failed', 'ImagePullBackOff', true)).toBe(false);
      expect(await move('failed', 'CrashLoopBackOff', true)).toBe(true);
      expect(await move('failed', undefined, true)).toBe(true);
      expect(await target()).toMatchObject({ state: 'failed' });
      expect((await target()).reason).toBeUndefined();
      expect(await move('failed', undefined, true)).toBe(false);
      expect(await move('deploying', undefined, true)).toBe(true);
      // An ended record's targets stay as they ended.
      await store.failUnsettled('r1', 'DeadlineExceeded', 'too slow');
      expect(await store.completeIfSettled('r1')).toBe('failed');
      expect(await move('deploying', undefined, true)).toBe(false);
      await stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'does not look for the end of a record whose applied target rolls out, on %p',
    async databaseId => {
      const { record, store, trackerWithDeadline, stop } =
        await recordOnUnwatchedCluster(databaseId);
      const tracker = trackerWithDeadline(60_000);
      tracker.started(record);
      const ends = jest.spyOn(store, 'completeIfSettled');

      await tracker.applied((await store.get('r1'))!, 'far-away');

      expect((await store.get('r1'))?.targets[0].state).toBe('deploying');
      expect(ends).not.toHaveBeenCalled();
      await stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves no record deploying past its deadline, on %p',
    async databaseId => {
      const { store, trackerWithDeadline, stop } =
        await recordOnUnwatchedCluster(databaseId);

      await trackerWithDeadline(60_000).sweep();
      expect((await store.get('r1'))?.state).toBe('deploying');

      await trackerWithDeadline(0).sweep();
      const record = await store.get('r1');
      expect(record).toMatchObject({
        state: 'failed',
        targets: [
          expect.objectContaining({
            cluster: 'far-away',
            state: 'failed',
            reason: 'DeadlineExceeded',
          }),
        ],
      });
      expect(record?.finishedAt).toBeDefined();
      expect(await store.inFlight('shop', 'web')).toBeUndefined();
      await stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'does not read a record for changes on clusters whose cache does not show it, on %p',
    async databaseId => {
      const { record, store, trackerWithDeadline, stop } =
        await recordOnUnwatchedCluster(databaseId);
      const tracker = trackerWithDeadline(60_000);
      tracker.started(record);
      const reads = jest.spyOn(store, 'get');

      // The old version's pods changing, before the engine got there.
      await tracker.servicesChanged('far-away', [
        { namespace: 'shop', service: 'web' },
      ]);
      await tracker.applied((await store.get('r1'))!, 'far-away');
      reads.mockClear();
      await tracker.servicesChanged('far-away', [
        { namespace: 'shop', service: 'web' },
      ]);
      expect(reads).not.toHaveBeenCalled();
      expect((await store.get('r1'))?.targets[0].state).toBe('deploying');

      await stop();
    },
  );
});
