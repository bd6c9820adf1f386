import { useApi } from '@backstage/frontend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  Application,
  applicationUpdatePermission,
} from '@internal/plugin-app-platform-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';

/** How an application is named in a list: its title with its name, or its name. */
export function applicationLabel(application: Application): string {
  return application.title
    ? `${application.title} (${application.name})`
    : application.name;
}

/**
 * The applications the user may change, by title: the list the user may read,
 * less those being deleted, each asked of the permission API. The questions
 * go out together, and the permission API sends them as one batch.
 */
export function useChangeableApplications() {
  const client = useApi(appPlatformApiRef);
  const permissionApi = useApi(permissionApiRef);
  return useAsyncRetry(async () => {
    const applications = (await client.listApplications()).filter(
      application => !application.deletionRequestedAt,
    );
    const decisions = await Promise.all(
      applications.map(application =>
        permissionApi.authorize({
          permission: applicationUpdatePermission,
          resourceRef: application.name,
        }),
      ),
    );
    return applications
      .filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW)
      .sort((a, b) => applicationLabel(a).localeCompare(applicationLabel(b)));
  }, [client, permissionApi]);
}
