import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import CloudQueueIcon from '@material-ui/icons/CloudQueue';
import { appPlatformApiRef } from './api/appPlatformApiRef';
import { rootRouteRef } from './routes';
import {
  clusterExtensions,
  clustersRouteRef,
} from './clusters/clusterExtensions';
import { serverExtensions, serversRouteRef } from './servers/serverExtensions';
import {
  appStoreRouteRef,
  middlewareExtensions,
} from './middleware/middlewareExtensions';
import { serviceExtensions } from './services/serviceExtensions';
import { scaffolderFieldExtensions } from './scaffolder/scaffolderFieldExtensions';

/** The REST client, built on the app's discovery and authenticated fetch. */
export const appPlatformApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: appPlatformApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        AppPlatformClient.create({ discovery: discoveryApi, fetchApi }),
    }),
});

/** The App Platform page: the platform's status. */
export const appPlatformPage = PageBlueprint.make({
  params: {
    path: '/app-platform',
    title: 'App Platform',
    icon: <CloudQueueIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/PlatformStatusPage').then(m => (
        <m.PlatformStatusPage />
      )),
  },
});

/**
 * The App Platform frontend plugin.
 *
 * @public
 */
export const appPlatformPlugin = createFrontendPlugin({
  pluginId: 'app-platform',
  extensions: [
    appPlatformApi,
    appPlatformPage,
    ...clusterExtensions,
    ...serverExtensions,
    ...serviceExtensions,
    ...middlewareExtensions,
    ...scaffolderFieldExtensions,
  ],
  routes: {
    root: rootRouteRef,
    clusters: clustersRouteRef,
    servers: serversRouteRef,
    appStore: appStoreRouteRef,
  },
});
