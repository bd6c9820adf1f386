import { TestDatabases } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { applicationConditions } from '@internal/plugin-app-platform-node';
import { migrateDatabase } from '../database/migrateDatabase';
import { applicationFilter } from './applicationFilter';

jest.setTimeout(60_000);

const owns = (...claims: string[]) =>
  applicationConditions.isApplicationOwner({ claims });
const conditional = (conditions: any): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'app-platform',
  resourceType: 'app-platform-application',
  conditions,
});

describe('applicationFilter', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'turns ALLOW, DENY and criteria trees of the owner rule into where clauses on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      await knex('applications').insert(
        [
          ['payments', 'group:default/team-a'],
          ['orders', 'group:default/team-a'],
          ['search', 'group:default/team-b'],
          ['ledger', 'group:default/team-c'],
        ].map(([name, owner]) => ({
          name,
          owner,
          namespace_template: 'default',
          created_by: 'test',
        })),
      );
      const names = async (decision: PolicyDecision) => {
        const query = knex('applications').select('name').orderBy('name');
        applicationFilter(decision)?.(query);
        return (await query).map(r => r.name);
      };

      expect(
        applicationFilter({ result: AuthorizeResult.ALLOW }),
      ).toBeUndefined();
      expect(await names({ result: AuthorizeResult.ALLOW })).toEqual([
        'ledger',
        'orders',
        'payments',
        'search',
      ]);
      expect(await names({ result: AuthorizeResult.DENY })).toEqual([]);

      expect(
        await names(
          conditional(owns('user:default/alice', 'group:default/team-a')),
        ),
      ).toEqual(['orders', 'payments']);
      expect(await names(conditional(owns()))).toEqual([]);
      expect(
        await names(
          conditional({
            anyOf: [owns('group:default/team-b'), owns('group:default/team-c')],
          }),
        ),
      ).toEqual(['ledger', 'search']);
      expect(
        await names(
          conditional({
            allOf: [
              owns('group:default/team-a', 'group:default/team-b'),
              { not: owns('group:default/team-a') },
            ],
          }),
        ),
      ).toEqual(['search']);
      expect(
        await names(conditional({ not: owns('group:default/team-a') })),
      ).toEqual(['ledger', 'search']);
      // A filter combined with the list's own conditions keeps its parentheses.
      const query = knex('applications').select('name').where('name', 'ledger');
      applicationFilter(
        conditional({
          anyOf: [owns('group:default/team-a'), owns('group:default/team-b')],
        }),
      )!(query);
      expect(await query).toEqual([]);
    },
  );

  it('refuses a rule it cannot translate rather than listing everything', () => {
    expect(() =>
      applicationFilter(
        conditional({
          rule: 'IS_SOMETHING_ELSE',
          resourceType: 'app-platform-application',
          params: {},
        }),
      ),
    ).toThrow(/IS_SOMETHING_ELSE/);
  });
});
