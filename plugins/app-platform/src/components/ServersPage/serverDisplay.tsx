import {
  Server,
  serverDaysLeft,
  serverExpiryUrgency,
  ServerExpiryUrgency,
} from '@internal/plugin-app-platform-common';

/** Background colours of rows and chips by urgency (light enough for text). */
export const URGENCY_COLOURS: Record<ServerExpiryUrgency, string | undefined> =
  {
    expired: '#f8d7da',
    critical: '#fde2c8',
    warning: '#fff3cd',
    notice: undefined,
    ok: undefined,
    unknown: undefined,
  };

/** A server with its days left and urgency, as the tables show them. */
export type ServerRow = Server & {
  daysLeft?: number;
  urgency: ServerExpiryUrgency;
};

export function toServerRow(server: Server, now: Date = new Date()): ServerRow {
  const daysLeft = serverDaysLeft(server.expiresAt, now);
  return {
    ...server,
    daysLeft,
    urgency:
      server.state === 'removed' ? 'unknown' : serverExpiryUrgency(daysLeft),
  };
}

/** "expired 3 days ago", "today", "in 12 days", "no expiry". */
export function describeDaysLeft(daysLeft: number | undefined): string {
  if (daysLeft === undefined) {
    return 'no expiry';
  }
  if (daysLeft < 0) {
    // Days left round down, so -1 means it expired within the last day.
    const ago = -daysLeft - 1;
    return ago === 0
      ? 'expired today'
      : `expired ${ago} day${ago === 1 ? '' : 's'} ago`;
  }
  if (daysLeft === 0) {
    return 'expires today';
  }
  return `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
}

/** "4 vCPU · 8 GiB · 200 GiB disk". */
export function describeSpecs(server: Server): string {
  return [
    server.cpu !== undefined ? `${server.cpu} vCPU` : undefined,
    server.memoryMib !== undefined
      ? `${Math.round((server.memoryMib / 1024) * 10) / 10} GiB`
      : undefined,
    server.diskGib !== undefined ? `${server.diskGib} GiB disk` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The expiry date as YYYY-MM-DD, or a dash. */
export function formatDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}
