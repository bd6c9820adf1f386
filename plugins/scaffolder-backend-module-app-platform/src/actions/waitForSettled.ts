import { LoggerService } from '@backstage/backend-plugin-api';
import { DeploymentRecord } from '@internal/plugin-app-platform-common';
import { PlatformAccess } from './platformAccess';

/** How often a waiting action reads the platform's state (the API answers from its database, not the clusters). */
export const POLL_INTERVAL_MS = 1000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('The task was cancelled'));
    });
  });

/**
 * Reads `probe` until `done` holds, writing each cluster's new state to
 * the task log as it changes (per-cluster progress), for at most
 * `timeoutMs`. The scaffolder backend and the App Platform may run on
 * different replicas, so there is no in-process event to wait for; each
 * read is one database query on the platform's side.
 */
async function follow<T>(options: {
  probe: () => Promise<T>;
  states: (value: T) => Array<{ cluster: string; line: string }>;
  done: (value: T) => boolean;
  what: string;
  logger: LoggerService;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const seen = new Map<string, string>();
  for (;;) {
    const value = await options.probe();
    for (const { cluster, line } of options.states(value)) {
      if (seen.get(cluster) !== line) {
        seen.set(cluster, line);
        options.logger.info(`${cluster}: ${line}`);
      }
    }
    if (options.done(value)) return value;
    if (Date.now() > deadline) {
      const pending = [...seen].map(([c, l]) => `${c} ${l}`).join('; ');
      throw new Error(
        `Gave up waiting for ${options.what} after ${Math.round(
          options.timeoutMs / 1000,
        )} s (${pending}). The platform keeps converging in the background; follow it on the entity's page.`,
      );
    }
    await sleep(POLL_INTERVAL_MS, options.signal);
  }
}

/** Waits until the application's namespace is ready on every cluster. */
export async function waitForNamespaces(
  access: PlatformAccess,
  application: string,
  options: { logger: LoggerService; timeoutMs: number; signal?: AbortSignal },
) {
  return follow({
    probe: () => access.client.getApplication(application, access.call),
    states: app =>
      app.namespaces.map(n => ({
        cluster: n.cluster,
        line: `namespace ${application} ${n.state}${
          n.message ? ` (${n.message})` : ''
        }`,
      })),
    done: app =>
      app.namespaces.length > 0 &&
      app.namespaces.every(n => n.state === 'ready'),
    what: `the namespaces of ${application}`,
    ...options,
  });
}

/** Waits until a deployment record has settled on every target cluster; throws when it failed. */
export async function waitForRecord(
  access: PlatformAccess,
  record: DeploymentRecord,
  options: { logger: LoggerService; timeoutMs: number; signal?: AbortSignal },
): Promise<DeploymentRecord> {
  const settled = await follow({
    probe: () =>
      access.client.getDeployment(
        record.application,
        record.service,
        record.id,
        access.call,
      ),
    states: r =>
      r.targets.map(t => ({
        cluster: t.cluster,
        line: `${r.action}${r.version !== undefined ? ` v${r.version}` : ''} ${
          t.state
        }${t.reason ? `: ${t.reason}` : ''}${t.message ? ` ${t.message}` : ''}`,
      })),
    done: r => r.state !== 'deploying',
    what: `deployment ${record.id}`,
    ...options,
  });
  if (settled.state !== 'succeeded') {
    const reasons = settled.targets
      .filter(t => t.state === 'failed')
      .map(
        t => `${t.cluster}: ${[t.reason, t.message].filter(Boolean).join(' ')}`,
      )
      .join('; ');
    throw new Error(
      `The deployment ${settled.state}${
        reasons ? ` (${reasons})` : ''
      }; its record ${settled.id} is in the history of ${settled.application}/${
        settled.service
      }`,
    );
  }
  return settled;
}
