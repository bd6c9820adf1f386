import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import { JsonObject } from '@backstage/types';
import { ServiceStatus } from './DeployService';

/** The signal channel browsers subscribe to for live service status. */
export const SERVICE_STATUS_CHANNEL = 'app-platform:service-status';

/** How long changes of one service are gathered into one signal. */
const COALESCE_MS = 100;

/**
 * Pushes a service's status to browsers whenever the watch caches or its
 * records change, so an open page needs no polling. The signal carries the
 * whole status (what `GET …/status` answers): the page applies it without a
 * request. A rollout changes pods many times a second; changes of one
 * service within `COALESCE_MS` become one signal.
 */
export class ServiceSignals {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  private constructor(
    private readonly signals: SignalsService,
    private readonly status: (
      application: string,
      service: string,
    ) => Promise<ServiceStatus | undefined>,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    signals: SignalsService;
    status: (
      application: string,
      service: string,
    ) => Promise<ServiceStatus | undefined>;
    logger: LoggerService;
  }): ServiceSignals {
    return new ServiceSignals(options.signals, options.status, options.logger);
  }

  changed(application: string, service: string): void {
    const key = `${application}/${service}`;
    if (this.pending.has(key)) return;
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.publish(application, service);
      }, COALESCE_MS),
    );
  }

  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async publish(application: string, service: string) {
    try {
      const status = await this.status(application, service);
      if (!status) return;
      await this.signals.publish({
        recipients: { type: 'broadcast' },
        channel: SERVICE_STATUS_CHANNEL,
        message: status as unknown as JsonObject,
      });
    } catch (error) {
      this.logger.warn(
        `Signal for ${application}/${service} not sent: ${error}`,
      );
    }
  }
}
