import {
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
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
  ApplicationNamespace,
  Cluster,
} from '@internal/plugin-app-platform-common';
import { Grid, Typography } from '@material-ui/core';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { usePolled } from '../../hooks/usePolled';
import { ClusterHealthStatus } from '../ClustersPage/ClustersPage';

/** The annotation the catalog module puts on an application's System entity. */
export const APPLICATION_ANNOTATION = 'app-platform.io/application';

type Row = ApplicationNamespace & { health?: Cluster['health']; environment?: string };

const columns: TableColumn<Row>[] = [
  { title: 'Cluster', field: 'cluster', highlight: true },
  { title: 'Environment', field: 'environment', emptyValue: '' },
  {
    title: 'Cluster health',
    render: row => (row.health ? <ClusterHealthStatus health={row.health} /> : ''),
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
                ? `, next retry ${new Date(row.nextAttemptAt).toLocaleTimeString()}`
                : ''
            }`
          : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
  },
  { title: 'Updated', render: row => new Date(row.updatedAt).toLocaleString() },
];

/**
 * The application's namespace on each cluster, followed live: clusters that
 * were down show as pending until they are caught up.
 */
export const ApplicationOverview = () => {
  const { entity } = useEntity();
  const name = entity.metadata.annotations?.[APPLICATION_ANNOTATION] ?? entity.metadata.name;
  const client = useApi(appPlatformApiRef);
  const state = usePolled(
    async () => {
      const [application, clusters] = await Promise.all([
        client.getApplication(name),
        client.listClusters(),
      ]);
      return { application, clusters };
    },
    [client, name],
  );

  if (state.error && !state.value) return <ResponseErrorPanel error={state.error} />;
  if (!state.value) return <Progress />;
  const { application, clusters } = state.value;

  // Every cluster gets a row; one without a namespace yet is pending.
  const rows: Row[] = clusters.map(cluster => {
    const ns = application.namespaces.find(n => n.cluster === cluster.name);
    return {
      cluster: cluster.name,
      state: ns?.state ?? 'pending',
      message: ns?.message ?? (cluster.health !== 'healthy' ? 'waiting for the cluster' : undefined),
      attempts: ns?.attempts ?? 0,
      nextAttemptAt: ns?.nextAttemptAt,
      updatedAt: ns?.updatedAt ?? application.createdAt,
      health: cluster.health,
      environment: cluster.environment,
    };
  });

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4}>
        <InfoCard title="Application">
          <Typography variant="body2">
            Namespace <b>{application.name}</b> on every healthy cluster
          </Typography>
          <Typography variant="body2">
            Owner: <EntityRefLink entityRef={application.owner} />
          </Typography>
          <Typography variant="body2">
            Namespace template: <b>{application.namespaceTemplate}</b>
          </Typography>
          <Typography variant="body2">Created by {application.createdBy}</Typography>
          {application.adopt && (
            <Typography variant="body2">
              Adopted namespaces that existed before it: deleting the application
              removes only what the platform added to them.
            </Typography>
          )}
          {application.deletionRequestedAt && (
            <Typography variant="body2" color="error">
              Being deleted since{' '}
              {new Date(application.deletionRequestedAt).toLocaleString()}
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
