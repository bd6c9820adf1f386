import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  MiddlewareDefinitionSummary,
  MiddlewareInstance,
} from '@internal/plugin-app-platform-common';
import { Badge, Cell, ColumnConfig, Flex, Table, Text } from '@backstage/ui';
import { Allowance, GuardedButton } from '../common/GuardedButton';
import { ServiceStateChip } from '../common/ServiceStateChip';

type Row = MiddlewareInstance & { id: string };

/** What a row's buttons open. */
export type MiddlewareAction = 'upgrade' | 'bind' | 'uninstall';

const ACTIONS: Array<{ kind: MiddlewareAction; label: string }> = [
  { kind: 'upgrade', label: 'Upgrade' },
  { kind: 'bind', label: 'Bind service' },
  { kind: 'uninstall', label: 'Uninstall' },
];

/** Whether an instance can be changed now: not while one of its records is in flight. */
function settled(instance: MiddlewareInstance): Allowance {
  if (instance.desiredState === 'deleting') {
    return { allowed: false, reason: 'It is being uninstalled' };
  }
  if (instance.inFlight) {
    // The short id, as the history on the instance's page shows records.
    const record = instance.inFlight.slice(0, 8);
    return {
      allowed: false,
      reason: `Its record ${record} is in flight; wait for it to settle`,
    };
  }
  return { allowed: true };
}

/**
 * Middleware instances as rows: the name, linking to the instance's catalog
 * page (its rollouts, history and rollback), definition (with its icon when
 * loaded), version and whether an update is available, the state on each
 * cluster, the services bound to it, and its actions, disabled while one of
 * its records is in flight.
 */
export const MiddlewareInstanceTable = (props: {
  application: string;
  clusters: string[];
  instances: MiddlewareInstance[];
  definitionOf: (
    instance: MiddlewareInstance,
  ) => MiddlewareDefinitionSummary | undefined;
  /** Whether upgrades can be offered yet (their form needs the definitions). */
  upgrade: Allowance;
  onAction: (action: MiddlewareAction, instance: MiddlewareInstance) => void;
}) => {
  const columns: ColumnConfig<Row>[] = [
    {
      id: 'instance',
      label: 'Instance',
      isRowHeader: true,
      width: 160,
      cell: r => (
        <Cell>
          <EntityRefLink
            entityRef={`resource:${props.application}/${r.name}`}
            title={r.name}
          />
        </Cell>
      ),
    },
    {
      id: 'definition',
      label: 'Definition',
      width: 170,
      cell: r => {
        const definition = props.definitionOf(r);
        const title = definition?.title ?? r.title ?? r.definition;
        return (
          <Cell>
            <Flex align="center" gap="2">
              {definition && (
                <img
                  src={definition.icon}
                  alt={`${title} icon`}
                  width={20}
                  height={20}
                />
              )}
              <Text>{title}</Text>
            </Flex>
          </Cell>
        );
      },
    },
    {
      id: 'version',
      label: 'Version',
      width: 170,
      cell: r => (
        <Cell>
          <Flex align="center" gap="2">
            <Text>{r.middlewareVersion}</Text>
            {r.updateAvailable && <Badge size="small">Update available</Badge>}
          </Flex>
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
    {
      id: 'bound-by',
      label: 'Bound by',
      cell: r => (
        <Cell>
          {r.boundBy.length === 0 ? (
            <Text variant="body-small" color="secondary">
              no service
            </Text>
          ) : (
            <Flex gap="2" aria-label={`Bound by ${r.boundBy.join(', ')}`}>
              {r.boundBy.map(service => (
                <EntityRefLink
                  key={service}
                  entityRef={`component:${props.application}/${service}`}
                  title={service}
                />
              ))}
            </Flex>
          )}
        </Cell>
      ),
    },
    {
      id: 'actions',
      label: '',
      width: 300,
      cell: r => (
        <Cell>
          <Flex gap="1">
            {ACTIONS.map(action => (
              <GuardedButton
                key={action.kind}
                label={action.label}
                destructive={action.kind === 'uninstall'}
                allowance={
                  action.kind === 'upgrade' && !props.upgrade.allowed
                    ? props.upgrade
                    : settled(r)
                }
                onPress={() => {
                  const { id: _row, ...instance } = r;
                  props.onAction(action.kind, instance);
                }}
              />
            ))}
          </Flex>
        </Cell>
      ),
    },
  ];

  return (
    <Table
      columnConfig={columns}
      data={props.instances.map(i => ({ ...i, id: i.name }))}
      pagination={{ type: 'none' }}
    />
  );
};
