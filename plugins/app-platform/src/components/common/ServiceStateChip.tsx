import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import {
  ApplicationState,
  ServiceClusterStatus,
} from '@internal/plugin-app-platform-common';
import { Text } from '@backstage/ui';

/** A state with the status colour Backstage uses for it. */
export const StateLabel = (props: {
  state: ApplicationState | ServiceClusterStatus['state'];
}) => {
  switch (props.state) {
    case 'running':
      return <StatusOK>running</StatusOK>;
    case 'deploying':
      return <StatusRunning>deploying</StatusRunning>;
    case 'failed':
      return <StatusError>failed</StatusError>;
    case 'degraded':
      return <StatusWarning>degraded</StatusWarning>;
    case 'stopped':
      return <StatusAborted>stopped</StatusAborted>;
    default:
      return <StatusPending>{props.state}</StatusPending>;
  }
};

/**
 * A service on one cluster: state, version, ready/desired pods, and the
 * reason when it fails. `data-testid` lets tests find the cell of a cluster.
 */
export const ServiceStateChip = (props: { status?: ServiceClusterStatus }) => {
  const { status } = props;
  if (!status) {
    return (
      <Text as="span" variant="body-small" color="secondary">
        not deployed
      </Text>
    );
  }
  return (
    <span data-testid={`state-${status.cluster}`} data-state={status.state}>
      <StateLabel state={status.state} />{' '}
      <Text as="span" variant="body-small">
        {status.version !== undefined ? `v${status.version} · ` : ''}
        {status.readyReplicas}/{status.desiredReplicas} ready
      </Text>
      {status.state === 'failed' && (status.reason || status.message) && (
        <Text as="div" variant="body-small" color="danger">
          {/* Pull errors quote whole URLs: break them anywhere rather than widen the page. */}
          <span style={{ overflowWrap: 'anywhere' }}>
            {[status.reason, status.message].filter(Boolean).join(': ')}
          </span>
        </Text>
      )}
    </span>
  );
};
