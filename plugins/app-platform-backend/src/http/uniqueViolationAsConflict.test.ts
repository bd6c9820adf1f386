import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { migrateDatabase } from '../database/migrateDatabase';
import {
  describeUniqueViolation,
  uniqueViolationAsConflict,
} from './uniqueViolationAsConflict';

jest.setTimeout(60_000);

describe('uniqueViolationAsConflict', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'turns a unique violation into a 409 naming the field, and nothing else, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const row = {
        name: 'edge',
        url: 'https://127.0.0.1:1',
        token_encrypted: 'x',
        environment: 'test',
        source: 'api',
        created_by: 'test',
      };
      await knex('clusters').insert(row);
      const duplicate = await knex('clusters')
        .insert(row)
        .then(
          () => undefined,
          e => e,
        );
      expect(describeUniqueViolation(duplicate)).toEqual({
        table: 'clusters',
        columns: ['name'],
      });

      const handler = uniqueViolationAsConflict();
      const passed: unknown[] = [];
      handler(duplicate, {} as any, {} as any, e => passed.push(e));
      expect(passed).toEqual([
        new ConflictError(
          'name is already taken (another clusters entry has the same)',
        ),
      ]);
      expect(passed[0]).toBeInstanceOf(ConflictError);

      const other = new Error('connection lost');
      handler(other, {} as any, {} as any, e => passed.push(e));
      expect(passed[1]).toBe(other);
    },
  );
});
