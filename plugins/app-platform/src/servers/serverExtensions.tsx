import { createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import DnsIcon from '@material-ui/icons/Dns';

/** The Servers page. */
export const serversRouteRef = createRouteRef();

/** Every server, by days left, with filters and counts. */
export const serversPage = PageBlueprint.make({
  name: 'servers',
  params: {
    path: '/servers',
    title: 'Servers',
    icon: <DnsIcon />,
    routeRef: serversRouteRef,
    loader: () =>
      import('../components/ServersPage').then(m => <m.ServersPage />),
  },
});

/** On a server's catalog page: its expiry, provider and specs. */
export const serverExpiryEntityCard = EntityCardBlueprint.make({
  name: 'server-expiry',
  params: {
    filter: { kind: 'resource', 'spec.type': 'server' },
    loader: () =>
      import('../components/ServerExpiryCard').then(m => (
        <m.ServerExpiryCard />
      )),
  },
});

/** On a Group's catalog page: its servers expiring soon. */
export const groupExpiringServersEntityCard = EntityCardBlueprint.make({
  name: 'expiring-servers',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/ExpiringServersCard').then(m => (
        <m.EntityExpiringServersCard />
      )),
  },
});

/** On the home page: every server expiring within 30 days. */
export const expiringServersHomeWidget = HomePageWidgetBlueprint.make({
  name: 'expiring-servers',
  params: {
    name: 'ExpiringServers',
    title: 'Servers expiring soon',
    description: 'Servers that expire within 30 days, soonest first',
    components: () =>
      import('../components/ExpiringServersCard').then(m => ({
        Content: () => <m.ExpiringServersList />,
      })),
  },
});

/** The server extensions of the plugin. */
export const serverExtensions = [
  serversPage,
  serverExpiryEntityCard,
  groupExpiringServersEntityCard,
  expiringServersHomeWidget,
];
