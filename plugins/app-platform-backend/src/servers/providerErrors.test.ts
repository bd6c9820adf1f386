import { createBackendModule } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { serverProvidersExtensionPoint } from '@internal/plugin-app-platform-node';
import request from 'supertest';
import {
  ADMIN,
  ALICE,
  as,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(60_000);

const ACCESS_KEY_ID = 'LTAI5tAbCdEfGhIjKlMnOpQr';
const SECRETS = [
  ACCESS_KEY_ID,
  'c2lnbmF0dXJlLW9mLXRoZS1yZXF1ZXN0',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl',
  'hunter2-password',
  'token-of-the-sts-session',
];

/** An SDK-like error quoting its signed request, with a stack. */
function leakyError(): Error {
  const error = new Error(
    `Request failed: GET https://ecs.aliyuncs.com/?AccessKeyId=${ACCESS_KEY_ID}` +
      `&Signature=${SECRETS[1]}&SecurityToken=${SECRETS[4]} ` +
      `Authorization: Bearer ${SECRETS[2]} proxy https://admin:${SECRETS[3]}@proxy.internal`,
  );
  error.stack = `${error.message}\n    at describeInstances (/app/node_modules/sdk.js:10:5)\n    at async run (/app/importer.js:3:1)`;
  return error;
}

const leakyProvider = createBackendModule({
  pluginId: 'app-platform',
  moduleId: 'test-leaky-servers',
  register(reg) {
    reg.registerInit({
      deps: { providers: serverProvidersExtensionPoint },
      async init({ providers }) {
        providers.addServerProvider(
          {
            getProviderName: () => 'leaky',
            readServers: async () => {
              throw leakyError();
            },
          },
          {
            schedule: {
              frequency: { trigger: 'manual' },
              timeout: { minutes: 1 },
            },
          },
        );
      },
    });
  },
});

describe('provider errors shown to users', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('are stored and shown without credentials or stack traces', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server, stop } = await startTestPlatform({
      knex,
      features: [leakyProvider],
    });
    try {
      const api = '/api/app-platform/servers';
      const triggered = await request(server)
        .post(`${api}/providers/leaky/import`)
        .set('Authorization', as(ADMIN));
      expect(triggered.status).toBe(202);
      const status = await waitFor(async () => {
        const res = await request(server)
          .get(`${api}/providers`)
          .set('Authorization', as(ALICE));
        const leaky = res.body.items.find(
          (p: { provider: string }) => p.provider === 'leaky',
        );
        return leaky?.error ? leaky : undefined;
      }, 'the import of leaky to fail');

      const stored = await knex('server_provider_status')
        .where({ provider: 'leaky' })
        .first();
      for (const text of [status.error, stored.error]) {
        expect(text).toContain('Request failed');
        for (const secret of SECRETS) expect(text).not.toContain(secret);
        expect(text).not.toMatch(/\n\s+at /);
        expect(text).not.toContain('node_modules');
      }

      // An error stored before cleaning existed is cleaned when shown.
      await knex('server_provider_status')
        .where({ provider: 'leaky' })
        .update({ error: leakyError().stack });
      const shown = await request(server)
        .get(`${api}/providers`)
        .set('Authorization', as(ALICE));
      const again = shown.body.items.find(
        (p: { provider: string }) => p.provider === 'leaky',
      );
      for (const secret of SECRETS) expect(again.error).not.toContain(secret);
      expect(again.error).not.toMatch(/\n\s+at /);
    } finally {
      await stop();
    }
  });
});
