import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';

/**
 * One server as a provider reports it. Fields stay loose (`unknown` dates,
 * optional owner) because providers pass on what their source holds; the
 * import validates every record and skips, with a reason, the ones it
 * cannot use, so one bad record never stops the others.
 *
 * @public
 */
export type ProvidedServer = {
  /** The server's id at the provider, unique within the provider. */
  providerId: string;
  name?: string;
  region?: string;
  ipAddresses?: string[];
  cpu?: number;
  memoryMib?: number;
  diskGib?: number;
  os?: string;
  chargeType?: string;
  /** ISO 8601 date or date-time. */
  createdAt?: unknown;
  /** ISO 8601 date or date-time; a subscription server without one is skipped. */
  expiresAt?: unknown;
  /** Entity ref of the owning Group (`group:default/team-a` or `team-a`). */
  owner?: string;
  tags?: Record<string, string>;
};

/**
 * A record the provider could not even turn into a {@link ProvidedServer}.
 *
 * @public
 */
export type RejectedServerRecord = {
  providerId?: string;
  name?: string;
  reason: string;
};

/**
 * Everything a provider holds right now: the import reconciles the
 * inventory against it, so a server missing here is marked removed.
 *
 * @public
 */
export type ServerProviderReadResult = {
  servers: ProvidedServer[];
  rejected?: RejectedServerRecord[];
};

/**
 * A source of servers: a static list, a cloud API. The App Platform backend
 * reads every provider on its own schedule.
 *
 * @public
 */
export interface ServerProvider {
  /** Unique name, stored as the servers' `provider`; `manual` is reserved. */
  getProviderName(): string;
  /** Reads every server of the provider; throws when the source cannot be read. */
  readServers(): Promise<ServerProviderReadResult>;
}

/**
 * Lets backend modules add server providers to the App Platform backend.
 *
 * @public
 */
export interface ServerProvidersExtensionPoint {
  addServerProvider(
    provider: ServerProvider,
    options?: { schedule?: SchedulerServiceTaskScheduleDefinition },
  ): void;
}

/**
 * Extension point for server providers.
 *
 * @public
 */
export const serverProvidersExtensionPoint =
  createExtensionPoint<ServerProvidersExtensionPoint>({
    id: 'app-platform.server-providers',
  });
