import { ServiceStatus } from '@internal/plugin-app-platform-common';
import { Cell, ColumnConfig, Table, Text } from '@backstage/ui';
import { ServiceStateChip } from '../common/ServiceStateChip';

type Row = ServiceStatus['clusters'][number] & { id: string };

const columns: ColumnConfig<Row>[] = [
  {
    id: 'cluster',
    label: 'Cluster',
    width: 130,
    isRowHeader: true,
    cell: r => (
      <Cell>
        <Text weight="bold">{r.cluster}</Text>
      </Cell>
    ),
  },
  {
    id: 'state',
    label: 'State',
    width: 300,
    cell: r => (
      <Cell>
        <ServiceStateChip status={r} />
        {r.drift && r.drift.length > 0 && (
          <Text as="div" variant="body-small" color="warning">
            Changed on the cluster by hand: {r.drift.join(', ')}
          </Text>
        )}
      </Cell>
    ),
  },
  {
    id: 'pods',
    label: 'Pods',
    width: 150,
    cell: r => (
      <Cell>
        <Text as="div" variant="body-small">
          {r.updatedReplicas} new · {r.rollout?.oldReplicas ?? 0} old
        </Text>
        {(r.rollout?.conditions ?? [])
          .filter(c => c.status !== 'True' || c.type === 'Progressing')
          .map(c => (
            <Text
              as="div"
              variant="body-x-small"
              color="secondary"
              key={c.type}
            >
              {c.type}: {c.reason ?? c.status}
            </Text>
          ))}
      </Cell>
    ),
  },
  {
    id: 'events',
    label: 'Latest events',
    cell: r => (
      <Cell>
        {(r.rollout?.events ?? []).length === 0 && (
          <Text variant="body-small" color="secondary">
            none
          </Text>
        )}
        {(r.rollout?.events ?? []).map((e, i) => (
          <Text
            as="div"
            variant="body-x-small"
            key={i}
            color={e.type === 'Warning' ? 'warning' : 'primary'}
            truncate
          >
            <span
              title={`${new Date(e.at).toLocaleString()} ${e.object ?? ''}: ${
                e.message
              }`}
            >
              <b>{e.reason}</b> {e.message}
            </span>
          </Text>
        ))}
      </Cell>
    ),
  },
];

/** The service on each of its clusters, live: state, pods of the new and old versions, conditions and events. */
export const ClusterRollouts = (props: { status: ServiceStatus }) => (
  <Table
    columnConfig={columns}
    data={props.status.clusters.map(c => ({ ...c, id: c.cluster }))}
    pagination={{ type: 'none' }}
    emptyState={
      <Text>
        Not on any cluster yet. Deploy a version to put it on every healthy
        cluster.
      </Text>
    }
  />
);
