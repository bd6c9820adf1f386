import { TestDatabases } from '@backstage/backend-test-utils';
import { startSandbox } from '@internal/kube-sandbox';
import fc from 'fast-check';
import request from 'supertest';
import {
  ADMIN,
  as,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import {
  anyString,
  bodies,
  expectFuzzFigures,
  fuzzDatabase,
  fuzzRoute,
  tableSnapshot,
  withJson,
} from '../__testUtils__/fuzz';

jest.setTimeout(180_000);

const base = '/api/app-platform';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether registering `url` could make the platform connect anywhere but this
 * machine: an http(s) URL with a host other than the loopback. Such bodies
 * are never sent (the fuzz test talks only to its own sandbox).
 */
function leavesTheMachine(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) && !LOOPBACK.has(parsed.hostname);
  } catch {
    return false;
  }
}

describe('fuzzing the cluster routes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const databaseId = fuzzDatabase(databases);

  it(`answers generated bodies with no 5xx and writes nothing on a 4xx, on ${databaseId}`, async () => {
    const sandbox = await startSandbox({ name: 'fuzz' });
    const knex = await databases.init(databaseId);
    const { server, stop } = await startTestPlatform({
      knex,
      mockScheduler: true,
      appPlatform: { clusterTimeout: { milliseconds: 2000 } },
    });
    try {
      expect(leavesTheMachine(sandbox.url)).toBe(false);
      const urls = fc.oneof(
        { weight: 10, arbitrary: fc.constant(sandbox.url) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            `${sandbox.url}/`,
            `${sandbox.url}/${'p'.repeat(250)}`,
            sandbox.url.replace('https:', 'http:'),
            'https://127.0.0.1:1',
            'https://[::1]:1',
            'ftp://127.0.0.1/',
            'not a url',
            'https://',
          ),
        },
        { weight: 1, arbitrary: anyString },
      );
      const caData = fc.oneof(
        { weight: 6, arbitrary: fc.constant(sandbox.caData) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            Buffer.from(sandbox.caData).toString('base64'),
            '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
            'x'.repeat(65536),
          ),
        },
        { weight: 1, arbitrary: anyString },
      );
      const tokens = fc.oneof(
        { weight: 10, arbitrary: fc.constant(sandbox.token) },
        { weight: 1, arbitrary: anyString },
      );
      const names = fc.oneof(
        fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
        fc.constantFrom('edge', 'prod', 'x'.repeat(63)),
      );
      const labels = fc.dictionary(
        fc.string({ maxLength: 20 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        { maxKeys: 4 },
      );
      const registrations = bodies({
        required: {
          name: names,
          url: urls,
          caData,
          token: tokens,
          environment: fc.constantFrom(
            'test',
            'production',
            'test',
            'production',
            'staging',
          ),
        },
        optional: { labels, skipTLSVerify: fc.boolean() },
      }).filter(
        body =>
          !(
            body &&
            typeof body === 'object' &&
            leavesTheMachine((body as { url?: unknown }).url)
          ),
      );

      const figures = await fuzzRoute({
        route: 'POST /clusters',
        bodies: registrations,
        send: body =>
          withJson(
            request(server)
              .post(`${base}/clusters`)
              .set('Authorization', as(ADMIN)),
            body,
          ),
        // What a registration writes; health columns change with probes.
        snapshot: tableSnapshot(knex, {
          clusters: [
            [
              'name',
              'url',
              'ca_data',
              'token_encrypted',
              'environment',
              'labels',
              'skip_tls_verify',
              'source',
            ],
            'name',
          ],
          audit_events: 'count',
        }),
      });
      expectFuzzFigures(figures);
      const paths = await fuzzRoute({
        route: 'DELETE /clusters/{name}',
        bodies: fc.oneof(
          names,
          fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
        ),
        send: name =>
          request(server)
            .delete(`${base}/clusters/${encodeURIComponent(String(name))}`)
            .set('Authorization', as(ADMIN)),
        snapshot: tableSnapshot(knex, {
          clusters: [['name'], 'name'],
          audit_events: 'count',
        }),
        runs: 300,
      });
      // eslint-disable-next-line no-console
      console.log(paths.line);
      expect(paths.failures).toEqual([]);
      // No token is ever part of an answer.
      const list = await request(server)
        .get(`${base}/clusters`)
        .set('Authorization', as(ADMIN));
      expect(JSON.stringify(list.body)).not.toContain(sandbox.token);
    } finally {
      await stop();
      await sandbox.stop();
    }
  });
});
