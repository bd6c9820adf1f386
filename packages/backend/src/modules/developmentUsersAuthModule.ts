import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError, NotImplementedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
  SignInResolver,
} from '@backstage/plugin-auth-node';

/** The provider's id: `auth.providers.viewer`, `/api/auth/viewer/refresh`. */
export const VIEWER_PROVIDER_ID = 'viewer';

const CONFIG_KEY = `auth.providers.${VIEWER_PROVIDER_ID}`;

/** True when the provider must refuse, as the guest provider decides. */
function disabledOutsideDevelopment(config: Config | undefined): boolean {
  return (
    process.env.NODE_ENV !== 'development' &&
    config?.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !== true
  );
}

/** Like the guest provider's authenticator: nothing to check, in development only. */
const viewerAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize({ config }) {
    return disabledOutsideDevelopment(config);
  },
  async authenticate(_, disabled) {
    if (disabled) {
      throw new NotAllowedError(
        `The ${VIEWER_PROVIDER_ID} provider cannot be used outside of a development environment unless '${CONFIG_KEY}.dangerouslyAllowOutsideDevelopment' is enabled`,
      );
    }
    return { result: {} };
  },
});

/**
 * Like the guest provider's resolver: the catalog user `userEntityRef` (with the
 * groups it is a member of), or, before the catalog has it, a token with
 * `ownershipEntityRefs`.
 */
function signInAsConfiguredUser(config: Config): SignInResolver<unknown> {
  return async (_, ctx) => {
    if (disabledOutsideDevelopment(config)) {
      throw new NotImplementedError(
        `The ${VIEWER_PROVIDER_ID} provider is NOT recommended for use outside of a development environment. If you want to enable this, set \`${CONFIG_KEY}.dangerouslyAllowOutsideDevelopment: true\` in your app config.`,
      );
    }
    const userEntityRef =
      config.getOptionalString('userEntityRef') ??
      `user:default/${VIEWER_PROVIDER_ID}`;
    const ownershipEntityRefs = config.getOptionalStringArray(
      'ownershipEntityRefs',
    ) ?? [userEntityRef];
    try {
      return await ctx.signInWithCatalogUser({ entityRef: userEntityRef });
    } catch {
      return ctx.issueToken({
        claims: { sub: userEntityRef, ent: ownershipEntityRefs },
      });
    }
  };
}

/**
 * A second development-only identity next to the guest: `auth.providers.viewer`
 * signs in as a user who is not a platform admin (by default
 * `user:default/viewer`, member of `group:default/viewers`), for the browser
 * tests and local trials of what non-admins see. It refuses to work outside
 * development exactly as `@backstage/plugin-auth-backend-module-guest-provider`
 * does, and is only registered when `auth.providers.viewer` is configured.
 */
export const developmentUsersAuthModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'development-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        const providerConfig = config.getOptionalConfig(CONFIG_KEY);
        if (!providerConfig) {
          return;
        }
        providers.registerProvider({
          providerId: VIEWER_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: viewerAuthenticator,
            signInResolver: signInAsConfiguredUser(providerConfig),
          }),
        });
      },
    });
  },
});
