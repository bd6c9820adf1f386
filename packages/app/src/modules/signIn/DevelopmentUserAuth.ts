import {
  AuthRequestOptions,
  BackstageIdentityApi,
  BackstageIdentityResponse,
  BackstageUserIdentity,
  DiscoveryApi,
  ProfileInfo,
  ProfileInfoApi,
  SessionApi,
  SessionState,
} from '@backstage/frontend-plugin-api';

type SessionStateObservable = ReturnType<SessionApi['sessionState$']>;
type SessionStateObserver = {
  next?(state: SessionState): void;
  error?(error: Error): void;
  complete?(): void;
};

/** What a proxy auth provider's `GET /api/auth/<provider>/refresh` answers. */
type ProxiedSession = {
  profile: ProfileInfo;
  backstageIdentity: {
    token: string;
    expiresInSeconds?: number;
    identity: BackstageUserIdentity;
  };
};

/** Refresh this long before the Backstage token expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** When the backend does not say how long the token lives. */
const DEFAULT_LIFETIME_MS = 10 * 60_000;

/**
 * Signs in through a development-only proxy auth provider of the backend (one
 * registered with `createProxyAuthProviderFactory`, like the guest provider):
 * there is nothing to ask the user, `GET /api/auth/<provider>/refresh` issues
 * the Backstage token for the configured user. Usable as a `SignInPage`
 * provider's `apiRef`.
 */
export class DevelopmentUserAuth
  implements ProfileInfoApi, BackstageIdentityApi, SessionApi
{
  private session?: { value: ProxiedSession; refreshAt: number };
  private pending?: Promise<ProxiedSession>;
  private state: SessionState = SessionState.SignedOut;
  private readonly listeners = new Set<(state: SessionState) => void>();

  constructor(
    private readonly options: { provider: string; discoveryApi: DiscoveryApi },
  ) {}

  async getBackstageIdentity(
    options?: AuthRequestOptions,
  ): Promise<BackstageIdentityResponse | undefined> {
    const session = await this.sessionFor(options);
    if (!session) {
      return undefined;
    }
    const { token, identity } = session.value.backstageIdentity;
    return { token, identity, expiresAt: new Date(session.refreshAt) };
  }

  async getProfile(
    options?: AuthRequestOptions,
  ): Promise<ProfileInfo | undefined> {
    return (await this.sessionFor(options))?.value.profile;
  }

  async signIn(): Promise<void> {
    await this.sessionFor();
  }

  async signOut(): Promise<void> {
    this.session = undefined;
    this.setState(SessionState.SignedOut);
  }

  sessionState$(): SessionStateObservable {
    const observable: SessionStateObservable = {
      [Symbol.observable]: () => observable,
      subscribe: (
        observerOrNext?: SessionStateObserver | ((state: SessionState) => void),
      ) => {
        const next =
          typeof observerOrNext === 'function'
            ? observerOrNext
            : (state: SessionState) => observerOrNext?.next?.(state);
        this.listeners.add(next);
        next(this.state);
        let closed = false;
        return {
          get closed() {
            return closed;
          },
          unsubscribe: () => {
            closed = true;
            this.listeners.delete(next);
          },
        };
      },
    };
    return observable;
  }

  /** The current session, fetched again when its token is about to expire. */
  private async sessionFor(
    options?: AuthRequestOptions,
  ): Promise<{ value: ProxiedSession; refreshAt: number } | undefined> {
    if (this.session && Date.now() < this.session.refreshAt) {
      return this.session;
    }
    try {
      this.pending ??= this.fetchSession();
      const value = await this.pending;
      const lifetime =
        value.backstageIdentity.expiresInSeconds !== undefined
          ? value.backstageIdentity.expiresInSeconds * 1000 - EXPIRY_MARGIN_MS
          : DEFAULT_LIFETIME_MS;
      this.session = { value, refreshAt: Date.now() + Math.max(lifetime, 0) };
      this.setState(SessionState.SignedIn);
      return this.session;
    } catch (error) {
      if (options?.optional) {
        return undefined;
      }
      throw error;
    } finally {
      this.pending = undefined;
    }
  }

  private async fetchSession(): Promise<ProxiedSession> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('auth');
    const response = await fetch(
      `${baseUrl}/${this.options.provider}/refresh`,
      {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
        credentials: 'include',
      },
    );
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw new Error(
        `Sign-in with the ${this.options.provider} provider failed: ${response.status} ${response.statusText} ${body}`.trim(),
      );
    }
    return (await response.json()) as ProxiedSession;
  }

  private setState(state: SessionState) {
    if (state !== this.state) {
      this.state = state;
      this.listeners.forEach(listener => listener(state));
    }
  }
}
