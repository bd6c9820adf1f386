import {
  DeploySpec,
  isMiddlewareSpec,
  Service,
  ServiceVersion,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { ChangeNotifier } from '../database/ChangeNotifier';
import { toIsoString } from '../database/toIsoString';
import { reencryptColumn } from '../database/reencryptColumn';
import { TokenCipher } from '../clusters/TokenCipher';

/** A service's row; its owner comes from its application. */
type ServiceRow = Omit<Service, 'owner'> & { owner?: string };

function toService(row: any): Service {
  return {
    application: row.application,
    name: row.name,
    ...(row.kind === 'middleware' ? { kind: 'middleware' as const } : {}),
    description: row.description ?? undefined,
    public: Boolean(row.public),
    owner: row.owner,
    createdAt: toIsoString(row.created_at),
    createdBy: row.created_by,
    currentVersion:
      row.current_version === null || row.current_version === undefined
        ? undefined
        : Number(row.current_version),
    desiredState: row.desired_state,
    references: referencesOf(row.current_spec),
  };
}

/** The references of a stored spec, when it has any. */
function referencesOf(spec: string | null | undefined): Service['references'] {
  if (!spec) return undefined;
  const parsed = JSON.parse(spec) as DeploySpec;
  if (isMiddlewareSpec(parsed)) return undefined;
  const references = parsed.references;
  return references?.length ? references : undefined;
}

function toVersion(row: any): ServiceVersion {
  return {
    application: row.application,
    service: row.service,
    number: Number(row.number),
    spec: JSON.parse(row.spec),
    createdAt: toIsoString(row.created_at),
    createdBy: row.created_by,
  };
}

/** The `services` and `service_versions` tables. */
export class ServiceStore {
  /** Told after a service is created, changed or deleted (once committed). */
  readonly changes = new ChangeNotifier<{
    application: string;
    name: string;
  }>();

  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): ServiceStore {
    return new ServiceStore(options.knex);
  }

  private query(trx: Knex) {
    return trx('services')
      .join('applications', 'applications.name', 'services.application')
      .select('services.*', 'applications.owner as owner');
  }

  /**
   * The services, optionally with their relations for the catalog's
   * `dependsOn` (the references of their current version and the clusters
   * they are to run on): that reads and parses every current spec, so only the
   * listing that needs it asks, not reads on the permission path.
   */
  async list(
    filter: {
      application?: string;
      applications?: string[];
      /** Services or middleware instances; both when absent. */
      kind?: 'service' | 'middleware';
      withRelations?: boolean;
    } = {},
    trx: Knex = this.knex,
  ): Promise<Service[]> {
    const query = this.query(trx);
    if (filter.kind) query.where('services.kind', filter.kind);
    if (filter.withRelations) {
      query
        .leftJoin('service_versions as current', function current() {
          this.on('current.application', '=', 'services.application')
            .andOn('current.service', '=', 'services.name')
            .andOn('current.number', '=', 'services.current_version');
        })
        .select('current.spec as current_spec');
    }
    const clusterRows = filter.withRelations
      ? trx('service_clusters')
          .select('application', 'service', 'cluster')
          .orderBy('cluster')
      : undefined;
    for (const q of [query, clusterRows]) {
      if (!q) continue;
      const column = q === query ? 'services.application' : 'application';
      if (filter.application !== undefined) q.where(column, filter.application);
      if (filter.applications !== undefined)
        q.whereIn(column, filter.applications);
    }
    const rows = await query.orderBy(['services.application', 'services.name']);
    const services = rows.map(toService);
    if (!clusterRows) return services;
    const clusters = new Map<string, string[]>();
    for (const row of await clusterRows) {
      const key = `${row.application}/${row.service}`;
      clusters.set(key, [...(clusters.get(key) ?? []), row.cluster]);
    }
    return services.map(service => {
      const on = clusters.get(`${service.application}/${service.name}`);
      return on ? { ...service, clusters: on } : service;
    });
  }

  async get(
    application: string,
    name: string,
    trx: Knex = this.knex,
  ): Promise<Service | undefined> {
    const row = await this.query(trx)
      .where({ 'services.application': application, 'services.name': name })
      .first();
    return row ? toService(row) : undefined;
  }

  async insert(
    service: Pick<
      ServiceRow,
      'application' | 'name' | 'description' | 'public' | 'createdBy'
    > & {
      /** For a middleware instance: its definition and encrypted secrets. */
      middleware?: { definition: string; secrets: string };
    },
    trx: Knex = this.knex,
  ): Promise<void> {
    await trx('services').insert({
      application: service.application,
      name: service.name,
      description: service.description,
      public: service.public,
      created_by: service.createdBy,
      ...(service.middleware
        ? {
            kind: 'middleware',
            middleware_definition: service.middleware.definition,
            middleware_secrets: service.middleware.secrets,
          }
        : {}),
    });
    this.changes.notifyAfter(trx, {
      application: service.application,
      name: service.name,
    });
  }

  async update(
    application: string,
    name: string,
    changes: {
      description?: string;
      public?: boolean;
      desiredState?: Service['desiredState'];
      currentVersion?: number;
      /** A middleware instance's encrypted secrets. */
      middlewareSecrets?: string;
      /** Whether a middleware instance's uninstall deletes its volume claims. */
      middlewareDeleteData?: boolean;
    },
    trx: Knex = this.knex,
  ): Promise<void> {
    const row: Record<string, unknown> = { updated_at: new Date() };
    if (changes.description !== undefined)
      row.description = changes.description;
    if (changes.public !== undefined) row.public = changes.public;
    if (changes.desiredState !== undefined)
      row.desired_state = changes.desiredState;
    if (changes.currentVersion !== undefined)
      row.current_version = changes.currentVersion;
    if (changes.middlewareSecrets !== undefined)
      row.middleware_secrets = changes.middlewareSecrets;
    if (changes.middlewareDeleteData !== undefined)
      row.middleware_delete_data = changes.middlewareDeleteData;
    await trx('services').where({ application, name }).update(row);
    this.changes.notifyAfter(trx, { application, name });
  }

  async delete(
    application: string,
    name: string,
    trx: Knex = this.knex,
  ): Promise<void> {
    await trx('services').where({ application, name }).delete();
    this.changes.notifyAfter(trx, { application, name });
  }

  /** Deletes a service whose deletion was asked for (and nothing else). */
  async deleteIfDeleting(application: string, name: string): Promise<void> {
    const deleted = await this.knex('services')
      .where({ application, name, desired_state: 'deleting' })
      .delete();
    if (deleted > 0) this.changes.notifyAfter(this.knex, { application, name });
  }

  /** Stores a new version with the next number; the caller's transaction serialises numbering by the primary key. */
  async addVersion(
    application: string,
    service: string,
    spec: DeploySpec,
    createdBy: string,
    trx: Knex,
  ): Promise<ServiceVersion> {
    const last = await trx('service_versions')
      .where({ application, service })
      .max({ number: 'number' })
      .first();
    const number = Number(last?.number ?? 0) + 1;
    await trx('service_versions').insert({
      application,
      service,
      number,
      spec: JSON.stringify(spec),
      created_by: createdBy,
    });
    const row = await trx('service_versions')
      .where({ application, service, number })
      .first();
    return toVersion(row);
  }

  async getVersion(
    application: string,
    service: string,
    number: number,
    trx: Knex = this.knex,
  ): Promise<ServiceVersion | undefined> {
    const row = await trx('service_versions')
      .where({ application, service, number })
      .first();
    return row ? toVersion(row) : undefined;
  }

  /** A middleware instance's definition, encrypted secrets and uninstall choice. */
  async middlewareOf(
    application: string,
    name: string,
    trx: Knex = this.knex,
  ): Promise<
    { definition: string; secrets: string; deleteData: boolean } | undefined
  > {
    const row = await trx('services')
      .where({ application, name, kind: 'middleware' })
      .first(
        'middleware_definition',
        'middleware_secrets',
        'middleware_delete_data',
      );
    return row
      ? {
          definition: row.middleware_definition,
          secrets: row.middleware_secrets,
          deleteData: Boolean(row.middleware_delete_data),
        }
      : undefined;
  }

  /**
   * Which services bind which middleware instances, by their current
   * versions: `application/instance` → service names.
   */
  async bindings(
    applications?: string[],
    trx: Knex = this.knex,
  ): Promise<Map<string, string[]>> {
    const query = trx('services')
      .join('service_versions as current', function current() {
        this.on('current.application', '=', 'services.application')
          .andOn('current.service', '=', 'services.name')
          .andOn('current.number', '=', 'services.current_version');
      })
      .where('services.kind', 'service')
      .whereNot('services.desired_state', 'deleting')
      .select('services.application', 'services.name', 'current.spec')
      .orderBy('services.name');
    if (applications) query.whereIn('services.application', applications);
    const bound = new Map<string, string[]>();
    for (const row of await query) {
      const spec = JSON.parse(row.spec) as DeploySpec;
      if (isMiddlewareSpec(spec)) continue;
      for (const { instance } of spec.bindings ?? []) {
        const key = `${row.application}/${instance}`;
        bound.set(key, [...(bound.get(key) ?? []), row.name]);
      }
    }
    return bound;
  }

  /** See `reencryptColumn`: at start-up, so a previous key can be dropped. */
  reencryptMiddlewareSecrets(cipher: TokenCipher): Promise<number> {
    return reencryptColumn(this.knex, cipher, {
      table: 'services',
      column: 'middleware_secrets',
      key: ['application', 'name'],
      values: 'middleware instance secret(s)',
      describe: row =>
        `The secrets of middleware instance "${row.application}/${row.name}"`,
    });
  }

  async listVersions(
    application: string,
    service: string,
    page: { limit: number; before?: number },
  ): Promise<ServiceVersion[]> {
    const query = this.knex('service_versions')
      .where({ application, service })
      .orderBy('number', 'desc')
      .limit(page.limit);
    if (page.before !== undefined) query.where('number', '<', page.before);
    return (await query).map(toVersion);
  }
}
