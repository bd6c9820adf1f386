import {
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
  APP_PLATFORM_SIGNAL_CHANNELS,
  Cluster,
  clusterManagePermission,
} from '@internal/plugin-app-platform-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { Container, Header } from '@backstage/ui';
import { Button, Chip } from '@material-ui/core';
import { useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { useReloadedOnSignal } from '../../hooks/useReloadedOnSignal';
import { RegisterClusterDialog } from './RegisterClusterDialog';

export const ClusterHealthStatus = ({
  health,
}: {
  health: Cluster['health'];
}) => {
  if (health === 'healthy') return <StatusOK>healthy</StatusOK>;
  if (health === 'unreachable') return <StatusError>unreachable</StatusError>;
  return <StatusPending>unknown</StatusPending>;
};

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

const columns: TableColumn<Cluster>[] = [
  { title: 'Name', field: 'name', highlight: true },
  { title: 'Environment', field: 'environment' },
  {
    title: 'Health',
    field: 'health',
    render: cluster => <ClusterHealthStatus health={cluster.health} />,
  },
  { title: 'Since', render: cluster => when(cluster.healthChangedAt) },
  { title: 'Reason', field: 'healthReason', emptyValue: '' },
  { title: 'URL', field: 'url' },
  {
    title: 'Labels',
    render: cluster =>
      Object.entries(cluster.labels).map(([k, v]) => (
        <Chip key={k} size="small" label={`${k}=${v}`} />
      )),
  },
  { title: 'Source', field: 'source' },
];

/** Every registered cluster with its health, followed live; admins register more. */
export const ClustersPage = () => {
  const client = useApi(appPlatformApiRef);
  const { allowed: canManage } = usePermission({
    permission: clusterManagePermission,
  });
  const [registering, setRegistering] = useState(false);
  // Reloaded when a cluster is added, removed or changes health: no polling.
  const clusters = useReloadedOnSignal({
    load: () => client.listClusters(),
    deps: [client],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.cluster,
  });

  let content;
  if (clusters.error && !clusters.value) {
    content = <ResponseErrorPanel error={clusters.error} />;
  } else if (!clusters.value) {
    content = <Progress />;
  } else {
    content = (
      <Table
        title={`Clusters (${clusters.value.length})`}
        options={{ paging: false, search: false }}
        columns={columns}
        data={clusters.value}
      />
    );
  }

  return (
    <>
      <Header title="Clusters" />
      <Container>
        {canManage && (
          <Button
            variant="contained"
            color="primary"
            onClick={() => setRegistering(true)}
            style={{ marginBottom: 16 }}
          >
            Register cluster
          </Button>
        )}
        {content}
        <RegisterClusterDialog
          open={registering}
          onClose={() => setRegistering(false)}
          onRegistered={clusters.retry}
        />
      </Container>
    </>
  );
};
