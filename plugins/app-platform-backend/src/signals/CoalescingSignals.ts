import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import { JsonObject } from '@backstage/types';

/** How long changes of one key are gathered into one signal. */
const COALESCE_MS = 100;

/**
 * Pushes the current state of a thing (a service's status, an application)
 * to browsers whenever it changes, so an open page needs no polling. The
 * signal carries the whole state, what the matching `GET` answers: the page
 * applies it without a request. A rollout changes pods many times a second;
 * changes of one key within `COALESCE_MS` become one signal, read when it is
 * sent.
 */
export class CoalescingSignals {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  private constructor(
    private readonly signals: SignalsService,
    private readonly channel: string,
    private readonly load: (key: string) => Promise<JsonObject | undefined>,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    signals: SignalsService;
    channel: string;
    /** The state to send for a key; `undefined` sends nothing. */
    load: (key: string) => Promise<JsonObject | undefined>;
    logger: LoggerService;
  }): CoalescingSignals {
    return new CoalescingSignals(
      options.signals,
      options.channel,
      options.load,
      options.logger,
    );
  }

  changed(key: string): void {
    if (this.pending.has(key)) return;
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.publish(key);
      }, COALESCE_MS),
    );
  }

  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async publish(key: string) {
    try {
      const message = await this.load(key);
      if (!message) return;
      await this.signals.publish({
        recipients: { type: 'broadcast' },
        channel: this.channel,
        message,
      });
    } catch (error) {
      this.logger.warn(`Signal ${this.channel} for ${key} not sent: ${error}`);
    }
  }
}
