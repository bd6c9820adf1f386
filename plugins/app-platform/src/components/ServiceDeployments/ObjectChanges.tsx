import {
  ClusterPlan,
  FieldChange,
  PlannedObject,
} from '@internal/plugin-app-platform-common';
import { Alert, Box, Flex, Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    tableLayout: 'fixed',
    fontSize: theme.typography.body2.fontSize,
    '& th, & td': {
      textAlign: 'left',
      verticalAlign: 'top',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.palette.divider}`,
      overflowWrap: 'anywhere',
    },
    '& td pre': { margin: 0, whiteSpace: 'pre-wrap', fontSize: 'inherit' },
  },
  before: { background: 'rgba(244, 67, 54, 0.08)' },
  after: { background: 'rgba(76, 175, 80, 0.1)' },
}));

const ACTION_COLOR: Record<
  PlannedObject['action'],
  'success' | 'warning' | 'danger' | 'secondary'
> = {
  create: 'success',
  update: 'warning',
  delete: 'danger',
  unchanged: 'secondary',
};

/** A field value as text: strings bare, anything else as JSON; absent as `—`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
}

const Changes = (props: { changes: FieldChange[] }) => {
  const classes = useStyles();
  return (
    <table className={classes.table}>
      <thead>
        <tr>
          <th style={{ width: '36%' }}>Field</th>
          <th>Before</th>
          <th>After</th>
        </tr>
      </thead>
      <tbody>
        {props.changes.map(change => (
          <tr key={change.path}>
            <td>
              <code>{change.path}</code>
            </td>
            <td className={classes.before}>
              <pre>{formatValue(change.before)}</pre>
            </td>
            <td className={classes.after}>
              <pre>{formatValue(change.after)}</pre>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/** What happens to each object: create/update/delete/unchanged, and the changed fields. */
export const ObjectChanges = (props: { objects: PlannedObject[] }) => {
  if (props.objects.length === 0) {
    return <Text variant="body-small">No objects.</Text>;
  }
  return (
    <Flex direction="column" gap="2">
      {props.objects.map(object => (
        <Box
          key={`${object.kind}/${object.name}`}
          aria-label={`${object.kind}/${object.name}`}
        >
          <Flex gap="2" align="center">
            <Text weight="bold" color={ACTION_COLOR[object.action]}>
              {object.action}
            </Text>
            <Text>
              {object.kind}/{object.name}
            </Text>
            {object.action === 'update' && (
              <Text variant="body-small" color="secondary">
                {object.changes.length} field
                {object.changes.length === 1 ? '' : 's'}
              </Text>
            )}
          </Flex>
          {object.changes.length > 0 && object.action !== 'unchanged' && (
            <Changes changes={object.changes} />
          )}
        </Box>
      ))}
    </Flex>
  );
};

/** A plan per cluster: its objects, or why the cluster could not be planned. */
export const ClusterPlans = (props: { clusters: ClusterPlan[] }) => (
  <Flex direction="column" gap="4">
    {props.clusters.map(plan => (
      <section
        key={plan.cluster}
        aria-label={`Plan for cluster ${plan.cluster}`}
      >
        <Text as="h3" variant="title-x-small">
          Cluster {plan.cluster}
        </Text>
        {plan.error ? (
          <Alert
            status="danger"
            title={`Cluster ${plan.cluster} could not be planned`}
            description={plan.error}
          />
        ) : (
          <ObjectChanges objects={plan.objects} />
        )}
      </section>
    ))}
  </Flex>
);

/** `2 to create, 1 to update` over every cluster, for a dialog's summary line. */
export function summarizePlan(clusters: ClusterPlan[]): string {
  const counts = { create: 0, update: 0, delete: 0 };
  for (const plan of clusters) {
    for (const object of plan.objects) {
      if (object.action !== 'unchanged') counts[object.action] += 1;
    }
  }
  const parts = (Object.keys(counts) as Array<keyof typeof counts>)
    .filter(action => counts[action] > 0)
    .map(action => `${counts[action]} to ${action}`);
  return parts.length ? parts.join(', ') : 'no changes';
}
