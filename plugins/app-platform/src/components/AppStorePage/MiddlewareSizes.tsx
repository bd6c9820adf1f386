import { MiddlewareDefinitionSummary } from '@internal/plugin-app-platform-common';
import { Cell, ColumnConfig, Table, Text } from '@backstage/ui';

type Size = MiddlewareDefinitionSummary['sizes'][number];
type Row = Size & { id: string };

const resources = (amounts?: { cpu?: string; memory?: string }) =>
  [
    amounts?.cpu && `${amounts.cpu} CPU`,
    amounts?.memory && `${amounts.memory} memory`,
  ]
    .filter(Boolean)
    .join(', ') || '—';

const columns: ColumnConfig<Row>[] = [
  {
    id: 'size',
    label: 'Size',
    isRowHeader: true,
    cell: size => (
      <Cell>
        <Text weight="bold">{size.name}</Text>
      </Cell>
    ),
  },
  {
    id: 'requests',
    label: 'Requests (each replica)',
    cell: size => (
      <Cell>
        <Text>{resources(size.requests)}</Text>
      </Cell>
    ),
  },
  {
    id: 'limits',
    label: 'Limits (each replica)',
    cell: size => (
      <Cell>
        <Text>{resources(size.limits)}</Text>
      </Cell>
    ),
  },
];

/** The sizes of a definition, smallest first, with their containers' resources. */
export const MiddlewareSizes = (props: { sizes: Size[] }) => (
  <Table
    columnConfig={columns}
    data={props.sizes.map(size => ({ ...size, id: size.name }))}
    pagination={{ type: 'none' }}
  />
);
