import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { cleanProviderError } from './cleanProviderError';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  DEFAULT_SERVER_EXPIRY_THRESHOLDS,
  Server,
  serverDaysLeft,
  ServerExpiryScanStatus,
  serverEntityName,
} from '@internal/plugin-app-platform-common';
import { ServerStore } from './ServerStore';

/** The threshold key of servers already past their expiry. */
export const EXPIRED_THRESHOLD = 'expired';

/** One alert a scan sent. */
export type ServerExpiryAlert = {
  serverId: string;
  threshold: string;
  daysLeft: number;
};

/**
 * Severity rises as expiry nears. `normal` is skipped: the notifications
 * page draws it as a green check, which would read as "all is well" on a
 * server about to expire.
 */
export function expirySeverity(threshold: string): NotificationSeverity {
  if (threshold === EXPIRED_THRESHOLD) {
    return 'critical';
  }
  const days = Number(threshold);
  if (days <= 1) {
    return 'critical';
  }
  if (days <= 7) {
    return 'high';
  }
  return 'low';
}

/**
 * The threshold a server has crossed: `expired`, or the smallest threshold
 * of days not below the days left (5 days left with 30, 7, 1 → `7`).
 * Only the most urgent one is alerted: a server first seen 5 days before
 * expiry gets the 7-day alert, not a stale 30-day one as well.
 */
export function crossedThreshold(
  server: Server,
  thresholds: number[],
  now: Date,
): { threshold: string; daysLeft: number } | undefined {
  const daysLeft = serverDaysLeft(server.expiresAt, now);
  if (daysLeft === undefined) {
    return undefined;
  }
  if (Date.parse(server.expiresAt!) <= now.getTime()) {
    return { threshold: EXPIRED_THRESHOLD, daysLeft };
  }
  const crossed = thresholds.filter(t => daysLeft <= t);
  if (crossed.length === 0) {
    return undefined;
  }
  return { threshold: String(Math.min(...crossed)), daysLeft };
}

/**
 * Sends Backstage notifications to owner groups as their servers near
 * expiry. Each (server, threshold) alert is claimed in the database before it
 * is sent, so it goes out once even with several replicas scanning at once
 * or a backend restarting mid-scan.
 */
export class ServerExpiryScanner {
  private constructor(
    private readonly store: ServerStore,
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
    private readonly thresholds: number[],
    private readonly now: () => Date,
  ) {}

  static create(options: {
    store: ServerStore;
    notifications: NotificationService;
    logger: LoggerService;
    /** Days before expiry to alert at; default 30, 7 and 1. */
    thresholds?: number[];
    now?: () => Date;
  }): ServerExpiryScanner {
    const thresholds = options.thresholds ?? DEFAULT_SERVER_EXPIRY_THRESHOLDS;
    if (thresholds.some(t => !Number.isInteger(t) || t < 0)) {
      throw new Error(
        `Server expiry thresholds must be whole numbers of days, got ${thresholds}`,
      );
    }
    return new ServerExpiryScanner(
      options.store,
      options.notifications,
      options.logger,
      [...new Set(thresholds)].sort((a, b) => b - a),
      options.now ?? (() => new Date()),
    );
  }

  /**
   * Alerts every owner whose server crossed a threshold since its last
   * alert, and records the run (see {@link ServerExpiryScanner.getStatus}).
   */
  async scan(): Promise<ServerExpiryAlert[]> {
    const now = this.now();
    const scanId = await this.store.startExpiryScan(now);
    const sent: ServerExpiryAlert[] = [];
    let failed = 0;
    try {
      failed = await this.alertAll(now, sent);
    } catch (error) {
      await this.store.finishExpiryScan(scanId, {
        alertsSent: sent.length,
        alertsFailed: failed,
        error: cleanProviderError(error),
      });
      throw error;
    }
    await this.store.finishExpiryScan(scanId, {
      alertsSent: sent.length,
      alertsFailed: failed,
    });
    if (sent.length > 0 || failed > 0) {
      this.logger.info(
        `Sent ${sent.length} server expiry alert(s); ${failed} could not be sent`,
      );
    }
    return sent;
  }

  /** The thresholds and how the last scan, on any replica, went. */
  async getStatus(): Promise<ServerExpiryScanStatus> {
    const last = await this.store.latestExpiryScan();
    return {
      thresholds: [...this.thresholds],
      lastRunAt: last?.startedAt,
      lastFinishedAt: last?.finishedAt,
      alertsSent: last?.alertsSent ?? 0,
      alertsFailed: last?.alertsFailed ?? 0,
      error: last?.error,
    };
  }

  /** Sends the due alerts into `sent`; returns how many failed. */
  private async alertAll(
    now: Date,
    sent: ServerExpiryAlert[],
  ): Promise<number> {
    let failed = 0;
    const servers = await this.store.list({ state: 'active' });
    for (const server of servers) {
      const crossed = crossedThreshold(server, this.thresholds, now);
      if (!crossed) {
        continue;
      }
      const claimed = await this.store.claimExpiryNotice(
        server.id,
        crossed.threshold,
        server.expiresAt!,
      );
      if (!claimed) {
        continue;
      }
      try {
        await this.notify(server, crossed.threshold, crossed.daysLeft);
        sent.push({ serverId: server.id, ...crossed });
      } catch (error) {
        // Give the claim back so the next scan tries again; a lost alert is
        // worse than the small chance of a repeated one.
        await this.store.releaseExpiryNotice(server.id, crossed.threshold);
        failed += 1;
        this.logger.error(
          `Could not send the expiry alert of server ${
            server.name
          }: ${stringifyError(error)}`,
        );
      }
    }
    return failed;
  }

  private async notify(server: Server, threshold: string, daysLeft: number) {
    const date = server.expiresAt!.slice(0, 10);
    let title: string;
    if (threshold === EXPIRED_THRESHOLD) {
      title = `Server ${server.name} expired on ${date}`;
    } else if (daysLeft <= 0) {
      title = `Server ${server.name} expires today (${date})`;
    } else {
      title = `Server ${server.name} expires in ${daysLeft} day${
        daysLeft === 1 ? '' : 's'
      } (${date})`;
    }
    const where = [server.provider, server.region, server.providerId]
      .filter(Boolean)
      .join(' / ');
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: server.owner },
      payload: {
        title,
        description: `${where}. Renew it or let it go; the App Platform lists it under Servers.`,
        link: `/catalog/default/resource/${serverEntityName(server)}`,
        severity: expirySeverity(threshold),
        topic: 'server-expiry',
        // One notification per server and threshold in the inbox, too.
        scope: `app-platform:server-expiry:${server.id}:${threshold}`,
      },
    });
  }
}
