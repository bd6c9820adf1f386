import { ClusterPlan } from '@internal/plugin-app-platform-common';
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
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { describeError } from '../../api/describeError';
import { ApiErrorAlert } from '../ApiErrorAlert';
import { ClusterPlans, summarizePlan } from './ObjectChanges';

/**
 * The plan before a change: per cluster and object, create / update /
 * delete / unchanged with the changed fields side by side (secrets come
 * redacted from the backend), then Confirm. `plan` is asked when the dialog
 * opens; `confirm` does the change and the dialog closes when it succeeds,
 * or shows why it was refused.
 */
export const PlanDialog = (props: {
  title: string;
  confirmLabel: string;
  /** Absent for a change that has no plan (delete): `description` says what happens. */
  plan?: () => Promise<ClusterPlan[]>;
  description?: string;
  confirm: () => Promise<void>;
  onClose: () => void;
}) => {
  const planned = useAsync(async () => (props.plan ? props.plan() : []), []);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>();

  const onConfirm = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      await props.confirm();
      props.onClose();
    } catch (e) {
      setError(e);
      setSubmitting(false);
    }
  };

  const failedClusters =
    planned.value?.filter(c => c.error).map(c => c.cluster) ?? [];

  return (
    <Dialog
      isOpen
      isDismissable={!submitting}
      onOpenChange={open => !open && props.onClose()}
      width="min(1100px, 95vw)"
    >
      <DialogHeader>{props.title}</DialogHeader>
      <DialogBody>
        {planned.loading && (
          <>
            <Text>Asking every target cluster for a dry run…</Text>
            <Progress />
          </>
        )}
        {planned.error && (
          <Alert
            status="danger"
            title="The plan could not be made"
            description={describeError(planned.error)}
          />
        )}
        {props.description && <Text as="p">{props.description}</Text>}
        {props.plan && planned.value && (
          <>
            <Text as="p" weight="bold" aria-label="Plan summary">
              {summarizePlan(planned.value)}
              {failedClusters.length > 0 &&
                ` · ${failedClusters.join(', ')} could not be planned`}
            </Text>
            <ClusterPlans clusters={planned.value} />
          </>
        )}
        <ApiErrorAlert error={error} />
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
          onPress={onConfirm}
          isDisabled={!planned.value || submitting}
          isPending={submitting}
        >
          {props.confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
