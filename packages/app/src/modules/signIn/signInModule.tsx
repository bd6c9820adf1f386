import {
  ApiBlueprint,
  createApiRef,
  createFrontendModule,
  discoveryApiRef,
  BackstageIdentityApi,
  ProfileInfoApi,
  SessionApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { DevelopmentUserAuth } from './DevelopmentUserAuth';

/**
 * The development-only `viewer` auth provider of the backend
 * (`auth.providers.viewer`, packages/backend/src/modules/developmentUsersAuthModule.ts):
 * a user who is not a platform admin.
 */
export const viewerAuthApiRef = createApiRef<
  ProfileInfoApi & BackstageIdentityApi & SessionApi
>().with({ id: 'app.auth.viewer', pluginId: 'app' });

const viewerAuthApi = ApiBlueprint.make({
  name: 'viewer-auth',
  params: defineParams =>
    defineParams({
      api: viewerAuthApiRef,
      deps: { discoveryApi: discoveryApiRef },
      factory: ({ discoveryApi }) =>
        new DevelopmentUserAuth({ provider: 'viewer', discoveryApi }),
    }),
});

/**
 * The app's sign-in page, in place of the default guest-only one: the guest
 * ("Enter", a platform admin in development) and the viewer, who is not.
 */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { SignInPage } = await import('@backstage/core-components');
      return props => (
        <SignInPage
          {...props}
          providers={[
            'guest',
            {
              id: 'viewer',
              title: 'Viewer (not an admin)',
              message:
                'Development only: sign in as user:default/viewer, who is not a platform admin.',
              apiRef: viewerAuthApiRef,
            },
          ]}
        />
      );
    },
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [viewerAuthApi, signInPage],
});
