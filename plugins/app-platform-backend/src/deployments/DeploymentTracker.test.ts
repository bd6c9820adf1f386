import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../database/migrateDatabase';
import { KubeClients } from '../kube/KubeClients';
import { StatusCaches } from '../status/StatusCaches';
import { DeploymentStore } from './DeploymentStore';
import { DeploymentTracker } from './DeploymentTracker';

jest.setTimeout(60_000);

describe('DeploymentTracker', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'leaves no record deploying past its deadline, on %p',
    async databaseId => {
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
      await knex.transaction(trx =>
        store.insert(
          {
            id: 'r1',
            application: 'shop',
            service: 'web',
            action: 'deploy',
            createdBy: 'user:default/alice',
            summary: 'first',
            clusters: ['far-away'],
          },
          trx,
        ),
      );
      // No cache for the cluster: it never says anything about the service.
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
      const tracker = (deadlineMs: number) =>
        DeploymentTracker.create({
          store,
          live,
          logger: mockServices.logger.mock(),
          deadlineMs,
        });

      await tracker(60_000).sweep();
      expect((await store.get('r1'))?.state).toBe('deploying');

      await tracker(0).sweep();
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
      await live.stop();
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'does not read a record for changes on clusters whose cache does not show it, on %p',
    async databaseId => {
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
      // No cache for the cluster: it shows no workload of the record.
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
      const tracker = DeploymentTracker.create({
        store,
        live,
        logger: mockServices.logger.mock(),
        deadlineMs: 60_000,
      });
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

      await live.stop();
      await knex.destroy();
    },
  );
});
