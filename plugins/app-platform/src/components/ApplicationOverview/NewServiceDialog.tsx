import { useApi } from '@backstage/frontend-plugin-api';
import {
  checkResourceName,
  Service,
} from '@internal/plugin-app-platform-common';
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  TextField,
} from '@backstage/ui';
import { useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';

/** Creates a service of an application; its first version is deployed from its Deployments tab. */
export const NewServiceDialog = (props: {
  application: string;
  onCreated: (service: Service) => void;
  onClose: () => void;
}) => {
  const client = useApi(appPlatformApiRef);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [nameError, setNameError] = useState<string>();
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const create = async () => {
    const problem = checkResourceName(name.trim());
    setNameError(problem);
    if (problem) return;
    setSubmitting(true);
    setError(undefined);
    try {
      props.onCreated(
        await client.createService(props.application, {
          name: name.trim(),
          description: description.trim() || undefined,
          public: isPublic,
        }),
      );
      props.onClose();
    } catch (e) {
      setError(describeError(e));
      setSubmitting(false);
    }
  };

  return (
    <Dialog
      isOpen
      isDismissable={!submitting}
      onOpenChange={open => !open && props.onClose()}
      width="min(560px, 95vw)"
    >
      <DialogHeader>New service in {props.application}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <TextField
            label="Name"
            description="Lower-case letters, digits and '-', at most 63 characters"
            isRequired
            value={name}
            onChange={value => {
              setName(value);
              setNameError(undefined);
            }}
            isInvalid={Boolean(nameError)}
            validate={() => nameError}
            validationBehavior="aria"
          />
          <TextField
            label="Description"
            value={description}
            onChange={setDescription}
          />
          <Checkbox isSelected={isPublic} onChange={setPublic}>
            Public: other applications may reference it
          </Checkbox>
          {error && (
            <Alert status="danger" title="Refused" description={error} />
          )}
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
        <Button variant="primary" onPress={create} isPending={submitting}>
          Create service
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
