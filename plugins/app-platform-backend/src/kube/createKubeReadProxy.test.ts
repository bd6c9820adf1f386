import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import request from 'supertest';
import {
  as,
  ALICE,
  startTestPlatform,
} from '../__testUtils__/startTestPlatform';
import { readablePath } from './createKubeReadProxy';

jest.setTimeout(60_000);

const base = '/api/app-platform/kube/clusters';

/** The header the Kubernetes plugin sends: its own service token for app-platform. */
function serviceHeader(plugin: string) {
  return mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(`plugin:${plugin}`),
    targetPluginId: 'app-platform',
  });
}

describe('readablePath', () => {
  it.each([
    ['version', '/version'],
    ['api/v1/namespaces/shop/pods', '/api/v1/namespaces/shop/pods'],
    [
      'api/v1/namespaces/shop/pods/web-1/log',
      '/api/v1/namespaces/shop/pods/web-1/log',
    ],
    ['apis/apps/v1/deployments', '/apis/apps/v1/deployments'],
    ['api/v1/namespaces/secrets', '/api/v1/namespaces/secrets'],
  ])('passes %s', (path, expected) => {
    expect(readablePath(path.split('/'))).toBe(expected);
  });

  it.each([
    ['api/v1/secrets', /does not read secrets/],
    ['api/v1/namespaces/shop/secrets/db', /does not read secrets/],
    ['api/v1/namespaces/shop/pods/web-1/exec', /does not open pods\/exec/],
    [
      'api/v1/namespaces/shop/services/web/proxy',
      /does not open services\/proxy/,
    ],
    ['api/v1/nodes/n1/proxy', /does not open nodes\/proxy/],
    ['api/v1/namespaces/shop/pods/web-1/portforward', /portforward/],
    ['api/v1/namespaces/../secrets', /Not an API path/],
    ['healthz', /Not an API path/],
  ])('refuses %s', (path, message) => {
    expect(() => readablePath(path.split('/'))).toThrow(message);
  });
});

describe('the clusters read proxy', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let sandbox: Sandbox;
  let platform: Awaited<ReturnType<typeof startTestPlatform>>;

  beforeAll(async () => {
    sandbox = await startSandbox({ name: 'alpha' });
    const { api } = sandbox;
    api.create(
      api.registry.get('', 'namespaces'),
      undefined,
      { metadata: { name: 'shop' } },
      {},
    );
    for (const [name, app] of [
      ['web-1', 'web'],
      ['db-1', 'db'],
    ]) {
      api.create(
        api.registry.get('', 'configmaps'),
        'shop',
        { metadata: { name, labels: { app } }, data: { k: 'v' } },
        {},
      );
    }
    platform = await startTestPlatform({
      knex: await databases.init('SQLITE_3'),
      mockScheduler: true,
      appPlatform: {
        clusterTimeout: { milliseconds: 500 },
        clusters: [
          {
            name: 'alpha',
            url: sandbox.url,
            caData: sandbox.caData,
            token: sandbox.token,
            environment: 'test',
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await sandbox?.stop();
  });

  afterEach(() => sandbox.faults.reset());

  const path = `${base}/alpha/api/v1/namespaces/shop/configmaps`;

  it('refuses requests without credentials (401), users and other plugins (403)', async () => {
    expect((await request(platform.server).get(path)).status).toBe(401);
    const user = await request(platform.server)
      .get(path)
      .set('Authorization', as(ALICE));
    expect(user.status).toBe(403);
    const catalog = await request(platform.server)
      .get(path)
      .set('Authorization', serviceHeader('catalog'));
    expect(catalog.status).toBe(403);
    expect(catalog.body.error.message).toMatch(
      /plugin:catalog may not read clusters/,
    );
  });

  it('passes a GET of the Kubernetes plugin to the cluster with the platform credentials, label selector included', async () => {
    const res = await request(platform.server)
      .get(`${path}?labelSelector=${encodeURIComponent('app=web')}`)
      .set('Authorization', serviceHeader('kubernetes'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.kind).toBe('ConfigMapList');
    expect(res.body.items.map((i: any) => i.metadata.name)).toEqual(['web-1']);
    expect(res.text).not.toContain(sandbox.token);
  });

  it('passes the cluster own answers on, 404 included', async () => {
    const res = await request(platform.server)
      .get(`${path}/nothing`)
      .set('Authorization', serviceHeader('kubernetes'));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('answers GET only, reads no Secrets and does not stream', async () => {
    const header = serviceHeader('kubernetes');
    const post = await request(platform.server)
      .post(path)
      .set('Authorization', header)
      .send({});
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    const del = await request(platform.server)
      .delete(`${path}/web-1`)
      .set('Authorization', header);
    expect(del.status).toBe(405);
    const secrets = await request(platform.server)
      .get(`${base}/alpha/api/v1/namespaces/shop/secrets`)
      .set('Authorization', header);
    expect(secrets.status).toBe(403);
    const watch = await request(platform.server)
      .get(`${path}?watch=true`)
      .set('Authorization', header);
    expect(watch.status).toBe(400);
    expect(watch.body.error.message).toMatch(/does not stream/);
  });

  it('answers 404 for a cluster it does not know and 503 with the reason for one that hangs', async () => {
    const header = serviceHeader('kubernetes');
    const unknown = await request(platform.server)
      .get(`${base}/nowhere/api/v1/pods`)
      .set('Authorization', header);
    expect(unknown.status).toBe(404);
    sandbox.faults.set({ blackhole: true });
    const started = Date.now();
    const hung = await request(platform.server)
      .get(path)
      .set('Authorization', header);
    expect(hung.status).toBe(503);
    expect(hung.body.error.message).toMatch(
      /no answer from cluster alpha within 500 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
