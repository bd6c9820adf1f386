import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import {
  ADMIN,
  ALICE,
  as,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import {
  bodies,
  expectFuzzFigures,
  fuzzDatabase,
  fuzzRoute,
  tableSnapshot,
  withJson,
} from '../__testUtils__/fuzz';

jest.setTimeout(180_000);

const base = '/api/app-platform';

/** RFC 1123 labels (valid names), a few of which repeat, so some creates collide. */
const names = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
  fc.constantFrom(
    'payments',
    'orders',
    'a',
    'x'.repeat(63),
    'kube-system',
    'default',
  ),
);
const owners = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'group:default/team-a',
      'team-a',
      'group:default/team-b',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'group:default/nobody',
      'user:default/alice',
      'component:default/x',
      'group:',
      `group:default/${'t'.repeat(250)}`,
    ),
  },
);
const texts = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'x'.repeat(255),
      'x'.repeat(256),
      'x'.repeat(4096),
      'x'.repeat(4097),
    ),
  },
);

describe('fuzzing the application routes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const databaseId = fuzzDatabase(databases);

  it(`answers generated bodies with no 5xx and writes nothing on a 4xx, on ${databaseId}`, async () => {
    const knex = await databases.init(databaseId);
    // No clusters: creating and changing applications touches only the database.
    const { server, stop } = await startTestPlatform({
      knex,
      mockScheduler: true,
    });
    try {
      const snapshot = tableSnapshot(knex, {
        applications: ['*', 'name'],
        reconcile_targets: ['*', 'target'],
        audit_events: 'count',
      });

      const created = await fuzzRoute({
        route: 'POST /applications',
        bodies: bodies({
          required: { name: names, owner: owners },
          optional: {
            title: texts,
            description: texts,
            namespaceTemplate: fc.constantFrom(
              'default',
              'web',
              'default',
              'missing',
            ),
            adopt: fc.boolean(),
          },
        }),
        send: body =>
          withJson(
            request(server)
              .post(`${base}/applications`)
              .set('Authorization', as(ADMIN)),
            body,
          ),
        snapshot,
      });
      expectFuzzFigures(created);

      const target = await request(server)
        .post(`${base}/applications`)
        .set('Authorization', as(ADMIN))
        .send({ name: 'fuzz-target', owner: 'group:default/team-a' });
      expect(target.status).toBe(201);
      const changed = await fuzzRoute({
        route: 'PATCH /applications/{name}',
        bodies: bodies({
          optional: { title: texts, description: texts, owner: owners },
        }),
        send: body =>
          withJson(
            request(server)
              .patch(`${base}/applications/fuzz-target`)
              .set('Authorization', as(ADMIN)),
            body,
          ),
        snapshot,
      });
      expectFuzzFigures(changed);

      const paths = await fuzzRoute({
        route: 'DELETE /applications/{name}',
        bodies: fc.oneof(
          names,
          fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
        ),
        send: name =>
          request(server)
            .delete(`${base}/applications/${encodeURIComponent(String(name))}`)
            .set('Authorization', as(ALICE)),
        snapshot,
        runs: 300,
      });
      // eslint-disable-next-line no-console
      console.log(paths.line);
      expect(paths.failures).toEqual([]);
    } finally {
      await stop();
    }
  });
});
