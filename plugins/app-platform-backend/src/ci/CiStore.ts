import {
  CiBuildRecord,
  CiPolicy,
  CiSettings,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { TokenCipher } from '../clusters/TokenCipher';
import { reencryptColumn } from '../database/reencryptColumn';
import { toIsoString, toOptionalIsoString } from '../database/toIsoString';

const LATEST_BUILDS = 20;

type ServiceKey = { application: string; service: string };

function toBuild(row: any): CiBuildRecord {
  return {
    id: row.id,
    provider: row.provider,
    buildId: row.build_id,
    image: row.image,
    commit: row.commit ?? undefined,
    url: row.url ?? undefined,
    outcome: row.outcome,
    version: row.version ?? undefined,
    deploymentId: row.deployment_id ?? undefined,
    receivedAt: toIsoString(row.received_at),
  };
}

/**
 * `service_ci` and `ci_builds`: a service's CI settings, the SHA-256 of its
 * webhook secret (encrypted with the cluster tokens' keys), and the builds
 * received.
 */
export class CiStore {
  private constructor(
    private readonly knex: Knex,
    private readonly cipher: TokenCipher,
  ) {}

  static create(options: { knex: Knex; cipher: TokenCipher }): CiStore {
    return new CiStore(options.knex, options.cipher);
  }

  async settings(key: ServiceKey): Promise<CiSettings> {
    const row = await this.knex('service_ci').where(key).first();
    const builds = await this.knex('ci_builds')
      .where(key)
      .orderBy([
        { column: 'received_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(LATEST_BUILDS);
    return {
      policy: (row?.policy as CiPolicy) ?? 'record',
      imageRepository: row?.image_repository ?? undefined,
      secretCreatedAt: toOptionalIsoString(row?.secret_created_at),
      builds: builds.map(toBuild),
    };
  }

  async updateSettings(
    key: ServiceKey,
    changes: { policy?: CiPolicy; imageRepository?: string | null },
  ): Promise<void> {
    const row: Record<string, unknown> = { updated_at: new Date() };
    if (changes.policy !== undefined) row.policy = changes.policy;
    if (changes.imageRepository !== undefined)
      row.image_repository = changes.imageRepository || null;
    await this.knex('service_ci')
      .insert({ ...key, ...row })
      .onConflict(['application', 'service'])
      .merge(Object.keys(row));
  }

  /** Moves every stored secret hash to the current key (see reencryptColumn). */
  reencryptSecrets(): Promise<number> {
    return reencryptColumn(this.knex, this.cipher, {
      table: 'service_ci',
      column: 'secret_hash',
      key: ['application', 'service'],
      values: 'webhook secret hash(es)',
      describe: row =>
        `The webhook secret of service "${row.application}/${row.service}"`,
    });
  }

  /** Replaces the webhook secret's hash: the old secret stops working at once. */
  async setSecretHash(key: ServiceKey, hash: Buffer): Promise<Date> {
    const now = new Date();
    const row = {
      secret_hash: this.cipher.encrypt(hash.toString('hex')),
      secret_created_at: now,
      updated_at: now,
    };
    await this.knex('service_ci')
      .insert({ ...key, ...row })
      .onConflict(['application', 'service'])
      .merge(Object.keys(row));
    return now;
  }

  /** The webhook secret's SHA-256, and what the service's builds need. */
  async webhookSettings(key: ServiceKey): Promise<
    | {
        secretHash?: Buffer;
        policy: CiPolicy;
        imageRepository?: string;
      }
    | undefined
  > {
    const row = await this.knex('service_ci').where(key).first();
    if (!row) return undefined;
    return {
      secretHash: row.secret_hash
        ? Buffer.from(this.cipher.decrypt(row.secret_hash), 'hex')
        : undefined,
      policy: row.policy,
      imageRepository: row.image_repository ?? undefined,
    };
  }

  async build(
    key: ServiceKey & { provider: string; buildId: string },
    trx: Knex = this.knex,
  ): Promise<CiBuildRecord | undefined> {
    const row = await trx('ci_builds')
      .where({
        application: key.application,
        service: key.service,
        provider: key.provider,
        build_id: key.buildId,
      })
      .first();
    return row ? toBuild(row) : undefined;
  }

  /** Records a build; the unique key refuses a second row for the same build. */
  async insertBuild(
    build: ServiceKey & Omit<CiBuildRecord, 'receivedAt'>,
    trx: Knex,
  ): Promise<void> {
    await trx('ci_builds').insert({
      id: build.id,
      application: build.application,
      service: build.service,
      provider: build.provider,
      build_id: build.buildId,
      image: build.image,
      commit: build.commit,
      url: build.url,
      outcome: build.outcome,
      version: build.version,
      deployment_id: build.deploymentId,
      // Milliseconds: SQLite's default has whole seconds, too coarse to order by.
      received_at: new Date(),
    });
  }
}
