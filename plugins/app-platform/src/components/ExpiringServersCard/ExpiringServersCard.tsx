import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { serverEntityName } from '@internal/plugin-app-platform-common';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import {
  describeDaysLeft,
  formatDate,
  toServerRow,
  URGENCY_COLOURS,
} from '../ServersPage/serverDisplay';

/** The expiring servers (of one owner group, or all), soonest first. */
export const ExpiringServersList = (props: {
  owner?: string;
  withinDays?: number;
}) => {
  const { owner, withinDays = 30 } = props;
  const client = useApi(appPlatformApiRef);
  const { value, loading, error } = useAsync(
    () => client.listServers({ owner, state: 'active' }),
    [client, owner],
  );
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  const now = new Date();
  const expiring = (value ?? [])
    .map(server => toServerRow(server, now))
    .filter(row => row.daysLeft !== undefined && row.daysLeft <= withinDays)
    .sort((a, b) => a.daysLeft! - b.daysLeft!);
  if (expiring.length === 0) {
    return <Typography>No server expires within {withinDays} days.</Typography>;
  }
  return (
    <List dense>
      {expiring.map(row => (
        <ListItem
          key={row.id}
          style={{ background: URGENCY_COLOURS[row.urgency] }}
        >
          <ListItemText
            primary={
              <EntityRefLink
                entityRef={{
                  kind: 'resource',
                  namespace: 'default',
                  name: serverEntityName(row),
                }}
                title={row.name}
              />
            }
            secondary={`${describeDaysLeft(row.daysLeft)} · ${formatDate(
              row.expiresAt,
            )} · ${row.provider}`}
          />
        </ListItem>
      ))}
    </List>
  );
};

/** On a Group's catalog page: its servers that expire soon. */
export const EntityExpiringServersCard = () => {
  const { entity } = useEntity();
  return (
    <InfoCard title="Servers expiring soon">
      <ExpiringServersList owner={stringifyEntityRef(entity)} />
    </InfoCard>
  );
};
