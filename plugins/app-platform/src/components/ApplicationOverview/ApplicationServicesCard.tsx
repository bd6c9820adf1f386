import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ApplicationStatus,
  Service,
} from '@internal/plugin-app-platform-common';
import {
  Card,
  CardBody,
  CardHeader,
  Cell,
  ColumnConfig,
  Flex,
  Table,
  Text,
} from '@backstage/ui';
import { ServiceStateChip, StateLabel } from '../common/ServiceStateChip';
import { Allowance, GuardedButton } from '../common/GuardedButton';

type Row = ApplicationStatus['services'][number] & {
  id: string;
  description?: string;
};

/**
 * An application's services as rows and its clusters as columns, each cell
 * the service's live state there; the aggregate state in the header.
 */
export const ApplicationServicesCard = (props: {
  application: string;
  status: ApplicationStatus;
  services: Service[];
  clusters: string[];
  create: Allowance;
  onNewService: () => void;
}) => {
  const descriptions = new Map(
    props.services.map(s => [s.name, s.description]),
  );
  const rows: Row[] = props.status.services.map(s => ({
    ...s,
    id: s.service,
    description: descriptions.get(s.service),
  }));
  const columns: ColumnConfig<Row>[] = [
    {
      id: 'service',
      label: 'Service',
      isRowHeader: true,
      width: 200,
      cell: r => (
        <Cell>
          <EntityRefLink
            entityRef={`component:${props.application}/${r.service}`}
            title={r.service}
          />
          {r.description && (
            <Text as="div" variant="body-x-small" color="secondary" truncate>
              {r.description}
            </Text>
          )}
        </Cell>
      ),
    },
    ...props.clusters.map<ColumnConfig<Row>>(cluster => ({
      id: `cluster-${cluster}`,
      label: cluster,
      cell: r => (
        <Cell>
          <ServiceStateChip
            status={r.clusters.find(c => c.cluster === cluster)}
          />
        </Cell>
      ),
    })),
  ];
  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center">
          <Flex align="center" gap="2">
            <Text variant="title-x-small">Services</Text>
            <span aria-label="Application state">
              <StateLabel state={props.status.state} />
            </span>
          </Flex>
          <GuardedButton
            label="New service"
            variant="primary"
            allowance={props.create}
            onPress={props.onNewService}
          />
        </Flex>
      </CardHeader>
      <CardBody>
        <Table
          columnConfig={columns}
          data={rows}
          pagination={{ type: 'none' }}
          emptyState={
            <Text>
              No services yet. “New service” adds one; then deploy its first
              version from its Deployments tab.
            </Text>
          }
        />
      </CardBody>
    </Card>
  );
};
