import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';

/** Backstage's notification service, recording instead of delivering. */
export class RecordingNotifications implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  failNext = false;
  async send(options: NotificationSendOptions) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('notifications backend unavailable');
    }
    // A little latency, so concurrent scans really overlap.
    await new Promise(resolve => setTimeout(resolve, 5));
    this.sent.push(options);
  }
}
