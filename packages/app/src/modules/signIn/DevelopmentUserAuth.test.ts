import { SessionState } from '@backstage/frontend-plugin-api';
import { DevelopmentUserAuth } from './DevelopmentUserAuth';

const session = {
  profile: {},
  backstageIdentity: {
    token: 'a-token',
    expiresInSeconds: 3600,
    identity: {
      type: 'user',
      userEntityRef: 'user:default/viewer',
      ownershipEntityRefs: ['user:default/viewer', 'group:default/viewers'],
    },
  },
};

describe('DevelopmentUserAuth', () => {
  const discoveryApi = {
    getBaseUrl: async () => 'http://localhost:7007/api/auth',
  };
  const originalFetch = global.fetch;
  let fetchMock: jest.Mock;

  beforeEach(() => {
    fetchMock = jest.fn();
    global.fetch = fetchMock;
  });

  afterEach(() => {
    global.fetch = originalFetch;
  });

  it("signs in through the provider's refresh endpoint and keeps the session", async () => {
    fetchMock.mockResolvedValue({ ok: true, json: async () => session });
    const auth = new DevelopmentUserAuth({ provider: 'viewer', discoveryApi });
    const states: SessionState[] = [];
    auth.sessionState$().subscribe(state => states.push(state));

    const identity = await auth.getBackstageIdentity();
    expect(identity?.token).toBe('a-token');
    expect(identity?.identity.userEntityRef).toBe('user:default/viewer');
    expect(await auth.getProfile()).toEqual({});
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledWith(
      'http://localhost:7007/api/auth/viewer/refresh',
      expect.objectContaining({
        credentials: 'include',
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      }),
    );

    await auth.signOut();
    expect(states).toEqual([
      SessionState.SignedOut,
      SessionState.SignedIn,
      SessionState.SignedOut,
    ]);
  });

  it('answers undefined for an optional request the backend refuses', async () => {
    fetchMock.mockResolvedValue({
      ok: false,
      status: 403,
      statusText: 'Forbidden',
      text: async () => 'not in development',
    });
    const auth = new DevelopmentUserAuth({ provider: 'viewer', discoveryApi });

    expect(await auth.getBackstageIdentity({ optional: true })).toBeUndefined();
    await expect(auth.getBackstageIdentity()).rejects.toThrow(
      'Sign-in with the viewer provider failed: 403 Forbidden not in development',
    );
  });
});
