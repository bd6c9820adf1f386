import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import request from 'supertest';
import { migrateDatabase } from './migrateDatabase';
import { conflictOnUniqueViolation, isUniqueViolation } from './isUniqueViolation';
import { ALICE, as, startTestPlatform } from '../testing/startTestPlatform';

jest.setTimeout(120_000);

const CONCURRENT = 50;

/** Status codes of the answers, counted: `1 × 201, 49 × 409`. */
function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
}

describe('unique violations', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'are recognised and become a ConflictError on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const row = { name: 'payments', owner: 'group:default/team-a', namespace_template: 'default', created_by: 'test' };
      await knex('applications').insert(row);
      const error = await knex('applications').insert(row).then(
        () => undefined,
        e => e,
      );
      expect(isUniqueViolation(error)).toBe(true);
      // Other constraint violations are not conflicts.
      const notNull = await knex('applications').insert({ name: 'x' }).then(
        () => undefined,
        e => e,
      );
      expect(notNull).toBeDefined();
      expect(isUniqueViolation(notNull)).toBe(false);

      await expect(
        conflictOnUniqueViolation(() => knex('applications').insert(row), 'taken'),
      ).rejects.toEqual(new ConflictError('taken'));
      await expect(
        conflictOnUniqueViolation(() => knex('applications').insert({ name: 'y' }), 'taken'),
      ).rejects.not.toBeInstanceOf(ConflictError);
    },
  );

  it.each(databases.eachSupportedId())(
    `answer ${CONCURRENT} concurrent creates of one name with one 201 and the rest 409 on %p`,
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server, stop } = await startTestPlatform({ knex, mockScheduler: true });
      try {
        const post = (path: string, body: object) =>
          request(server).post(`/api/app-platform${path}`).set('Authorization', as(ALICE)).send(body);

        const applications = await Promise.all(
          Array.from({ length: CONCURRENT }, () =>
            post('/applications', { name: 'payments', owner: 'group:default/team-a' }),
          ),
        );
        const servers = await Promise.all(
          Array.from({ length: CONCURRENT }, () =>
            post('/servers', { name: 'build-box', owner: 'team-a', expiresAt: '2030-01-01' }),
          ),
        );
        const applicationFigures = tally(applications.map(r => r.status));
        const serverFigures = tally(servers.map(r => r.status));
        // eslint-disable-next-line no-console
        console.log(
          `concurrency: POST /applications ${applicationFigures}; POST /servers ${serverFigures} on ${databaseId}`,
        );
        expect(applicationFigures).toBe(`1 × 201, ${CONCURRENT - 1} × 409`);
        expect(serverFigures).toBe(`1 × 201, ${CONCURRENT - 1} × 409`);
        for (const res of [...applications, ...servers].filter(r => r.status === 409)) {
          expect(res.body.error.name).toBe('ConflictError');
        }
        expect(await knex('applications').where({ name: 'payments' }).count({ n: '*' })).toEqual([
          { n: expect.anything() },
        ]);
        expect(Number((await knex('applications').count({ n: '*' }))[0].n)).toBe(1);
        expect(Number((await knex('servers').count({ n: '*' }))[0].n)).toBe(1);
      } finally {
        await stop();
      }
    },
  );
});
