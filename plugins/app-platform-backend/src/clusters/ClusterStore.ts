import {
  Cluster,
  ClusterEnvironment,
  ClusterHealth,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { ChangeNotifier } from '../database/ChangeNotifier';
import { toIsoString, toOptionalIsoString } from '../database/toIsoString';
import { ClusterConnection } from '../kube/KubeClients';
import { TokenCipher } from './TokenCipher';
import { reencryptColumn } from '../database/reencryptColumn';

/** A cluster as it is stored, token in the clear only inside this process. */
export type ClusterRecord = {
  name: string;
  url: string;
  caData?: string;
  token: string;
  environment: ClusterEnvironment;
  labels: Record<string, string>;
  skipTLSVerify: boolean;
  source: 'config' | 'api';
  createdBy: string;
};

function toCluster(row: any): Cluster {
  return {
    name: row.name,
    url: row.url,
    environment: row.environment,
    labels: JSON.parse(row.labels ?? '{}'),
    skipTLSVerify: Boolean(row.skip_tls_verify),
    source: row.source,
    health: row.health,
    healthReason: row.health_reason ?? undefined,
    healthChangedAt: toOptionalIsoString(row.health_changed_at),
    lastProbeAt: toOptionalIsoString(row.last_probe_at),
    createdAt: toIsoString(row.created_at),
  };
}

/** The clusters table. Tokens are encrypted on the way in, decrypted on the way out. */
export class ClusterStore {
  /** Told after a cluster is added, changed, deleted, or its health changes (once committed). */
  readonly changes = new ChangeNotifier<string>();

  private constructor(
    private readonly knex: Knex,
    private readonly cipher: TokenCipher,
  ) {}

  static create(options: { knex: Knex; cipher: TokenCipher }): ClusterStore {
    return new ClusterStore(options.knex, options.cipher);
  }

  async list(): Promise<Cluster[]> {
    const rows = await this.knex('clusters').orderBy('name');
    return rows.map(toCluster);
  }

  async get(name: string): Promise<Cluster | undefined> {
    const row = await this.knex('clusters').where({ name }).first();
    return row ? toCluster(row) : undefined;
  }

  async connection(name: string): Promise<ClusterConnection | undefined> {
    const row = await this.knex('clusters').where({ name }).first();
    return row ? this.toConnection(row) : undefined;
  }

  /**
   * Connections to the clusters whose last probe found them healthy, by name,
   * in one query: a plan, a deploy and its pass each start with them.
   */
  async healthyConnections(): Promise<ClusterConnection[]> {
    const rows = await this.knex('clusters')
      .where({ health: 'healthy' })
      .orderBy('name');
    return rows.map(row => this.toConnection(row));
  }

  private toConnection(row: any): ClusterConnection {
    return {
      name: row.name,
      url: row.url,
      caData: row.ca_data ?? undefined,
      token: this.cipher.decrypt(row.token_encrypted),
      skipTLSVerify: Boolean(row.skip_tls_verify),
    };
  }

  async insert(record: ClusterRecord, trx: Knex = this.knex): Promise<void> {
    await trx('clusters').insert(this.toRow(record));
    this.changes.notifyAfter(trx, record.name);
  }

  /** Inserts or updates a cluster from config, keeping its health. */
  async upsertFromConfig(record: ClusterRecord): Promise<void> {
    const row = this.toRow(record);
    const { created_by: _createdBy, ...changes } = row;
    await this.knex('clusters')
      .insert(row)
      .onConflict('name')
      .merge({ ...changes, updated_at: this.knex.fn.now() });
    this.changes.notifyAfter(this.knex, record.name);
  }

  async delete(name: string, trx: Knex = this.knex): Promise<void> {
    // Statuses of what the reconciler did there mean nothing without the cluster.
    await trx('reconcile_targets').where({ cluster: name }).delete();
    await trx('clusters').where({ name }).delete();
    this.changes.notifyAfter(trx, name);
  }

  /** Moves every stored token to the current key (see reencryptColumn). */
  reencryptTokens(): Promise<number> {
    return reencryptColumn(this.knex, this.cipher, {
      table: 'clusters',
      column: 'token_encrypted',
      key: ['name'],
      values: 'cluster token(s)',
      describe: row => `The token of cluster "${row.name}"`,
    });
  }

  async namesFromConfig(): Promise<string[]> {
    const rows = await this.knex('clusters')
      .where({ source: 'config' })
      .select('name');
    return rows.map(r => r.name);
  }

  /** Records a probe's result; returns the health before it. */
  async recordProbe(
    name: string,
    health: Exclude<ClusterHealth, 'unknown'>,
    reason: string | undefined,
  ): Promise<ClusterHealth | undefined> {
    return this.knex.transaction(async trx => {
      const row = await trx('clusters').where({ name }).first();
      if (!row) return undefined;
      const now = new Date();
      const changed =
        row.health !== health || (row.health_reason ?? undefined) !== reason;
      await trx('clusters')
        .where({ name })
        .update({
          health,
          health_reason: reason ?? null,
          last_probe_at: now,
          ...(changed ? { health_changed_at: now } : {}),
        });
      if (changed) this.changes.notifyAfter(trx, name);
      return row.health;
    });
  }

  private toRow(record: ClusterRecord) {
    return {
      name: record.name,
      url: record.url,
      ca_data: record.caData,
      token_encrypted: this.cipher.encrypt(record.token),
      environment: record.environment,
      labels: JSON.stringify(record.labels),
      skip_tls_verify: record.skipTLSVerify,
      source: record.source,
      created_by: record.createdBy,
    };
  }
}
