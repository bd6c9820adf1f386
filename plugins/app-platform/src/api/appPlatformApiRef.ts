import { createApiRef } from '@backstage/frontend-plugin-api';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';

/**
 * The App Platform REST client, as a frontend API.
 *
 * @public
 */
export const appPlatformApiRef = createApiRef<AppPlatformClient>({
  id: 'plugin.app-platform.client',
});
