import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Select, Text } from '@backstage/ui';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { applicationLabel } from '../../scaffolder/ApplicationPicker/useChangeableApplications';
import { ApiErrorAlert } from '../ApiErrorAlert';

/**
 * The application to install into: those the user may read and that are
 * not being deleted. Whether the user may install into one is the API's to
 * say (its refusal shows in the plan).
 */
export const ApplicationSelect = (props: {
  value?: string;
  onChange: (application: string) => void;
  error?: string;
}) => {
  const client = useApi(appPlatformApiRef);
  const applications = useAsyncRetry(
    async () =>
      (await client.listApplications())
        .filter(application => !application.deletionRequestedAt)
        .sort((a, b) => applicationLabel(a).localeCompare(applicationLabel(b))),
    [client],
  );

  if (applications.error) {
    return (
      <Flex direction="column" gap="1">
        <Text weight="bold">The applications could not be loaded</Text>
        <ApiErrorAlert error={applications.error} />
        <Flex>
          <Button size="small" variant="secondary" onPress={applications.retry}>
            Try again
          </Button>
        </Flex>
      </Flex>
    );
  }
  if (applications.value?.length === 0) {
    return (
      <Text as="p">
        There is no application to install into yet: create one first.
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="1">
      <Select
        label="Application"
        description="The instance runs in its namespace on every healthy cluster"
        isRequired
        isDisabled={!applications.value}
        placeholder={
          applications.value ? 'Choose an application' : 'Loading applications…'
        }
        selectedKey={props.value ?? null}
        onSelectionChange={key => key !== null && props.onChange(String(key))}
        options={(applications.value ?? []).map(application => ({
          id: application.name,
          label: applicationLabel(application),
        }))}
      />
      {props.error && (
        <Text as="div" variant="body-small" color="danger" role="alert">
          {props.error}
        </Text>
      )}
    </Flex>
  );
};
