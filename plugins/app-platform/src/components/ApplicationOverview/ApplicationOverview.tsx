import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Application,
  ApplicationNamespace,
  ApplicationStatus,
  APP_PLATFORM_SIGNAL_CHANNELS,
  Cluster,
  deriveApplicationState,
  Service,
  serviceCreatePermission,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import { Grid, Typography } from '@material-ui/core';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { useLiveValue } from '../../hooks/useLiveValue';
import { ClusterHealthStatus } from '../ClustersPage/ClustersPage';
import { ApplicationMiddlewareCard } from '../MiddlewareInstances';
import { ApplicationServicesCard } from './ApplicationServicesCard';
import { NewServiceDialog } from './NewServiceDialog';
import { useAllowance } from '../common/GuardedButton';

/** The annotation the catalog module puts on an application's System entity. */
export const APPLICATION_ANNOTATION = 'app-platform.io/application';

type Row = ApplicationNamespace & {
  health?: Cluster['health'];
  environment?: string;
};

const columns: TableColumn<Row>[] = [
  { title: 'Cluster', field: 'cluster', highlight: true },
  { title: 'Environment', field: 'environment', emptyValue: '' },
  {
    title: 'Cluster health',
    render: row =>
      row.health ? <ClusterHealthStatus health={row.health} /> : '',
  },
  {
    title: 'Namespace',
    field: 'state',
    render: row => {
      if (row.state === 'ready') return <StatusOK>ready</StatusOK>;
      if (row.state === 'failed') return <StatusError>failed</StatusError>;
      return <StatusPending>{row.state}</StatusPending>;
    },
  },
  {
    title: 'Details',
    render: row =>
      [
        row.message,
        row.state === 'failed' && row.attempts
          ? `attempt ${row.attempts}${
              row.nextAttemptAt
                ? `, next retry ${new Date(
                    row.nextAttemptAt,
                  ).toLocaleTimeString()}`
                : ''
            }`
          : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
  },
  { title: 'Updated', render: row => new Date(row.updatedAt).toLocaleString() },
];

/** The application's page as signals update it: a deleted one is marked so. */
type ApplicationSignal = Application | { name: string; deleted: true };

/**
 * An application: its services and middleware instances on every cluster
 * and its namespaces, followed live through signals (an open page makes no
 * requests of its own after the first load), and "New service".
 */
export const ApplicationOverview = () => {
  const { entity } = useEntity();
  const name =
    entity.metadata.annotations?.[APPLICATION_ANNOTATION] ??
    entity.metadata.name;
  const client = useApi(appPlatformApiRef);
  const application = useLiveValue<
    Application & { deleted?: boolean },
    ApplicationSignal
  >({
    load: () => client.getApplication(name),
    deps: [client, name],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.application,
    apply: useCallback(
      (current, message) => {
        if (message.name !== name) return current;
        return 'deleted' in message ? { ...current, deleted: true } : message;
      },
      [name],
    ),
  });
  const statuses = useLiveValue<ApplicationStatus, ServiceStatus>({
    load: () => client.getApplicationStatus(name),
    deps: [client, name],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.serviceStatus,
    apply: useCallback(
      (current, message) => {
        // Middleware instances share the channel; their card follows them.
        if (message.application !== name || message.kind === 'middleware') {
          return current;
        }
        // The grid shows no rollout details: keep the entry as the status API has it.
        const { latestDeployment: _latest, ...service } = message;
        const entry = {
          ...service,
          clusters: service.clusters.map(({ rollout: _r, ...c }) => c),
        };
        const services = current.services.some(s => s.service === entry.service)
          ? current.services.map(s => (s.service === entry.service ? entry : s))
          : [...current.services, entry];
        return {
          ...current,
          services,
          state: deriveApplicationState(
            services.flatMap(s => s.clusters.map(c => c.state)),
          ),
        };
      },
      [name],
    ),
  });
  const clusterList = useAsync(() => client.listClusters(), [client]);
  const services = useAsync(() => client.listServices(name), [client, name]);
  const [created, setCreated] = useState<Service[]>([]);
  const [creating, setCreating] = useState(false);
  const create = useAllowance(
    serviceCreatePermission,
    name,
    `Only members of ${
      application.value?.owner ?? 'the owner group'
    } may add services to ${name}`,
  );

  const error = application.error ?? statuses.error ?? clusterList.error;
  if (error && !application.value) return <ResponseErrorPanel error={error} />;
  if (!application.value || !statuses.value || !clusterList.value)
    return <Progress />;
  const clusters = clusterList.value;
  const app = application.value;

  // Every cluster gets a row; one without a namespace yet is pending.
  const rows: Row[] = clusters.map(cluster => {
    const ns = app.namespaces.find(n => n.cluster === cluster.name);
    return {
      cluster: cluster.name,
      state: ns?.state ?? 'pending',
      message:
        ns?.message ??
        (cluster.health !== 'healthy' ? 'waiting for the cluster' : undefined),
      attempts: ns?.attempts ?? 0,
      nextAttemptAt: ns?.nextAttemptAt,
      updatedAt: ns?.updatedAt ?? app.createdAt,
      health: cluster.health,
      environment: cluster.environment,
    };
  });

  const serviceStatuses = statuses.value.services.filter(
    s => s.kind !== 'middleware',
  );
  const statusOfNew = created
    .filter(s => !serviceStatuses.some(x => x.service === s.name))
    .map(s => ({
      application: name,
      service: s.name,
      state: 'pending' as const,
      clusters: [],
    }));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ApplicationServicesCard
          application={name}
          status={{
            ...statuses.value,
            services: [...serviceStatuses, ...statusOfNew],
          }}
          services={[...(services.value ?? []), ...created]}
          clusters={clusters.map(c => c.name)}
          create={create}
          onNewService={() => setCreating(true)}
        />
        {creating && (
          <NewServiceDialog
            application={name}
            onCreated={service => setCreated(c => [...c, service])}
            onClose={() => setCreating(false)}
          />
        )}
      </Grid>
      <Grid item xs={12}>
        <ApplicationMiddlewareCard
          application={name}
          clusters={clusters.map(c => c.name)}
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <InfoCard title="Application">
          <Typography variant="body2">
            Namespace <b>{app.name}</b> on every healthy cluster
          </Typography>
          <Typography variant="body2">
            Owner: <EntityRefLink entityRef={app.owner} />
          </Typography>
          <Typography variant="body2">
            Namespace template: <b>{app.namespaceTemplate}</b>
          </Typography>
          <Typography variant="body2">Created by {app.createdBy}</Typography>
          {app.adopt && (
            <Typography variant="body2">
              Adopted namespaces that existed before it: deleting the
              application removes only what the platform added to them.
            </Typography>
          )}
          {app.deleted && (
            <Typography variant="body2" color="error">
              This application has been deleted.
            </Typography>
          )}
          {app.deletionRequestedAt && (
            <Typography variant="body2" color="error">
              Being deleted since{' '}
              {new Date(app.deletionRequestedAt).toLocaleString()}
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <Table
          title="Namespaces per cluster"
          options={{ paging: false, search: false }}
          columns={columns}
          data={rows}
        />
      </Grid>
    </Grid>
  );
};
