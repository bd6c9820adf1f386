import { DeploymentRecord } from '@internal/plugin-app-platform-common';
import { useApi } from '@backstage/frontend-plugin-api';
import { Progress } from '@backstage/core-components';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Text,
} from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { ObjectChanges } from './ObjectChanges';

function label(record: DeploymentRecord): string {
  return `${record.action}${
    record.version !== undefined ? ` v${record.version}` : ''
  } (${new Date(record.createdAt).toLocaleString()})`;
}

/** What changed from the older of two records to the newer, object by object. */
export const DiffDialog = (props: {
  records: [DeploymentRecord, DeploymentRecord];
  onClose: () => void;
}) => {
  const client = useApi(appPlatformApiRef);
  const [older, newer] = [...props.records].sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
  const diff = useAsync(
    () =>
      client.diffDeployment(
        newer.application,
        newer.service,
        newer.id,
        older.id,
      ),
    [client, newer.id, older.id],
  );
  return (
    <Dialog
      isOpen
      isDismissable
      onOpenChange={open => !open && props.onClose()}
      width="min(1100px, 95vw)"
    >
      <DialogHeader>Compare records</DialogHeader>
      <DialogBody>
        <Text as="p" variant="body-small">
          From {label(older)} to {label(newer)}
        </Text>
        {diff.loading && <Progress />}
        {diff.error && (
          <Alert
            status="danger"
            title="The records could not be compared"
            description={describeError(diff.error)}
          />
        )}
        {diff.value?.objects && <ObjectChanges objects={diff.value.objects} />}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={props.onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
