import {
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { HealthCheck } from '@internal/plugin-app-platform-common';
import { Container, Header } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';

const columns: TableColumn<HealthCheck>[] = [
  { title: 'Check', field: 'name' },
  {
    title: 'Status',
    field: 'status',
    render: check =>
      check.status === 'ok' ? (
        <StatusOK>ok</StatusOK>
      ) : (
        <StatusError>failing</StatusError>
      ),
  },
  { title: 'Details', field: 'message', emptyValue: '' },
];

/** The platform's own health, as its backend reports it. */
export const PlatformStatusPage = () => {
  const client = useApi(appPlatformApiRef);
  const { value, loading, error } = useAsync(
    () => client.getHealth(),
    [client],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error || !value) {
    content = <ResponseErrorPanel error={error ?? new Error('No answer')} />;
  } else {
    content = (
      <Table
        title={`Backend: ${value.status}`}
        options={{ paging: false, search: false }}
        columns={columns}
        data={value.checks}
      />
    );
  }

  return (
    <>
      <Header title="App Platform" />
      <Container>{content}</Container>
    </>
  );
};
