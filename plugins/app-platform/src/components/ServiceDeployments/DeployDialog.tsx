import {
  DeploymentRecord,
  Service,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Grid,
  Text,
  TextAreaField,
  TextField,
} from '@backstage/ui';
import { useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { PlanDialog } from './PlanDialog';
import {
  formFromSpec,
  specFromForm,
  VersionFormErrors,
  VersionFormValues,
} from './versionForm';

/**
 * "Deploy new version": a form filled from the current version, then the
 * plan of exactly that spec, then the deploy. Fields the form does not show
 * (probes, config files, volumes, references, template) are kept.
 */
export const DeployDialog = (props: {
  service: Service;
  current?: VersionSpec;
  onDeployed: (record: DeploymentRecord) => void;
  onClose: () => void;
}) => {
  const client = useApi(appPlatformApiRef);
  const { application, name } = props.service;
  const [values, setValues] = useState<VersionFormValues>(() =>
    formFromSpec(props.current),
  );
  const [errors, setErrors] = useState<VersionFormErrors>({});
  const [spec, setSpec] = useState<VersionSpec>();

  const field = (key: keyof VersionFormValues) => ({
    value: values[key] as string,
    onChange: (value: string) => {
      setValues(v => ({ ...v, [key]: value }));
      setErrors(e => ({ ...e, [key]: undefined }));
    },
    isInvalid: Boolean(errors[key]),
  });
  /** The field's error under it, named so a screen reader ties it to the field. */
  const error = (key: keyof VersionFormValues) =>
    errors[key] ? (
      <Text
        as="div"
        variant="body-small"
        color="danger"
        data-testid={`error-${key}`}
      >
        {errors[key]}
      </Text>
    ) : null;

  const review = () => {
    const result = specFromForm(values, props.current);
    setErrors(result.errors);
    if (result.spec) setSpec(result.spec);
  };

  if (spec) {
    return (
      <PlanDialog
        title={`Plan: deploy ${spec.image} to ${application}/${name}`}
        confirmLabel="Confirm deploy"
        plan={() => client.plan(application, name, { spec })}
        confirm={async () => {
          props.onDeployed(
            await client.deploy(application, name, {
              spec,
              description: values.description.trim() || undefined,
            }),
          );
        }}
        onClose={props.onClose}
      />
    );
  }

  return (
    <Dialog
      isOpen
      isDismissable
      onOpenChange={open => !open && props.onClose()}
      width="min(900px, 95vw)"
    >
      <DialogHeader>Deploy a new version of {name}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text variant="body-small" color="secondary">
            Filled from the current version. Review shows the plan on every
            healthy cluster before anything is applied.
          </Text>
          <Grid.Root columns={{ initial: '1', md: '3' }} gap="3">
            <Grid.Item colSpan={{ initial: '1', md: '2' }}>
              <Box>
                <TextField label="Image" isRequired {...field('image')} />
                {error('image')}
              </Box>
            </Grid.Item>
            <Box>
              <TextField label="Replicas" {...field('replicas')} />
              {error('replicas')}
            </Box>
          </Grid.Root>
          <Grid.Root columns={{ initial: '1', md: '2' }} gap="3">
            <Box>
              <TextAreaField
                label="Ports"
                description="One per line: name:containerPort[:servicePort], e.g. http:8080:80"
                {...field('ports')}
              />
              {error('ports')}
            </Box>
            <TextAreaField
              label="Environment"
              description="One per line: NAME=value, or NAME=secret:<secret>/<key> to read a Secret"
              {...field('env')}
            />
          </Grid.Root>
          <Grid.Root columns={{ initial: '2', md: '4' }} gap="3">
            <Box>
              <TextField
                label="CPU request"
                placeholder="250m"
                {...field('cpuRequest')}
              />
              {error('cpuRequest')}
            </Box>
            <Box>
              <TextField
                label="Memory request"
                placeholder="256Mi"
                {...field('memoryRequest')}
              />
              {error('memoryRequest')}
            </Box>
            <Box>
              <TextField
                label="CPU limit"
                placeholder="1"
                {...field('cpuLimit')}
              />
              {error('cpuLimit')}
            </Box>
            <Box>
              <TextField
                label="Memory limit"
                placeholder="512Mi"
                {...field('memoryLimit')}
              />
              {error('memoryLimit')}
            </Box>
          </Grid.Root>
          <Grid.Root columns={{ initial: '1', md: '3' }} gap="3">
            <Box>
              <TextField
                label="Route host"
                placeholder="shop.example.com"
                {...field('routeHost')}
              />
              {error('routeHost')}
            </Box>
            <Box>
              <TextField
                label="Route path"
                placeholder="/"
                {...field('routePath')}
              />
              {error('routePath')}
            </Box>
            <Box>
              <TextField label="TLS secret" {...field('routeTlsSecret')} />
              {error('routeTlsSecret')}
            </Box>
          </Grid.Root>
          <Grid.Root columns={{ initial: '1', md: '3' }} gap="3">
            <Box>
              <TextField
                label="Proxy sidecar port"
                description="Empty for no proxy"
                {...field('proxyPort')}
              />
              {error('proxyPort')}
            </Box>
            <Flex align="end">
              <Checkbox
                isSelected={values.logging}
                onChange={logging => setValues(v => ({ ...v, logging }))}
              >
                Log collector sidecar
              </Checkbox>
            </Flex>
            <Box>
              <TextField
                label="Log volume size limit"
                placeholder="512Mi"
                isDisabled={!values.logging}
                {...field('logSizeLimit')}
              />
              {error('logSizeLimit')}
            </Box>
          </Grid.Root>
          <Box>
            <TextField
              label="Why (shown in the history)"
              {...field('description')}
            />
            {error('description')}
          </Box>
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={props.onClose}>
          Cancel
        </Button>
        <Button variant="primary" onPress={review}>
          Review plan
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
