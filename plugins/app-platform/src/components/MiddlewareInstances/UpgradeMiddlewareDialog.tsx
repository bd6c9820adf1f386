import { useApi } from '@backstage/frontend-plugin-api';
import {
  MiddlewareDefinitionSummary,
  MiddlewareInstallResult,
  MiddlewareInstance,
  MiddlewareParameters,
} from '@internal/plugin-app-platform-common';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useMemo, useRef, useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { MiddlewareParameterFields } from '../AppStorePage/MiddlewareParameterFields';
import {
  initialValues,
  ParameterErrors,
  parameterFields,
  parametersFromValues,
} from '../AppStorePage/parameterForm';
import { shortDigest } from '../ServiceDeployments/describeMiddlewareSpec';
import { PlanDialog } from '../ServiceDeployments/PlanDialog';

/**
 * "Upgrade": the parameters form filled from the instance's parameters, then
 * the plan of the change, then the upgrade. Only the changed parameters are
 * sent (the API merges them over the current ones); a password is sent only
 * when a new one is typed. The upgrade always re-renders with the definition
 * as loaded now.
 */
export const UpgradeMiddlewareDialog = (props: {
  instance: MiddlewareInstance;
  /** Undefined when the definition is not loaded: its parameters cannot be edited then. */
  definition?: MiddlewareDefinitionSummary;
  onUpgraded: (result: MiddlewareInstallResult) => void;
  onClose: () => void;
}) => {
  const client = useApi(appPlatformApiRef);
  const { instance, definition } = props;
  const { application, name } = instance;
  const fields = useMemo(
    () => parameterFields(definition?.parametersSchema),
    [definition],
  );
  const start = useMemo(
    () => initialValues(fields, instance.parameters),
    [fields, instance.parameters],
  );
  const [values, setValues] = useState(start);
  const [errors, setErrors] = useState<ParameterErrors>({});
  const [parameters, setParameters] = useState<MiddlewareParameters>();
  const upgraded = useRef(false);

  if (parameters) {
    return (
      <PlanDialog
        title={`Plan: upgrade ${application}/${name}`}
        confirmLabel="Upgrade"
        plan={() => client.planMiddleware(application, name, { parameters })}
        confirm={async () => {
          const result = await client.upgradeMiddleware(application, name, {
            parameters,
          });
          upgraded.current = true;
          props.onUpgraded(result);
        }}
        // Back to the form after a cancel; closed after the upgrade.
        onClose={() =>
          upgraded.current ? props.onClose() : setParameters(undefined)
        }
      />
    );
  }

  const review = () => {
    const result = parametersFromValues(fields, values, start);
    setErrors(result.errors);
    if (Object.keys(result.errors).length === 0) {
      setParameters(result.parameters);
    }
  };

  return (
    <Dialog
      isOpen
      isDismissable
      onOpenChange={open => !open && props.onClose()}
      width="min(760px, 95vw)"
    >
      <DialogHeader>
        Upgrade {name} ({instance.title ?? instance.definition})
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          {instance.updateAvailable && (
            <Alert
              status="info"
              title="The definition changed"
              description={`${
                instance.definition
              } changed since this instance was rendered (digest ${shortDigest(
                instance.digest,
              )}${
                definition ? ` → ${shortDigest(definition.digest)}` : ''
              }). The upgrade re-renders it with the new definition, even when no parameter changes.`}
            />
          )}
          {definition ? (
            <MiddlewareParameterFields
              fields={fields}
              values={values}
              errors={errors}
              onChange={(path, value) => {
                setValues(v => ({ ...v, [path]: value }));
                setErrors(({ [path]: _cleared, ...rest }) => rest);
              }}
              passwordHint={{
                placeholder: '<redacted>',
                description: 'Leave empty to keep the current password.',
              }}
            />
          ) : (
            <Alert
              status="warning"
              title={`The definition ${instance.definition} is not loaded`}
              description="Its parameters cannot be edited here; an upgrade keeps them as they are."
            />
          )}
          <Text variant="body-small" color="secondary">
            Review shows the plan on every cluster before anything is applied.
          </Text>
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
