import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  APP_PLATFORM_SIGNAL_CHANNELS,
  MiddlewareInstallResult,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import {
  Box,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useCallback } from 'react';
import { useLiveValue } from '../../hooks/useLiveValue';
import { ServiceStateChip, StateLabel } from '../common/ServiceStateChip';
import { targetColor } from '../common/targetColor';

/**
 * What an install started: its record's result and the instance's state on
 * each target cluster, followed through the status signal (no requests),
 * and the way to the application, whose Middleware card lists the instance.
 */
export const MiddlewareInstallProgress = (props: {
  result: MiddlewareInstallResult;
  onClose: () => void;
}) => {
  const { instance, deployment } = props.result;
  const { application, name } = instance;
  const live = useLiveValue<ServiceStatus, ServiceStatus>({
    load: async () => ({
      application,
      service: name,
      kind: 'middleware',
      state: instance.state,
      clusters: instance.clusters,
      latestDeployment: deployment,
    }),
    deps: [props.result],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.serviceStatus,
    apply: useCallback(
      (current: ServiceStatus, message: ServiceStatus) =>
        message.kind === 'middleware' &&
        message.application === application &&
        message.service === name
          ? {
              ...message,
              latestDeployment:
                message.latestDeployment ?? current.latestDeployment,
            }
          : current,
      [application, name],
    ),
  });
  const status = live.value;
  const record =
    status?.latestDeployment?.id === deployment.id
      ? status.latestDeployment
      : deployment;
  // The record's targets, and any cluster the instance already reports from.
  const clusters = [
    ...new Set([
      ...record.targets.map(t => t.cluster),
      ...(status?.clusters ?? []).map(c => c.cluster),
    ]),
  ];

  return (
    <Dialog
      isOpen
      isDismissable
      onOpenChange={open => !open && props.onClose()}
      width="min(760px, 95vw)"
    >
      <DialogHeader>
        Installing {name} into {application}
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text as="p" aria-label="Install state">
            Install {record.state}
            {status && (
              <>
                {' '}
                · instance <StateLabel state={status.state} />
              </>
            )}
          </Text>
          <section aria-label="Clusters">
            {clusters.map(cluster => {
              const target = record.targets.find(t => t.cluster === cluster);
              return (
                <Box key={cluster} py="1" aria-label={cluster}>
                  <Text weight="bold">{cluster}</Text>{' '}
                  {target && (
                    <Text color={targetColor(target.state)}>
                      {target.state}{' '}
                    </Text>
                  )}
                  <ServiceStateChip
                    status={status?.clusters.find(c => c.cluster === cluster)}
                  />
                  {(target?.reason || target?.message) && (
                    <Text as="div" variant="body-small" color="danger">
                      {[target.reason, target.message]
                        .filter(Boolean)
                        .join(': ')}
                    </Text>
                  )}
                </Box>
              );
            })}
          </section>
          {!live.signalsAvailable && (
            <Text as="p" variant="body-small" color="secondary">
              This portal has no signals plugin: the states above do not change;
              the application shows the current ones.
            </Text>
          )}
          <Text as="p">
            The instance is listed on its application’s page:{' '}
            <EntityRefLink
              entityRef={`system:default/${application}`}
              title={`open ${application}`}
            />
            .
          </Text>
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
