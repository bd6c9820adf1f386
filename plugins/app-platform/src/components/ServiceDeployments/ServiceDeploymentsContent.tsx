import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  APP_PLATFORM_SIGNAL_CHANNELS,
  DeploymentRecord,
  isMiddlewareSpec,
  serviceDeletePermission,
  serviceDeployPermission,
  serviceRollbackPermission,
  Service,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import {
  Alert,
  Box,
  Button,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useCallback, useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { useLiveValue } from '../../hooks/useLiveValue';
import { StateLabel } from '../common/ServiceStateChip';
import { CiSettingsCard } from './CiSettingsCard';
import { ClusterRollouts } from './ClusterRollouts';
import { DeployDialog } from './DeployDialog';
import { DeploymentDetailDialog } from './DeploymentDetailDialog';
import { DeploymentHistory } from './DeploymentHistory';
import {
  Allowance,
  GuardedButton,
  useAllowance,
} from '../common/GuardedButton';
import { DiffDialog } from './DiffDialog';
import {
  EnvironmentsCard,
  isPromotable,
  versionLabel,
} from './EnvironmentsCard';
import { PlanDialog } from './PlanDialog';
import {
  platformServiceOf,
  SERVICE_ANNOTATIONS,
} from '../../services/platformServiceOf';

const PAGE_SIZE = 10;

type Dialog =
  | { kind: 'deploy' }
  | { kind: 'rollback'; record: DeploymentRecord }
  | { kind: 'promote'; record: DeploymentRecord }
  | { kind: 'detail'; record: DeploymentRecord }
  | { kind: 'diff'; records: [DeploymentRecord, DeploymentRecord] }
  | { kind: 'delete' };

/** What the service is meant to be: as its newest record says, else as it was read. */
function desiredStateOf(
  latest: DeploymentRecord | undefined,
  read: Service['desiredState'],
): Service['desiredState'] {
  if (latest?.action === 'stop') return 'stopped';
  if (latest?.action === 'delete') return 'deleting';
  return latest ? 'running' : read;
}

/** Puts a record at its place in the newest-first page: replaced when known, first when new. */
function upsert(
  records: DeploymentRecord[],
  record: DeploymentRecord,
): DeploymentRecord[] {
  const index = records.findIndex(r => r.id === record.id);
  if (index >= 0) return records.map(r => (r.id === record.id ? record : r));
  return [record, ...records].slice(0, PAGE_SIZE);
}

/**
 * The "Deployments" tab of a platform service, and the "Rollouts" tab of a
 * middleware instance (without what only a service has): its state on every
 * cluster and the rollout in progress, pushed by signals (an open, idle page
 * makes no requests); deploy, rollback, stop, start and delete, each through
 * a plan or a confirmation and disabled with the reason when the user may not;
 * the history with details and comparison of any two records; which version
 * runs in each environment and the promotion of a test success to production.
 */
export const ServiceDeploymentsContent = () => {
  const { entity } = useEntity();
  const platformService = platformServiceOf(entity);
  const application = platformService?.application ?? '';
  const name = platformService?.service ?? entity.metadata.name;
  const client = useApi(appPlatformApiRef);
  const serviceRef = `${application}/${name}`;

  const service = useAsync(
    () => client.getService(application, name),
    [client, application, name],
  );
  // Which environment each cluster is in; their health is asked again when a promotion is planned.
  const clusters = useAsync(() => client.listClusters(), [client]);
  const environmentOf = useCallback(
    (cluster: string) =>
      clusters.value?.find(c => c.name === cluster)?.environment,
    [clusters.value],
  );
  const owner = service.value?.owner ?? 'the owner group';
  const deploy = useAllowance(
    serviceDeployPermission,
    serviceRef,
    `Only members of ${owner} may deploy ${serviceRef}`,
  );
  const rollback = useAllowance(
    serviceRollbackPermission,
    serviceRef,
    `Only members of ${owner} may roll back ${serviceRef}`,
  );
  const remove = useAllowance(
    serviceDeletePermission,
    serviceRef,
    `Only members of ${owner} may delete ${serviceRef}`,
  );

  // Page 1 follows the signals; older pages are as they were read.
  const [cursors, setCursors] = useState<string[]>([]);
  const [history, setHistory] = useState<{
    items: DeploymentRecord[];
    nextCursor?: string;
  }>();
  const [historyError, setHistoryError] = useState<Error>();
  const before = cursors[cursors.length - 1];
  useEffect(() => {
    let cancelled = false;
    client
      .listDeployments(application, name, { limit: PAGE_SIZE, before })
      .then(page => !cancelled && setHistory(page))
      .catch(e => !cancelled && setHistoryError(e));
    return () => {
      cancelled = true;
    };
  }, [client, application, name, before]);

  const onStatus = useCallback(
    (record?: DeploymentRecord) => {
      if (record && cursors.length === 0) {
        setHistory(h => (h ? { ...h, items: upsert(h.items, record) } : h));
      }
    },
    [cursors.length],
  );

  const live = useLiveValue<ServiceStatus, ServiceStatus>({
    load: () => client.getServiceStatus(application, name),
    deps: [client, application, name],
    channel: APP_PLATFORM_SIGNAL_CHANNELS.serviceStatus,
    apply: useCallback(
      (current: ServiceStatus, message: ServiceStatus) =>
        message.application === application && message.service === name
          ? message
          : current,
      [application, name],
    ),
  });
  const status = live.value;
  useEffect(
    () => onStatus(status?.latestDeployment),
    [status?.latestDeployment, onStatus],
  );

  // The newest promotable record of page 1, kept while older pages are shown.
  const [candidate, setCandidate] = useState<DeploymentRecord>();
  useEffect(() => {
    if (cursors.length === 0 && history) {
      setCandidate(history.items.find(r => isPromotable(r, environmentOf)));
    }
  }, [cursors.length, history, environmentOf]);
  // The production clusters a promotion was planned for: it is applied to exactly those.
  const promotionTargets = useRef<string[]>([]);

  const [dialog, setDialog] = useState<Dialog>();
  const [selected, setSelected] = useState<string[]>([]);
  const [actionError, setActionError] = useState<string>();

  /** A record this page just started: shown at once, before its first signal. */
  const started = (record?: DeploymentRecord) => {
    if (!record) return;
    live.setValue(s =>
      s
        ? {
            ...s,
            inFlight: record.state === 'deploying' ? record.id : s.inFlight,
            latestDeployment: record,
          }
        : s,
    );
  };

  const setRunning = async (running: boolean) => {
    setActionError(undefined);
    try {
      started(await client.setRunning(application, name, running));
    } catch (e) {
      setActionError(describeError(e));
    }
  };

  if (!application) {
    return (
      <Alert
        status="danger"
        title="Not a platform service or middleware instance"
        description={`Its catalog entity has neither the ${SERVICE_ANNOTATIONS.application} and ${SERVICE_ANNOTATIONS.service} annotations nor ${SERVICE_ANNOTATIONS.serviceRef}: <application>/<service> (on a Component), nor the ${SERVICE_ANNOTATIONS.application} and ${SERVICE_ANNOTATIONS.middleware} annotations (on a Resource).`}
      />
    );
  }
  const loadError = service.error ?? live.error;
  if (loadError && !status) return <ResponseErrorPanel error={loadError} />;
  if (!status || !service.value) return <Progress />;

  const latest = status.latestDeployment;
  const desired = desiredStateOf(latest, service.value.desiredState);
  const inFlight = status.inFlight;
  const busy: Allowance = inFlight
    ? {
        allowed: false,
        reason: 'A deployment is in flight; wait for it to settle',
      }
    : { allowed: true };
  const both = (a: Allowance, b: Allowance): Allowance => (a.allowed ? b : a);
  const newestSpec =
    history?.items.find(r => r.spec && r.action !== 'delete')?.spec ??
    latest?.spec;
  // A middleware instance has records, history and rollback like a service,
  // but changes through the middleware routes: no form, stop, delete, CI or
  // promotion (the backend refuses them all).
  const middleware =
    service.value.kind === 'middleware' || isMiddlewareSpec(newestSpec);
  const currentSpec = isMiddlewareSpec(newestSpec) ? undefined : newestSpec;
  const selectedRecords = selected
    .map(id => history?.items.find(r => r.id === id))
    .filter((r): r is DeploymentRecord => Boolean(r));

  return (
    <Flex direction="column" gap="4">
      {!live.signalsAvailable && (
        <Alert
          status="warning"
          title="Live updates are off"
          description="This portal has no signals plugin: reload the page to see changes."
        />
      )}
      <Card>
        <CardHeader>
          <Flex justify="between" align="center">
            <Flex align="center" gap="2">
              <Text variant="title-small">{serviceRef}</Text>
              <span aria-label="Service state">
                <StateLabel
                  state={desired === 'stopped' ? 'stopped' : status.state}
                />
              </span>
              {inFlight && (
                <Text variant="body-small" color="secondary">
                  deployment in flight
                </Text>
              )}
            </Flex>
            {middleware ? (
              <Text variant="body-small" color="secondary">
                A middleware instance: upgrade or uninstall it from the
                Middleware card of its application{' '}
                <EntityRefLink
                  entityRef={`system:default/${application}`}
                  title={application}
                />
              </Text>
            ) : (
              <Flex gap="2">
                <GuardedButton
                  label="Deploy new version"
                  variant="primary"
                  allowance={both(deploy, busy)}
                  onPress={() => setDialog({ kind: 'deploy' })}
                />
                {desired === 'stopped' ? (
                  <GuardedButton
                    label="Start"
                    allowance={both(deploy, busy)}
                    onPress={() => setRunning(true)}
                  />
                ) : (
                  <GuardedButton
                    label="Stop"
                    allowance={both(deploy, busy)}
                    isDisabled={!latest}
                    onPress={() => setRunning(false)}
                  />
                )}
                <GuardedButton
                  label="Delete"
                  destructive
                  allowance={remove}
                  isDisabled={desired === 'deleting'}
                  onPress={() => setDialog({ kind: 'delete' })}
                />
              </Flex>
            )}
          </Flex>
        </CardHeader>
        <CardBody>
          {actionError && (
            <Alert status="danger" title="Refused" description={actionError} />
          )}
          <ClusterRollouts status={status} />
        </CardBody>
      </Card>

      <EnvironmentsCard
        status={status}
        clusters={clusters.value}
        clustersError={clusters.error}
        candidate={candidate}
        promote={both(deploy, busy)}
        onPromote={
          middleware
            ? undefined
            : record => setDialog({ kind: 'promote', record })
        }
      />

      <Card>
        <CardHeader>
          <Flex justify="between" align="center">
            <Text variant="title-x-small">History</Text>
            <Button
              size="small"
              variant="secondary"
              isDisabled={selectedRecords.length !== 2}
              onPress={() =>
                setDialog({
                  kind: 'diff',
                  records: selectedRecords as [
                    DeploymentRecord,
                    DeploymentRecord,
                  ],
                })
              }
            >
              Compare selected ({selectedRecords.length}/2)
            </Button>
          </Flex>
        </CardHeader>
        <CardBody>
          {historyError && (
            <Alert
              status="danger"
              title="The history could not be read"
              description={describeError(historyError)}
            />
          )}
          <Box>
            <DeploymentHistory
              records={history?.items ?? []}
              loading={!history && !historyError}
              selected={selected}
              onSelect={setSelected}
              onOpen={record => setDialog({ kind: 'detail', record })}
              onRollback={record => setDialog({ kind: 'rollback', record })}
              rollback={rollback}
              isPromotable={record =>
                !middleware && isPromotable(record, environmentOf)
              }
              onPromote={record => setDialog({ kind: 'promote', record })}
              promote={deploy}
              inFlight={inFlight}
              hasNextPage={Boolean(history?.nextCursor)}
              hasPreviousPage={cursors.length > 0}
              onNextPage={() =>
                history?.nextCursor &&
                setCursors(c => [...c, history.nextCursor!])
              }
              onPreviousPage={() => setCursors(c => c.slice(0, -1))}
            />
          </Box>
        </CardBody>
      </Card>

      {!middleware && (
        <CiSettingsCard application={application} service={name} />
      )}

      {dialog?.kind === 'deploy' && (
        <DeployDialog
          service={service.value}
          current={currentSpec}
          onDeployed={started}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'rollback' && (
        <PlanDialog
          title={`Plan: roll ${serviceRef} back to ${dialog.record.action}${
            dialog.record.version !== undefined
              ? ` v${dialog.record.version}`
              : ''
          }`}
          confirmLabel="Confirm rollback"
          plan={() =>
            client.plan(application, name, { deployment: dialog.record.id })
          }
          confirm={async () =>
            started(await client.rollback(application, name, dialog.record.id))
          }
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'promote' && (
        <PlanDialog
          title={`Plan: promote ${versionLabel(
            dialog.record,
          )} from test to production`}
          confirmLabel="Confirm promotion"
          plan={async () => {
            const production = (await client.listClusters())
              .filter(c => c.environment === 'production')
              .filter(c => c.health === 'healthy')
              .map(c => c.name);
            if (!production.length) {
              throw new Error('No healthy production cluster can receive it');
            }
            promotionTargets.current = production;
            return client.plan(application, name, {
              deployment: dialog.record.id,
              clusters: production,
            });
          }}
          confirm={async () =>
            started(
              await client.promote(application, name, dialog.record.id, {
                clusters: promotionTargets.current,
              }),
            )
          }
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'detail' && (
        <DeploymentDetailDialog
          record={dialog.record}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'diff' && (
        <DiffDialog
          records={dialog.records}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <PlanDialog
          title={`Delete ${serviceRef}?`}
          description="Its objects leave every cluster; its volumes (PVCs) are kept. The history stays readable until the deletion settles."
          confirmLabel="Delete service"
          confirm={async () =>
            started(await client.deleteService(application, name))
          }
          onClose={() => setDialog(undefined)}
        />
      )}
    </Flex>
  );
};
