import { createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import StorageIcon from '@material-ui/icons/Storage';

/** Route of the Clusters page. */
export const clustersRouteRef = createRouteRef();

/** The Clusters page: health of every cluster; admins register clusters. */
export const clustersPage = PageBlueprint.make({
  name: 'clusters',
  params: {
    path: '/clusters',
    title: 'Clusters',
    icon: <StorageIcon />,
    routeRef: clustersRouteRef,
    loader: () =>
      import('../components/ClustersPage').then(m => <m.ClustersPage />),
  },
});

/** The "App Platform" tab of an application's System entity page. */
export const applicationOverviewContent = EntityContentBlueprint.make({
  name: 'application-overview',
  params: {
    path: '/app-platform',
    title: 'App Platform',
    filter: entity =>
      entity.kind.toLowerCase() === 'system' &&
      Boolean(entity.metadata.annotations?.['app-platform.io/application']),
    loader: () =>
      import('../components/ApplicationOverview').then(m => (
        <m.ApplicationOverview />
      )),
  },
});

/** The health card on a cluster's `Resource` page. */
export const clusterHealthEntityCard = EntityCardBlueprint.make({
  name: 'cluster-health',
  params: {
    filter: { kind: 'resource', 'spec.type': 'kubernetes-cluster' },
    loader: () =>
      import('../components/ClusterHealthCard').then(m => (
        <m.ClusterHealthCard />
      )),
  },
});

/** The cluster and application extensions of the plugin. */
export const clusterExtensions = [
  clustersPage,
  applicationOverviewContent,
  clusterHealthEntityCard,
];
