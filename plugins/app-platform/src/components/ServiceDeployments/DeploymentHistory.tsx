import {
  DeploymentRecord,
  isMiddlewareSpec,
} from '@internal/plugin-app-platform-common';
import {
  Button,
  Cell,
  CellText,
  Checkbox,
  ColumnConfig,
  Flex,
  Table,
  Text,
} from '@backstage/ui';
import { formatDuration, RelativeTime } from '../common/RelativeTime';
import { StateLabel } from '../common/ServiceStateChip';
import { Allowance, GuardedButton } from '../common/GuardedButton';
import { describeMiddlewareSpec } from './describeMiddlewareSpec';

type Row = DeploymentRecord;

/** `back to deploy v2 of 24/11/2026, 10:02:00`, or the record's id when it is on another page. */
function rollbackTarget(id: string, records: DeploymentRecord[]): string {
  const target = records.find(r => r.id === id);
  return target
    ? `back to ${target.action}${
        target.version !== undefined ? ` v${target.version}` : ''
      } of ${new Date(target.createdAt).toLocaleString()}`
    : `back to record ${id.slice(0, 8)}`;
}

/** `promoted from deploy v4 on alpha`, or the record's id when it is on another page. */
function promotionSource(id: string, records: DeploymentRecord[]): string {
  const source = records.find(r => r.id === id);
  return source
    ? `promoted from ${source.action}${
        source.version !== undefined ? ` v${source.version}` : ''
      } on ${source.targets.map(t => t.cluster).join(', ')}`
    : `promoted from record ${id.slice(0, 8)}`;
}

/** A record's result in the colours of a service's states. */
const RECORD_STATE_LOOK = {
  deploying: 'deploying',
  succeeded: 'running',
  failed: 'failed',
  superseded: 'pending',
} as const;

/**
 * A service's (or middleware instance's) history, newest first: who, when, what changed in one line,
 * result, duration and what a rollback rolled back to. Two records ticked
 * can be compared; each row opens its detail, rolls back to it or, when it
 * succeeded on test, promotes it to production.
 */
export const DeploymentHistory = (props: {
  records: DeploymentRecord[];
  selected: string[];
  onSelect: (selected: string[]) => void;
  onOpen: (record: DeploymentRecord) => void;
  onRollback: (record: DeploymentRecord) => void;
  rollback: Allowance;
  /** Whether a record can go to production (`EnvironmentsCard`'s `isPromotable`). */
  isPromotable: (record: DeploymentRecord) => boolean;
  onPromote: (record: DeploymentRecord) => void;
  promote: Allowance;
  /** The record in flight, if any: nothing else can start meanwhile. */
  inFlight?: string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  onNextPage: () => void;
  onPreviousPage: () => void;
  loading?: boolean;
}) => {
  const toggle = (id: string, on: boolean) =>
    props.onSelect(
      on
        ? [...props.selected.filter(s => s !== id), id].slice(-2)
        : props.selected.filter(s => s !== id),
    );

  const columns: ColumnConfig<Row>[] = [
    {
      id: 'select',
      label: 'Compare',
      width: 100,
      cell: r => (
        <Cell>
          <Checkbox
            aria-label={`Compare ${r.action}${
              r.version !== undefined ? ` v${r.version}` : ''
            } (${r.id})`}
            isSelected={props.selected.includes(r.id)}
            onChange={on => toggle(r.id, on)}
          />
        </Cell>
      ),
    },
    {
      id: 'when',
      label: 'When',
      width: 120,
      cell: r => (
        <Cell>
          <RelativeTime at={r.createdAt} />
        </Cell>
      ),
    },
    {
      id: 'who',
      label: 'Who',
      width: 150,
      cell: r => (
        <CellText
          title={r.createdBy.replace(/^user:(default\/)?/, '')}
          description={r.description}
        />
      ),
    },
    {
      id: 'what',
      label: 'What changed',
      isRowHeader: true,
      cell: r => (
        <CellText
          title={`${r.action}${
            r.version !== undefined ? ` v${r.version}` : ''
          }`}
          description={
            [
              // A middleware record is its definition and parameters, not an image.
              isMiddlewareSpec(r.spec) ? describeMiddlewareSpec(r.spec) : '',
              r.summary,
              r.rollbackOf ? rollbackTarget(r.rollbackOf, props.records) : '',
              r.promotedFrom
                ? promotionSource(r.promotedFrom, props.records)
                : '',
            ]
              .filter(Boolean)
              .join(' · ') || undefined
          }
        />
      ),
    },
    {
      id: 'result',
      label: 'Result',
      width: 190,
      cell: r => (
        <Cell>
          <StateLabel state={RECORD_STATE_LOOK[r.state]} />
          <Text as="span" variant="body-small">
            {r.state === 'succeeded' || r.state === 'superseded'
              ? ` ${r.state}`
              : ''}
          </Text>
          {r.finishedAt && (
            <Text as="div" variant="body-small" color="secondary">
              {formatDuration(r.createdAt, r.finishedAt)}
            </Text>
          )}
        </Cell>
      ),
    },
    {
      id: 'actions',
      label: '',
      width: 270,
      cell: r => (
        <Cell>
          <Flex gap="1">
            <Button
              size="small"
              variant="tertiary"
              onPress={() => props.onOpen(r)}
            >
              Details
            </Button>
            {r.spec && r.action !== 'delete' && (
              <GuardedButton
                label="Rollback"
                allowance={props.rollback}
                isDisabled={Boolean(props.inFlight)}
                onPress={() => props.onRollback(r)}
              />
            )}
            {props.isPromotable(r) && (
              <GuardedButton
                label="Promote"
                allowance={props.promote}
                isDisabled={Boolean(props.inFlight)}
                onPress={() => props.onPromote(r)}
              />
            )}
          </Flex>
        </Cell>
      ),
    },
  ];

  return (
    <Table
      columnConfig={columns}
      data={props.records}
      isPending={props.loading}
      pagination={{
        type: 'page',
        pageSize: props.records.length || 1,
        pageSizeOptions: [],
        hasNextPage: props.hasNextPage,
        hasPreviousPage: props.hasPreviousPage,
        onNextPage: props.onNextPage,
        onPreviousPage: props.onPreviousPage,
        showPaginationLabel: false,
      }}
      emptyState={
        <Text>
          No deployments yet. Use “Deploy new version” to put the first version
          on the clusters.
        </Text>
      }
    />
  );
};
