import { TestDatabases } from '@backstage/backend-test-utils';
import { ChangeNotifier } from './ChangeNotifier';

jest.setTimeout(60_000);

describe('ChangeNotifier', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'tells listeners at once outside a transaction, after the commit inside one, never after a rollback (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('things', t => t.string('name'));
      const notifier = new ChangeNotifier<string>();
      const seen: Array<{ name: string; visible: boolean }> = [];
      notifier.on(name => {
        // What a listener that reads back would find, read at once.
        seen.push({ name, visible: false });
        void knex('things')
          .where({ name })
          .first()
          .then(row => {
            seen.find(s => s.name === name)!.visible = Boolean(row);
          });
      });

      await knex('things').insert({ name: 'plain' });
      notifier.notifyAfter(knex, 'plain');
      expect(seen.map(s => s.name)).toEqual(['plain']);

      await knex.transaction(async trx => {
        await trx('things').insert({ name: 'committed' });
        notifier.notifyAfter(trx, 'committed');
        // Not yet: the transaction has not committed.
        expect(seen.map(s => s.name)).toEqual(['plain']);
      });
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(seen.map(s => s.name)).toEqual(['plain', 'committed']);

      await expect(
        knex.transaction(async trx => {
          await trx('things').insert({ name: 'rolled-back' });
          notifier.notifyAfter(trx, 'rolled-back');
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(seen).toEqual([
        { name: 'plain', visible: true },
        { name: 'committed', visible: true },
      ]);
    },
  );
});
