import { Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  APP_PLATFORM_SIGNAL_CHANNELS,
  MiddlewareInstance,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import {
  Alert,
  Button,
  ButtonLink,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { useReloadedOnSignal } from '../../hooks/useReloadedOnSignal';
import { appStoreRouteRef } from '../../middleware/middlewareExtensions';
import { BindServiceDialog } from './BindServiceDialog';
import {
  MiddlewareAction,
  MiddlewareInstanceTable,
} from './MiddlewareInstanceTable';
import { UninstallMiddlewareDialog } from './UninstallMiddlewareDialog';
import { UpgradeMiddlewareDialog } from './UpgradeMiddlewareDialog';

type Dialog = { kind: MiddlewareAction; instance: MiddlewareInstance };

/**
 * An application's middleware instances: definition, version (and whether
 * its definition changed), state per cluster and the services bound to
 * each; upgrade, bind a service and uninstall, each through a dialog.
 * Loaded once and again when an instance's status signal arrives: an idle
 * page makes no requests.
 */
export const ApplicationMiddlewareCard = (props: {
  application: string;
  clusters: string[];
}) => {
  const { application } = props;
  const client = useApi(appPlatformApiRef);
  const appStore = useRouteRef(appStoreRouteRef);
  const instances = useReloadedOnSignal<MiddlewareInstance[], ServiceStatus>({
    load: () => client.listMiddlewareInstances(application),
    deps: [client, application],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.serviceStatus,
    concerns: message =>
      message.kind === 'middleware' && message.application === application,
  });
  // For icons and the upgrade form; without them the card still lists the instances.
  const definitions = useAsync(
    () => client.listMiddlewareDefinitions(),
    [client],
  );
  const definitionOf = (instance: MiddlewareInstance) =>
    definitions.value?.items.find(d => d.name === instance.definition);
  const [dialog, setDialog] = useState<Dialog>();
  const close = () => setDialog(undefined);

  let content;
  if (instances.error && !instances.value) {
    content = (
      <Alert
        status="danger"
        role="alert"
        title="The middleware instances could not be loaded"
        description={describeError(instances.error)}
        customActions={
          <Button variant="secondary" size="small" onPress={instances.retry}>
            Try again
          </Button>
        }
      />
    );
  } else if (!instances.value) {
    content = <Progress />;
  } else if (instances.value.length === 0) {
    content = (
      <Text as="p">
        No middleware yet —{' '}
        {appStore ? (
          <Link href={appStore()}>install from the App Store</Link>
        ) : (
          'install from the App Store'
        )}
        .
      </Text>
    );
  } else {
    content = (
      <MiddlewareInstanceTable
        application={application}
        clusters={props.clusters}
        instances={instances.value}
        definitionOf={definitionOf}
        upgrade={
          definitions.loading
            ? { allowed: false, reason: 'Loading the definitions…' }
            : { allowed: true }
        }
        onAction={(kind, instance) => setDialog({ kind, instance })}
      />
    );
  }

  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center">
          <Text variant="title-x-small">Middleware</Text>
          {appStore && (
            <ButtonLink href={appStore()} variant="secondary" size="small">
              App Store
            </ButtonLink>
          )}
        </Flex>
      </CardHeader>
      <CardBody>
        {content}
        {dialog?.kind === 'upgrade' && (
          <UpgradeMiddlewareDialog
            instance={dialog.instance}
            definition={definitionOf(dialog.instance)}
            onUpgraded={instances.retry}
            onClose={close}
          />
        )}
        {dialog?.kind === 'bind' && (
          <BindServiceDialog
            instance={dialog.instance}
            // Which services bind it follows from their new current versions.
            onDeployed={instances.retry}
            onClose={close}
          />
        )}
        {dialog?.kind === 'uninstall' && (
          <UninstallMiddlewareDialog
            instance={dialog.instance}
            onUninstalled={instances.retry}
            onClose={close}
          />
        )}
      </CardBody>
    </Card>
  );
};
