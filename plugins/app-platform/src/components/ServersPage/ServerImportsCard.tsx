import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  serverImportPermission,
  ServerProviderStatus,
  ServerTaskTrigger,
} from '@internal/plugin-app-platform-common';
import { Box, Button, LinearProgress, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { usePolled } from '../../hooks/usePolled';

const when = (iso?: string) =>
  iso
    ? new Date(iso).toLocaleString(undefined, {
        dateStyle: 'short',
        timeStyle: 'medium',
      })
    : 'never';

/** Whether a run that started at `lastRunAt` is the one asked for at `trigger`. */
function ranSince(lastRunAt: string | undefined, trigger: ServerTaskTrigger) {
  return (
    lastRunAt !== undefined &&
    Date.parse(lastRunAt) >= Date.parse(trigger.triggeredAt)
  );
}

type ProviderRow = ServerProviderStatus & { importing: boolean };

function ImportResult({ row }: { row: ProviderRow }) {
  if (row.importing) {
    return <StatusRunning>importing…</StatusRunning>;
  }
  if (!row.lastRunAt) {
    return <StatusPending>not run yet</StatusPending>;
  }
  if (row.error) {
    return <StatusError>{row.error}</StatusError>;
  }
  return <StatusOK>imported</StatusOK>;
}

function SkippedRecords({ row }: { row: ProviderRow }) {
  if (row.skipped.length === 0) {
    return <>none</>;
  }
  return (
    <details>
      <summary>{row.skipped.length} skipped</summary>
      <ul style={{ margin: 0, paddingLeft: 16 }}>
        {row.skipped.map((skip, i) => (
          <li key={i}>
            {skip.providerId ?? skip.name ?? 'a record'}: {skip.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * How the server providers' imports and the expiry scan last went, with the
 * records an import skipped and why; admins may run either now. A run is
 * asked of the backend's scheduler, so the card follows it until the status
 * shows a run that started after the request.
 */
export const ServerImportsCard = (props: { onImported: () => void }) => {
  const { onImported } = props;
  const client = useApi(appPlatformApiRef);
  const { allowed: canRun } = usePermission({
    permission: serverImportPermission,
  });
  const providers = usePolled(() => client.listServerProviders(), [client]);
  const scan = usePolled(() => client.getServerExpiryScan(), [client]);
  const [imports, setImports] = useState<Record<string, ServerTaskTrigger>>({});
  const [scanTrigger, setScanTrigger] = useState<ServerTaskTrigger>();
  const [error, setError] = useState<string>();

  // A requested import is done once its provider's status shows a newer run.
  useEffect(() => {
    const done = (providers.value ?? []).filter(
      p => imports[p.provider] && ranSince(p.lastRunAt, imports[p.provider]),
    );
    if (done.length > 0) {
      setImports(current => {
        const next = { ...current };
        for (const p of done) delete next[p.provider];
        return next;
      });
      onImported();
    }
  }, [providers.value, imports, onImported]);

  const scanning =
    scanTrigger !== undefined &&
    !(
      ranSince(scan.value?.lastRunAt, scanTrigger) && scan.value?.lastFinishedAt
    );
  useEffect(() => {
    if (scanTrigger && !scanning) setScanTrigger(undefined);
  }, [scanTrigger, scanning]);

  const importNow = async (provider: string) => {
    setError(undefined);
    try {
      const trigger = await client.triggerServerImport(provider);
      setImports(current => ({ ...current, [provider]: trigger }));
    } catch (e) {
      setError(`Import of ${provider}: ${describeError(e)}`);
    }
  };
  const scanNow = async () => {
    setError(undefined);
    try {
      setScanTrigger(await client.triggerServerExpiryScan());
    } catch (e) {
      setError(`Expiry scan: ${describeError(e)}`);
    }
  };

  const columns: TableColumn<ProviderRow>[] = [
    { title: 'Provider', field: 'provider', highlight: true },
    { title: 'Last import', render: row => when(row.lastRunAt) },
    {
      title: 'Result',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => <ImportResult row={row} />,
    },
    { title: 'Last success', render: row => when(row.lastSuccessAt) },
    { title: 'Added or changed', field: 'imported', type: 'numeric' },
    { title: 'Removed', field: 'removed', type: 'numeric' },
    { title: 'Skipped', render: row => <SkippedRecords row={row} /> },
  ];
  if (canRun) {
    columns.push({
      title: '',
      render: row => (
        <Button
          size="small"
          variant="outlined"
          disabled={row.importing}
          style={{ whiteSpace: 'nowrap' }}
          onClick={() => importNow(row.provider)}
          aria-label={`Import ${row.provider} now`}
        >
          Import now
        </Button>
      ),
    });
  }
  const rows: ProviderRow[] = (providers.value ?? []).map(p => ({
    ...p,
    importing: Boolean(imports[p.provider]),
  }));

  return (
    <section aria-label="Imports and expiry alerts">
      <InfoCard title="Imports and expiry alerts">
        {error && (
          <Alert
            severity="error"
            role="alert"
            onClose={() => setError(undefined)}
          >
            {error}
          </Alert>
        )}
        <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={2}>
          <Typography variant="body2" data-testid="server-expiry-scan">
            {scan.value
              ? `Expiry scan (alerts ${scan.value.thresholds.join(
                  ', ',
                )} days before expiry and when expired): last run ${when(
                  scan.value.lastRunAt,
                )}${
                  scan.value.lastRunAt && !scan.value.lastFinishedAt
                    ? ', running'
                    : `, ${scan.value.alertsSent} alert${
                        scan.value.alertsSent === 1 ? '' : 's'
                      } sent`
                }${
                  scan.value.alertsFailed
                    ? `, ${scan.value.alertsFailed} could not be sent (retried next scan)`
                    : ''
                }${scan.value.error ? `, failed: ${scan.value.error}` : ''}.`
              : 'Expiry scan: loading…'}
          </Typography>
          {canRun && (
            <Button
              size="small"
              variant="outlined"
              disabled={scanning}
              onClick={scanNow}
            >
              {scanning ? 'Scanning…' : 'Run expiry scan'}
            </Button>
          )}
        </Box>
        {scanning && <LinearProgress aria-label="Expiry scan running" />}
        {rows.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No server provider is configured (appPlatform.servers.providers):
            servers are recorded by hand.
          </Typography>
        ) : (
          <Table<ProviderRow>
            options={{ paging: false, search: false, toolbar: false }}
            columns={columns}
            data={rows}
          />
        )}
      </InfoCard>
    </section>
  );
};
