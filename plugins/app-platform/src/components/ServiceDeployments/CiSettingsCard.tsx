import { useApi } from '@backstage/frontend-plugin-api';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  APP_PLATFORM_SIGNAL_CHANNELS,
  CiBuildRecord,
  CiPolicy,
  serviceUpdatePermission,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Cell,
  ColumnConfig,
  Flex,
  Radio,
  RadioGroup,
  Table,
  Text,
  TextField,
} from '@backstage/ui';
import { useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { useReloadedOnSignal } from '../../hooks/useReloadedOnSignal';
import { RelativeTime } from '../common/RelativeTime';
import { GuardedButton, useAllowance } from '../common/GuardedButton';

type BuildRow = CiBuildRecord;

const columns: ColumnConfig<BuildRow>[] = [
  {
    id: 'build',
    label: 'Build',
    isRowHeader: true,
    cell: b => (
      <Cell>
        <Text as="div" weight="bold">
          {b.provider} {b.buildId}
        </Text>
        {b.url && (
          <Text as="div" variant="body-small">
            <a href={b.url} target="_blank" rel="noreferrer">
              {b.url}
            </a>
          </Text>
        )}
      </Cell>
    ),
  },
  {
    id: 'image',
    label: 'Image',
    cell: b => (
      <Cell>
        <Text as="div">{b.image}</Text>
        {b.commit && (
          <Text as="div" variant="body-small" color="secondary">
            commit {b.commit.slice(0, 12)}
          </Text>
        )}
      </Cell>
    ),
  },
  {
    id: 'outcome',
    label: 'What it did',
    cell: b => (
      <Cell>
        <Text as="div">
          {b.outcome === 'deployed'
            ? `v${b.version} deployed to test`
            : `v${b.version} recorded`}
        </Text>
      </Cell>
    ),
  },
  {
    id: 'received',
    label: 'Received',
    cell: b => (
      <Cell>
        <RelativeTime at={b.receivedAt} />
      </Cell>
    ),
  },
];

/**
 * A service's CI settings on its Deployments tab: what a build does (deploy
 * to the test clusters, or only record a version), the image repository for
 * CI systems that send only a tag, the webhook URLs, a webhook secret that is
 * shown once when created or rotated, and the builds received. Reloaded when
 * the service's status signal brings a record a CI build started.
 */
export const CiSettingsCard = (props: {
  application: string;
  service: string;
}) => {
  const { application, service } = props;
  const api = useApi(appPlatformApiRef);
  const update = useAllowance(
    serviceUpdatePermission,
    `${application}/${service}`,
    'Only the owners of the application change its CI settings',
  );
  // The records of builds already shown: only a new CI record reloads the
  // list, not every status message of a rollout.
  const shownRecords = useRef(new Set<string>());
  const settings = useReloadedOnSignal({
    load: () => api.getServiceCi(application, service),
    deps: [api, application, service],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.serviceStatus,
    concerns: (message: ServiceStatus) =>
      message.application === application &&
      message.service === service &&
      Boolean(message.latestDeployment?.createdBy.startsWith('ci:')) &&
      !shownRecords.current.has(message.latestDeployment!.id),
  });
  const urls = useAsync(
    async () => ({
      generic: await api.ciWebhookUrl('generic'),
      gitlab: `${await api.ciWebhookUrl(
        'gitlab',
      )}?application=${encodeURIComponent(
        application,
      )}&service=${encodeURIComponent(service)}`,
    }),
    [api, application, service],
  );
  const [policy, setPolicy] = useState<CiPolicy>('record');
  const [imageRepository, setImageRepository] = useState('');
  const [secret, setSecret] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  const loaded = settings.value;
  useEffect(() => {
    if (!loaded) return;
    for (const build of loaded.builds) {
      if (build.deploymentId) shownRecords.current.add(build.deploymentId);
    }
    setPolicy(loaded.policy);
    setImageRepository(loaded.imageRepository ?? '');
  }, [loaded]);

  if (settings.loading && !loaded) return <Progress />;
  if (settings.error && !loaded) {
    return <ResponseErrorPanel error={settings.error} />;
  }
  if (!loaded) return null;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  const changed =
    policy !== loaded.policy ||
    imageRepository !== (loaded.imageRepository ?? '');

  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-small">
          CI builds
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="4">
          <RadioGroup
            label="When a build arrives"
            value={policy}
            onChange={value => setPolicy(value as CiPolicy)}
            isDisabled={!update.allowed}
          >
            <Radio value="deploy-test">
              Make it a version and deploy it to the test clusters
            </Radio>
            <Radio value="record">Only make it a version</Radio>
          </RadioGroup>
          <TextField
            label="Image repository"
            description="For CI systems that send only a tag (GitLab): the image is <repository>:<tag>"
            value={imageRepository}
            onChange={setImageRepository}
            isDisabled={!update.allowed}
          />
          <Flex gap="2">
            <GuardedButton
              label="Save CI settings"
              allowance={update}
              isDisabled={!changed || busy}
              onPress={() =>
                run(async () => {
                  await api.updateServiceCi(application, service, {
                    policy,
                    imageRepository,
                  });
                  settings.retry();
                })
              }
            />
            <GuardedButton
              label={
                loaded.secretCreatedAt
                  ? 'Rotate webhook secret'
                  : 'Create webhook secret'
              }
              allowance={update}
              isDisabled={busy}
              onPress={() =>
                run(async () => {
                  const created = await api.createServiceCiSecret(
                    application,
                    service,
                  );
                  setSecret(created.secret);
                  settings.retry();
                })
              }
            />
          </Flex>
          {failure && <Alert status="danger" title={failure} />}
          {secret && (
            <Alert
              status="warning"
              title="The new webhook secret, shown this once"
              description={<code aria-label="Webhook secret">{secret}</code>}
            />
          )}
          <Text as="div" variant="body-small">
            {loaded.secretCreatedAt ? (
              <>
                Webhook secret created{' '}
                <RelativeTime at={loaded.secretCreatedAt} />.{' '}
              </>
            ) : (
              'No webhook secret yet: builds are refused until one exists. '
            )}
            Webhooks: <code>{urls.value?.generic}</code> (signed JSON, see the
            backend README) and <code>{urls.value?.gitlab}</code> (GitLab
            pipeline events, the secret as the token).
          </Text>
          <Table
            aria-label="Builds received"
            columnConfig={columns}
            data={loaded.builds satisfies BuildRow[]}
            pagination={{ type: 'none' }}
            emptyState={<Text>No builds received yet.</Text>}
          />
        </Flex>
      </CardBody>
    </Card>
  );
};
