/**
 * Whether a server is still rented: `removed` servers are gone from their
 * provider but kept so their history stays readable.
 *
 * @public
 */
export type ServerState = 'active' | 'removed';

/**
 * The provider name of servers recorded by hand through the API.
 *
 * @public
 */
export const MANUAL_SERVER_PROVIDER = 'manual';

/**
 * A machine the team pays for, as the App Platform API returns it.
 * Dates are ISO 8601 strings.
 *
 * @public
 */
export type Server = {
  id: string;
  name: string;
  /** `manual` or the id of the provider configuration that imported it. */
  provider: string;
  /** The server's id at its provider (instance id), unique per provider. */
  providerId: string;
  region?: string;
  ipAddresses: string[];
  cpu?: number;
  memoryMib?: number;
  diskGib?: number;
  os?: string;
  /** e.g. `PrePaid` (subscription) or `PostPaid` (pay as you go). */
  chargeType?: string;
  createdAt?: string;
  expiresAt?: string;
  /** Entity ref of the owning catalog Group. */
  owner: string;
  tags: Record<string, string>;
  state: ServerState;
  lastImportedAt?: string;
  updatedAt: string;
};

/**
 * The fields of a server recorded by hand.
 *
 * @public
 */
export type ServerInput = {
  name: string;
  region?: string;
  ipAddresses?: string[];
  cpu?: number;
  memoryMib?: number;
  diskGib?: number;
  os?: string;
  chargeType?: string;
  createdAt?: string;
  expiresAt?: string;
  owner: string;
  tags?: Record<string, string>;
};

/**
 * How the last import of one provider went.
 *
 * @public
 */
export type ServerProviderStatus = {
  provider: string;
  lastRunAt?: string;
  lastSuccessAt?: string;
  imported: number;
  removed: number;
  /** Records the provider returned but the import left out, with the reason. */
  skipped: Array<{ providerId?: string; name?: string; reason: string }>;
  error?: string;
};

/**
 * How the last expiry scan went.
 *
 * @public
 */
export type ServerExpiryScanStatus = {
  /** Days before expiry at which owners are alerted. */
  thresholds: number[];
  /** When the last scan started; absent before the first one. */
  lastRunAt?: string;
  /** When it ended; absent while it runs. */
  lastFinishedAt?: string;
  /** Alerts it sent. */
  alertsSent: number;
  /** Alerts it could not send (they are tried again by the next scan). */
  alertsFailed: number;
  error?: string;
};

/**
 * The answer to asking for a server import or expiry scan to run now: it
 * runs on one backend replica within seconds; the provider's or the scan's
 * status shows when it has.
 *
 * @public
 */
export type ServerTaskTrigger = {
  /** The scheduled task that was triggered. */
  task: string;
  triggeredAt: string;
};

/**
 * Days before expiry at which owners are alerted, unless configured.
 *
 * @public
 */
export const DEFAULT_SERVER_EXPIRY_THRESHOLDS = [30, 7, 1];

/**
 * Annotation of server catalog entities holding the expiry date (ISO 8601).
 *
 * @public
 */
export const SERVER_EXPIRES_AT_ANNOTATION = 'app-platform.io/server-expires-at';

/**
 * Annotation of server catalog entities holding the server's id in the API.
 *
 * @public
 */
export const SERVER_ID_ANNOTATION = 'app-platform.io/server-id';

/**
 * Annotation of server catalog entities holding the provider's name.
 *
 * @public
 */
export const SERVER_PROVIDER_ANNOTATION = 'app-platform.io/server-provider';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whole days left until `expiresAt`, rounded down; negative once expired, so
 * a server expiring in 23 hours has 0 days left.
 *
 * @public
 */
export function serverDaysLeft(
  expiresAt: string | undefined,
  now: Date = new Date(),
): number | undefined {
  if (!expiresAt) {
    return undefined;
  }
  const time = Date.parse(expiresAt);
  if (Number.isNaN(time)) {
    return undefined;
  }
  return Math.floor((time - now.getTime()) / DAY_MS);
}

/**
 * How urgent a server's expiry is, for colours and counts.
 *
 * @public
 */
export type ServerExpiryUrgency =
  | 'expired'
  | 'critical'
  | 'warning'
  | 'notice'
  | 'ok'
  | 'unknown';

/**
 * The urgency of an expiry `daysLeft` days away: expired, within a week
 * (critical), within 30 days (warning), within 90 days (notice), later (ok).
 *
 * @public
 */
export function serverExpiryUrgency(
  daysLeft: number | undefined,
): ServerExpiryUrgency {
  if (daysLeft === undefined) {
    return 'unknown';
  }
  if (daysLeft < 0) {
    return 'expired';
  }
  if (daysLeft <= 7) {
    return 'critical';
  }
  if (daysLeft <= 30) {
    return 'warning';
  }
  if (daysLeft <= 90) {
    return 'notice';
  }
  return 'ok';
}

/**
 * The catalog entity name of a server: its provider and provider id, made a
 * valid entity name, so it stays the same across imports.
 *
 * @public
 */
export function serverEntityName(server: {
  provider: string;
  providerId: string;
}): string {
  const raw = `${server.provider}-${server.providerId}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63)
    .replace(/[^a-z0-9]+$/, '');
  return raw || 'server';
}
