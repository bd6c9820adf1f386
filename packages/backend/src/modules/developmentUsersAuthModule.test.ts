import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { developmentUsersAuthModule } from './developmentUsersAuthModule';

jest.setTimeout(60_000);

const viewer = {
  userEntityRef: 'user:default/viewer',
  ownershipEntityRefs: ['user:default/viewer', 'group:default/viewers'],
};

type ProviderConfig = {
  userEntityRef: string;
  ownershipEntityRefs: string[];
  dangerouslyAllowOutsideDevelopment?: boolean;
};

async function startAuth(providers: Record<string, ProviderConfig>) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      developmentUsersAuthModule,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { providers },
        },
      }),
    ],
  });
  return server;
}

const refresh = (server: Awaited<ReturnType<typeof startAuth>>) =>
  request(server)
    .get('/api/auth/viewer/refresh')
    .set('X-Requested-With', 'XMLHttpRequest');

/** The claims of a Backstage token (not verified: only what it says). */
function claimsOf(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('developmentUsersAuthModule', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('signs in as the configured user in development', async () => {
    process.env.NODE_ENV = 'development';
    const res = await refresh(await startAuth({ viewer }));

    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      ...viewer,
    });
    expect(claimsOf(res.body.backstageIdentity.token).sub).toBe(
      'user:default/viewer',
    );
  });

  it('refuses outside development, like the guest provider', async () => {
    process.env.NODE_ENV = 'production';
    const res = await refresh(await startAuth({ viewer }));

    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'dangerouslyAllowOutsideDevelopment',
    );
  });

  it('works outside development only when dangerously allowed', async () => {
    process.env.NODE_ENV = 'production';
    const res = await refresh(
      await startAuth({
        viewer: { ...viewer, dangerouslyAllowOutsideDevelopment: true },
      }),
    );

    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/viewer',
    );
  });

  it('is not there unless auth.providers.viewer is configured', async () => {
    process.env.NODE_ENV = 'development';
    const res = await refresh(await startAuth({}));

    expect(res.status).toBe(404);
  });
});
