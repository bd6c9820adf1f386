import {
  Cluster,
  DeploymentRecord,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import { Alert, Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { Allowance, GuardedButton } from '../common/GuardedButton';
import { RelativeTime } from '../common/RelativeTime';
import { StateLabel } from '../common/ServiceStateChip';

/** The environments in the order a version travels through them. */
const ENVIRONMENTS = ['test', 'production'] as const;

/** `v4`, or the action when a record has no version. */
export function versionLabel(record: DeploymentRecord): string {
  return record.version !== undefined ? `v${record.version}` : record.action;
}

/**
 * Whether a record can be promoted to production: a deploy, rollback or
 * start that succeeded on test clusters only (the backend checks the same).
 */
export function isPromotable(
  record: DeploymentRecord,
  environmentOf: (cluster: string) => string | undefined,
): boolean {
  return (
    record.state === 'succeeded' &&
    Boolean(record.spec) &&
    record.action !== 'stop' &&
    record.action !== 'delete' &&
    record.targets.length > 0 &&
    record.targets.every(t => environmentOf(t.cluster) === 'test')
  );
}

/**
 * Which version runs in each environment, cluster by cluster, and (where
 * records are promoted) the newest record that succeeded on test with a
 * button that promotes it to production through a plan. Everything here
 * comes from the status signal and the history the page already holds: it
 * asks nothing of its own.
 */
export const EnvironmentsCard = (props: {
  status: ServiceStatus;
  clusters: Cluster[] | undefined;
  clustersError?: Error;
  /** The newest promotable record of the history's first page, if any. */
  candidate: DeploymentRecord | undefined;
  promote: Allowance;
  /** Absent where nothing is promoted (a middleware instance): no promotion is offered. */
  onPromote?: (record: DeploymentRecord) => void;
}) => {
  const { status, clusters, candidate, onPromote } = props;
  const production = (clusters ?? []).filter(
    c => c.environment === 'production',
  );
  const productionVersions = new Set(
    status.clusters
      .filter(s => production.some(c => c.name === s.cluster))
      .map(s => s.version),
  );
  const alreadyThere =
    candidate?.version !== undefined &&
    production.length > 0 &&
    productionVersions.size === 1 &&
    productionVersions.has(candidate.version);

  return (
    <Card>
      <CardHeader>
        <Text variant="title-x-small">Environments</Text>
      </CardHeader>
      <CardBody>
        {props.clustersError && (
          <Alert
            status="danger"
            title="The clusters could not be read"
            description={props.clustersError.message}
          />
        )}
        <Flex direction="column" gap="3">
          {ENVIRONMENTS.map(environment => {
            const members = (clusters ?? []).filter(
              c => c.environment === environment,
            );
            return (
              <section
                key={environment}
                aria-label={`Environment ${environment}`}
              >
                <Text as="h3" variant="body-medium" weight="bold">
                  {environment}
                </Text>
                {members.length === 0 && (
                  <Text variant="body-small" color="secondary">
                    {clusters ? 'No cluster in this environment.' : 'Loading…'}
                  </Text>
                )}
                {members.map(cluster => {
                  const running = status.clusters.find(
                    s => s.cluster === cluster.name,
                  );
                  return (
                    <Flex key={cluster.name} align="center" gap="2">
                      <Text variant="body-small">{cluster.name}</Text>
                      {running ? (
                        <>
                          <Text
                            variant="body-small"
                            weight="bold"
                            aria-label={`Version on ${cluster.name}`}
                          >
                            {running.version !== undefined
                              ? `v${running.version}`
                              : 'no version'}
                          </Text>
                          <StateLabel state={running.state} />
                        </>
                      ) : (
                        <Text variant="body-small" color="secondary">
                          not deployed
                        </Text>
                      )}
                    </Flex>
                  );
                })}
              </section>
            );
          })}
          {onPromote && (
            <Flex align="center" gap="3">
              {candidate ? (
                <>
                  <GuardedButton
                    label={`Promote ${versionLabel(candidate)} to production`}
                    variant="primary"
                    allowance={props.promote}
                    isDisabled={production.length === 0}
                    onPress={() => onPromote(candidate)}
                  />
                  <Text variant="body-small" color="secondary">
                    {versionLabel(candidate)} succeeded on{' '}
                    {candidate.targets.map(t => t.cluster).join(', ')}{' '}
                    <RelativeTime
                      at={candidate.finishedAt ?? candidate.createdAt}
                    />
                    {production.length === 0
                      ? ' · no production cluster is registered'
                      : ''}
                    {alreadyThere ? ' · production already runs it' : ''}
                  </Text>
                </>
              ) : (
                <Text variant="body-small" color="secondary">
                  Nothing to promote: no deploy among the latest records
                  succeeded on test clusters only. Promote an older one from its
                  row in the history.
                </Text>
              )}
            </Flex>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
};
