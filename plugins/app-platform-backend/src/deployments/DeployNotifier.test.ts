import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrateDatabase } from '../database/migrateDatabase';
import { ServiceStore } from '../services/ServiceStore';
import { RecordingNotifications } from '../__testUtils__/RecordingNotifications';
import { DeploymentStore } from './DeploymentStore';
import { DeployNotifier } from './DeployNotifier';

jest.setTimeout(60_000);

const OWNER = 'group:default/team-a';
const ALICE = 'user:default/alice';

async function setUp(knex: Knex) {
  await migrateDatabase(knex);
  await knex('applications').insert({
    name: 'shop',
    owner: OWNER,
    created_by: ALICE,
  });
  await knex('services').insert({
    application: 'shop',
    name: 'web',
    created_by: ALICE,
  });
  const records = DeploymentStore.create({ knex });
  const services = ServiceStore.create({ knex });
  const notifier = (notifications: RecordingNotifications) =>
    DeployNotifier.create({
      knex,
      records,
      services,
      notifications,
      logger: mockServices.logger.mock(),
    });
  /** A record as the engine writes it, then settled on both clusters. */
  const settledRecord = async (
    id: string,
    createdBy: string,
    state: 'succeeded' | 'failed',
  ) => {
    await knex.transaction(trx =>
      records.insert(
        {
          id,
          application: 'shop',
          service: 'web',
          action: 'deploy',
          version: 2,
          createdBy,
          description: 'new front page',
          summary: 'image shop/web:1 → shop/web:2',
          clusters: ['test', 'production'],
        },
        trx,
      ),
    );
    await knex('deployment_targets')
      .where({ deployment_id: id })
      .update({
        state,
        reason: state === 'failed' ? 'ErrImagePull' : null,
        message:
          state === 'failed' ? 'image shop/web:2 not found' : '2/2 ready',
      });
    await knex('deployments')
      .where({ id })
      .update({ state, in_flight: null, finished_at: new Date() });
  };
  return { notifier, settledRecord };
}

describe('DeployNotifier', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'sends one notification per record and outcome, also from two replicas, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { notifier, settledRecord } = await setUp(knex);
      const sent = new RecordingNotifications();
      const replicaA = notifier(sent);
      const replicaB = notifier(sent);

      // A failed deploy: the owner group and the user who started it, once.
      await settledRecord(
        '00000000-0000-4000-8000-000000000001',
        ALICE,
        'failed',
      );
      await Promise.all([
        replicaA.settled('00000000-0000-4000-8000-000000000001'),
        replicaB.settled('00000000-0000-4000-8000-000000000001'),
        replicaA.sweep(),
        replicaB.sweep(),
      ]);
      expect(sent.sent).toHaveLength(1);
      expect(sent.sent[0]).toEqual({
        recipients: { type: 'entity', entityRef: [OWNER, ALICE] },
        payload: {
          title: 'Deploy v2 of shop/web failed',
          description: `production: ErrImagePull: image shop/web:2 not found; test: ErrImagePull: image shop/web:2 not found. Started by ${ALICE}: new front page.`,
          severity: 'high',
          topic: 'deploy failed: shop/web',
          link: '/catalog/shop/component/web/deployments',
          scope:
            'app-platform:deployment:00000000-0000-4000-8000-000000000001:failed',
        },
      });

      // A success: only the user who started it.
      await settledRecord(
        '00000000-0000-4000-8000-000000000002',
        ALICE,
        'succeeded',
      );
      await replicaB.settled('00000000-0000-4000-8000-000000000002');
      await replicaA.settled('00000000-0000-4000-8000-000000000002');
      expect(sent.sent).toHaveLength(2);
      expect(sent.sent[1]).toMatchObject({
        recipients: { type: 'entity', entityRef: [ALICE] },
        payload: {
          title: 'Deploy v2 of shop/web succeeded on production, test',
          description: 'image shop/web:1 → shop/web:2',
          severity: 'normal',
          topic: 'deploy succeeded: shop/web',
        },
      });

      // A CI build's failure reaches the owner group; its success nobody.
      await settledRecord(
        '00000000-0000-4000-8000-000000000003',
        'ci:generic',
        'failed',
      );
      await settledRecord(
        '00000000-0000-4000-8000-000000000004',
        'ci:generic',
        'succeeded',
      );
      // No replica was told (a crash between settling and notifying): the sweep finds them.
      await replicaA.sweep();
      await replicaB.sweep();
      expect(sent.sent).toHaveLength(3);
      expect(sent.sent[2]).toMatchObject({
        recipients: { type: 'entity', entityRef: [OWNER] },
        payload: { topic: 'deploy failed: shop/web' },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'sends nothing for a record in flight, and nothing twice after a failed send on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { notifier, settledRecord } = await setUp(knex);
      const sent = new RecordingNotifications();
      const replica = notifier(sent);
      await settledRecord(
        '00000000-0000-4000-8000-000000000005',
        ALICE,
        'failed',
      );
      await knex('deployments')
        .where({ id: '00000000-0000-4000-8000-000000000005' })
        .update({ state: 'deploying' });
      await replica.settled('00000000-0000-4000-8000-000000000005');
      expect(sent.sent).toHaveLength(0);
      await knex('deployments')
        .where({ id: '00000000-0000-4000-8000-000000000005' })
        .update({ state: 'failed' });
      sent.failNext = true;
      await replica.settled('00000000-0000-4000-8000-000000000005');
      await replica.sweep();
      expect(sent.sent).toHaveLength(0);
    },
  );
});
