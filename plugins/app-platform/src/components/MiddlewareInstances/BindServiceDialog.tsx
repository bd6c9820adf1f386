import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  DeploymentRecord,
  isMiddlewareSpec,
  MiddlewareInstance,
  Service,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import {
  Box,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Select,
  Text,
} from '@backstage/ui';
import { useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { ApiErrorAlert } from '../ApiErrorAlert';
import { MiddlewareEnvList } from '../AppStorePage/MiddlewareEnvList';
import { PlanDialog } from '../ServiceDeployments/PlanDialog';
import { withBinding } from './withBinding';

/** The most versions the API lists at once: the current one is among them unless a service has more newer ones. */
const VERSIONS_PAGE = 100;

/**
 * "Bind service": a service of the application with a deployed version
 * gets that version's spec with a binding to the instance, deployed as a
 * new version through the plan (which shows the new env vars), like
 * "Deploy new version" on its Deployments tab.
 */
export const BindServiceDialog = (props: {
  instance: MiddlewareInstance;
  onDeployed: (record: DeploymentRecord) => void;
  onClose: () => void;
}) => {
  const client = useApi(appPlatformApiRef);
  const { instance } = props;
  const { application } = instance;
  const services = useAsync(
    () => client.listServices(application),
    [client, application],
  );
  const [chosen, setChosen] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const [bound, setBound] = useState<{ service: string; spec: VersionSpec }>();
  const deployed = useRef(false);

  if (bound) {
    const { service, spec } = bound;
    return (
      <PlanDialog
        title={`Plan: bind ${application}/${service} to ${instance.name}`}
        confirmLabel="Confirm deploy"
        plan={() => client.plan(application, service, { spec })}
        confirm={async () => {
          const record = await client.deploy(application, service, {
            spec,
            description: `Bind middleware instance ${instance.name}`,
          });
          deployed.current = true;
          props.onDeployed(record);
        }}
        onClose={() =>
          deployed.current ? props.onClose() : setBound(undefined)
        }
      />
    );
  }

  // A service binds through its version: one never deployed has none yet.
  const candidates = (services.value ?? []).filter(
    (s): s is Service & { currentVersion: number } =>
      s.currentVersion !== undefined && !instance.boundBy.includes(s.name),
  );
  const service = candidates.find(s => s.name === chosen);

  const review = async () => {
    if (!service) return;
    setLoading(true);
    setError(undefined);
    try {
      const version = (
        await client.listVersions(application, service.name, {
          limit: VERSIONS_PAGE,
        })
      ).find(v => v.number === service.currentVersion);
      if (!version) {
        throw new Error(
          `Version v${service.currentVersion} of ${service.name} is not among its newest ${VERSIONS_PAGE} versions`,
        );
      }
      if (isMiddlewareSpec(version.spec)) {
        throw new Error(`${service.name} is a middleware instance`);
      }
      setBound({
        service: service.name,
        spec: withBinding(version.spec, instance.name),
      });
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  let choice;
  if (services.error) {
    choice = <ApiErrorAlert error={services.error} />;
  } else if (!services.value) {
    choice = <Progress />;
  } else if (candidates.length === 0) {
    choice = (
      <Text as="p">
        No service can bind it: every service with a deployed version binds{' '}
        {instance.name} already, or none has been deployed yet.
      </Text>
    );
  } else {
    choice = (
      <Select
        label="Service"
        description="Its current version, with the binding added, is deployed as a new version"
        placeholder="Choose a service"
        selectedKey={chosen ?? null}
        onSelectionChange={key => key !== null && setChosen(String(key))}
        options={candidates.map(s => ({
          id: s.name,
          label: `${s.name} (v${s.currentVersion})`,
        }))}
      />
    );
  }

  return (
    <Dialog
      isOpen
      isDismissable={!loading}
      onOpenChange={open => !open && props.onClose()}
      width="min(760px, 95vw)"
    >
      <DialogHeader>Bind a service to {instance.name}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          {choice}
          {instance.boundBy.length > 0 && (
            <Text as="p" variant="body-small" color="secondary">
              Already bound by {instance.boundBy.join(', ')}.
            </Text>
          )}
          <Box as="section" aria-label="Environment the service gets">
            <Text as="h4" variant="title-x-small" weight="bold">
              Environment the service gets
            </Text>
            <MiddlewareEnvList env={instance.connection.env} />
          </Box>
          <ApiErrorAlert error={error} />
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button
          variant="secondary"
          onPress={props.onClose}
          isDisabled={loading}
        >
          Cancel
        </Button>
        <Button
          variant="primary"
          onPress={review}
          isDisabled={!service}
          isPending={loading}
        >
          Review plan
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
