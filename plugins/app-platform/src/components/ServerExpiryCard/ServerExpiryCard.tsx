import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  SERVER_EXPIRES_AT_ANNOTATION,
  SERVER_ID_ANNOTATION,
} from '@internal/plugin-app-platform-common';
import { Grid, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import {
  describeDaysLeft,
  describeSpecs,
  formatDate,
  toServerRow,
  URGENCY_COLOURS,
} from '../ServersPage/serverDisplay';

function Field(props: { label: string; value?: string }) {
  return (
    <Grid item xs={6}>
      <Typography variant="caption" color="textSecondary">
        {props.label}
      </Typography>
      <Typography variant="body2">{props.value || '—'}</Typography>
    </Grid>
  );
}

/**
 * The expiry of the server on its catalog page: days left (coloured by
 * urgency), expiry date, provider and specs, read from the App Platform API.
 */
export const ServerExpiryCard = () => {
  const { entity } = useEntity();
  const client = useApi(appPlatformApiRef);
  const id = entity.metadata.annotations?.[SERVER_ID_ANNOTATION];
  const { value, loading, error } = useAsync(
    async () => (id ? client.getServer(id) : undefined),
    [client, id],
  );

  if (loading) {
    return (
      <InfoCard title="Expiry">
        <Progress />
      </InfoCard>
    );
  }
  if (error || !value) {
    // Without the API, the annotation still tells the date.
    const expiresAt =
      entity.metadata.annotations?.[SERVER_EXPIRES_AT_ANNOTATION];
    return (
      <InfoCard title="Expiry">
        {error && <ResponseErrorPanel error={error} />}
        <Typography>Expires {formatDate(expiresAt)}</Typography>
      </InfoCard>
    );
  }

  const server = toServerRow(value);
  return (
    <InfoCard title="Expiry">
      <Typography
        variant="h4"
        component="p"
        data-testid="server-days-left"
        style={{
          background: URGENCY_COLOURS[server.urgency],
          padding: '4px 8px',
          borderRadius: 4,
          display: 'inline-block',
        }}
      >
        {describeDaysLeft(server.daysLeft)}
      </Typography>
      <Grid container spacing={1} style={{ marginTop: 8 }}>
        <Field label="Expires" value={formatDate(server.expiresAt)} />
        <Field label="Provider" value={server.provider} />
        <Field label="Provider id" value={server.providerId} />
        <Field label="Region" value={server.region} />
        <Field label="Specs" value={describeSpecs(server)} />
        <Field label="OS" value={server.os} />
        <Field label="IP addresses" value={server.ipAddresses.join(', ')} />
        <Field label="Charge type" value={server.chargeType} />
        <Field label="Created" value={formatDate(server.createdAt)} />
        <Field
          label="Last imported"
          value={
            server.lastImportedAt
              ? new Date(server.lastImportedAt).toLocaleString()
              : undefined
          }
        />
      </Grid>
    </InfoCard>
  );
};
