import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { ServiceStore } from '../services/ServiceStore';
import { DeploymentRow, DeploymentStore } from './DeploymentStore';

const SETTLED = ['succeeded', 'failed'] as const;
const SWEEP_BATCH = 50;

/** The notification topics of a service: users mute them in their notification settings. */
export function deployTopics(application: string, service: string) {
  return {
    succeeded: `deploy succeeded: ${application}/${service}`,
    failed: `deploy failed: ${application}/${service}`,
  };
}

/** Why a record failed, one clause per failed cluster. */
function failureReasons(record: DeploymentRow): string {
  return record.targets
    .filter(t => t.state === 'failed')
    .map(
      t =>
        `${t.cluster}: ${[t.reason, t.message]
          .filter(Boolean)
          .join(': ')
          .slice(0, 300)}`,
    )
    .join('; ');
}

/**
 * Tells people how deploys, rollbacks and stops ended, through Backstage
 * notifications: a failure goes to the service's owner group and to the user
 * who started it, with the clusters' reasons; a success only to that user.
 * A CI system (`ci:<provider>`) is no Backstage user: its failures reach the
 * owner group. Each record is claimed before it is sent
 * (`deployments.notified_state`, a conditional update), so one notification
 * goes out per record and outcome also with several replicas; `sweep` finds
 * records that settled while no replica could send. Each service has its own
 * topics (`deployTopics`), so a user can mute its successes in the
 * notification settings.
 */
export class DeployNotifier {
  private constructor(
    private readonly knex: Knex,
    private readonly records: DeploymentStore,
    private readonly services: ServiceStore,
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    knex: Knex;
    records: DeploymentStore;
    services: ServiceStore;
    notifications: NotificationService;
    logger: LoggerService;
  }): DeployNotifier {
    return new DeployNotifier(
      options.knex,
      options.records,
      options.services,
      options.notifications,
      options.logger,
    );
  }

  /** A record settled: notify once, if no replica has. */
  async settled(id: string): Promise<void> {
    const claimed = await this.knex('deployments')
      .where({ id })
      .whereIn('state', SETTLED)
      .whereNull('notified_state')
      .update({ notified_state: this.knex.ref('state') });
    if (claimed !== 1) return;
    const record = await this.records.get(id);
    if (!record) return;
    try {
      await this.send(record);
    } catch (error) {
      // At most once: a second try could reach people twice.
      this.logger.warn(
        `Could not send the notification of deployment ${id}: ${error}`,
      );
    }
  }

  /** Notifies the settled records no replica has notified yet. */
  async sweep(): Promise<void> {
    const ids: string[] = await this.knex('deployments')
      .whereIn('state', SETTLED)
      .whereNull('notified_state')
      .orderBy('created_at')
      .limit(SWEEP_BATCH)
      .pluck('id');
    for (const id of ids) await this.settled(id);
  }

  private async send(record: DeploymentRow): Promise<void> {
    const service = await this.services.get(record.application, record.service);
    const starter = record.createdBy.startsWith('user:')
      ? record.createdBy
      : undefined;
    const failed = record.state === 'failed';
    const recipients = [
      ...new Set(
        [failed ? service?.owner : undefined, starter].filter(
          (r): r is string => r !== undefined,
        ),
      ),
    ];
    if (!recipients.length) return;
    // "Deploy v2 of shop/web", "Stop shop/web".
    const what = `${record.action[0].toUpperCase()}${record.action.slice(1)}${
      record.version !== undefined ? ` v${record.version} of` : ''
    } ${record.application}/${record.service}`;
    const clusters = record.targets.map(t => t.cluster).join(', ');
    const topics = deployTopics(record.application, record.service);
    const payload: NotificationPayload = failed
      ? {
          title: `${what} failed`,
          description: `${failureReasons(record)}. Started by ${
            record.createdBy
          }${record.description ? `: ${record.description}` : ''}.`,
          severity: 'high',
          topic: topics.failed,
        }
      : {
          title: `${what} succeeded on ${clusters}`,
          description: record.summary,
          severity: 'normal',
          topic: topics.succeeded,
        };
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: recipients },
      payload: {
        ...payload,
        link: `/catalog/${record.application}/component/${record.service}/deployments`,
        scope: `app-platform:deployment:${record.id}:${record.state}`,
      },
    });
  }
}
