import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Progress,
  ResponseErrorPanel,
  Select,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  MANUAL_SERVER_PROVIDER,
  serverCreatePermission,
  serverEntityName,
} from '@internal/plugin-app-platform-common';
import { Container, Header } from '@backstage/ui';
import {
  Box,
  Button,
  Card,
  CardContent,
  Grid,
  IconButton,
  Typography,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { DeleteServerDialog } from './DeleteServerDialog';
import { RecordServerDialog } from './RecordServerDialog';
import { ServerImportsCard } from './ServerImportsCard';
import {
  describeDaysLeft,
  describeSpecs,
  formatDate,
  ServerRow,
  toServerRow,
  URGENCY_COLOURS,
} from './serverDisplay';

const ALL = 'all';

function Count(props: { label: string; value: number; colour?: string }) {
  return (
    <Card style={{ background: props.colour }}>
      <CardContent>
        <Typography variant="h4" component="p" aria-label={props.label}>
          {props.value}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {props.label}
        </Typography>
      </CardContent>
    </Card>
  );
}

const columns = (actions: {
  onEdit: (row: ServerRow) => void;
  onDelete: (row: ServerRow) => void;
}): TableColumn<ServerRow>[] => [
  {
    title: 'Name',
    field: 'name',
    highlight: true,
    // Removed servers have left the catalog: no page to link to.
    render: row =>
      row.state === 'active' ? (
        <EntityRefLink
          entityRef={{
            kind: 'resource',
            namespace: 'default',
            name: serverEntityName(row),
          }}
          title={row.name}
        />
      ) : (
        row.name
      ),
  },
  {
    title: 'Days left',
    field: 'daysLeft',
    type: 'numeric',
    defaultSort: 'asc',
    // Servers without expiry sort last either way round.
    customSort: (a, b) =>
      (a.daysLeft ?? Number.MAX_SAFE_INTEGER) -
      (b.daysLeft ?? Number.MAX_SAFE_INTEGER),
    render: row => describeDaysLeft(row.daysLeft),
  },
  {
    title: 'Expires',
    field: 'expiresAt',
    render: row => formatDate(row.expiresAt),
  },
  {
    title: 'Owner',
    field: 'owner',
    render: row => <EntityRefLink entityRef={row.owner} />,
  },
  { title: 'Provider', field: 'provider' },
  { title: 'Region', field: 'region', emptyValue: '—' },
  {
    title: 'Specs',
    sorting: false,
    render: row => describeSpecs(row) || '—',
  },
  { title: 'OS', field: 'os', emptyValue: '—' },
  {
    title: 'IP addresses',
    sorting: false,
    render: row => row.ipAddresses.join(', ') || '—',
  },
  { title: 'Charge', field: 'chargeType', emptyValue: '—' },
  { title: 'State', field: 'state' },
  {
    title: '',
    sorting: false,
    // Imported servers change at their provider; only manual ones go here.
    render: row =>
      row.provider === MANUAL_SERVER_PROVIDER ? (
        <Box display="flex">
          <IconButton
            size="small"
            aria-label={`Change ${row.name}`}
            onClick={() => actions.onEdit(row)}
          >
            <EditIcon fontSize="small" />
          </IconButton>
          <IconButton
            size="small"
            aria-label={`Delete ${row.name}`}
            onClick={() => actions.onDelete(row)}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </Box>
      ) : null,
  },
];

/**
 * Every server the team rents: counts by urgency at the top, filters by
 * owner, provider and state, sorted by days left with rows coloured by
 * urgency.
 */
export const ServersPage = () => {
  const client = useApi(appPlatformApiRef);
  const identityApi = useApi(identityApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => client.listServers(),
    [client],
  );
  const { allowed: canRecord } = usePermission({
    permission: serverCreatePermission,
  });
  // The dialog starts with the user's first group as the owner.
  const { value: userGroup } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    return ownershipEntityRefs.find(ref => ref.startsWith('group:'));
  }, [identityApi]);
  const [recording, setRecording] = useState(false);
  const [editing, setEditing] = useState<ServerRow>();
  const [deleting, setDeleting] = useState<ServerRow>();
  const [owner, setOwner] = useState<string>(ALL);
  const [provider, setProvider] = useState<string>(ALL);
  const [state, setState] = useState<string>('active');

  const rows = useMemo(() => {
    const now = new Date();
    return (value ?? []).map(server => toServerRow(server, now));
  }, [value]);
  const filtered = rows.filter(
    row =>
      (owner === ALL || row.owner === owner) &&
      (provider === ALL || row.provider === provider) &&
      (state === ALL || row.state === state),
  );
  const active = filtered.filter(r => r.state === 'active');
  const options = (values: string[]) => [
    { label: 'All', value: ALL },
    ...[...new Set(values)].sort().map(v => ({ label: v, value: v })),
  ];

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else {
    content = (
      <Grid container spacing={2}>
        <Grid item xs={6} md={3}>
          <Count label="Servers" value={active.length} />
        </Grid>
        <Grid item xs={6} md={3}>
          <Count
            label="Expired"
            value={active.filter(r => r.urgency === 'expired').length}
            colour={URGENCY_COLOURS.expired}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <Count
            label="Within 7 days"
            value={active.filter(r => r.urgency === 'critical').length}
            colour={URGENCY_COLOURS.critical}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <Count
            label="Within 30 days"
            value={active.filter(r => r.urgency === 'warning').length}
            colour={URGENCY_COLOURS.warning}
          />
        </Grid>
        <Grid item xs={12}>
          <Box display="flex" style={{ gap: 16 }}>
            <Select
              label="Owner"
              items={options(rows.map(r => r.owner))}
              selected={owner}
              onChange={v => setOwner(String(v))}
            />
            <Select
              label="Provider"
              items={options(rows.map(r => r.provider))}
              selected={provider}
              onChange={v => setProvider(String(v))}
            />
            <Select
              label="State"
              items={options(['active', 'removed'])}
              selected={state}
              onChange={v => setState(String(v))}
            />
          </Box>
        </Grid>
        <Grid item xs={12} component="section" aria-label="Server inventory">
          <Table<ServerRow>
            title={`Servers (${filtered.length})`}
            options={{
              paging: filtered.length > 50,
              pageSize: 50,
              search: true,
              rowStyle: (row: ServerRow) => ({
                backgroundColor: URGENCY_COLOURS[row.urgency],
              }),
            }}
            columns={columns({ onEdit: setEditing, onDelete: setDeleting })}
            data={filtered}
          />
        </Grid>
        <Grid item xs={12}>
          <ServerImportsCard onImported={retry} />
        </Grid>
      </Grid>
    );
  }

  return (
    <>
      <Header
        title="Servers"
        customActions={
          canRecord ? (
            <Button
              variant="contained"
              color="primary"
              onClick={() => setRecording(true)}
            >
              Record server
            </Button>
          ) : undefined
        }
      />
      <Container>{content}</Container>
      <RecordServerDialog
        // Starts afresh with the owner once the user's group is known.
        key={userGroup ?? ''}
        open={recording}
        onClose={() => setRecording(false)}
        onRecorded={retry}
        defaultOwner={userGroup}
      />
      {editing && (
        <RecordServerDialog
          key={editing.id}
          open
          server={editing}
          onClose={() => setEditing(undefined)}
          onRecorded={retry}
        />
      )}
      <DeleteServerDialog
        // A fresh dialog, without the last one's error, for each server.
        key={deleting?.id ?? ''}
        server={deleting}
        onClose={() => setDeleting(undefined)}
        onDeleted={retry}
      />
    </>
  );
};
