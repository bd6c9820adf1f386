import { TestDatabases } from '@backstage/backend-test-utils';
import { startSandbox } from '@internal/kube-sandbox';
import request from 'supertest';
import {
  ADMIN,
  ALICE,
  as,
  startTestPlatform,
} from './__testUtils__/startTestPlatform';

jest.setTimeout(120_000);

const CONCURRENT = 50;
const base = '/api/app-platform';

/** Status codes of the answers, counted: `1 × 201, 49 × 409`. */
function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
}

describe('concurrent creates of one name', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    `answer ${CONCURRENT} at once with one 201 and the rest 409, and store one row, on %p`,
    async databaseId => {
      const sandbox = await startSandbox({ name: 'concurrency' });
      const knex = await databases.init(databaseId);
      const { server, stop } = await startTestPlatform({
        knex,
        mockScheduler: true,
      });
      try {
        const post = (user: string, path: string, body: object) =>
          request(server)
            .post(`${base}${path}`)
            .set('Authorization', as(user))
            .send(body);
        const all = (user: string, path: string, body: object) =>
          Promise.all(
            Array.from({ length: CONCURRENT }, () => post(user, path, body)),
          );

        const routes = {
          'POST /applications': await all(ALICE, '/applications', {
            name: 'payments',
            owner: 'group:default/team-a',
          }),
          'POST /servers': await all(ALICE, '/servers', {
            name: 'build-box',
            owner: 'team-a',
            expiresAt: '2030-01-01',
          }),
          // Every registration passes the name check and the probe; the key decides.
          'POST /clusters': await all(ADMIN, '/clusters', {
            name: 'edge',
            url: sandbox.url,
            caData: sandbox.caData,
            token: sandbox.token,
            environment: 'test',
          }),
        };
        const figures = Object.entries(routes).map(
          ([route, answers]) => `${route} ${tally(answers.map(r => r.status))}`,
        );
        // eslint-disable-next-line no-console
        console.log(`concurrency on ${databaseId}: ${figures.join('; ')}`);

        for (const [route, answers] of Object.entries(routes)) {
          expect({
            route,
            statuses: tally(answers.map(r => r.status)),
          }).toEqual({
            route,
            statuses: `1 × 201, ${CONCURRENT - 1} × 409`,
          });
          for (const res of answers.filter(r => r.status === 409)) {
            expect(res.body.error.name).toBe('ConflictError');
            expect(res.body.error.message).toMatch(/name/);
          }
        }
        const count = async (table: string) =>
          Number((await knex(table).count({ n: '*' }))[0].n);
        expect(await count('applications')).toBe(1);
        expect(await count('servers')).toBe(1);
        expect(await count('clusters')).toBe(1);
        // One audit event each for the application and the cluster: none of a refused request.
        expect(await count('audit_events')).toBe(2);
      } finally {
        await stop();
        await sandbox.stop();
      }
    },
  );
});
