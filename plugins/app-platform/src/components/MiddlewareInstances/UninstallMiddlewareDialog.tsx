import { useApi } from '@backstage/frontend-plugin-api';
import { MiddlewareInstance } from '@internal/plugin-app-platform-common';
import {
  Button,
  Checkbox,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { ApiErrorAlert } from '../ApiErrorAlert';

/**
 * "Uninstall": the instance's objects leave every cluster; its data volumes
 * stay unless the user asks for them to go too. The API refuses while a
 * service's current version binds the instance, naming the services.
 */
export const UninstallMiddlewareDialog = (props: {
  instance: MiddlewareInstance;
  onUninstalled: () => void;
  onClose: () => void;
}) => {
  const client = useApi(appPlatformApiRef);
  const { application, name } = props.instance;
  const [deleteData, setDeleteData] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>();

  const uninstall = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      await client.uninstallMiddleware(application, name, { deleteData });
      props.onUninstalled();
      props.onClose();
    } catch (e) {
      setError(e);
      setSubmitting(false);
    }
  };

  return (
    <Dialog
      isOpen
      isDismissable={!submitting}
      onOpenChange={open => !open && props.onClose()}
      width="min(640px, 95vw)"
    >
      <DialogHeader>
        Uninstall {name} from {application}?
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text as="p">
            Its objects leave every cluster. Its data volumes are kept unless
            you delete them too.
          </Text>
          {props.instance.boundBy.length > 0 && (
            <Text as="p" color="warning">
              Bound by {props.instance.boundBy.join(', ')}: deploy them without
              the binding first, or the uninstall is refused.
            </Text>
          )}
          <Checkbox
            isSelected={deleteData}
            onChange={setDeleteData}
            isDisabled={submitting}
          >
            Also delete the data volumes
          </Checkbox>
          {deleteData && (
            <Text as="p" variant="body-small" color="danger">
              The data is lost for good: no backup is kept.
            </Text>
          )}
          <ApiErrorAlert error={error} />
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button
          variant="secondary"
          onPress={props.onClose}
          isDisabled={submitting}
        >
          Cancel
        </Button>
        <Button
          variant="primary"
          destructive
          onPress={uninstall}
          isPending={submitting}
        >
          Uninstall
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
