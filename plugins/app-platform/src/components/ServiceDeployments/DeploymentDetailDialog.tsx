import {
  DeploymentRecord,
  isMiddlewareSpec,
} from '@internal/plugin-app-platform-common';
import { useApi } from '@backstage/frontend-plugin-api';
import { Progress } from '@backstage/core-components';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { formatDuration, RelativeTime } from '../common/RelativeTime';
import { describeMiddlewareSpec } from './describeMiddlewareSpec';
import { ClusterPlans } from './ObjectChanges';
import { targetColor } from '../common/targetColor';

/**
 * One record: per-cluster results and errors, the timeline of the
 * platform's steps and the Kubernetes events of its objects on every
 * cluster, and on request what differs between it and what runs now.
 */
export const DeploymentDetailDialog = (props: {
  record: DeploymentRecord;
  onClose: () => void;
}) => {
  const client = useApi(appPlatformApiRef);
  const { record } = props;
  const { application, service, id } = record;
  const events = useAsync(
    () => client.getDeploymentEvents(application, service, id),
    [client, application, service, id],
  );
  const [live, setLive] = useState(false);
  const liveDiff = useAsync(
    async () =>
      live
        ? client.diffDeployment(application, service, id, 'live')
        : undefined,
    [live],
  );

  return (
    <Dialog
      isOpen
      isDismissable
      onOpenChange={open => !open && props.onClose()}
      width="min(1100px, 95vw)"
    >
      <DialogHeader>
        {record.action}
        {record.version !== undefined ? ` v${record.version}` : ''} ·{' '}
        {record.state}
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="4">
          <Text variant="body-small">
            By {record.createdBy}, <RelativeTime at={record.createdAt} />
            {record.finishedAt
              ? `, took ${formatDuration(record.createdAt, record.finishedAt)}`
              : ''}
            {record.description ? ` · “${record.description}”` : ''}
            {isMiddlewareSpec(record.spec)
              ? ` · ${describeMiddlewareSpec(record.spec)}`
              : ''}
            {record.summary ? ` · ${record.summary}` : ''}
          </Text>
          <section aria-label="Clusters">
            <Text as="h3" variant="title-x-small">
              Clusters
            </Text>
            {record.targets.map(t => (
              <Box key={t.cluster} py="1">
                <Text weight="bold">{t.cluster}</Text>{' '}
                <Text color={targetColor(t.state)}>{t.state}</Text>
                {(t.reason || t.message) && (
                  <Text
                    as="div"
                    variant="body-small"
                    color={t.state === 'failed' ? 'danger' : 'secondary'}
                  >
                    {[t.reason, t.message].filter(Boolean).join(': ')}
                  </Text>
                )}
              </Box>
            ))}
          </section>
          <section aria-label="Timeline">
            <Text as="h3" variant="title-x-small">
              Timeline
            </Text>
            {events.loading && <Progress />}
            {events.error && (
              <Alert
                status="danger"
                title="The timeline could not be read"
                description={describeError(events.error)}
              />
            )}
            {events.value?.length === 0 && (
              <Text variant="body-small">No events recorded.</Text>
            )}
            {events.value?.map((e, i) => (
              <Text
                as="div"
                variant="body-small"
                key={i}
                color={e.type === 'Warning' ? 'warning' : 'primary'}
              >
                <time dateTime={e.at} title={new Date(e.at).toLocaleString()}>
                  {new Date(e.at).toLocaleTimeString()}
                </time>{' '}
                {e.cluster ?? ''} {e.object ?? ''} <b>{e.reason}</b> {e.message}
              </Text>
            ))}
          </section>
          {record.spec && (
            <section aria-label="Against live">
              {!live && (
                <Button
                  size="small"
                  variant="secondary"
                  onPress={() => setLive(true)}
                >
                  Compare with what runs now
                </Button>
              )}
              {liveDiff.loading && <Progress />}
              {liveDiff.error && (
                <Alert
                  status="danger"
                  title="Could not compare with the clusters"
                  description={describeError(liveDiff.error)}
                />
              )}
              {liveDiff.value?.clusters && (
                <ClusterPlans clusters={liveDiff.value.clusters} />
              )}
            </section>
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={props.onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
