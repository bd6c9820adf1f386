import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { migrateDatabase } from './migrateDatabase';
import {
  conflictOnUniqueViolation,
  isUniqueViolation,
} from './isUniqueViolation';

jest.setTimeout(120_000);

describe('unique violations', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'are recognised and become a ConflictError on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const row = {
        name: 'payments',
        owner: 'group:default/team-a',
        namespace_template: 'default',
        created_by: 'test',
      };
      await knex('applications').insert(row);
      const error = await knex('applications')
        .insert(row)
        .then(
          () => undefined,
          e => e,
        );
      expect(isUniqueViolation(error)).toBe(true);
      // Other constraint violations are not conflicts.
      const notNull = await knex('applications')
        .insert({ name: 'x' })
        .then(
          () => undefined,
          e => e,
        );
      expect(notNull).toBeDefined();
      expect(isUniqueViolation(notNull)).toBe(false);

      await expect(
        conflictOnUniqueViolation(
          () => knex('applications').insert(row),
          'taken',
        ),
      ).rejects.toEqual(new ConflictError('taken'));
      await expect(
        conflictOnUniqueViolation(
          () => knex('applications').insert({ name: 'y' }),
          'taken',
        ),
      ).rejects.not.toBeInstanceOf(ConflictError);
    },
  );
});
