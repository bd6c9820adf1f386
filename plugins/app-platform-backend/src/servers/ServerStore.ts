import {
  Server,
  ServerProviderStatus,
  ServerState,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../database/isUniqueViolation';
import { cleanProviderError } from './cleanProviderError';

type ServerRow = {
  id: string;
  name: string;
  provider: string;
  provider_id: string;
  region: string | null;
  ip_addresses: string;
  cpu: number | null;
  memory_mib: number | null;
  disk_gib: number | null;
  os: string | null;
  charge_type: string | null;
  server_created_at: Date | string | null;
  expires_at: Date | string | null;
  owner: string;
  tags: string;
  state: ServerState;
  removed_at: Date | string | null;
  last_imported_at: Date | string | null;
  recorded_at: Date | string;
  updated_at: Date | string;
};

/** The fields of a server the store writes; the store sets ids and times. */
export type ServerFields = Omit<
  Server,
  'id' | 'state' | 'lastImportedAt' | 'updatedAt'
>;

/** Filters of {@link ServerStore.list}. */
export type ServerFilter = {
  owner?: string[];
  provider?: string;
  state?: ServerState;
  ids?: string[];
};

// SQLite hands back timestamps as strings or epoch numbers, PostgreSQL as Dates.
function toIso(value: Date | string | number | null): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  const date = value instanceof Date ? value : new Date(value);
  return date.toISOString();
}

function toDate(value: string | undefined): Date | null {
  return value ? new Date(value) : null;
}

function rowToServer(row: ServerRow): Server {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    providerId: row.provider_id,
    region: row.region ?? undefined,
    ipAddresses: JSON.parse(row.ip_addresses),
    cpu: row.cpu ?? undefined,
    memoryMib: row.memory_mib ?? undefined,
    diskGib: row.disk_gib ?? undefined,
    os: row.os ?? undefined,
    chargeType: row.charge_type ?? undefined,
    createdAt: toIso(row.server_created_at),
    expiresAt: toIso(row.expires_at),
    owner: row.owner,
    tags: JSON.parse(row.tags),
    state: row.state,
    lastImportedAt: toIso(row.last_imported_at),
    updatedAt: toIso(row.updated_at)!,
  };
}

function fieldsToRow(fields: ServerFields) {
  return {
    name: fields.name,
    provider: fields.provider,
    provider_id: fields.providerId,
    region: fields.region ?? null,
    ip_addresses: JSON.stringify(fields.ipAddresses ?? []),
    cpu: fields.cpu ?? null,
    memory_mib: fields.memoryMib ?? null,
    disk_gib: fields.diskGib ?? null,
    os: fields.os ?? null,
    charge_type: fields.chargeType ?? null,
    server_created_at: toDate(fields.createdAt),
    expires_at: toDate(fields.expiresAt),
    owner: fields.owner,
    tags: JSON.stringify(fields.tags ?? {}),
  };
}

/** How many expiry scan runs the store keeps; a scan may run every minute. */
export const KEPT_EXPIRY_SCANS = 100;

/** One run of the expiry scan as the store keeps it. */
export type ExpiryScanRecord = {
  startedAt: string;
  finishedAt?: string;
  alertsSent: number;
  alertsFailed: number;
  error?: string;
};

/** The servers, provider status, expiry notice and expiry scan tables. */
export class ServerStore {
  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): ServerStore {
    return new ServerStore(options.knex);
  }

  async list(filter: ServerFilter = {}): Promise<Server[]> {
    // Servers without expiry (pay as you go) last, on every database.
    const query = this.knex<ServerRow>('servers').orderBy([
      { column: 'expires_at', order: 'asc', nulls: 'last' },
      { column: 'name', order: 'asc' },
    ]);
    if (filter.owner) {
      query.whereIn('owner', filter.owner);
    }
    if (filter.provider) {
      query.where('provider', filter.provider);
    }
    if (filter.state) {
      query.where('state', filter.state);
    }
    if (filter.ids) {
      query.whereIn('id', filter.ids);
    }
    const rows = await query;
    return rows.map(rowToServer);
  }

  async get(id: string): Promise<Server | undefined> {
    const row = await this.knex<ServerRow>('servers').where({ id }).first();
    return row ? rowToServer(row) : undefined;
  }

  async findByProviderId(
    provider: string,
    providerId: string,
  ): Promise<Server | undefined> {
    const row = await this.knex<ServerRow>('servers')
      .where({ provider, provider_id: providerId })
      .first();
    return row ? rowToServer(row) : undefined;
  }

  /** Inserts a server; throws a unique violation when provider + id exist. */
  async insert(
    fields: ServerFields,
    options: { importedAt?: Date } = {},
  ): Promise<Server> {
    const id = randomUUID();
    const now = new Date();
    await this.knex('servers').insert({
      id,
      ...fieldsToRow(fields),
      state: 'active',
      last_imported_at: options.importedAt ?? null,
      recorded_at: now,
      updated_at: now,
    });
    return (await this.get(id))!;
  }

  /**
   * Overwrites a server's fields, makes it active again and, when its expiry
   * moved, forgets the alerts sent for the old date: a renewed server must be
   * alerted again before its new expiry.
   */
  async update(
    id: string,
    fields: ServerFields,
    options: { importedAt?: Date } = {},
  ): Promise<Server> {
    await this.knex.transaction(async tx => {
      const before = await tx<ServerRow>('servers').where({ id }).first();
      await tx('servers')
        .where({ id })
        .update({
          ...fieldsToRow(fields),
          state: 'active',
          removed_at: null,
          ...(options.importedAt
            ? { last_imported_at: options.importedAt }
            : {}),
          updated_at: new Date(),
        });
      if (before && toIso(before.expires_at) !== fields.expiresAt) {
        await tx('server_expiry_notices').where({ server_id: id }).delete();
      }
    });
    return (await this.get(id))!;
  }

  /** Records that an import saw an unchanged server. */
  async touchImported(ids: string[], importedAt: Date): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await this.knex('servers')
        .whereIn('id', ids.slice(i, i + 500))
        .update({ last_imported_at: importedAt });
    }
  }

  /** Marks servers of a provider that it no longer reports; returns how many. */
  async markRemoved(
    provider: string,
    keepProviderIds: string[],
    at: Date,
  ): Promise<number> {
    const active = await this.knex<ServerRow>('servers')
      .where({ provider, state: 'active' })
      .select('id', 'provider_id');
    const keep = new Set(keepProviderIds);
    const gone = active.filter(r => !keep.has(r.provider_id)).map(r => r.id);
    for (let i = 0; i < gone.length; i += 500) {
      await this.knex('servers')
        .whereIn('id', gone.slice(i, i + 500))
        .update({ state: 'removed', removed_at: at, updated_at: at });
    }
    return gone.length;
  }

  async delete(id: string): Promise<void> {
    await this.knex('servers').where({ id }).delete();
  }

  async saveProviderStatus(status: ServerProviderStatus): Promise<void> {
    const row = {
      provider: status.provider,
      last_run_at: toDate(status.lastRunAt),
      last_success_at: toDate(status.lastSuccessAt),
      imported: status.imported,
      removed: status.removed,
      skipped: JSON.stringify(status.skipped),
      error: status.error ?? null,
    };
    await this.knex('server_provider_status')
      .insert(row)
      .onConflict('provider')
      .merge();
  }

  async listProviderStatus(): Promise<ServerProviderStatus[]> {
    const rows = await this.knex('server_provider_status').orderBy('provider');
    return rows.map(row => ({
      provider: row.provider,
      lastRunAt: toIso(row.last_run_at),
      lastSuccessAt: toIso(row.last_success_at),
      imported: row.imported,
      removed: row.removed,
      // Cleaned again on the way out, for what was stored before cleaning.
      skipped: JSON.parse(row.skipped).map((skip: { reason: string }) => ({
        ...skip,
        reason: cleanProviderError(skip.reason),
      })),
      error: row.error ? cleanProviderError(row.error) : undefined,
    }));
  }

  /**
   * Claims the alert of one server and threshold. Only the first caller, on
   * any replica, gets `true`: the primary key decides, not a prior read.
   */
  async claimExpiryNotice(
    serverId: string,
    threshold: string,
    expiresAt: string,
  ): Promise<boolean> {
    try {
      await this.knex('server_expiry_notices').insert({
        server_id: serverId,
        threshold,
        expires_at: new Date(expiresAt),
        sent_at: new Date(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Gives a claim back when the notification could not be sent. */
  async releaseExpiryNotice(
    serverId: string,
    threshold: string,
  ): Promise<void> {
    await this.knex('server_expiry_notices')
      .where({ server_id: serverId, threshold })
      .delete();
  }

  async listExpiryNotices(
    serverId: string,
  ): Promise<Array<{ threshold: string; sentAt: string }>> {
    const rows = await this.knex('server_expiry_notices')
      .where({ server_id: serverId })
      .orderBy('sent_at');
    return rows.map(r => ({
      threshold: r.threshold,
      sentAt: toIso(r.sent_at)!,
    }));
  }

  /**
   * Records that a scan started and forgets all but the last
   * {@link KEPT_EXPIRY_SCANS} runs; returns the id to finish it with.
   */
  async startExpiryScan(startedAt: Date): Promise<number> {
    const [row] = await this.knex('server_expiry_scans')
      .insert({ started_at: startedAt })
      .returning('id');
    const id: number = typeof row === 'object' ? row.id : row;
    await this.knex('server_expiry_scans')
      .where('id', '<=', id - KEPT_EXPIRY_SCANS)
      .delete();
    return id;
  }

  async finishExpiryScan(
    id: number,
    result: { alertsSent: number; alertsFailed: number; error?: string },
  ): Promise<void> {
    await this.knex('server_expiry_scans')
      .where({ id })
      .update({
        finished_at: new Date(),
        alerts_sent: result.alertsSent,
        alerts_failed: result.alertsFailed,
        error: result.error ?? null,
      });
  }

  /** The most recent scan, finished or not. */
  async latestExpiryScan(): Promise<ExpiryScanRecord | undefined> {
    const row = await this.knex('server_expiry_scans')
      .orderBy('id', 'desc')
      .first();
    if (!row) {
      return undefined;
    }
    return {
      startedAt: toIso(row.started_at)!,
      finishedAt: toIso(row.finished_at),
      alertsSent: row.alerts_sent,
      alertsFailed: row.alerts_failed,
      error: row.error ?? undefined,
    };
  }
}
