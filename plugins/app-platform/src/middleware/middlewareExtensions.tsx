import { createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';
import StorefrontIcon from '@material-ui/icons/Storefront';

/** Route of the App Store page. */
export const appStoreRouteRef = createRouteRef();

/** The App Store page: the middleware definitions, their parameters, a preview of an install and the install. */
export const appStorePage = PageBlueprint.make({
  name: 'app-store',
  params: {
    path: '/app-platform/app-store',
    title: 'App Store',
    icon: <StorefrontIcon />,
    routeRef: appStoreRouteRef,
    loader: () =>
      import('../components/AppStorePage').then(m => <m.AppStorePage />),
  },
});

/** The middleware extensions of the plugin. */
export const middlewareExtensions = [appStorePage];
