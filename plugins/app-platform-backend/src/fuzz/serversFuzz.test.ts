import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import {
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

const serverNames = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'build-box',
      'other',
      ' padded ',
      'x'.repeat(255),
    ),
  },
);
const owners = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('team-a', 'group:default/team-a', 'Team-A'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'group:default/nobody',
      'user:default/alice',
      ':',
      // 255 written as `team…`, longer once `group:default/` is added.
      't'.repeat(250),
    ),
  },
);
/** ISO dates and date-times, plausible and edge cases. */
const dates = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .date({
        min: new Date('1990-01-01'),
        max: new Date('2100-01-01'),
        noInvalidDate: true,
      })
      .map(d => d.toISOString()),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '2030-01-01',
      '2030-02-30',
      '2030-13-01',
      '0000-01-01',
      '9999-12-31T23:59:59Z',
      '2030-01-01 10:00',
      '2030-01-01T10:00:00+99:99',
      '2030-01-01T25:61:61Z',
      '20300101',
    ),
  },
);
const counts = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2147483647 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 2147483647, 2147483648, -1, 1.5) },
);
const shortText = fc.string({ unit: 'grapheme', maxLength: 30 });
const serverFields = {
  required: { name: serverNames, owner: owners },
  optional: {
    expiresAt: dates,
    createdAt: dates,
    chargeType: fc.constantFrom(
      'PrePaid',
      'PostPaid',
      'pay-as-you-go',
      'monthly',
    ),
    region: shortText,
    os: shortText,
    cpu: counts,
    memoryMib: counts,
    diskGib: counts,
    ipAddresses: fc.array(fc.ipV4(), { maxLength: 4 }),
    tags: fc.dictionary(fc.string({ maxLength: 10 }), shortText, {
      maxKeys: 4,
    }),
  },
};

describe('fuzzing the server routes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const databaseId = fuzzDatabase(databases);

  it(`answers generated bodies with no 5xx and writes nothing on a 4xx, on ${databaseId}`, async () => {
    const knex = await databases.init(databaseId);
    const { server, stop } = await startTestPlatform({
      knex,
      mockScheduler: true,
    });
    try {
      const snapshot = tableSnapshot(knex, {
        servers: ['*', 'id'],
        server_expiry_notices: 'count',
      });

      expectFuzzFigures(
        await fuzzRoute({
          route: 'POST /servers',
          bodies: bodies(serverFields),
          send: body =>
            withJson(
              request(server)
                .post(`${base}/servers`)
                .set('Authorization', as(ALICE)),
              body,
            ),
          snapshot,
        }),
      );

      // Replacing one server of Alice's team; another one's name is taken.
      const target = await request(server)
        .post(`${base}/servers`)
        .set('Authorization', as(ALICE))
        .send({
          name: 'fuzz-target',
          owner: 'team-a',
          expiresAt: '2030-01-01',
        });
      expect(target.status).toBe(201);
      expectFuzzFigures(
        await fuzzRoute({
          route: 'PUT /servers/{id}',
          bodies: bodies({
            ...serverFields,
            // Alice's team stays the owner of most versions, so she may go on changing it.
            required: {
              ...serverFields.required,
              owner: fc.constantFrom('team-a', 'group:default/team-a'),
            },
          }),
          send: body =>
            withJson(
              request(server)
                .put(`${base}/servers/${target.body.id}`)
                .set('Authorization', as(ALICE)),
              body,
            ),
          snapshot,
        }),
      );

      const paths = await fuzzRoute({
        route: 'DELETE /servers/{id}',
        bodies: fc.oneof(
          fc.uuid(),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
        ),
        send: id =>
          request(server)
            .delete(`${base}/servers/${encodeURIComponent(String(id))}`)
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
