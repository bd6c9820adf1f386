import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  APP_PLATFORM_SIGNAL_CHANNELS,
  Cluster,
} from '@internal/plugin-app-platform-common';
import { Text } from '@backstage/ui';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { useReloadedOnSignal } from '../../hooks/useReloadedOnSignal';
import { RelativeTime } from '../common/RelativeTime';
import { ClusterHealthStatus } from '../ClustersPage/ClustersPage';

/** The annotation the catalog module puts on a cluster's Resource entity. */
export const CLUSTER_ANNOTATION = 'app-platform.io/cluster';

/**
 * A cluster's health on its catalog page, followed live: it reloads when
 * the cluster's health changes. Admins also see the probe's reason and the
 * API server URL (the API leaves them out for others).
 */
export const ClusterHealthCard = () => {
  const { entity } = useEntity();
  const name =
    entity.metadata.annotations?.[CLUSTER_ANNOTATION] ?? entity.metadata.name;
  const client = useApi(appPlatformApiRef);
  const clusters = useReloadedOnSignal<Cluster[], { name: string }>({
    load: () => client.listClusters(),
    deps: [client],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.cluster,
    concerns: message => message.name === name,
  });
  const list = clusters.value;

  if (clusters.error && !list)
    return <ResponseErrorPanel error={clusters.error} />;
  if (!list) return <Progress />;
  const cluster = list.find(c => c.name === name);
  return (
    <InfoCard title="Cluster health">
      {cluster ? (
        <>
          <Text as="p">
            <ClusterHealthStatus health={cluster.health} />
            {cluster.healthChangedAt && (
              <>
                {' '}
                since <RelativeTime at={cluster.healthChangedAt} />
              </>
            )}
          </Text>
          <Text as="p" variant="body-small">
            Environment: {cluster.environment}
          </Text>
          {cluster.healthReason && (
            <Text as="p" variant="body-small" color="danger">
              {cluster.healthReason}
            </Text>
          )}
          {cluster.url && (
            <Text as="p" variant="body-small" color="secondary">
              {cluster.url}
            </Text>
          )}
        </>
      ) : (
        <Text as="p">
          The App Platform has no cluster named {name}: it was unregistered, and
          the catalog drops this entity at its next sync.
        </Text>
      )}
    </InfoCard>
  );
};
