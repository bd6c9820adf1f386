import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startSandbox, Sandbox } from '@internal/kube-sandbox';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import appPlatformPlugin from '@internal/plugin-app-platform-backend';
import { AppPlatformPermissionPolicy } from './AppPlatformPermissionPolicy';

jest.setTimeout(60_000);

const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/root': ['group:default/platform-admins'],
};

const groups = ['team-a', 'team-b', 'platform-admins'].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
}));

/**
 * The portal's permissions service, deciding with our policy in-process. (The
 * permission backend's HTTP round trip needs real user tokens with an actor,
 * which Backstage's mock auth does not issue.)
 */
function policyPermissions(policy: AppPlatformPermissionPolicy) {
  const userOf = (credentials: BackstageCredentials): PolicyQueryUser | undefined => {
    const principal = credentials.principal as { type: string; userEntityRef?: string };
    if (principal.type !== 'user' || !principal.userEntityRef) return undefined;
    const refs = [principal.userEntityRef, ...(memberships[principal.userEntityRef] ?? [])];
    return {
      identity: { type: 'user', userEntityRef: principal.userEntityRef, ownershipEntityRefs: refs },
      info: { userEntityRef: principal.userEntityRef, ownershipEntityRefs: refs },
      token: 'unused',
      credentials,
    } as PolicyQueryUser;
  };
  const service: PermissionsService = {
    authorize: async (requests, { credentials }) =>
      Promise.all(requests.map(r => policy.handle({ permission: r.permission } as any, userOf(credentials)))) as any,
    authorizeConditional: async (queries, { credentials }) =>
      Promise.all(queries.map(q => policy.handle(q as any, userOf(credentials)))) as any,
  };
  return createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => service });
}

describe('App Platform permissions with the portal policy', () => {
  let cluster: Sandbox;

  beforeAll(async () => {
    cluster = await startSandbox({ name: 'alpha' });
  });
  afterAll(() => cluster?.stop());

  it('lets owners and admins change applications and clusters, and nobody else', async () => {
    const backend = await startTestBackend({
      features: [
        appPlatformPlugin,
        policyPermissions(
          AppPlatformPermissionPolicy.fromConfig(
            new ConfigReader({ appPlatform: { admins: ['group:default/platform-admins'] } }),
          ),
        ),
        catalogServiceMock.factory({ entities: groups }),
        mockServices.rootConfig.factory({
          data: {
            appPlatform: {
              encryptionKey: randomBytes(32).toString('base64'),
              admins: ['group:default/platform-admins'],
              clusters: [
                { name: 'alpha', url: cluster.url, caData: cluster.caData, token: cluster.token, environment: 'test' },
              ],
            },
          },
        }),
      ],
    });
    const as = (user: string) => ({
      post: (p: string, body: object) =>
        request(backend.server).post(`/api/app-platform${p}`).set('Authorization', mockCredentials.user.header(user)).send(body),
      patch: (p: string, body: object) =>
        request(backend.server).patch(`/api/app-platform${p}`).set('Authorization', mockCredentials.user.header(user)).send(body),
      delete: (p: string) =>
        request(backend.server).delete(`/api/app-platform${p}`).set('Authorization', mockCredentials.user.header(user)),
    });
    const alice = as('user:default/alice');
    const bob = as('user:default/bob');
    const root = as('user:default/root');

    try {
      expect((await alice.post('/applications', { name: 'payments', owner: 'group:default/team-a' })).status).toBe(201);

      const bobUpdate = await bob.patch('/applications/payments', { description: 'mine now' });
      expect(bobUpdate.status).toBe(403);
      expect(bobUpdate.body.error).toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('app-platform.application.update') });
      expect((await bob.delete('/applications/payments')).status).toBe(403);

      const aliceUpdate = await alice.patch('/applications/payments', { description: 'Takes the money' });
      expect(aliceUpdate.status).toBe(200);
      expect(aliceUpdate.body.description).toBe('Takes the money');

      const registration = { name: 'beta', url: 'https://127.0.0.1:1', caData: cluster.caData, token: 't', environment: 'test' };
      expect((await alice.post('/clusters', registration)).status).toBe(403);
      // An admin gets past the permission check to the connection check.
      const adminRegistration = await root.post('/clusters', registration);
      expect(adminRegistration.status).toBe(400);
      expect(adminRegistration.body.error.message).toMatch(/Could not connect to cluster "beta"/);

      expect((await root.patch('/applications/payments', { title: 'Payments' })).status).toBe(200);
      expect((await alice.delete('/applications/payments')).status).toBe(204);
    } finally {
      await backend.stop();
    }
  });
});
